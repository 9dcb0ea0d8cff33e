"""Every error jobpoll raises, rooted in :class:`Error`.

::

    Error                      .vendor .job_id .status (last JobStatus) .response (last HTTP reply)
    ├── JobError               the job ended, but not well
    │   ├── JobFailed          the vendor says it failed; .errors holds the vendor's reasons
    │   └── JobCanceled        someone canceled it
    ├── JobNotFound            unknown id, or a result the vendor no longer keeps (expired)
    ├── WaitTimeout            the deadline or the attempt bound came first; the job may go on
    ├── AuthError              401/403 or the vendor's own "bad key" answer
    ├── APIError               an HTTP error that retrying will not fix, or that outlived retries
    │   ├── RateLimited        429 (or AlphaSMS ERR_THROTTLE) for longer than the retry bound
    │   └── MalformedResponse  a body that does not parse as the vendor documents it
    ├── TransportError         connection refused/reset, request timeouts, after the retries
    ├── InvalidToken           a resume token that is corrupt, tampered with or for another client
    └── ClientClosed           the client was used after close()

Errors raised from a wait always carry ``vendor`` and ``job_id``: a job id is never lost.
``retryable`` and ``retry_after`` tell the engine whether a poll failure is worth another try.
Messages never contain credentials: they are built from ids, status words and short,
redacted body excerpts only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from ._status import JobStatus


class Error(Exception):
    """Base of every jobpoll error."""

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
        """A token to resume the interrupted wait elsewhere, when the job was not finished."""
        from ._token import token_for

        if self.status is None or self.status.done:
            return None
        return token_for(self.status)


class JobError(Error):
    """The job reached a terminal state other than success."""


class JobFailed(JobError):
    """The vendor reports the job as failed. ``errors`` lists the vendor's reasons."""

    def __init__(self, message: str, *, errors: list[Any] | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.errors: list[Any] = list(errors or [])


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


class WaitTimeout(Error):
    """The wait ran out of time or attempts; ``status`` is the last one seen."""


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


class InvalidToken(Error, ValueError):
    """A resume token that cannot be used: corrupt, tampered with, or for another vendor."""


class ClientClosed(Error, RuntimeError):
    """The client was used after ``close()``."""
