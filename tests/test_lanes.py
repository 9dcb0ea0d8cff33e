"""Lanes: one account's rate, concurrency cap and rate-limit backoff, shared by every wait,
call and client on it; decided by the machines of ``_core`` on the (fake) clock."""

from __future__ import annotations

import asyncio
import itertools

import httpx
import pytest

import jobpoll
from jobpoll import Lane, PollPolicy
from jobpoll._http import check
from jobpoll._lanes import fingerprint, shared
from jobpoll.testing import FakeClock

from ._timeline import Timeline
from ._toy import AsyncToy, Script, Toy

EVERY_SECOND = PollPolicy(initial_delay=1, multiplier=1, min_delay=1, max_delay=30, jitter=0)


class Server:
    """Toy jobs that finish at fake time ``done_at``; polls of ``refuse`` get one 429 with
    ``Retry-After: 10`` at the ``refuse_at``-th poll. Records (job, time) of every request."""

    def __init__(self, clock: FakeClock, *, done_at: float = 20.0) -> None:
        self.clock = clock
        self.done_at = done_at
        self.seen: list[tuple[str, float]] = []
        self.refuse: dict[str, int] = {}

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        job = request.url.path.rsplit("/", 1)[1]
        self.seen.append((job, self.clock.now()))
        n = sum(1 for j, _ in self.seen if j == job)
        if self.refuse.get(job) == n:
            return httpx.Response(429, headers={"Retry-After": "10"})
        state = "done" if self.clock.now() >= self.done_at else "running"
        return httpx.Response(200, json={"state": state})

    def times(self, *, but: str | None = None) -> list[float]:
        return [t for j, t in self.seen if j != but]


def async_client(server: Server, clock: FakeClock, **kw: object) -> AsyncToy:
    toy = AsyncToy(Script([httpx.Response(200)]), clock, policy=EVERY_SECOND, **kw)
    toy._http.client = httpx.AsyncClient(transport=httpx.MockTransport(server))
    return toy


async def test_one_429_holds_back_every_wait_on_the_lane_and_no_other_lane():
    clock = Timeline()
    server, elsewhere = Server(clock), Server(clock)
    c = async_client(server, clock)
    other = async_client(elsewhere, clock)
    other.lane = Lane()  # another account
    server.refuse["hit"] = 3  # its third poll, at t = 2, is answered 429 Retry-After: 10
    jobs = [(c, "hit"), *[(c, f"j{i}") for i in range(4)], (other, "x")]
    outcomes = await clock.run(jobpoll.wait_all(jobs, timeout=60))
    assert all(o.ok for o in outcomes)
    assert c.lane.closed_until == 12.0
    during = [t for t in server.times() if 2 < t < 12]
    assert during == []  # no job on that lane polled while it was closed
    assert sorted({t for t in server.times() if t >= 12})[:1] == [12.0]  # and all came back
    assert [t for t in elsewhere.times() if 2 < t < 12] == [3, 4, 5, 6, 7, 8, 9, 10, 11]


async def test_a_lane_closed_past_a_deadline_ends_the_wait_then_not_with_a_late_poll():
    clock = Timeline()
    server = Server(clock)
    c = async_client(server, clock)
    server.refuse["hit"] = 3

    async def both():
        return await asyncio.gather(
            c.wait("hit", timeout=60), c.wait("short", timeout=6.5), return_exceptions=True
        )

    hit, short = await clock.run(both())
    assert not isinstance(hit, BaseException)
    assert [t for j, t in server.seen if j == "hit"][2:5] == [2, 12, 13]
    assert isinstance(short, jobpoll.WaitTimeout)
    assert "lane is closed" in str(short) and short.job_id == "short"
    # Its turn at t = 2 came just after the 429 closed the lane until 12: raised there and
    # then, long before its 6.5 s deadline, with no poll made after the 429.
    assert short.stats.elapsed_s == 2.0
    assert [t for j, t in server.seen if j == "short"] == [0, 1]
    assert short.resume_token  # and it can be resumed once the lane is open again


async def test_the_lane_rate_holds_for_many_concurrent_waits():
    clock = Timeline()
    server = Server(clock, done_at=3.0)
    c = async_client(server, clock)
    c.lane = Lane(rate=4.0)
    await clock.run(jobpoll.wait_all([(c, f"j{i}") for i in range(20)], timeout=None))
    starts = sorted(server.times())
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.25 - 1e-9
    assert len(starts) >= 20


async def test_clients_sharing_an_account_share_its_lane():
    clock = Timeline()
    server = Server(clock)
    a, b = async_client(server, clock), async_client(server, clock)
    assert a.lane is b.lane  # same vendor, base URL, credentials and clock
    assert async_client(server, Timeline()).lane is not a.lane  # another clock: another lane
    server.refuse["hit"] = 1

    async def both():
        with pytest.raises(jobpoll.RateLimited):
            await a.wait("hit", policy=EVERY_SECOND.replace(max_retries=0))
        return await b.wait("j")

    await clock.run(both())
    assert a.lane.closed_until == 10.0  # closed though the refused wait gave up at once
    assert next(t for j, t in server.seen if j == "j") == 10.0


async def test_a_429_on_a_one_shot_call_holds_back_the_waits():
    def parse(response: httpx.Response) -> int:
        check(response, what="the toy submit")
        return response.status_code

    clock = Timeline()
    server = Server(clock)
    c = async_client(server, clock)
    server.refuse["submit"] = 1

    async def both():
        return await asyncio.gather(
            c._call({"method": "GET", "url": "/jobs/submit"}, parse, idempotent=True),
            c.wait("j"),
        )

    code, _ = await clock.run(both())
    assert code == 200
    assert [t for j, t in server.seen if j == "submit"] == [0.0, 10.0]
    assert [t for j, t in server.seen if j == "j"][:2] == [0.0, 10.0]


async def test_cancellation_and_timeouts_give_concurrency_slots_back():
    clock, release, arrived = FakeClock(), asyncio.Event(), asyncio.Event()
    count = 0

    async def held(request: httpx.Request) -> httpx.Response:
        nonlocal count
        count += 1
        arrived.set()
        await release.wait()
        return httpx.Response(200, json={"state": "done"})

    c = AsyncToy(Script([httpx.Response(200)]), clock, policy=EVERY_SECOND)
    c._http.client = httpx.AsyncClient(transport=httpx.MockTransport(held))
    c.lane = lane = Lane(concurrency=2)
    tasks = [asyncio.ensure_future(c.wait(f"j{i}")) for i in range(5)]
    await arrived.wait()
    for _ in range(20):
        await asyncio.sleep(0)
    assert (count, lane.in_flight) == (2, 2)  # three wait for a slot
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert lane.in_flight == 0 and not lane._queue
    release.set()
    assert (await c.wait("after")).state is jobpoll.JobState.SUCCEEDED


async def test_a_slot_that_does_not_come_in_time_is_a_retryable_unsent_error():
    c = async_client(Server(FakeClock()), FakeClock())
    c.lane = lane = Lane(concurrency=1)
    assert await lane._aenter(1.0)  # someone else holds the one slot
    with pytest.raises(jobpoll.TransportError, match="no free request slot") as info:
        await c._call(
            {"method": "GET", "url": "/jobs/x"},
            lambda r: r,
            idempotent=False,
            policy=EVERY_SECOND.replace(max_retries=0, request_timeout=0.05),
        )
    assert info.value.unsent and info.value.retryable
    lane._leave()
    assert lane.in_flight == 0


def test_two_sync_clients_share_a_lane():
    clock = FakeClock()
    script = Script([httpx.Response(429, headers={"Retry-After": "10"}), httpx.Response(200)])
    script.replies = [
        httpx.Response(429, headers={"Retry-After": "10"}),
        httpx.Response(200, json={"state": "done"}),
    ]
    times: list[float] = []
    a = Toy(script, clock, policy=EVERY_SECOND.replace(max_retries=0))
    b = Toy(script, clock, policy=EVERY_SECOND)
    a._http.client = b._http.client = httpx.Client(
        transport=httpx.MockTransport(lambda r: times.append(clock.now()) or script(r))
    )
    assert a.lane is b.lane
    with pytest.raises(jobpoll.RateLimited):
        a.wait("one")
    with pytest.raises(jobpoll.WaitTimeout, match="lane is closed"):
        b.wait("two", timeout=5)  # the lane opens only after its deadline: no poll at all
    assert (times, clock.now()) == ([0.0], 0.0)
    assert b.wait("two").state is jobpoll.JobState.SUCCEEDED
    assert times == [0.0, 10.0]


def test_default_lanes_are_keyed_by_account_without_holding_the_credential():
    now = FakeClock().now
    one = shared("toy", "http://toy.test", ("secret-one",), now)
    assert shared("toy", "http://toy.test", ("secret-one",), now) is one
    assert shared("toy", "http://toy.test", ("secret-two",), now) is not one
    assert shared("toy", "http://other.test", ("secret-one",), now) is not one
    assert shared("veza", "http://toy.test", ("secret-one",), now) is not one
    assert "secret" not in repr(one) and "secret" not in one.name
    assert "secret" not in fingerprint(("secret-one",))


@pytest.mark.parametrize(
    ("kw", "word"), [({"rate": 0}, "rate"), ({"concurrency": 0}, "concurrency")]
)
def test_bad_lane_limits_are_refused(kw, word):
    with pytest.raises(ValueError, match=word):
        Lane(**kw)
    with pytest.raises(TypeError, match="lane"):
        Toy(Script([httpx.Response(200)]), FakeClock()).lane = "veza"  # type: ignore[assignment]


def test_a_sleep_ended_early_does_not_move_a_request_ahead_of_its_lane():
    # A webhook's wake ends a wait's sleep early; when that sleep was the lane's rate spacing,
    # the request still starts at the turn it took, not at the wake.
    from jobpoll._core import Poll, Sleep, wait_machine

    lane = Lane(rate=2)  # one request start every 0.5 s
    policy = PollPolicy(jitter=0)

    def machine(job: str):
        return wait_machine(
            "toy", job, policy=policy, now=0.0, timeout=60, random=lambda: 0.5, lanes=(lane,)
        )

    first, second = machine("a"), machine("b")
    assert isinstance(next(first), Poll)  # a takes the turn at 0
    step = next(second)
    assert step == Sleep(0.5)  # b's turn is at 0.5
    woken = second.send(0.1)  # its sleep ended at 0.1 (a wake)
    assert woken == Sleep(pytest.approx(0.4))  # it sleeps on to its turn
    assert isinstance(second.send(0.5), Poll)
