"""PollPolicy validation and delay arithmetic."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from jobpoll import Forecast, PollPolicy


def test_defaults_are_sane():
    p = PollPolicy()
    assert p.min_delay <= p.initial_delay <= p.max_delay
    assert p.multiplier >= 1 and 0 <= p.jitter < 1
    assert p.max_retries >= 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("initial_delay", -1),
        ("initial_delay", float("nan")),
        ("max_delay", 0),
        ("max_delay", math.inf),
        ("min_delay", -0.1),
        ("multiplier", 0.5),
        ("jitter", 1.0),
        ("jitter", -0.1),
        ("max_attempts", 0),
        ("max_retries", -1),
        ("request_timeout", 0),
        ("min_poll_time", float("nan")),
    ],
)
def test_bad_values_are_refused_naming_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        PollPolicy(**{field: value})


def test_min_above_max_is_refused():
    with pytest.raises(ValueError, match="min_delay"):
        PollPolicy(min_delay=10, max_delay=5)


def test_non_numbers_are_type_errors():
    with pytest.raises(TypeError, match="initial_delay"):
        PollPolicy(initial_delay="1")  # type: ignore[arg-type]


def test_policy_is_frozen_and_replace_validates():
    p = PollPolicy()
    with pytest.raises(AttributeError):
        p.max_delay = 3  # type: ignore[misc]
    assert p.replace(max_delay=5).max_delay == 5
    with pytest.raises(ValueError, match="max_delay"):
        p.replace(max_delay=-5)


def test_backoff_grows_geometrically_then_caps():
    p = PollPolicy(initial_delay=1, multiplier=2, max_delay=10, min_delay=0, jitter=0)
    assert [p.backoff(n, lambda: 0.5) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]


def test_huge_attempt_numbers_do_not_overflow():
    p = PollPolicy(multiplier=10)
    assert p.backoff(10**6, lambda: 0.5) == p.max_delay


def test_jitter_spreads_within_fraction():
    p = PollPolicy(initial_delay=10, multiplier=1, max_delay=100, min_delay=0, jitter=0.2)
    assert p.backoff(1, lambda: 0.0) == pytest.approx(8.0)
    assert p.backoff(1, lambda: 0.999999) == pytest.approx(12.0, rel=1e-5)


def test_hint_replaces_backoff_and_is_clamped():
    p = PollPolicy(min_delay=2, max_delay=20, jitter=0)
    assert p.next_delay(1, 7.0, lambda: 0.5) == 7.0
    assert p.next_delay(1, 0.0, lambda: 0.5) == 2.0
    assert p.next_delay(1, 500.0, lambda: 0.5) == 20.0
    assert p.replace(honor_retry_after=False).next_delay(1, 7.0, lambda: 0.5) == p.backoff(
        1, lambda: 0.5
    )


@given(
    initial=st.floats(0, 100),
    mult=st.floats(1, 5),
    lo=st.floats(0, 10),
    span=st.floats(0.001, 300),
    jitter=st.floats(0, 0.99),
    attempt=st.integers(0, 10_000),
    r=st.floats(0, 1, exclude_max=True),
    hint=st.none() | st.floats(0, 1e6),
)
# A subnormal initial delay stays under the cap while 2 ** 1024 alone overflows (issue #17).
@example(initial=2.2e-313, mult=2, lo=0.5, span=14.5, jitter=0.1, attempt=1025, r=0.5, hint=None)
def test_every_delay_is_within_bounds(initial, mult, lo, span, jitter, attempt, r, hint):
    p = PollPolicy(
        initial_delay=initial, multiplier=mult, min_delay=lo, max_delay=lo + span, jitter=jitter
    )
    d = p.next_delay(attempt, hint, lambda: r)
    assert p.min_delay <= d <= p.max_delay


def test_subnormal_initial_delay_does_not_overflow():
    p = PollPolicy(initial_delay=2.2e-313, multiplier=2, min_delay=0.0, jitter=0.0)
    assert p.backoff(1025, lambda: 0.5) == pytest.approx(2.2e-313 * 2.0**1000 * 2.0**24)
    assert p.backoff(1026, lambda: 0.5) == pytest.approx(2 * p.backoff(1025, lambda: 0.5))
    assert p.backoff(10**6, lambda: 0.5) == p.max_delay


# -- aiming at the end a job's progress predicts (issue #16) -----------------------------------


def test_progress_is_used_by_default_and_can_be_turned_off():
    assert PollPolicy().use_progress is True
    sharp = Forecast(end=50, spread=0, confidence=1)
    assert PollPolicy().aim(sharp, 0, 1) == 15
    assert PollPolicy(use_progress=False).aim(sharp, 0, 1) is None


def test_a_sharp_end_in_reach_is_aimed_just_past_a_vague_far_one_at_its_early_edge():
    p = PollPolicy(initial_delay=1, min_delay=0.5, max_delay=15, jitter=0)
    # Known to 1 s (better than the 2 s backoff), 10 s away: just past it.
    assert p.aim(Forecast(end=110, spread=1, confidence=1), 100, 2) == pytest.approx(10.501)
    assert p.aim(Forecast(end=103, spread=1, confidence=1), 100, 2) == pytest.approx(3.501)
    # Known to 3 s only, but surely not done for 12 - 2 * 3 = 6 s: sleep to there.
    assert p.aim(Forecast(end=112, spread=3, confidence=1), 100, 2) == pytest.approx(6)
    # Far past the ceiling: the ceiling.
    assert p.aim(Forecast(end=1000, spread=1, confidence=1), 100, 2) == 15
    # Overdue: the floor (initial_delay), not min_delay.
    assert p.aim(Forecast(end=90, spread=0, confidence=1), 100, 2) == 1


def test_vague_or_poorly_fitted_forecasts_leave_backoff_in_charge():
    p = PollPolicy()
    assert p.aim(Forecast(end=110, spread=8, confidence=1), 100, 2) is None  # too vague
    assert p.aim(Forecast(end=110, spread=0, confidence=0.2), 100, 2) is None  # poor fit
    assert p.aim(None, 100, 2) is None


def test_hint_wins_over_a_forecast_and_a_forecast_needs_now():
    p = PollPolicy(min_delay=2, max_delay=20, jitter=0)
    f = Forecast(end=60, spread=0, confidence=1)
    assert p.next_delay(1, 7.0, lambda: 0.5, forecast=f, now=50) == 7.0
    assert p.next_delay(1, None, lambda: 0.5, forecast=f, now=50) == pytest.approx(10.001)
    assert p.next_delay(1, None, lambda: 0.5, forecast=None, now=50) == p.backoff(1, lambda: 0.5)
    with pytest.raises(ValueError, match="now="):
        p.next_delay(1, None, lambda: 0.5, forecast=f)


@given(
    initial=st.floats(0, 100),
    lo=st.floats(0, 10),
    span=st.floats(0.001, 300),
    attempt=st.integers(0, 10_000),
    r=st.floats(0, 1, exclude_max=True),
    hint=st.none() | st.floats(0, 1e6),
    end=st.floats(-1e6, 1e6),
    spread=st.floats(0, 1e6),
    confidence=st.floats(0, 1),
    now=st.floats(-1e6, 1e6),
)
def test_aimed_delays_stay_within_floor_and_ceiling(
    initial, lo, span, attempt, r, hint, end, spread, confidence, now
):
    p = PollPolicy(initial_delay=initial, min_delay=lo, max_delay=lo + span)
    f = Forecast(end=end, spread=spread, confidence=confidence)
    d = p.next_delay(attempt, hint, lambda: r, forecast=f, now=now)
    assert p.min_delay <= d <= p.max_delay
    aimed = p.aim(f, now, p.backoff(attempt, lambda: r))
    if aimed is not None:
        assert p.clamp(p.initial_delay) <= aimed <= p.max_delay
