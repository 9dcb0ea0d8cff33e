#!/usr/bin/env python3
"""Quick checks that the generated clients parse the responses the wrappers will see.

Usage: python specs/selfcheck.py GEN_DIR

GEN_DIR holds the packages generated from specs/<name>.yaml (with `--meta none`):
GEN_DIR/phrase_tms, GEN_DIR/phrase_mt, GEN_DIR/edenai, GEN_DIR/veza. Each check builds
the documented (or deliberately awkward) JSON, parses it with the generated model,
and, for the poll and submit operations, sends it through the generated
`sync_detailed` over an httpx.MockTransport so `_parse_response` is exercised too.
Runs every check and exits non-zero if any failed. Needs httpx and attrs (the generated code's
dependencies); no network.

These are the seeds of the project's generated-client tests.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

CHECKS: list[tuple[str, Callable[[], None]]] = []


def check(fn: Callable[[], None]) -> Callable[[], None]:
    CHECKS.append((fn.__name__, fn))
    return fn


def mod(name: str) -> Any:
    return importlib.import_module(name)


SEEN: list[httpx.Request] = []  # requests sent through the most recently made client


def client(pkg: str, status: int, body: Any, headers: dict[str, str] | None = None) -> Any:
    """An AuthenticatedClient of package ``pkg`` whose every request gets this answer."""
    SEEN.clear()
    seen = SEEN

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return httpx.Response(
            status, content=content, headers={"content-type": "application/json", **(headers or {})}
        )

    return mod(f"{pkg}.client").AuthenticatedClient(
        base_url="https://example.test",
        token="t",
        httpx_args={"transport": httpx.MockTransport(handler)},
    )


def unset(pkg: str) -> Any:
    return mod(f"{pkg}.types").UNSET


# ----------------------------------------------------------------- Phrase TMS
TMS_BASE = {
    "id": "1234567",
    "action": "PRE_TRANSLATE",
    "dateCreated": "2021-03-09T12:17:12+0000",
    "createdBy": {"uid": "u1", "userName": "pm", "role": "PROJECT_MANAGER"},
    "project": {"uid": "p1", "name": "Project"},
}


@check
def phrase_tms_pending() -> None:
    AsyncRequestDtoV1 = mod("phrase_tms.models").AsyncRequestDtoV1
    r = AsyncRequestDtoV1.from_dict(
        {**TMS_BASE, "asyncResponse": None, "parent": None, "project": None}
    )
    assert r.async_response is None, r
    assert r.parent is None, r
    assert r.project is None, r
    assert r.action == "PRE_TRANSLATE"
    assert r.date_created.tzinfo is not None
    get = mod("phrase_tms.api.async_request.get_async_request")
    c = client("phrase_tms", 200, {**TMS_BASE, "asyncResponse": None, "parent": None})
    resp = get.sync_detailed(1234567, client=c)
    assert resp.status_code == 200
    assert resp.parsed.async_response is None
    assert SEEN[0].url.path == "/api2/v1/async/1234567"
    assert SEEN[0].headers["authorization"] == "Bearer t"


@check
def phrase_tms_finished() -> None:
    AsyncRequestDtoV1 = mod("phrase_tms.models").AsyncRequestDtoV1
    body = {
        **TMS_BASE,
        "asyncResponse": {
            "dateCreated": "2021-03-09T12:18:00+0000",
            "acceptedSegmentsCount": 42,
            "warnings": [],
        },
        "parent": {"id": "1234000", "action": "IMPORT_JOB", "asyncResponse": None, "parent": None},
    }
    r = AsyncRequestDtoV1.from_dict(body)
    assert r.async_response.accepted_segments_count == 42
    assert r.async_response.error_code is unset("phrase_tms"), "finished without error"
    assert isinstance(r.parent, AsyncRequestDtoV1)
    assert r.parent.action == "IMPORT_JOB"
    assert r.to_dict()["asyncResponse"]["acceptedSegmentsCount"] == 42


@check
def phrase_tms_failed() -> None:
    AsyncRequestDtoV1 = mod("phrase_tms.models").AsyncRequestDtoV1
    body = {
        **TMS_BASE,
        "asyncResponse": {
            "dateCreated": "2021-03-09T12:18:00+0000",
            "errorCode": "PRE_TRANSLATE_FAILED",
            "errorDesc": "Pre-translation failed",
            "errorDetails": [
                {
                    "code": "NOT_FOUND",
                    "message": "Job not found",
                    "args": {"number": "hello world", "n": 3},
                }
            ],
            "warnings": [{"code": "W1", "args": {"k": {"nested": True}}}],
        },
    }
    r = AsyncRequestDtoV1.from_dict(body)
    ar = r.async_response
    assert ar.error_code == "PRE_TRANSLATE_FAILED"
    assert ar.error_desc == "Pre-translation failed"
    assert ar.error_details[0].code == "NOT_FOUND"
    assert ar.error_details[0].args["number"] == "hello world"
    assert ar.warnings[0].args["k"] == {"nested": True}


@check
def phrase_tms_unknown_enum_values() -> None:
    AsyncRequestDtoV1 = mod("phrase_tms.models").AsyncRequestDtoV1
    r = AsyncRequestDtoV1.from_dict(
        {
            **TMS_BASE,
            "action": "SOME_FUTURE_ACTION",
            "createdBy": {"role": "NEW_ROLE"},
            "newField": 1,
        }
    )
    assert r.action == "SOME_FUTURE_ACTION"
    assert r.created_by.role == "NEW_ROLE"
    assert r.additional_properties == {"newField": 1}


@check
def phrase_tms_other_operations() -> None:
    m = mod("phrase_tms.models")
    page = m.PageDtoAsyncRequestDtoV1.from_dict(
        {
            "totalElements": 1,
            "totalPages": 1,
            "pageSize": 50,
            "pageNumber": 0,
            "numberOfElements": 1,
            "content": [{**TMS_BASE, "asyncResponse": None}],
        }
    )
    assert page.content[0].async_response is None
    lim = m.AsyncRequestStatusDtoV1.from_dict({"concurrentRequests": {"limit": None, "count": 3}})
    assert lim.concurrent_requests.limit is None
    assert lim.concurrent_requests.count == 3

    pre = mod("phrase_tms.api.job.pre_translate_v2")
    c = client(
        "phrase_tms",
        202,
        {
            "asyncRequest": {
                "id": "987",
                "dateCreated": "2021-03-09T12:17:12+0000",
                "action": "PRE_TRANSLATE",
            }
        },
    )
    body = m.PreTranslateJobsV2Dto(
        jobs=[m.UidReference(uid="j1")], use_project_pre_translate_settings=True
    )
    resp = pre.sync_detailed("p1", client=c, body=body)
    assert resp.status_code == 202
    assert resp.parsed.async_request.id == "987"
    assert json.loads(SEEN[0].content) == {
        "jobs": [{"uid": "j1"}],
        "useProjectPreTranslateSettings": True,
    }
    assert SEEN[0].url.path == "/api2/v2/projects/p1/jobs/preTranslate"

    login = mod("phrase_tms.api.authentication.login")
    c = client(
        "phrase_tms",
        200,
        {
            "user": {"uid": "u1", "role": "ADMIN"},
            "token": "tok",
            "expires": "2021-03-10T12:17:12+0000",
        },
    )
    out = login.sync(client=c, body=m.LoginDto(user_name="u", password="p"))
    assert out.token == "tok"
    assert out.expires.year == 2021

    listing = mod("phrase_tms.api.async_request.list_pending_requests")
    c = client("phrase_tms", 200, {"content": []})
    listing.sync(client=c, page_size=10)
    assert dict(SEEN[0].url.params) == {"pageNumber": "0", "pageSize": "10"}


@check
def phrase_tms_error_without_body() -> None:
    get = mod("phrase_tms.api.async_request.get_async_request")
    for status, body in ((429, b""), (404, b"<html>not found</html>"), (500, b"")):
        resp = get.sync_detailed(1, client=client("phrase_tms", status, body))
        assert resp.status_code == status
        assert resp.parsed is None


# ----------------------------------------------------------------- Phrase MT
@check
def phrase_mt_status_values() -> None:
    Status = mod("phrase_mt.models").TranslateAsyncStatusResponse
    assert Status.from_dict({"status": "queued"}).status == "queued"
    failed = Status.from_dict({"status": "failed", "detail": "Description of translation failure"})
    assert failed.status == "failed"
    assert failed.detail == "Description of translation failure"
    poll = mod("phrase_mt.api.asynchronous_translation.translate_async_status")
    resp = poll.sync_detailed("job-1", client=client("phrase_mt", 200, {"status": "running"}))
    assert resp.parsed.status == "running"
    resp = poll.sync_detailed("job-1", client=client("phrase_mt", 429, b"", {"Retry-After": "7"}))
    assert resp.status_code == 429
    assert resp.parsed is None
    assert resp.headers["retry-after"] == "7"
    resp = poll.sync_detailed("job-1", client=client("phrase_mt", 500, {"error": "unknown job"}))
    assert resp.parsed.error == "unknown job"
    resp = poll.sync_detailed("job-1", client=client("phrase_mt", 503, {"detail": "maintenance"}))
    assert resp.parsed.additional_properties == {"detail": "maintenance"}


@check
def phrase_mt_submit_and_result() -> None:
    m = mod("phrase_mt.models")
    submit = mod("phrase_mt.api.asynchronous_translation.translate_async")
    c = client("phrase_mt", 200, {"id": "job-1"})
    req = m.TranslateRequest(
        source_language="en",
        target_language="zh_tw",
        segments=[
            m.Segment(idx=0, text="Hello"),
            m.Segment(text="World", metadata=m.Metadata.from_dict({"k": "v"})),
        ],
        glossary=[m.GlossaryEntry(term="cloud", translation="雲")],
    )
    assert submit.sync(client=c, body=req).id == "job-1"
    sent = json.loads(SEEN[0].content)
    assert sent["segments"] == [
        {"idx": 0, "text": "Hello"},
        {"text": "World", "metadata": {"k": "v"}},
    ]
    assert SEEN[0].headers["authorization"] == "Bearer t"

    result = mod("phrase_mt.api.asynchronous_translation.translate_async_result")
    body = {
        "sourceLanguage": "en",
        "targetLanguage": "zh_tw",
        "metadata": {"x": 1},
        "segments": [{"idx": 0, "text": "Hello", "translatedText": "你好"}],
    }
    out = result.sync("job-1", client=client("phrase_mt", 200, body))
    assert out.segments[0].translated_text == "你好"
    assert out.metadata["x"] == 1
    assert m.StatusResponse.from_dict({"status": "not_ok"}).status == "not_ok"
    pairs = m.LanguagesResponse.from_dict(
        {"languagePairs": [{"sourceLanguage": "en", "targetLanguage": "de"}]}
    )
    assert pairs.language_pairs[0].target_language == "de"


# ----------------------------------------------------------------- Eden AI
EDEN_BASE = {
    "cost": "0.0125",
    "provider": "google",
    "feature": "audio",
    "subfeature": "speech_to_text_async",
    "public_id": "0b6f3c9e-6f3c-4b8e-9d7e-2f8c7b0a1d23",
    "created_at": "2025-01-01T12:00:00.123456Z",
}


@check
def edenai_processing_success_fail() -> None:
    R = mod("edenai.models").UniversalAIAsyncResponse
    p = R.from_dict(
        {**EDEN_BASE, "status": "processing", "output": None, "error": None, "model": None}
    )
    assert p.status == "processing"
    assert p.output is None
    assert p.error is None
    s = R.from_dict(
        {
            **EDEN_BASE,
            "status": "success",
            "output": {"text": "hello", "items": [1]},
            "original_response": [{"raw": True}],
            "model": "google/chirp",
        }
    )
    assert s.output == {"text": "hello", "items": [1]}
    assert s.original_response == [{"raw": True}]
    f = R.from_dict(
        {
            **EDEN_BASE,
            "status": "fail",
            "output": None,
            "error": {"message": "provider down", "code": 503},
        }
    )
    assert f.error.to_dict() == {"message": "provider down", "code": 503}
    assert f.error["message"] == "provider down"
    assert R.from_dict({**EDEN_BASE, "status": "queued"}).status == "queued"
    get = mod("edenai.api.universal_ai.get_async_job_v3_universal_ai_async_job_id_get")
    resp = get.sync_detailed(
        EDEN_BASE["public_id"],
        client=client("edenai", 200, {**EDEN_BASE, "status": "processing", "output": None}),
    )
    assert resp.parsed.status == "processing"
    v = get.sync(
        EDEN_BASE["public_id"],
        client=client(
            "edenai",
            422,
            {"detail": [{"loc": ["path", "job_id"], "msg": "bad uuid", "type": "uuid"}]},
        ),
    )
    assert v.detail[0].loc == ["path", "job_id"]


@check
def edenai_submit() -> None:
    m = mod("edenai.models")
    post = mod("edenai.api.universal_ai.create_async_job_v3_universal_ai_async_post")
    c = client("edenai", 202, {**EDEN_BASE, "status": "processing", "output": None})
    body = m.UniversalAIAsyncBody(
        model="audio/speech_to_text_async/google",
        input_=m.UniversalAIAsyncBodyInput.from_dict(
            {"file": "https://x.test/a.mp3", "language": "en"}
        ),
        fallbacks=["amazon", "openai/gpt-4", "audio/speech_to_text_async/amazon"],
    )
    resp = post.sync_detailed(client=c, body=body)
    assert resp.status_code == 202
    assert resp.parsed.public_id == EDEN_BASE["public_id"]
    sent = json.loads(SEEN[0].content)
    assert sent["input"]["language"] == "en"
    assert sent["show_original_response"] is False


# ----------------------------------------------------------------- Veza
@check
def veza_tasks() -> None:
    m = mod("veza.models")
    t = m.AsyncTask.from_dict({"id": "t1", "state": "SCHEDULED_SOMEDAY"})
    assert t.state == "SCHEDULED_SOMEDAY"
    assert t.status is unset("veza")
    done = m.AsyncTask.from_dict(
        {"id": "t1", "state": "COMPLETE", "status": "SUCCEEDED", "result": {"rows": [1, 2]}}
    )
    assert done.result == {"rows": [1, 2]}
    for code in (13, "INTERNAL"):
        f = m.AsyncTask.from_dict(
            {
                "id": "t1",
                "state": "COMPLETE",
                "status": "FAILED",
                "error_reason": "boom",
                "error_status": code,
            }
        )
        assert f.error_status == code
        assert f.error_reason == "boom"
    assert m.AsyncTask.from_dict({"id": "t1", "state": "PENDING", "result": None}).result is None

    get = mod("veza.api.async_tasks.get_async_task")
    c = client("veza", 200, {"id": "t1", "state": "IN_PROGRESS"})
    assert get.sync("t1", client=c).state == "IN_PROGRESS"
    assert SEEN[0].url.path == "/api/v1/assessments/async_tasks/t1"
    resp = get.sync_detailed("t1", client=client("veza", 500, b"<html>oops</html>"))
    assert resp.parsed is None

    create = mod("veza.api.async_tasks.create_query_spec_result_async")
    spec = m.QuerySpec.from_dict(
        {"query_type": "SOURCE_TO_DESTINATION", "source_node_types": {"nodes": []}}
    )
    c = client("veza", 200, {"task": {"id": "t2", "state": "PENDING"}})
    out = create.sync(client=c, body=spec)
    assert out.task.id == "t2"
    assert SEEN[0].url.raw_path == b"/api/v1/assessments/query_spec:result_async_create"
    assert json.loads(SEEN[0].content)["query_type"] == "SOURCE_TO_DESTINATION"
    bare = create.sync(client=client("veza", 200, {"id": "t3", "state": "PENDING"}), body=spec)
    assert bare.task is unset("veza")
    assert bare.additional_properties["id"] == "t3"
    wrapped = create.sync(client=client("veza", 200, {"value": {"task": {"id": "t4"}}}), body=spec)
    assert wrapped.additional_properties["value"]["task"]["id"] == "t4"


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not Path(argv[1]).is_dir():
        print("usage: python specs/selfcheck.py GEN_DIR", file=sys.stderr)
        return 2
    sys.path.insert(0, str(Path(argv[1]).resolve()))
    failed = 0
    for name, fn in CHECKS:
        try:
            fn()
        except Exception as exc:  # report every failing check, not just the first
            failed += 1
            print(f"FAIL {name}: {type(exc).__name__}: {exc}")
        else:
            print(f"ok   {name}")
    print(f"{len(CHECKS) - failed}/{len(CHECKS)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
