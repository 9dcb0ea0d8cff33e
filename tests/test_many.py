"""Many jobs on one event loop: outcomes per job, concurrency cap, rate limit, cancellation."""

from __future__ import annotations

import asyncio
import itertools
import threading

import httpx
import pytest

import jobpoll
from jobpoll import JobState, PollPolicy
from jobpoll.testing import FakeClock

from ._timeline import Timeline
from ._toy import AsyncToy, Script


class Jobs:
    """A server of many toy jobs: job N finishes after N polls; 'bad*' jobs fail."""

    def __init__(self) -> None:
        self.polls: dict[str, int] = {}
        self.in_flight = 0
        self.peak = 0
        self.first_poll = asyncio.Event()

    async def handler(self, request: httpx.Request) -> httpx.Response:
        job = request.url.path.rsplit("/", 1)[1]
        self.first_poll.set()
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(0)  # let other polls start, so the cap is what limits them
        self.in_flight -= 1
        n = self.polls[job] = self.polls.get(job, 0) + 1
        if job.startswith("gone"):
            return httpx.Response(404)
        if job.startswith("bad"):
            return httpx.Response(200, json={"state": "failed", "detail": "broken"})
        target = int(job.split("-")[1]) if "-" in job else 1
        return httpx.Response(200, json={"state": "done" if n >= target else "running"})


def client(jobs: Jobs, clock: FakeClock) -> AsyncToy:
    script = Script([lambda r: r])  # replaced below
    toy = AsyncToy(script, clock, policy=PollPolicy(initial_delay=1, multiplier=1, jitter=0))
    toy._http.client = httpx.AsyncClient(transport=httpx.MockTransport(jobs.handler))
    return toy


async def test_wait_all_reports_each_job_and_keeps_order():
    jobs, clock = Jobs(), FakeClock()
    c = client(jobs, clock)
    ids = ["j-3", "bad-1", "j-1", "gone-1", "j-2"]
    outcomes = await jobpoll.wait_all([(c, i) for i in ids])
    assert [o.job_id for o in outcomes] == ids
    assert [o.ok for o in outcomes] == [True, False, True, False, True]
    assert isinstance(outcomes[1].error, jobpoll.JobFailed)
    assert isinstance(outcomes[3].error, jobpoll.JobNotFound)
    assert outcomes[3].error.job_id == "gone-1"
    assert outcomes[0].status.state is JobState.SUCCEEDED and outcomes[0].status.stats.attempts == 3


async def test_as_completed_yields_in_completion_order():
    jobs, clock = Jobs(), FakeClock()
    c = client(jobs, clock)
    order = [o.job_id async for o in jobpoll.as_completed([(c, "j-3"), (c, "j-1"), (c, "j-2")])]
    assert order == ["j-1", "j-2", "j-3"]


async def test_concurrency_cap_limits_requests_in_flight():
    jobs, clock = Jobs(), FakeClock()
    c = client(jobs, clock)
    await jobpoll.wait_all([(c, f"j-{i % 3 + 1}") for i in range(40)], concurrency=4)
    assert jobs.peak <= 4
    jobs2 = Jobs()
    c2 = client(jobs2, FakeClock())
    await jobpoll.wait_all([(c2, f"j-{i % 3 + 1}") for i in range(40)], concurrency=40)
    assert jobs2.peak > 4  # without the cap they do overlap, so the cap is what held them


async def test_rate_limit_spaces_requests_per_vendor():
    jobs, clock = Jobs(), Timeline()
    c = client(jobs, clock)
    starts: list[float] = []
    inner = jobs.handler

    async def timed(request):
        starts.append(clock.now())
        return await inner(request)

    c._http.client = httpx.AsyncClient(transport=httpx.MockTransport(timed))
    pairs = [(c, f"j{i}-{i % 3 + 1}") for i in range(10)]  # 19 polls in all
    await clock.run(jobpoll.wait_all(pairs, rate={"toy": 2.0}))
    gaps = [b - a for a, b in itertools.pairwise(sorted(starts))]
    assert len(starts) == 19
    assert min(gaps) >= 0.5 - 1e-9  # 2 requests per second at most, on the client's clock
    assert max(starts) == pytest.approx(9.0)  # and no slower: one every 0.5 s
    other, later = client(Jobs(), Timeline()), Timeline()
    await later.run(jobpoll.wait_all([(other, f"j{i}") for i in range(10)], rate={"veza": 2.0}))
    assert other._clock() == 0  # another vendor's rate does not space the toy's requests


async def test_fail_fast_raises_first_failure_and_cancels_the_rest():
    jobs, clock = Jobs(), FakeClock()
    c = client(jobs, clock)
    with pytest.raises(jobpoll.JobFailed):
        await jobpoll.wait_all([(c, "j-50"), (c, "bad-1"), (c, "j-60")], fail_fast=True)
    await asyncio.sleep(0)
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]


async def test_cancelling_the_waiting_task_leaks_no_task_and_no_thread():
    jobs, clock = Jobs(), FakeClock()
    c = client(jobs, clock)
    threads = threading.active_count()
    task = asyncio.ensure_future(jobpoll.wait_all([(c, f"j-{10**6}") for _ in range(20)]))
    await jobs.first_poll.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0)
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert threading.active_count() == threads


async def test_cancelling_a_single_wait_is_prompt_and_names_the_job():
    clock = FakeClock()
    gate, arrived = asyncio.Event(), asyncio.Event()

    async def never(request):
        arrived.set()
        await gate.wait()
        return httpx.Response(200, json={"state": "done"})

    c = AsyncToy(Script([httpx.Response(200)]), clock)
    c._http.client = httpx.AsyncClient(transport=httpx.MockTransport(never))
    task = asyncio.ensure_future(c.wait("j5"))
    await arrived.wait()  # the request is in flight
    task.cancel()
    with pytest.raises(asyncio.CancelledError) as info:
        await task
    assert any("toy job j5" in n for n in getattr(info.value, "__notes__", []))
    gate.set()  # the request left running in the background may now finish and go


@pytest.mark.parametrize(
    ("kw", "word"),
    [
        ({"concurrency": 0}, "concurrency"),
        ({"rate": 0}, "rate"),
        ({"rate": {"toy": float("nan")}}, "rate"),
    ],
)
async def test_bad_limits_are_refused(kw, word):
    c = client(Jobs(), FakeClock())
    with pytest.raises(ValueError, match=word):
        await jobpoll.wait_all([(c, "j")], **kw)


async def test_bad_job_id_is_refused_before_anything_starts():
    jobs = Jobs()
    c = client(jobs, FakeClock())
    with pytest.raises(ValueError, match="job_id"):
        await jobpoll.wait_all([(c, "j-1"), (c, "")])
    assert jobs.polls == {}


async def test_one_job_raising_something_unexpected_does_not_cost_the_others_their_outcomes():
    jobs, clock = Jobs(), FakeClock()
    c = client(jobs, clock)

    def on_status(status):  # a user's code, or a bug, raising inside one job's wait
        raise RuntimeError("surprise")

    boom = client(jobs, clock)
    original = boom._waiting

    async def run_then_break(*args):
        await original(*args)
        on_status(None)

    boom._waiting = run_then_break  # type: ignore[method-assign]
    pairs = [(c, "j-1"), (boom, "j-2"), (c, "j-3")]
    outcomes = await jobpoll.wait_all(pairs)
    assert [o.ok for o in outcomes] == [True, False, True]
    err = outcomes[1].error
    assert isinstance(err, jobpoll.Error)
    assert (err.vendor, err.job_id) == ("toy", "j-2")
    assert "RuntimeError: surprise" in str(err)
