"""Waits that run on Temporal: a job's wait as one activity, carried on across workers.

Needs the ``temporal`` extra (``pip install 'jobpoll[temporal]'``, the ``temporalio`` SDK);
``import jobpoll`` never imports this module or temporalio.

How a wait runs (``wait_for_job`` in a workflow, the ``jobpoll.wait`` activity on a worker):

* The whole wait is **one activity**: its schedule-to-close timeout is the wait's deadline
  (plus :data:`GRACE`, so that jobpoll's own ``WaitTimeout``, with its resume token, normally
  comes first; the server's timeout is the backstop and surfaces as ``WaitTimeout`` too).
* Each poll is a :meth:`step <jobpoll.PollStep>` of the client the worker was given, and the
  activity **heartbeats the step's token** after every poll. A delay up to ``inline_below``
  seconds is slept inside the activity; a longer one **hands the slot back**: the activity
  raises a benign ``ApplicationError`` (type ``jobpoll.NextPoll``) with ``next_retry_delay``
  = the delay, and the server starts the next attempt then, which reads the token from the
  heartbeat details. No worker sits asleep, the history stays the same size however long the
  wait (retries of an activity are not history events), and the server holds the delay.
  Chosen over returning the token to the workflow for a ``workflow.sleep``: that writes a
  timer and an activity into the history per poll and needs continue-as-new on long waits.
* A worker that dies mid-wait stops heartbeating; after ``heartbeat_timeout`` the server
  retries the activity on another worker, which carries the wait on from the last token it
  heartbeated: the attempts, the backoff, the run of failures and the absolute deadline.
* ``JobFailed``, ``JobCanceled``, ``JobNotFound``, ``AuthError``, ``WaitTimeout`` and any
  other error that ends a wait become non-retryable ``ApplicationError``s (type = the class
  name; details: vendor, job id, the vendor's errors, the resume token of a timeout), and
  ``wait_for_job`` raises them in the workflow as the same jobpoll errors.
* Credentials stay with the worker: the activities use the configured client they were given
  (:func:`worker`); workflow inputs, heartbeats, results and errors carry a vendor name, a job
  id or token (no credential, by construction) and jobpoll's messages (redacted).
* One task queue per vendor (:func:`task_queue`). ``worker(..., polls_per_second=r)`` sets the
  queue's server-side rate (``max_task_queue_activities_per_second``): the server starts at
  most ``r`` activity attempts a second on the queue across all workers, and such a worker
  polls once per attempt (no inline sleeps), so the vendor sees ``r`` polls a second from
  every worker together (submits and result fetches on the queue count too). The server's
  limiter admits about a second's worth at once: one second may see up to twice ``r``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    ApplicationErrorCategory,
)
from temporalio.exceptions import (
    TimeoutError as TemporalTimeout,
)
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

with workflow.unsafe.imports_passed_through():
    from . import _errors
    from ._client import AsyncClient
    from ._errors import (
        CallTimeout,
        Error,
        JobFailed,
        WaitTimeout,
    )
    from ._status import JSON, JobState, PollStats
    from ._step import PollStep
    from ._token import decode

__all__ = [
    "GRACE",
    "WORKFLOW_QUEUE",
    "Finished",
    "JobRequest",
    "RunJob",
    "RunRequest",
    "WaitForJob",
    "WaitRequest",
    "activities",
    "run_job",
    "task_queue",
    "wait_for_job",
    "worker",
    "workflow_worker",
]

GRACE = timedelta(seconds=10)
"""How long past the wait's deadline the server lets the activity run: jobpoll's own
``WaitTimeout`` (with its token) comes first, the server's timeout is the backstop."""
WORKFLOW_QUEUE = "jobpoll-workflows"
"""The task queue of :class:`WaitForJob` and :class:`RunJob` (any queue you run them on)."""
NEXT_POLL = "jobpoll.NextPoll"
"""The type of the benign error that hands a long delay back to the server."""

SUBMITS: Mapping[str, tuple[str, ...]] = {
    "veza": ("create_query_task",),
    "edenai": ("submit",),
    "phrase-mt": ("translate_async",),
    "phrase-tms": ("pre_translate",),
    "alphasms": ("send_async",),
}
"""The methods the ``jobpoll.submit`` activity may call, per vendor (each returns a job id)."""

# Every jobpoll error by its class name, to raise in the workflow what the activity raised.
_ERRORS: dict[str, type[Error]] = {
    name: cls
    for name, cls in vars(_errors).items()
    if isinstance(cls, type) and issubclass(cls, Error)
}


def task_queue(vendor: str) -> str:
    """The task queue of ``vendor``'s activities: ``jobpoll-<vendor>``."""
    return f"jobpoll-{vendor}"


# Payloads are dataclasses: Temporal's default converter reads and writes them as JSON
# (attrs classes it does not know).


@dataclasses.dataclass(frozen=True)
class WaitRequest:
    """The ``jobpoll.wait`` activity's input: a job (by id, or a resume token) and the Unix
    time of the wait's deadline (None: the token's)."""

    vendor: str
    job_id: str | None = None
    token: str | None = None
    deadline_at: float | None = None


@dataclasses.dataclass(frozen=True)
class Finished:
    """A job that succeeded, as a workflow sees it."""

    vendor: str
    job_id: str
    state: str
    vendor_status: str | None
    attempts: int
    """Status requests the whole wait made (across workers and attempts)."""
    detail: str | None = None


@dataclasses.dataclass(frozen=True)
class JobRequest:
    """The ``jobpoll.submit`` activity's input: ``method`` (one of :data:`SUBMITS`) called
    with JSON arguments; the value is the new job's id."""

    vendor: str
    method: str
    args: Sequence[Any] = ()
    kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class RunRequest:
    """:class:`RunJob`'s input: what to submit, the whole cycle's timeout, and whether to
    fetch the result (vendors with a ``result`` call)."""

    job: JobRequest
    timeout: float
    fetch_result: bool = True


@dataclasses.dataclass(frozen=True)
class RunOutcome:
    """What :class:`RunJob` returns: the job's final status and its result (or None)."""

    finished: Finished
    result: Any = None


def _final(err: Error) -> ApplicationError:
    """A jobpoll error that ends a wait or call, as a non-retryable application error."""
    details: dict[str, Any] = {"vendor": err.vendor, "job_id": err.job_id}
    if isinstance(err, JobFailed):
        details["errors"] = list(err.errors)
    if isinstance(err, WaitTimeout):
        details["token"] = err.resume_token
    if err.stats is not None:
        details["attempts"] = err.stats.attempts
    return ApplicationError(err.message, details, type=type(err).__name__, non_retryable=True)


def _heartbeated(details: Sequence[Any]) -> str | None:
    return str(details[0]) if details and isinstance(details[0], str) else None


class _Activities:
    """The activities of one vendor's worker, over the jobpoll client it was given."""

    def __init__(self, client: AsyncClient, *, inline_below: float) -> None:
        self.client = client
        self.inline_below = inline_below

    def _inline(self) -> float:
        # Never sleep so long inside the activity that the server thinks the worker died.
        beat = activity.info().heartbeat_timeout
        return (
            self.inline_below if beat is None else min(self.inline_below, beat.total_seconds() / 3)
        )

    @activity.defn(name="jobpoll.wait")
    async def wait(self, req: WaitRequest) -> Finished:
        """Carry the wait on from the last heartbeated token (or start it) to its end."""
        client = self.client
        token = _heartbeated(activity.info().heartbeat_details) or req.token
        remaining = None if req.deadline_at is None else req.deadline_at - time.time()
        inline = self._inline()
        try:
            if token is not None:
                step: PollStep = await client.step(token=token)
            else:
                step = await client.step(req.job_id, timeout=remaining)
            while not step.done:
                assert step.token is not None
                assert step.delay is not None
                activity.heartbeat(step.token)
                if step.delay > inline:
                    raise ApplicationError(
                        f"{client.vendor} job {step.job_id}: next poll in {step.delay:.3g} s",
                        type=NEXT_POLL,
                        category=ApplicationErrorCategory.BENIGN,
                        next_retry_delay=timedelta(seconds=step.delay),
                    )
                await asyncio.sleep(step.delay)
                step = await client.step(token=step.token)
        except Error as err:
            raise _final(err) from None
        status = step.status
        assert status is not None
        return Finished(
            vendor=status.vendor,
            job_id=status.job_id,
            state=status.state.value,
            vendor_status=status.vendor_status,
            attempts=status.stats.attempts,
            detail=status.detail,
        )

    @activity.defn(name="jobpoll.submit")
    async def submit(self, req: JobRequest) -> str:
        """Submit a job (one of :data:`SUBMITS`); returns its id. Not retried by the
        server (see :func:`run_job`): jobpoll retries inside what is safe to retry."""
        if req.method not in SUBMITS.get(self.client.vendor, ()):
            raise ApplicationError(
                f"{req.method!r} is not a {self.client.vendor} submit", non_retryable=True
            )
        try:
            job_id = await getattr(self.client, req.method)(*req.args, **req.kwargs)
        except Error as err:
            raise _final(err) from None
        return str(job_id)

    @activity.defn(name="jobpoll.result")
    async def result(self, job_id: str) -> JSON:
        """The result of a finished job (vendors with a ``result`` call)."""
        try:
            fetch = getattr(self.client, "result")  # noqa: B009  # not every vendor has one
            value: JSON = await fetch(job_id)
        except Error as err:
            raise _final(err) from None
        return value


def activities(client: AsyncClient, *, inline_below: float = 2.0) -> list[Any]:
    """The activities of ``client``'s vendor (``jobpoll.wait``, ``jobpoll.submit``,
    ``jobpoll.result``), for a worker on :func:`task_queue` of that vendor. A delay up to
    ``inline_below`` seconds (and a third of the heartbeat timeout) is slept in the activity."""
    if not isinstance(client, AsyncClient):
        raise TypeError(f"jobpoll.temporal needs an async jobpoll client, got {client!r}")
    acts = _Activities(client, inline_below=inline_below)
    return [acts.wait, acts.submit, acts.result]


def worker(
    temporal: Client,
    client: AsyncClient,
    *,
    polls_per_second: float | None = None,
    inline_below: float = 2.0,
    task_queue_name: str | None = None,
    **options: Any,
) -> Worker:
    """A worker running ``client``'s activities on its vendor's task queue. With
    ``polls_per_second`` the queue is rate-limited by the server for every worker on it, and
    this worker polls once per activity attempt (``inline_below`` is then 0) so that the rate
    counts every poll. ``options`` go to :class:`temporalio.worker.Worker`."""
    return Worker(
        temporal,
        task_queue=task_queue_name or task_queue(client.vendor),
        activities=activities(client, inline_below=0.0 if polls_per_second else inline_below),
        max_task_queue_activities_per_second=polls_per_second,
        **options,
    )


def workflow_worker(
    temporal: Client,
    *,
    workflows: Sequence[type] = (),
    task_queue_name: str = WORKFLOW_QUEUE,
    **options: Any,
) -> Worker:
    """A worker for :class:`WaitForJob`, :class:`RunJob` and ``workflows``, with jobpoll
    errors failing the workflow (``workflow_failure_exception_types``) rather than its task,
    and ``jobpoll`` passed through the workflow sandbox (its workflow-side code is
    deterministic; re-importing httpx in every sandbox would only cost time)."""
    # An eagerly started activity skips the task queue's rate limit (temporalio/temporal#6800);
    # jobpoll's activities run on other queues than their workflows anyway.
    options.setdefault("disable_eager_activity_execution", True)
    options.setdefault(
        "workflow_runner",
        SandboxedWorkflowRunner(
            restrictions=SandboxRestrictions.default.with_passthrough_modules("jobpoll")
        ),
    )
    return Worker(
        temporal,
        task_queue=task_queue_name,
        workflows=[WaitForJob, RunJob, *workflows],
        workflow_failure_exception_types=[Error],
        **options,
    )


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _raised(err: ActivityError, vendor: str, job_id: str) -> BaseException:
    """The jobpoll error an activity failure stands for (else the failure itself)."""
    cause = err.cause
    if isinstance(cause, TemporalTimeout):
        return WaitTimeout(
            f"{vendor} job {job_id} is not finished: the Temporal activity's deadline came first",
            vendor=vendor,
            job_id=job_id,
            stats=PollStats(remaining_s=0.0),
        )
    if not isinstance(cause, ApplicationError) or cause.type not in _ERRORS:
        return err
    got = cause.details[0] if cause.details and isinstance(cause.details[0], dict) else {}
    who, jid = got.get("vendor") or vendor, got.get("job_id") or job_id
    cls = _ERRORS[cause.type]
    out: Error
    if cls is WaitTimeout:
        # The activity's own token is in the details (``err.__cause__``); this error's
        # ``resume_token`` names the job and its attempts, with no time left.
        spent = PollStats(attempts=int(got.get("attempts", 0)), remaining_s=0.0)
        out = WaitTimeout(cause.message, vendor=who, job_id=jid, stats=spent)
    elif cls is JobFailed:
        out = JobFailed(cause.message, errors=got.get("errors", ()), vendor=who, job_id=jid)
    else:
        out = cls(cause.message, vendor=who, job_id=jid)
    if "attempts" in got and not isinstance(out, WaitTimeout):
        out.stats = PollStats(attempts=int(got["attempts"]))
    return out


async def wait_for_job(
    vendor: str,
    job_id: str | None = None,
    *,
    token: str | None = None,
    timeout: float | timedelta,
    heartbeat_timeout: float | timedelta = timedelta(seconds=10),
    retry_interval: float | timedelta = timedelta(seconds=1),
    queue: str | None = None,
) -> Finished:
    """In a workflow: wait for ``vendor``'s job (``job_id``, or a resume ``token``) for at
    most ``timeout``, on a worker of :func:`task_queue` ``(vendor)``. Returns
    :class:`Finished`; raises ``JobFailed``, ``JobCanceled``, ``JobNotFound``, ``AuthError``,
    ``WaitTimeout`` (...) as jobpoll raises them. ``retry_interval``: how soon after a
    worker is lost (no heartbeat for ``heartbeat_timeout``) the wait is carried on."""
    if (job_id is None) == (token is None):
        raise TypeError("wait_for_job takes a job_id or a token=, not both or neither")
    seconds = _seconds(timeout)
    name = job_id if job_id is not None else decode(str(token), vendor=vendor).job_id
    every = timedelta(seconds=_seconds(retry_interval))
    try:
        done: Finished = await workflow.execute_activity(
            "jobpoll.wait",
            WaitRequest(vendor, job_id, token, workflow.now().timestamp() + seconds),
            result_type=Finished,
            task_queue=queue or task_queue(vendor),
            schedule_to_close_timeout=timedelta(seconds=seconds) + GRACE,
            heartbeat_timeout=timedelta(seconds=_seconds(heartbeat_timeout)),
            retry_policy=RetryPolicy(
                initial_interval=every,
                backoff_coefficient=1.0,
                maximum_interval=every,
                maximum_attempts=0,  # unlimited: the deadline bounds the wait
                non_retryable_error_types=list(_ERRORS),
            ),
        )
    except ActivityError as err:
        raise _raised(err, vendor, name) from err
    return done


async def run_job(
    job: JobRequest,
    *,
    timeout: float | timedelta,
    fetch_result: bool = True,
    heartbeat_timeout: float | timedelta = timedelta(seconds=10),
    retry_interval: float | timedelta = timedelta(seconds=1),
) -> RunOutcome:
    """In a workflow: the whole cycle, submit → wait → result, within ``timeout``. The submit
    is tried once by the server (jobpoll retries inside what cannot create a second job): a
    worker lost mid-submit fails the workflow rather than risk a second job."""
    seconds = _seconds(timeout)
    began = workflow.now().timestamp()
    try:
        job_id = await workflow.execute_activity(
            "jobpoll.submit",
            job,
            result_type=str,
            task_queue=task_queue(job.vendor),
            start_to_close_timeout=timedelta(seconds=seconds),
            retry_policy=RetryPolicy(maximum_attempts=1),
        )
    except ActivityError as err:
        if isinstance(err.cause, TemporalTimeout):  # a worker lost mid-submit, say
            lost = CallTimeout(
                f"the {job.vendor} submit did not finish within {seconds:g} s (a worker lost "
                "while submitting?): whether a job was created is unknown",
                vendor=job.vendor,
            )
            raise lost from err
        raise _raised(err, job.vendor, "(not created)") from err
    remaining = seconds - (workflow.now().timestamp() - began)
    finished = await wait_for_job(
        job.vendor,
        job_id,
        timeout=max(remaining, 1.0),
        heartbeat_timeout=heartbeat_timeout,
        retry_interval=retry_interval,
    )
    if not fetch_result:
        return RunOutcome(finished)
    try:
        result = await workflow.execute_activity(
            "jobpoll.result",
            job_id,
            task_queue=task_queue(job.vendor),
            start_to_close_timeout=timedelta(seconds=max(remaining, 1.0)),
            retry_policy=RetryPolicy(maximum_attempts=3, non_retryable_error_types=list(_ERRORS)),
        )
    except ActivityError as err:
        raise _raised(err, job.vendor, job_id) from err
    return RunOutcome(finished, result)


@workflow.defn(name="jobpoll.WaitForJob")
class WaitForJob:
    """A workflow that waits for one job (:func:`wait_for_job`)."""

    @workflow.run
    async def run(self, req: WaitRequest, timeout: float) -> Finished:
        return await wait_for_job(req.vendor, req.job_id, token=req.token, timeout=timeout)


@workflow.defn(name="jobpoll.RunJob")
class RunJob:
    """A workflow that submits a job, waits for it and fetches its result (:func:`run_job`)."""

    @workflow.run
    async def run(self, req: RunRequest) -> RunOutcome:
        return await run_job(req.job, timeout=req.timeout, fetch_result=req.fetch_result)


_ = JobState  # re-exported names a workflow may compare ``Finished.state`` with
