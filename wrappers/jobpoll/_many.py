"""Many jobs, any vendors, one event loop: :func:`as_completed` and :func:`wait_all`.

Each job is one asyncio task running the ordinary async wait (no thread per job). Every
status request passes a gate: a global cap on requests in flight and, per vendor, a minimum
spacing between requests (a poll-rate limit), so that ten thousand waits do not turn into a
burst that the vendor's rate limiter answers with 429s.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from ._client import DEFAULT, TimeoutArg, check_wait
from ._errors import Error
from ._http import redact
from ._policy import PollPolicy
from ._status import JobStatus

if TYPE_CHECKING:
    from ._client import AsyncClient


@attrs.frozen
class Outcome:
    """How one job of a many-job wait ended: ``status`` on success, ``error`` otherwise."""

    vendor: str
    job_id: str
    index: int
    """The job's position in the input."""
    status: JobStatus | None = None
    error: Error | None = None

    @property
    def ok(self) -> bool:
        """True when the job succeeded."""
        return self.error is None


class _Spacing:
    """At most ``rate`` request starts per second for one vendor, strictly spaced: callers
    take turns, and each turn begins no sooner than one interval after the last began."""

    def __init__(
        self, rate: float, clock: Callable[[], float], sleep: Callable[[float], Awaitable[object]]
    ) -> None:
        self._interval = 1.0 / rate
        self._last = -math.inf
        self._turn = asyncio.Lock()
        self._clock = clock
        self._sleep = sleep

    async def take(self) -> None:
        async with self._turn:
            wait = self._last + self._interval - self._clock()
            if wait > 0:
                await self._sleep(wait)
            self._last = self._clock()


class _Gate:
    def __init__(
        self,
        concurrency: int,
        rates: Mapping[str, float],
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[object]],
    ) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._spacing = {v: _Spacing(r, clock, sleep) for v, r in rates.items()}

    @contextlib.asynccontextmanager
    async def __call__(self, vendor: str) -> AsyncIterator[object]:
        spacing = self._spacing.get(vendor)
        if spacing is not None:
            await spacing.take()
        async with self._slots:
            yield None


def _unexpected(exc: Exception, client: AsyncClient, job_id: str) -> Error:
    """A typed error for what a job's wait raised that was not a jobpoll error (a bug, or a
    user's ``on_update``): the outcome of that job, so every other job still gets its own."""
    detail = redact(str(exc).splitlines()[0] if str(exc) else "", client._http.secrets)
    err = Error(
        f"the wait failed unexpectedly ({type(exc).__name__}{': ' + detail if detail else ''})",
        vendor=client.vendor,
        job_id=job_id,
    )
    err.__cause__ = exc
    return err


def _check_limits(concurrency: int, rate: float | Mapping[str, float] | None) -> None:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a whole number >= 1, got {concurrency!r}")
    rates = rate.values() if isinstance(rate, Mapping) else [] if rate is None else [rate]
    for r in rates:
        if isinstance(r, bool) or not isinstance(r, int | float) or not math.isfinite(r) or r <= 0:
            raise ValueError(f"rate must be requests per second > 0, got {r!r}")


async def as_completed(
    jobs: Iterable[tuple[AsyncClient, str | int]],
    *,
    timeout: TimeoutArg = DEFAULT,
    policy: PollPolicy | None = None,
    concurrency: int = 20,
    rate: float | Mapping[str, float] | None = None,
    fail_fast: bool = False,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[object]] | None = None,
) -> AsyncGenerator[Outcome, None]:
    """Wait for many jobs at once and yield each :class:`Outcome` as its job ends.

    ``concurrency`` caps the status requests in flight across all jobs; ``rate`` limits the
    requests per second, for every vendor (a number) or per vendor name (a mapping). One job's
    failure is yielded as its outcome and the others go on, unless ``fail_fast`` is set: then
    the first failure cancels the rest and is raised. Leaving the loop early cancels the rest.
    ``clock``/``sleep`` drive the rate limit (default: the event loop's); the waits themselves
    use each client's own.
    """
    _check_limits(concurrency, rate)
    check_wait(timeout, policy)  # a bad argument raises here, not as every job's outcome
    pairs = list(jobs)
    loop = asyncio.get_running_loop()
    now = clock or loop.time
    nap = sleep or asyncio.sleep
    vendors = {client.vendor for client, _ in pairs}
    rates = dict.fromkeys(vendors, rate) if isinstance(rate, int | float) else dict(rate or {})
    gate = _Gate(concurrency, rates, now, nap)
    for client, job_id in pairs:
        client.check_job_id(job_id)  # refuse a malformed id before anything starts

    async def one(index: int, client: AsyncClient, job_id: str | int) -> Outcome:
        jid = str(job_id)
        try:
            status = await client._wait_gated(job_id, timeout=timeout, policy=policy, gate=gate)
        except Error as err:
            err._about(client.vendor, jid)
            return Outcome(client.vendor, jid, index, error=err)
        except Exception as exc:  # one job's surprise must not cost the others
            return Outcome(client.vendor, jid, index, error=_unexpected(exc, client, jid))
        return Outcome(client.vendor, jid, index, status=status)

    tasks = [asyncio.ensure_future(one(i, c, j)) for i, (c, j) in enumerate(pairs)]
    try:
        for next_done in asyncio.as_completed(tasks):
            outcome = await next_done
            if fail_fast and outcome.error is not None:
                raise outcome.error
            yield outcome
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def wait_all(
    jobs: Iterable[tuple[AsyncClient, str | int]],
    *,
    timeout: TimeoutArg = DEFAULT,
    policy: PollPolicy | None = None,
    concurrency: int = 20,
    rate: float | Mapping[str, float] | None = None,
    fail_fast: bool = False,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[object]] | None = None,
) -> list[Outcome]:
    """Like :func:`as_completed`, but return every outcome in the order of ``jobs``."""
    outcomes: list[Outcome] = []
    stream = as_completed(  # an async generator: closed explicitly below
        jobs,
        timeout=timeout,
        policy=policy,
        concurrency=concurrency,
        rate=rate,
        fail_fast=fail_fast,
        clock=clock,
        sleep=sleep,
    )
    try:
        async for outcome in stream:
            outcomes.append(outcome)
    finally:
        await stream.aclose()
    return sorted(outcomes, key=lambda o: o.index)
