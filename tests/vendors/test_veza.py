"""Veza over httpx.MockTransport with a fake clock: every path sync and async."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

import jobpoll
from jobpoll import JobState, PollPolicy
from jobpoll.testing import FakeClock
from jobpoll.veza import DEFAULT_POLICY, AsyncVeza, Veza, task_result, tenant_url, to_status
from jobpoll_generated.veza.models.async_task import AsyncTask

from .._both import FLAVOURS, outcomes, timing
from .._toy import Script

KEY = "veza-canary-7c1e9b"  # must never show in a repr or an error
URL = "https://acme.vezacloud.com"
CREATE = f"{URL}/api/v1/assessments/query_spec:result_async_create"
POLL = f"{URL}/api/v1/assessments/async_tasks/t-1"
SPEC = {"query_type": "SOURCE_TO_DESTINATION", "source_node_types": {"nodes": [{"type": "User"}]}}
POLICY = PollPolicy(initial_delay=1.0, multiplier=2.0, max_delay=8.0, min_delay=0.5, jitter=0.0)


def task(state: Any = None, status: Any = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": "t-1", **extra}
    if state is not None:
        body["state"] = state
    if status is not None:
        body["status"] = status
    return body


def reply(body: Any, code: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(code, json=body, headers=headers)


DONE = reply(task("COMPLETE", "SUCCEEDED", result={"values": [1, 2]}))
CREATED = reply({"task": task("PENDING")})


def make(flavour: str, script: Script, clock: FakeClock, **kw: Any) -> Veza | AsyncVeza:
    kw.setdefault("api_key", KEY)
    kw.setdefault("base_url", URL)
    kw.setdefault("policy", POLICY)
    cls = Veza if flavour == "sync" else AsyncVeza
    return cls(transport=httpx.MockTransport(script), **timing(flavour, clock), **kw)


def both(replies: list[Any], call: Any, **kw: Any) -> list[tuple[Any, FakeClock, Script]]:
    """Run ``call(client)`` on a sync and an async client, each over a fresh script."""
    return outcomes(make, replies, call, **kw)


# --- full cycle ----------------------------------------------------------------------------


def test_run_query_full_cycle() -> None:
    seen: list[jobpoll.JobStatus] = []
    replies = [CREATED, reply(task("PENDING")), reply({"value": task("IN_PROGRESS")}), DONE]
    for out, clock, script in both(replies, lambda c: c.run_query(SPEC, on_update=seen.append)):
        assert out == {"values": [1, 2]}
        create, *polls = script.requests
        assert (create.method, str(create.url)) == ("POST", CREATE)
        assert json.loads(create.content) == SPEC
        assert create.headers["authorization"] == f"Bearer {KEY}"
        assert create.headers["content-type"] == "application/json"
        assert [(r.method, str(r.url)) for r in polls] == [("GET", POLL)] * 3
        assert clock.sleeps == [1.0, 2.0]
    states = [JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED]
    assert [s.state for s in seen] == states * 2
    assert isinstance(seen[-1].response, AsyncTask)
    assert task_result(seen[-1]) == {"values": [1, 2]}


def test_wait_returns_the_typed_task_and_status_polls_once() -> None:
    for out, _, script in both([DONE], lambda c: c.wait("t-1")):
        assert out.state is JobState.SUCCEEDED
        assert out.vendor_status == "SUCCEEDED"
        assert isinstance(out.response, AsyncTask)
        assert out.response.id == "t-1"
        assert len(script.requests) == 1
    for out, _, script in both([reply(task("IN_PROGRESS"))], lambda c: c.status("t-1")):
        assert out.state is JobState.RUNNING
        assert len(script.requests) == 1


def test_default_policy_and_tenant_url() -> None:
    client = Veza(api_key=KEY, tenant="Acme-1")
    assert client.policy == DEFAULT_POLICY
    assert DEFAULT_POLICY.max_delay == 30.0
    assert repr(client) == "<Veza https://acme-1.vezacloud.com>"
    client.close()
    assert tenant_url("acme") == URL


# --- the status table ----------------------------------------------------------------------

Q, R, S, F, C = (
    JobState.QUEUED,
    JobState.RUNNING,
    JobState.SUCCEEDED,
    JobState.FAILED,
    JobState.CANCELED,
)


@pytest.mark.parametrize(
    ("body", "state", "recognized", "word"),
    [
        ({}, Q, True, "UNKNOWN_STATE"),
        ({"state": "UNKNOWN_STATE"}, Q, True, "UNKNOWN_STATE"),
        ({"state": "UNKNOWN_STATE", "status": "UNKNOWN_STATUS"}, Q, True, "UNKNOWN_STATE"),
        ({"state": "PENDING"}, Q, True, "PENDING"),
        ({"state": "PENDING", "status": "UNKNOWN_STATUS"}, Q, True, "PENDING"),
        ({"state": "PENDING", "status": "SUCCEEDED"}, Q, True, "PENDING"),
        ({"state": "IN_PROGRESS"}, R, True, "IN_PROGRESS"),
        ({"state": "IN_PROGRESS", "status": "FAILED"}, R, True, "IN_PROGRESS"),
        ({"state": "COMPLETE", "status": "SUCCEEDED"}, S, True, "SUCCEEDED"),
        ({"state": "COMPLETE", "status": "FAILED"}, F, True, "FAILED"),
        ({"state": "COMPLETE", "status": "CANCELED"}, C, True, "CANCELED"),
        ({"state": "IN_PROGRESS", "status": "CANCELED"}, C, True, "CANCELED"),
        ({"state": "PENDING", "status": "CANCELED"}, C, True, "CANCELED"),
        ({"status": "CANCELED"}, C, True, "CANCELED"),
        ({"state": "PAUSED", "status": "CANCELED"}, C, True, "CANCELED"),
        ({"state": "COMPLETE", "status": "UNKNOWN_STATUS"}, R, True, "UNKNOWN_STATUS"),
        ({"state": "COMPLETE"}, R, True, "UNKNOWN_STATUS"),
        ({"state": "COMPLETE", "status": None}, R, True, "UNKNOWN_STATUS"),
        ({"state": "PAUSED"}, R, False, "PAUSED"),
        ({"state": "PAUSED", "status": "SUCCEEDED"}, R, False, "PAUSED"),
        ({"state": "COMPLETE", "status": "TIMED_OUT"}, R, False, "TIMED_OUT"),
        ({"state": "complete", "status": "succeeded"}, S, True, "SUCCEEDED"),
        ({"state": 3, "status": 1}, S, True, "SUCCEEDED"),
        ({"state": 1}, Q, True, "PENDING"),
        ({"state": 9}, R, False, "9"),
    ],
)
def test_status_table(body: dict[str, Any], state: JobState, recognized: bool, word: str) -> None:
    status = to_status("t-1", AsyncTask.from_dict(task(**body)))
    assert (status.state, status.recognized, status.vendor_status) == (state, recognized, word)
    assert status.vendor == "veza"
    assert status.job_id == "t-1"
    assert isinstance(status.response, AsyncTask)


@pytest.mark.parametrize(
    "body",
    [
        {},
        task("UNKNOWN_STATE"),
        task("PENDING", "UNKNOWN_STATUS"),
        task("IN_PROGRESS"),
        task("COMPLETE", "UNKNOWN_STATUS"),
        task("COMPLETE"),
        task("PAUSED"),
        task("COMPLETE", "TIMED_OUT"),
    ],
)
def test_not_terminal_values_keep_polling(body: dict[str, Any]) -> None:
    if not body:
        body = {"id": "t-1"}
    seen: list[jobpoll.JobStatus] = []
    for out, _, script in both(
        [reply(body), reply(body), DONE], lambda c: c.wait("t-1", on_update=seen.append)
    ):
        assert out.state is JobState.SUCCEEDED
        assert len(script.requests) == 3
    first = to_status("t-1", AsyncTask.from_dict(body))
    assert not first.done
    assert seen[0].vendor_status == first.vendor_status
    assert seen[0].recognized == first.recognized


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (task("COMPLETE", "FAILED", error_reason="bad query", error_status=3), jobpoll.JobFailed),
        (task("COMPLETE", "CANCELED"), jobpoll.JobCanceled),
        (task("IN_PROGRESS", "CANCELED"), jobpoll.JobCanceled),
        (task(status="CANCELED"), jobpoll.JobCanceled),
    ],
)
def test_terminal_failures_raise_job_errors(body: dict[str, Any], kind: type) -> None:
    for err, _, script in both([reply(task("IN_PROGRESS")), reply(body)], lambda c: c.wait("t-1")):
        assert type(err) is kind
        assert err.vendor == "veza"
        assert err.job_id == "t-1"
        assert err.status is not None
        assert err.status.done
        assert isinstance(err.status.response, AsyncTask)
        assert len(script.requests) == 2


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (
            {"error_reason": "bad query", "error_status": 3},
            "bad query (error_status 3 INVALID_ARGUMENT)",
        ),
        ({"error_reason": "boom", "error_status": "INTERNAL"}, "boom (error_status INTERNAL)"),
        ({"error_status": {"code": 13, "message": "x"}}, 'error_status {"code":13,"message":"x"}'),
        ({"error_reason": "multi\n  line"}, "multi line"),
        ({"error_reason": "", "error_status": None}, None),
        ({}, None),
    ],
)
def test_failure_details_reach_job_failed(fields: dict[str, Any], line: str | None) -> None:
    body = task("COMPLETE", "FAILED", **fields)
    for err, _, _ in both([reply(body)], lambda c: c.wait("t-1")):
        assert isinstance(err, jobpoll.JobFailed)
        assert err.errors == ((line,) if line else ())
        assert err.status.detail == line
        assert str(err) == f"veza job t-1 failed{': ' + line if line else ''}"


# --- task shapes ---------------------------------------------------------------------------

WRAPS = {
    "bare": lambda t: t,
    "task": lambda t: {"task": t},
    "value": lambda t: {"value": t},
    "value.task": lambda t: {"value": {"task": t}},
}


@pytest.mark.parametrize("wrap", WRAPS)
def test_tasks_bare_or_wrapped(wrap: str) -> None:
    created = reply(WRAPS[wrap](task("PENDING")))
    done = reply(WRAPS[wrap](task("COMPLETE", "SUCCEEDED", result=[7])))
    for out, _, _ in both([created, done], lambda c: c.run_query(SPEC)):
        assert out == [7]
    for out, _, _ in both([created], lambda c: c.create_query_task(SPEC)):
        assert out == "t-1"


@pytest.mark.parametrize(
    "bad",
    [
        httpx.Response(200, text="<html>"),
        reply([]),
        reply({}),
        reply({"unexpected": 1}),
        reply({"value": "t-1"}),
        reply(task(["COMPLETE"])),
        reply(task("COMPLETE", {"x": 1})),
    ],
)
def test_malformed_polls_are_retried(bad: httpx.Response) -> None:
    for out, _, script in both([bad, DONE], lambda c: c.wait("t-1")):
        assert out.state is JobState.SUCCEEDED
        assert out.stats.transient_failures == 1
        assert len(script.requests) == 2


@pytest.mark.parametrize(
    "body", [{"task": {"state": "PENDING"}}, {"task": task("PENDING", id="..")}, {"task": {}}, []]
)
def test_create_without_a_usable_task_id_is_malformed_and_not_resent(body: Any) -> None:
    for err, _, script in both([reply(body)], lambda c: c.create_query_task(SPEC)):
        assert isinstance(err, jobpoll.MalformedResponse)
        assert len(script.requests) == 1


# --- result --------------------------------------------------------------------------------


def test_result_returns_the_result_of_a_succeeded_task() -> None:
    for out, _, script in both([DONE], lambda c: c.result("t-1")):
        assert out == {"values": [1, 2]}
        assert [(r.method, str(r.url)) for r in script.requests] == [("GET", POLL)]
    for out, _, _ in both([reply(task("COMPLETE", "SUCCEEDED"))], lambda c: c.result("t-1")):
        assert out is None  # proto3 omits an empty result


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (task("COMPLETE", "FAILED", error_reason="bad"), jobpoll.JobFailed),
        (task("COMPLETE", "CANCELED"), jobpoll.JobCanceled),
        (task("PENDING"), jobpoll.JobNotFinished),
        (task("COMPLETE", "UNKNOWN_STATUS"), jobpoll.JobNotFinished),
    ],
)
def test_result_raises_for_other_states(body: dict[str, Any], kind: type) -> None:
    for err, _, script in both([reply(body)], lambda c: c.result("t-1")):
        assert type(err) is kind
        assert err.vendor == "veza"
        assert err.job_id == "t-1"
        assert err.status is not None
        assert isinstance(err.status.response, AsyncTask)
        assert len(script.requests) == 1
        if kind is jobpoll.JobNotFinished:
            assert "not finished" in str(err)
            assert not isinstance(err, jobpoll.WaitTimeout)
            assert err.resume_token is None  # no wait was cut short; a lone fetch has no deadline


def test_task_result_needs_a_veza_status() -> None:
    with pytest.raises(TypeError, match="Veza"):
        task_result(jobpoll.JobStatus(vendor="x", job_id="1", state=JobState.SUCCEEDED))


# --- HTTP errors ---------------------------------------------------------------------------


def test_not_found_names_the_task() -> None:
    gone = reply({"code": 5, "message": "async task t-1 not found"}, 404)
    for call in (lambda c: c.wait("t-1"), lambda c: c.result("t-1"), lambda c: c.status("t-1")):
        for err, _, script in both([gone], call):
            assert isinstance(err, jobpoll.JobNotFound)
            assert err.job_id == "t-1"
            assert "t-1" in str(err)
            assert len(script.requests) == 1


@pytest.mark.parametrize("code", [401, 403])
def test_refused_credentials_raise_auth_error_at_once(code: int) -> None:
    refused = reply({"code": 16, "message": "invalid or missing API key"}, code)
    calls = [lambda c: c.wait("t-1"), lambda c: c.result("t-1"), lambda c: c.run_query(SPEC)]
    for call in calls:
        for err, _, script in both([refused], call):
            assert isinstance(err, jobpoll.AuthError)
            assert len(script.requests) == 1


@pytest.mark.parametrize("code", [400, 422])
def test_a_refused_query_spec_is_a_permanent_api_error(code: int) -> None:
    refused = reply({"code": 3, "message": "unknown node type Usr"}, code)
    for err, _, script in both([refused], lambda c: c.create_query_task(SPEC)):
        assert type(err) is jobpoll.APIError
        assert err.status_code == code
        assert not err.retryable
        assert "unknown node type Usr" in str(err)
        assert len(script.requests) == 1


def test_a_create_that_may_have_reached_the_server_is_not_resent() -> None:
    for err, _, script in both(
        [reply({"code": 13}, 500), CREATED], lambda c: c.create_query_task(SPEC)
    ):
        assert isinstance(err, jobpoll.APIError)
        assert err.status_code == 500
        assert len(script.requests) == 1


def test_429_without_retry_after_backs_off_then_succeeds() -> None:
    busy = reply({"code": 8, "message": "too many requests"}, 429)
    for out, clock, script in both([busy, CREATED], lambda c: c.create_query_task(SPEC)):
        assert out == "t-1"
        assert [r.method for r in script.requests] == ["POST", "POST"]
        assert clock.sleeps == [1.0]
    for out, clock, _ in both([reply(task("PENDING")), busy, busy, DONE], lambda c: c.wait("t-1")):
        assert out.state is JobState.SUCCEEDED
        assert out.stats.transient_failures == 2
        assert clock.sleeps == [1.0, 2.0, 4.0]
    for out, clock, _ in both([busy, DONE], lambda c: c.result("t-1")):
        assert out == {"values": [1, 2]}
        assert clock.sleeps == [1.0]


# --- argument checks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda c: c.create_query_task("query"), "query_spec"),
        (lambda c: c.create_query_task([("a", 1)]), "query_spec"),
        (lambda c: c.create_query_task({"a": object()}), "query_spec"),
        (lambda c: c.create_query_task({"a": float("nan")}), "query_spec"),
        (lambda c: c.run_query(None), "query_spec"),
        (lambda c: c.run_query(SPEC, timeout=-1), "timeout"),
        (lambda c: c.run_query(SPEC, policy="fast"), "policy"),
        (lambda c: c.result(""), "task_id"),
        (lambda c: c.result(".."), "task_id"),
        (lambda c: c.result("a\nb"), "task_id"),
        (lambda c: c.result(None), "task_id"),
        (lambda c: c.wait("."), "job_id"),
        (lambda c: c.status("x\x0by"), "job_id"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(call: Any, name: str) -> None:
    for err, _, script in both([DONE], call):
        assert isinstance(err, ValueError | TypeError), err
        assert name in str(err)
        assert script.requests == []


def test_settings_from_arguments_and_environment(
    flavour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cls = Veza if flavour == "sync" else AsyncVeza
    monkeypatch.delenv("VEZA_API_KEY", raising=False)
    monkeypatch.delenv("VEZA_URL", raising=False)
    with pytest.raises(ValueError, match="api_key"):
        cls(base_url=URL)
    with pytest.raises(ValueError, match="tenant="):
        cls(api_key=KEY)
    with pytest.raises(ValueError, match="not both"):
        cls(api_key=KEY, tenant="acme", base_url=URL)
    for tenant in ("", "a.b", "-acme", "acme/x", "x" * 64):
        with pytest.raises(ValueError, match="tenant"):
            cls(api_key=KEY, tenant=tenant)
    with pytest.raises(ValueError, match="base_url"):
        cls(api_key=KEY, base_url="ftp://acme.vezacloud.com")
    with pytest.raises(ValueError, match="timeout"):
        cls(api_key=KEY, base_url=URL, timeout=0)
    monkeypatch.setenv("VEZA_API_KEY", KEY)
    monkeypatch.setenv("VEZA_URL", "https://env.vezacloud.com/")
    script = Script([reply(task("PENDING"))])
    client = cls(transport=httpx.MockTransport(script))
    assert repr(client) == f"<{cls.__name__} https://env.vezacloud.com>"
    assert repr(cls(tenant="beta")) == f"<{cls.__name__} https://beta.vezacloud.com>"
    status = client.status("t-1")
    if flavour == "async":
        status = asyncio.run(status)
    assert status.state is JobState.QUEUED
    assert (
        str(script.requests[0].url)
        == "https://env.vezacloud.com/api/v1/assessments/async_tasks/t-1"
    )
    assert script.requests[0].headers["authorization"] == f"Bearer {KEY}"


# --- sync/async parity and secrets ---------------------------------------------------------


def _public(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))}


@pytest.mark.parametrize(
    "bad",
    [
        reply({"code": 16, "message": f"bad key {KEY}"}, 401),
        reply({"code": 13, "message": f"echo {KEY}"}, 500),
        reply({"code": 3, "message": f"echo {KEY}"}, 400),
        httpx.Response(200, text=f"<html>{KEY}</html>"),
        reply({"value": KEY}),
    ],
)
def test_the_key_never_shows(bad: httpx.Response) -> None:
    policy = POLICY.replace(max_retries=1)
    for call in (lambda c: c.wait("t-1"), lambda c: c.create_query_task(SPEC)):
        for err, _, _ in both([bad], call, policy=policy):
            assert isinstance(err, jobpoll.Error)
            assert KEY not in str(err)
            assert KEY not in repr(err)
    for flavour in FLAVOURS:
        client = make(flavour, Script([DONE]), FakeClock())
        assert KEY not in repr(client)
        assert URL in repr(client)


def test_the_key_never_shows_in_a_malformed_body_excerpt() -> None:
    for err, _, _ in both(
        [reply({"value": KEY})], lambda c: c.wait("t-1"), policy=POLICY.replace(max_retries=0)
    ):
        assert isinstance(err, jobpoll.MalformedResponse)
        assert KEY not in err.body_excerpt


# --- the reading rule (issues #10, #11) -----------------------------------------------------

ONE_RETRY = PollPolicy(initial_delay=1.0, max_retries=1, jitter=0.0)


@pytest.mark.parametrize("wrap", ["bare", "task", "value"])
def test_a_status_naming_another_task_is_malformed_never_success(wrap: str) -> None:
    other = task("COMPLETE", "SUCCEEDED", id="t-2", result={"rows": ["not yours"]})
    body = other if wrap == "bare" else {wrap: other}
    for err, _, script in both([reply(body)] * 3, lambda c: c.wait("t-1"), policy=ONE_RETRY):
        assert isinstance(err, jobpoll.MalformedResponse)
        assert "t-2" in str(err) and err.job_id == "t-1"
        assert len(script.requests) == 2
    with pytest.raises(ValueError, match="t-2"):
        to_status("t-1", AsyncTask.from_dict(other))


@pytest.mark.parametrize("named", [None, 5, "", "t-1", " t-1 "])
def test_an_id_that_names_no_other_task_is_let_through(named: Any) -> None:
    status = to_status("t-1", AsyncTask.from_dict(task("COMPLETE", "SUCCEEDED", id=named)))
    assert status.state is JobState.SUCCEEDED


@pytest.mark.parametrize("status", [{"x": 1}, [1], 2.5])
def test_a_garbled_status_before_complete_says_nothing(status: Any) -> None:
    assert to_status("t-1", AsyncTask.from_dict(task("IN_PROGRESS", status))).state is (
        JobState.RUNNING
    )
    with pytest.raises(TypeError):  # a COMPLETE task's outcome is what its status says
        to_status("t-1", AsyncTask.from_dict(task("COMPLETE", status)))
