"""jobpoll: submit, watch and finish asynchronous jobs on five vendor APIs with one poll engine.

Start with a vendor client (``jobpoll.PhraseTMS``, ``jobpoll.EdenAI``, ...), then ``wait``.
Every error is a :class:`jobpoll.Error`; see ``jobpoll._errors`` for the tree.
"""

from ._client import DEFAULT
from ._errors import (
    APIError,
    AuthError,
    ClientClosed,
    Error,
    InvalidToken,
    JobCanceled,
    JobError,
    JobFailed,
    JobNotFound,
    MalformedResponse,
    RateLimited,
    TransportError,
    WaitTimeout,
)
from ._many import Outcome, as_completed, wait_all
from ._policy import PollPolicy
from ._status import JobState, JobStatus, PollStats
from ._token import ResumeState
from ._token import decode as parse_token
from ._version import __version__

__all__ = [
    "DEFAULT",
    "APIError",
    "AuthError",
    "ClientClosed",
    "Error",
    "InvalidToken",
    "JobCanceled",
    "JobError",
    "JobFailed",
    "JobNotFound",
    "JobState",
    "JobStatus",
    "MalformedResponse",
    "Outcome",
    "PollPolicy",
    "PollStats",
    "RateLimited",
    "ResumeState",
    "TransportError",
    "WaitTimeout",
    "__version__",
    "as_completed",
    "parse_token",
    "wait_all",
]
