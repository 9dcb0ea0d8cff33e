"""jobpoll: submit, watch and finish asynchronous jobs on five vendor APIs with one poll engine.

Start with a vendor client (``jobpoll.PhraseTMS``, ``jobpoll.EdenAI``, ...), then ``wait``.
Every error is a :class:`jobpoll.Error`; see ``jobpoll._errors`` for the tree.
"""

import importlib
from typing import TYPE_CHECKING

from ._client import DEFAULT
from ._errors import (
    APIError,
    AuthError,
    CallTimeout,
    ClientClosed,
    Error,
    InvalidToken,
    JobCanceled,
    JobError,
    JobFailed,
    JobNotFinished,
    JobNotFound,
    MalformedResponse,
    RateLimited,
    TimedOut,
    TransportError,
    WaitTimeout,
)
from ._lanes import Lane
from ._many import Outcome, as_completed, wait_all
from ._policy import PollPolicy
from ._predict import Forecast, Trend
from ._status import JSON, JobState, JobStatus, PollStats
from ._step import PollStep
from ._token import ResumeState
from ._token import decode as parse_token
from ._version import __version__
from ._webhooks import WebhookReceiver

if TYPE_CHECKING:  # imported on first use (PEP 562): each pulls in its generated client
    from .alphasms import AlphaSMS, AsyncAlphaSMS, Message, MessageStatus
    from .edenai import AsyncEdenAI, EdenAI
    from .phrase_mt import AsyncPhraseMT, PhraseMT, TranslatedSegment, Translation
    from .phrase_tms import AsyncPhraseTMS, PhraseTMS
    from .veza import AsyncVeza, Veza

_LAZY = {
    "AlphaSMS": "alphasms",
    "AsyncAlphaSMS": "alphasms",
    "Message": "alphasms",
    "MessageStatus": "alphasms",
    "EdenAI": "edenai",
    "AsyncEdenAI": "edenai",
    "PhraseMT": "phrase_mt",
    "AsyncPhraseMT": "phrase_mt",
    "Translation": "phrase_mt",
    "TranslatedSegment": "phrase_mt",
    "PhraseTMS": "phrase_tms",
    "AsyncPhraseTMS": "phrase_tms",
    "Veza": "veza",
    "AsyncVeza": "veza",
}
"""The vendor names, by the module that defines them: ``import jobpoll`` stays light."""

__all__ = [
    "DEFAULT",
    "JSON",
    "APIError",
    "AlphaSMS",
    "AsyncAlphaSMS",
    "AsyncEdenAI",
    "AsyncPhraseMT",
    "AsyncPhraseTMS",
    "AsyncVeza",
    "AuthError",
    "CallTimeout",
    "ClientClosed",
    "EdenAI",
    "Error",
    "Forecast",
    "InvalidToken",
    "JobCanceled",
    "JobError",
    "JobFailed",
    "JobNotFinished",
    "JobNotFound",
    "JobState",
    "JobStatus",
    "Lane",
    "MalformedResponse",
    "Message",
    "MessageStatus",
    "Outcome",
    "PhraseMT",
    "PhraseTMS",
    "PollPolicy",
    "PollStats",
    "PollStep",
    "RateLimited",
    "ResumeState",
    "TimedOut",
    "TranslatedSegment",
    "Translation",
    "TransportError",
    "Trend",
    "Veza",
    "WaitTimeout",
    "WebhookReceiver",
    "__version__",
    "as_completed",
    "parse_token",
    "wait_all",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
