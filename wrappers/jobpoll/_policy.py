"""How long to wait between polls: :class:`PollPolicy` and its pure delay arithmetic."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import attrs

from . import _predict
from ._predict import Forecast

_LOG_GROWTH_LIMIT = 700.0
"""``multiplier ** exponent`` is computed directly only below ``e**700`` (floats end near
``e**709.78``); beyond it, in log space."""


def _finite_nonneg(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{attribute.name} must be a number of seconds, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{attribute.name} must be a finite number >= 0, got {value!r}")


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    _finite_nonneg(_, attribute, value)
    if value == 0:
        raise ValueError(f"{attribute.name} must be > 0, got {value!r}")


def _opt_count(_: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{attribute.name} must be a whole number >= 1 or None, got {value!r}")


def _count(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{attribute.name} must be a whole number >= 0, got {value!r}")


@attrs.frozen
class PollPolicy:
    """When to poll. All times are seconds; every instance is validated and immutable.

    The n-th delay is ``initial_delay * multiplier ** (n - 1)``, spread by ``±jitter`` (a
    fraction) and kept between ``min_delay`` and ``max_delay``. A server's ``Retry-After``
    replaces the computed delay (still kept within the bounds) unless ``honor_retry_after``
    is False.

    With ``use_progress`` (the default), a job that reports progress steadily has its next
    poll aimed just past the end its progress predicts (:class:`jobpoll.Forecast`), still
    within ``[max(initial_delay, min_delay), max_delay]``; flat, erratic or absent progress
    leaves the backoff in charge.
    """

    initial_delay: float = attrs.field(default=1.0, validator=_finite_nonneg)
    # Defaults chosen by bench/lag.py (BENCHMARKS.md §3): on jobs of heavy-tailed length they
    # spend ~17 % of a fixed 1 s loop's requests and notice the end within ~8 % of the job's
    # duration (p50), and no policy measured there is both cheaper and quicker.
    multiplier: float = attrs.field(default=1.15, validator=_finite_nonneg)
    max_delay: float = attrs.field(default=15.0, validator=_positive)
    min_delay: float = attrs.field(default=0.5, validator=_finite_nonneg)
    jitter: float = attrs.field(default=0.1, validator=_finite_nonneg)
    max_attempts: int | None = attrs.field(default=None, validator=_opt_count)
    """Give up (``WaitTimeout``) after this many status requests; None: no bound."""
    max_retries: int = attrs.field(default=5, validator=_count)
    """Failed polls retried in a row before the error is raised."""
    request_timeout: float = attrs.field(default=30.0, validator=_positive)
    """Timeout of one status request; always clamped to the time left before the deadline."""
    min_poll_time: float = attrs.field(default=1.0, validator=_positive)
    """The most time kept back before a deadline for the last poll; the reserve follows how
    long requests take (four times the slowest recent one, at least 0.05 s) up to this."""
    honor_retry_after: bool = True
    use_progress: bool = True
    """Aim the next poll at the end a job's reported progress predicts (see ``aim``)."""

    def __attrs_post_init__(self) -> None:
        if self.multiplier < 1:
            raise ValueError(f"multiplier must be >= 1, got {self.multiplier!r}")
        if self.jitter >= 1:
            raise ValueError(f"jitter must be a fraction below 1, got {self.jitter!r}")
        if self.min_delay > self.max_delay:
            raise ValueError(
                f"min_delay ({self.min_delay!r}) must not exceed max_delay ({self.max_delay!r})"
            )

    def replace(self, **changes: Any) -> PollPolicy:
        """A copy with some fields changed (validated like a new policy)."""
        return attrs.evolve(self, **changes)

    def clamp(self, seconds: float) -> float:
        """``seconds`` kept within ``[min_delay, max_delay]``."""
        return min(max(seconds, self.min_delay), self.max_delay)

    def backoff(self, attempt: int, random: Callable[[], float]) -> float:
        """The delay after the ``attempt``-th poll (1-based), jittered by ``random()`` in [0, 1)."""
        exponent = max(attempt - 1, 0)
        # Compare in log space: multiplier ** exponent overflows a float long before the
        # attempt count of a patient wait gets anywhere near its limit.
        if self.initial_delay == 0:
            base = 0.0
        else:
            growth = exponent * math.log(self.multiplier)
            log_base = math.log(self.initial_delay) + growth
            if log_base >= math.log(self.max_delay):
                base = self.max_delay
            elif growth < _LOG_GROWTH_LIMIT:
                base = self.initial_delay * float(self.multiplier) ** exponent
            else:
                # A subnormal initial_delay stays under the cap while the growth factor alone
                # is beyond any float: the product exists, its factors do not.
                base = math.exp(log_base)
        spread = 1.0 + self.jitter * (2.0 * random() - 1.0)
        return self.clamp(base * spread)

    def aim(self, forecast: Forecast | None, now: float, backoff: float) -> float | None:
        """The delay at ``now`` toward the end ``forecast`` predicts, or None to keep the
        ``backoff`` delay (``use_progress`` off, no forecast, or one too vague to act on).

        When the end is known to better than the backoff delay and is within one sleep
        (``max_delay``) or near, the poll goes just past it (end + half a standard error):
        less lag. Otherwise, while the job is surely not done before the backoff delay is up
        (its predicted end less two standard errors is later), the poll goes to that early
        edge, up to ``max_delay``, where a fresh reading sharpens the line: fewer polls.
        Never below the floor (``initial_delay`` within ``[min_delay, max_delay]``).
        """
        if not self.use_progress or forecast is None:
            return None
        if forecast.confidence < _predict.MIN_CONFIDENCE:
            return None
        remaining = forecast.end - now
        spread = forecast.spread
        early = remaining - _predict.EARLY_Z * spread
        past = remaining + _predict.LATE_Z * spread + _predict.PAST
        if spread <= backoff and (past <= self.max_delay or early < backoff):
            target = past
        elif early >= backoff:
            target = early
        else:
            return None
        if not math.isfinite(target):
            return None
        return min(max(target, self.clamp(self.initial_delay)), self.max_delay)

    def next_delay(
        self,
        attempt: int,
        hint: float | None,
        random: Callable[[], float],
        *,
        forecast: Forecast | None = None,
        now: float | None = None,
    ) -> float:
        """The next delay: the server's hint when there is one and it is honoured, else the
        delay toward a trusted ``forecast`` (``now`` is then required, on the forecast's
        clock; see :meth:`aim`), else backoff."""
        if forecast is not None and now is None:
            raise ValueError("a forecast needs now=, the time on the clock it was made on")
        if hint is not None and self.honor_retry_after:
            return self.clamp(hint)
        delay = self.backoff(attempt, random)
        aimed = None if now is None else self.aim(forecast, now, delay)
        return delay if aimed is None else aimed
