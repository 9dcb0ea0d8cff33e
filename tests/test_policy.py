"""PollPolicy validation and delay arithmetic."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from jobpoll import PollPolicy


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
