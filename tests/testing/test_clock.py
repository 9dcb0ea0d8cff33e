"""FakeClock."""

from __future__ import annotations

import math
import time

import pytest

from jobpoll.testing import FakeClock, RealClock
from jobpoll.testing._clock import DEFAULT_EPOCH


def test_sleep_advance_and_wall() -> None:
    clock = FakeClock()
    assert (clock.now(), clock.wall()) == (0.0, DEFAULT_EPOCH)
    clock.sleep(1.5)
    clock.advance(2)
    clock.sleep(0)
    assert clock.now() == 3.5
    assert clock.wall() == DEFAULT_EPOCH + 3.5
    assert clock.sleeps == [1.5, 0.0]
    assert FakeClock(10, epoch=0).wall() == 10


def test_refuses_going_backwards_and_nonsense() -> None:
    clock = FakeClock()
    with pytest.raises(ValueError, match="non-negative"):
        clock.sleep(-1)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)
    for bad in (math.nan, math.inf):
        with pytest.raises(ValueError, match="cannot advance"):
            clock.sleep(bad)
    assert clock.now() == 0


async def test_asleep_advances_and_yields() -> None:
    clock = FakeClock()
    ran: list[float] = []

    async def other() -> None:
        ran.append(clock.now())

    import asyncio

    task = asyncio.ensure_future(other())
    await clock.asleep(2)
    assert ran == [2.0]  # the other task got to run during the asleep
    await clock.asleep(-1)  # like asyncio.sleep: negative is 0
    assert clock.now() == 2.0
    assert clock.sleeps == [2.0, 0.0]
    await task


def test_real_clock_reads_the_monotonic_and_the_epoch_clock() -> None:
    clock = RealClock()
    before, now, after = time.monotonic(), clock.now(), time.monotonic()
    assert before <= now <= after
    before, wall, after = time.time(), clock.wall(), time.time()
    assert before <= wall <= after
