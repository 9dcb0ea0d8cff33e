"""tools/drift.py: one run reports every change that matters between two upstream specs."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ._load import ROOT, script

drift = script("tools/drift.py")
build = script("specs/build.py")

JOB = "#/components/schemas/Job"
BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Toy", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/jobs/{id}": {
            "get": {
                "operationId": "getJob",
                "summary": "Get a job",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": JOB}}},
                    }
                },
                "security": [{"Bearer": []}],
            }
        },
    },
    "components": {
        "schemas": {
            "Job": {
                "type": "object",
                "required": ["status"],
                "properties": {
                    "status": {"type": "string", "enum": ["running", "done"]},
                    "created": {"type": "string", "format": "date-time"},
                    "cost": {"type": "string"},
                },
            }
        },
        "securitySchemes": {"Bearer": {"type": "http", "scheme": "bearer"}},
    },
}
STATUS = "/components/schemas/Job/properties/status"
PATCH: list[dict[str, Any]] = [
    {"op": "test", "path": f"{STATUS}/enum", "value": ["running", "done"], "why": "guard"},
    {"op": "remove", "path": f"{STATUS}/enum", "why": "new statuses must not break polls"},
    {
        "op": "add",
        "path": f"{STATUS}/description",
        "value": "Known: running, done.",
        "why": "keep the known values",
    },
    {
        "op": "add",
        "path": "/components/schemas/Req",
        "value": {"type": "object", "properties": {"a": {}, "b": {}, "c": {}}},
        "why": "the vendor documents no body schema",
    },
    {
        "op": "add",
        "path": "/paths/~1jobs",
        "value": {
            "post": {
                "operationId": "createJob",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Req"}}
                    }
                },
                "responses": {"202": {"description": "accepted"}},
            }
        },
        "why": "the vendor documents submit only in prose",
    },
]


def checkout(tmp_path: Path, base: dict[str, Any], patch: list[dict[str, Any]]) -> Path:
    """A specs/ folder for vendor ``veza`` holding ``base`` + ``patch`` and its effective spec."""
    specs = tmp_path / "specs"
    (specs / "upstream").mkdir(parents=True)
    (specs / "patches").mkdir()
    (specs / "upstream/veza.json").write_text(json.dumps(base))
    (specs / "patches/veza.json").write_text(json.dumps(patch))
    effective = build.apply_patch(base, patch, specs / "patches/veza.json")
    (specs / "veza.yaml").write_text(build.render("veza", "veza.json", effective))
    return specs


def run(tmp_path: Path, candidate: dict[str, Any], patch: list[dict[str, Any]] = PATCH):
    specs = checkout(tmp_path, BASE, patch)
    path = tmp_path / "candidate.json"
    path.write_text(json.dumps(candidate))
    return drift.report("veza", path, specs=specs)


def test_cosmetic_changes_do_not_matter(tmp_path):
    candidate = copy.deepcopy(BASE)
    candidate["info"]["version"] = "2"
    candidate["paths"]["/jobs/{id}"]["get"]["summary"] = "Fetch one job"
    candidate["components"]["schemas"]["Job"]["properties"]["cost"]["description"] = "credits"
    # The whole published spec may come: operations the SDK does not use are not compared.
    candidate["paths"]["/unused"] = {"get": {"responses": {"200": {"description": "not ours"}}}}
    text, count = run(tmp_path, candidate)
    assert count == 0, text
    assert "result: nothing that matters changed" in text


def test_every_change_that_matters_is_reported_in_one_run(tmp_path):
    candidate = copy.deepcopy(BASE)
    candidate["servers"] = [{"url": "https://api.example.com/v2"}]
    candidate["components"]["securitySchemes"] = {
        "Bearer": {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    }
    job = candidate["components"]["schemas"].pop("Job")
    job["properties"]["status"]["enum"] = ["running", "done", "queued"]
    job["required"] = ["status", "created"]
    job["properties"]["cost"] = {"type": "number"}
    del job["properties"]["created"]["format"]
    job["properties"]["public_id"] = {"type": "string", "format": "uuid"}
    candidate["components"]["schemas"]["JobDetail"] = job
    candidate["components"]["schemas"]["Body"] = {
        "type": "object",
        "properties": {"a": {}, "b": {}, "c": {}, "d": {}},
    }
    get = candidate["paths"]["/jobs/{id}"]["get"]
    get["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/JobDetail"
    }
    get["responses"]["404"] = {"description": "no such job"}
    get["parameters"].append({"name": "verbose", "in": "query", "schema": {"type": "boolean"}})
    candidate["paths"]["/jobs"] = {
        "post": {
            "operationId": "createJob",
            "requestBody": {
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}
            },
            "responses": {"202": {"description": "accepted"}},
        }
    }

    text, count = run(tmp_path, candidate)

    expected = [
        "removed https://api.example.com",
        "added https://api.example.com/v2",
        'Bearer.type: "http" -> "apiKey"',
        'Bearer.name: null -> "X-API-Key"',
        "GET /jobs/{id}: response 404 added",
        "GET /jobs/{id}: query parameter verbose added (optional)",
        "POST /jobs: newly published by the vendor",
        "Job: renamed to JobDetail (at GET /jobs/{id} response 200)",
        'Job->JobDetail.status: enum values added ["queued"]',
        "Job->JobDetail.created: became required",
        'Job->JobDetail.created: format "date-time" -> (none)',
        "Job->JobDetail.cost: type string -> number",
        "Job->JobDetail.public_id: added (optional)",
        "#0 (test /components/schemas/Job/properties/status/enum): no longer exists in upstream",
        "why: guard",
        "#4 (add /paths/~1jobs): target already exists",
        "why: the vendor documents submit only in prose",
        "#3 (add /components/schemas/Req): the candidate publishes Body with the same "
        "properties (a, b, c)",
    ]
    missing = [line for line in expected if line not in text]
    assert not missing, f"{missing}\n{text}"
    assert count >= len(expected) - 2
    assert text.endswith(f"result: {count} finding(s) that matter\n")


def test_guard_failures_and_redundant_operations_name_their_reason(tmp_path):
    candidate = copy.deepcopy(BASE)
    status = candidate["components"]["schemas"]["Job"]["properties"]["status"]
    status["enum"].append("queued")
    patch = [
        *PATCH[:3],
        {
            "op": "replace",
            "path": "/components/schemas/Job/properties/cost",
            "value": {"type": "string"},
            "why": "was an integer once",
        },
    ]
    text, count = run(tmp_path, candidate, patch)
    assert 'status: enum values added ["queued"]' in text
    assert "upstream list has new ['queued'] and lacks []\n      why: guard" in text
    assert (
        "#3 (replace /components/schemas/Job/properties/cost): redundant: upstream now has "
        "exactly this value; drop the operation\n      why: was an integer once"
    ) in text
    assert count == 3


def test_an_operation_the_sdk_uses_that_is_gone(tmp_path):
    candidate = copy.deepcopy(BASE)
    del candidate["paths"]["/jobs/{id}"]
    del candidate["components"]["schemas"]["Job"]
    text, _ = run(tmp_path, candidate)
    assert "GET /jobs/{id}: gone" in text
    assert "Job: gone" in text
    assert "#0 (test /components/schemas/Job/properties/status/enum): no longer exists" in text
    assert "#2 (add /components/schemas/Job/properties/status/description): its parent " in text


REAL_85D3124_TO_203432D = """\
servers: unchanged
security schemes: unchanged
paths and methods the SDK uses:
  GET /v3/universal-ai/async/{job_id}: response 404 removed
schemas:
  UniversalAIBody: renamed to UniversalAIAsyncBody (at POST /v3/universal-ai/async request body)
  UniversalAIBody->UniversalAIAsyncBody.fallbacks: added (optional)
  UniversalAIBody->UniversalAIAsyncBody.webhook_receiver: added (optional)
  UniversalAIBody->UniversalAIAsyncBody.user_webhook_parameters: added (optional)
  UniversalAIAsyncResponse.public_id: format "uuid" -> (none)
patch operations: none conflicts, none redundant
not compared (no code depends on them): descriptions, summaries, titles, examples, tags
result: 6 finding(s) that matter
"""


def test_real_eden_ai_85d3124_to_203432d():
    # fixtures/edenai-85d3124.json: edenai/docs 85d3124 openapi/v3-openapi.json reduced by
    # extract_upstream.py --reduce to the two operations jobpoll uses (the README's example).
    fixture = ROOT / "tests/specs/fixtures/edenai-85d3124.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools/drift.py"),
            str(ROOT / "specs/upstream/edenai.json"),
            "--vendor",
            "edenai",
            "--base",
            str(fixture),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.split("\n", 2)[2] == REAL_85D3124_TO_203432D


def test_real_eden_ai_upstream_against_itself_is_clean():
    text, count = drift.report("edenai", ROOT / "specs/upstream/edenai.json")
    assert count == 0, text


def test_bad_arguments_exit_2(tmp_path, capsys):
    assert drift.main([str(tmp_path / "missing.json"), "--vendor", "edenai"]) == 2
    assert "missing.json" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        drift.main([str(tmp_path / "missing.json")])  # no --vendor
    assert info.value.code == 2


def test_the_readme_shows_the_real_output():
    readme = (ROOT / "README.md").read_text()
    shown = "\n".join(f"   {line}".rstrip() for line in REAL_85D3124_TO_203432D.splitlines())
    assert shown in readme
