"""Run the state machine of ``_core``: a sync driver and an async driver.

Each does only what the machine asks — send a request, sleep, hand a status out — and reports
back what happened. Interpreting a response belongs to the vendor's source, deciding what
comes next to the machine.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import attrs
import httpx

from ._core import Attempt, CallMachine, Emit, Machine, Observation, Poll, Sleep
from ._errors import Error
from ._http import Check, check, json_object, malformed, read_json, redact, retry_after
from ._lanes import Lane, busy
from ._status import JobStatus
from ._transport import AsyncHttp, Request, SyncHttp

if TYPE_CHECKING:
    from ._webhooks import Waker

T = TypeVar("T")


class Source(Protocol):
    """What a vendor plugs into the engine: how to ask for one status, and how to read it.

    Both are pure; the drivers send the request over the client's :mod:`_transport`.
    """

    @property
    def vendor(self) -> str:
        """The vendor's name, as errors give it."""
        ...

    def status_request(self, job_id: str) -> Request:
        """The status request for ``job_id``, as ``build_request`` keyword arguments."""
        ...

    def interpret(self, job_id: str, response: httpx.Response) -> tuple[JobStatus, float | None]:
        """The status in ``response`` and the server's delay hint; raises jobpoll errors."""
        ...


@attrs.frozen
class JsonSource:
    """The :class:`Source` of a vendor whose status is a JSON document: the status request of
    a job, and ``read(job_id, object)`` from the (unwrapped) JSON object to its status, run
    through :func:`~jobpoll._http.read_json` (status check, JSON, and anything ``read``
    chokes on as a redacted, retryable ``MalformedResponse``)."""

    vendor: str
    what: str
    """What messages call a job, before its id (``"Veza task"``)."""
    request: Callable[[str], Request]
    read: Callable[[str, dict[str, Any]], JobStatus]
    secrets: Callable[[], Sequence[str]]
    """The credentials to redact, as they are now (a login may change them)."""
    check_status: Check = check
    unwrap: Callable[[Any], dict[str, Any]] = json_object
    """The job's object in the parsed body (default: the body, which must be an object)."""

    def status_request(self, job_id: str) -> Request:
        return self.request(job_id)

    def interpret(self, job_id: str, response: httpx.Response) -> tuple[JobStatus, float | None]:
        status = read_json(
            response,
            lambda body: self.read(job_id, self.unwrap(body)),
            what=f"{self.what} {job_id}",
            secrets=self.secrets(),
            check_status=self.check_status,
        )
        return status, retry_after(response)


Lanes = Sequence[Lane]
"""The lanes a wait or call goes through: the machine takes its turn in each before a
request (rate, backoff), the driver holds a slot in each capped one while it is sent."""

OnUpdate = Callable[[JobStatus], object]


def settle(
    source: Source, job_id: str, response: httpx.Response, now: float, secrets: tuple[str, ...]
) -> Observation:
    """What ``response`` says of the job: its status and delay hint, or the jobpoll error its
    reader raised (any other exception from the reader is a malformed response)."""
    try:
        status, hint = source.interpret(job_id, response)
    except Error as err:
        err.response = err.response or response
        err.message = redact(err.message, secrets)
        return Observation(now, error=err, response=response)
    except Exception as exc:  # a reader's slip is the body's shape, not a crash
        # A vendor reader should only raise jobpoll errors; if one slips, the body was
        # not what we expected, and that is a malformed response, never a crash.
        bad = _unreadable(exc, response, f"{source.vendor} job {job_id}", secrets)
        return Observation(now, error=bad, response=response)
    return Observation(now, status=status, hint=hint, response=response)


def _unreadable(
    exc: Exception, response: httpx.Response, what: str, secrets: tuple[str, ...]
) -> Error:
    return malformed(response, what, f"{type(exc).__name__} while reading it", secrets)


def _note(exc: BaseException, source: Source, job_id: str) -> None:
    exc.add_note(f"jobpoll: this interrupted the wait for {source.vendor} job {job_id}")


def send(http: SyncHttp, request: Request, timeout: float, lanes: Lanes) -> httpx.Response:
    """Send ``request`` holding a slot in each capped lane, all within ``timeout`` (real
    time: the wait for a slot counts); a slot that does not come is a retryable, unsent
    ``TransportError``. Slots are given back however the send ends."""
    if not any(lane.concurrency for lane in lanes):
        return http.send(request, timeout)
    began = time.monotonic()
    held: list[Lane] = []
    try:
        for lane in lanes:
            if lane.concurrency and not lane._enter(timeout - (time.monotonic() - began)):
                raise busy(lane, timeout, http.vendor)
            held.append(lane)
        return http.send(request, max(timeout - (time.monotonic() - began), 0.0))
    finally:
        for lane in held:
            lane._leave()


async def asend(http: AsyncHttp, request: Request, timeout: float, lanes: Lanes) -> httpx.Response:
    """:func:`send` on the event loop; a cancelled caller gives its slots back too."""
    if not any(lane.concurrency for lane in lanes):
        return await http.send(request, timeout)
    began = time.monotonic()
    held: list[Lane] = []
    try:
        for lane in lanes:
            if lane.concurrency and not await lane._aenter(timeout - (time.monotonic() - began)):
                raise busy(lane, timeout, http.vendor)
            held.append(lane)
        return await http.send(request, max(timeout - (time.monotonic() - began), 0.0))
    finally:
        for lane in held:
            lane._leave()


def run(
    begin: Callable[[float], Machine],
    source: Source,
    job_id: str,
    *,
    http: SyncHttp,
    clock: Callable[[], float],
    sleep: Callable[[float], object],
    lanes: Lanes = (),
    waker: Waker | None = None,
) -> Generator[JobStatus, None, JobStatus]:
    """Start a machine with ``begin(now)`` and drive it synchronously; yields each emitted
    status, returns the final one. A wake of ``waker`` (a webhook) ends a sleep early."""
    request = source.status_request(job_id)  # the same for every poll of this wait
    machine = begin(clock())
    try:
        command = next(machine)
        while True:
            reply: Observation | float
            if isinstance(command, Poll):
                try:
                    response = send(http, request, command.timeout, lanes)
                except Error as err:  # the channel raises nothing else
                    reply = Observation(clock(), error=err)
                else:
                    reply = settle(source, job_id, response, clock(), http.secrets)
            elif isinstance(command, Sleep):
                _sleep(sleep, command.seconds, waker)
                reply = clock()
            else:
                assert isinstance(command, Emit)
                yield command.status
                reply = clock()
            command = machine.send(reply)
    except StopIteration as stop:
        final: JobStatus = stop.value
        return final
    except KeyboardInterrupt as exc:
        _note(exc, source, job_id)
        raise
    finally:
        machine.close()


async def _apoll(  # noqa: PLR0917  # the poll path: positional on purpose (hot, per poll)
    source: Source,
    job_id: str,
    request: Request,
    timeout: float,
    http: AsyncHttp,
    clock: Callable[[], float],
    lanes: Lanes,
) -> Observation:
    """One poll on the event loop: what it says of the job, or the error it met."""
    try:
        response = await asend(http, request, timeout, lanes)
    except Error as err:  # the channel raises nothing else
        return Observation(clock(), error=err)
    return settle(source, job_id, response, clock(), http.secrets)


async def wait(
    machine: Machine,
    source: Source,
    job_id: str,
    *,
    http: AsyncHttp,
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[object]],
    lanes: Lanes = (),
    on_update: OnUpdate | None = None,
    waker: Waker | None = None,
) -> JobStatus:
    """Drive a wait's machine on the event loop; ``on_update`` gets each emitted status, the
    final one is returned; a wake of ``waker`` (a webhook) ends a sleep early. One coroutine
    per wait: nothing else lives while it sleeps."""
    request = source.status_request(job_id)  # the same for every poll of this wait
    loop = asyncio.get_running_loop()
    try:
        command = next(machine)
        while True:
            # The observation goes straight into the machine: no local keeps the last
            # response alive while the wait sleeps (10,000 waiting jobs, 10,000 responses).
            if isinstance(command, Sleep):
                if sleep is asyncio.sleep and waker is None:  # a timer, without a coroutine
                    wake = loop.create_future()
                    timer = loop.call_later(command.seconds, _wake, wake, context=_BARE)
                    try:
                        await wake
                    finally:
                        timer.cancel()
                else:
                    await _asleep(sleep, command.seconds, waker)
                command = machine.send(clock())
            elif isinstance(command, Poll):
                command = machine.send(
                    await _apoll(source, job_id, request, command.timeout, http, clock, lanes)
                )
            else:
                if on_update is not None:
                    on_update(command.status)
                command = machine.send(clock())
    except StopIteration as stop:
        final: JobStatus = stop.value
        return final
    except asyncio.CancelledError as exc:
        _note(exc, source, job_id)
        raise
    finally:
        machine.close()


_BARE = contextvars.Context()
"""The context a sleep's timer runs ``_wake`` in: it only resolves a future (the task resumes
in its own context), so one empty context serves every timer instead of a copy each
(asyncio's default: 64 bytes and a copy per sleep of each of 10,000 waits)."""


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _sleep(sleep: Callable[[float], object], seconds: float, waker: Waker | None) -> None:
    """``sleep(seconds)``, ended by a wake of ``waker``: at once (from another thread) when
    ``sleep`` is ``time.sleep``; another sleep (a fake clock's) cannot be cut short, so a wake
    pending when it would start skips it."""
    if waker is None:
        sleep(seconds)
        return
    if waker.take():
        return
    if sleep is time.sleep:
        waker.pending.wait(seconds)
    else:
        sleep(seconds)
    waker.take()  # a wake during the sleep is answered by the poll that follows


async def _asleep(
    sleep: Callable[[float], Awaitable[object]], seconds: float, waker: Waker | None
) -> None:
    """``await sleep(seconds)``, ended now by a wake of ``waker`` (from this loop or any
    thread)."""
    if waker is None:
        await sleep(seconds)
        return
    if waker.take():
        return
    loop = asyncio.get_running_loop()
    woken: asyncio.Future[None] = loop.create_future()
    waker.arm(woken, loop)
    try:
        if sleep is asyncio.sleep:  # a timer, no task
            timer = loop.call_later(seconds, _wake, woken, context=_BARE)
            try:
                await woken
            finally:
                timer.cancel()
        else:
            task = asyncio.ensure_future(sleep(seconds))
            try:
                await asyncio.wait((task, woken), return_when=asyncio.FIRST_COMPLETED)
            finally:
                if not task.done():
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
    finally:
        waker.disarm()


async def arun(
    begin: Callable[[float], Machine],
    source: Source,
    job_id: str,
    *,
    http: AsyncHttp,
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[object]],
    lanes: Lanes = (),
    waker: Waker | None = None,
) -> AsyncIterator[JobStatus]:
    """:func:`wait` as an async iterator of the emitted statuses, the final one last
    (``watch``). Nothing runs, the clock included, until iterated."""
    request = source.status_request(job_id)
    machine = begin(clock())
    try:
        command = next(machine)
        while True:
            reply: Observation | float
            if isinstance(command, Sleep):
                await _asleep(sleep, command.seconds, waker)
                reply = clock()
            elif isinstance(command, Poll):
                reply = await _apoll(source, job_id, request, command.timeout, http, clock, lanes)
            else:
                yield command.status
                reply = clock()
            command = machine.send(reply)
    except StopIteration:
        return
    except asyncio.CancelledError as exc:
        _note(exc, source, job_id)
        raise
    finally:
        machine.close()


Parse = Callable[[httpx.Response], T]
Channel = SyncHttp | AsyncHttp


def call(
    machine: CallMachine,
    http: SyncHttp,
    request: Request,
    parse: Parse[T],
    *,
    clock: Callable[[], float],
    sleep: Callable[[float], object],
    lanes: Lanes = (),
) -> T:
    """Drive a one-shot call synchronously; returns what ``parse`` made of the response."""
    request = _results(request)
    try:
        command = next(machine)
        while True:
            reply: Attempt | float
            if isinstance(command, Poll):
                try:
                    response = send(http, request, command.timeout, lanes)
                except Error as err:  # the channel raises nothing else
                    reply = Attempt(clock(), error=err._about(http.vendor))
                else:
                    reply = _parsed(parse, response, clock(), http)
            else:
                sleep(command.seconds)
                reply = clock()
            command = machine.send(reply)
    except StopIteration as stop:
        return cast(T, stop.value)
    finally:
        machine.close()


async def acall(
    machine: CallMachine,
    http: AsyncHttp,
    request: Request,
    parse: Parse[T],
    *,
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[object]],
    lanes: Lanes = (),
) -> T:
    """Drive a one-shot call on the event loop; returns what ``parse`` made of the response."""
    request = _results(request)
    try:
        command = next(machine)
        while True:
            reply: Attempt | float
            if isinstance(command, Poll):
                try:
                    response = await asend(http, request, command.timeout, lanes)
                except Error as err:  # the channel raises nothing else
                    reply = Attempt(clock(), error=err._about(http.vendor))
                else:
                    reply = _parsed(parse, response, clock(), http)
            else:
                await sleep(command.seconds)
                reply = clock()
            command = machine.send(reply)
    except StopIteration as stop:
        return cast(T, stop.value)
    finally:
        machine.close()


def _parsed(parse: Parse[T], response: httpx.Response, now: float, http: Channel) -> Attempt:
    """What ``parse`` made of a one-shot call's ``response``, or the typed error it raised."""
    try:
        return Attempt(now, value=parse(response))
    except Error as err:
        return Attempt(now, error=err._about(http.vendor))
    except Exception as exc:  # a parser's slip is the body's shape, not a crash
        bad = _unreadable(exc, response, f"the {http.vendor} answer", http.secrets)
        return Attempt(now, error=bad._about(http.vendor))


def _results(request: Request) -> Request:
    """A one-shot call's request: its answer may carry a result (the larger cap)."""
    return request if "carries_result" in request else {**request, "carries_result": True}
