"""Clocks for the simulators: a real one (the default) and :class:`FakeClock` for tests."""

from __future__ import annotations

import asyncio
import math
import threading
import time
from typing import Protocol

DEFAULT_EPOCH = 1_735_689_600.0
"""2025-01-01T00:00:00Z: what ``FakeClock().wall()`` reads at ``now() == 0``."""


class Clock(Protocol):
    """What a simulator reads time from: ``now()`` (monotonic seconds) and ``wall()`` (epoch)."""

    def now(self) -> float: ...

    def wall(self) -> float: ...


class RealClock:
    """The real clocks: :func:`time.monotonic` and :func:`time.time`."""

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()


def _checked(seconds: float) -> float:
    value = float(seconds)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"cannot advance a FakeClock by {seconds!r} seconds")
    return value


class FakeClock:
    """A clock that only moves when told to; one instance drives a client and a simulator.

    Pass ``clock=fc.now, sleep=fc.sleep`` to a sync jobpoll client (``sleep=fc.asleep`` to an
    async one) and ``clock=fc`` to the simulator: every sleep of the client advances the time the
    simulator computes job states from, so no test waits on the wall clock.

    ``sleeps`` records every ``sleep``/``asleep`` call in order (handy to assert a backoff).
    Thread-safe: a simulator served in a background thread reads it concurrently.
    """

    def __init__(self, start: float = 0.0, *, epoch: float = DEFAULT_EPOCH) -> None:
        self._now = _checked(start)
        self.epoch: float = float(epoch)
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now()!r})"

    def now(self) -> float:
        """Monotonic seconds (starts at ``start``, 0 by default)."""
        with self._lock:
            return self._now

    def wall(self) -> float:
        """Epoch seconds: ``epoch + now()``; used for dates in bodies and HTTP-dates."""
        with self._lock:
            return self.epoch + self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (not recorded in ``sleeps``)."""
        value = _checked(seconds)
        if value < 0:
            raise ValueError("a FakeClock cannot go backwards")
        with self._lock:
            self._now += value

    def sleep(self, seconds: float) -> None:
        """A ``time.sleep`` stand-in: advances the clock at once (negative raises, as there)."""
        value = _checked(seconds)
        if value < 0:
            raise ValueError("sleep length must be non-negative")
        with self._lock:
            self.sleeps.append(value)
            self._now += value

    async def asleep(self, seconds: float) -> None:
        """An ``asyncio.sleep`` stand-in: advances the clock, then yields to the loop once.

        Negative values count as 0, as in ``asyncio.sleep``.
        """
        value = max(_checked(seconds), 0.0)
        with self._lock:
            self.sleeps.append(value)
            self._now += value
        await asyncio.sleep(0)
