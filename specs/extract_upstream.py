#!/usr/bin/env python3
"""Take a vendor's spec into specs/upstream/: unchanged, or reduced to the operations we use.

Usage:
  python specs/extract_upstream.py PAGE OUTPUT
  python specs/extract_upstream.py --reduce SPEC OUTPUT --keep 'METHOD /path' [--keep ...]
  (either form) [--source TEXT --published YYYY-MM-DD]: also record OUTPUT in PROVENANCE.json

PAGE form: the vendor pages (see /work/shared/seeds/) embed the spec in a Markdown code
fence whose info string starts with ``yaml``, e.g.::

    ````yaml /openapi/phrase-tms-latest.json get /api2/v1/async/{asyncRequestId}
    openapi: 3.0.0
    ...
    ````

Everything between the opening fence line and the closing fence line (a line of
at least as many backticks and nothing else, as in CommonMark) is written to
OUTPUT unchanged: no decoding, no newline conversion, nothing added.
Exactly one such block must exist.

--reduce form: SPEC is a whole published OpenAPI document (JSON or YAML). OUTPUT gets the
same document with only the --keep operations under ``paths``, only the components they
reference (transitively: schemas, responses, parameters, ... and the security schemes their
``security`` names), and only the tags they use. Nothing else is changed: members keep the
vendor's order and values. OUTPUT is JSON (indent 2, UTF-8, one final newline), so the same
input always gives the same bytes, and reducing OUTPUT again gives OUTPUT.

With --source, specs/upstream/PROVENANCE.json records OUTPUT's origin, the date the vendor
published it, today's date and OUTPUT's sha256 (tests/specs/test_provenance.py checks it).
"""

from __future__ import annotations

import argparse
import copy
import datetime
import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

UPSTREAM = Path(__file__).resolve().parent / "upstream"
PROVENANCE = UPSTREAM / "PROVENANCE.json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

OPEN = re.compile(rb"^(?P<fence>`{3,})[ \t]*yaml(?:[ \t].*)?$")


def extract(data: bytes) -> tuple[bytes, bytes]:
    """Return (block, opening info line) of the only ```yaml block in ``data``."""
    lines = data.splitlines(keepends=True)
    blocks: list[tuple[bytes, bytes]] = []
    i = 0
    while i < len(lines):
        m = OPEN.match(lines[i].rstrip(b"\r\n"))
        if not m:
            i += 1
            continue
        width = len(m.group("fence"))
        close = re.compile(rb"^`{%d,}[ \t]*$" % width)
        for j in range(i + 1, len(lines)):
            if close.match(lines[j].rstrip(b"\r\n")):
                blocks.append((b"".join(lines[i + 1 : j]), lines[i].rstrip(b"\r\n")))
                i = j + 1
                break
        else:
            raise ValueError(f"unterminated yaml fence opened on line {i + 1}")
    if len(blocks) != 1:
        raise ValueError(f"expected exactly one yaml code block, found {len(blocks)}")
    return blocks[0]


def specs_module(name: str) -> ModuleType:
    """``specs/<name>.py`` imported under a private name: ``build`` alone would find the
    PyPA ``build`` package when it is installed (as in the dev venv)."""
    key = f"_jobpoll_specs_{name}"
    if key not in sys.modules:
        found = importlib.util.spec_from_file_location(key, Path(__file__).with_name(f"{name}.py"))
        if found is None or found.loader is None:
            raise ImportError(f"specs/{name}.py cannot be loaded")
        module = importlib.util.module_from_spec(found)
        sys.modules[key] = module  # before running it: dataclasses look their module up
        found.loader.exec_module(module)
    return sys.modules[key]


def load_spec(path: Path) -> dict[str, Any]:
    """An OpenAPI document from a JSON or YAML file (YAML read as build.py reads it)."""
    text = path.read_text(encoding="utf-8")
    # PyYAML (through build.py) only when a YAML file comes.
    json_file = path.suffix == ".json"
    doc = json.loads(text) if json_file else specs_module("build").load_upstream(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        raise ValueError(f"{path}: not an OpenAPI document (no paths)")
    return doc


def parse_operation(text: str) -> tuple[str, str]:
    """``'POST /v3/x'`` -> ``('post', '/v3/x')``."""
    method, _, path = text.strip().partition(" ")
    if method.lower() not in METHODS or not path.strip().startswith("/"):
        raise ValueError(f"an operation is 'METHOD /path', got {text!r}")
    return method.lower(), path.strip()


def _refs(node: Any) -> list[str]:
    """Every local ``$ref`` under ``node``, in document order."""
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for value in node.values():
            found += _refs(value)
        return found
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def _security_names(requirements: Any) -> set[str]:
    if not isinstance(requirements, list):
        return set()
    return {name for item in requirements if isinstance(item, dict) for name in item}


def reduce_spec(doc: dict[str, Any], keep: list[tuple[str, str]]) -> dict[str, Any]:
    """``doc`` with only the ``keep`` operations and what they reference (see the module doc)."""
    missing = [f"{m.upper()} {p}" for m, p in keep if m not in doc["paths"].get(p, {})]
    if missing:
        raise ValueError(f"the spec has no operation {', '.join(missing)}")
    wanted = {(m, p) for m, p in keep}
    paths: dict[str, Any] = {}
    for path, item in doc["paths"].items():
        kept = {
            key: value
            for key, value in item.items()
            if (key not in METHODS or (key, path) in wanted)
        }
        if any(key in METHODS for key in kept):
            paths[path] = copy.deepcopy(kept)
    operations = [op for item in paths.values() for k, op in item.items() if k in METHODS]
    components = doc.get("components", {})
    used: set[tuple[str, str]] = set()
    todo = _refs(paths)
    while todo:
        ref = todo.pop()
        parts = ref.removeprefix("#/").split("/")
        if len(parts) != 3 or parts[0] != "components":
            continue
        kind, name = parts[1], parts[2].replace("~1", "/").replace("~0", "~")
        if (kind, name) in used or name not in components.get(kind, {}):
            continue
        used.add((kind, name))
        todo += _refs(components[kind][name])
    schemes = _security_names(doc.get("security"))
    for op in operations:
        schemes |= _security_names(op.get("security"))
    used |= {("securitySchemes", name) for name in schemes}
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "paths":
            out[key] = paths
        elif key == "components":
            reduced = {
                kind: {n: copy.deepcopy(v) for n, v in members.items() if (kind, n) in used}
                for kind, members in value.items()
                if isinstance(members, dict)
            }
            out[key] = {kind: members for kind, members in reduced.items() if members}
        elif key == "tags" and isinstance(value, list):
            names = {t for op in operations for t in op.get("tags", [])}
            out[key] = [copy.deepcopy(t) for t in value if t.get("name") in names]
        elif key != "webhooks":
            out[key] = copy.deepcopy(value)
    return out


def dump_json(doc: Any) -> bytes:
    """The canonical bytes of a reduced spec."""
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(output: Path, entry: dict[str, Any]) -> None:
    """Write ``entry`` (plus OUTPUT's sha256 and today's date) into PROVENANCE.json."""
    table = json.loads(PROVENANCE.read_text(encoding="utf-8")) if PROVENANCE.is_file() else {}
    entry = {
        **entry,
        "retrieved": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "sha256": sha256(output.read_bytes()),
    }
    table[output.name] = entry
    text = json.dumps(dict(sorted(table.items())), indent=2, ensure_ascii=False) + "\n"
    PROVENANCE.write_text(text, encoding="utf-8")


def provenance_problems(upstream: Path = UPSTREAM) -> list[str]:
    """What PROVENANCE.json in ``upstream`` gets wrong ([] when every file is accounted for).

    Every spec file has an entry with its source, dates, how it was made and its sha256, and
    the hash matches; a reduced spec is exactly the reduction of itself (deterministic output).
    """
    table_path = upstream / PROVENANCE.name
    if not table_path.is_file():
        return [f"{table_path} is missing"]
    table = json.loads(table_path.read_text(encoding="utf-8"))
    files = {p.name for p in upstream.iterdir() if p.suffix in (".json", ".yaml")}
    files.discard(PROVENANCE.name)
    problems = [f"{name}: no entry in {PROVENANCE.name}" for name in sorted(files - set(table))]
    problems += [f"{name}: recorded but not in {upstream}" for name in sorted(set(table) - files)]
    for name in sorted(files & set(table)):
        entry, data = table[name], (upstream / name).read_bytes()
        problems += [
            f"{name}: entry has no {key}"
            for key in ("source", "retrieved", "how", "sha256")
            if not entry.get(key)
        ]
        if entry.get("sha256") != sha256(data):
            problems.append(
                f"{name}: sha256 is {sha256(data)}, {PROVENANCE.name} records "
                f"{entry.get('sha256')}: re-record it (extract_upstream.py --source ...)"
            )
        if entry.get("operations"):
            keep = [parse_operation(op) for op in entry["operations"]]
            if dump_json(reduce_spec(json.loads(data), keep)) != data:
                problems.append(f"{name}: is not the reduction of itself to its operations")
    return problems


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[1], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("source_file", type=Path, metavar="PAGE_OR_SPEC")
    ap.add_argument("output", type=Path, metavar="OUTPUT")
    ap.add_argument("--reduce", action="store_true", help="SPEC is a whole OpenAPI document")
    ap.add_argument("--keep", action="append", default=[], metavar="'METHOD /path'")
    ap.add_argument("--source", help="where the input came from (recorded in PROVENANCE.json)")
    ap.add_argument("--published", help="the date the vendor published it (YYYY-MM-DD)")
    args = ap.parse_args(argv[1:])
    src, dst = args.source_file, args.output
    try:
        if args.reduce:
            keep = [parse_operation(k) for k in args.keep]
            if not keep:
                raise ValueError("--reduce needs at least one --keep 'METHOD /path'")
            data = dump_json(reduce_spec(load_spec(src), keep))
            what = f"{len(keep)} operation(s)"
        else:
            if args.keep:
                raise ValueError("--keep needs --reduce")
            data, header = extract(src.read_bytes())
            what = header.decode("utf-8", "replace")
    except (OSError, ValueError) as exc:
        print(f"{src}: {exc}", file=sys.stderr)
        return 1
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(data)
    print(f"{src} -> {dst}: {len(data)} bytes from {what}")
    if args.source:
        entry: dict[str, Any] = {"source": args.source, "published": args.published}
        entry["how"] = (
            "extract_upstream.py --reduce, operations: " + ", ".join(args.keep)
            if args.reduce
            else "extract_upstream.py: the page's yaml block, byte for byte"
        )
        if args.reduce:
            entry["operations"] = [f"{m.upper()} {p}" for m, p in map(parse_operation, args.keep)]
        entry["source_sha256"] = sha256(src.read_bytes())
        record(dst, entry)
        print(f"recorded in {PROVENANCE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
