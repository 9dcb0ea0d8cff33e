"""What every vendor client shares: status, wait, watch and resume over the engine, closing,
and the one-shot calls (submit, result) with their safe retries.

A vendor module subclasses :class:`SyncClient` and :class:`AsyncClient`, hands them its
:class:`~jobpoll._drive.Source` and HTTP channel, and adds its own submit/result methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import random as _random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar

import attrs
import httpx

from . import _config, _drive
from ._core import Machine, Start, call_machine, until_machine, wait_machine, with_grace
from ._errors import Error
from ._http import transport_error
from ._policy import PollPolicy
from ._status import JobStatus, PollStats
from ._token import decode
from ._transport import AsyncHttp, Request, SyncHttp

T = TypeVar("T")

OnUpdate = Callable[[JobStatus], object]


class _Default:
    """The type of :data:`DEFAULT`: "use the client's setting"."""

    _instance: ClassVar[_Default | None] = None

    def __new__(cls) -> _Default:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT = _Default()
"""Marker: ``timeout=DEFAULT`` uses the client's timeout (``None`` means no deadline)."""

TimeoutArg = float | None | _Default


def check_wait(timeout: TimeoutArg, policy: PollPolicy | None, on_update: object = None) -> None:
    """Refuse a bad ``timeout``/``policy``/``on_update`` before anything is sent: a
    whole-cycle call must not submit a job and then fail on an argument, losing its id."""
    if not isinstance(timeout, _Default):
        _config.timeout(timeout)
    if policy is not None and not isinstance(policy, PollPolicy):
        raise TypeError(f"policy must be a jobpoll.PollPolicy, got {type(policy).__name__}")
    if on_update is not None and not callable(on_update):
        raise TypeError(f"on_update must be callable, got {type(on_update).__name__}")


@attrs.define
class Cycle:
    """One whole-cycle call (submit, capacity wait, waits, result fetches): one deadline for
    all of it, and the jobs it created so far, named by any error it raises."""

    owner: object
    """The client making the call: only its one-shot calls take this deadline."""
    vendor: str
    deadline: float | None
    """Absolute, on the client's clock; None: no deadline."""
    policy: PollPolicy
    job_ids: list[str] = attrs.field(factory=list)

    def created(self, job_id: str, now: float) -> str:
        """Note a job the call created at ``now``; from now on the deadline leaves at least
        one poll's worth of time (:func:`~jobpoll._core.with_grace`), so it is looked at."""
        self.job_ids.append(job_id)
        self.deadline = with_grace(self.deadline, now, self.policy)
        return job_id

    def left(self, now: float) -> float | None:
        """Seconds left (may be <= 0); None: no deadline."""
        return None if self.deadline is None else self.deadline - now

    @contextlib.contextmanager
    def owning(self) -> Iterator[None]:
        """Name every job created so far in whatever error leaves the block."""
        try:
            yield
        except Error as err:
            name_jobs(err, self.vendor, self.job_ids)
            raise
        except BaseException as exc:  # Ctrl-C, cancellation: the jobs exist all the same
            if self.job_ids:
                exc.add_note(f"jobpoll: this call had created {_listed(self)}")
            raise


_CYCLE: contextvars.ContextVar[Cycle | None] = contextvars.ContextVar("jobpoll_cycle", default=None)
"""The whole-cycle call under way in this thread or task: the one-shot calls it makes (submit,
capacity, result) take its deadline without every vendor method passing it along."""


def _listed(cycle: Cycle) -> str:
    return f"{cycle.vendor} job{'s' if len(cycle.job_ids) > 1 else ''} " + ", ".join(cycle.job_ids)


def name_jobs(err: Error, vendor: str, job_ids: list[str]) -> None:
    """Put every job a call created on ``err``: ``job_id`` (the first, unless it names its
    own), ``job_ids`` (all) and, when there are several, the message."""
    if not job_ids:
        return
    err.vendor = err.vendor or vendor
    err.job_id = err.job_id or job_ids[0]
    ids = tuple(dict.fromkeys([err.job_id, *job_ids]))
    err.job_ids = ids
    if len(ids) > 1 and "jobs created by this call" not in err.message:
        err.message = f"{err.message} (jobs created by this call: {', '.join(ids)})"


class _Common:
    """Settings and id checks shared by the sync and async bases."""

    vendor: ClassVar[str]
    default_policy: ClassVar[PollPolicy] = PollPolicy()

    _source: _drive.Source
    _policy: PollPolicy
    _timeout: float | None

    def _setup(
        self,
        source: _drive.Source,
        *,
        policy: PollPolicy | None,
        timeout: float | None,
        random: Callable[[], float] | None,
    ) -> None:
        if policy is not None and not isinstance(policy, PollPolicy):
            raise TypeError(f"policy must be a jobpoll.PollPolicy, got {type(policy).__name__}")
        self._source = source
        self._policy = policy or self.default_policy
        self._timeout = _config.timeout(timeout)
        # Jitter only spreads polls out; it needs no cryptographic randomness.
        self._random = random or _random.Random().random  # noqa: S311

    @property
    def policy(self) -> PollPolicy:
        """The policy waits use unless given another."""
        return self._policy

    def check_job_id(self, job_id: object) -> str:
        """The job id as the vendor's URL wants it; ValueError naming ``job_id`` if malformed."""
        return _config.text_id(job_id)

    def _plan(
        self,
        job_id: object,
        timeout: TimeoutArg,
        policy: PollPolicy | None,
        on_update: object = None,
    ) -> tuple[str, float | None, PollPolicy]:
        jid = self.check_job_id(job_id)
        check_wait(timeout, policy, on_update)
        return jid, self._budget(timeout), policy or self._policy

    def _begin(
        self, jid: str, limit: float | None, policy: PollPolicy, start: Start | None
    ) -> Callable[[float], Machine]:
        """How a wait's state machine starts, once the driver knows the time."""
        return lambda now: wait_machine(
            self.vendor,
            jid,
            policy=policy,
            now=now,
            timeout=limit,
            random=self._random,
            start=start,
        )

    def _budget(self, timeout: TimeoutArg) -> float | None:
        """The deadline a call's ``timeout`` stands for (the client's for DEFAULT)."""
        return self._timeout if isinstance(timeout, _Default) else _config.timeout(timeout)

    @contextlib.contextmanager
    def _cycle(self, timeout: TimeoutArg, policy: PollPolicy | None) -> Iterator[Cycle]:
        """A whole-cycle call: one deadline from now for everything inside the block, and
        every job it creates named in any error leaving it."""
        budget = self._budget(timeout)
        deadline = None if budget is None else self._now() + budget
        cycle = Cycle(self, self.vendor, deadline, policy or self._policy)
        token = _CYCLE.set(cycle)
        try:
            with cycle.owning():
                yield cycle
        finally:
            _CYCLE.reset(token)

    def _deadline(self, deadline: float | _Default | None) -> float | None:
        """A one-shot call's deadline: the given one, else that of the whole-cycle call it is
        part of, else the client's timeout from now."""
        if not isinstance(deadline, _Default):
            return deadline
        cycle = _CYCLE.get()
        if cycle is not None and cycle.owner is self:
            return cycle.deadline
        return None if self._timeout is None else self._now() + self._timeout

    def _now(self) -> float:
        raise NotImplementedError

    def _status_timeout(self) -> float:
        """A lone status request's timeout: the policy's, within the client's deadline."""
        if self._timeout is None:
            return self._policy.request_timeout
        return min(self._policy.request_timeout, self._timeout)

    def _resumed(self, token: str, timeout: TimeoutArg) -> tuple[str, float | None, Start]:
        state = decode(token, vendor=self.vendor)
        limit = state.remaining() if isinstance(timeout, _Default) else self._budget(timeout)
        start = Start(attempts=state.attempts, next_delay=state.next_delay)
        return self.check_job_id(state.job_id), limit, start

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._http_base()}>"

    def _http_base(self) -> str:
        raise NotImplementedError


class SyncClient(_Common):
    """Base of the sync vendor clients."""

    def __init__(
        self,
        *,
        http: SyncHttp,
        source: _drive.Source,
        policy: PollPolicy | None,
        timeout: float | None,
        clock: Callable[[], float] | None,
        sleep: Callable[[float], object] | None,
        random: Callable[[], float] | None,
    ) -> None:
        self._http = http
        self._setup(source, policy=policy, timeout=timeout, random=random)
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep

    def _http_base(self) -> str:
        return self._http.base_url

    def _now(self) -> float:
        return self._clock()

    def status(self, job_id: str | int) -> JobStatus:
        """One poll: the job's status now (no retries)."""
        jid = self.check_job_id(job_id)
        began = self._clock()
        try:
            response = self._http.send(self._source.status_request(jid), self._status_timeout())
            status, _ = self._source.interpret(jid, response)
        except Error as err:
            raise _tag(err, self.vendor, jid) from None
        except httpx.TransportError as exc:
            raise _tag(transport_error(exc), self.vendor, jid) from exc
        return _one_poll(status, self._clock() - began, self._timeout)

    def watch(
        self, job_id: str | int, *, timeout: TimeoutArg = DEFAULT, policy: PollPolicy | None = None
    ) -> Iterator[JobStatus]:
        """Yield the job's status each time its state or progress changes, the final one last.

        Raises like :meth:`wait` when the job fails, is canceled, or the deadline comes first.
        """
        jid, limit, pol = self._plan(job_id, timeout, policy)
        return self._run(jid, limit, pol, None)

    def wait(
        self,
        job_id: str | int,
        *,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
        on_update: OnUpdate | None = None,
    ) -> JobStatus:
        """Poll until the job is done; return the final status or raise :class:`jobpoll.Error`."""
        jid, limit, pol = self._plan(job_id, timeout, policy, on_update)
        return self._finish(self._run(jid, limit, pol, None), on_update)

    def resume(
        self,
        token: str,
        *,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
        on_update: OnUpdate | None = None,
    ) -> JobStatus:
        """Carry on a wait from a resume token: by default with the time it had left, or with
        a new ``timeout``; the attempt count and backoff carry on either way."""
        check_wait(timeout, policy, on_update)
        jid, limit, start = self._resumed(token, timeout)
        return self._finish(self._run(jid, limit, policy or self._policy, start), on_update)

    def _run(
        self, jid: str, limit: float | None, policy: PollPolicy, start: Start | None
    ) -> Iterator[JobStatus]:
        return _drive.run(
            self._begin(jid, limit, policy, start),
            self._source,
            jid,
            http=self._http,
            clock=self._clock,
            sleep=self._sleep,
        )

    @staticmethod
    def _finish(statuses: Iterator[JobStatus], on_update: OnUpdate | None) -> JobStatus:
        last: JobStatus | None = None
        for last in statuses:
            if on_update is not None:
                on_update(last)
        assert last is not None, "a successful wait emits its final status"
        return last

    def _call(
        self,
        request: Request,
        parse: Callable[[Any], T],
        *,
        idempotent: bool,
        policy: PollPolicy | None = None,
        deadline: float | _Default | None = DEFAULT,
    ) -> T:
        """A one-shot call with its safe retries, within ``deadline`` (absolute, on the
        client's clock; DEFAULT: the client's timeout from now)."""
        machine = call_machine(
            policy or self._policy,
            idempotent=idempotent,
            random=self._random,
            now=self._clock(),
            deadline=self._deadline(deadline),
            what=f"the {self.vendor} request",
            vendor=self.vendor,
        )
        return _drive.call(
            machine, self._http, request, parse, clock=self._clock, sleep=self._sleep
        )

    def _until(
        self,
        request: Request,
        parse: Callable[[Any], T],
        not_ready: Callable[[Any], str | None],
        *,
        deadline: float | None,
    ) -> T:
        """Repeat a read until ``not_ready`` has no objection, within ``deadline``."""
        machine = until_machine(
            self._policy,
            not_ready,
            random=self._random,
            now=self._clock(),
            deadline=deadline,
            what=f"the {self.vendor} request",
            vendor=self.vendor,
        )
        return _drive.call(
            machine, self._http, request, parse, clock=self._clock, sleep=self._sleep
        )

    def _wait_in(
        self,
        cycle: Cycle,
        job_id: str,
        policy: PollPolicy | None,
        on_update: OnUpdate | None,
    ) -> JobStatus:
        """Wait for a job a whole-cycle call created, within the call's deadline."""
        limit = cycle.left(self._clock())
        return self._finish(self._run(job_id, limit, policy or self._policy, None), on_update)

    def close(self) -> None:
        """Close the connections this client opened (not an ``http_client`` you passed in)."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(_Common):
    """Base of the async vendor clients: the same methods as :class:`SyncClient`, awaited."""

    def __init__(
        self,
        *,
        http: AsyncHttp,
        source: _drive.Source,
        policy: PollPolicy | None,
        timeout: float | None,
        clock: Callable[[], float] | None,
        sleep: Callable[[float], Awaitable[object]] | None,
        random: Callable[[], float] | None,
    ) -> None:
        self._http = http
        self._setup(source, policy=policy, timeout=timeout, random=random)
        self._clock_fn = clock
        self._sleep = sleep or asyncio.sleep

    def _http_base(self) -> str:
        return self._http.base_url

    def _clock(self) -> float:
        return self._clock_fn() if self._clock_fn else asyncio.get_running_loop().time()

    def _now(self) -> float:
        return self._clock()

    async def status(self, job_id: str | int) -> JobStatus:
        """One poll: the job's status now (no retries)."""
        jid = self.check_job_id(job_id)
        began = self._clock()
        try:
            response = await self._http.send(
                self._source.status_request(jid), self._status_timeout()
            )
            status, _ = self._source.interpret(jid, response)
        except Error as err:
            raise _tag(err, self.vendor, jid) from None
        except httpx.TransportError as exc:
            raise _tag(transport_error(exc), self.vendor, jid) from exc
        return _one_poll(status, self._clock() - began, self._timeout)

    def watch(
        self, job_id: str | int, *, timeout: TimeoutArg = DEFAULT, policy: PollPolicy | None = None
    ) -> AsyncIterator[JobStatus]:
        """Yield the job's status each time its state or progress changes, the final one last."""
        jid, limit, pol = self._plan(job_id, timeout, policy)
        return self._run(jid, limit, pol, None, None)

    async def wait(
        self,
        job_id: str | int,
        *,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
        on_update: OnUpdate | None = None,
    ) -> JobStatus:
        """Poll until the job is done; return the final status or raise :class:`jobpoll.Error`."""
        jid, limit, pol = self._plan(job_id, timeout, policy, on_update)
        return await self._finish(self._run(jid, limit, pol, None, None), on_update)

    async def resume(
        self,
        token: str,
        *,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
        on_update: OnUpdate | None = None,
    ) -> JobStatus:
        """Carry on a wait from a resume token: by default with the time it had left, or with
        a new ``timeout``; the attempt count and backoff carry on either way."""
        check_wait(timeout, policy, on_update)
        jid, limit, start = self._resumed(token, timeout)
        statuses = self._run(jid, limit, policy or self._policy, start, None)
        return await self._finish(statuses, on_update)

    def _run(
        self,
        jid: str,
        limit: float | None,
        policy: PollPolicy,
        start: Start | None,
        gate: _drive.Gate | None,
    ) -> AsyncIterator[JobStatus]:
        return _drive.arun(
            self._begin(jid, limit, policy, start),
            self._source,
            jid,
            http=self._http,
            clock=self._clock,
            sleep=self._sleep,
            gate=gate,
        )

    async def _wait_gated(
        self,
        job_id: str | int,
        *,
        timeout: TimeoutArg,
        policy: PollPolicy | None,
        gate: _drive.Gate,
    ) -> JobStatus:
        """:meth:`wait` with every request passing ``gate`` (used by many-job waits)."""
        jid, limit, pol = self._plan(job_id, timeout, policy)
        return await self._finish(self._run(jid, limit, pol, None, gate), None)

    @staticmethod
    async def _finish(statuses: AsyncIterator[JobStatus], on_update: OnUpdate | None) -> JobStatus:
        last: JobStatus | None = None
        try:
            async for last in statuses:
                if on_update is not None:
                    on_update(last)
        finally:
            await _aclose(statuses)
        assert last is not None, "a successful wait emits its final status"
        return last

    async def _call(
        self,
        request: Request,
        parse: Callable[[Any], T],
        *,
        idempotent: bool,
        policy: PollPolicy | None = None,
        deadline: float | _Default | None = DEFAULT,
    ) -> T:
        """A one-shot call with its safe retries, within ``deadline`` (absolute, on the
        client's clock; DEFAULT: the client's timeout from now)."""
        machine = call_machine(
            policy or self._policy,
            idempotent=idempotent,
            random=self._random,
            now=self._clock(),
            deadline=self._deadline(deadline),
            what=f"the {self.vendor} request",
            vendor=self.vendor,
        )
        return await _drive.acall(
            machine, self._http, request, parse, clock=self._clock, sleep=self._sleep
        )

    async def _until(
        self,
        request: Request,
        parse: Callable[[Any], T],
        not_ready: Callable[[Any], str | None],
        *,
        deadline: float | None,
    ) -> T:
        """Repeat a read until ``not_ready`` has no objection, within ``deadline``."""
        machine = until_machine(
            self._policy,
            not_ready,
            random=self._random,
            now=self._clock(),
            deadline=deadline,
            what=f"the {self.vendor} request",
            vendor=self.vendor,
        )
        return await _drive.acall(
            machine, self._http, request, parse, clock=self._clock, sleep=self._sleep
        )

    async def _wait_in(
        self,
        cycle: Cycle,
        job_id: str,
        policy: PollPolicy | None,
        on_update: OnUpdate | None,
    ) -> JobStatus:
        """Wait for a job a whole-cycle call created, within the call's deadline."""
        limit = cycle.left(self._clock())
        statuses = self._run(job_id, limit, policy or self._policy, None, None)
        return await self._finish(statuses, on_update)

    async def aclose(self) -> None:
        """Close the connections this client opened (not an ``http_client`` you passed in)."""
        await self._http.close()

    async def close(self) -> None:
        """The same as :meth:`aclose` (httpx's name for it), kept: both names are common."""
        await self.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


async def _aclose(iterator: AsyncIterator[JobStatus]) -> None:
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()


def _one_poll(status: JobStatus, elapsed: float, timeout: float | None) -> JobStatus:
    # remaining_s is the client's timeout: a token made from this status resumes with it
    # (never an endless wait the user did not ask for).
    stats = PollStats(attempts=1, elapsed_s=elapsed, remaining_s=timeout)
    return attrs.evolve(status, stats=stats)


def _tag(err: Error, vendor: str, job_id: str) -> Error:
    err.vendor = err.vendor or vendor
    err.job_id = err.job_id or job_id
    return err
