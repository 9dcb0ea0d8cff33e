"""The engine end to end over httpx.MockTransport: sync and async take the same path."""

from __future__ import annotations

import logging
from urllib.parse import quote

import httpx
import pytest

import jobpoll
from jobpoll import JobState, PollPolicy
from jobpoll.testing import FakeClock

from ._toy import AsyncToy, Script, Toy, ok


def run_both(replies, **kw):
    """Run the same wait sync and async on fresh scripts; return (sync, async) outcomes."""
    import asyncio

    outs = []
    for flavour in ("sync", "async"):
        clock = FakeClock()
        script = Script(list(replies))
        try:
            if flavour == "sync":
                result = Toy(script, clock, **kw.get("client", {})).wait("j1", **kw.get("wait", {}))
            else:

                async def go():
                    async with AsyncToy(script, clock, **kw.get("client", {})) as c:
                        return await c.wait("j1", **kw.get("wait", {}))

                result = asyncio.run(go())
        except jobpoll.Error as err:
            result = err
        outs.append((result, clock, script))
    return outs


def test_wait_returns_final_status_with_stats():
    for status, clock, script in run_both([ok("queued"), ok("running", progress=0.5), ok("done")]):
        assert status.state is JobState.SUCCEEDED
        assert status.stats.attempts == 3
        assert clock.sleeps == [1.0, 2.0]
        assert status.stats.slept_s == 3.0
        assert status.stats.elapsed_s == 3.0
        assert len(script.requests) == 3
        assert script.requests[0].headers["authorization"] == "Bearer toy-secret"


def test_sync_and_async_take_identical_decisions():
    replies = [
        ok("queued"),
        httpx.Response(503),
        ok("running", progress=0.2),
        httpx.Response(429, headers={"Retry-After": "7"}),
        ok("running", progress=0.9),
        ok("done"),
    ]
    (s, sc, _), (a, ac, _) = run_both(replies)
    assert sc.sleeps == ac.sleeps
    assert s == a
    assert s.stats == a.stats
    assert 7.0 in sc.sleeps  # the server's hint replaced the backoff


def test_failed_job_raises_job_failed_with_reasons_and_job_id():
    for err, _, _ in run_both(
        [ok("running"), ok("failed", detail="bad file", errors=["E1: broken"])]
    ):
        assert isinstance(err, jobpoll.JobFailed)
        assert err.vendor == "toy"
        assert err.job_id == "j1"
        assert err.errors == ("E1: broken",)
        assert "bad file" in str(err)
        assert err.status is not None and err.status.state is JobState.FAILED
        assert err.response is not None and err.response.status_code == 200


def test_canceled_job_raises_job_canceled():
    for err, _, _ in run_both([ok("canceled")]):
        assert isinstance(err, jobpoll.JobCanceled)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (401, jobpoll.AuthError),
        (403, jobpoll.AuthError),
        (404, jobpoll.JobNotFound),
        (410, jobpoll.JobNotFound),
        (400, jobpoll.APIError),
        (422, jobpoll.APIError),
    ],
)
def test_permanent_errors_raise_at_once_keeping_the_last_good_status(code, kind):
    for err, _, script in run_both(
        [ok("running", progress=0.3), httpx.Response(code, text="nope")]
    ):
        assert type(err) is kind
        assert len(script.requests) == 2
        assert err.job_id == "j1" and err.vendor == "toy"
        assert err.status is not None and err.status.progress == 0.3
        assert err.response is not None and err.response.status_code == code


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(500),
        httpx.Response(502),
        httpx.Response(503),
        httpx.Response(504),
        httpx.Response(520),
        httpx.Response(408),
        httpx.Response(200, text="<html>oops</html>"),
        httpx.Response(200, text='{"state": "runn'),
        httpx.Response(200, text=""),
        httpx.Response(200, json={"unexpected": True}),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("reset"),
    ],
)
def test_transient_failures_are_retried(reply):
    for status, _, _ in run_both([ok("running"), reply, reply, ok("done")]):
        assert status.state is JobState.SUCCEEDED
        assert status.stats.transient_failures == 2
        assert status.stats.attempts == 4


def test_consecutive_failure_bound_raises_typed_error_with_last_good_status():
    policy = PollPolicy(initial_delay=1, jitter=0, max_retries=2)
    outs = run_both([ok("running", progress=0.4), httpx.Response(502)], client={"policy": policy})
    for err, _, script in outs:
        assert isinstance(err, jobpoll.APIError) and err.status_code == 502
        assert len(script.requests) == 4  # one good poll, then three failures: two retries
        assert "3 failed polls in a row" in str(err)
        assert err.status is not None and err.status.progress == 0.4
        assert err.job_id == "j1"


def test_transport_errors_become_transport_error():
    policy = PollPolicy(jitter=0, max_retries=1)
    for err, _, _ in run_both([httpx.ConnectError("refused")], client={"policy": policy}):
        assert isinstance(err, jobpoll.TransportError)
        assert err.job_id == "j1" and err.status is None


def test_rate_limited_after_retries_is_rate_limited():
    policy = PollPolicy(jitter=0, max_retries=1)
    for err, _, _ in run_both([httpx.Response(429)], client={"policy": policy}):
        assert isinstance(err, jobpoll.RateLimited)


def test_retry_after_on_200_is_honoured_and_clamped():
    policy = PollPolicy(initial_delay=1, jitter=0, max_delay=10)
    replies = [
        ok("running"),
        httpx.Response(200, json={"state": "running"}, headers={"Retry-After": "3"}),
        httpx.Response(200, json={"state": "running"}, headers={"Retry-After": "999"}),
        ok("done"),
    ]
    (_, clock, _), _ = run_both(replies, client={"policy": policy})
    assert clock.sleeps[1:] == [3.0, 10.0]


def test_retry_after_can_be_ignored():
    policy = PollPolicy(initial_delay=1, multiplier=1, jitter=0, honor_retry_after=False)
    replies = [
        httpx.Response(200, json={"state": "running"}, headers={"Retry-After": "20"}),
        ok("done"),
    ]
    (_, clock, _), _ = run_both(replies, client={"policy": policy})
    assert clock.sleeps == [1.0]


def test_deadline_is_never_crossed_and_wait_timeout_carries_last_status():
    policy = PollPolicy(initial_delay=4, multiplier=1, jitter=0, min_poll_time=1)
    for err, clock, script in run_both(
        [ok("running", progress=0.1)], client={"policy": policy}, wait={"timeout": 10}
    ):
        assert isinstance(err, jobpoll.WaitTimeout)
        assert clock.now() <= 10
        # polls at 0, 4, 8 and a last one at 9.95: requests take no time on this clock, so
        # the reserve kept before the deadline is its floor (0.05 s), not min_poll_time
        assert clock.sleeps == [4.0, 4.0, 1.95]
        assert len(script.requests) == 4
        assert err.status is not None and err.status.progress == 0.1
        assert err.resume_token is not None


def test_request_timeout_is_clamped_to_time_left():
    seen = []

    def handler(request):
        seen.append(request.extensions["timeout"]["read"])
        return httpx.Response(200, json={"state": "running"})

    policy = PollPolicy(initial_delay=3, multiplier=1, jitter=0, request_timeout=5, min_poll_time=1)
    clock = FakeClock()
    with pytest.raises(jobpoll.WaitTimeout):
        Toy(Script([handler]), clock, policy=policy).wait("j", timeout=7)
    assert seen[0] == 5
    assert seen[-1] <= 7 - clock.sleeps[0] - clock.sleeps[1] + 1e-9
    assert all(t <= 5 for t in seen)


def test_max_attempts_bound():
    policy = PollPolicy(jitter=0, max_attempts=3)
    for err, _, script in run_both([ok("running")], client={"policy": policy}):
        assert isinstance(err, jobpoll.WaitTimeout)
        assert len(script.requests) == 3
        assert "max_attempts" in str(err)


def test_timeout_none_means_no_deadline_only_when_asked():
    policy = PollPolicy(initial_delay=100, multiplier=1, jitter=0, max_delay=100)
    clock = FakeClock()
    script = Script([ok("running")] * 30 + [ok("done")])
    status = Toy(script, clock, policy=policy).wait("j", timeout=None)
    assert status.done and clock.now() == 3000
    clock2 = FakeClock()
    with pytest.raises(jobpoll.WaitTimeout):
        Toy(
            Script([ok("running")]), clock2, policy=policy, timeout=jobpoll._config.DEFAULT_TIMEOUT
        ).wait("j")
    assert clock2.now() <= 900


def test_unknown_status_is_not_terminal_and_warned_once(caplog):
    caplog.set_level(logging.DEBUG, logger="jobpoll")
    clock = FakeClock()
    statuses = []
    final = Toy(
        Script([ok("paused"), ok("paused"), ok("paused", progress=0.5), ok("done")]), clock
    ).wait("j", on_update=statuses.append)
    assert final.state is JobState.SUCCEEDED
    assert statuses[0].recognized is False and statuses[0].vendor_status == "paused"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "paused" in warnings[0].getMessage()
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("attempt 2" in m and "next poll in" in m for m in debug)


def test_watch_yields_on_change_only():
    clock = FakeClock()
    script = Script(
        [
            ok("queued"),
            ok("queued"),
            ok("running", progress=0.1),
            ok("running", progress=0.1),
            ok("running", progress=0.6),
            ok("done"),
        ]
    )
    seen = [(s.state, s.progress) for s in Toy(script, clock).watch("j")]
    assert seen == [
        (JobState.QUEUED, None),
        (JobState.RUNNING, 0.1),
        (JobState.RUNNING, 0.6),
        (JobState.SUCCEEDED, None),
    ]


async def test_async_watch_yields_on_change_only():
    clock = FakeClock()
    script = Script(
        [ok("queued"), ok("running", progress=0.5), ok("running", progress=0.5), ok("done")]
    )
    async with AsyncToy(script, clock) as client:
        seen = [s.state async for s in client.watch("j")]
    assert seen == [JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED]


def test_status_is_one_poll_with_typed_errors():
    clock = FakeClock()
    client = Toy(Script([ok("running", progress=0.25), httpx.Response(404)]), clock)
    assert client.status("j").progress == 0.25
    with pytest.raises(jobpoll.JobNotFound) as info:
        client.status("j")
    assert info.value.job_id == "j"


def test_client_used_after_close_raises_client_closed():
    client = Toy(Script([ok("done")]), FakeClock())
    client.close()
    with pytest.raises(jobpoll.ClientClosed):
        client.wait("j")
    with pytest.raises(jobpoll.ClientClosed):
        client.status("j")


@pytest.mark.parametrize("bad", ["", "  ", ".", "..", " .. ", "a\x00b", "a\nb", "\x0b", None, 1.5])
def test_ids_that_cannot_be_real_are_refused_before_any_request(bad):
    # "." and ".." would be resolved away by the URL (polling another endpoint, credential
    # and all); control characters cannot be anyone's id.
    script = Script([ok("done")])
    with pytest.raises((ValueError, TypeError), match="job_id"):
        Toy(script, FakeClock()).wait(bad)
    assert script.requests == []


@pytest.mark.parametrize("good", ["a/b", "queue/17", "x?y", "a b", "QmFzZTY0/+==", "%41", "..."])
def test_any_id_that_can_be_path_quoted_is_polled_under_its_own_path(good):
    script = Script([ok("done")])
    Toy(script, FakeClock()).wait(good)
    (request,) = script.requests
    assert request.url.raw_path == b"/jobs/" + quote(good, safe="").encode()


@pytest.mark.parametrize("bad", [-1, 0, float("nan"), float("inf")])
def test_bad_timeouts_are_refused(bad):
    with pytest.raises(ValueError, match="timeout"):
        Toy(Script([ok("done")]), FakeClock()).wait("j", timeout=bad)


def test_secret_never_in_error_messages():
    reply = httpx.Response(401, text="invalid token toy-secret")
    err = run_both([reply])[0][0]
    assert isinstance(err, jobpoll.AuthError)
    assert "toy-secret" not in str(err) and "toy-secret" not in repr(err)


def test_keyboard_interrupt_stops_a_sync_wait_and_names_the_job():
    clock = FakeClock()

    def interrupt(_seconds):
        raise KeyboardInterrupt

    client = Toy(Script([ok("running")]), clock)
    client._sleep = interrupt
    with pytest.raises(KeyboardInterrupt) as info:
        client.wait("j9")
    assert any("toy job j9" in n for n in info.value.__notes__)


@pytest.mark.parametrize(
    "reply",
    [
        httpx.DecodingError("bad gzip"),
        httpx.LocalProtocolError("illegal header"),
        httpx.InvalidURL("bad"),
        RuntimeError("a custom transport's bug"),
    ],
)
def test_any_failure_of_a_poll_is_typed_and_names_the_job(reply):
    """Not only httpx.TransportError: whatever a request raises ends as a jobpoll.Error."""
    policy = PollPolicy(jitter=0, max_retries=1)
    for err, _, _ in run_both([reply], client={"policy": policy}):
        assert isinstance(err, jobpoll.Error), err
        assert (err.vendor, err.job_id) == ("toy", "j1")


def test_a_one_shot_parser_slip_is_a_malformed_response_not_a_crash():
    import asyncio

    def parse(response):
        return response.json()["missing"]  # KeyError: the answer lacks what we need

    policy = PollPolicy(jitter=0, max_retries=1)
    request = {"method": "GET", "url": "/submit"}
    sync = Toy(Script([ok("done")]), FakeClock(), policy=policy)
    with pytest.raises(jobpoll.MalformedResponse) as info:
        sync._call(request, parse, idempotent=True)
    assert info.value.vendor == "toy" and "KeyError" in str(info.value)

    async def go():
        async with AsyncToy(Script([ok("done")]), FakeClock(), policy=policy) as c:
            return await c._call(request, parse, idempotent=True)

    with pytest.raises(jobpoll.MalformedResponse):
        asyncio.run(go())
