"""specs/build.py: every failing patch operation in one run, each with an accurate reason."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ._load import ROOT, script

build = script("specs/build.py")
PATCH = Path("specs/patches/toy.json")

DOC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Toy", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            "Job": {
                "type": "object",
                "properties": {
                    "status": {"type": "string", "enum": ["running", "done"]},
                    "when": {"type": "string", "format": "date-time"},
                },
            }
        }
    },
}
STATUS = "/components/schemas/Job/properties/status"


def messages(ops: list[dict[str, Any]], doc: dict[str, Any] = DOC) -> list[str]:
    _, problems = build.check_patch(doc, ops)
    return [f"#{p.index} {p.message}" for p in problems]


def op(kind: str, path: str, **extra: Any) -> dict[str, Any]:
    return {"op": kind, "path": path, "why": f"reason for {kind} {path}", **extra}


def test_all_failures_are_reported_not_just_the_first():
    ops = [
        op("test", f"{STATUS}/enum", value=["running", "done", "failed"]),
        op("remove", "/components/schemas/Gone/properties/x"),
        op("replace", "/components/schemas/Job/properties/missing", value={}),
        op("add", "/components/schemas/Gone/properties/y", value={}),
        op("test", "/components/schemas/Gone", value={}),
        op("add", "/components/schemas/Job/properties/when", value={"type": "string"}),
        op("remove", "/components/schemas/Job/properties/when/format"),
    ]
    assert messages(ops) == [
        "#0 test failed: upstream list has new [] and lacks ['failed']",
        "#1 target no longer exists in upstream",
        "#2 target no longer exists in upstream",
        "#3 its parent /components/schemas/Gone/properties no longer exists in upstream",
        "#4 no longer exists in upstream (the guard expected it)",
        "#5 target already exists (upstream now provides it?): review it, then drop this "
        "operation or make it a replace",
    ]


def test_apply_patch_names_every_failure_with_its_why():
    ops = [op("remove", "/components/schemas/A"), op("remove", "/components/schemas/B")]
    try:
        build.apply_patch(DOC, ops, PATCH)
    except build.BuildError as exc:
        text = str(exc)
    else:
        raise AssertionError("the build did not fail")
    assert text.startswith("2 patch operation(s) need attention:")
    assert "operation #0 (remove /components/schemas/A): target no longer exists" in text
    assert "why: reason for remove /components/schemas/B" in text


def test_a_redundant_operation_applies_but_is_reported():
    ops = [op("replace", f"{STATUS}/type", value="string")]
    doc, problems = build.check_patch(DOC, ops)
    assert doc == DOC
    assert [(p.index, p.redundant) for p in problems] == [(0, True)]
    assert build.apply_patch(DOC, ops, PATCH) == DOC  # not a build failure


def test_a_guard_and_the_description_it_protects_change_together():
    guard = op("test", f"{STATUS}/enum", value=["running", "done", "failed"])
    doc = json.loads(json.dumps(DOC))
    doc["components"]["schemas"]["Job"]["properties"]["status"]["enum"].append("failed")
    stale = op("add", f"{STATUS}/description", value="Known values: running, done.")
    assert messages([guard, op("remove", f"{STATUS}/enum"), stale], doc) == [
        f"#2 does not name ['failed'], which the guard #0 (test {STATUS}/enum) lists: update "
        "the description with the guard's values"
    ]
    fresh = op("add", f"{STATUS}/description", value="Known values: running, done, failed.")
    assert messages([guard, op("remove", f"{STATUS}/enum"), fresh], doc) == []
    # "done" inside "undone" does not count as naming it.
    sly = op("add", f"{STATUS}/description", value="running, undone, failed")
    assert messages([guard, sly], doc)[0].startswith("#1 does not name ['done']")


def test_the_build_reports_every_failing_operation_of_a_real_patch(tmp_path):
    shutil.copytree(ROOT / "specs", tmp_path / "specs", ignore=shutil.ignore_patterns("__py*"))
    upstream = tmp_path / "specs/upstream/edenai.json"
    doc = json.loads(upstream.read_text())
    response = doc["components"]["schemas"]["UniversalAIAsyncResponse"]
    response["properties"]["status"]["enum"].append("queued")
    del response["properties"]["created_at"]
    upstream.write_text(json.dumps(doc))
    proc = subprocess.run(
        [sys.executable, str(tmp_path / "specs/build.py"), "--out-dir", str(tmp_path), "edenai"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    err = proc.stderr
    assert "3 patch operation(s) need attention" in err
    props = "/components/schemas/UniversalAIAsyncResponse/properties"
    assert (
        f"operation #1 (test {props}/status/enum): test failed: upstream list has new "
        "['queued'] and lacks []"
    ) in err
    assert (f"operation #6 (test {props}/created_at/format): no longer exists in upstream") in err
    assert f"operation #7 (remove {props}/created_at/format): target no longer exists" in err
    assert err.count("  why: ") == 3
    assert "upstream has null" not in err
