"""The poll state machine: every wait, sync or async, any vendor, runs this one generator.

It never does I/O and never reads a clock. It yields commands — :class:`Poll` (send a status
request with this timeout), :class:`Sleep` (for this long), :class:`Emit` (hand this status to
the user) — and is sent back what happened: an :class:`Observation` after a ``Poll``, the
current monotonic time after a ``Sleep`` or an ``Emit``. It returns the final status on
success and raises a :class:`jobpoll.Error` otherwise. The drivers in ``_drive`` run it.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Protocol

import attrs

from ._errors import CallTimeout, Error, RateLimited, WaitTimeout
from ._policy import PollPolicy
from ._predict import WINDOW, forecast, pairs
from ._status import JobState, JobStatus, PollStats, terminal_error

if TYPE_CHECKING:
    import httpx


def logger(vendor: str | None) -> logging.Logger:
    """One child of ``jobpoll`` per vendor, named after its module (``jobpoll.veza``,
    ``jobpoll.phrase_tms``): a user can quieten or raise one vendor's log lines."""
    return logging.getLogger(f"jobpoll.{vendor.replace('-', '_')}" if vendor else "jobpoll")


@attrs.frozen
class Poll:
    """Send the machine's request once: a status poll (``wait_machine``), a one-shot call
    (``call_machine``: submit, result, list) or a repeated read (``until_machine``);
    ``timeout`` is already clamped to the deadline."""

    timeout: float


@attrs.frozen
class Sleep:
    """Sleep this many seconds; never past the deadline."""

    seconds: float


@attrs.frozen
class Emit:
    """Hand this status to the user (``watch`` yields it, ``wait`` calls ``on_update``)."""

    status: JobStatus


Command = Poll | Sleep | Emit


@attrs.frozen
class Observation:
    """What one poll gave: a status (with the server's delay hint) or an error."""

    now: float
    status: JobStatus | None = None
    error: Error | None = None
    hint: float | None = None
    response: httpx.Response | None = attrs.field(default=None, repr=False)


@attrs.frozen
class Start:
    """Where a wait starts from: fresh (the defaults) or resumed from a token.

    ``failures`` is the run of failed polls before this one (a token made by a step carries
    it, so ``max_retries`` counts across steps). ``one`` makes the machine stop after one
    poll: instead of sleeping it raises :class:`Stepped` with what it would do next (a
    step: the caller owns the sleep). ``first_sleep`` is slept before the first poll (a
    wait that expects a push, a webhook, to end that sleep), at most half the time to the
    deadline."""

    attempts: int = 0
    next_delay: float | None = None
    failures: int = 0
    one: bool = False
    first_sleep: float = 0.0


class Stepped(Exception):  # internal signal: caught by the step flow, never leaves jobpoll
    """A one-poll machine (``Start(one=True)``) polled once and would now sleep ``delay``:
    the status it saw (None when the poll failed and is to be retried, ``error``), what the
    wait has spent, and the run of failed polls to carry on."""

    def __init__(
        self,
        *,
        delay: float,
        stats: PollStats,
        status: JobStatus | None,
        error: Error | None,
        failures: int,
    ) -> None:
        super().__init__(delay)
        self.delay = delay
        self.stats = stats
        self.status = status
        self.error = error
        self.failures = failures


Machine = Generator[Command, "Observation | float", JobStatus]

RESERVE_FLOOR = 0.05
"""The least time (seconds) kept back before a deadline for the last request."""
RESERVE_FACTOR = 4.0
"""The reserve is this many times the slowest of the recent requests (then clamped)."""
_RECENT = 4


@attrs.define
class Pace:
    """How long requests have been taking, and so the reserve a deadline keeps for the last one.

    A fixed reserve wastes a short deadline when requests take milliseconds and is too small
    when they take seconds: the reserve is :data:`RESERVE_FACTOR` times the slowest of the
    last few requests, kept between :data:`RESERVE_FLOOR` and ``ceiling``
    (``PollPolicy.min_poll_time``). Before any request it is the ceiling.
    """

    ceiling: float
    recent: list[float] = attrs.field(factory=list)

    def took(self, seconds: float) -> None:
        """Note one request's duration (a failed one too: a timeout is a slow request)."""
        self.recent = [*self.recent[1 - _RECENT :], max(seconds, 0.0)]

    @property
    def reserve(self) -> float:
        """Seconds to keep before a deadline for the last request."""
        if not self.recent:
            return self.ceiling
        floor = min(RESERVE_FLOOR, self.ceiling)
        return min(max(RESERVE_FACTOR * max(self.recent), floor), self.ceiling)

    def remaining(self, now: float, deadline: float) -> float:
        """How long one may sleep at ``now`` and still make a request before ``deadline``
        with the reserve left; 0 when the request just made was the last that fits (less
        than half the reserve to spare: rounding, not time, would separate the two)."""
        remaining = deadline - now - self.reserve
        return remaining if remaining >= self.reserve / 2 else 0.0

    def too_late(self, now: float, deadline: float | None) -> bool:
        """True when a request planned before ``deadline`` should no longer start at ``now``.

        A sleep that wakes a little late (microseconds, or a busy loop's milliseconds) still
        makes its planned request; one that overran by half the reserve or more (a suspended
        process, a blocked loop) does not, since a request with no time left cannot succeed.
        """
        return deadline is not None and deadline - now < self.reserve / 2


def with_grace(deadline: float | None, now: float, policy: PollPolicy) -> float | None:
    """The deadline of a whole-cycle call once it has created a job at ``now``: never less than
    one poll's worth (``min_poll_time``), so a job that exists is looked at at least once."""
    return None if deadline is None else max(deadline, now + policy.min_poll_time)


class Gate(Protocol):
    """What a machine reads and writes of a lane (:class:`jobpoll._lanes.Lane`): shared
    state, no clock and no I/O. Instants are on the clock the machine is sent."""

    @property
    def closed_until(self) -> float:
        """No request starts before this instant (a rate-limit answer's backoff)."""
        ...

    def _free_at(self, now: float) -> float:
        """The earliest instant, ``now`` or later, at which a request may start."""
        ...

    def _take(self, at: float) -> None:
        """Note that a request starts at ``at`` (its turn in the lane's rate)."""
        ...

    def _close(self, until: float) -> None:
        """A rate-limit answer: no request starts before ``until``."""
        ...


class _Shut(Exception):  # internal signal, never leaves this module
    """The lanes open only after the latest instant a request may start."""

    def __init__(self, at: float) -> None:
        super().__init__(at)
        self.at = at


def _opens(lanes: Sequence[Gate]) -> float:
    return max(lane.closed_until for lane in lanes)


def _admit(
    lanes: Sequence[Gate], now: float, latest: float | None
) -> Generator[Sleep, object, float]:
    """Sleep until every lane lets a request start, and take its turn there; returns the
    time. Raises :class:`_Shut` (nothing taken) when that is after ``latest``."""
    while True:
        at = now
        for lane in lanes:
            at = max(at, lane._free_at(now))
        if latest is not None and at > latest:
            raise _Shut(at)
        for lane in lanes:
            lane._take(at)
        if at <= now:
            return now
        while now < at:  # a sleep ended early (a webhook's wake) does not move our turn
            woke = yield Sleep(at - now)
            assert isinstance(woke, float | int), "a Sleep is answered with the time"
            now = float(woke)
        if _opens(lanes) <= now:
            return now  # our turn; a rate-limit answer seen meanwhile sends us round again


def _latest(deadline: float | None, pace: Pace) -> float | None:
    """The latest instant a request planned before ``deadline`` may start (see too_late)."""
    return None if deadline is None else deadline - pace.reserve / 2


def _refused(err: Error) -> bool:
    """A rate-limit answer, or one naming a time to come back: it concerns the whole lane."""
    return isinstance(err, RateLimited) or err.retry_after is not None


def _close(
    lanes: Sequence[Gate], now: float, policy: PollPolicy, failures: int, hint: float | None
) -> None:
    """A rate-limit answer after ``failures`` failures in a row: close the lanes for the
    server's ``Retry-After`` (as the policy honours and bounds it), else for the policy's
    backoff (unjittered: the waits that follow add their own jitter)."""
    until = now + policy.next_delay(failures, hint, _middle)
    for lane in lanes:
        lane._close(until)


def _middle() -> float:  # a constant "random" draw: no jitter
    return 0.5


def _shut_for(lanes: Sequence[Gate], now: float, delay: float) -> float | None:
    """When the lanes stay closed for ``delay`` or longer: the seconds until they open."""
    if not lanes:
        return None
    shut = _opens(lanes) - now
    return shut if shut > 0 and shut >= delay else None


def wait_machine(  # noqa: PLR0912, PLR0915  # one loop reads best as the state machine it is
    vendor: str,
    job_id: str,
    *,
    policy: PollPolicy,
    now: float,
    timeout: float | None,
    random: Callable[[], float],
    start: Start | None = None,
    lanes: Sequence[Gate] = (),
) -> Machine:
    """The decisions of one wait. ``timeout`` is seconds from ``now``; None means no deadline.

    Each poll waits its turn in ``lanes`` (:class:`Gate`); a rate-limit answer closes them for
    the delay this wait chose, so every other wait on them holds back as long."""
    log = logger(vendor)
    start = start or Start()
    deadline = None if timeout is None else now + timeout
    tally = _Tally(
        vendor,
        job_id,
        began=now,
        deadline=deadline,
        attempts=start.attempts,
        planned=start.next_delay,
    )
    polls_here = 0
    failures_in_row = start.failures
    failed: Error | None = None  # the retried failure of this poll (a step reports it)
    pace = Pace(policy.min_poll_time)
    emitted: tuple[JobState, float | None] | None = None
    warned: set[str | None] | None = None
    # time, progress, time, progress, ... of the running phase, newest last (what the policy
    # predicts from); flat doubles: 16 readings cost ~0.35 KB, not ~1.7 KB of tuples.
    samples: array[float] | None = None

    if timeout is not None and timeout <= 0:
        raise tally.timed_out("the deadline had passed before the first poll", now)
    pending_delay = start.next_delay if start.attempts else None
    if start.one and pace.too_late(now, deadline):  # a step with no time left for a poll
        raise tally.timed_out("the deadline came first", now)
    pause = start.first_sleep if deadline is None else min(start.first_sleep, (deadline - now) / 2)
    if pause > 0:
        woke = yield Sleep(pause)
        assert isinstance(woke, float | int), "a Sleep is answered with the time"
        tally.slept += float(woke) - now
        now = float(woke)

    while True:
        if lanes:
            before = now
            try:
                now = yield from _admit(lanes, now, _latest(deadline, pace))
            except _Shut as closed:
                why = f"{_closed(vendor, closed.at - now)}, past the deadline"
                raise tally.timed_out(why, now) from None
            tally.slept += now - before
        request_timeout = policy.request_timeout
        if deadline is not None:
            request_timeout = min(request_timeout, max(deadline - now, 0.0))
        sent = now
        reply = yield Poll(request_timeout)
        assert isinstance(reply, Observation), "a Poll is answered with an Observation"
        now = reply.now
        pace.took(now - sent)
        tally.last_response = reply.response or tally.last_response
        tally.attempts += 1
        attempts = tally.attempts
        polls_here += 1
        tally.planned = None

        if reply.error is not None:
            err = reply.error
            del reply  # a waiting job keeps no more than it needs
            err._about(vendor, job_id)
            if err.status is None:
                err.status = tally.last_good(now)
            if err.response is None:
                err.response = tally.last_response
            if not err.retryable:
                raise tally.leaving(err, now)
            failures_in_row += 1
            tally.transient += 1
            if lanes and _refused(err):  # every wait on the lane holds back, even if we stop
                _close(lanes, now, policy, failures_in_row, err.retry_after)
            if failures_in_row > policy.max_retries:
                err.message = (
                    f"{err.message} (gave up after {failures_in_row} failed polls in a row)"
                )
                raise tally.leaving(err, now)
            hint = err.retry_after
            # A handled retry is INFO; WARNING only for the last one before giving up.
            last_try = failures_in_row >= policy.max_retries
            log.log(
                logging.WARNING if last_try else logging.INFO,
                "%s job %s: poll %d failed, will retry (%d/%d): %s",
                vendor,
                job_id,
                attempts,
                failures_in_row,
                policy.max_retries,
                err.message,
                extra={"jobpoll_retry": (failures_in_row, policy.max_retries, err.message)},
            )
            if start.one:
                failed = err
            del err
            status: JobStatus | None = None
        else:
            assert reply.status is not None, "an Observation holds a status or an error"
            failures_in_row = 0
            status = tally.seen = reply.status
            hint = reply.hint
            del reply
            if status.state is JobState.RUNNING and status.progress is not None:
                if samples is None:
                    samples = array("d")
                samples.extend((now, status.progress))
                if len(samples) > 2 * WINDOW:
                    del samples[:2]
            elif samples is not None:
                samples = None  # queued again, or no progress: nothing to go on
            if not status.recognized and status.vendor_status not in (warned or ()):
                warned = {*(warned or ()), status.vendor_status}
                log.warning(
                    "%s job %s: unknown status %r, treated as not finished",
                    vendor,
                    job_id,
                    status.vendor_status,
                )

        if status is not None and status.done:
            status = attrs.evolve(status, stats=tally.stats(now, None))
            log.debug(
                "%s job %s: attempt %d: %s (done)", vendor, job_id, attempts, status.state.value
            )
            now = yield from _emit(status)
            if status.state is JobState.SUCCEEDED:
                return status
            raise terminal_error(status, tally.last_response)

        if pending_delay is not None and polls_here == 1 and hint is None:
            delay = policy.clamp(pending_delay)  # carry the resumed backoff on
        else:
            predicted = None
            if samples is not None and hint is None and policy.use_progress:
                predicted = forecast(pairs(samples))
            delay = policy.next_delay(attempts, hint, random, forecast=predicted, now=now)
        tally.planned = delay

        if policy.max_attempts is not None and attempts >= policy.max_attempts:
            raise tally.timed_out(f"no result after {attempts} polls (max_attempts)", now)

        shut = _shut_for(lanes, now, delay)
        if shut is not None:
            delay = tally.planned = shut  # one sleep, until the lane opens
        if deadline is not None:
            # The next poll needs the reserve before the deadline; sleep only up to there.
            remaining = pace.remaining(now, deadline)
            if remaining <= 0:
                raise tally.timed_out(f"the {timeout:g} s deadline came first", now)
            if shut is not None and shut > remaining:  # no poll may start before the deadline
                why = f"{_closed(vendor, shut)}, past the {timeout:g} s deadline"
                raise tally.timed_out(why, now)
            delay = min(delay, remaining)

        if start.one:  # a step: the caller owns the sleep; say what it is
            tally.planned = delay
            stats = tally.stats(now, delay)
            raise Stepped(
                delay=delay,
                stats=stats,
                status=tally.last_good(now)
                if status is None
                else attrs.evolve(status, stats=stats),
                error=failed,
                failures=failures_in_row,
            )

        if status is not None:
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "%s job %s: attempt %d: %s%s, next poll in %.3g s",
                    vendor,
                    job_id,
                    attempts,
                    status.state.value,
                    "" if status.progress is None else f" {status.progress:.0%}",
                    delay,
                )
            key = (status.state, status.progress)
            if key != emitted:
                emitted = key
                now = yield from _emit(attrs.evolve(status, stats=tally.stats(now, delay)))
                if deadline is not None:
                    delay = max(min(delay, deadline - now - pace.reserve), 0.0)
            status = None

        if delay > 0:
            before = now
            woke = yield Sleep(delay)
            assert isinstance(woke, float | int), "a Sleep is answered with the time"
            now = float(woke)
            tally.slept += now - before
        if pace.too_late(now, deadline):
            # A sleep (or the user's code behind an Emit) overran: a suspended process, a
            # blocked loop. A poll with no time left cannot succeed; say so instead.
            raise tally.timed_out(f"the {timeout:g} s deadline came first", now)


class _Tally:
    """What one wait has spent and seen, for the stats and errors that leave its machine
    (one small object: a waiting job holds nothing it does not need)."""

    __slots__ = (
        "attempts",
        "began",
        "deadline",
        "job_id",
        "last_response",
        "planned",
        "seen",
        "slept",
        "transient",
        "vendor",
    )

    def __init__(
        self,
        vendor: str,
        job_id: str,
        *,
        began: float,
        deadline: float | None,
        attempts: int,
        planned: float | None,
    ) -> None:
        self.vendor = vendor
        self.job_id = job_id
        self.began = began
        self.deadline = deadline
        self.attempts = attempts
        self.planned = planned
        self.slept = 0.0
        self.transient = 0
        self.seen: JobStatus | None = None
        """The last good status, as the vendor module made it."""
        self.last_response: httpx.Response | None = None

    def stats(self, now: float, next_delay: float | None) -> PollStats:
        deadline = self.deadline
        return PollStats(
            attempts=self.attempts,
            elapsed_s=now - self.began,
            slept_s=self.slept,
            transient_failures=self.transient,
            next_delay_s=next_delay,
            remaining_s=None if deadline is None else max(deadline - now, 0.0),
        )

    def last_good(self, now: float) -> JobStatus | None:
        # Stats are attached only when a status leaves the machine (emitted, or on an
        # error): most polls change nothing, and the copy is the dearest step of a poll.
        seen = self.seen
        return None if seen is None else attrs.evolve(seen, stats=self.stats(now, None))

    def leaving(self, err: Error, now: float) -> Error:
        # What the wait spent goes with every error, failed polls counted, so that a wait
        # that never saw a good status still says how far it got and can be resumed.
        err.stats = self.stats(now, self.planned)
        return err

    def timed_out(self, why: str, now: float) -> WaitTimeout:
        seen = self.seen
        last = f"; last state {seen.state.value}" if seen else "; no status seen yet"
        return WaitTimeout(
            f"{self.vendor} job {self.job_id} is not finished: {why}{last}. It may still "
            "finish: wait again with a longer timeout, or resume from err.resume_token",
            vendor=self.vendor,
            job_id=self.job_id,
            stats=self.stats(now, self.planned),
            status=self.last_good(now),
            response=self.last_response,
        )


def _closed(vendor: str | None, seconds: float) -> str:
    return f"the {vendor} lane is closed for {seconds:.3g} s more (a rate-limit answer)"


def _emit(status: JobStatus) -> Generator[Command, Observation | float, float]:
    reply = yield Emit(status)
    assert isinstance(reply, float | int), "an Emit is answered with the time"
    return float(reply)


@attrs.frozen
class Attempt:
    """What one try of a one-shot call gave: the parsed value, or an error."""

    now: float
    value: object = None
    error: Error | None = None


CallMachine = Generator["Poll | Sleep", "Attempt | float", object]


def call_machine(
    policy: PollPolicy,
    *,
    idempotent: bool,
    random: Callable[[], float],
    now: float = 0.0,
    deadline: float | None = None,
    what: str = "the request",
    vendor: str | None = None,
    lanes: Sequence[Gate] = (),
) -> CallMachine:
    """The decisions of a one-shot call (submit, result, list): retry what is safe to retry.

    A read is retried on every transient failure. A write is retried only when the server
    cannot have acted on it: a rate-limit answer, or a connection that was never made.
    ``deadline`` (on the clock ``now`` is read from; None: none) bounds the whole call like a
    wait's: each request's timeout is clamped to it, and a retry that would not fit before
    it raises :class:`CallTimeout` (naming the last failure) instead of being made.
    """
    value, _ = yield from _tries(
        policy,
        idempotent=idempotent,
        random=random,
        now=now,
        deadline=deadline,
        what=what,
        vendor=vendor,
        lanes=lanes,
    )
    return value


def until_machine(
    policy: PollPolicy,
    not_ready: Callable[[object], str | None],
    *,
    random: Callable[[], float],
    now: float,
    deadline: float | None,
    what: str,
    vendor: str | None = None,
    lanes: Sequence[Gate] = (),
) -> CallMachine:
    """Repeat a read until ``not_ready(value)`` is None, backing off like a wait in between
    (the capacity wait before a submit). ``not_ready`` says why the value is not good enough;
    that reason ends the :class:`CallTimeout` raised when the deadline comes first."""
    pace = Pace(policy.min_poll_time)
    attempt = 0
    while True:
        value, now = yield from _tries(
            policy,
            idempotent=True,
            random=random,
            now=now,
            deadline=deadline,
            what=what,
            vendor=vendor,
            pace=pace,
            lanes=lanes,
        )
        why = not_ready(value)
        if why is None:
            return value
        attempt += 1
        delay = policy.next_delay(attempt, None, random)
        if deadline is not None:
            remaining = pace.remaining(now, deadline)
            if remaining <= 0:
                raise CallTimeout(f"{why}, and the deadline came first", vendor=vendor)
            delay = min(delay, remaining)
        logger(vendor).info("%s: %s, asking again in %.3g s", what, why, delay)
        woke = yield Sleep(delay)
        assert isinstance(woke, float | int), "a Sleep is answered with the time"
        now = float(woke)
        if pace.too_late(now, deadline):
            raise CallTimeout(f"{why}, and the deadline came first", vendor=vendor)


def _tries(  # noqa: PLR0912  # the keywords are the call's whole description
    policy: PollPolicy,
    *,
    idempotent: bool,
    random: Callable[[], float],
    now: float,
    deadline: float | None,
    what: str,
    vendor: str | None = None,
    pace: Pace | None = None,
    lanes: Sequence[Gate] = (),
) -> Generator[Poll | Sleep, Attempt | float, tuple[object, float]]:
    """The tries of one call; returns the value and the time it came back."""
    pace = pace or Pace(policy.min_poll_time)
    # A write cut off midway may have created a job whose id never comes back, so a retried
    # write is only sent with the whole min_poll_time left, never squeezed into the reserve
    # that fast reads have earned.
    plan = pace if idempotent else Pace(policy.min_poll_time)
    failures = 0
    if deadline is not None and deadline - now <= 0:
        raise CallTimeout(f"the deadline had passed before {what} could be sent", vendor=vendor)
    err: Error | None = None
    while True:
        if lanes:
            try:
                now = yield from _admit(lanes, now, _latest(deadline, plan))
            except _Shut as closed:
                raise _lane_out(err, closed.at - now, what, failures, vendor) from err
        request_timeout = policy.request_timeout
        if deadline is not None:
            request_timeout = min(request_timeout, max(deadline - now, 0.0))
        sent = now
        reply = yield Poll(request_timeout)
        assert isinstance(reply, Attempt), "a Poll is answered with an Attempt"
        now = reply.now
        pace.took(now - sent)
        if reply.error is None:
            return reply.value, now
        err = reply.error
        if lanes and _refused(err):  # every call and wait on the lane holds back
            _close(lanes, now, policy, failures + 1, err.retry_after)
        safe = idempotent or isinstance(err, RateLimited) or err.unsent
        if not (err.retryable and safe) or failures >= policy.max_retries:
            if failures:
                err.message = f"{err.message} (after {failures + 1} tries)"
            raise err
        failures += 1
        delay = policy.next_delay(failures, err.retry_after, random)
        shut = _shut_for(lanes, now, delay)
        if shut is not None:
            delay = shut
        if deadline is not None:
            remaining = plan.remaining(now, deadline)
            if remaining <= 0:
                raise _out_of_time(err, what, failures, vendor)
            if shut is not None and shut > remaining:
                raise _lane_out(err, shut, what, failures, vendor) from err
            delay = min(delay, remaining)
        logger(err.vendor).log(
            logging.WARNING if failures >= policy.max_retries else logging.INFO,
            "%s: request failed, retry %d/%d: %s",
            err.vendor,
            failures,
            policy.max_retries,
            err.message,
        )
        woke = yield Sleep(delay)
        assert isinstance(woke, float | int), "a Sleep is answered with the time"
        now = float(woke)
        if plan.too_late(now, deadline):
            raise _out_of_time(err, what, failures, vendor)


def _lane_out(
    err: Error | None, seconds: float, what: str, tries: int, vendor: str | None
) -> CallTimeout:
    """The deadline comes before the lane opens: say so (naming the last failure, if any)."""
    if err is not None:
        late = _out_of_time(err, what, tries, vendor)
        late.message = f"{late.message}; {_closed(err.vendor or vendor, seconds)}"
        return late
    return CallTimeout(
        f"the deadline came before {what} could be sent: {_closed(vendor, seconds)}",
        vendor=vendor,
    )


def _out_of_time(err: Error, what: str, tries: int, vendor: str | None) -> CallTimeout:
    late = CallTimeout(
        f"the deadline came before {what} succeeded ({tries} {'try' if tries == 1 else 'tries'}"
        f"; the last: {err.message})",
        vendor=err.vendor or vendor,
        job_id=err.job_id,
        status=err.status,
    )
    late.__cause__ = err
    return late
