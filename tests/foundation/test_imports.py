"""No import cycles in wrappers/jobpoll (#13 item 4).

The graph has an edge A -> B for every import of B that A makes at run time: module-level and
function-level (a local import hides a cycle, it does not remove it), but not those under
``if TYPE_CHECKING:``, which never run. Importing ``jobpoll.x`` also runs ``jobpoll/__init__``;
that implicit edge is left out (the package's ``__init__`` loads vendor modules lazily).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import jobpoll

ROOT = Path(jobpoll.__file__).resolve().parent
PACKAGE = "jobpoll"


def module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _run_time_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: all but those in an ``if TYPE_CHECKING:`` body
    (its ``else:`` runs, so it is kept)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _run_time_imports(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _run_time_imports(node)


def _target(name: str) -> str | None:
    """The jobpoll module ``name`` stands for: itself, or the package it is a name in."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def edges_of(module: str, source: str, *, is_package: bool) -> set[str]:
    found: set[str] = set()
    here = module if is_package else module.rpartition(".")[0]
    for node in _run_time_imports(ast.parse(source)):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
            names: list[str] = []
        else:
            if node.level:
                anchor = here
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{node.module}" if node.module else anchor
            else:
                base = node.module or ""
            bases = [base]
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in bases:
            target = _target(name)
            # `from . import _config` imports the submodule, not (only) the package.
            submodules = [n for n in names if n in MODULES]
            if submodules:
                found.update(submodules)
                if all(n in MODULES for n in names):
                    continue
            if target is not None:
                found.add(target)
    found.discard(module)
    return found


def import_graph() -> dict[str, set[str]]:
    return {
        name: edges_of(name, path.read_text(), is_package=path.name == "__init__.py")
        for name, path in MODULES.items()
    }


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_cycle_finder_finds_cycles_and_only_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"b"}}) == []


def test_edges_come_from_module_and_function_level_imports_but_not_type_checking_ones():
    source = (
        "from typing import TYPE_CHECKING\n"
        "from ._errors import Error\n"
        "from . import _config\n"
        "if TYPE_CHECKING:\n"
        "    from ._status import JobStatus\n"
        "def f():\n"
        "    from ._token import decode\n"
    )
    assert edges_of("jobpoll._x", source, is_package=False) == {
        "jobpoll._errors",
        "jobpoll._config",
        "jobpoll._token",
    }


def test_the_graph_covers_the_package():
    graph = import_graph()
    assert {"jobpoll._errors", "jobpoll.cli", "jobpoll._demo", "jobpoll.testing"} <= set(graph)
    assert "jobpoll._token" in graph["jobpoll._status"]  # a run-time edge is seen
    assert "jobpoll._status" not in graph["jobpoll._token"]  # a typing-only one is not


def test_no_import_cycles_in_wrappers():
    assert cycles(import_graph()) == []


def test_errors_import_nothing_of_jobpoll_at_run_time():
    # Every module raises errors: the error tree sits at the bottom of the graph.
    assert import_graph()["jobpoll._errors"] == set()


def test_the_cli_drives_the_demo_and_its_rendering_not_the_other_way():
    # The old cycle: _demo imported cli for its progress bar. Rendering now lives in _cli/.
    graph = import_graph()
    assert "jobpoll._demo" in graph["jobpoll.cli"]
    below_cli = ["jobpoll._demo", *(m for m in graph if m.startswith("jobpoll._cli"))]
    assert [m for m in below_cli if "jobpoll.cli" in graph[m]] == []


def test_vendor_modules_take_shared_plumbing_not_the_state_machine():
    # terminal_error lives in _status: a vendor module reads like a spec sheet and never
    # imports the engine's decisions (_core) directly.
    graph = import_graph()
    vendors = ["jobpoll.phrase_tms", "jobpoll.phrase_mt", "jobpoll.veza", "jobpoll.edenai"]
    vendors += [m for m in graph if m.startswith("jobpoll.alphasms")]
    assert len(vendors) >= 5
    assert [m for m in vendors if "jobpoll._core" in graph[m]] == []
    assert "jobpoll._status" in graph["jobpoll._core"]  # where the engine gets it too
