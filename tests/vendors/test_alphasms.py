"""The AlphaSMS clients over httpx.MockTransport, with a fake clock: no network, no real sleeps."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

import jobpoll
from jobpoll import JobState
from jobpoll.alphasms import (
    DEFAULT_POLICY,
    AlphaSMS,
    AsyncAlphaSMS,
    JobProgress,
    Message,
    MessageStatus,
    _xml,
    to_status,
)
from jobpoll.testing import FakeClock

KEY = "canary-KEY-123"
JOB = "8714ea91e9bb454d25ef42ba6f18ea4e"
BATCH: list[Message | dict[str, Any]] = [
    Message(1, "+380971234567", "Привіт <&> 😀", "SMSTest"),
    {"id": 2, "recipient": "+380971234568", "text": "second", "sender": "SMSTest", "type": 1},
]


def job_xml(status: str, progress: int | None = 0) -> bytes:
    prog = "" if progress is None else f"<progress>{progress}</progress>"
    return f"<package><job>{prog}<status>{status}</status></job></package>".encode()


def error_xml(code: int) -> bytes:
    return f"<package><error>{code}</error></package>".encode()


SENT = f"<package><message-async><job>{JOB}</job></message-async></package>".encode()
STATUSES = (
    b'<package><status><msg id="1" sms_id="900" sms_count="1" date_completed="2024-11-11T12:00:00">'
    b'102</msg><msg id="2" sms_id="901" sms_count="2">105</msg></status></package>'
)

Answer = bytes | tuple[int, bytes]


class FakeAlphaSMS:
    """Answers each kind of request (send, job, status) from its own script; the last answer
    of a script repeats. Records every request it was sent."""

    def __init__(
        self,
        job: list[Answer] | None = None,
        send: list[Answer] | None = None,
        status: list[Answer] | None = None,
    ) -> None:
        self.scripts: dict[str, list[Answer]] = {
            "send": send or [SENT],
            "job": job or [job_xml("COMPLETE", 100)],
            "status": status or [STATUSES],
        }
        self.seen: list[tuple[str, Any]] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        package = _xml.load(request.content)["package"]
        assert isinstance(package, dict)
        kind = next(k for k in ("message-async", "job", "status") if k in package)
        kind = {"message-async": "send"}.get(kind, kind)
        self.seen.append((kind, package))
        script = self.scripts[kind]
        answer = script.pop(0) if len(script) > 1 else script[0]
        code, body = answer if isinstance(answer, tuple) else (200, answer)
        return httpx.Response(code, content=body, headers={"Content-Type": "text/xml"})

    def kinds(self) -> list[str]:
        return [k for k, _ in self.seen]


def sync_client(server: FakeAlphaSMS, clock: FakeClock, **kw: Any) -> AlphaSMS:
    return AlphaSMS(
        api_key=KEY,
        transport=httpx.MockTransport(server),
        clock=clock.now,
        sleep=clock.sleep,
        random=lambda: 0.5,
        **kw,
    )


def async_client(server: FakeAlphaSMS, clock: FakeClock, **kw: Any) -> AsyncAlphaSMS:
    return AsyncAlphaSMS(
        api_key=KEY,
        transport=httpx.MockTransport(server),
        clock=clock.now,
        sleep=clock.asleep,
        random=lambda: 0.5,
        **kw,
    )


CYCLE = [job_xml("WAITING", 0), job_xml("RUNNING", 40), job_xml("COMPLETE", 100)]


def check_cycle(server: FakeAlphaSMS, clock: FakeClock, updates: list[jobpoll.JobStatus]) -> None:
    assert [(u.state, u.progress) for u in updates] == [
        (JobState.QUEUED, 0.0),
        (JobState.RUNNING, 0.4),
        (JobState.SUCCEEDED, 1.0),
    ]
    assert [u.vendor_status for u in updates] == ["WAITING", "RUNNING", "COMPLETE"]
    assert updates[-1].response == JobProgress("COMPLETE", 100)
    assert updates[-1].stats.attempts == 3
    assert clock.sleeps == [5.0, 7.5]  # the default policy: 5 s, then x1.5 (no jitter here)
    assert server.kinds() == ["send", "job", "job", "job", "status"]
    send = server.seen[0][1]
    assert send["@key"] == KEY
    assert [m["@id"] for m in send["message-async"]["msg"]] == ["1", "2"]
    assert send["message-async"]["msg"][0]["#text"] == "Привіт <&> 😀"
    assert server.seen[1][1] == {"@key": KEY, "job": JOB}
    assert server.seen[-1][1]["status"] == {"msg": [{"@id": "1"}, {"@id": "2"}]}
    for request in server.requests:
        assert request.method == "POST"
        assert str(request.url) == "https://alphasms.net/api/xml.php"
        assert request.headers["content-type"] == "text/xml; charset=utf-8"


def check_statuses(statuses: list[MessageStatus]) -> None:
    assert [(s.id, s.sms_id, s.name, s.sms_count) for s in statuses] == [
        (1, "900", "DELIVERED", 1),
        (2, "901", "UNDELIVERABLE", 2),
    ]


# --- the whole cycle --------------------------------------------------------------------------


def test_full_cycle_sync() -> None:
    server, clock = FakeAlphaSMS(job=list(CYCLE)), FakeClock()
    updates: list[jobpoll.JobStatus] = []
    with sync_client(server, clock) as sms:
        final, statuses = sms.send_and_wait(BATCH, on_update=updates.append)
    assert final.state is JobState.SUCCEEDED
    assert final.job_id == JOB
    check_cycle(server, clock, updates)
    check_statuses(statuses)


async def test_full_cycle_async() -> None:
    server, clock = FakeAlphaSMS(job=list(CYCLE)), FakeClock()
    updates: list[jobpoll.JobStatus] = []
    async with async_client(server, clock) as sms:
        final, statuses = await sms.send_and_wait(BATCH, on_update=updates.append)
    assert final.state is JobState.SUCCEEDED
    check_cycle(server, clock, updates)
    check_statuses(statuses)


def test_step_by_step_sync() -> None:
    server, clock = FakeAlphaSMS(job=list(CYCLE)), FakeClock()
    with sync_client(server, clock) as sms:
        job_id = sms.send_async(BATCH)
        assert job_id == JOB
        watched = list(sms.watch(job_id))
        assert [w.state for w in watched] == [JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED]
        check_statuses(sms.message_statuses([1, 2]))
        sms.message_statuses(sms_ids=["900"])
    assert server.seen[-1][1]["status"] == {"msg": {"@sms_id": "900"}}


async def test_step_by_step_async() -> None:
    server, clock = FakeAlphaSMS(job=list(CYCLE)), FakeClock()
    async with async_client(server, clock) as sms:
        job_id = await sms.send_async(BATCH)
        watched = [w async for w in sms.watch(job_id)]
        assert [w.state for w in watched] == [JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED]
        check_statuses(await sms.message_statuses([1, 2]))
        one = await sms.status(job_id)
        assert one.state is JobState.SUCCEEDED


# --- the ways a wait ends badly ---------------------------------------------------------------


def test_failed_job_raises_job_failed() -> None:
    server, clock = FakeAlphaSMS(job=[job_xml("RUNNING", 10), job_xml("FAILED", 30)]), FakeClock()
    with sync_client(server, clock) as sms, pytest.raises(jobpoll.JobFailed) as info:
        sms.send_and_wait(BATCH)
    err = info.value
    assert err.job_id == JOB
    assert err.vendor == "alphasms"
    assert err.status is not None
    assert err.status.vendor_status == "FAILED"
    assert err.status.progress == 0.3
    assert "message_statuses" in str(err)
    assert "may still have been accepted" in str(err)
    assert server.kinds() == ["send", "job", "job"]


async def test_failed_job_raises_job_failed_async() -> None:
    server, clock = FakeAlphaSMS(job=[job_xml("FAILED", 0)]), FakeClock()
    async with async_client(server, clock) as sms:
        with pytest.raises(jobpoll.JobFailed) as info:
            await sms.wait(JOB)
    assert info.value.job_id == JOB


@pytest.mark.parametrize("progress", [0, None])
def test_notfound_mid_wait_raises_job_not_found(progress: int | None) -> None:
    server = FakeAlphaSMS(job=[job_xml("RUNNING", 20), job_xml("NOTFOUND", progress)])
    with sync_client(server, FakeClock()) as sms, pytest.raises(jobpoll.JobNotFound) as info:
        sms.wait(JOB)
    err = info.value
    assert err.job_id == JOB
    assert err.vendor == "alphasms"
    assert "12 hours" in str(err)
    assert JOB in str(err)
    assert err.response is not None
    assert len(server.seen) == 2


async def test_notfound_async() -> None:
    server = FakeAlphaSMS(job=[job_xml("WAITING", 0), job_xml("NOTFOUND", 0)])
    async with async_client(server, FakeClock()) as sms:
        with pytest.raises(jobpoll.JobNotFound) as info:
            await sms.wait(JOB)
    assert info.value.job_id == JOB


def test_auth_error_during_wait_is_not_retried() -> None:
    server = FakeAlphaSMS(job=[error_xml(202)])
    with sync_client(server, FakeClock()) as sms, pytest.raises(jobpoll.AuthError) as info:
        sms.wait(JOB)
    assert info.value.job_id == JOB
    assert "ERR_AUTHORIZATION" in str(info.value)
    assert len(server.seen) == 1


@pytest.mark.parametrize("code", [202, 205, 209, 210])
async def test_auth_errors_on_send_async(code: int) -> None:
    server = FakeAlphaSMS(send=[error_xml(code)])
    async with async_client(server, FakeClock()) as sms:
        with pytest.raises(jobpoll.AuthError):
            await sms.send_async(BATCH)
    assert len(server.seen) == 1


def test_throttle_twice_then_success_sync() -> None:
    server = FakeAlphaSMS(job=[error_xml(212), error_xml(212), job_xml("COMPLETE", 100)])
    clock = FakeClock()
    with sync_client(server, clock) as sms:
        final = sms.wait(JOB)
    assert final.state is JobState.SUCCEEDED
    assert final.stats.transient_failures == 2
    assert final.stats.attempts == 3
    assert clock.sleeps == [5.0, 7.5]


async def test_throttle_twice_then_success_async() -> None:
    server = FakeAlphaSMS(job=[error_xml(212), error_xml(212), job_xml("COMPLETE", 100)])
    async with async_client(server, FakeClock()) as sms:
        final = await sms.wait(JOB)
    assert final.stats.transient_failures == 2


def test_throttle_forever_gives_up_with_rate_limited() -> None:
    server = FakeAlphaSMS(job=[error_xml(212)])
    policy = DEFAULT_POLICY.replace(max_retries=2)
    with sync_client(server, FakeClock()) as sms, pytest.raises(jobpoll.RateLimited) as info:
        sms.wait(JOB, policy=policy)
    assert info.value.job_id == JOB
    assert len(server.seen) == 3


def test_send_is_retried_only_when_throttled() -> None:
    server = FakeAlphaSMS(send=[error_xml(212), SENT])
    with sync_client(server, FakeClock()) as sms:
        assert sms.send_async(BATCH) == JOB
    assert server.kinds() == ["send", "send"]

    for answer in (error_xml(200), (500, b"oops"), b"<package><garbage/></package>"):
        server = FakeAlphaSMS(send=[answer, SENT])
        with sync_client(server, FakeClock()) as sms, pytest.raises(jobpoll.APIError) as info:
            sms.send_async(BATCH)
        assert info.value.retryable  # transient in general, but a send may have gone through
        assert server.kinds() == ["send"]
        if isinstance(info.value, jobpoll.MalformedResponse):
            assert "check message_statuses" in str(info.value)


def test_message_statuses_are_retried() -> None:
    server = FakeAlphaSMS(status=[(502, b"bad gateway"), b"<package>", error_xml(200), STATUSES])
    clock = FakeClock()
    with sync_client(server, clock) as sms:
        check_statuses(sms.message_statuses([1, 2]))
    assert server.kinds() == ["status"] * 4
    assert len(clock.sleeps) == 3


def test_permanent_format_error() -> None:
    server = FakeAlphaSMS(job=[error_xml(201)])
    with sync_client(server, FakeClock()) as sms, pytest.raises(jobpoll.APIError) as info:
        sms.wait(JOB)
    assert not info.value.retryable
    assert "ERR_FORMAT" in str(info.value)


def test_malformed_polls_are_retried() -> None:
    server = FakeAlphaSMS(job=[b"<html>", job_xml("RUNNING", 500), job_xml("COMPLETE", 100)])
    with sync_client(server, FakeClock()) as sms:
        final = sms.wait(JOB)
    assert final.stats.transient_failures == 2


def test_unknown_status_word_keeps_polling(caplog: pytest.LogCaptureFixture) -> None:
    server = FakeAlphaSMS(job=[job_xml("PAUSED", 10), job_xml("COMPLETE", 100)])
    updates: list[jobpoll.JobStatus] = []
    with (
        caplog.at_level(logging.WARNING, logger="jobpoll"),
        sync_client(server, FakeClock()) as sms,
    ):
        sms.wait(JOB, on_update=updates.append)
    first = updates[0]
    assert (first.state, first.recognized, first.vendor_status, first.progress) == (
        JobState.RUNNING,
        False,
        "PAUSED",
        0.1,
    )
    assert any("PAUSED" in r.getMessage() for r in caplog.records)


def test_wait_timeout_on_fake_clock() -> None:
    server = FakeAlphaSMS(job=[job_xml("RUNNING", 10)])
    clock = FakeClock()
    with sync_client(server, clock) as sms, pytest.raises(jobpoll.WaitTimeout) as info:
        sms.wait(JOB, timeout=60)
    assert info.value.job_id == JOB
    assert 0 < clock.now() <= 60


def test_to_status_table() -> None:
    def state(word: str, progress: int | None = 50) -> jobpoll.JobStatus:
        return to_status(JOB, JobProgress(word, progress))

    assert state("WAITING").state is JobState.QUEUED
    assert state("RUNNING").progress == 0.5
    assert state("COMPLETE", 90).progress == 1.0
    assert state("FAILED").state is JobState.FAILED
    assert state("running").state is JobState.RUNNING
    assert state("running").recognized
    assert not state("NEW_WORD").recognized
    with pytest.raises(jobpoll.JobNotFound, match="12 hours"):
        state("NOTFOUND", None)


# --- arguments --------------------------------------------------------------------------------


def test_invalid_messages_never_reach_the_server() -> None:
    server = FakeAlphaSMS()
    bad = [*BATCH, Message(3, "+380", "x", "TwelveChars!")]
    with sync_client(server, FakeClock()) as sms:
        with pytest.raises(ValueError, match=r"messages\[2\]\.sender"):
            sms.send_async(bad)
        with pytest.raises(ValueError, match=r"messages\[2\]\.sender"):
            sms.send_and_wait(bad)
        with pytest.raises(ValueError, match="at least one"):
            sms.message_statuses()
    assert server.requests == []


@pytest.mark.parametrize("bad", ["", "x" * 65, "has space", "tab\t"])
def test_job_ids_are_checked(bad: str) -> None:
    server = FakeAlphaSMS()
    with sync_client(server, FakeClock()) as sms:
        for call in (sms.wait, sms.status, sms.watch):
            with pytest.raises(ValueError, match="job_id"):
                call(bad)
    assert server.requests == []


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALPHASMS_API_KEY", KEY)
    monkeypatch.setenv("ALPHASMS_URL", "https://alphasms.ua/")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=job_xml("RUNNING", 3))

    with AlphaSMS(transport=httpx.MockTransport(handler)) as sms:
        assert sms.status(JOB).progress == 0.03
        assert repr(sms) == "<AlphaSMS https://alphasms.ua>"
    assert str(seen[0].url) == "https://alphasms.ua/api/xml.php"
    assert KEY.encode() in seen[0].content


def test_settings_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALPHASMS_API_KEY", raising=False)
    with pytest.raises(ValueError, match="ALPHASMS_API_KEY"):
        AlphaSMS()
    with pytest.raises(ValueError, match="api_key"):
        AsyncAlphaSMS(api_key="two words")
    with pytest.raises(ValueError, match="base_url"):
        AlphaSMS(api_key=KEY, base_url="ftp://x")
    with pytest.raises(TypeError, match=r"httpx\.Client"):
        AlphaSMS(api_key=KEY, http_client=httpx.AsyncClient())  # type: ignore[arg-type]


def test_default_policy_is_gentle() -> None:
    with AlphaSMS(api_key=KEY) as sms:
        assert sms.policy is DEFAULT_POLICY
    assert (DEFAULT_POLICY.initial_delay, DEFAULT_POLICY.min_delay, DEFAULT_POLICY.max_delay) == (
        5.0,
        3.0,
        60.0,
    )


def test_closed_client() -> None:
    sms = sync_client(FakeAlphaSMS(), FakeClock())
    sms.close()
    with pytest.raises(jobpoll.ClientClosed):
        sms.send_async(BATCH)


# --- the key never shows ----------------------------------------------------------------------


def _assert_no_key(*things: object) -> None:
    for thing in things:
        assert KEY not in repr(thing)
        assert KEY not in str(thing)


def test_the_key_never_shows(caplog: pytest.LogCaptureFixture) -> None:
    echo = f"<html>{KEY} was refused</html>".encode()
    server = FakeAlphaSMS(
        send=[error_xml(212), SENT],
        job=[(500, echo), echo, error_xml(212), job_xml("RUNNING", 40), job_xml("FAILED", 50)],
        status=[(503, echo), STATUSES],
    )
    errors: list[jobpoll.Error] = []
    caplog.set_level(logging.DEBUG)
    with sync_client(server, FakeClock()) as sms:
        _assert_no_key(sms, sms._source, sms._key, sms._http, sms.policy)
        with pytest.raises(jobpoll.JobFailed) as failed:
            sms.send_and_wait(BATCH)
        errors.append(failed.value)
        statuses = sms.message_statuses([1, 2])
        for body, call in (
            (error_xml(202), lambda: sms.status(JOB)),
            ((401, echo), lambda: sms.status(JOB)),
            ((404, echo), lambda: sms.status(JOB)),
            (echo, lambda: sms.status(JOB)),
            (echo, lambda: sms.send_async(BATCH)),
            (echo, lambda: sms.message_statuses([1])),
        ):
            for script in server.scripts.values():
                script[:] = [body]
            with pytest.raises(jobpoll.Error) as info:
                call()
            errors.append(info.value)
    _assert_no_key(statuses, *errors)
    for err in errors:
        assert KEY not in getattr(err, "body_excerpt", "")
        assert KEY not in err.message
    assert caplog.records, "the engine logs its retries"
    for record in caplog.records:
        assert KEY not in record.getMessage()
        assert KEY not in repr(record.args)
    assert len(server.requests) > 10


async def test_the_key_never_shows_async(caplog: pytest.LogCaptureFixture) -> None:
    echo = f"<x>{KEY}</x>".encode()
    server = FakeAlphaSMS(job=[echo, error_xml(210)])
    caplog.set_level(logging.DEBUG)
    async with async_client(server, FakeClock()) as sms:
        _assert_no_key(sms)
        with pytest.raises(jobpoll.AuthError) as info:
            await sms.wait(JOB)
    _assert_no_key(info.value)
    for record in caplog.records:
        assert KEY not in record.getMessage()


def test_repr_of_models_and_messages() -> None:
    with AlphaSMS(api_key=KEY) as sms:
        assert KEY not in repr(sms)
        assert KEY not in repr(vars(sms))
    assert "Message(id=1" in repr(Message(1, "+3", "x", "S"))


def test_send_and_wait_errors_after_the_send_carry_the_job_id() -> None:
    server = FakeAlphaSMS(status=[error_xml(202)])
    with sync_client(server, FakeClock()) as sms, pytest.raises(jobpoll.AuthError) as info:
        sms.send_and_wait(BATCH)
    assert info.value.job_id == JOB
    assert server.kinds() == ["send", "job", "status"]
