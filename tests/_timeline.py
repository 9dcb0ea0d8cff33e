"""A :class:`jobpoll.testing.FakeClock` for many concurrent waits.

``FakeClock.asleep`` moves the one clock forward by every sleep at once, so with many tasks
sleeping side by side fake time runs ahead (ten waits sleeping 1 s each move it by 10 s) and a
request made after another task's sleep looks later than it is. ``Timeline.asleep`` instead
waits its turn: the clock moves to the earliest wake-up only once every task on the loop is
blocked, so concurrent sleepers overlap as on a real clock, and no test waits on real time.
Run the test's coroutine with ``await timeline.run(coro)``.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from typing import TypeVar

from jobpoll.testing import FakeClock

T = TypeVar("T")

SETTLE = 40
"""Loop turns that let every runnable task run before the clock moves (an in-process mock
request takes a handful)."""


class Timeline(FakeClock):
    def __init__(self, start: float = 0.0) -> None:
        super().__init__(start)
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def asleep(self, seconds: float) -> None:
        value = max(float(seconds), 0.0)
        self.sleeps.append(value)
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now() + value, next(self._order), wake))
        await wake

    async def run(self, work: Awaitable[T], *, limit: float = 1e6) -> T:
        """Await ``work``, moving the clock to the next wake-up whenever the loop is idle."""
        task = asyncio.ensure_future(work)
        idle = 0
        while not task.done():
            for _ in range(SETTLE):
                await asyncio.sleep(0)
                if task.done():
                    break
            else:
                while self._sleepers and self._sleepers[0][2].done():
                    heapq.heappop(self._sleepers)  # cancelled sleepers
                if not self._sleepers:
                    idle += 1  # blocked on something else (a slot, a request): let it run
                    if idle > 1000:
                        task.cancel()
                        raise AssertionError("nothing runs and nobody sleeps: stuck")
                    continue
                idle = 0
                when, _, wake = heapq.heappop(self._sleepers)
                if when > limit:
                    task.cancel()
                    raise AssertionError(f"fake time ran past {limit} s")
                self.advance(max(when - self.now(), 0.0))
                wake.set_result(None)
        return await task
