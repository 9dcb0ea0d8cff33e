"""The contract with the generated clients, pinned (issue #13 item 5).

``jobpoll._generated`` is the one module of ``wrappers/`` that imports ``jobpoll_generated``,
and it names exactly what the vendor modules use. This file pins the shape of each of those
names in ``generated_contract.txt``: a builder's parameters (name, kind, annotation), its return
annotation and what a call returns (keys, method, URL); a model's fields (name and annotation),
``from_dict`` and ``to_dict``. A regeneration (a new generator, a changed upstream spec or
patch) that changes one of them fails here, naming it, instead of in a vendor reader at run
time. After checking the vendor modules that use a changed name, rewrite the pin on purpose:
``JOBPOLL_UPDATE_CONTRACT=1 .venv/bin/python -m pytest`` this file.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from jobpoll import _generated as gen

PIN = Path(__file__).with_name("generated_contract.txt")
WRAPPERS = Path(__file__).parents[2] / "wrappers" / "jobpoll"

# One call of each builder, with the least valid arguments: its keys, method and URL are pinned.
CALLS: dict[str, Callable[[], dict[str, Any]]] = {
    "tms_status_request": lambda: gen.tms_status_request(123),
    "tms_limits_request": gen.tms_limits_request,
    "tms_pending_request": lambda: gen.tms_pending_request(page_number=2, page_size=50),
    "tms_login_request": lambda: gen.tms_login_request(
        body=gen.LoginDto(user_name="u", password="p")
    ),
    "tms_pre_translate_request": lambda: gen.tms_pre_translate_request(
        "P/1", body=gen.PreTranslateJobsV2Dto(jobs=[gen.UidReference(uid="J")])
    ),
    "mt_translate_request": lambda: gen.mt_translate_request(
        body=gen.TranslateRequest.from_dict(
            {"sourceLanguage": "en", "targetLanguage": "de", "segments": [{"text": "a"}]}
        )
    ),
    "mt_translate_async_request": lambda: gen.mt_translate_async_request(
        body=gen.TranslateRequest.from_dict(
            {"sourceLanguage": "en", "targetLanguage": "de", "segments": [{"text": "a"}]}
        )
    ),
    "mt_result_request": lambda: gen.mt_result_request("j/1"),
    "mt_status_request": lambda: gen.mt_status_request("j/1"),
    "mt_engine_status_request": lambda: gen.mt_engine_status_request(body=gen.StatusRequest()),
    "mt_languages_request": lambda: gen.mt_languages_request(body=gen.LanguagesRequest()),
    "veza_task_request": lambda: gen.veza_task_request("t/1"),
    "veza_query_request": lambda: gen.veza_query_request(body=gen.QuerySpec.from_dict({})),
    "eden_submit_request": lambda: gen.eden_submit_request(
        body=gen.UniversalAIAsyncBody.from_dict({"model": "a/b/c", "input": {}})
    ),
    "eden_job_request": lambda: gen.eden_job_request(
        __import__("uuid").UUID("12345678-1234-5678-1234-567812345678")
    ),
}


def _annotation(value: object) -> str:
    return "-" if value is inspect.Parameter.empty else inspect.formatannotation(value)


def _parameters(signature: inspect.Signature) -> str:
    return ", ".join(
        f"{p.name}:{p.kind.name}:{_annotation(p.annotation)}" for p in signature.parameters.values()
    )


def describe(name: str, value: object) -> list[str]:
    """The pinned shape of one contract name."""
    if inspect.isfunction(value):
        signature = inspect.signature(value)
        returns = _annotation(signature.return_annotation)
        lines = [f"{name}: builder ({_parameters(signature)}) -> {returns}"]
        made = CALLS[name]()
        lines.append(
            f"{name}: returns keys {sorted(made)}, method {made.get('method')!r}, "
            f"url {made.get('url')!r}, params {made.get('params')!r}, "
            f"headers {made.get('headers')!r}"
        )
        return lines
    if inspect.isclass(value) and attrs.has(value):
        lines = [f"{name}: model {value.__name__}"]
        lines += [f"{name}.{f.name}: {f.type}" for f in attrs.fields(value)]
        for method in ("from_dict", "to_dict"):
            member = getattr(value, method, None)
            shape = f"({_parameters(inspect.signature(member))})" if member else "MISSING"
            lines.append(f"{name}.{method}{shape}")
        return lines
    if inspect.isclass(value):
        return [f"{name}: class {value.__name__}"]
    return [f"{name}: {type(value).__name__} instance"]


def current() -> list[str]:
    lines = []
    for names in gen.CONTRACT.values():
        for name in names:
            lines += describe(name, getattr(gen, name))
    return lines


def check(lines: list[str], pinned: list[str]) -> None:
    """AssertionError naming every contract name whose shape differs from the pin."""
    if lines == pinned:
        return
    diff = list(difflib.unified_diff(pinned, lines, "pinned", "generated now", lineterm="", n=0))
    changed = sorted(
        {line[1:].split(":")[0].split(".")[0] for line in diff[2:] if line[:1] in "+-"}
    )
    raise AssertionError(
        "The generated code jobpoll relies on changed shape: "
        + ", ".join(changed)
        + ".\nCheck the vendor modules that import these names from jobpoll._generated, then "
        "rewrite the pin with JOBPOLL_UPDATE_CONTRACT=1 (tests/foundation/"
        "test_generated_contract.py).\n" + "\n".join(diff)
    )


def test_the_generated_names_jobpoll_uses_keep_their_shape():
    lines = current()
    if os.environ.get("JOBPOLL_UPDATE_CONTRACT"):
        PIN.write_text("\n".join(lines) + "\n")
    check(lines, PIN.read_text().splitlines())


def test_a_changed_builder_or_model_fails_naming_it():
    pinned = current()

    def veza_task_request(id: str, tenant: str) -> dict[str, Any]:  # a new parameter
        return {"method": "get", "url": f"/v2/{tenant}/tasks/{id}"}

    @attrs.define
    class AsyncTask:  # a field renamed
        task_id: str

        def to_dict(self) -> dict[str, Any]:
            return {}

    CALLS_BEFORE = CALLS["veza_task_request"]
    CALLS["veza_task_request"] = lambda: veza_task_request("t/1", "acme")
    try:
        lines = [
            line
            for name in gen.CONTRACT["veza"]
            for line in describe(
                name,
                {"veza_task_request": veza_task_request, "AsyncTask": AsyncTask}.get(
                    name, getattr(gen, name)
                ),
            )
        ]
    finally:
        CALLS["veza_task_request"] = CALLS_BEFORE
    veza = [line for line in pinned if line.split(":")[0].split(".")[0] in gen.CONTRACT["veza"]]
    with pytest.raises(AssertionError) as info:
        check(lines, veza)
    message = str(info.value)
    assert message.startswith(
        "The generated code jobpoll relies on changed shape: AsyncTask, veza_task_request."
    )
    assert "AsyncTask.from_dictMISSING" in message
    assert "tenant:POSITIONAL_OR_KEYWORD" in message


def test_every_builder_has_a_pinned_call():
    builders = {n for n in gen.__all__ if inspect.isfunction(getattr(gen, n))}
    assert builders == set(CALLS)


def _type_checking_imports() -> dict[str, dict[str, tuple[str, str]]]:
    tree = ast.parse((WRAPPERS / "_generated.py").read_text())
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
        if node.test.id == "TYPE_CHECKING"
    )
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom), ast.dump(node)
        _, client, module = node.module.split(".", 2)  # jobpoll_generated.<client>.<module>
        for alias in node.names:
            found.setdefault(client, {})[alias.asname or alias.name] = (module, alias.name)
    return found


def test_what_the_type_checker_sees_is_what_runs():
    """The ``TYPE_CHECKING`` imports (what mypy checks the vendor modules against) and
    ``CONTRACT`` (what is imported at run time) name the same objects, and ``__all__`` both."""
    assert _type_checking_imports() == gen.CONTRACT
    assert sorted(gen.__all__) == sorted(n for names in gen.CONTRACT.values() for n in names)
    for client, names in gen.CONTRACT.items():
        for name, (module, attribute) in names.items():
            loaded = importlib.import_module(f"jobpoll_generated.{client}.{module}")
            assert getattr(gen, name) is getattr(loaded, attribute), name


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in a file, relative ones as written (``._generated``)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append(("." * node.level + (node.module or ""), [a.name for a in node.names]))
    return out


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) if type(n.value) is str]


def test_no_other_wrappers_module_imports_generated_code():
    others = [p for p in sorted(WRAPPERS.rglob("*.py")) if p.name != "_generated.py"]
    assert len(others) > 20
    offenders = [
        f"{p.relative_to(WRAPPERS)}: {module}"
        for p in others
        for module, _ in _imports(p)
        if module.startswith("jobpoll_generated")
    ]
    # importlib.import_module("jobpoll_generated...") would be an import too
    offenders += [
        f"{p.relative_to(WRAPPERS)}: {text!r}"
        for p in others
        for text in _strings(p)
        if text.startswith("jobpoll_generated")
    ]
    assert offenders == [], "import generated code through jobpoll._generated only"


def test_every_contract_name_is_used_by_a_vendor_module():
    used = {
        name
        for p in WRAPPERS.rglob("*.py")
        for module, names in _imports(p)
        if module.lstrip(".") == "_generated"
        for name in names
    }
    assert sorted(set(gen.__all__) - used) == [], "unused: drop them from jobpoll._generated"


def test_using_one_vendor_imports_only_its_generated_client():
    import subprocess
    import sys

    code = (
        "import sys, jobpoll.veza\n"
        "print(sorted({m.split('.')[1] for m in sys.modules"
        " if m.startswith('jobpoll_generated.')}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["['veza']"]
