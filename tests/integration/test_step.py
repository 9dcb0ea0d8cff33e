"""client.step(): one poll and the engine's decision, for engines that own the sleep.

Every test runs on the sync and the async client (``connect``), on the FakeClock: the test
plays the engine, sleeping ``step.delay`` on the fake clock between steps.
"""

from __future__ import annotations

import base64
import json
import types

import pytest

import jobpoll
from jobpoll import JobState, PollPolicy, PollStep, _token
from jobpoll.testing import Fault

from .conftest import Both

FAST = PollPolicy(initial_delay=1.0, max_delay=8.0, multiplier=2.0, max_retries=3)


async def _chain(client: Both, clock, job_id: str, **kw) -> list[PollStep]:
    """Step a job to its end as an engine would: sleep each step's delay, step on its token."""
    steps = [await client("step", job_id, **kw)]
    while not steps[-1].done:
        assert len(steps) < 200, "the chain does not end"
        clock.advance(steps[-1].delay)
        steps.append(await client("step", token=steps[-1].token, **kw))
    return steps


async def test_one_step_polls_once_and_says_when_to_come_back(veza_sim, connect, fake_clock):
    task = veza_sim.add_job(duration=30)
    veza = connect(veza_sim, policy=FAST)

    step = await veza("step", task)

    assert isinstance(step, PollStep) and not step.done
    assert len([r for r in veza_sim.requests if r.op == "poll"]) == 1
    assert fake_clock.now() == 0  # the step never sleeps: the engine does
    assert step.status is not None and step.status.state in {JobState.QUEUED, JobState.RUNNING}
    assert step.delay == pytest.approx(1.0)  # FAST's first delay, no jitter
    state = jobpoll.parse_token(step.token)
    assert (state.vendor, state.job_id, state.attempts) == ("veza", task, 1)
    assert state.next_delay == pytest.approx(1.0) and state.failures == 0
    assert step.status.stats.attempts == 1 and step.retried is None


async def test_a_chain_of_steps_is_the_wait_it_stands_for(veza_sim, connect, fake_clock):
    first = veza_sim.add_job(duration=40)
    veza = connect(veza_sim, policy=FAST)

    steps = await _chain(veza, fake_clock, first)
    second = veza_sim.add_job(duration=40)  # the same job, started now
    start = fake_clock.now()
    slept_before = len(fake_clock.sleeps)
    final = await veza("wait", second)

    waited = fake_clock.sleeps[slept_before:]
    assert steps[-1].done and steps[-1].status.state is JobState.SUCCEEDED
    assert steps[-1].token is None and steps[-1].delay is None
    assert [s.delay for s in steps[:-1]] == pytest.approx(waited)
    assert len(steps) == final.stats.attempts == steps[-1].status.stats.attempts
    assert fake_clock.now() - start == pytest.approx(sum(waited))


async def test_retry_after_hint_becomes_the_delay(veza_sim, connect):
    task = veza_sim.add_job(duration=30)
    veza_sim.fault(Fault.http(503, retry_after=5), times=1, op="poll")
    veza = connect(veza_sim, policy=FAST)

    step = await veza("step", task)

    assert not step.done and step.delay == pytest.approx(5.0)
    assert isinstance(step.retried, jobpoll.APIError) and step.status is None
    assert jobpoll.parse_token(step.token).failures == 1


async def test_failures_in_a_row_count_across_steps(veza_sim, connect, fake_clock):
    task = veza_sim.add_job(duration=30)
    veza_sim.fault(Fault.http(503), times=None, op="poll")
    veza = connect(veza_sim, policy=FAST)

    step = await veza("step", task)
    for expected in (2, 3):
        fake_clock.advance(step.delay)
        step = await veza("step", token=step.token)
        assert jobpoll.parse_token(step.token).failures == expected
    fake_clock.advance(step.delay)
    with pytest.raises(jobpoll.APIError, match="gave up after 4 failed polls"):
        await veza("step", token=step.token)


@pytest.mark.parametrize(
    ("outcome", "error"), [("failed", jobpoll.JobFailed), ("canceled", jobpoll.JobCanceled)]
)
async def test_a_finished_job_that_did_not_succeed_raises(veza_sim, connect, outcome, error):
    task = veza_sim.add_job(duration=0, outcome=outcome)
    veza = connect(veza_sim, policy=FAST)

    with pytest.raises(error) as info:
        await veza("step", task)

    assert (info.value.vendor, info.value.job_id) == ("veza", task)


async def test_a_missing_job_raises_job_not_found(veza_sim, connect):
    with pytest.raises(jobpoll.JobNotFound):
        await connect(veza_sim, policy=FAST)("step", "no-such-task")


async def test_a_step_past_the_deadline_raises_wait_timeout(
    veza_sim, connect, fake_clock, monkeypatch
):
    # Tokens hold the deadline in Unix time: read it from the fake clock's wall.
    monkeypatch.setattr(_token, "time", types.SimpleNamespace(time=fake_clock.wall))
    task = veza_sim.add_job(duration=100)
    veza = connect(veza_sim, policy=FAST)

    step = await veza("step", task, timeout=3.0)
    polls = len(veza_sim.requests)
    fake_clock.advance(10.0)
    with pytest.raises(jobpoll.WaitTimeout) as info:
        await veza("step", token=step.token)

    assert len(veza_sim.requests) == polls  # no poll after the deadline
    assert info.value.job_id == task and info.value.stats.attempts == 1


async def test_the_delay_never_passes_the_deadline(veza_sim, connect, fake_clock, monkeypatch):
    monkeypatch.setattr(_token, "time", types.SimpleNamespace(time=fake_clock.wall))
    task = veza_sim.add_job(duration=100)
    veza = connect(veza_sim, policy=PollPolicy(initial_delay=30.0, max_delay=60.0))

    step = await veza("step", task, timeout=10.0)

    assert step.delay < 10.0
    remaining = jobpoll.parse_token(step.token).remaining(fake_clock.wall())
    assert remaining == pytest.approx(10.0)


async def test_job_id_or_token_not_both(veza_sim, connect):
    veza = connect(veza_sim)
    with pytest.raises(TypeError):
        await veza("step")
    with pytest.raises(TypeError):
        await veza("step", "a", token="b")


def test_tokens_without_failures_read_as_before():
    # A token as jobpoll wrote it before steps (no "fails" key) still parses, with 0.
    body = {"v": 1, "vendor": "veza", "job": "t-1", "attempts": 4, "next": 2.5, "deadline": None}
    payload = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    b64 = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    old = f"jobpoll1.{b64}.{_token._sign(payload, _token._DEFAULT_KEY)}"

    state = jobpoll.parse_token(old)

    assert (state.attempts, state.next_delay, state.failures) == (4, 2.5, 0)
    again = _token.encode(state)
    assert again == old  # a wait's token is byte for byte what it was
    assert "fails" not in json.loads(base64.urlsafe_b64decode(again.split(".")[1] + "=="))
    with_fails = _token.encode(jobpoll.ResumeState("veza", "t-1", 4, 2.5, None, failures=2))
    assert jobpoll.parse_token(with_fails).failures == 2


async def test_a_chain_keeps_one_absolute_deadline(veza_sim, connect, fake_clock):
    task = veza_sim.add_job(duration=30)
    veza = connect(veza_sim, policy=FAST)

    step = await veza("step", task, timeout=600.0)
    deadlines = {jobpoll.parse_token(step.token).deadline_at}
    for _ in range(5):
        fake_clock.advance(step.delay)
        step = await veza("step", token=step.token)
        deadlines.add(jobpoll.parse_token(step.token).deadline_at)

    assert len(deadlines) == 1 and None not in deadlines


async def test_a_chain_through_failures_is_the_wait_it_stands_for(veza_sim, connect, fake_clock):
    # The same faults for both: two 503s (one naming Retry-After), then a rate limit.
    def arm() -> None:
        veza_sim.fault(Fault.http(503), times=1, op="poll")
        veza_sim.fault(Fault.http(503, retry_after=3), times=1, op="poll")
        veza_sim.fault(Fault.rate_limit(retry_after=2), times=1, op="poll")

    veza = connect(veza_sim, policy=FAST)
    first = veza_sim.add_job(duration=20)
    arm()
    steps = await _chain(veza, fake_clock, first)
    second = veza_sim.add_job(duration=20)
    arm()
    slept_before = len(fake_clock.sleeps)
    final = await veza("wait", second)

    waited = fake_clock.sleeps[slept_before:]
    assert [s.delay for s in steps[:-1]] == pytest.approx(waited)
    assert [type(s.retried).__name__ for s in steps[:3]] == [
        "APIError",
        "APIError",
        "RateLimited",
    ]
    assert steps[1].delay == pytest.approx(3.0) and steps[2].delay == pytest.approx(2.0)
    assert len(steps) == final.stats.attempts


async def test_an_unknown_status_is_polled_on(veza_sim, connect):
    task = veza_sim.add_job(duration=30)
    veza_sim.fault(Fault.status_value("WARMING_UP"), times=1, op="poll")

    step = await connect(veza_sim, policy=FAST)("step", task)

    assert not step.done and step.status is not None
    assert not step.status.recognized and step.status.vendor_status == "WARMING_UP"
    assert step.delay == pytest.approx(1.0)
