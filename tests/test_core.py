"""The pure state machine, driven by hand and by hypothesis."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jobpoll
from jobpoll import JobState, JobStatus, PollPolicy
from jobpoll._core import Emit, Observation, Poll, Sleep, wait_machine
from jobpoll.testing import FakeClock

from ._toy import AsyncToy, Script, Toy, ok


def status(state: JobState, progress: float | None = None) -> JobStatus:
    return JobStatus(vendor="v", job_id="j", state=state, progress=progress)


def drive(machine, outcomes, t0=0.0):
    """Run the machine against a list of outcomes (status or error), recording every command."""
    now = t0
    log = []
    outcomes = list(outcomes)
    try:
        cmd = next(machine)
        while True:
            log.append((now, cmd))
            if isinstance(cmd, Poll):
                now += min(
                    0.01, cmd.timeout
                )  # a request takes a little time, never past its timeout
                item = outcomes.pop(0) if len(outcomes) > 1 else outcomes[0]
                reply = (
                    Observation(now, error=item)
                    if isinstance(item, jobpoll.Error)
                    else Observation(now, status=item)
                )
                cmd = machine.send(reply)
            elif isinstance(cmd, Sleep):
                now += cmd.seconds
                cmd = machine.send(now)
            else:
                cmd = machine.send(now)
    except StopIteration as stop:
        return stop.value, log
    except jobpoll.Error as err:
        return err, log


def test_machine_does_no_io_and_speaks_in_commands():
    m = wait_machine("v", "j", policy=PollPolicy(jitter=0), now=0.0, timeout=60, random=lambda: 0.5)
    first = next(m)
    assert first == Poll(30.0)
    nxt = m.send(Observation(0.1, status=status(JobState.RUNNING)))
    assert isinstance(nxt, Emit) and nxt.status.stats.attempts == 1
    assert isinstance(m.send(0.1), Sleep)


def test_emits_final_status_before_returning():
    result, log = drive(
        wait_machine("v", "j", policy=PollPolicy(), now=0, timeout=10, random=lambda: 0.5),
        [status(JobState.SUCCEEDED)],
    )
    assert result.state is JobState.SUCCEEDED
    assert [type(c) for _, c in log] == [Poll, Emit]


outcome = st.one_of(
    st.sampled_from([JobState.QUEUED, JobState.RUNNING]).map(status),
    st.floats(0, 1).map(lambda p: status(JobState.RUNNING, p)),
    st.just("transient"),
)


@settings(max_examples=300, deadline=None)
@given(
    initial=st.floats(0, 50),
    mult=st.floats(1, 3),
    lo=st.floats(0, 5),
    span=st.floats(0.01, 100),
    jitter=st.floats(0, 0.9),
    max_attempts=st.none() | st.integers(1, 50),
    retries=st.integers(0, 5),
    timeout=st.none() | st.floats(0.5, 500),
    min_poll=st.floats(0.01, 5),
    rand=st.floats(0, 0.999),
    outcomes=st.lists(outcome, min_size=1, max_size=30),
    finish=st.booleans(),
)
def test_random_policies_and_servers_keep_every_promise(
    initial,
    mult,
    lo,
    span,
    jitter,
    max_attempts,
    retries,
    timeout,
    min_poll,
    rand,
    outcomes,
    finish,
):
    policy = PollPolicy(
        initial_delay=initial,
        multiplier=mult,
        min_delay=lo,
        max_delay=lo + span,
        jitter=jitter,
        max_attempts=max_attempts,
        max_retries=retries,
        min_poll_time=min_poll,
    )
    replies = [
        jobpoll.APIError("boom", status_code=503, retryable=True) if o == "transient" else o
        for o in outcomes
    ]
    if finish:
        replies.append(status(JobState.SUCCEEDED))
    if timeout is None and max_attempts is None and not finish:
        max_attempts = 200  # a job that never ends needs some bound for the test to end
        policy = policy.replace(max_attempts=max_attempts)
    result, log = drive(
        wait_machine("v", "j", policy=policy, now=100.0, timeout=timeout, random=lambda: rand),
        replies,
        t0=100.0,
    )
    polls = [c for _, c in log if isinstance(c, Poll)]
    sleeps = [c.seconds for _, c in log if isinstance(c, Sleep)]
    if timeout is not None:
        deadline = 100.0 + timeout
        assert all(t <= deadline + 1e-9 for t, _ in log), "acted after the deadline"
        assert all(t + c.seconds <= deadline + 1e-9 for t, c in log if isinstance(c, Sleep)), (
            "slept past it"
        )
        assert all(c.timeout <= max(deadline - t, 0) + 1e-9 for t, c in log if isinstance(c, Poll))
    if policy.max_attempts is not None:
        assert len(polls) <= policy.max_attempts
    assert all(0 <= s <= policy.max_delay + 1e-9 for s in sleeps)
    assert isinstance(result, JobStatus | jobpoll.Error)
    if isinstance(result, jobpoll.Error):
        assert (result.vendor, result.job_id) == ("v", "j")
        assert isinstance(result, jobpoll.WaitTimeout | jobpoll.APIError)
    else:
        assert result.state is JobState.SUCCEEDED


def _reply(kind: str) -> httpx.Response:
    return {
        "q": ok("queued"),
        "r": ok("running"),
        "p": ok("running", progress=0.5),
        "d": ok("done"),
        "f": ok("failed"),
        "e": httpx.Response(503),
        "h": httpx.Response(429, headers={"Retry-After": "2"}),
        "g": httpx.Response(200, text="<html>"),
    }[kind]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    script=st.text(alphabet="qrpdfehg", min_size=1, max_size=12),
    rand=st.floats(0, 0.999),
    timeout=st.floats(1, 60),
)
def test_sync_and_async_drivers_take_the_same_decisions(script, rand, timeout):
    policy = PollPolicy(initial_delay=1, multiplier=1.5, max_delay=10, jitter=0.3, max_retries=3)

    def outcome(result, clock, scr):
        kind = type(result).__name__
        return kind, clock.sleeps, len(scr.requests), getattr(result, "stats", None)

    c1, s1 = FakeClock(), Script([_reply(k) for k in script])
    try:
        r1 = Toy(s1, c1, policy=policy, random=lambda: rand).wait("j", timeout=timeout)
    except jobpoll.Error as e:
        r1 = e
    c2, s2 = FakeClock(), Script([_reply(k) for k in script])

    async def go():
        async with AsyncToy(s2, c2, policy=policy, random=lambda: rand) as c:
            return await c.wait("j", timeout=timeout)

    try:
        r2 = asyncio.run(go())
    except jobpoll.Error as e:
        r2 = e
    assert outcome(r1, c1, s1) == outcome(r2, c2, s2)


def test_on_update_sees_each_change():
    seen = []
    Toy(Script([ok("queued"), ok("running", progress=0.5), ok("done")]), FakeClock()).wait(
        "j", on_update=lambda s: seen.append(s.state)
    )
    assert seen == [JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED]


def test_not_retryable_error_raises_on_first_sight():
    err = jobpoll.AuthError("no")
    result, log = drive(
        wait_machine("v", "j", policy=PollPolicy(), now=0, timeout=10, random=lambda: 0.5), [err]
    )
    assert result is err and len(log) == 1


@pytest.mark.parametrize("timeout", [0.0, -5.0])
def test_no_time_left_raises_before_polling(timeout):
    m = wait_machine("v", "j", policy=PollPolicy(), now=0, timeout=timeout, random=lambda: 0.5)
    with pytest.raises(jobpoll.WaitTimeout):
        next(m)
