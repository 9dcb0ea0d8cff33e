"""What every vendor client shares: status, wait, watch and resume over the engine, closing,
the one-shot calls (submit, result) with their safe retries, and the two drivers of flows.

A vendor module writes its operations once, as flows (:mod:`jobpoll._flow`): generators that
yield the steps below — :class:`Call`, :class:`Until`, :class:`Wait` — and one class of them
(``_Ops(Base)``) is mixed into both :class:`SyncClient` and :class:`AsyncClient`, which run
each step through the engine (``_core``) with the caller's deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import random as _random
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Generator,
    Iterator,
    Mapping,
    Sequence,
)
from types import TracebackType
from typing import Any, ClassVar, Generic, ParamSpec, Self, TypeVar, cast

import attrs
import httpx

from . import _config, _drive, _lanes, _webhooks
from ._core import (
    CallMachine,
    Machine,
    Start,
    Stepped,
    call_machine,
    until_machine,
    wait_machine,
    with_grace,
)
from ._errors import Error
from ._flow import Flow, operation
from ._policy import PollPolicy
from ._status import JobStatus, PollStats
from ._step import PollStep
from ._token import ResumeState, decode, encode, wall_time
from ._transport import AsyncHttp, Request, SyncHttp

T = TypeVar("T")
P = ParamSpec("P")

OnUpdate = _drive.OnUpdate


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

    def remaining(self, now: float) -> float | None:
        """Seconds remaining (may be <= 0); None: no deadline."""
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
    first = err._about(vendor, job_ids[0]).job_id or job_ids[0]
    ids = tuple(dict.fromkeys([first, *job_ids]))
    err.job_ids = ids
    if len(ids) > 1 and "jobs created by this call" not in err.message:
        err.message = f"{err.message} (jobs created by this call: {', '.join(ids)})"


@attrs.frozen
class Call(Generic[T]):
    """Step: a one-shot call with its safe retries (:func:`~jobpoll._core.call_machine`),
    within ``deadline`` (absolute; DEFAULT: the whole-cycle call's, else the client's)."""

    request: Request
    parse: Callable[[httpx.Response], T]
    idempotent: bool
    policy: PollPolicy | None = None
    deadline: float | _Default | None = DEFAULT


@attrs.frozen
class Until(Generic[T]):
    """Step: repeat a read until ``not_ready`` has no objection, within ``deadline``
    (:func:`~jobpoll._core.until_machine`)."""

    request: Request
    parse: Callable[[httpx.Response], T]
    not_ready: Callable[[T], str | None]
    deadline: float | None


@attrs.frozen
class Wait:
    """Step: poll ``job_id`` until it is done, for ``remaining`` seconds at most (None: no
    deadline); the value is the final status."""

    job_id: str
    remaining: float | None
    policy: PollPolicy
    start: Start | None = None
    on_update: OnUpdate | None = None


@attrs.frozen
class Send:
    """Step: send one request, no retries, within ``timeout`` seconds; the value is the
    response (a failure raises its jobpoll error)."""

    request: Request
    timeout: float


@attrs.frozen
class Each(Generic[T]):
    """Step: run several flows; the value is the list of their values, in order. The sync
    driver runs them one after another; the async one runs them concurrently, and the first
    failure cancels the others and is raised."""

    flows: list[Flow[T]]


Step = Call[Any] | Until[Any] | Wait | Send | Each[Any]


def call(
    request: Request,
    parse: Callable[[httpx.Response], T],
    *,
    idempotent: bool,
    policy: PollPolicy | None = None,
    deadline: float | _Default | None = DEFAULT,
) -> Flow[T]:
    """The flow of one :class:`Call` (``yield from`` it: typed, unlike a bare ``yield``)."""
    return cast(T, (yield Call(request, parse, idempotent, policy, deadline)))


def until(
    request: Request,
    parse: Callable[[httpx.Response], T],
    not_ready: Callable[[T], str | None],
    *,
    deadline: float | None,
) -> Flow[T]:
    """The flow of one :class:`Until`."""
    return cast(T, (yield Until(request, parse, not_ready, deadline)))


def each(flows: list[Flow[T]]) -> Flow[list[T]]:
    """The flow of one :class:`Each`."""
    return cast(list[T], (yield Each(flows)))


def wait_for(
    job_id: str,
    remaining: float | None,
    policy: PollPolicy,
    *,
    start: Start | None = None,
    on_update: OnUpdate | None = None,
) -> Flow[JobStatus]:
    """The flow of one :class:`Wait`."""
    return cast(JobStatus, (yield Wait(job_id, remaining, policy, start, on_update)))


class Base:
    """What the sync and async bases share: settings, id checks, and the operations every
    vendor has (status, wait, resume), written once as flows."""

    vendor: ClassVar[str]
    default_policy: ClassVar[PollPolicy] = PollPolicy()

    _source: _drive.Source
    _policy: PollPolicy
    _timeout: float | None
    _lane: _lanes.Lane | None = None
    _receiver: _webhooks.WebhookReceiver | None = None

    def _setup(
        self,
        source: _drive.Source,
        *,
        policy: PollPolicy | None,
        timeout: float | None,
        random: Callable[[], float] | None,
        webhooks: _webhooks.WebhookReceiver | None = None,
    ) -> None:
        if policy is not None and not isinstance(policy, PollPolicy):
            raise TypeError(f"policy must be a jobpoll.PollPolicy, got {type(policy).__name__}")
        if webhooks is not None:
            if not isinstance(webhooks, _webhooks.WebhookReceiver):
                got = type(webhooks).__name__
                raise TypeError(f"webhooks must be a jobpoll.WebhookReceiver, got {got}")
            self._receiver = webhooks
            policy = policy or webhooks.fallback  # the webhook wakes; polls are the safety net
        self._source = source
        self._policy = policy or self.default_policy
        self._timeout = _config.timeout(timeout)
        # Jitter only spreads polls out; it needs no cryptographic randomness.
        self._random = random or _random.Random().random  # noqa: S311

    @property
    def policy(self) -> PollPolicy:
        """The policy waits use unless given another."""
        return self._policy

    @property
    def lane(self) -> _lanes.Lane:
        """The :class:`jobpoll.Lane` every request of this client goes through: its rate,
        concurrency cap and rate-limit backoff are shared with every other client on it. By
        default the one lane of this account in the process (same vendor, base URL,
        credentials and clock); assign a ``Lane`` to share one explicitly."""
        if self._lane is None:
            self._lane = _lanes.shared(
                self.vendor, self._http_base(), self._hidden(), self._lane_clock()
            )
        return self._lane

    @lane.setter
    def lane(self, lane: _lanes.Lane) -> None:
        if not isinstance(lane, _lanes.Lane):
            raise TypeError(f"lane must be a jobpoll.Lane, got {type(lane).__name__}")
        self._lane = lane

    def _lane_clock(self) -> Callable[[], float] | None:
        """The clock lane instants are on (None: the default monotonic one)."""
        raise NotImplementedError

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
        return jid, self._timeout_s(timeout), policy or self._policy

    def _begin(
        self, jid: str, remaining: float | None, policy: PollPolicy, start: Start | None
    ) -> Callable[[float], Machine]:
        """How a wait's state machine starts, once the driver knows the time."""
        return lambda now: self._machine(jid, remaining, policy, start, (self.lane,))

    def _machine(
        self,
        jid: str,
        remaining: float | None,
        policy: PollPolicy,
        start: Start | None,
        lanes: _drive.Lanes,
    ) -> Machine:
        """A wait's state machine, starting now, through ``lanes``. A fresh wait on a job
        tied to this client's webhook receiver first sleeps the policy's first delay (a
        webhook ends that sleep); every other wait polls at once."""
        receiver = self._receiver
        if receiver is not None and start is None and receiver.tied(self.vendor, jid):
            start = Start(first_sleep=policy.initial_delay)
        return wait_machine(
            self.vendor,
            jid,
            policy=policy,
            now=self._now(),
            timeout=remaining,
            random=self._random,
            start=start,
            lanes=lanes,
        )

    def _timeout_s(self, timeout: TimeoutArg) -> float | None:
        """Seconds a call's ``timeout`` stands for (the client's for DEFAULT; None: no deadline)."""
        return self._timeout if isinstance(timeout, _Default) else _config.timeout(timeout)

    @contextlib.contextmanager
    def _cycle(self, timeout: TimeoutArg, policy: PollPolicy | None) -> Iterator[Cycle]:
        """A whole-cycle call: one deadline from now for everything inside the block, and
        every job it creates named in any error leaving it."""
        timeout_s = self._timeout_s(timeout)
        deadline = None if timeout_s is None else self._now() + timeout_s
        cycle = Cycle(self, self.vendor, deadline, policy or self._policy)
        token = _CYCLE.set(cycle)
        try:
            with cycle.owning():
                yield cycle
        finally:
            _CYCLE.reset(token)

    def _one_shot(
        self,
        policy: PollPolicy | None,
        *,
        idempotent: bool,
        deadline: float | _Default | None,
    ) -> CallMachine:
        """The engine's machine for one call with its safe retries (both drivers run it)."""
        return call_machine(
            policy or self._policy,
            idempotent=idempotent,
            random=self._random,
            now=self._now(),
            deadline=self._deadline(deadline),
            what=f"the {self.vendor} request",
            vendor=self.vendor,
            lanes=(self.lane,),
        )

    def _repeat(
        self, not_ready: Callable[[Any], str | None], *, deadline: float | None
    ) -> CallMachine:
        """The engine's machine for a read repeated until ``not_ready`` has no objection."""
        return until_machine(
            self._policy,
            not_ready,
            random=self._random,
            now=self._now(),
            deadline=deadline,
            what=f"the {self.vendor} request",
            vendor=self.vendor,
            lanes=(self.lane,),
        )

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

    def _resumed(
        self, token: str, timeout: TimeoutArg
    ) -> tuple[str, float | None, Start, float | None]:
        """A token read once: the job, the time remaining, where the wait starts, and the
        token's absolute deadline (wall clock; None: none)."""
        state = decode(token, vendor=self.vendor)
        remaining = state.remaining() if isinstance(timeout, _Default) else self._timeout_s(timeout)
        start = Start(attempts=state.attempts, next_delay=state.next_delay, failures=state.failures)
        return self.check_job_id(state.job_id), remaining, start, state.deadline_at

    @operation
    def status(self, job_id: str | int) -> Flow[JobStatus]:
        """One poll: the job's status now (no retries)."""
        jid = self.check_job_id(job_id)
        began = self._now()
        try:
            response = yield Send(self._source.status_request(jid), self._status_timeout())
        except Error as err:
            raise err._about(self.vendor, jid) from None
        seen = _drive.settle(self._source, jid, response, self._now(), self._hidden())
        if seen.error is not None:
            raise seen.error._about(self.vendor, jid)
        assert seen.status is not None, "a settled poll has a status or an error"
        return _one_poll(seen.status, self._now() - began, self._timeout)

    @operation
    def wait(
        self,
        job_id: str | int,
        *,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
        on_update: OnUpdate | None = None,
    ) -> Flow[JobStatus]:
        """Poll until the job is done; return the final status or raise :class:`jobpoll.Error`."""
        jid, remaining, pol = self._plan(job_id, timeout, policy, on_update)
        return wait_for(jid, remaining, pol, on_update=on_update)

    @operation
    def resume(
        self,
        token: str,
        *,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
        on_update: OnUpdate | None = None,
    ) -> Flow[JobStatus]:
        """Carry on a wait from a resume token: by default with the time it had left, or with
        a new ``timeout``; the attempt count and backoff carry on either way."""
        check_wait(timeout, policy, on_update)
        jid, remaining, start, _ = self._resumed(token, timeout)
        return wait_for(jid, remaining, policy or self._policy, start=start, on_update=on_update)

    @operation
    def step(
        self,
        job_id: str | int | None = None,
        *,
        token: str | None = None,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
    ) -> Flow[PollStep]:
        """One step of a wait, for an engine that owns the sleep: exactly one poll of the job
        (by ``job_id``, starting a wait, or by the ``token`` of the step before) and the
        engine's decision, the same as :meth:`wait` would make. Returns a
        :class:`jobpoll.PollStep`: the next token and the delay before the next step, or the
        final status once done; raises what ``wait`` raises (a failed, canceled or missing
        job, the deadline, a failure past ``max_retries``). ``timeout``: from a job id, the
        whole wait's deadline from now (default: the client's); from a token, the time it
        had left (default) or a new one."""
        if (job_id is None) == (token is None):
            raise TypeError("step() takes a job_id or a token=, not both or neither")
        check_wait(timeout, policy)
        pol = policy or self._policy
        if token is not None:
            jid, remaining, resumed, deadline_at = self._resumed(token, timeout)
            start = Start(attempts=resumed.attempts, failures=resumed.failures, one=True)
        else:
            jid, remaining = self.check_job_id(job_id), self._timeout_s(timeout)
            start = Start(one=True)
        # The deadline is one absolute instant for the whole chain: a token's is kept as it
        # is (no drift between the wall and the monotonic clock from step to step).
        if token is None or not isinstance(timeout, _Default):
            deadline_at = None if remaining is None else wall_time() + remaining
        try:
            final = yield from wait_for(jid, remaining, pol, start=start)
        except Stepped as step:
            state = ResumeState(
                self.vendor,
                jid,
                attempts=step.stats.attempts,
                next_delay=step.delay,
                deadline_at=deadline_at,
                failures=step.failures,
            )
            return PollStep(self.vendor, jid, step.status, encode(state), step.delay, step.error)
        return PollStep(self.vendor, jid, final, None, None)

    def _wait_in(
        self, cycle: Cycle, job_id: str, policy: PollPolicy | None, on_update: OnUpdate | None
    ) -> Flow[JobStatus]:
        """Wait for a job a whole-cycle call created, within the call's deadline."""
        return wait_for(
            job_id, cycle.remaining(self._now()), policy or self._policy, on_update=on_update
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._http_base()}>"

    def _http_base(self) -> str:
        raise NotImplementedError

    def _hidden(self) -> tuple[str, ...]:
        """The secrets to redact from anything quoted: the channel's, as they are now."""
        raise NotImplementedError

    def _parse(
        self, parse: Callable[[httpx.Response, Sequence[str]], T]
    ) -> Callable[[httpx.Response], T]:
        """``parse`` given this client's secrets, to redact from what it quotes."""
        return lambda response: parse(response, self._hidden())


@attrs.frozen
class Settings:
    """What a vendor's constructor arguments come to (its ``_settings(...)``, validated), for
    either client: where requests go, the fixed headers, the secrets to redact, the source that
    polls a job, and the channel classes (a vendor may give them an ``auth_flow``, as Phrase
    TMS's password login does)."""

    base_url: str
    headers: Mapping[str, str] = attrs.field(repr=False)
    secrets: tuple[str, ...] = attrs.field(repr=False)
    source: _drive.Source
    channels: tuple[Callable[..., SyncHttp], Callable[..., AsyncHttp]] = (SyncHttp, AsyncHttp)
    """Made with ``vendor``, ``base_url``, ``headers``, ``secrets``, ``client``, ``transport``."""


H = TypeVar("H", SyncHttp, AsyncHttp)


def _open(
    make: Callable[..., H], kind: type, settings: Settings, client: object, transport: object
) -> H:
    """A client's HTTP channel, once its other settings have passed their checks."""
    if client is not None and not isinstance(client, kind):
        got = type(client).__name__
        raise TypeError(f"http_client must be an httpx.{kind.__name__}, got {got}")
    return make(
        vendor=settings.source.vendor,
        base_url=settings.base_url,
        headers=settings.headers,
        secrets=settings.secrets,
        client=client,
        transport=transport,
    )


class SyncClient(Base):
    """Base of the sync vendor clients: a vendor's ``__init__`` is its signature and one call
    of this with its :class:`Settings`."""

    def __init__(
        self,
        settings: Settings,
        *,
        policy: PollPolicy | None,
        timeout: float | None,
        http_client: httpx.Client | None,
        transport: httpx.BaseTransport | None,
        clock: Callable[[], float] | None,
        sleep: Callable[[float], object] | None,
        random: Callable[[], float] | None,
        webhooks: _webhooks.WebhookReceiver | None = None,
    ) -> None:
        self._setup(
            settings.source, policy=policy, timeout=timeout, random=random, webhooks=webhooks
        )
        channel = settings.channels[0]
        self._http = _open(channel, httpx.Client, settings, http_client, transport)
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep

    def _http_base(self) -> str:
        return self._http.base_url

    def _hidden(self) -> tuple[str, ...]:
        return self._http.secrets

    def _now(self) -> float:
        return self._clock()

    def _lane_clock(self) -> Callable[[], float] | None:
        return None if self._clock is time.monotonic else self._clock

    def watch(
        self, job_id: str | int, *, timeout: TimeoutArg = DEFAULT, policy: PollPolicy | None = None
    ) -> Iterator[JobStatus]:
        """Yield the job's status each time its state or progress changes, the final one last.

        Raises like :meth:`wait` when the job fails, is canceled, or the deadline comes first.
        """
        jid, remaining, pol = self._plan(job_id, timeout, policy)
        return self._run(jid, remaining, pol, None)

    def _run(
        self, jid: str, remaining: float | None, policy: PollPolicy, start: Start | None
    ) -> Iterator[JobStatus]:
        if self._receiver is not None:
            return self._woken(self._receiver, jid, remaining, policy, start)
        return _drive.run(
            self._begin(jid, remaining, policy, start),
            self._source,
            jid,
            http=self._http,
            clock=self._clock,
            sleep=self._sleep,
            lanes=(self.lane,),
        )

    def _woken(
        self,
        receiver: _webhooks.WebhookReceiver,
        jid: str,
        remaining: float | None,
        policy: PollPolicy,
        start: Start | None,
    ) -> Generator[JobStatus, None, JobStatus]:
        """:meth:`_run` for a client with a webhook receiver: a delivery for the job ends
        the current sleep (the driver's, through ``waker``), so the next poll happens now."""
        begin = self._begin(jid, remaining, policy, start)
        waker = receiver._listen(self.vendor, jid)
        try:
            return (
                yield from _drive.run(
                    begin,
                    self._source,
                    jid,
                    http=self._http,
                    clock=self._clock,
                    sleep=self._sleep,
                    lanes=(self.lane,),
                    waker=waker,
                )
            )
        finally:
            receiver._unlisten(waker, self.vendor, jid)

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
        machine = self._one_shot(policy, idempotent=idempotent, deadline=deadline)
        return _drive.call(
            machine,
            self._http,
            request,
            parse,
            clock=self._clock,
            sleep=self._sleep,
            lanes=(self.lane,),
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
        machine = self._repeat(not_ready, deadline=deadline)
        return _drive.call(
            machine,
            self._http,
            request,
            parse,
            clock=self._clock,
            sleep=self._sleep,
            lanes=(self.lane,),
        )

    def _drive(self, flow: Flow[T]) -> T:
        """Run a flow: each step through the engine, its value (or its error) sent back."""
        try:
            step = next(flow)
            while True:
                try:
                    value = self._step(step)
                except BaseException as exc:  # the flow may handle it, or name its jobs on it
                    step = flow.throw(exc)
                else:
                    step = flow.send(value)
        except StopIteration as stop:
            return cast(T, stop.value)
        finally:
            flow.close()

    def _step(self, step: Step) -> object:
        if isinstance(step, Call):
            return self._call(
                step.request,
                step.parse,
                idempotent=step.idempotent,
                policy=step.policy,
                deadline=step.deadline,
            )
        if isinstance(step, Until):
            return self._until(step.request, step.parse, step.not_ready, deadline=step.deadline)
        if isinstance(step, Send):
            return _drive.send(self._http, step.request, step.timeout, (self.lane,))
        if isinstance(step, Each):
            return [self._drive(flow) for flow in step.flows]
        statuses = self._run(step.job_id, step.remaining, step.policy, step.start)
        return self._finish(statuses, step.on_update)

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


class AsyncClient(Base):
    """Base of the async vendor clients: the same methods as :class:`SyncClient`, awaited."""

    def __init__(
        self,
        settings: Settings,
        *,
        policy: PollPolicy | None,
        timeout: float | None,
        http_client: httpx.AsyncClient | None,
        transport: httpx.AsyncBaseTransport | None,
        clock: Callable[[], float] | None,
        sleep: Callable[[float], Awaitable[object]] | None,
        random: Callable[[], float] | None,
        webhooks: _webhooks.WebhookReceiver | None = None,
    ) -> None:
        self._setup(
            settings.source, policy=policy, timeout=timeout, random=random, webhooks=webhooks
        )
        self._http = _open(
            settings.channels[1], httpx.AsyncClient, settings, http_client, transport
        )
        self._clock_fn = clock
        self._sleep = sleep or asyncio.sleep

    def _http_base(self) -> str:
        return self._http.base_url

    def _hidden(self) -> tuple[str, ...]:
        return self._http.secrets

    def _clock(self) -> float:
        return self._clock_fn() if self._clock_fn else asyncio.get_running_loop().time()

    def _now(self) -> float:
        return self._clock()

    def _lane_clock(self) -> Callable[[], float] | None:
        return self._clock_fn

    def watch(
        self, job_id: str | int, *, timeout: TimeoutArg = DEFAULT, policy: PollPolicy | None = None
    ) -> AsyncIterator[JobStatus]:
        """Yield the job's status each time its state or progress changes, the final one last."""
        jid, remaining, pol = self._plan(job_id, timeout, policy)
        if self._receiver is not None:
            return self._awoken(self._receiver, jid, remaining, pol)
        return _drive.arun(
            self._begin(jid, remaining, pol, None),
            self._source,
            jid,
            http=self._http,
            clock=self._clock,
            sleep=self._sleep,
            lanes=(self.lane,),
        )

    async def _awoken(
        self,
        receiver: _webhooks.WebhookReceiver,
        jid: str,
        remaining: float | None,
        pol: PollPolicy,
    ) -> AsyncIterator[JobStatus]:
        """``watch`` for a client with a webhook receiver (a delivery ends a sleep)."""
        begin = self._begin(jid, remaining, pol, None)
        waker = receiver._listen(self.vendor, jid)
        try:
            async for status in _drive.arun(
                begin,
                self._source,
                jid,
                http=self._http,
                clock=self._clock,
                sleep=self._sleep,
                lanes=(self.lane,),
                waker=waker,
            ):
                yield status
        finally:
            receiver._unlisten(waker, self.vendor, jid)

    def _waiting(  # noqa: PLR0917  # a Wait step's fields, in order
        self,
        jid: str,
        remaining: float | None,
        policy: PollPolicy,
        start: Start | None,
        on_update: OnUpdate | None,
        lanes: _drive.Lanes,
    ) -> Coroutine[Any, Any, JobStatus]:
        """The one coroutine of a wait through ``lanes``: the machine, started now, driven."""
        if self._receiver is not None:
            return self._awaken(self._receiver, jid, remaining, policy, start, on_update, lanes)
        return _drive.wait(
            self._machine(jid, remaining, policy, start, lanes),
            self._source,
            jid,
            http=self._http,
            clock=self._clock,
            sleep=self._sleep,
            lanes=lanes,
            on_update=on_update,
        )

    async def _awaken(  # noqa: PLR0917  # _waiting's arguments, after the receiver
        self,
        receiver: _webhooks.WebhookReceiver,
        jid: str,
        remaining: float | None,
        policy: PollPolicy,
        start: Start | None,
        on_update: OnUpdate | None,
        lanes: _drive.Lanes,
    ) -> JobStatus:
        """:meth:`_waiting` for a client with a webhook receiver (a delivery ends a sleep,
        from any thread)."""
        machine = self._machine(jid, remaining, policy, start, lanes)
        waker = receiver._listen(self.vendor, jid)
        try:
            return await _drive.wait(
                machine,
                self._source,
                jid,
                http=self._http,
                clock=self._clock,
                sleep=self._sleep,
                lanes=lanes,
                on_update=on_update,
                waker=waker,
            )
        finally:
            receiver._unlisten(waker, self.vendor, jid)

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
        machine = self._one_shot(policy, idempotent=idempotent, deadline=deadline)
        return await _drive.acall(
            machine,
            self._http,
            request,
            parse,
            clock=self._clock,
            sleep=self._sleep,
            lanes=(self.lane,),
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
        machine = self._repeat(not_ready, deadline=deadline)
        return await _drive.acall(
            machine,
            self._http,
            request,
            parse,
            clock=self._clock,
            sleep=self._sleep,
            lanes=(self.lane,),
        )

    async def _drive(self, flow: Flow[T]) -> T:
        """Run a flow: each step through the engine, its value (or its error) sent back."""
        try:
            step = next(flow)
            while True:
                try:
                    value = await self._step(step)
                except BaseException as exc:  # the flow may handle it, or name its jobs on it
                    step = flow.throw(exc)
                else:
                    step = flow.send(value)
        except StopIteration as stop:
            return cast(T, stop.value)
        finally:
            flow.close()

    async def _step(self, step: Step) -> object:
        if isinstance(step, Call):
            return await self._call(
                step.request,
                step.parse,
                idempotent=step.idempotent,
                policy=step.policy,
                deadline=step.deadline,
            )
        if isinstance(step, Until):
            return await self._until(
                step.request, step.parse, step.not_ready, deadline=step.deadline
            )
        if isinstance(step, Send):
            return await _drive.asend(self._http, step.request, step.timeout, (self.lane,))
        if isinstance(step, Each):
            return await self._each(step.flows)
        lanes = (self.lane,)
        return await self._waiting(
            step.job_id, step.remaining, step.policy, step.start, step.on_update, lanes
        )

    async def _each(self, flows: list[Flow[T]]) -> list[T]:
        tasks = [asyncio.ensure_future(self._drive(flow)) for flow in flows]
        try:
            return await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

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


def _one_poll(status: JobStatus, elapsed: float, timeout: float | None) -> JobStatus:
    # remaining_s is the client's timeout: a token made from this status resumes with it
    # (never an endless wait the user did not ask for).
    stats = PollStats(attempts=1, elapsed_s=elapsed, remaining_s=timeout)
    return attrs.evolve(status, stats=stats)


@contextlib.contextmanager
def about(vendor: str, job_id: str) -> Iterator[None]:
    """Name ``vendor`` and ``job_id`` in any jobpoll error raised inside, unless it names its
    own (a flow may ``yield`` inside: errors thrown in pass through it)."""
    try:
        yield
    except Error as err:
        err._about(vendor, job_id)
        raise
