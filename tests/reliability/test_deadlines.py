"""Deadline promises beyond the matrix.

A late wake-up does not buy a doomed poll: a sleep can overshoot (a suspended laptop, a
blocked event loop), and the engine must then time out, not send a poll with a (near) zero
timeout that cannot succeed. A short deadline keeps its last stretch: the planned final poll
is made, in a reserve that follows how long requests take. Whole-cycle calls keep one budget
for submit retries, the capacity wait, waits and result fetches.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

import jobpoll
from jobpoll.testing import FakeClock, Fault

from .._both import FLAVOURS, Flavour, run
from ._kit import KITS, SSL_CONTEXT, VENDORS, Kit

OVERSHOOT = 50.0
DEADLINE = 120.0


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_no_poll_starts_with_less_than_min_poll_time_left(vendor: str, flavour: Flavour) -> None:
    kit = KITS[vendor]
    clock = FakeClock()
    sim = kit.simulator(clock)
    job = sim.add_job(duration=1e9)  # type: ignore[attr-defined]
    timeouts: list[float] = []

    def record(request: httpx.Request) -> None:
        timeouts.append(request.extensions["timeout"]["read"])

    async def arecord(request: httpx.Request) -> None:
        record(request)

    def late_sleep(seconds: float) -> None:
        clock.sleep(seconds + OVERSHOOT)

    async def alate_sleep(seconds: float) -> None:
        await clock.asleep(seconds + OVERSHOOT)

    async def run_async() -> BaseException:
        hooks = {"request": [arecord]}
        async with httpx.AsyncClient(verify=SSL_CONTEXT, event_hooks=hooks) as http:
            client = kit.async_cls(  # type: ignore[call-arg]
                base_url=sim.url,
                http_client=http,
                clock=clock.now,
                sleep=alate_sleep,
                **{kit.cred_kw: sim.credential},
            )
            with pytest.raises(jobpoll.WaitTimeout) as caught:
                await client.wait(job, timeout=DEADLINE)
            return caught.value

    with sim.serve():
        if flavour == "sync":
            with httpx.Client(verify=SSL_CONTEXT, event_hooks={"request": [record]}) as http:
                client = kit.sync_cls(  # type: ignore[call-arg]
                    base_url=sim.url,
                    http_client=http,
                    clock=clock.now,
                    sleep=late_sleep,
                    **{kit.cred_kw: sim.credential},
                )
                with pytest.raises(jobpoll.WaitTimeout):
                    client.wait(job, timeout=DEADLINE)
        else:
            asyncio.run(run_async())
    floor = kit.policy.min_poll_time
    assert timeouts, "no poll was sent"
    # (a float's last bit aside: the engine's own sleeps land exactly min_poll_time before)
    assert min(timeouts) >= floor - 1e-9, f"polls sent with timeouts {timeouts} (floor {floor})"


# --- whole-cycle calls: one budget for submit retries, capacity, waits and fetches --------------

MSG = [{"id": 1, "recipient": "+380971234567", "text": "hi", "sender": "SMSTest"}]
CYCLES: dict[str, Any] = {
    "phrase-tms": lambda c, **kw: c.pre_translate_and_wait("proj1", ["job1"], **kw),
    "phrase-mt": lambda c, **kw: c.translate_and_wait("en", "de", ["Hello"], **kw),
    "veza": lambda c, **kw: c.run_query({"query_type": "SOURCE_TO_DESTINATION"}, **kw),
    "edenai": lambda c, **kw: c.run("audio/speech_to_text_async/google", {"file": "x"}, **kw),
    "alphasms": lambda c, **kw: c.send_and_wait(MSG, **kw),
}


def run_cycle(
    kit: Kit, flavour: Flavour, sim: Any, clock: FakeClock, call: Any
) -> tuple[BaseException | Any, list[float], list[float]]:
    """Run ``call(client)`` on a fake clock; returns what it gave, and each request's (fake)
    start time and read timeout."""
    starts: list[float] = []
    timeouts: list[float] = []

    def record(request: httpx.Request) -> None:
        starts.append(clock.now())
        timeouts.append(request.extensions["timeout"]["read"])

    async def arecord(request: httpx.Request) -> None:
        record(request)

    async def go() -> Any:
        hooks: dict[str, Any] = {"request": [arecord if flavour == "async" else record]}
        http_cls = httpx.AsyncClient if flavour == "async" else httpx.Client
        http = http_cls(verify=SSL_CONTEXT, event_hooks=hooks)
        client = kit.client(flavour, sim.url, sim.credential, clock=clock, http_client=http)
        try:
            return await run(call(client))
        except jobpoll.Error as err:
            return err
        finally:
            await run(http.aclose() if flavour == "async" else http.close())

    with sim.serve():
        out = asyncio.run(go())
    return out, starts, timeouts


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_whole_cycle_call_under_endless_429_ends_by_its_timeout(
    vendor: str, flavour: Flavour
) -> None:
    # Observation 5: every create answered 429 Retry-After: 10 made timeout=5 run 50-60 s.
    kit, clock = KITS[vendor], FakeClock()
    sim = kit.simulator(clock)
    sim.fault(Fault.http(429, retry_after=10), op="submit", times=None)
    t0 = clock.now()
    out, starts, timeouts = run_cycle(
        kit, flavour, sim, clock, lambda c: CYCLES[vendor](c, timeout=5)
    )
    took = clock.now() - t0
    assert isinstance(out, jobpoll.CallTimeout), out
    assert "429" in str(out) and out.job_id is None and out.resume_token is None
    assert took <= 5.0 + 1e-6, f"took {took:.2f} s of a 5 s budget"
    # The first try only: its Retry-After closes the vendor's lane past the deadline, and no
    # request goes into a closed lane (it would only be refused again), so the call ends then.
    assert len(starts) == 1 and "lane is closed" in str(out)
    assert all(s + t <= t0 + 5 + 1e-6 for s, t in zip(starts, timeouts, strict=True))
    # A write is retried only with the whole min_poll_time left (an aborted submit may have
    # created a job whose id never comes back), not in the reserve fast reads earn.
    assert timeouts[-1] >= jobpoll.PollPolicy().min_poll_time - 1e-6


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_capacity_wait_against_failing_limits_keeps_the_budget(flavour: Flavour) -> None:
    # Observation 5: wait_for_capacity=True with /async/status answering 503 spent 26 s of 5.
    kit, clock = KITS["phrase-tms"], FakeClock()
    sim = kit.simulator(clock)
    sim.fault(Fault.http(503), op="limits", times=None)
    call = CYCLES["phrase-tms"]
    out, starts, timeouts = run_cycle(
        kit, flavour, sim, clock, lambda c: call(c, timeout=5, wait_for_capacity=True)
    )
    assert isinstance(out, jobpoll.CallTimeout), out
    assert clock.now() <= 5.0 + 1e-6
    assert all(s + t <= 5 + 1e-6 for s, t in zip(starts, timeouts, strict=True))
    assert not [r for r in sim.requests if r.op == "submit"]


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_whole_cycle_wait_shares_the_budget_with_a_slow_submit(
    vendor: str, flavour: Flavour
) -> None:
    # Two 429s (Retry-After: 2) on the create, then a job that never ends: the wait gets
    # what is left of the 10 s, not another 10 s.
    kit, clock = KITS[vendor], FakeClock()
    sim = kit.simulator(clock)
    sim.default_duration = 1e9  # type: ignore[attr-defined]
    sim.fault(Fault.http(429, retry_after=2), op="submit", times=2)
    out, starts, _ = run_cycle(kit, flavour, sim, clock, lambda c: CYCLES[vendor](c, timeout=10))
    assert isinstance(out, jobpoll.WaitTimeout), out
    assert out.job_id is not None and out.job_ids == (out.job_id,)
    assert out.resume_token is not None
    assert 9.5 <= clock.now() <= 10.0 + 1e-6
    assert starts[-1] >= 9.5  # the last poll was made in the final half second


# --- a timed-out wait uses its budget ---------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_short_deadline_keeps_its_last_stretch(vendor: str, flavour: Flavour) -> None:
    # Observation 6: timeout=3 on a job that never ends gave up after 2.0-2.3 s with one or
    # two polls (a fixed 1 s reserve, and a final poll refused for waking microseconds late).
    kit, clock = KITS[vendor], FakeClock()
    sim = kit.simulator(clock)
    job = sim.add_job(duration=1e9)  # type: ignore[attr-defined]
    out, starts, _ = run_cycle(kit, flavour, sim, clock, lambda c: c.wait(job, timeout=3))
    assert isinstance(out, jobpoll.WaitTimeout), out
    assert 2.5 <= clock.now() <= 3.5
    assert 2.5 <= starts[-1] <= 3.0
    assert out.stats is not None and out.stats.attempts == len(starts)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_short_deadline_keeps_its_last_stretch_on_the_real_clock(flavour: Flavour) -> None:
    kit = KITS["veza"]
    sim = kit.simulator(None)
    job = sim.add_job(duration=1e9)  # type: ignore[attr-defined]
    polls: list[float] = []

    async def go() -> float:
        hooks: dict[str, Any] = {"request": []}
        if flavour == "async":

            async def arecord(request: httpx.Request) -> None:
                polls.append(time.monotonic())

            hooks["request"].append(arecord)
            http: Any = httpx.AsyncClient(verify=SSL_CONTEXT, event_hooks=hooks)
        else:
            hooks["request"].append(lambda request: polls.append(time.monotonic()))
            http = httpx.Client(verify=SSL_CONTEXT, event_hooks=hooks)
        client = kit.client(flavour, sim.url, sim.credential, http_client=http)
        started = time.monotonic()
        with pytest.raises(jobpoll.WaitTimeout):
            await run(client.wait(job, timeout=3))
        await run(http.aclose() if flavour == "async" else http.close())
        return started

    with sim.serve():
        started = asyncio.run(go())
        took = time.monotonic() - started
    assert 2.5 <= took <= 3.5, took
    assert polls[-1] - started >= 2.0, [p - started for p in polls]  # slack for a busy machine
