"""The vendor-neutral view of a job: :class:`JobState` and :class:`JobStatus`, and what a
finished status comes to (its result, or the error it stands for)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import attrs

from ._errors import Error, JobCanceled, JobFailed, JobNotFinished
from ._token import token_from

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")

JSON: TypeAlias = "dict[str, JSON] | list[JSON] | str | int | float | bool | None"
"""A JSON value as Python's ``json`` module reads it: what a vendor's free-form result is."""


class JobState(enum.StrEnum):
    """Where a job is in its life. ``SUCCEEDED``, ``FAILED`` and ``CANCELED`` are terminal.
    A ``str``: ``JobState.RUNNING == "running"``, and ``str()`` gives the value."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def terminal(self) -> bool:
        """True once the job will not change any more."""
        return self in _TERMINAL


_TERMINAL = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELED})


@attrs.frozen
class PollStats:
    """What a wait has spent so far; carried by every :class:`JobStatus` it produces."""

    attempts: int = 0
    """Status requests sent, failed ones included."""
    elapsed_s: float = 0.0
    """Time since the wait started, on the wait's monotonic clock."""
    slept_s: float = 0.0
    """Of that, time spent sleeping between polls."""
    transient_failures: int = 0
    """Failed polls that were retried (429, 5xx, connection errors, garbled bodies)."""
    next_delay_s: float | None = None
    """The sleep planned before the next poll (None once the job is done)."""
    remaining_s: float | None = None
    """Seconds until the deadline when this status was seen (None: no deadline)."""

    def _resume_token(self, vendor: str, job_id: str) -> str:
        # The one way to a token from what a wait spent: a status and an error both come here,
        # so the error module needs no import of the token module.
        return token_from(vendor, job_id, self)


def _check_progress(
    _: object, attribute: attrs.Attribute[float | None], value: float | None
) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be between 0 and 1, got {value!r}")


@attrs.frozen
class JobStatus:
    """One observation of a job, in vendor-neutral terms.

    ``response`` is the vendor's own typed object (a generated model, or an AlphaSMS attrs
    model); ``vendor_status`` is the vendor's raw status word, kept so that a value the vendor
    added after this release is still visible (``recognized`` is then False).
    """

    vendor: str
    job_id: str
    state: JobState
    progress: float | None = attrs.field(default=None, validator=_check_progress)
    detail: str | None = None
    vendor_status: str | None = None
    recognized: bool = True
    errors: tuple[str, ...] = ()
    """The vendor's reasons for a failure, one line each."""
    warnings: tuple[str, ...] = ()
    """Warnings the vendor attached to an otherwise successful job."""
    response: Any = attrs.field(default=None, repr=False, eq=False)
    stats: PollStats = attrs.field(factory=PollStats, eq=False)

    @property
    def done(self) -> bool:
        """True when the job reached a terminal state."""
        return self.state.terminal

    def resume_token(self) -> str:
        """A token that resumes this wait in another process (``client.resume(token)``)."""
        return self.stats._resume_token(self.vendor, self.job_id)


def terminal_error(status: JobStatus, response: httpx.Response | None) -> Error:
    """The error a FAILED or CANCELED ``status`` stands for (``JobFailed``/``JobCanceled``)."""
    kind = JobCanceled if status.state is JobState.CANCELED else JobFailed
    what = "was canceled" if status.state is JobState.CANCELED else "failed"
    reason = f": {status.detail}" if status.detail else ""
    msg = f"{status.vendor} job {status.job_id} {what}{reason}"
    if kind is JobFailed:
        return JobFailed(
            msg,
            errors=status.errors,
            vendor=status.vendor,
            job_id=status.job_id,
            status=status,
            response=response,
        )
    return JobCanceled(
        msg, vendor=status.vendor, job_id=status.job_id, status=status, response=response
    )


def finished(
    status: JobStatus,
    response: httpx.Response | None,
    result: Callable[[JobStatus], T],
    *,
    hint: str,
) -> T:
    """``result(status)`` of a SUCCEEDED status (a vendor whose final status holds the
    result); the error of a failed or canceled one; ``JobNotFinished`` (with ``status``) for
    one not finished, ``hint`` naming the methods that wait for it."""
    if status.state is JobState.SUCCEEDED:
        return result(status)
    if status.done:
        raise terminal_error(status, response)
    raise JobNotFinished(
        f"{status.vendor} job {status.job_id} is not finished ({status.vendor_status}): "
        f"wait for it first ({hint})",
        status=status,
        response=response,
    )._about(status.vendor, status.job_id)
