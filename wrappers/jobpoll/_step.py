"""What one step of a wait gives (``client.step(...)``): for engines that own the sleep."""

from __future__ import annotations

import attrs

from ._errors import Error
from ._status import JobStatus


@attrs.frozen
class PollStep:
    """One poll of a job and the engine's decision (``client.step(job_id)`` or
    ``client.step(token=...)``).

    When the job is not done: ``token`` carries the wait on (attempts, backoff, deadline, the
    run of failed polls) and ``delay`` is how long to wait before the next step; hand both to
    your engine (Celery ``self.retry(countdown=step.delay)``, a Temporal timer, an Airflow
    trigger) and call ``step(token=step.token)`` then. When the job succeeded: ``done`` is
    True, ``status`` is the final status, ``token`` and ``delay`` are None. A failed,
    canceled or missing job, a deadline that passed and a failure past ``max_retries`` are
    raised (the same :class:`jobpoll.Error` as ``wait`` raises), never returned.
    """

    vendor: str
    job_id: str
    status: JobStatus | None
    """What this poll saw; when it failed and is to be retried, the last status a step saw
    in this process (usually None: a token carries no status)."""
    token: str | None
    """The resume token for the next step; None once done."""
    delay: float | None
    """Seconds to wait before the next step (the policy's backoff, a ``Retry-After``, a
    closed lane, clamped to the deadline); None once done."""
    retried: Error | None = attrs.field(default=None, eq=False)
    """The transient failure of this poll (a 5xx, a timeout, a 429), which the next step
    retries; None when the poll gave a status."""

    @property
    def done(self) -> bool:
        """True when the job succeeded: ``status`` is final."""
        return self.token is None
