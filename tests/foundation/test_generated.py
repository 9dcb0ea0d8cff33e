"""The generated clients are build output: reproducible, untouched, and they parse what the
vendors document."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_check_generated_fails_when_a_generated_file_is_touched(tmp_path):
    for part in ("specs", "generated", "tools"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "generated/jobpoll_generated/phrase_tms/models/async_request_dto_v1.py"
    target.write_text(target.read_text() + "\n# edited by hand\n")
    proc = subprocess.run(
        [sys.executable, str(tmp_path / "tools/generate.py"), "--check", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "differs: phrase_tms/models/async_request_dto_v1.py" in proc.stderr


@pytest.mark.slow
def test_check_generated_fails_when_an_effective_spec_is_touched(tmp_path):
    for part in ("specs", "generated", "tools"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    spec = tmp_path / "specs/veza.yaml"
    spec.write_text(spec.read_text().replace("getAsyncTask", "getAsyncTaskRenamed", 1))
    proc = subprocess.run(
        [sys.executable, str(tmp_path / "tools/generate.py"), "--check", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "specs/veza.yaml differs" in proc.stderr


def test_patch_that_no_longer_applies_fails_naming_its_reason(tmp_path):
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    upstream = tmp_path / "specs/upstream/phrase-tms.yaml"
    upstream.write_text(upstream.read_text().replace("AsyncResponseDtoV1", "AsyncResponseDtoV2"))
    proc = subprocess.run(
        [sys.executable, str(tmp_path / "specs/build.py"), "--out-dir", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "phrase-tms" in proc.stderr
    assert "why" in proc.stderr.lower()


def test_effective_specs_validate():
    import yaml
    from openapi_spec_validator import validate

    for name in ("phrase-tms", "phrase-mt", "veza", "edenai"):
        validate(yaml.safe_load((ROOT / "specs" / f"{name}.yaml").read_text()))


def test_every_patch_operation_has_a_reason():
    import json

    for patch in (ROOT / "specs/patches").glob("*.json"):
        for i, op in enumerate(json.loads(patch.read_text())):
            assert op.get("why", "").strip(), f"{patch.name} operation {i} has no why"


def test_generated_phrase_client_parses_the_documented_responses():
    from jobpoll_generated.phrase_tms.models import AsyncRequestDtoV1

    pending = AsyncRequestDtoV1.from_dict(
        {"id": "1", "action": "PRE_TRANSLATE", "asyncResponse": None, "parent": None}
    )
    assert pending.async_response is None
    done = AsyncRequestDtoV1.from_dict(
        {
            "id": "1",
            "action": "PRE_TRANSLATE",
            "asyncResponse": {"dateCreated": "2024-01-01T00:00:00+0000"},
        }
    )
    assert done.async_response is not None and not done.async_response.error_code
    failed = AsyncRequestDtoV1.from_dict(
        {
            "id": "1",
            "asyncResponse": {
                "errorCode": "E",
                "errorDesc": "broken",
                "errorDetails": [{"code": "X", "message": "m", "args": {"n": "hello"}}],
            },
        }
    )
    assert failed.async_response.error_code == "E"
    assert failed.async_response.error_details[0].code == "X"
    system = AsyncRequestDtoV1.from_dict(
        {"id": "1", "asyncResponse": None, "createdBy": None, "project": None, "parent": None}
    )
    assert system.created_by is None and system.project is None
    novel = AsyncRequestDtoV1.from_dict(
        {"id": "1", "action": "SOMETHING_NEW_IN_2027", "asyncResponse": None, "brandNewField": 1}
    )
    assert novel.action == "SOMETHING_NEW_IN_2027"
    assert novel.additional_properties["brandNewField"] == 1
