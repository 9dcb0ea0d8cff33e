"""Every error jobpoll raises, rooted in :class:`Error`.

::

    Error                      .vendor .job_id .status (last JobStatus) .response (last HTTP reply)
    ├── JobError               the job ended, but not well
    │   ├── JobFailed          the vendor says it failed; .errors holds the vendor's reasons
    │   └── JobCanceled        someone canceled it
    ├── JobNotFound            unknown id, or a result the vendor no longer keeps (expired)
    ├── TimedOut               the deadline (or the attempt bound) came first
    │   ├── WaitTimeout        ...while waiting for a job, which may go on: .resume_token is a str
    │   └── CallTimeout        ...before a one-shot call (submit, capacity check, result fetch)
    │                          succeeded: no wait to resume (.job_ids names any job it made)
    ├── JobNotFinished         a result asked for before the job finished (wait for it first)
    ├── AuthError              401/403 or the vendor's own "bad key" answer
    ├── APIError               an HTTP error that retrying will not fix, or that outlived retries
    │   ├── RateLimited        429 (or AlphaSMS ERR_THROTTLE) for longer than the retry bound
    │   └── MalformedResponse  a body that does not parse as the vendor documents it
    ├── TransportError         connection refused/reset, request timeouts, after the retries
    ├── InvalidToken           a resume token that is corrupt, tampered with or for another client
    └── ClientClosed           the client was used after close()

Errors raised from a wait always carry ``vendor`` and ``job_id``: a job id is never lost. A
whole-cycle call (submit, wait, result) that created jobs names every one of them in
``job_ids`` and in its message, whichever step failed. ``stats`` says what a wait had spent
(attempts, failed ones included) when it raised.
``retryable`` and ``retry_after`` tell the engine whether a poll failure is worth another try.
Messages never contain credentials: they are built from ids, status words and short,
redacted body excerpts only. A pickled error leaves out ``response`` (the HTTP exchange, whose
request carries the credential); everything else round-trips.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:  # errors import nothing of jobpoll at run time: every module raises them
    from collections.abc import Iterable

    import httpx

    from ._status import JobStatus, PollStats


class Error(Exception):
    """Base of every jobpoll error."""

    args: tuple[Any, ...]  # declared: ``message``'s setter writes it

    retryable = False
    unsent = False
    """True when the request never reached the server, so even a write is safe to resend."""

    def __init__(
        self,
        message: str,
        *,
        vendor: str | None = None,
        job_id: str | None = None,
        status: JobStatus | None = None,
        response: httpx.Response | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.vendor = vendor
        self.job_id = job_id
        self.status = status
        self.response = response
        self.retry_after = retry_after
        self.stats: PollStats | None = None
        """What the wait had spent when it raised (attempts include failed polls); None
        outside a wait."""
        self._job_ids: tuple[str, ...] = ()

    def _about(self, vendor: str | None, job_id: str | None = None) -> Self:
        """Name ``vendor`` and ``job_id`` here unless the error names its own; returns it.
        The one place an error gets the context it was raised without."""
        self.vendor = self.vendor or vendor
        self.job_id = self.job_id or job_id
        return self

    @property
    def job_ids(self) -> tuple[str, ...]:
        """Every job the call that raised had created: all the jobs of a split submit, or
        just ``job_id``; empty when no job exists."""
        if self._job_ids:
            return self._job_ids
        return () if self.job_id is None else (self.job_id,)

    @job_ids.setter
    def job_ids(self, value: tuple[str, ...]) -> None:
        self._job_ids = tuple(value)

    def __reduce__(self) -> tuple[Any, ...]:
        # The response's request carries the credential (a header, or AlphaSMS's XML body)
        # and its body may echo it: a pickle keeps everything but the HTTP exchange.
        state = {**self.__dict__, "response": None}
        return (_rebuild, (type(self), self.args), state)

    @property
    def message(self) -> str:
        """The one-sentence explanation (without the vendor/job prefix ``str()`` adds)."""
        return str(self.args[0]) if self.args else ""

    @message.setter
    def message(self, value: str) -> None:
        # Kept in args, so that repr() and pickling show the same text as str().
        self.args = (value, *self.args[1:])

    def __str__(self) -> str:
        where = ""
        if self.vendor and self.job_id and self.job_id not in self.message:
            where = f"{self.vendor} job {self.job_id}: "
        return where + self.message

    @property
    def resume_token(self) -> str | None:
        """A token to resume the interrupted wait elsewhere, when the job was not finished.

        Every error a wait raises for an unfinished job has one, even when no poll ever
        succeeded; it holds the wait's deadline unless the wait had none (``timeout=None``).
        """
        if self.vendor is None or self.job_id is None:
            return None
        if self.status is not None and self.status.done:
            return None
        stats = self.stats if self.stats is not None else getattr(self.status, "stats", None)
        if stats is None:
            return None
        # The stats make the token: this module needs no import of the token module (which
        # imports this one, for InvalidToken).
        return stats._resume_token(self.vendor, self.job_id)


class JobError(Error):
    """The job reached a terminal state other than success."""


class JobFailed(JobError):
    """The vendor reports the job as failed. ``errors`` lists the vendor's reasons."""

    def __init__(self, message: str, *, errors: Iterable[str] = (), **kw: Any) -> None:
        super().__init__(message, **kw)
        self.errors: tuple[str, ...] = tuple(errors)
        """The vendor's reasons, one line each: the same as the failed ``status.errors``."""


class JobCanceled(JobError):
    """The job was canceled before it finished."""


class JobNotFound(Error):
    """The vendor does not know the job (a wrong id, or results it no longer keeps).

    ``status_code`` is the HTTP status that said so: 404/410, or a vendor's own (the Phrase
    MT reference adapter answers 500); None when no HTTP answer did.
    """

    def __init__(self, message: str, *, status_code: int | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        response = kw.get("response")
        if status_code is None and response is not None:
            status_code = response.status_code
        self.status_code = status_code


class TimedOut(Error):
    """The deadline (or the attempt bound) came first. Catch this to handle both kinds:
    :class:`WaitTimeout` (a job exists and may still finish: resume it) and
    :class:`CallTimeout` (a one-shot call did not succeed in time: nothing to resume)."""


class WaitTimeout(TimedOut):
    """A wait for a job ran out of time or attempts; the job may still finish.

    ``vendor``, ``job_id`` and ``stats`` are always set, and ``resume_token`` is always a
    token (``str``), even when no poll succeeded; ``status`` is the last one seen (None if no
    poll succeeded).
    """

    def __init__(
        self, message: str, *, vendor: str, job_id: str, stats: PollStats, **kw: Any
    ) -> None:
        super().__init__(message, vendor=vendor, job_id=job_id, **kw)
        self.stats: PollStats | None = stats
        self._waited = (vendor, job_id, stats)

    @property
    def resume_token(self) -> str:
        """A token that carries this wait on (``client.resume(token)``, ``jobpoll resume``):
        the same job, the attempts so far and the deadline that is left (none when the wait
        had none)."""
        vendor, job_id, stats = self._waited
        return stats._resume_token(vendor, job_id)


class CallTimeout(TimedOut):
    """The deadline came before a one-shot call succeeded: a submit (so no job may exist),
    a capacity check, a result fetch. The message names the last failure (``__cause__`` is
    that error); ``resume_token`` is None: there is no wait to carry on. A whole-cycle call
    names in ``job_ids`` the jobs it had created before."""


class JobNotFinished(Error):
    """A result was asked for while the job is still running; ``status`` says where it is.
    Wait for it first (``wait(err.job_id)``)."""

    @property
    def resume_token(self) -> str | None:
        """None: no wait was interrupted (and a token from a lone fetch would have no
        deadline); ``wait(err.job_id)`` is the way on."""
        return None


class AuthError(Error):
    """Credentials were refused (401/403 or the vendor's equivalent)."""


class APIError(Error):
    """An HTTP-level error: ``status_code`` and a short, redacted ``body_excerpt``."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        body_excerpt: str = "",
        retryable: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(message, **kw)
        self.status_code = status_code
        self.body_excerpt = body_excerpt
        self.retryable = retryable


class RateLimited(APIError):
    """The vendor kept asking us to slow down for longer than the retry bound."""


class MalformedResponse(APIError):
    """The response body does not have the documented shape."""


class TransportError(Error):
    """The request did not complete: connection refused or reset, timeouts."""

    retryable = True


def _rebuild(cls: type[Error], args: tuple[Any, ...]) -> Error:
    # Keyword-only arguments (status_code, errors, ...) come back through the state dict.
    err = Error.__new__(cls)
    err.args = args
    return err


class InvalidToken(Error, ValueError):
    """A resume token that cannot be used: corrupt, tampered with, or for another vendor."""


class ClientClosed(Error, RuntimeError):
    """The client was used after ``close()``."""
