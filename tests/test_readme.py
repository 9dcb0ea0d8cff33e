"""The README's examples are code: the runnable ones run, the rest at least compile and name
only things jobpoll exports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import jobpoll
from jobpoll.testing import FakeClock, VezaSimulator

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def runnable(code: str) -> bool:
    return "jobpoll.testing" in code and "def test_" not in code


def test_readme_has_examples():
    assert len([b for b in BLOCKS if runnable(b)]) >= 3
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize(
    "code", [b for b in BLOCKS if runnable(b)], ids=lambda c: c.splitlines()[1][:40]
)
def test_runnable_example_runs(code, capsys):
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert capsys.readouterr().out.strip()  # each example prints its result


@pytest.mark.parametrize("code", BLOCKS, ids=lambda c: c.splitlines()[0][:40])
def test_every_example_compiles_and_imports_real_names(code):
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "jobpoll":
            for alias in node.names:
                assert alias.name in jobpoll.__all__, alias.name


def test_pytest_example_passes_with_the_plugin_fixtures():
    (code,) = [b for b in BLOCKS if "def test_" in b]
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    test = next(v for k, v in namespace.items() if k.startswith("test_"))
    clock = FakeClock()
    sim = VezaSimulator(clock=clock)
    with sim.serve():
        test(sim, clock)  # type: ignore[operator]
    # The example's body ran against the simulator on the fake clock (an empty body, or one
    # that never reached a client, would pass the call above).
    assert sim.requests, "the README's pytest example sent no request"
    assert clock.now() > 0, "the README's pytest example did not move the fake clock"


def test_exit_code_table_matches_the_cli():
    from jobpoll import cli

    for code, meaning in re.findall(r"^\| (\d) \| (.+?) \|$", README, re.M):
        assert f"  {code}  {meaning}" in cli.EXIT_CODES, (code, meaning)
