"""Many jobs, any vendors, one event loop: :func:`as_completed` and :func:`wait_all`.

Each job is one asyncio task running the ordinary async wait (no thread per job): one
coroutine driving its state machine. Every request of a job goes through lanes
(:mod:`jobpoll._lanes`): its client's (the account's rate, cap and rate-limit backoff, shared
in the process), the call's cap on requests in flight, and the call's per-vendor rate, so that
ten thousand waits do not turn into a burst that the vendor's rate limiter answers with 429s,
and one 429 holds back every job of that account. The machines decide every sleep.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncGenerator, Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from . import _lanes
from ._client import DEFAULT, TimeoutArg, check_wait
from ._errors import Error
from ._http import redact
from ._policy import PollPolicy
from ._status import JobStatus

if TYPE_CHECKING:
    from ._client import AsyncClient


TASK_NAME = "jobpoll wait"
"""The name of every job's task (one string for all: asyncio would make one per task)."""

START_BATCH = 256
"""Waits started per turn of the event loop. Each job's first step (its machine up to the
first poll) runs in the turn after its task is made; 10,000 of them in one turn block the
loop for a third of a second or more, while no request goes out or comes back. In batches,
the first polls are on the wire while the rest are still being started."""


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


class _Routes:
    """The lanes of each client's jobs in one many-job call: the client's own lane, the
    call's cap on requests in flight, and the call's rate for the client's vendor."""

    def __init__(self, concurrency: int, rate: float | Mapping[str, float] | None) -> None:
        self._cap = _lanes.call_lane(concurrency)
        self._rate = rate
        self._rates: dict[str, _lanes.Lane] = {}
        self._routes: dict[int, tuple[_lanes.Lane, ...]] = {}

    def of(self, client: AsyncClient) -> tuple[_lanes.Lane, ...]:
        """The lanes of ``client``'s jobs (one tuple, shared by all of them)."""
        route = self._routes.get(id(client))
        if route is None:
            route = self._routes[id(client)] = (client.lane, self._cap, *self._vendor(client))
        return route

    def _vendor(self, client: AsyncClient) -> tuple[_lanes.Lane, ...]:
        vendor = client.vendor
        r = self._rate.get(vendor) if isinstance(self._rate, Mapping) else self._rate
        if r is None:
            return ()
        if vendor not in self._rates:
            self._rates[vendor] = _lanes.Lane(rate=r, name=f"{vendor} rate of this call")
        return (self._rates[vendor],)


def _outcome(
    task: asyncio.Task[JobStatus], index: int, client: AsyncClient, job_id: object
) -> Outcome:
    """How the wait ``task`` of one job ended (a cancellation of it is raised, not reported)."""
    jid = str(job_id)
    try:
        status = task.result()
    except Error as err:
        err._about(client.vendor, jid)
        return Outcome(client.vendor, jid, index, error=err)
    except Exception as exc:  # one job's surprise must not cost the others
        return Outcome(client.vendor, jid, index, error=_unexpected(exc, client, jid))
    return Outcome(client.vendor, jid, index, status=status)


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
) -> AsyncGenerator[Outcome, None]:
    """Wait for many jobs at once and yield each :class:`Outcome` as its job ends.

    Every job goes through its client's lane (``client.lane``: the account's rate,
    concurrency cap and rate-limit backoff, shared with the rest of the process) and through
    this call's own limits: ``concurrency`` caps the status requests in flight across all
    jobs; ``rate`` limits the requests per second, for every vendor (a number) or per vendor
    name (a mapping). One job's failure is yielded as its outcome and the others go on,
    unless ``fail_fast`` is set: then the first failure cancels the rest and is raised.
    Leaving the loop early cancels the rest.
    """
    _check_limits(concurrency, rate)
    check_wait(timeout, policy)  # a bad argument raises here, not as every job's outcome
    pairs = list(jobs)
    for client, job_id in pairs:
        client.check_job_id(job_id)  # refuse a malformed id before anything starts
    routes = _Routes(concurrency, rate)
    loop = asyncio.get_running_loop()
    done: asyncio.Queue[asyncio.Task[JobStatus]] = asyncio.Queue()
    put = done.put_nowait
    index: dict[asyncio.Task[JobStatus], int] = {}
    try:
        for i, (client, job_id) in enumerate(pairs):
            if i and not i % START_BATCH:
                await asyncio.sleep(0)  # let the loop run the waits started so far
            jid, remaining, pol = client._plan(job_id, timeout, policy)
            waiting = client._waiting(jid, remaining, pol, None, None, routes.of(client))
            task = loop.create_task(waiting, name=TASK_NAME)
            task.add_done_callback(put)
            index[task] = i
        for _ in range(len(pairs)):
            task = await done.get()
            i = index.pop(task)
            outcome = _outcome(task, i, *pairs[i])
            if fail_fast and outcome.error is not None:
                raise outcome.error
            yield outcome
    finally:
        for task in index:
            task.cancel()
        await asyncio.gather(*index, return_exceptions=True)


async def wait_all(
    jobs: Iterable[tuple[AsyncClient, str | int]],
    *,
    timeout: TimeoutArg = DEFAULT,
    policy: PollPolicy | None = None,
    concurrency: int = 20,
    rate: float | Mapping[str, float] | None = None,
    fail_fast: bool = False,
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
    )
    try:
        async for outcome in stream:
            outcomes.append(outcome)
    finally:
        await stream.aclose()
    return sorted(outcomes, key=lambda o: o.index)
