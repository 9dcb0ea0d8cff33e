"""Deadline promises beyond the matrix: a late wake-up does not buy a doomed poll.

``PollPolicy.min_poll_time`` is "the least time left worth starting one more poll with; below
it the wait times out". A sleep can overshoot (a suspended laptop, a blocked event loop): the
engine must then time out, not send a poll with a (near) zero timeout that cannot succeed.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

import jobpoll
from jobpoll.testing import FakeClock

from ._kit import FLAVOURS, KITS, SSL_CONTEXT, VENDORS, Flavour

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
