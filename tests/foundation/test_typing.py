"""The README's examples type-check under ``mypy --strict`` and ``pyright`` in strict mode, the
way a user's code that copies them would (#13 item 6): every value they touch is typed, and
``err.resume_token`` of a ``WaitTimeout`` is a ``str`` with no ``None`` to rule out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import jobpoll
import jobpoll_generated

from ..test_readme import BLOCKS

# Where jobpoll and its generated clients are imported from (the checkout's wrappers/ and
# generated/ under an editable install, which the checkers cannot follow through its hook).
PATHS = [str(Path(m.__file__ or "").resolve().parents[1]) for m in (jobpoll, jobpoll_generated)]

MYPY_INI = """\
[mypy]
strict = True
python_version = 3.11

[mypy-jobpoll_generated.*]
# Generated code is a typed dependency: checked for what the examples use, its own body not
# reported (as mypy does for any installed package).
ignore_errors = True
"""


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("readme")
    assert len(BLOCKS) >= 8
    for number, code in enumerate(BLOCKS):
        (where / f"readme_{number:02d}.py").write_text(code)
    return where


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    return subprocess.run(
        args, check=False, cwd=cwd, capture_output=True, text=True, timeout=300, env=clean | env
    )


def test_readme_examples_pass_mypy_strict(examples: Path) -> None:
    (examples / "mypy.ini").write_text(MYPY_INI)
    done = _run(
        [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", ".mypy", "."],
        examples,
        MYPYPATH=":".join(PATHS),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"no issues found in {len(BLOCKS)} source files" in done.stdout


def test_readme_examples_pass_pyright_strict(examples: Path) -> None:
    config = {"typeCheckingMode": "strict", "pythonVersion": "3.11", "extraPaths": PATHS}
    (examples / "pyrightconfig.json").write_text(json.dumps(config))
    done = _run(
        [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, "--outputjson", "."],
        examples,
    )
    report = json.loads(done.stdout)
    messages = [
        f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']}"
        for d in report["generalDiagnostics"]
    ]
    assert done.returncode == 0 and not messages, "\n".join(messages) or done.stderr
    assert report["summary"]["filesAnalyzed"] == len(BLOCKS)


TYPE_COMPLETENESS_FLOOR = 100.0
"""Every exported symbol has a type pyright knows (#13 item 6 asked for 99 %): a new public name
without an annotation fails here, with its name."""


def test_type_completeness_does_not_fall(tmp_path: Path) -> None:
    verify = ["--verifytypes", "jobpoll", "--ignoreexternal", "--outputjson"]
    done = _run(
        [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, *verify],
        tmp_path,
        PYTHONPATH=os.pathsep.join(PATHS),
    )
    report = json.loads(done.stdout)["typeCompleteness"]
    assert report["exportedSymbolCounts"]["withKnownType"] > 100  # it did find the package
    score = 100 * report["completenessScore"]
    unknown = [s["name"] for s in report["symbols"] if not s["isTypeKnown"]]
    assert score >= TYPE_COMPLETENESS_FLOOR, f"{score:.1f} %; not fully typed: {unknown}"
