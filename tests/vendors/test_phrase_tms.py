"""Phrase TMS over httpx.MockTransport with a fake clock: every path sync and async."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import jobpoll
from jobpoll import JobState
from jobpoll.phrase_tms import (
    DEFAULT_URL,
    AsyncPhraseTMS,
    AsyncRequestRef,
    Limits,
    PendingRequest,
    PhraseTMS,
    to_status,
)
from jobpoll.testing import FakeClock
from jobpoll_generated.phrase_tms.models.async_request_dto_v1 import AsyncRequestDtoV1

from .._both import run, timing

BASE = "https://tms.test/web"
TOKEN = "tok-SECRET-123"
PASSWORD = "canary-P4ssw0rd!"

Reply = httpx.Response | Callable[[httpx.Request], httpx.Response]


class Server:
    """Routes ``(method, path)`` to scripted replies (the last one repeats) and records."""

    def __init__(self, routes: dict[tuple[str, str], list[Reply]]) -> None:
        self.routes = {key: list(replies) for key, replies in routes.items()}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/web")
        replies = self.routes.get((request.method, path))
        if not replies:
            return httpx.Response(599, json={"test": f"no route for {request.method} {path}"})
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        answer = reply(request) if callable(reply) else reply
        # A fresh response each time: one Response object cannot be sent twice.
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == "/web" + path]


def req(id_: str = "42", action: str = "PRE_TRANSLATE", **response: Any) -> httpx.Response:
    body: dict[str, Any] = {"id": id_, "action": action, "asyncResponse": None}
    if response:
        body["asyncResponse"] = response
    return httpx.Response(200, json=body)


SUBMITTED = httpx.Response(
    202,
    json={
        "asyncRequest": {
            "id": "42",
            "action": "PRE_TRANSLATE",
            "dateCreated": "2024-05-01T10:00:00+0000",
        }
    },
)
SUBMIT = ("POST", "/api2/v2/projects/p1/jobs/preTranslate")
POLL = ("GET", "/api2/v1/async/42")
LIMITS = ("GET", "/api2/v1/async/status")
LOGIN = ("POST", "/api2/v1/auth/login")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PHRASE_TMS_TOKEN", "PHRASE_TMS_URL"):
        monkeypatch.delenv(name, raising=False)


def make(flavour: str, server: Server, clock: FakeClock | None = None, **kw: Any) -> Any:
    clock = clock or FakeClock()
    if "username" not in kw and "password" not in kw:
        kw.setdefault("token", TOKEN)
    cls = PhraseTMS if flavour == "sync" else AsyncPhraseTMS
    return cls(
        base_url=kw.pop("base_url", BASE),
        transport=httpx.MockTransport(server),
        **timing(flavour, clock),
        random=lambda: 0.5,
        **kw,
    )


# --- the whole cycle -----------------------------------------------------------------------


async def test_pre_translate_and_wait_full_cycle_with_warnings(flavour: str) -> None:
    clock = FakeClock()
    warning = {"code": "MT_LIMIT", "message": "some segments skipped", "args": {"n": "3"}}
    server = Server(
        {
            SUBMIT: [SUBMITTED],
            POLL: [req(), req(), req(acceptedSegmentsCount=12, warnings=[warning])],
        }
    )
    seen: list[jobpoll.JobStatus] = []
    client = make(flavour, server, clock)
    status = await run(
        client.pre_translate_and_wait(
            "p1",
            ["j1", "j2"],
            segment_filters=["NOT_LOCKED"],
            use_project_settings=True,
            callback_url="https://me.test/hook?x=1",
            settings={"machineTranslation": {"useMachineTranslation": True}},
            on_update=seen.append,
        )
    )
    assert status.state is JobState.SUCCEEDED
    assert status.vendor_status == "finished"
    assert status.warnings == ("MT_LIMIT: some segments skipped",)
    assert "PRE_TRANSLATE" in (status.detail or "")
    assert isinstance(status.response, AsyncRequestDtoV1)
    assert status.response.async_response.accepted_segments_count == 12
    assert status.job_id == "42"
    assert clock.sleeps == [2.0, 3.0]  # the default policy: 2 s, then x1.5
    assert [s.vendor_status for s in seen] == ["pending", "finished"]
    body = json.loads(server.calls(*SUBMIT)[0].content)
    assert body == {
        "jobs": [{"uid": "j1"}, {"uid": "j2"}],
        "segmentFilters": ["NOT_LOCKED"],
        "useProjectPreTranslateSettings": True,
        "callbackUrl": "https://me.test/hook?x=1",
        "preTranslateSettings": {"machineTranslation": {"useMachineTranslation": True}},
    }
    assert all(r.headers["authorization"] == f"ApiToken {TOKEN}" for r in server.requests)


async def test_pre_translate_returns_a_ref_whose_id_waits(flavour: str) -> None:
    server = Server({SUBMIT: [SUBMITTED], POLL: [req(acceptedSegmentsCount=1)]})
    client = make(flavour, server)
    ref = await run(client.pre_translate("p1", ["j1"]))
    assert isinstance(ref, AsyncRequestRef)
    assert (ref.id, ref.action) == ("42", "PRE_TRANSLATE")
    assert ref.date_created is not None
    assert ref.date_created.year == 2024
    assert (await run(client.wait(ref.id))).done
    assert (await run(client.status(42))).state is JobState.SUCCEEDED


async def test_failed_request_raises_job_failed_with_details(flavour: str) -> None:
    failure = {
        "errorCode": "PRE_TRANSLATE_FAILED",
        "errorDesc": "Pre-translation failed",
        "errorDetails": [
            {"code": "JOB_LOCKED", "message": "Job j1 is locked", "args": {"job": "j1"}},
            {"code": "NO_TM"},
        ],
    }
    server = Server({POLL: [req(), req(**failure)]})
    with pytest.raises(jobpoll.JobFailed) as info:
        await run(make(flavour, server).wait("42"))
    err = info.value
    assert err.vendor == "phrase-tms"
    assert err.job_id == "42"
    assert err.errors == ("JOB_LOCKED: Job j1 is locked", "NO_TM")
    assert "Pre-translation failed" in str(err)
    assert err.status is not None
    assert err.status.vendor_status == "failed"


async def test_unknown_action_still_parses(flavour: str) -> None:
    server = Server(
        {
            POLL: [
                req(action="SOMETHING_NEW_IN_2030"),
                req(action="SOMETHING_NEW_IN_2030", acceptedSegmentsCount=0),
            ]
        }
    )
    status = await run(make(flavour, server).wait("42"))
    assert status.state is JobState.SUCCEEDED
    assert status.recognized
    assert "SOMETHING_NEW_IN_2030" in (status.detail or "")


@pytest.mark.parametrize(
    ("body", "state", "word"),
    [
        ({"id": "1", "asyncResponse": None}, JobState.RUNNING, "pending"),
        ({"id": "1"}, JobState.RUNNING, "pending"),  # null fields omitted
        ({"id": "1", "asyncResponse": {}}, JobState.SUCCEEDED, "finished"),
        ({"id": "1", "asyncResponse": {"errorCode": "X"}}, JobState.FAILED, "failed"),
        ({"asyncResponse": {"errorCode": "", "warnings": []}}, JobState.SUCCEEDED, "finished"),
    ],
)
def test_to_status_table(body: dict[str, Any], state: JobState, word: str) -> None:
    status = to_status("1", AsyncRequestDtoV1.from_dict(body))
    assert (status.state, status.vendor_status, status.recognized) == (state, word, True)


def test_failure_without_details_still_lists_the_code() -> None:
    dto = AsyncRequestDtoV1.from_dict({"asyncResponse": {"errorCode": "E1", "errorDesc": "broken"}})
    status = to_status("1", dto)
    assert status.errors == ("E1: broken",)
    assert status.detail == "broken"


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, json={"id": "42", "asyncResponse": "done"}),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, text="<html>busy</html>"),
    ],
)
async def test_malformed_bodies_are_retried_then_malformed_response(
    flavour: str, reply: httpx.Response
) -> None:
    server = Server({POLL: [reply]})
    policy = jobpoll.PollPolicy(max_retries=1, jitter=0)
    with pytest.raises(jobpoll.MalformedResponse) as info:
        await run(make(flavour, server, policy=policy).wait("42"))
    assert len(server.requests) == 2
    assert info.value.job_id == "42"


@pytest.mark.parametrize(
    ("body", "state", "errors", "warnings"),
    [
        # fields the status does not need never break it (issue #11's reading rule)
        ({"dateCreated": "yesterday", "asyncResponse": {}}, JobState.SUCCEEDED, (), ()),
        ({"dateCreated": None, "asyncResponse": None}, JobState.RUNNING, (), ()),
        ({"asyncResponse": {"warnings": "nope", "dateCreated": 5}}, JobState.SUCCEEDED, (), ()),
        ({"asyncResponse": {"warnings": None, "errorDetails": None}}, JobState.SUCCEEDED, (), ()),
        # a number for errorCode still fails the request, read as its text
        ({"asyncResponse": {"errorCode": 7}}, JobState.FAILED, ("7",), ()),
        (
            {"asyncResponse": {"errorCode": "E", "errorDetails": [{"code": "C", "args": None}]}},
            JobState.FAILED,
            ("C",),
            (),
        ),
        (
            {"asyncResponse": {"warnings": [None, {"code": "W", "message": "m", "args": 3}]}},
            JobState.SUCCEEDED,
            (),
            ("W: m",),
        ),
    ],
)
def test_fields_the_status_does_not_need_are_read_leniently(
    body: dict[str, Any], state: JobState, errors: tuple[str, ...], warnings: tuple[str, ...]
) -> None:
    status = to_status("42", AsyncRequestDtoV1.from_dict({"id": "42", **body}))
    assert (status.state, status.errors, status.warnings) == (state, errors, warnings)


# --- errors ----------------------------------------------------------------------------------


async def test_404_is_job_not_found_with_the_job_id(flavour: str) -> None:
    server = Server({POLL: [httpx.Response(404, json={"errorCode": "ResourceNotFound"})]})
    client = make(flavour, server)
    with pytest.raises(jobpoll.JobNotFound) as info:
        await run(client.wait(42))
    assert info.value.job_id == "42"
    assert info.value.vendor == "phrase-tms"
    assert "42" in str(info.value)
    with pytest.raises(jobpoll.JobNotFound) as again:
        await run(client.status("42"))
    assert again.value.job_id == "42"


async def test_401_is_auth_error_and_the_token_is_redacted(flavour: str) -> None:
    server = Server({POLL: [httpx.Response(401, text=f"token {TOKEN} is not valid")]})
    with pytest.raises(jobpoll.AuthError) as info:
        await run(make(flavour, server).wait("42"))
    assert TOKEN not in str(info.value)
    assert TOKEN not in repr(info.value)
    assert "***" in str(info.value)


async def test_429_on_submit_is_retried_after_retry_after(flavour: str) -> None:
    clock = FakeClock()
    busy = httpx.Response(429, headers={"Retry-After": "7"}, json={"errorCode": "TooManyRequests"})
    server = Server({SUBMIT: [busy, SUBMITTED]})
    ref = await run(make(flavour, server, clock).pre_translate("p1", ["j1"]))
    assert ref.id == "42"
    assert len(server.calls(*SUBMIT)) == 2
    assert clock.sleeps == [7.0]


async def test_5xx_on_submit_is_not_retried(flavour: str) -> None:
    server = Server({SUBMIT: [httpx.Response(503)]})
    with pytest.raises(jobpoll.APIError) as info:
        await run(make(flavour, server).pre_translate("p1", ["j1"]))
    assert info.value.status_code == 503
    assert len(server.requests) == 1  # a write the server may have acted on


async def test_submit_404_names_the_project(flavour: str) -> None:
    server = Server({SUBMIT: [httpx.Response(404)]})
    with pytest.raises(jobpoll.JobNotFound, match="project p1"):
        await run(make(flavour, server).pre_translate("p1", ["j1"]))


async def test_malformed_submit_answer(flavour: str) -> None:
    server = Server({SUBMIT: [httpx.Response(202, json={"asyncRequest": {"id": "not-a-number"}})]})
    with pytest.raises(jobpoll.MalformedResponse):
        await run(make(flavour, server).pre_translate("p1", ["j1"]))


# --- auth ------------------------------------------------------------------------------------


async def test_bearer_scheme(flavour: str) -> None:
    server = Server({POLL: [req(acceptedSegmentsCount=1)]})
    await run(make(flavour, server, auth_scheme="Bearer").wait("42"))
    assert server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


async def test_token_and_url_from_the_environment(
    flavour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHRASE_TMS_TOKEN", "env-token")
    monkeypatch.setenv("PHRASE_TMS_URL", "https://us.tms.test/web/")
    server = Server({POLL: [req(acceptedSegmentsCount=1)]})
    cls = PhraseTMS if flavour == "sync" else AsyncPhraseTMS
    client = cls(transport=httpx.MockTransport(server))
    await run(client.status("42"))
    assert server.requests[0].url.host == "us.tms.test"
    assert server.requests[0].headers["authorization"] == "ApiToken env-token"


def test_default_base_url() -> None:
    assert repr(PhraseTMS(token=TOKEN)) == f"<PhraseTMS {DEFAULT_URL}>"


def login_ok(token: str = "login-token-1") -> httpx.Response:
    return httpx.Response(
        200,
        json={"user": {"userName": "me"}, "token": token, "expires": "2030-01-01T00:00:00+0000"},
    )


async def test_login_on_first_use_and_password_never_shown(
    flavour: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = Server(
        {LOGIN: [login_ok()], SUBMIT: [SUBMITTED], POLL: [req(), req(acceptedSegmentsCount=3)]}
    )
    client = make(flavour, server, username="me@example.com", password=PASSWORD)
    assert server.requests == []  # lazily: nothing at construction
    status = await run(client.pre_translate_and_wait("p1", ["j1"]))
    assert status.done
    login, *rest = server.requests
    assert (login.method, login.url.path) == ("POST", "/web/api2/v1/auth/login")
    assert json.loads(login.content) == {"userName": "me@example.com", "password": PASSWORD}
    assert "authorization" not in login.headers
    assert all(r.headers["authorization"] == "ApiToken login-token-1" for r in rest)
    assert len(server.calls(*LOGIN)) == 1  # once per client
    assert PASSWORD not in repr(client)
    assert PASSWORD not in repr(client._http)
    assert PASSWORD not in repr(vars(client))
    assert PASSWORD not in caplog.text
    assert "login-token-1" not in caplog.text


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(401, text=f"bad password {PASSWORD} for me@example.com"),
        httpx.Response(200, json={"token": 5, "echo": PASSWORD}),
        httpx.Response(200, text=f"<html>{PASSWORD}</html>"),
    ],
)
async def test_failed_login_never_shows_the_password(
    flavour: str, reply: httpx.Response, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = Server({LOGIN: [reply], POLL: [req()]})
    client = make(
        flavour,
        server,
        username="me@example.com",
        password=PASSWORD,
        policy=jobpoll.PollPolicy(max_retries=1, jitter=0),
    )
    with pytest.raises(jobpoll.Error) as info:
        await run(client.wait("42"))
    err = info.value
    assert isinstance(err, jobpoll.AuthError | jobpoll.MalformedResponse)
    assert "login" in str(err)
    for text in (
        str(err),
        repr(err),
        getattr(err, "body_excerpt", ""),
        caplog.text,
        repr(err.__dict__),
    ):
        assert PASSWORD not in text
    assert err.response is None  # its request carried the password
    assert server.calls(*POLL) == []


async def test_expired_login_token_is_renewed_once(flavour: str) -> None:
    def poll(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == "ApiToken login-token-1":
            return httpx.Response(401)
        return req(acceptedSegmentsCount=1)

    server = Server({LOGIN: [login_ok("login-token-1"), login_ok("login-token-2")], POLL: [poll]})
    client = make(flavour, server, username="me", password=PASSWORD)
    assert (await run(client.wait("42"))).done
    assert len(server.calls(*LOGIN)) == 2
    assert [r.headers["authorization"] for r in server.calls(*POLL)] == [
        "ApiToken login-token-1",
        "ApiToken login-token-2",
    ]


async def test_concurrent_async_waits_log_in_once() -> None:
    server = Server(
        {
            LOGIN: [login_ok()],
            POLL: [req(acceptedSegmentsCount=1)],
            ("GET", "/api2/v1/async/43"): [req("43", acceptedSegmentsCount=1)],
        }
    )
    client = make("async", server, username="me", password=PASSWORD)
    done = await asyncio.gather(client.wait("42"), client.wait("43"))
    assert all(s.done for s in done)
    assert len(server.calls(*LOGIN)) == 1


def test_threads_sharing_a_sync_client_log_in_once() -> None:
    """The login is an Exclusive part of the channel's flow: a second thread finds it done."""
    entered, release = threading.Event(), threading.Event()

    def slow_login(request: httpx.Request) -> httpx.Response:
        entered.set()
        assert release.wait(5.0)
        return login_ok()

    server = Server({LOGIN: [slow_login], POLL: [req(acceptedSegmentsCount=1)]})
    client = make("sync", server, username="me", password=PASSWORD)
    seen: list[jobpoll.JobStatus] = []
    first = threading.Thread(target=lambda: seen.append(client.status("42")))
    second = threading.Thread(target=lambda: seen.append(client.status("42")))
    first.start()
    assert entered.wait(5.0)
    second.start()  # it reaches the login while the first thread holds it
    time.sleep(0.05)
    release.set()
    first.join(5.0)
    second.join(5.0)
    assert [s.done for s in seen] == [True, True]
    assert len(server.calls(*LOGIN)) == 1
    assert [r.headers["authorization"] for r in server.calls(*POLL)] == [
        "ApiToken login-token-1"
    ] * 2


@pytest.mark.parametrize(
    ("kw", "name"),
    [
        ({"token": TOKEN, "auth_scheme": "Basic"}, "auth_scheme"),
        ({"username": "me"}, "password"),
        ({"password": PASSWORD}, "username"),
        ({"username": "", "password": PASSWORD}, "username"),
        ({"username": "me", "password": ""}, "password"),
        ({"token": TOKEN, "username": "me", "password": PASSWORD}, "token"),
        ({"username": "me", "password": PASSWORD, "auth_scheme": "Bearer"}, "auth_scheme"),
        ({"token": TOKEN, "base_url": "ftp://tms.test"}, "base_url"),
        ({}, "token"),
    ],
)
def test_bad_settings_are_refused(flavour: str, kw: dict[str, Any], name: str) -> None:
    cls = PhraseTMS if flavour == "sync" else AsyncPhraseTMS
    with pytest.raises(ValueError, match=name) as info:
        cls(**kw)
    assert PASSWORD not in str(info.value)


def test_repr_never_shows_the_token() -> None:
    for client in (
        PhraseTMS(token=TOKEN, base_url=BASE),
        AsyncPhraseTMS(token=TOKEN, base_url=BASE),
    ):
        assert TOKEN not in repr(client)
        assert TOKEN not in repr(client._http)
        assert "_Auth ApiToken token" in repr(client._source)  # its credentials, as a whole
        assert TOKEN not in repr(client._source)


# --- capacity, limits, pending ---------------------------------------------------------------


def limits(limit: int | None, count: int) -> httpx.Response:
    return httpx.Response(200, json={"concurrentRequests": {"limit": limit, "count": count}})


async def test_wait_for_capacity_waits_while_at_the_limit_then_submits(flavour: str) -> None:
    clock = FakeClock()
    server = Server({LIMITS: [limits(2, 2), limits(2, 3), limits(2, 1)], SUBMIT: [SUBMITTED]})
    ref = await run(
        make(flavour, server, clock).pre_translate("p1", ["j1"], wait_for_capacity=True)
    )
    assert ref.id == "42"
    assert clock.sleeps == [2.0, 3.0]
    paths = [r.url.path for r in server.requests]
    assert paths == ["/web/api2/v1/async/status"] * 3 + [
        "/web/api2/v2/projects/p1/jobs/preTranslate"
    ]


async def test_wait_for_capacity_gives_up_at_the_client_timeout(flavour: str) -> None:
    clock = FakeClock()
    server = Server({LIMITS: [limits(5, 5)], SUBMIT: [SUBMITTED]})
    client = make(flavour, server, clock, timeout=20.0)
    with pytest.raises(jobpoll.CallTimeout, match="nothing was submitted"):
        await run(client.pre_translate("p1", ["j1"], wait_for_capacity=True))
    assert server.calls(*SUBMIT) == []
    assert clock.now() <= 20.0


async def test_unlimited_capacity_submits_at_once(flavour: str) -> None:
    clock = FakeClock()
    server = Server({LIMITS: [limits(None, 900)], SUBMIT: [SUBMITTED]})
    await run(make(flavour, server, clock).pre_translate("p1", ["j1"], wait_for_capacity=True))
    assert clock.sleeps == []


async def test_limits(flavour: str) -> None:
    server = Server({LIMITS: [limits(None, 3), limits(10, 10)]})
    client = make(flavour, server)
    first = await run(client.limits())
    assert first == Limits(limit=None, count=3)
    assert not first.full
    assert (await run(client.limits())).full


@pytest.mark.parametrize(
    "body",
    [{}, {"concurrentRequests": {"limit": 3}}, {"concurrentRequests": {"limit": "3", "count": 1}}],
)
async def test_malformed_limits(flavour: str, body: dict[str, Any]) -> None:
    server = Server({LIMITS: [httpx.Response(200, json=body)]})
    client = make(flavour, server, policy=jobpoll.PollPolicy(max_retries=0))
    with pytest.raises(jobpoll.MalformedResponse):
        await run(client.limits())


async def test_pending_reads_every_page(flavour: str) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["pageNumber"])
        ids = [["1", "2"], ["3"]][number]
        content = [{"id": i, "action": "IMPORT_JOB", "asyncResponse": None} for i in ids]
        return httpx.Response(200, json={"totalPages": 2, "pageNumber": number, "content": content})

    server = Server({("GET", "/api2/v1/async"): [page]})
    found = await run(make(flavour, server).pending(page_size=2))
    assert [r.id for r in found] == ["1", "2", "3"]
    assert all(isinstance(r, PendingRequest) for r in found)
    assert {(r.action, r.date_created) for r in found} == {("IMPORT_JOB", None)}
    assert [dict(r.url.params) for r in server.requests] == [
        {"pageNumber": "0", "pageSize": "2"},
        {"pageNumber": "1", "pageSize": "2"},
    ]


async def test_pending_stops_on_a_short_page_without_total(flavour: str) -> None:
    server = Server(
        {("GET", "/api2/v1/async"): [httpx.Response(200, json={"content": [{"id": "9"}]})]}
    )
    assert [r.id for r in await run(make(flavour, server).pending())] == ["9"]
    assert len(server.requests) == 1


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kw", "name"),
    [
        (("", ["j1"]), {}, "project_uid"),
        (("p 1", ["j1"]), {}, "project_uid"),
        (("p1", []), {}, "job_uids"),
        (("p1", "j1"), {}, "job_uids"),
        (("p1", ["j1", ""]), {}, "job_uids"),
        (("p1", ["a/b"]), {}, "job_uids"),
        (("p1", ["j1"]), {"segment_filters": "NOT_LOCKED"}, "segment_filters"),
        (("p1", ["j1"]), {"segment_filters": [""]}, "segment_filters"),
        (("p1", ["j1"]), {"use_project_settings": "yes"}, "use_project_settings"),
        (("p1", ["j1"]), {"callback_url": "ftp://me.test"}, "callback_url"),
        (("p1", ["j1"]), {"settings": {"x": object()}}, "settings"),
        (("p1", ["j1"]), {"settings": ["x"]}, "settings"),
    ],
)
async def test_bad_submit_arguments_send_nothing(
    flavour: str, args: tuple[Any, ...], kw: dict[str, Any], name: str
) -> None:
    server = Server({SUBMIT: [SUBMITTED], LIMITS: [limits(None, 0)]})
    client = make(flavour, server)
    for call in (client.pre_translate, client.pre_translate_and_wait):
        with pytest.raises(ValueError, match=name):
            await run(call(*args, wait_for_capacity=True, **kw))
    assert server.requests == []


@pytest.mark.parametrize("kw", [{"timeout": -1}, {"timeout": float("nan")}, {"policy": "fast"}])
async def test_bad_wait_arguments_are_refused_before_submitting(
    flavour: str, kw: dict[str, Any]
) -> None:
    server = Server({SUBMIT: [SUBMITTED]})
    with pytest.raises((ValueError, TypeError)):
        await run(make(flavour, server).pre_translate_and_wait("p1", ["j1"], **kw))
    assert server.requests == []


@pytest.mark.parametrize(
    "bad", ["abc", "", "  ", "-1", "1.5", "١٢", 0, -4, 2**63, True, 1.5, None, "12/3"]
)
async def test_job_ids_must_be_async_request_numbers(flavour: str, bad: Any) -> None:
    server = Server({POLL: [req()]})
    client = make(flavour, server)
    with pytest.raises(ValueError, match="job_id"):
        await run(client.wait(bad))
    with pytest.raises(ValueError, match="job_id"):
        await run(client.status(bad))
    assert server.requests == []


@pytest.mark.parametrize(("given", "canonical"), [(42, "42"), ("42", "42"), (" 042 ", "42")])
def test_job_id_forms(given: Any, canonical: str) -> None:
    assert PhraseTMS(token=TOKEN).check_job_id(given) == canonical


@pytest.mark.parametrize("size", [0, 51, True, 2.0])
async def test_page_size_is_checked(flavour: str, size: Any) -> None:
    server = Server({})
    with pytest.raises(ValueError, match="page_size"):
        await run(make(flavour, server).pending(page_size=size))
    assert server.requests == []


# --- sync and async alike --------------------------------------------------------------------


# --- #10: a job id is never lost after a 2xx ------------------------------------------------


async def test_a_2xx_submit_that_reads_badly_still_names_its_job(
    flavour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Observation 7: the job exists; its id must be on the error, not only in an excerpt.
    # The readers are lenient now (#11), so a reader that chokes stands in for whatever a
    # future vendor release changes.
    def choke(body: object) -> None:
        raise TypeError("a field the next release changed")

    monkeypatch.setattr(jobpoll.phrase_tms, "_ref", choke)
    odd = httpx.Response(201, json={"asyncRequest": {"id": "123", "dateCreated": "yesterday"}})
    server = Server({SUBMIT: [odd]})
    with pytest.raises(jobpoll.MalformedResponse) as info:
        await run(make(flavour, server).pre_translate("p1", ["j1"]))
    assert info.value.job_id == "123" and info.value.job_ids == ("123",)
    assert len(server.requests) == 1  # and the write was not resent


async def test_capacity_wait_and_submit_share_the_whole_cycle_budget(flavour: str) -> None:
    clock = FakeClock()
    busy = httpx.Response(429, headers={"Retry-After": "10"}, json={"errorCode": "TooMany"})
    server = Server({LIMITS: [limits(2, 2), limits(2, 2), limits(2, 1)], SUBMIT: [busy]})
    with pytest.raises(jobpoll.CallTimeout, match="429"):
        await run(
            make(flavour, server, clock).pre_translate_and_wait(
                "p1", ["j1"], wait_for_capacity=True, timeout=8
            )
        )
    assert clock.now() <= 8.0
    # One submit: its 429 Retry-After: 10 closes the lane past the 8 s deadline (no retry).
    assert len(server.calls(*LIMITS)) == 3 and len(server.calls(*SUBMIT)) == 1


async def test_login_request_and_relogin_share_one_request_timeout(
    flavour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One request of a password client (login, the request, a re-login on 401, the request
    again) takes the one timeout the engine gave it, not one timeout per send."""
    now = [0.0]
    granted: list[float] = []

    def spend(reply: httpx.Response) -> Callable[[httpx.Request], httpx.Response]:
        def handler(request: httpx.Request) -> httpx.Response:
            granted.append(request.extensions["timeout"]["read"])
            now[0] += 3.0  # each send takes 3 s of the time
            return reply

        return handler

    monkeypatch.setattr(time, "monotonic", lambda: now[0])  # the channel's clock
    server = Server(
        {
            LOGIN: [spend(login_ok("login-token-1")), spend(login_ok("login-token-2"))],
            POLL: [spend(httpx.Response(401)), spend(req(acceptedSegmentsCount=1))],
        }
    )
    client = make(flavour, server, username="me", password=PASSWORD, timeout=None)
    policy = jobpoll.PollPolicy(request_timeout=10.0)
    status = await run(client.wait("42", policy=policy, timeout=None))
    assert status.done
    # login, 401, re-login, the request again: each gets what is left of the one 10 s
    assert granted[:4] == pytest.approx([10.0, 7.0, 4.0, 1.0])
