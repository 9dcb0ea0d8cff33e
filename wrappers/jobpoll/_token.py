"""Resume tokens: a wait, written down so that another process can carry it on.

A token is ``jobpoll1.<base64url JSON>.<check>``. The JSON holds the vendor, the job id, the
attempts so far, the next delay and the absolute deadline (Unix time, or null), and, when a
step made it after failed polls, the run of failures (``fails``, absent when 0: a token from
before it existed reads as 0, and an older reader ignores the key) — never a
credential, never pickle. ``<check>`` is an HMAC-SHA256 over the JSON: with the default key
it catches corruption, truncation and hand edits, not a determined forger (who gains nothing a
job id would not give: the credentials stay with the resuming client). ``encode``/``decode``
take a private ``key`` for callers that store tokens where others can write.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import time
from typing import TYPE_CHECKING, Any

import attrs

from ._errors import InvalidToken

if TYPE_CHECKING:  # tokens depend on statuses for typing only: _status imports this module
    from ._status import PollStats

PREFIX = "jobpoll1"
VERSION = 1
_DEFAULT_KEY = b"jobpoll resume token v1"
_MAX_LEN = 8192  # room for the longest job id (512 characters, JSON-escaped) and more


@attrs.frozen
class ResumeState:
    """A decoded token: what a wait needs to carry on."""

    vendor: str
    job_id: str
    attempts: int
    next_delay: float | None
    deadline_at: float | None
    """Unix time of the deadline; None: the wait had no deadline."""
    failures: int = 0
    """Failed polls in a row just before the token was made (a step's retries so far)."""

    def remaining(self, now: float | None = None) -> float | None:
        """Seconds left before the deadline (may be <= 0), None for no deadline."""
        if self.deadline_at is None:
            return None
        return self.deadline_at - (wall_time() if now is None else now)


def wall_time() -> float:
    """Unix time, as tokens read it (one place, so a test can put it on a fake clock)."""
    return time.time()


def _sign(payload: bytes, key: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()[:32]


def encode(state: ResumeState, *, key: bytes | None = None) -> str:
    """The token for ``state``."""
    body = {
        "v": VERSION,
        "vendor": state.vendor,
        "job": state.job_id,
        "attempts": state.attempts,
        "next": state.next_delay,
        "deadline": state.deadline_at,
    }
    if state.failures:  # absent when 0: the same tokens as before for every wait
        body["fails"] = state.failures
    payload = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    b64 = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    return f"{PREFIX}.{b64}.{_sign(payload, key or _DEFAULT_KEY)}"


def token_from(
    vendor: str,
    job_id: str,
    stats: PollStats,
    *,
    key: bytes | None = None,
    now: float | None = None,
    failures: int = 0,
) -> str:
    """The token that resumes a wait on ``vendor`` job ``job_id`` that had spent ``stats``
    (whether or not it ever saw a good status)."""
    remaining = stats.remaining_s
    wall = wall_time() if now is None else now
    return encode(
        ResumeState(
            vendor=vendor,
            job_id=job_id,
            attempts=stats.attempts,
            next_delay=stats.next_delay_s,
            deadline_at=None if remaining is None else wall + remaining,
            failures=failures,
        ),
        key=key,
    )


def _bad(why: str) -> InvalidToken:
    return InvalidToken(f"invalid resume token: {why}")


def _number(body: dict[str, Any], name: str, *, optional: bool) -> float | None:
    value = body.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(f"{name!r} is not a number")
    if value < 0:
        raise _bad(f"{name!r} is negative")
    return float(value)


def decode(token: str, *, vendor: str | None = None, key: bytes | None = None) -> ResumeState:
    """Read a token; refuses corrupt, tampered, foreign or other-vendor tokens."""
    if not isinstance(token, str):
        raise _bad(f"expected a string, got {type(token).__name__}")
    if len(token) > _MAX_LEN:
        raise _bad("it is too long to be a jobpoll token")
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise _bad("it is not a jobpoll token (or was made by an incompatible version)")
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
    except (binascii.Error, ValueError):
        raise _bad("the payload is not base64") from None
    # compare_digest refuses a str that is not ASCII (TypeError): compare bytes instead.
    check = parts[2].encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(_sign(payload, key or _DEFAULT_KEY).encode(), check):
        raise _bad("the check does not match: it was altered, or signed with another key")
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError):  # RecursionError: a payload nested thousands deep
        raise _bad("the payload is not JSON") from None
    if not isinstance(body, dict) or body.get("v") != VERSION:
        raise _bad("unsupported token version")
    job_id, who = body.get("job"), body.get("vendor")
    if not isinstance(job_id, str) or not job_id or not isinstance(who, str) or not who:
        raise _bad("vendor or job id missing")
    if vendor is not None and who != vendor:
        raise _bad(f"it is for {who}, not {vendor}")
    attempts = body.get("attempts")
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
        raise _bad("'attempts' is not a whole number")
    failures = body.get("fails", 0)
    if isinstance(failures, bool) or not isinstance(failures, int) or failures < 0:
        raise _bad("'fails' is not a whole number")
    return ResumeState(
        vendor=who,
        job_id=job_id,
        attempts=attempts,
        next_delay=_number(body, "next", optional=True),
        deadline_at=_number(body, "deadline", optional=True),
        failures=failures,
    )
