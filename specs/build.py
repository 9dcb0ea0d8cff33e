#!/usr/bin/env python3
"""Build the effective OpenAPI specs: specs/upstream/<name>.yaml + specs/patches/<name>.json.

Usage: python specs/build.py [--check] [--out-dir DIR] [names...]

For each name (default: all of NAMES) the upstream spec is loaded, the patch file's
RFC 6902 operations are applied one at a time, the result is validated with
openapi-spec-validator and written to <out-dir>/<name>.yaml (default out-dir: specs/).

Every patch operation carries a "why" member (stripped before applying). When an
operation fails (a `test` that no longer matches, a missing path, ...) the build
stops and names the file, the operation's index, op, path and why: that is the
signal that upstream changed under the patch, and the operation must be fixed or
dropped. One deliberate strictness beyond RFC 6902: an `add` whose target object
member already exists fails instead of silently replacing it (upstream now
provides what the patch adds; review it, then drop the op or use `replace`).

--check builds in memory and compares with the files already in out-dir; it
writes nothing and exits 1 if any is missing or differs.

Output is deterministic: running the build twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import copy
import json
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
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_JsonSafeLoader)
    except (OSError, yaml.YAMLError) as exc:
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


def _check_add_target(doc: Any, op: dict[str, Any]) -> None:
    """Refuse an `add` that would silently overwrite an existing object member."""
    pointer = jsonpointer.JsonPointer(op["path"])
    if not pointer.parts:
        raise jsonpatch.JsonPatchConflict("add would replace the whole document")
    parent = pointer.__class__.from_parts(pointer.parts[:-1]).resolve(doc, None)
    if isinstance(parent, dict) and pointer.parts[-1] in parent:
        raise jsonpatch.JsonPatchConflict(
            "target already exists (upstream now provides it?): review it, "
            "then drop this operation or make it a replace"
        )


def _describe_mismatch(doc: Any, op: dict[str, Any]) -> str:
    """Say briefly how the upstream value differs from what a `test` expected."""
    actual = jsonpointer.resolve_pointer(doc, op["path"], None)
    expected = op.get("value")
    if isinstance(actual, list) and isinstance(expected, list):
        extra = [v for v in actual if v not in expected]
        missing = [v for v in expected if v not in actual]
        if extra or missing:
            return f"upstream list has new {extra} and lacks {missing}"
        return "upstream list has the same items in another order"
    text = f"upstream has {json.dumps(actual, ensure_ascii=False)}"
    return text if len(text) <= 300 else text[:297] + "..."


def apply_patch(doc: dict[str, Any], ops: list[dict[str, Any]], patch_path: Path) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for index, op in enumerate(ops):
        bare = {k: v for k, v in op.items() if k != "why"}
        try:
            if bare["op"] == "add":
                _check_add_target(doc, bare)
            doc = jsonpatch.JsonPatch([bare]).apply(doc, in_place=False)
        except jsonpatch.JsonPatchTestFailed as exc:
            where = f"{_rel(patch_path)}: operation #{index} ({bare['op']} {bare['path']})"
            raise BuildError(
                f"{where} test failed: {_describe_mismatch(doc, bare)}\n  why: {op['why']}"
            ) from exc
        except (
            jsonpatch.JsonPatchException,
            jsonpointer.JsonPointerException,
            KeyError,
            TypeError,
        ) as exc:
            raise BuildError(
                f"{_rel(patch_path)}: operation #{index} ({bare['op']} {bare['path']}) failed: "
                f"{type(exc).__name__}: {exc}\n  why: {op['why']}"
            ) from exc
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


def render(name: str, doc: dict[str, Any]) -> str:
    header = (
        f"# GENERATED by specs/build.py from upstream/{name}.yaml + patches/{name}.json"
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


def build(name: str) -> str:
    upstream = SPECS / "upstream" / f"{name}.yaml"
    patch = SPECS / "patches" / f"{name}.json"
    doc = load_upstream(upstream)
    ops = load_patch(patch)
    doc = apply_patch(doc, ops, patch)
    validate_spec(doc, f"{name} (upstream/{name}.yaml + patches/{name}.json)")
    return render(name, doc)


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
    unknown = [n for n in names if not (SPECS / "upstream" / f"{n}.yaml").is_file()]
    if unknown:
        parser.error(f"no specs/upstream/<name>.yaml for: {', '.join(unknown)}")

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
