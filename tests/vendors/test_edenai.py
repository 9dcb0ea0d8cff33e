"""Eden AI over httpx.MockTransport with a fake clock: every path sync and async."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jobpoll
from jobpoll import JobState, PollPolicy
from jobpoll.edenai import DEFAULT_POLICY, AsyncEdenAI, EdenAI, _source, job_output, to_status
from jobpoll.testing import FakeClock
from jobpoll_generated.edenai.models.universal_ai_async_response import UniversalAIAsyncResponse

from .._both import FLAVOURS, outcomes, timing
from .._toy import Script

KEY = "edenai-canary-5d02aa"  # must never show in a repr or an error
URL = "https://api.edenai.run"
JOB = "5b6f2d1e-8c3a-4c55-9e0d-2b8f1a7c9d41"
POLL = f"{URL}/v3/universal-ai/async/{JOB}"
SUBMIT = f"{URL}/v3/universal-ai/async"
MODEL = "audio/speech_to_text_async/google"
INPUT = {"file": "https://example.com/a.mp3", "language": "en"}
POLICY = PollPolicy(initial_delay=1.0, multiplier=2.0, max_delay=8.0, min_delay=0.5, jitter=0.0)


def job(status: Any, **extra: Any) -> dict[str, Any]:
    return {
        "status": status,
        "cost": "0",
        "provider": "google",
        "feature": "audio",
        "subfeature": "speech_to_text_async",
        "output": None,
        "public_id": JOB,
        "model": None,
        "created_at": "2025-01-02T03:04:05Z",
        **extra,
    }


def reply(body: Any, code: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(code, json=body, headers=headers)


ACCEPTED = reply(job("processing"), 202)
RUNNING = reply(job("processing"))
DONE = reply(job("success", cost="0.0144", output={"text": "hello"}))
FAILED = reply(job("fail", error={"type": "ProviderError", "message": "provider timeout"}))
BUSY = reply({"error": {"code": 429, "message": "Too many requests, please slow down"}}, 429)


def make(flavour: str, script: Script, clock: FakeClock, **kw: Any) -> EdenAI | AsyncEdenAI:
    kw.setdefault("api_key", KEY)
    kw.setdefault("policy", POLICY)
    cls = EdenAI if flavour == "sync" else AsyncEdenAI
    return cls(transport=httpx.MockTransport(script), **timing(flavour, clock), **kw)


def both(replies: list[Any], call: Any, **kw: Any) -> list[tuple[Any, FakeClock, Script]]:
    """Run ``call(client)`` on a sync and an async client, each over a fresh script."""
    return outcomes(make, replies, call, **kw)


# --- full cycle ----------------------------------------------------------------------------


def test_run_full_cycle() -> None:
    seen: list[jobpoll.JobStatus] = []
    replies = [ACCEPTED, RUNNING, RUNNING, DONE]
    for out, clock, script in both(replies, lambda c: c.run(MODEL, INPUT, on_update=seen.append)):
        assert out == {"text": "hello"}
        submit, *polls = script.requests
        assert (submit.method, str(submit.url)) == ("POST", SUBMIT)
        assert json.loads(submit.content) == {
            "model": MODEL,
            "input": INPUT,
            "show_original_response": False,
        }
        assert submit.headers["authorization"] == f"Bearer {KEY}"
        assert [(r.method, str(r.url)) for r in polls] == [("GET", POLL)] * 3
        assert clock.sleeps == [1.0, 2.0]
    assert [s.state for s in seen] == [JobState.RUNNING, JobState.SUCCEEDED] * 2
    final = seen[-1]
    assert isinstance(final.response, UniversalAIAsyncResponse)
    assert final.response.cost == "0.0144"
    assert job_output(final) == {"text": "hello"}


def test_submit_sends_every_option() -> None:
    def call(c: Any) -> Any:
        return c.submit(
            f"{MODEL}/chirp",
            INPUT,
            provider_params={"google": {"speakers": 2}},
            show_original_response=True,
            fallbacks=["audio/speech_to_text_async/amazon"],
            webhook="https://hooks.example.com/eden",
            user_webhook_parameters={"ticket": 42},
        )

    for out, _, script in both([ACCEPTED], call):
        assert out == JOB
        assert json.loads(script.requests[0].content) == {
            "model": f"{MODEL}/chirp",
            "input": INPUT,
            "provider_params": {"google": {"speakers": 2}},
            "show_original_response": True,
            "fallbacks": ["audio/speech_to_text_async/amazon"],
            "webhook_receiver": "https://hooks.example.com/eden",
            "user_webhook_parameters": {"ticket": 42},
        }


def test_default_policy_and_url() -> None:
    client = EdenAI(api_key=KEY)
    assert client.policy == DEFAULT_POLICY
    assert repr(client) == "<EdenAI https://api.edenai.run>"
    client.close()


# --- the status table ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "state", "recognized"),
    [
        ("processing", JobState.RUNNING, True),
        ("success", JobState.SUCCEEDED, True),
        ("fail", JobState.FAILED, True),
        ("SUCCESS", JobState.SUCCEEDED, True),
        ("queued", JobState.RUNNING, False),
        ("cancelled", JobState.RUNNING, False),
        ("", JobState.RUNNING, False),
    ],
)
def test_status_table(word: str, state: JobState, recognized: bool) -> None:
    status = to_status(JOB, UniversalAIAsyncResponse.from_dict(job(word)))
    assert (status.state, status.recognized, status.vendor_status) == (state, recognized, word)
    assert isinstance(status.response, UniversalAIAsyncResponse)


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            {"type": "ProviderError", "message": "provider timeout"},
            "ProviderError: provider timeout",
        ),
        ({"message": "bad audio"}, "bad audio"),
        ({"code": 5, "detail": ["x"]}, '{"code":5,"detail":["x"]}'),
        ("plain words", "plain words"),
        ({}, None),
        (None, None),
    ],
)
def test_failure_details_reach_job_failed(error: Any, line: str | None) -> None:
    for err, _, script in both([RUNNING, reply(job("fail", error=error))], lambda c: c.wait(JOB)):
        assert isinstance(err, jobpoll.JobFailed)
        assert err.job_id == JOB
        assert err.errors == ((line,) if line else ())
        assert str(err) == f"edenai job {JOB} failed{': ' + line if line else ''}"
        assert isinstance(err.status.response, UniversalAIAsyncResponse)
        assert len(script.requests) == 2


def test_a_fail_without_error_member_is_still_failed() -> None:
    body = job("fail")
    del body["output"]
    for err, _, _ in both([reply(body)], lambda c: c.wait(JOB)):
        assert isinstance(err, jobpoll.JobFailed)


def test_unknown_status_keeps_polling_unrecognized() -> None:
    seen: list[jobpoll.JobStatus] = []
    replies = [reply(job("queued")), reply(job("queued")), DONE]
    for out, _, script in both(replies, lambda c: c.wait(JOB, on_update=seen.append)):
        assert out.state is JobState.SUCCEEDED
        assert len(script.requests) == 3
    assert seen[0].recognized is False
    assert seen[0].vendor_status == "queued"


@pytest.mark.parametrize(
    "bad",
    [
        httpx.Response(200, text="<html>"),
        reply([]),
        reply({"cost": "0", "public_id": JOB}),
        reply(job(None)),
        reply(job(["success"])),
    ],
)
def test_malformed_polls_are_retried(bad: httpx.Response) -> None:
    for out, _, script in both([bad, DONE], lambda c: c.wait(JOB)):
        assert out.state is JobState.SUCCEEDED
        assert out.stats.transient_failures == 1
        assert len(script.requests) == 2


def test_fallbacks_take_every_form_the_vendor_documents() -> None:
    # UniversalAIAsyncBody.fallbacks (Eden AI's v3 spec): 'provider', 'provider/model' or a
    # full model id, at most 3.
    forms = ["amazon", "openai/gpt-4", "image/generation/minimax/image-01"]
    for out, _, script in both([ACCEPTED], lambda c: c.submit(MODEL, INPUT, fallbacks=forms)):
        assert out == JOB
        assert json.loads(script.requests[0].content)["fallbacks"] == forms


# --- reading rule (issue #11): what the status does not need never fails a poll ------------

NEEDED = {"status"}
"""The only member a job's state depends on (``error`` too, for a ``fail``: its detail)."""
ODD_VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.booleans(),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
EXTRA_NAMES = st.text(min_size=1, max_size=10).filter(lambda k: k not in job("x"))


def _vary(doc: dict[str, Any], name: str, how: str, odd: Any) -> None:
    if how == "absent":
        doc.pop(name, None)
    elif how == "wrapped":
        doc[name] = {"value": doc.get(name)} if odd is None else [doc.get(name)]
    else:
        doc[name] = odd


@given(
    status=st.sampled_from(["processing", "success", "fail", "queued", " SUCCESS "]),
    changes=st.dictionaries(
        st.sampled_from(sorted(set(job("x")) | {"error", "original_response"})),
        st.tuples(st.sampled_from(["absent", "odd", "wrapped"]), ODD_VALUES),
    ),
    extra=st.dictionaries(EXTRA_NAMES, ODD_VALUES, max_size=3),
)
def test_fields_the_status_does_not_need_never_change_it(
    status: str, changes: dict[str, tuple[str, Any]], extra: dict[str, Any]
) -> None:
    base = job(status, error={"type": "ProviderError", "message": "provider timeout"})
    if status != "fail":
        base["error"] = None
    expected, _ = _source(()).interpret(JOB, reply(base))
    doc = {**base, **extra}
    needed = NEEDED | ({"error"} if status == "fail" else set())
    for name, (how, odd) in changes.items():
        if name not in needed:
            _vary(doc, name, how, odd)
    got, _ = _source(()).interpret(JOB, reply(doc))
    assert got == expected


def test_the_documented_poll_example_without_public_id_and_created_at_reads() -> None:
    # vendors.md §4: the docs' own printed poll result omits public_id and created_at.
    doc = job("success", output={"text": "Hello world"})
    del doc["public_id"], doc["created_at"]
    for out, _, _ in both([reply(doc)], lambda c: c.wait(JOB)):
        assert out.state is JobState.SUCCEEDED
        assert job_output(out) == {"text": "Hello world"}


def test_a_malformed_submit_answer_keeps_the_job_id_and_is_not_resent() -> None:
    body = job("processing")
    del body["status"]
    for err, _, script in both([reply(body, 202)], lambda c: c.submit(MODEL, INPUT)):
        assert isinstance(err, jobpoll.MalformedResponse)
        assert err.job_id == JOB
        assert len(script.requests) == 1
    for err, _, _ in both(
        [reply(job("processing", public_id="nope"), 202)], lambda c: c.submit(MODEL, INPUT)
    ):
        assert isinstance(err, jobpoll.MalformedResponse)
        assert "public_id" in str(err)


# --- job ids -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given", [JOB, JOB.upper(), uuid.UUID(JOB), f"urn:uuid:{JOB}", f" {JOB} ", JOB.replace("-", "")]
)
def test_job_ids_are_uuids_in_canonical_form(given: Any) -> None:
    for out, _, script in both([DONE], lambda c: c.wait(given)):
        assert out.job_id == JOB
        assert str(script.requests[0].url) == POLL


@pytest.mark.parametrize("bad", ["", "abc", "a/b", 123, None, 1.5, JOB + "0"])
@pytest.mark.parametrize("method", ["wait", "status", "result", "watch_list"])
def test_bad_job_ids_are_refused_before_any_request(bad: Any, method: str) -> None:
    async def watch_all(c: Any) -> Any:
        return [s async for s in c.watch(bad)]

    def call(c: Any) -> Any:
        if method != "watch_list":
            return getattr(c, method)(bad)
        return list(c.watch(bad)) if isinstance(c, EdenAI) else watch_all(c)

    for err, _, script in both([DONE], call):
        assert isinstance(err, ValueError), err
        assert "job_id" in str(err)
        assert script.requests == []


# --- result --------------------------------------------------------------------------------


def test_result_returns_the_output_of_a_finished_job() -> None:
    for out, _, script in both([DONE], lambda c: c.result(JOB)):
        assert out == {"text": "hello"}
        assert [(r.method, str(r.url)) for r in script.requests] == [("GET", POLL)]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (FAILED, jobpoll.JobFailed),
        (RUNNING, jobpoll.JobNotFinished),
        (reply(job("queued")), jobpoll.JobNotFinished),
    ],
)
def test_result_raises_for_other_statuses(body: httpx.Response, kind: type) -> None:
    for err, _, script in both([body], lambda c: c.result(JOB)):
        assert type(err) is kind
        assert err.job_id == JOB
        assert err.status is not None
        assert len(script.requests) == 1
    if kind is jobpoll.JobFailed:
        assert "ProviderError: provider timeout" in str(err)


def test_job_output_needs_an_edenai_status() -> None:
    with pytest.raises(TypeError, match="Eden AI"):
        job_output(jobpoll.JobStatus(vendor="x", job_id="1", state=JobState.SUCCEEDED))


# --- HTTP errors ---------------------------------------------------------------------------


def test_not_found_names_the_job() -> None:
    gone = reply({"error": {"code": 404, "message": f"Job {JOB} not found"}}, 404)
    for call in (lambda c: c.wait(JOB), lambda c: c.result(JOB), lambda c: c.status(JOB)):
        for err, _, script in both([gone], call):
            assert isinstance(err, jobpoll.JobNotFound)
            assert err.job_id == JOB
            assert JOB in str(err)
            assert len(script.requests) == 1


@pytest.mark.parametrize("code", [401, 403])
def test_refused_credentials_raise_auth_error_at_once(code: int) -> None:
    refused = reply({"error": {"code": code, "message": "Invalid API key"}}, code)
    calls = [lambda c: c.wait(JOB), lambda c: c.result(JOB), lambda c: c.run(MODEL, INPUT)]
    for call in calls:
        for err, _, script in both([refused], call):
            assert isinstance(err, jobpoll.AuthError)
            assert len(script.requests) == 1


VALIDATION = reply(
    {
        "detail": [
            {"type": "missing", "loc": ["body", "input", "file"], "msg": "Field required"},
            {
                "type": "too_long",
                "loc": ["body", "fallbacks"],
                "msg": "List should have at most 3 items after validation",
            },
        ]
    },
    422,
)


def test_422_is_a_permanent_api_error_listing_the_validation_messages() -> None:
    for call in (lambda c: c.submit(MODEL, INPUT), lambda c: c.wait(JOB), lambda c: c.result(JOB)):
        for err, _, script in both([VALIDATION], call):
            assert type(err) is jobpoll.APIError
            assert err.status_code == 422
            assert not err.retryable
            assert "body.input.file: Field required" in str(err)
            assert "body.fallbacks: List should have at most 3 items after validation" in str(err)
            assert len(script.requests) == 1


def test_a_422_that_is_not_a_validation_error_is_still_permanent() -> None:
    for err, _, script in both(
        [httpx.Response(422, text="nope")], lambda c: c.submit(MODEL, INPUT)
    ):
        assert type(err) is jobpoll.APIError
        assert err.status_code == 422
        assert "nope" in str(err)
        assert len(script.requests) == 1


def test_429_without_retry_after_backs_off_then_succeeds() -> None:
    for out, clock, script in both([BUSY, BUSY, ACCEPTED], lambda c: c.submit(MODEL, INPUT)):
        assert out == JOB
        assert [r.method for r in script.requests] == ["POST"] * 3
        assert clock.sleeps == [1.0, 2.0]
    for out, clock, _ in both([RUNNING, BUSY, DONE], lambda c: c.wait(JOB)):
        assert out.state is JobState.SUCCEEDED
        assert out.stats.transient_failures == 1
        assert clock.sleeps == [1.0, 2.0]
    for out, clock, _ in both([BUSY, DONE], lambda c: c.result(JOB)):
        assert out == {"text": "hello"}
        assert clock.sleeps == [1.0]


def test_a_submit_that_may_have_reached_the_server_is_not_resent() -> None:
    for err, _, script in both([reply({}, 502), ACCEPTED], lambda c: c.submit(MODEL, INPUT)):
        assert isinstance(err, jobpoll.APIError)
        assert err.status_code == 502
        assert len(script.requests) == 1


# --- argument checks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "name"),
    [
        ({"model": "nope"}, "model"),
        ({"model": "audio/speech_to_text_async"}, "model"),
        ({"model": "a/b/c/d/e"}, "model"),
        ({"model": "audio/speech to text/google"}, "model"),
        ({"model": ""}, "model"),
        ({"model": None}, "model"),
        ({"input": "hello"}, "input"),
        ({"input": None}, "input"),
        ({"input": [("file", "x")]}, "input"),
        ({"input": {"file": object()}}, "input"),
        ({"provider_params": "x"}, "provider_params"),
        ({"user_webhook_parameters": [1]}, "user_webhook_parameters"),
        ({"show_original_response": "yes"}, "show_original_response"),
        ({"fallbacks": [MODEL] * 4}, "fallbacks"),
        ({"fallbacks": MODEL}, "fallbacks"),
        ({"fallbacks": ["open ai"]}, "fallbacks[0]"),
        ({"fallbacks": [MODEL, "amazon//x"]}, "fallbacks[1]"),
        ({"fallbacks": [""]}, "fallbacks[0]"),
        ({"fallbacks": [None]}, "fallbacks[0]"),
        ({"webhook": "ftp://hooks.example.com"}, "webhook"),
        ({"webhook": "hooks.example.com/x"}, "webhook"),
        ({"webhook": "https://"}, "webhook"),
        ({"webhook": "https://a b.com"}, "webhook"),
        ({"webhook": 42}, "webhook"),
    ],
)
@pytest.mark.parametrize("method", ["submit", "run"])
def test_bad_submit_arguments_are_refused_before_any_request(
    kw: dict[str, Any], name: str, method: str
) -> None:

    def call(c: Any) -> Any:
        args = {"model": MODEL, "input": INPUT, **kw}
        return getattr(c, method)(args.pop("model"), args.pop("input"), **args)

    for err, _, script in both([ACCEPTED], call):
        assert isinstance(err, ValueError), err
        assert name in str(err)
        assert script.requests == []


@pytest.mark.parametrize(
    ("kw", "name"), [({"timeout": 0}, "timeout"), ({"policy": "fast"}, "policy")]
)
def test_bad_wait_arguments_of_run_are_refused_before_submitting(
    kw: dict[str, Any], name: str
) -> None:
    for err, _, script in both([ACCEPTED], lambda c: c.run(MODEL, INPUT, **kw)):
        assert isinstance(err, ValueError | TypeError)
        assert name in str(err)
        assert script.requests == []


def test_settings_from_arguments_and_environment(
    flavour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cls = EdenAI if flavour == "sync" else AsyncEdenAI
    monkeypatch.delenv("EDENAI_API_KEY", raising=False)
    monkeypatch.delenv("EDENAI_URL", raising=False)
    with pytest.raises(ValueError, match="api_key"):
        cls()
    with pytest.raises(ValueError, match="api_key"):
        cls(api_key="  ")
    with pytest.raises(ValueError, match="base_url"):
        cls(api_key=KEY, base_url="api.edenai.run")
    with pytest.raises(ValueError, match="timeout"):
        cls(api_key=KEY, timeout=-5)
    assert repr(cls(api_key=KEY)) == f"<{cls.__name__} {URL}>"
    monkeypatch.setenv("EDENAI_API_KEY", KEY)
    monkeypatch.setenv("EDENAI_URL", "http://localhost:8000/")
    script = Script([DONE])
    client = cls(transport=httpx.MockTransport(script))
    assert repr(client) == f"<{cls.__name__} http://localhost:8000>"
    status = client.status(JOB)
    if flavour == "async":
        status = asyncio.run(status)
    assert status.state is JobState.SUCCEEDED
    assert str(script.requests[0].url) == f"http://localhost:8000/v3/universal-ai/async/{JOB}"
    assert script.requests[0].headers["authorization"] == f"Bearer {KEY}"


# --- sync/async parity and secrets ---------------------------------------------------------


def _public(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))}


@pytest.mark.parametrize(
    "bad",
    [
        reply({"error": {"code": 401, "message": f"bad key {KEY}"}}, 401),
        reply({"error": {"code": 500, "message": f"echo {KEY}"}}, 500),
        reply({"detail": [{"loc": ["header", KEY], "msg": f"echo {KEY}", "type": "x"}]}, 422),
        httpx.Response(422, text=f"echo {KEY}"),
        httpx.Response(200, text=f"<html>{KEY}</html>"),
    ],
)
def test_the_key_never_shows(bad: httpx.Response) -> None:
    policy = POLICY.replace(max_retries=1)
    for call in (lambda c: c.wait(JOB), lambda c: c.submit(MODEL, INPUT)):
        for err, _, _ in both([bad], call, policy=policy):
            assert isinstance(err, jobpoll.Error)
            assert KEY not in str(err)
            assert KEY not in repr(err)
    for flavour in FLAVOURS:
        client = make(flavour, Script([DONE]), FakeClock())
        assert KEY not in repr(client)
        assert URL in repr(client)
