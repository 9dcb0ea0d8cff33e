"""Phrase BYO MT engine over httpx.MockTransport with a fake clock: every path sync and async."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest

import jobpoll
from jobpoll import JobState
from jobpoll.phrase_mt import (
    MAX_SEGMENTS,
    AsyncPhraseMT,
    LanguagePair,
    PhraseMT,
    TranslatedSegment,
    Translation,
    join,
    split,
    to_status,
    translate_body,
)
from jobpoll.testing import FakeClock
from jobpoll_generated.phrase_mt.models.segment import Segment
from jobpoll_generated.phrase_mt.models.translate_async_status_response import (
    TranslateAsyncStatusResponse,
)

from .._both import run, timing

ABSENT = object()

BASE = "https://mt.test"
TOKEN = "mt-SECRET-token"

Reply = httpx.Response | Callable[[httpx.Request], httpx.Response]


class Engine:
    """A BYO engine: jobs kept by id, scripted status words, results in reverse order."""

    def __init__(
        self, statuses: list[Any] | None = None, submit: list[Reply] | None = None
    ) -> None:
        self.statuses = statuses or ["running", "done"]
        self.submit_replies = list(submit or [])
        self.jobs: dict[str, list[dict[str, Any]]] = {}
        self.polls: dict[str, int] = {}
        self.requests: list[httpx.Request] = []
        self.extra: dict[tuple[str, str], Reply] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answer(request)
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    def answer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if (request.method, path) in self.extra:
            reply = self.extra[(request.method, path)]
            return reply(request) if callable(reply) else reply
        if path == "/translateAsync":
            if self.submit_replies:
                reply = self.submit_replies.pop(0)
                answer = reply(request) if callable(reply) else reply
                if answer.status_code != 200:
                    return answer
            job_id = f"job-{len(self.jobs) + 1}"
            self.jobs[job_id] = json.loads(request.content)["segments"]
            return httpx.Response(200, json={"id": job_id})
        kind, _, job_id = path.lstrip("/").partition("/")
        if job_id not in self.jobs:
            error = f"Application error: No translation job found with id '{job_id}', null"
            return httpx.Response(500, json={"error": error})
        if kind == "translateAsyncStatus":
            n = self.polls[job_id] = self.polls.get(job_id, 0) + 1
            word = self.statuses[min(n, len(self.statuses)) - 1]
            return httpx.Response(200, json=word if isinstance(word, dict) else {"status": word})
        if kind == "translateAsyncResult":
            segments = [
                {"idx": s.get("idx"), "text": s["text"], "translatedText": s["text"].upper()}
                for s in reversed(self.jobs[job_id])
            ]
            return httpx.Response(
                200, json={"sourceLanguage": "en", "targetLanguage": "de", "segments": segments}
            )
        return httpx.Response(404, json={"error": "no such endpoint"})

    def calls(self, prefix: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.startswith(prefix)]

    def submits(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == "/translateAsync"]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PHRASE_MT_TOKEN", "PHRASE_MT_URL"):
        monkeypatch.delenv(name, raising=False)


def make(
    flavour: str,
    server: Callable[[httpx.Request], httpx.Response],
    clock: FakeClock | None = None,
    **kw: Any,
) -> Any:
    clock = clock or FakeClock()
    cls = PhraseMT if flavour == "sync" else AsyncPhraseMT
    return cls(
        token=kw.pop("token", TOKEN),
        base_url=kw.pop("base_url", BASE),
        transport=httpx.MockTransport(server),
        **timing(flavour, clock),
        random=lambda: 0.5,
        **kw,
    )


def fixed(status: int, **body: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _request: httpx.Response(status, json=body)


# --- the whole cycle -----------------------------------------------------------------------


async def test_translate_and_wait_full_cycle(flavour: str) -> None:
    clock = FakeClock()
    engine = Engine(statuses=["running", "running", "done"])
    seen: list[jobpoll.JobStatus] = []
    texts = await run(
        make(flavour, engine, clock).translate_and_wait(
            "en",
            "zh_tw",
            ["hello", {"text": "world", "metadata": {"k": "v"}}, Segment(text="again")],
            glossary={"world": "Welt"},
            metadata={"projectUid": "p1"},
            on_update=seen.append,
        )
    )
    assert texts == ["HELLO", "WORLD", "AGAIN"]
    assert clock.sleeps == [1.0, 1.5]  # the default policy: 1 s, then x1.5
    assert [s.state for s in seen] == [JobState.RUNNING, JobState.SUCCEEDED]
    assert isinstance(seen[-1].response, TranslateAsyncStatusResponse)
    body = json.loads(engine.submits()[0].content)
    assert body == {
        "sourceLanguage": "en",
        "targetLanguage": "zh_tw",
        "segments": [
            {"text": "hello", "idx": 0},
            {"text": "world", "idx": 1, "metadata": {"k": "v"}},
            {"text": "again", "idx": 2},
        ],
        "glossary": [{"term": "world", "translation": "Welt"}],
        "metadata": {"projectUid": "p1"},
    }
    assert all(r.headers["x-api-token"] == TOKEN for r in engine.requests)
    assert all("authorization" not in r.headers for r in engine.requests)


async def test_translate_async_wait_and_result(flavour: str) -> None:
    engine = Engine(statuses=["running", "done"])
    client = make(flavour, engine)
    job_id = await run(client.translate_async("en", "de", [{"text": "a", "idx": 7}, "b"]))
    assert job_id == "job-1"
    status = await run(client.wait(job_id))
    assert status.state is JobState.SUCCEEDED
    assert status.vendor_status == "done"
    result = await run(client.result(job_id))
    assert isinstance(result, Translation)
    assert result.segments == (
        TranslatedSegment("B", idx=None, text="b"),
        TranslatedSegment("A", idx=7, text="a"),
    )


async def test_more_than_500_segments_become_three_jobs_joined_in_order(flavour: str) -> None:
    engine = Engine(statuses=["running", "done"])
    segments = [f"segment {i}" for i in range(1200)]
    texts = await run(make(flavour, engine).translate_and_wait("en", "de", segments))
    assert texts == [f"SEGMENT {i}" for i in range(1200)]
    submits = [json.loads(r.content)["segments"] for r in engine.submits()]
    assert [len(s) for s in submits] == [500, 500, 200]
    assert [s["idx"] for chunk in submits for s in chunk] == list(range(1200))
    assert len(engine.calls("/translateAsyncResult/")) == 3


async def test_failed_job_raises_job_failed_with_detail(flavour: str) -> None:
    engine = Engine(
        statuses=["running", {"status": "failed", "detail": "engine crashed on segment 3"}]
    )
    with pytest.raises(jobpoll.JobFailed) as info:
        await run(make(flavour, engine).translate_and_wait("en", "de", ["a", "b"]))
    err = info.value
    assert err.vendor == "phrase-mt"
    assert err.job_id == "job-1"
    assert err.errors == ("engine crashed on segment 3",)
    assert "engine crashed on segment 3" in str(err)
    assert engine.calls("/translateAsyncResult/") == []


async def test_one_failed_chunk_fails_the_whole_translation(flavour: str) -> None:
    # Async waits run together: the others never finish, yet job-2's failure ends the call.
    others = "done" if flavour == "sync" else "running"

    def status(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("job-2"):
            return httpx.Response(200, json={"status": "failed", "detail": "chunk 2 broke"})
        return httpx.Response(200, json={"status": others})

    engine = Engine()
    for n in (1, 2, 3):
        engine.extra[("GET", f"/translateAsyncStatus/job-{n}")] = status
    with pytest.raises(jobpoll.JobFailed) as info:
        await run(make(flavour, engine).translate_and_wait("en", "de", ["x"] * 1001, timeout=30))
    assert info.value.job_id == "job-2"


async def test_unknown_status_word_is_running_and_not_recognized(flavour: str) -> None:
    engine = Engine(statuses=["queued", "DONE"])
    seen: list[jobpoll.JobStatus] = []
    client = make(flavour, engine)
    job_id = await run(client.translate_async("en", "de", ["a"]))
    final = await run(client.wait(job_id, on_update=seen.append))
    assert (seen[0].state, seen[0].recognized, seen[0].vendor_status) == (
        JobState.RUNNING,
        False,
        "queued",
    )
    assert final.state is JobState.SUCCEEDED
    assert final.recognized


@pytest.mark.parametrize(
    ("body", "state", "recognized"),
    [
        ({"status": "running", "detail": "no detail"}, JobState.RUNNING, True),
        ({"status": "done"}, JobState.SUCCEEDED, True),
        ({"status": "failed"}, JobState.FAILED, True),
        ({"status": "Failed", "detail": "x"}, JobState.FAILED, True),
        ({"status": "paused"}, JobState.RUNNING, False),
    ],
)
def test_to_status_table(body: dict[str, Any], state: JobState, recognized: bool) -> None:
    status = to_status("j", TranslateAsyncStatusResponse.from_dict(body))
    assert (status.state, status.recognized, status.vendor_status) == (
        state,
        recognized,
        body["status"],
    )


@pytest.mark.parametrize("body", [{}, {"status": 3}, {"status": None}, ["done"]])
async def test_malformed_status_is_retried_then_raised(flavour: str, body: Any) -> None:
    engine = Engine()
    engine.jobs["j"] = []
    engine.extra[("GET", "/translateAsyncStatus/j")] = httpx.Response(200, json=body)
    client = make(flavour, engine, policy=jobpoll.PollPolicy(max_retries=1, jitter=0))
    with pytest.raises(jobpoll.MalformedResponse) as info:
        await run(client.wait("j"))
    assert info.value.job_id == "j"
    assert len(engine.requests) == 2


# --- errors ----------------------------------------------------------------------------------


async def test_404_is_job_not_found_with_the_job_id(flavour: str) -> None:
    engine = Engine()
    engine.extra[("GET", "/translateAsyncStatus/abc")] = httpx.Response(
        404, json={"error": "not found"}
    )
    engine.extra[("GET", "/translateAsyncResult/abc")] = httpx.Response(
        404, json={"error": "not found"}
    )
    client = make(flavour, engine)
    with pytest.raises(jobpoll.JobNotFound) as info:
        await run(client.wait("abc"))
    assert info.value.job_id == "abc"
    assert info.value.vendor == "phrase-mt"
    with pytest.raises(jobpoll.JobNotFound) as again:
        await run(client.result("abc"))
    assert again.value.job_id == "abc"


async def test_reference_adapter_unknown_job_500_is_job_not_found_at_once(flavour: str) -> None:
    engine = Engine()  # knows no job: answers 500 "No translation job found with id ..."
    client = make(flavour, engine)
    for call in (client.wait, client.result, client.status):
        with pytest.raises(jobpoll.JobNotFound) as info:
            await run(call("forgotten-id"))
        assert info.value.job_id == "forgotten-id"
        assert "35 minutes" in str(info.value)
    assert len(engine.requests) == 3  # no retries


async def test_other_500s_are_retried_then_api_error(flavour: str) -> None:
    engine = Engine()
    engine.extra[("GET", "/translateAsyncStatus/j")] = httpx.Response(
        500, json={"error": "Application error: boom"}
    )
    client = make(flavour, engine, policy=jobpoll.PollPolicy(max_retries=2, jitter=0))
    with pytest.raises(jobpoll.APIError) as info:
        await run(client.wait("j"))
    assert info.value.status_code == 500
    assert info.value.job_id == "j"
    assert len(engine.requests) == 3


async def test_401_is_auth_error_and_the_token_is_redacted(flavour: str) -> None:
    engine = Engine()
    engine.extra[("POST", "/translateAsync")] = httpx.Response(
        401, json={"error": f"Unauthorized, invalid token {TOKEN}"}
    )
    with pytest.raises(jobpoll.AuthError) as info:
        await run(make(flavour, engine).translate_async("en", "de", ["a"]))
    assert TOKEN not in str(info.value)
    assert TOKEN not in repr(info.value)
    assert "***" in str(info.value)


async def test_429_on_submit_is_retried_after_retry_after(flavour: str) -> None:
    clock = FakeClock()
    busy = httpx.Response(429, headers={"Retry-After": "4"}, json={"error": "Application busy"})
    engine = Engine(submit=[busy])
    job_id = await run(make(flavour, engine, clock).translate_async("en", "de", ["a"]))
    assert job_id == "job-1"
    assert len(engine.submits()) == 2
    assert clock.sleeps == [4.0]


async def test_5xx_on_submit_is_not_retried(flavour: str) -> None:
    engine = Engine(submit=[httpx.Response(503, json={"error": "down"})])
    with pytest.raises(jobpoll.APIError):
        await run(make(flavour, engine).translate_async("en", "de", ["a"]))
    assert len(engine.requests) == 1


async def test_a_failed_chunk_submit_names_the_chunks_already_submitted(flavour: str) -> None:
    ok = fixed(200)  # status 200 → the engine makes the job
    engine = Engine(submit=[ok, httpx.Response(400, json={"error": "too long"})])
    with pytest.raises(jobpoll.APIError) as info:
        await run(make(flavour, engine).translate_and_wait("en", "de", ["a"] * 600))
    assert info.value.job_ids == ("job-1",)
    assert info.value.job_id == "job-1"


async def test_result_with_the_wrong_segments_is_malformed(flavour: str) -> None:
    engine = Engine()
    engine.extra[("GET", "/translateAsyncResult/job-1")] = httpx.Response(
        200,
        json={"segments": [{"idx": 0, "translatedText": "A"}, {"idx": 5, "translatedText": "B"}]},
    )
    with pytest.raises(jobpoll.MalformedResponse, match="idx"):
        await run(make(flavour, engine).translate_and_wait("en", "de", ["a", "b"]))


@pytest.mark.parametrize(
    "body",
    [
        {"segments": [{"text": "a"}]},
        {"segments": [{"translatedText": 1}]},
        {"segments": "x"},
    ],
)
async def test_malformed_result(flavour: str, body: dict[str, Any]) -> None:
    engine = Engine()
    engine.jobs["j"] = []
    engine.extra[("GET", "/translateAsyncResult/j")] = httpx.Response(200, json=body)
    with pytest.raises(jobpoll.MalformedResponse) as info:
        await run(make(flavour, engine, policy=jobpoll.PollPolicy(max_retries=0)).result("j"))
    assert info.value.job_id == "j"


def test_join_by_position_when_no_idx_is_echoed() -> None:
    body = translate_body("en", "de", ["a", "b", "c"], limit=None)
    chunks = split(body, size=2)
    assert [[s.idx for s in c.segments] for c in chunks] == [[0, 1], [2]]
    results = [
        Translation((TranslatedSegment("A"), TranslatedSegment("B"))),
        Translation((TranslatedSegment("C"),)),
    ]
    assert join(chunks, ["j1", "j2"], results) == ["A", "B", "C"]
    with pytest.raises(jobpoll.MalformedResponse, match="1 segments for 2") as info:
        join(chunks, ["j1", "j2"], [results[1], results[1]])
    assert (info.value.vendor, info.value.job_id) == ("phrase-mt", "j1")  # the chunk's own job


# --- other operations ------------------------------------------------------------------------


async def test_sync_translate(flavour: str) -> None:
    engine = Engine()
    engine.extra[("POST", "/translate")] = lambda request: httpx.Response(
        200,
        json={
            "segments": [
                {"idx": s.get("idx"), "translatedText": s["text"][::-1]}
                for s in json.loads(request.content)["segments"]
            ]
        },
    )
    result = await run(
        make(flavour, engine).translate("en", "de", ["abc"], glossary=[("abc", "xyz")])
    )
    assert isinstance(result, Translation)
    assert result.segments[0].translated_text == "cba"
    sent = json.loads(engine.requests[0].content)
    assert sent["segments"] == [{"text": "abc"}]  # no idx added to a single request
    assert sent["glossary"] == [{"term": "abc", "translation": "xyz"}]


@pytest.mark.parametrize(
    ("word", "expected"), [("ok", True), ("not_ok", False), ("warming_up", "warming_up")]
)
async def test_engine_status(flavour: str, word: str, expected: Any) -> None:
    engine = Engine()
    engine.extra[("POST", "/status")] = httpx.Response(200, json={"status": word})
    assert await run(make(flavour, engine).engine_status(metadata={"who": "test"})) == expected
    assert json.loads(engine.requests[0].content) == {"metadata": {"who": "test"}}


async def test_languages(flavour: str) -> None:
    engine = Engine()
    pairs = [
        {"sourceLanguage": "en", "targetLanguage": "de"},
        {"sourceLanguage": "en", "targetLanguage": "zh_tw"},
    ]
    engine.extra[("POST", "/languages")] = httpx.Response(200, json={"languagePairs": pairs})
    got = await run(make(flavour, engine).languages())
    assert all(isinstance(p, LanguagePair) for p in got)
    assert [(p.source_language, p.target_language) for p in got] == [("en", "de"), ("en", "zh_tw")]


# --- auth and settings -----------------------------------------------------------------------


async def test_bearer_auth(flavour: str) -> None:
    engine = Engine()
    engine.extra[("POST", "/status")] = httpx.Response(200, json={"status": "ok"})
    await run(make(flavour, engine, auth="bearer").engine_status())
    assert engine.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert "x-api-token" not in engine.requests[0].headers


async def test_settings_from_the_environment(flavour: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHRASE_MT_TOKEN", "env-token")
    monkeypatch.setenv("PHRASE_MT_URL", "https://engine.test/mt/")
    engine = Engine()
    engine.extra[("POST", "/mt/status")] = httpx.Response(200, json={"status": "ok"})
    cls = PhraseMT if flavour == "sync" else AsyncPhraseMT
    assert await run(cls(transport=httpx.MockTransport(engine)).engine_status()) is True
    assert engine.requests[0].url == "https://engine.test/mt/status"
    assert engine.requests[0].headers["x-api-token"] == "env-token"


@pytest.mark.parametrize(
    ("kw", "name"),
    [
        ({"base_url": None}, "base_url"),
        ({"auth": "basic"}, "auth"),
        ({"token": ""}, "token"),
    ],
)
def test_bad_settings_are_refused(flavour: str, kw: dict[str, Any], name: str) -> None:
    cls = PhraseMT if flavour == "sync" else AsyncPhraseMT
    settings = {"token": TOKEN, "base_url": BASE, **kw}
    with pytest.raises(ValueError, match=name):
        cls(**settings)


def test_repr_never_shows_the_token() -> None:
    for client in (PhraseMT(token=TOKEN, base_url=BASE), AsyncPhraseMT(token=TOKEN, base_url=BASE)):
        assert TOKEN not in repr(client)
        assert TOKEN not in repr(client._http)
        assert repr(client).endswith(f"{BASE}>")


# --- validation ------------------------------------------------------------------------------

GOOD: dict[str, Any] = {"source_language": "en", "target_language": "zh_tw", "segments": ["a"]}


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"source_language": ""}, "source_language"),
        ({"source_language": "en-US"}, "source_language"),
        ({"target_language": "EN"}, "target_language"),
        ({"target_language": None}, "target_language"),
        ({"segments": []}, "segments"),
        ({"segments": "a single string"}, "segments"),
        ({"segments": ["ok", ""]}, r"segments\[1\]"),
        ({"segments": [{"idx": 1}]}, r"segments\[0\]"),
        ({"segments": [{"text": "a", "idx": -1}]}, r"segments\[0\]"),
        ({"segments": [{"text": "a", "metadata": "x"}]}, r"segments\[0\]\.metadata"),
        ({"segments": [42]}, r"segments\[0\]"),
        ({"glossary": "abc"}, "glossary"),
        ({"glossary": [("", "x")]}, r"glossary\[0\]"),
        ({"glossary": [("a", "b", "c")]}, r"glossary\[0\]"),
        ({"metadata": {"x": object()}}, "metadata"),
        ({"metadata": ["x"]}, "metadata"),
    ],
)
async def test_bad_translate_arguments_send_nothing(
    flavour: str, changes: dict[str, Any], name: str
) -> None:
    engine = Engine()
    client = make(flavour, engine)
    args = {**GOOD, **changes}
    positional = (args.pop("source_language"), args.pop("target_language"), args.pop("segments"))
    for call in (client.translate, client.translate_async, client.translate_and_wait):
        with pytest.raises(ValueError, match=name):
            await run(call(*positional, **args))
    assert engine.requests == []


async def test_more_than_500_segments_need_translate_and_wait(flavour: str) -> None:
    engine = Engine()
    client = make(flavour, engine)
    too_many = ["x"] * (MAX_SEGMENTS + 1)
    for call in (client.translate, client.translate_async):
        with pytest.raises(ValueError, match="translate_and_wait"):
            await run(call("en", "de", too_many))
    assert engine.requests == []


@pytest.mark.parametrize(
    "kw", [{"timeout": 0}, {"timeout": float("inf")}, {"policy": {"initial_delay": 1}}]
)
async def test_bad_wait_arguments_are_refused_before_submitting(
    flavour: str, kw: dict[str, Any]
) -> None:
    engine = Engine()
    with pytest.raises((ValueError, TypeError)):
        await run(make(flavour, engine).translate_and_wait("en", "de", ["a"], **kw))
    assert engine.requests == []


@pytest.mark.parametrize("bad", ["", ".", "..", "a\x0bb", None, 1.5])
async def test_bad_job_ids_send_nothing(flavour: str, bad: Any) -> None:
    engine = Engine()
    client = make(flavour, engine)
    for call in (client.wait, client.result, client.status):
        with pytest.raises((ValueError, TypeError), match="job_id"):
            await run(call(bad))
    assert engine.requests == []


async def test_translate_and_wait_deadline_spans_all_jobs() -> None:
    clock = FakeClock()
    engine = Engine(statuses=["running"] * 1000)
    client = make("sync", engine, clock)
    with pytest.raises(jobpoll.WaitTimeout) as info:
        client.translate_and_wait("en", "de", ["x"] * 1001, timeout=30)
    assert info.value.job_id == "job-1"
    assert clock.now() <= 30


# --- sync and async alike --------------------------------------------------------------------


# --- the reference adapter (issue #11) ------------------------------------------------------


def _app_error(text: str) -> httpx.Response:
    return httpx.Response(500, json={"error": f"Application error: {text}, null"})


@pytest.mark.parametrize(
    ("said", "kind", "retryable"),
    [
        ("No translation job found with id 'x'", jobpoll.JobNotFound, False),
        ("JSON parse error: Unexpected character ('x' (code 120))", jobpoll.APIError, False),
        ("Required request body is missing: public ResponseEntity x()", jobpoll.APIError, False),
        ("JSON parse error: xx is not a valid Phrase locale code/syntax", jobpoll.APIError, False),
        ("Unsupported language pair en -> xx", jobpoll.APIError, False),
        ("Language pair en-xx is not supported", jobpoll.APIError, False),
        ("Not authenticated", jobpoll.AuthError, False),
        ("java.net.SocketTimeoutException: Read timed out", jobpoll.APIError, True),
        ("upstream engine failure", jobpoll.APIError, True),
    ],
)  # fmt: skip
async def test_reference_500s_are_classified(
    flavour: str, said: str, kind: type[jobpoll.Error], retryable: bool
) -> None:
    engine = Engine()
    engine.extra[("POST", "/translate")] = _app_error(said)
    policy = jobpoll.PollPolicy(max_retries=2, jitter=0)
    with pytest.raises(kind) as info:
        await run(make(flavour, engine, policy=policy).translate("en", "de", ["a"]))
    assert type(info.value) is kind
    assert len(engine.requests) == (3 if retryable else 1)
    if not isinstance(info.value, jobpoll.AuthError):
        assert getattr(info.value, "status_code", None) == 500
    assert info.value.vendor == "phrase-mt"


async def test_unknown_job_carries_its_status_code(flavour: str) -> None:
    with pytest.raises(jobpoll.JobNotFound) as info:
        await run(make(flavour, Engine()).wait("nope"))
    assert (info.value.status_code, info.value.job_id) == (500, "nope")


def test_job_not_found_takes_its_status_code_from_the_response() -> None:
    assert jobpoll.JobNotFound("gone", response=httpx.Response(410)).status_code == 410
    assert jobpoll.JobNotFound("gone").status_code is None
    assert jobpoll.JobNotFound("gone", status_code=500).status_code == 500


REFERENCE_RESULT = {
    "sourceLanguage": "en",
    "targetLanguage": "de",
    "segments": [
        {"idx": "1", "text": "b", "translatedText": "B", "metadata": None},
        {"idx": "0", "text": "a", "translatedText": "A", "metadata": None},
    ],
    "metadata": None,
}


async def test_the_reference_adapters_result_is_read(flavour: str) -> None:
    engine = Engine()
    engine.jobs["j"] = []
    engine.extra[("GET", "/translateAsyncResult/j")] = httpx.Response(200, json=REFERENCE_RESULT)
    result = await run(make(flavour, engine).result("j"))
    assert [(s.idx, s.translated_text, s.metadata) for s in result.segments] == [
        (1, "B", None),
        (0, "A", None),
    ]
    assert result.metadata is None
    assert len(engine.requests) == 1


@pytest.mark.parametrize("empty", [b"", b"  \n", b"null"])
async def test_an_empty_result_of_a_failed_job_is_job_failed(flavour: str, empty: bytes) -> None:
    engine = Engine(statuses=[{"status": "failed", "detail": "model crashed"}])
    engine.jobs["j"] = []
    engine.extra[("GET", "/translateAsyncResult/j")] = httpx.Response(200, content=empty)
    with pytest.raises(jobpoll.JobFailed) as info:
        await run(make(flavour, engine).result("j"))
    assert (info.value.job_id, info.value.errors) == ("j", ("model crashed",))
    assert [r.url.path for r in engine.requests] == [
        "/translateAsyncResult/j",
        "/translateAsyncStatus/j",
    ]


async def test_an_empty_result_of_a_done_job_is_malformed(flavour: str) -> None:
    engine = Engine(statuses=["done"])
    engine.jobs["j"] = []
    engine.extra[("GET", "/translateAsyncResult/j")] = httpx.Response(200)
    with pytest.raises(jobpoll.MalformedResponse, match="empty body") as info:
        await run(make(flavour, engine).result("j"))
    assert (info.value.vendor, info.value.job_id) == ("phrase-mt", "j")
    assert info.value.status is not None and info.value.status.vendor_status == "done"


async def test_the_result_fetch_timeout_is_the_calls_deadline(flavour: str) -> None:
    engine = Engine()
    engine.jobs["j"] = []
    seen: list[Any] = []

    def held(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"]["read"])
        return httpx.Response(200, json=REFERENCE_RESULT)

    engine.extra[("GET", "/translateAsyncResult/j")] = held
    policy = jobpoll.PollPolicy(request_timeout=2.0)
    await run(make(flavour, engine, policy=policy, timeout=120).result("j"))
    await run(make(flavour, engine, policy=policy, timeout=None).result("j"))
    assert seen == [120, jobpoll.phrase_mt.HOLD_LIMIT]


@pytest.mark.parametrize(
    ("echoed", "expected"),
    [
        ([0, 1, 2], ["A", "B", "C"]),
        (["2", "0", "1"], ["B", "C", "A"]),
        ([None, None, None], ["A", "B", "C"]),
        ([ABSENT, "1", 2], ["A", "B", "C"]),
        ([" 0 ", ABSENT, "2"], ["A", "B", "C"]),
        (["a", 1, 2], ["A", "B", "C"]),  # not a number: its position
        ([True, {"i": 1}, 2.0], ["A", "B", "C"]),
    ],
)
def test_join_reads_idx_as_int_digit_string_or_position(
    echoed: list[Any], expected: list[str]
) -> None:
    chunk = split(translate_body("en", "de", ["a", "b", "c"]))[0]
    segments = []
    for idx, text in zip(echoed, "ABC", strict=True):
        segment: dict[str, Any] = {"text": text.lower(), "translatedText": text}
        if idx is not ABSENT:
            segment["idx"] = idx
        segments.append(segment)
    result = jobpoll.phrase_mt.parse_result(httpx.Response(200, json={"segments": segments}))
    assert result is not None
    assert join([chunk], ["j"], [result]) == expected


@pytest.mark.parametrize("echoed", [[0, 0, 1], [0, 1, 7], ["7", 1, 2], [1, "1", 2]])
def test_join_refuses_idx_that_do_not_match(echoed: list[Any]) -> None:
    chunk = split(translate_body("en", "de", ["a", "b", "c"]))[0]
    segments = [{"idx": i, "translatedText": "x"} for i in echoed]
    result = jobpoll.phrase_mt.parse_result(httpx.Response(200, json={"segments": segments}))
    assert result is not None
    with pytest.raises(jobpoll.MalformedResponse, match="idx"):
        join([chunk], ["j"], [result])


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ({"status": "failed", "detail": "model crashed"}, jobpoll.JobFailed),
        ({"status": "done"}, jobpoll.APIError),
        ({"status": "running"}, jobpoll.APIError),
    ],
)
async def test_a_5xx_result_is_explained_by_the_status(
    flavour: str, status: dict[str, str], kind: type[jobpoll.Error]
) -> None:
    engine = Engine(statuses=[status])
    engine.jobs["j"] = []
    engine.extra[("GET", "/translateAsyncResult/j")] = _app_error("job 'j' did not finish")
    policy = jobpoll.PollPolicy(max_retries=1, jitter=0)
    with pytest.raises(kind) as info:
        await run(make(flavour, engine, policy=policy).result("j"))
    assert type(info.value) is kind and info.value.job_id == "j"
    paths = [r.url.path.split("/")[1] for r in engine.requests]
    assert paths == ["translateAsyncResult"] * 2 + ["translateAsyncStatus"]


@pytest.mark.parametrize(
    "refusal",
    [
        httpx.Response(404, json={"error": "gone"}),
        httpx.Response(429, json={"error": "busy"}),
        httpx.Response(200, text="<html>"),
    ],
)
async def test_other_result_errors_are_not_explained(flavour: str, refusal: httpx.Response) -> None:
    engine = Engine(statuses=[{"status": "failed", "detail": "x"}])
    engine.jobs["j"] = []
    engine.extra[("GET", "/translateAsyncResult/j")] = refusal
    policy = jobpoll.PollPolicy(max_retries=1, jitter=0)
    with pytest.raises(jobpoll.Error) as info:
        await run(make(flavour, engine, policy=policy).result("j"))
    assert not isinstance(info.value, jobpoll.JobFailed)
    assert not engine.calls("/translateAsyncStatus")


# --- #10: job ids are never lost, whatever the vendor's id looks like -------------------------


async def test_every_error_of_a_split_submit_names_all_its_jobs(flavour: str) -> None:
    # Observation 7: 1,200 segments make three jobs; when the first failed, the error named
    # only that one, and the user resubmitted (paying twice).
    engine = Engine(statuses=[{"status": "failed", "detail": "engine down"}])
    with pytest.raises(jobpoll.JobFailed) as info:
        await run(make(flavour, engine).translate_and_wait("en", "de", ["x"] * 1200))
    err = info.value
    assert set(err.job_ids) == {"job-1", "job-2", "job-3"} and err.job_id in err.job_ids
    assert all(job in str(err) for job in ("job-1", "job-2", "job-3"))


async def test_a_split_submit_that_times_out_names_all_its_jobs(flavour: str) -> None:
    clock = FakeClock()
    engine = Engine(statuses=["running"])
    with pytest.raises(jobpoll.WaitTimeout) as info:
        await run(
            make(flavour, engine, clock).translate_and_wait("en", "de", ["x"] * 1200, timeout=20)
        )
    assert set(info.value.job_ids) == {"job-1", "job-2", "job-3"}
    assert clock.now() <= 20


async def test_the_sync_and_async_clock_starts_before_the_submits(flavour: str) -> None:
    # Observation 5: the sync path started its clock only after all the submits.
    clock = FakeClock()
    slow = [httpx.Response(429, headers={"Retry-After": "4"})] * 2
    engine = Engine(statuses=["running"], submit=slow)
    with pytest.raises(jobpoll.WaitTimeout) as info:
        await run(
            make(flavour, engine, clock).translate_and_wait("en", "de", ["x"] * 600, timeout=10)
        )
    assert set(info.value.job_ids) == {"job-1", "job-2"}
    assert clock.now() <= 10


@pytest.mark.parametrize("job_id", ["queue/17", "QmFzZTY0+/==", "a b?c#d%2F", "..x"])
async def test_an_id_that_can_be_path_quoted_is_accepted_and_polled(
    flavour: str, job_id: str
) -> None:
    # Observation 7: an engine returning an id with "/" had its job created and then
    # refused by the id check, although the path is quoted and polling works.
    engine = Engine()

    def submit(request: httpx.Request) -> httpx.Response:
        engine.jobs[job_id] = json.loads(request.content)["segments"]
        return httpx.Response(200, json={"id": job_id})

    engine.extra[("POST", "/translateAsync")] = submit
    out = await run(make(flavour, engine).translate_and_wait("en", "de", ["a", "b"]))
    assert out == ["A", "B"]
    quoted = quote(job_id, safe="").encode()
    assert all(quoted in r.url.raw_path for r in engine.requests[1:])
