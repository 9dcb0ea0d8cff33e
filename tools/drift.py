"""Compare a vendor's candidate spec with the upstream jobpoll builds from: what would change?

Usage: python tools/drift.py CANDIDATE_SPEC --vendor NAME [--base SPEC]
       make drift VENDOR=NAME SPEC=CANDIDATE_SPEC

CANDIDATE_SPEC is the vendor's new spec (JSON or YAML; the whole published document or an
already reduced one). Both it and the base (default: ``specs/upstream/<vendor>.*``) are reduced
to the operations the SDK uses (those of the effective ``specs/<vendor>.yaml``), then one run
prints everything that matters:

- servers and security schemes (and each operation's security requirement);
- operations the SDK uses that are gone or newly published, operationId, parameters,
  request bodies and response codes;
- in every schema those operations reach: enum values added or removed, fields that became
  required or optional, fields added or removed, type, format and constraint changes, and
  schemas renamed or gone;
- every operation of ``specs/patches/<vendor>.json`` that conflicts with the candidate or has
  become redundant, with its ``why``; and schemas a patch adds that the candidate now publishes
  under another name.

Descriptions, summaries, titles, examples and tags are not compared: they change no code.
Exit status: 0 when nothing that matters changed, 1 otherwise, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _extract_upstream() -> ModuleType:
    """specs/extract_upstream.py (reduction), which also loads specs/build.py for us."""
    key = "_jobpoll_specs_extract_upstream"
    if key not in sys.modules:
        found = importlib.util.spec_from_file_location(key, ROOT / "specs/extract_upstream.py")
        if found is None or found.loader is None:
            raise ImportError("specs/extract_upstream.py cannot be loaded")
        sys.modules[key] = importlib.util.module_from_spec(found)
        found.loader.exec_module(sys.modules[key])
    return sys.modules[key]


extract_upstream = _extract_upstream()
build = extract_upstream.specs_module("build")  # loading, patch checking

METHODS = extract_upstream.METHODS
CONSTRAINTS = (
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "const",
    "default",
    "nullable",
)
IGNORED = "descriptions, summaries, titles, examples, tags"
SECTIONS = ("servers", "security", "operations", "schemas", "patch")
HEADINGS = {
    "servers": "servers",
    "security": "security schemes",
    "operations": "paths and methods the SDK uses",
    "schemas": "schemas",
    "patch": "patch operations",
}


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "..."


def operations(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The (method, path) pairs of ``doc``, in document order."""
    return [
        (method, path)
        for path, item in doc.get("paths", {}).items()
        for method in item
        if method in METHODS
    ]


def _ref_name(schema: Any) -> str | None:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return ref.rsplit("/", 1)[1]
    return None


def _types(schema: Any) -> frozenset[str]:
    """The JSON types a schema admits, read through anyOf/oneOf and 3.0's nullable."""
    if not isinstance(schema, dict):
        return frozenset()
    if "type" in schema:
        raw = schema["type"]
        found = set(raw if isinstance(raw, list) else [raw])
        if schema.get("nullable") is True:
            found.add("null")
        return frozenset(found)
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            out: set[str] = set()
            for member in schema[key]:
                name = _ref_name(member)
                out |= {f"${name}"} if name else (_types(member) or {"any"})
            return frozenset(out)
    return frozenset()


class Drift:
    """The differences between two reduced specs, by section."""

    def __init__(self, base: dict[str, Any], candidate: dict[str, Any]) -> None:
        self.base, self.candidate = base, candidate
        self.found: dict[str, list[str]] = {section: [] for section in SECTIONS}
        self._compared: set[tuple[str, str]] = set()
        self.renamed: dict[str, str] = {}

    def add(self, section: str, line: str) -> None:
        if line not in self.found[section]:
            self.found[section].append(line)

    # -- top level -------------------------------------------------------------------------

    def compare(self) -> Drift:
        self._version()
        self._servers()
        self._security_schemes()
        self._operations()
        self._gone_schemas()
        return self

    def _version(self) -> None:
        a, b = self.base.get("openapi"), self.candidate.get("openapi")
        if a != b:
            self.add("servers", f"openapi version {a} -> {b}")

    def _servers(self) -> None:
        def urls(doc: dict[str, Any]) -> dict[str, Any]:
            return {s.get("url"): s.get("variables") for s in doc.get("servers", []) or []} or {
                "(none: relative to the document)": None
            }

        a, b = urls(self.base), urls(self.candidate)
        for url in [u for u in a if u not in b]:
            self.add("servers", f"removed {url}")
        for url in [u for u in b if u not in a]:
            self.add("servers", f"added {url}")
        for url in [u for u in a if u in b]:
            if a[url] != b[url]:
                self.add("servers", f"{url}: variables {_show(a[url])} -> {_show(b[url])}")

    def _security_schemes(self) -> None:
        def schemes(doc: dict[str, Any]) -> dict[str, Any]:
            return doc.get("components", {}).get("securitySchemes", {})

        a, b = schemes(self.base), schemes(self.candidate)
        for name in [n for n in a if n not in b]:
            self.add("security", f"{name}: removed ({_show(a[name])})")
        for name in [n for n in b if n not in a]:
            self.add("security", f"{name}: added ({_show(b[name])})")
        for name in sorted(a.keys() & b.keys()):
            for key in sorted((a[name].keys() | b[name].keys()) - {"description"}):
                if a[name].get(key) != b[name].get(key):
                    old, new = _show(a[name].get(key)), _show(b[name].get(key))
                    self.add("security", f"{name}.{key}: {old} -> {new}")
        if self.base.get("security") != self.candidate.get("security"):
            old, new = _show(self.base.get("security")), _show(self.candidate.get("security"))
            self.add("security", f"document security: {old} -> {new}")

    # -- operations ------------------------------------------------------------------------

    def _operations(self) -> None:
        a, b = set(operations(self.base)), set(operations(self.candidate))
        for method, path in operations(self.base):
            where = f"{method.upper()} {path}"
            if (method, path) not in b:
                self.add("operations", f"{where}: gone")
                continue
            self._operation(
                where,
                self.base["paths"][path][method],
                self.candidate["paths"][path][method],
            )
        for method, path in operations(self.candidate):
            if (method, path) not in a:
                self.add("operations", f"{method.upper()} {path}: newly published by the vendor")

    def _operation(self, where: str, a: dict[str, Any], b: dict[str, Any]) -> None:
        if a.get("operationId") != b.get("operationId"):
            old, new = a.get("operationId"), b.get("operationId")
            self.add("operations", f"{where}: operationId {old} -> {new}")
        sec_a = a.get("security", self.base.get("security"))
        sec_b = b.get("security", self.candidate.get("security"))
        if sec_a != sec_b:
            self.add("security", f"{where}: security {_show(sec_a)} -> {_show(sec_b)}")
        self._parameters(where, a.get("parameters", []), b.get("parameters", []))
        body_a, body_b = a.get("requestBody"), b.get("requestBody")
        if (body_a is None) != (body_b is None):
            self.add("operations", f"{where}: request body {'added' if body_b else 'removed'}")
        elif body_a is not None and body_b is not None:
            if bool(body_a.get("required")) != bool(body_b.get("required")):
                state = "required" if body_b.get("required") else "optional"
                self.add("operations", f"{where}: request body became {state}")
            self._content(f"{where} request body", body_a, body_b)
        self._responses(where, a.get("responses", {}), b.get("responses", {}))

    def _parameters(self, where: str, a: list[Any], b: list[Any]) -> None:
        def index(params: list[Any]) -> dict[tuple[str, str], Any]:
            return {(p.get("in", "?"), p.get("name", "?")): p for p in params if "name" in p}

        ia, ib = index(a), index(b)
        for key in [k for k in ia if k not in ib]:
            self.add("operations", f"{where}: {key[0]} parameter {key[1]} removed")
        for key in [k for k in ib if k not in ia]:
            state = "required" if ib[key].get("required") else "optional"
            self.add("operations", f"{where}: {key[0]} parameter {key[1]} added ({state})")
        for key in [k for k in ia if k in ib]:
            pa, pb = ia[key], ib[key]
            label = f"{where} {key[0]} parameter {key[1]}"
            if bool(pa.get("required")) != bool(pb.get("required")):
                state = "required" if pb.get("required") else "optional"
                self.add("operations", f"{label}: became {state}")
            self.schema(pa.get("schema", {}), pb.get("schema", {}), label)

    def _content(self, where: str, a: dict[str, Any], b: dict[str, Any]) -> None:
        ca, cb = a.get("content", {}) or {}, b.get("content", {}) or {}
        for media in [m for m in ca if m not in cb]:
            self.add("operations", f"{where}: {media} content removed")
        for media in [m for m in cb if m not in ca]:
            self.add("operations", f"{where}: {media} content added")
        for media in [m for m in ca if m in cb]:
            self.schema(ca[media].get("schema", {}), cb[media].get("schema", {}), where)

    def _responses(self, where: str, a: dict[str, Any], b: dict[str, Any]) -> None:
        for code in [c for c in a if c not in b]:
            self.add("operations", f"{where}: response {code} removed")
        for code in [c for c in b if c not in a]:
            self.add("operations", f"{where}: response {code} added")
        for code in [c for c in a if c in b]:
            self._content(f"{where} response {code}", a[code], b[code])

    # -- schemas ---------------------------------------------------------------------------

    def _component(self, doc: dict[str, Any], name: str) -> Any:
        return doc.get("components", {}).get("schemas", {}).get(name)

    def schema(self, a: Any, b: Any, where: str) -> None:
        """Record how schema ``b`` differs from ``a`` (``where`` names the place)."""
        if not isinstance(a, dict) or not isinstance(b, dict):
            if a != b:
                self.add("schemas", f"{where}: {_show(a)} -> {_show(b)}")
            return
        name_a, name_b = _ref_name(a), _ref_name(b)
        if name_a or name_b:
            self._refs(a, b, name_a, name_b, where)
            return
        types_a, types_b = _types(a), _types(b)
        if types_a != types_b and types_a and types_b:
            old, new = "|".join(sorted(types_a)), "|".join(sorted(types_b))
            self.add("schemas", f"{where}: type {old} -> {new}")
        for key in CONSTRAINTS:
            if a.get(key) != b.get(key) and not (key == "nullable" and types_a != types_b):
                old = "(none)" if key not in a else _show(a[key])
                new = "(none)" if key not in b else _show(b[key])
                self.add("schemas", f"{where}: {key} {old} -> {new}")
        self._enum(a, b, where)
        self._object(a, b, where)
        if "items" in a or "items" in b:
            self.schema(a.get("items", {}), b.get("items", {}), f"{where}[]")
        ap_a, ap_b = a.get("additionalProperties"), b.get("additionalProperties")
        if isinstance(ap_a, dict) and isinstance(ap_b, dict):
            self.schema(ap_a, ap_b, f"{where}{{*}}")
        elif ap_a != ap_b:
            self.add("schemas", f"{where}: additionalProperties {_show(ap_a)} -> {_show(ap_b)}")
        for key in ("anyOf", "oneOf", "allOf"):
            self._alternatives(a.get(key), b.get(key), f"{where} {key}")

    def _refs(
        self,
        a: dict[str, Any],
        b: dict[str, Any],
        name_a: str | None,
        name_b: str | None,
        where: str,
    ) -> None:
        if not (name_a and name_b):
            old = f"${name_a}" if name_a else "an inline schema"
            new = f"${name_b}" if name_b else "an inline schema"
            self.add("schemas", f"{where}: {old} -> {new}")
            a = self._component(self.base, name_a) if name_a else a
            b = self._component(self.candidate, name_b) if name_b else b
            self.schema(a, b, where)
            return
        if name_a != name_b:
            if name_b in self.base.get("components", {}).get("schemas", {}):
                self.add("schemas", f"{where}: ${name_a} -> ${name_b}")
            else:
                self.renamed[name_a] = name_b
                self.add("schemas", f"{name_a}: renamed to {name_b} (at {where})")
        if (name_a, name_b) in self._compared:
            return
        self._compared.add((name_a, name_b))
        self.schema(
            self._component(self.base, name_a) or {},
            self._component(self.candidate, name_b) or {},
            name_b if name_a == name_b else f"{name_a}->{name_b}",
        )

    def _enum(self, a: dict[str, Any], b: dict[str, Any], where: str) -> None:
        if "enum" not in a and "enum" not in b:
            return
        if ("enum" in a) != ("enum" in b):
            self.add("schemas", f"{where}: enum {'removed' if 'enum' in a else 'added'}")
            return
        added = [v for v in b["enum"] if v not in a["enum"]]
        removed = [v for v in a["enum"] if v not in b["enum"]]
        if added:
            self.add("schemas", f"{where}: enum values added {_show(added)}")
        if removed:
            self.add("schemas", f"{where}: enum values removed {_show(removed)}")

    def _object(self, a: dict[str, Any], b: dict[str, Any], where: str) -> None:
        props_a, props_b = a.get("properties", {}) or {}, b.get("properties", {}) or {}
        req_a, req_b = set(a.get("required", []) or []), set(b.get("required", []) or [])
        for field in [f for f in props_a if f not in props_b]:
            self.add("schemas", f"{where}.{field}: removed")
        for field in [f for f in props_b if f not in props_a]:
            state = "required" if field in req_b else "optional"
            self.add("schemas", f"{where}.{field}: added ({state})")
        for field in [f for f in props_a if f in req_b - req_a]:
            self.add("schemas", f"{where}.{field}: became required")
        for field in [f for f in props_b if f in req_a - req_b]:
            self.add("schemas", f"{where}.{field}: became optional")
        for field in [f for f in props_a if f in props_b]:
            self.schema(props_a[field], props_b[field], f"{where}.{field}")

    def _alternatives(self, a: Any, b: Any, where: str) -> None:
        if a is None and b is None:
            return

        def keep(members: Any) -> list[Any]:
            return [m for m in members or [] if _types(m) != {"null"}]

        ka, kb = keep(a), keep(b)
        if len(ka) != len(kb):
            self.add("schemas", f"{where}: {len(ka)} -> {len(kb)} alternatives")
            return
        for i, (ma, mb) in enumerate(zip(ka, kb, strict=True)):
            self.schema(ma, mb, f"{where}[{i}]" if len(ka) > 1 else where.rsplit(" ", 1)[0])

    def _gone_schemas(self) -> None:
        a = self.base.get("components", {}).get("schemas", {})
        b = self.candidate.get("components", {}).get("schemas", {})
        for name in a:
            if name not in b and name not in self.renamed:
                self.add("schemas", f"{name}: gone")


def patch_findings(
    vendor: str, candidate: dict[str, Any], full: dict[str, Any], patch_path: Path
) -> list[str]:
    """Patch operations that conflict with or are redundant on ``candidate``, with their why;
    and schemas the patch adds that ``full`` publishes under another name."""
    ops = build.load_patch(patch_path)
    result, problems = build.check_patch(candidate, ops)
    lines = [
        f"#{p.index} ({p.op['op']} {p.op['path']}): {p.message}\n      why: {p.op['why']}"
        for p in problems
    ]
    published = full.get("components", {}).get("schemas", {})
    for index, op in enumerate(ops):
        parts = op["path"].split("/")
        if op["op"] != "add" or parts[1:3] != ["components", "schemas"] or len(parts) != 4:
            continue
        name = parts[3]
        mine = set((op.get("value") or {}).get("properties", {}))
        if name in published or not mine:
            continue
        for other, schema in published.items():
            theirs = set(schema.get("properties", {}) or {}) if isinstance(schema, dict) else set()
            if theirs and len(mine & theirs) / len(mine | theirs) >= 0.6:
                lines.append(
                    f"#{index} (add {op['path']}): the candidate publishes {other} with the "
                    f"same properties ({', '.join(sorted(mine & theirs))}): use the vendor's "
                    f"schema and drop this operation\n      why: {op['why']}"
                )
    if not any(not p.redundant for p in problems):
        try:
            build.validate_spec(result, f"{vendor} (candidate + patch)")
        except build.BuildError as exc:
            lines.append(f"the patched candidate is not valid OpenAPI: {exc}")
    return lines


def _load(path: Path) -> dict[str, Any]:
    return extract_upstream.load_spec(path)


def report(
    vendor: str, candidate_path: Path, base_path: Path | None = None, specs: Path | None = None
) -> tuple[str, int]:
    """The drift report's text and the number of findings that matter."""
    specs = specs or ROOT / "specs"
    base_path = base_path or build.upstream_path(vendor, specs)
    effective = build.load_upstream(specs / f"{vendor}.yaml")
    used = operations(effective)
    full = _load(candidate_path)
    base_doc, cand_doc = _load(base_path), full

    def reduce(doc: dict[str, Any]) -> dict[str, Any]:
        present = set(operations(doc))
        return extract_upstream.reduce_spec(doc, [op for op in used if op in present])

    drift = Drift(reduce(base_doc), reduce(cand_doc)).compare()
    drift.found["patch"] = patch_findings(
        vendor, reduce(cand_doc), full, specs / "patches" / f"{vendor}.json"
    )
    count = sum(len(lines) for lines in drift.found.values())
    out = [
        f"drift: {vendor}: {base_path} -> {candidate_path}",
        f"  compared: the {len(used)} operations the SDK uses (specs/{vendor}.yaml) and the "
        "schemas they reach",
    ]
    for section in SECTIONS:
        lines = drift.found[section]
        if not lines:
            out.append(
                f"{HEADINGS[section]}: unchanged"
                if section != "patch"
                else f"{HEADINGS[section]}: none conflicts, none redundant"
            )
            continue
        out.append(f"{HEADINGS[section]}:")
        out += [f"  {line}" for line in lines]
    out.append(f"not compared (no code depends on them): {IGNORED}")
    verdict = "nothing that matters changed" if count == 0 else f"{count} finding(s) that matter"
    out.append(f"result: {verdict}")
    return "\n".join(out) + "\n", count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("candidate", type=Path, metavar="CANDIDATE_SPEC")
    ap.add_argument("--vendor", required=True, choices=build.NAMES)
    ap.add_argument(
        "--base", type=Path, help="compare with this spec instead of specs/upstream/<vendor>.*"
    )
    ap.add_argument("--specs", type=Path, help=argparse.SUPPRESS)  # another checkout's specs/
    args = ap.parse_args(argv)
    try:
        text, count = report(args.vendor, args.candidate, args.base, args.specs)
    except (OSError, ValueError, build.BuildError) as exc:
        print(f"drift: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
