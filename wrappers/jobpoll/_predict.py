"""When will a job end? A straight line through the progress it reported (pure, no clock).

A wait that sees a job report progress (``JobStatus.progress``, 0..1, from any vendor) keeps
the last few ``(time, progress)`` samples of its running phase; :meth:`Trend.fit` fits a
least-squares line through them and :meth:`Trend.forecast` reads off when it reaches 1.
``PollPolicy.aim`` then times the next poll by that instant. Nothing is
predicted from progress that is flat, going backwards or too scattered to fit a line: the
policy's backoff applies then.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

MIN_SAMPLES = 3
"""Samples needed before a line is fitted (two points always fit one exactly)."""
WINDOW = 16
"""Samples a wait keeps: the newest ones, so a job whose pace changes is followed."""
MIN_CONFIDENCE = 0.7
"""A fit must explain this share of the progress' variance (R²) to be acted on."""
EARLY_Z = 2.0
"""Standard errors before the predicted end that a poll far from it aims at."""
LATE_Z = 0.5
"""Standard errors past the predicted end that a poll near it aims at."""
PAST = 0.001
"""Seconds past the predicted end a poll aims at (a line known exactly would otherwise land
on the end itself, and rounding can put that a hair before it)."""
FLAT_RUN = 3
"""This many equal samples in a row at the end mean the job stalled: no prediction."""

Sample = tuple[float, float]
"""``(time, progress)``: the wait's monotonic clock, progress as a fraction 0..1."""


@attrs.frozen
class Forecast:
    """When a job is predicted to end, on the clock of the samples it came from."""

    end: float
    """The instant progress reaches 1 on the fitted line."""
    spread: float
    """One standard error of ``end``, in seconds (0 for samples exactly on a line)."""
    confidence: float
    """How well the line fits the samples: R², from 0 (no better than flat) to 1 (exact)."""


@attrs.frozen
class Trend:
    """A least-squares line through a job's progress samples: ``progress = at + rate * t``."""

    rate: float
    """Progress per second (a fraction of the job per second)."""
    at: float
    """The line's progress at time 0 (its intercept)."""
    residual: float
    """Standard deviation of the samples around the line (in progress, 0..1)."""
    confidence: float
    """R² of the fit (0..1)."""
    samples: int
    """How many samples the line was fitted to."""
    mean_time: float
    """The mean of the sample times."""
    time_ss: float
    """The sum of squared deviations of the sample times from their mean (> 0)."""

    @classmethod
    def fit(cls, samples: Sequence[tuple[float, float]]) -> Trend | None:
        """The line through ``samples``; None when there are fewer than :data:`MIN_SAMPLES`,
        they span no time, or the newest :data:`FLAT_RUN` are equal (a stall)."""
        n = len(samples)
        if n < MIN_SAMPLES:
            return None
        tail = [p for _, p in samples[-FLAT_RUN:]]
        if len(tail) == FLAT_RUN and max(tail) - min(tail) <= 0.0:
            return None
        try:
            return cls._fit(samples, n)
        except OverflowError:  # math.fsum's intermediate overflow: times far beyond a clock's
            return None

    @classmethod
    def _fit(cls, samples: Sequence[tuple[float, float]], n: int) -> Trend | None:
        # Products, never ``**``: a float power raises OverflowError where a product gives
        # inf, and a vendor's progress can be any float (a denormal one put a forecast's end
        # at 1e211 s); inf and nan are refused below.
        mean_t = math.fsum(t for t, _ in samples) / n
        mean_p = math.fsum(p for _, p in samples) / n
        stt = math.fsum((t - mean_t) * (t - mean_t) for t, _ in samples)
        spp = math.fsum((p - mean_p) * (p - mean_p) for _, p in samples)
        stp = math.fsum((t - mean_t) * (p - mean_p) for t, p in samples)
        if not stt > 0 or not math.isfinite(stt) or not math.isfinite(stp):
            return None
        rate = stp / stt
        at = mean_p - rate * mean_t
        sse = math.fsum((p - at - rate * t) * (p - at - rate * t) for t, p in samples)
        if not (math.isfinite(rate) and math.isfinite(at) and math.isfinite(sse)):
            return None
        confidence = 0.0 if spp <= 0 else min(max(1.0 - sse / spp, 0.0), 1.0)
        residual = math.sqrt(sse / (n - 2)) if n > 2 else 0.0
        return cls(
            rate=rate,
            at=at,
            residual=residual,
            confidence=confidence,
            samples=n,
            mean_time=mean_t,
            time_ss=stt,
        )

    def forecast(self) -> Forecast | None:
        """When the line reaches 1; None when progress is not going up."""
        if not self.rate > 0:
            return None
        end = (1.0 - self.at) / self.rate
        if not math.isfinite(end):
            return None
        # Standard error of a new reading at `end`, turned into time by the rate.
        n = self.samples
        off = end - self.mean_time
        leverage = 1.0 + 1.0 / n + off * off / self.time_ss
        spread = self.residual * math.sqrt(leverage) / self.rate
        if not math.isfinite(spread):
            return None
        return Forecast(end=end, spread=spread, confidence=self.confidence)


def pairs(flat: Sequence[float]) -> list[Sample]:
    """``[t0, p0, t1, p1, ...]`` (how a wait stores its readings) as ``(t, p)`` pairs."""
    return list(zip(flat[::2], flat[1::2], strict=True))


def forecast(samples: Sequence[tuple[float, float]]) -> Forecast | None:
    """The predicted end of a job from its samples, or None (too few, flat, backwards)."""
    trend = Trend.fit(samples)
    return None if trend is None else trend.forecast()
