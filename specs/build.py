#!/usr/bin/env python3
"""Build the effective OpenAPI specs: specs/upstream/<name>.json|yaml + specs/patches/<name>.json.

Usage: python specs/build.py [--check] [--out-dir DIR] [names...]

For each name (default: all of NAMES) the upstream spec is loaded, the patch file's
RFC 6902 operations are applied one at a time, the result is validated with
openapi-spec-validator and written to <out-dir>/<name>.yaml (default out-dir: specs/).

Every patch operation carries a "why" member (stripped before applying). An operation
that cannot apply (a `test` that no longer matches, a target that no longer exists, ...)
is skipped and reported, and the rest still run: one build names EVERY operation that
needs attention, each with its index, op, path, an accurate reason and its why. That is
the signal that upstream changed under the patch. Strictness beyond RFC 6902:
- an `add` whose target object member already exists fails instead of silently replacing
  it (upstream now provides what the patch adds; review it, then drop the op or use
  `replace`);
- a `test` guarding `X/enum` and an add/replace of `X/description` in the same patch must
  agree: the description names every guarded value (a guard updated alone fails).

--check builds in memory and compares with the files already in out-dir; it
writes nothing and exits 1 if any is missing or differs.

Output is deterministic: running the build twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any

import jsonpatch
import jsonpointer
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

SPECS = Path(__file__).resolve().parent
NAMES = ("phrase-tms", "phrase-mt", "veza", "edenai")
YAML_WIDTH = 100
RFC6902_OPS = {"add", "remove", "replace", "move", "copy", "test"}


class BuildError(Exception):
    """A build step failed; the message says where and why."""


class _JsonSafeLoader(yaml.SafeLoader):
    """SafeLoader that keeps OpenAPI documents JSON-shaped.

    YAML 1.1 would turn unquoted dates into datetime objects; OpenAPI (JSON
    Schema) means strings there, so timestamps stay strings. Mapping keys are
    converted to strings (an unquoted `200:` response key becomes "200").
    """


_JsonSafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, bool):
            key = "true" if key else "false"
        key = key if isinstance(key, str) else str(key)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_JsonSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_upstream(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text) if path.suffix == ".json" else yaml.load(text, _JsonSafeLoader)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise BuildError(f"{_rel(path)}: cannot load: {exc}") from exc
    if not isinstance(doc, dict):
        raise BuildError(f"{_rel(path)}: not a YAML mapping")
    return doc


def load_patch(path: Path) -> list[dict[str, Any]]:
    try:
        ops = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"{_rel(path)}: cannot load: {exc}") from exc
    if not isinstance(ops, list):
        raise BuildError(f"{_rel(path)}: must be a JSON array of RFC 6902 operations")
    for index, op in enumerate(ops):
        where = f"{_rel(path)}: operation #{index}"
        if not isinstance(op, dict):
            raise BuildError(f"{where}: not a JSON object")
        if op.get("op") not in RFC6902_OPS:
            raise BuildError(f"{where}: unknown op {op.get('op')!r}")
        if not isinstance(op.get("path"), str):
            raise BuildError(f"{where} ({op.get('op')}): missing path")
        why = op.get("why")
        if not isinstance(why, str) or not why.strip():
            raise BuildError(f'{where} ({op["op"]} {op["path"]}): missing its "why" (one sentence)')
    return ops


@dataclasses.dataclass(frozen=True)
class Problem:
    """One patch operation that does not apply (or no longer makes sense) to an upstream."""

    index: int
    op: dict[str, Any]
    message: str
    redundant: bool = False

    def render(self, patch_path: Path) -> str:
        where = f"{_rel(patch_path)}: operation #{self.index} ({self.op['op']} {self.op['path']})"
        return f"{where}: {self.message}\n  why: {self.op.get('why', '(none)')}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:197] + "..."


def _exists(doc: Any, pointer: str) -> bool:
    try:
        jsonpointer.resolve_pointer(doc, pointer)
    except (jsonpointer.JsonPointerException, KeyError, TypeError, IndexError):
        return False
    return True


def _parent(pointer: str) -> str:
    parts = jsonpointer.JsonPointer(pointer).parts
    return jsonpointer.JsonPointer.from_parts(parts[:-1]).path


_REDUNDANT = "redundant: upstream now has exactly this value; drop the operation"


def _diagnose_test(doc: Any, op: dict[str, Any]) -> str | None:
    if not _exists(doc, op["path"]):
        return "no longer exists in upstream (the guard expected it)"
    actual, expected = jsonpointer.resolve_pointer(doc, op["path"]), op.get("value")
    if actual == expected:
        return None
    if isinstance(actual, list) and isinstance(expected, list):
        extra = [v for v in actual if v not in expected]
        missing = [v for v in expected if v not in actual]
        if not extra and not missing:
            return "test failed: upstream list has the same items in another order"
        return f"test failed: upstream list has new {extra} and lacks {missing}"
    return f"test failed: upstream has {_short(actual)}, expected {_short(expected)}"


def _diagnose_add(doc: Any, op: dict[str, Any]) -> tuple[str | None, bool]:
    parts = jsonpointer.JsonPointer(op["path"]).parts
    if not parts:
        return "add would replace the whole document", False
    parent = _parent(op["path"])
    if not _exists(doc, parent):
        return f"its parent {parent or '(root)'} no longer exists in upstream", False
    container = jsonpointer.resolve_pointer(doc, parent)
    if not isinstance(container, dict) or parts[-1] not in container:
        return None, False
    if container[parts[-1]] == op.get("value"):
        return _REDUNDANT, True
    return (
        "target already exists (upstream now provides it?): review it, "
        "then drop this operation or make it a replace"
    ), False


def diagnose(doc: Any, op: dict[str, Any]) -> tuple[str | None, bool]:
    """Why ``op`` cannot apply to ``doc`` (None if it can), and whether it is only redundant.

    A redundant operation would change nothing because upstream now has its value: it applies,
    but is reported so the patch shrinks as the vendor fixes its spec.
    """
    kind, path = op["op"], op["path"]
    if kind == "test":
        return _diagnose_test(doc, op), False
    if kind == "add":
        return _diagnose_add(doc, op)
    if kind in ("move", "copy") and not _exists(doc, str(op.get("from"))):
        return f"source {op.get('from')} no longer exists in upstream", False
    if kind in ("remove", "replace") and not _exists(doc, path):
        return "target no longer exists in upstream", False
    if kind == "replace" and jsonpointer.resolve_pointer(doc, path) == op.get("value"):
        return _REDUNDANT, True
    return None, False


def _mentions(text: str, value: object) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(str(value)) + r"(?![\w-])", text) is not None


def guard_problems(ops: list[dict[str, Any]]) -> list[Problem]:
    """A guard on an enum's values and the description that lists them change together.

    When a patch pins ``X/enum`` with a ``test`` and writes ``X/description`` (typically after
    removing the enum, to keep the known values documented), every guarded value must be named
    in that description: updating the guard alone would leave the description stale.
    """
    problems: list[Problem] = []
    for i, guard in enumerate(ops):
        if guard["op"] != "test" or not guard["path"].endswith("/enum"):
            continue
        values = guard.get("value")
        if not isinstance(values, list):
            continue
        sibling = guard["path"].removesuffix("/enum") + "/description"
        for j, op in enumerate(ops):
            if op["op"] in ("add", "replace") and op["path"] == sibling:
                text = op.get("value")
                absent = [v for v in values if not isinstance(text, str) or not _mentions(text, v)]
                if absent:
                    problems.append(
                        Problem(
                            j,
                            op,
                            f"does not name {absent}, which the guard #{i} "
                            f"(test {guard['path']}) lists: update the description with the "
                            "guard's values",
                        )
                    )
    return problems


def check_patch(
    doc: dict[str, Any], ops: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[Problem]]:
    """Apply every operation that can apply; return the result and every problem found.

    Operations apply one at a time in order; one that fails is skipped and reported, and the
    rest still run, so one build names every operation that needs attention.
    """
    doc = copy.deepcopy(doc)
    problems = guard_problems(ops)
    for index, op in enumerate(ops):
        bare = {k: v for k, v in op.items() if k != "why"}
        message, redundant = diagnose(doc, bare)
        if message is not None:
            problems.append(Problem(index, op, message, redundant))
            if not redundant:
                continue
        try:
            doc = jsonpatch.JsonPatch([bare]).apply(doc, in_place=False)
        except (
            jsonpatch.JsonPatchException,
            jsonpointer.JsonPointerException,
            KeyError,
            TypeError,
        ) as exc:
            problems.append(Problem(index, op, f"failed: {type(exc).__name__}: {exc}"))
    problems.sort(key=lambda p: p.index)
    return doc, problems


def apply_patch(doc: dict[str, Any], ops: list[dict[str, Any]], patch_path: Path) -> dict[str, Any]:
    """``doc`` with ``ops`` applied; BuildError naming every operation that fails."""
    doc, problems = check_patch(doc, ops)
    failures = [p for p in problems if not p.redundant]
    if failures:
        count = f"{len(failures)} patch operation(s) need attention"
        raise BuildError(f"{count}:\n" + "\n".join(p.render(patch_path) for p in failures))
    return doc


def validate_spec(doc: dict[str, Any], label: str) -> None:
    try:
        validate(doc)
    except OpenAPIValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(document root)"
        raise BuildError(
            f"{label}: not a valid OpenAPI document at {where}: {exc.message}"
        ) from exc
    except Exception as exc:  # e.g. unsupported or missing `openapi` version
        raise BuildError(f"{label}: cannot validate: {type(exc).__name__}: {exc}") from exc


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line strings as literal blocks when YAML allows it."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def render(name: str, upstream: str, doc: dict[str, Any]) -> str:
    header = (
        f"# GENERATED by specs/build.py from upstream/{upstream} + patches/{name}.json"
        " — do not edit\n"
    )
    body = yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=YAML_WIDTH,
        default_flow_style=False,
        indent=2,
        line_break="\n",
    )
    return header + body


def upstream_path(name: str, specs: Path = SPECS) -> Path:
    """``specs/upstream/<name>.json`` (a reduced published spec) or ``<name>.yaml``."""
    for suffix in (".json", ".yaml"):
        path = specs / "upstream" / f"{name}{suffix}"
        if path.is_file():
            return path
    return specs / "upstream" / f"{name}.yaml"


def build(name: str) -> str:
    upstream = upstream_path(name)
    patch = SPECS / "patches" / f"{name}.json"
    doc = load_upstream(upstream)
    ops = load_patch(patch)
    doc = apply_patch(doc, ops, patch)
    validate_spec(doc, f"{name} (upstream/{upstream.name} + patches/{name}.json)")
    return render(name, upstream.name, doc)


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(SPECS.parent))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with out-dir, write nothing")
    parser.add_argument(
        "--out-dir", type=Path, default=SPECS, help="where <name>.yaml go (default: specs/)"
    )
    parser.add_argument("names", nargs="*", metavar="name", help=f"default: {' '.join(NAMES)}")
    args = parser.parse_args(argv)

    names = args.names or list(NAMES)
    unknown = [n for n in names if not upstream_path(n).is_file()]
    if unknown:
        parser.error(f"no specs/upstream/<name>.json or .yaml for: {', '.join(unknown)}")

    failed = False
    for name in names:
        try:
            text = build(name)
        except BuildError as exc:
            print(f"build.py: ERROR: {exc}", file=sys.stderr)
            failed = True
            continue
        target = args.out_dir / f"{name}.yaml"
        if args.check:
            current = target.read_bytes().decode("utf-8") if target.is_file() else None
            if current != text:
                state = "missing" if current is None else "out of date"
                print(
                    f"build.py: {_rel(target)} is {state}; run python specs/build.py",
                    file=sys.stderr,
                )
                failed = True
            else:
                print(f"{_rel(target)}: up to date")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        print(f"{_rel(target)}: written")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
