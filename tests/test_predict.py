"""Predicting a job's end from its progress (issue #16 item 3): the fit, and the wait machine
aiming its polls with it, on a FakeClock."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobpoll import AlphaSMS, Forecast, JobState, JobStatus, PollPolicy, Trend, WaitTimeout
from jobpoll._core import Emit, Observation, Poll, Sleep, wait_machine
from jobpoll._predict import WINDOW
from jobpoll.alphasms import DEFAULT_POLICY as ALPHASMS_POLICY
from jobpoll.testing import AlphaSMSSimulator, FakeClock

# -- the fit ----------------------------------------------------------------------------------


def test_a_straight_line_is_fitted_exactly_and_its_end_read_off():
    trend = Trend.fit([(10.0, 0.1), (20.0, 0.2), (30.0, 0.3)])
    assert trend is not None
    assert trend.rate == pytest.approx(0.01)
    assert trend.at == pytest.approx(0.0, abs=1e-12)
    assert trend.confidence == pytest.approx(1.0)
    assert trend.residual == pytest.approx(0.0, abs=1e-12)
    forecast = trend.forecast()
    assert forecast is not None
    assert forecast.end == pytest.approx(100.0)
    assert forecast.spread == pytest.approx(0.0, abs=1e-9)


def test_noise_widens_the_spread_and_lowers_the_confidence():
    clean = Trend.fit([(t, t / 100) for t in range(0, 50, 5)])
    rng = random.Random(1)
    noisy = Trend.fit([(t, t / 100 + rng.gauss(0, 0.02)) for t in range(0, 50, 5)])
    assert clean is not None and noisy is not None
    a, b = clean.forecast(), noisy.forecast()
    assert a is not None and b is not None
    assert b.spread > a.spread and b.confidence < a.confidence
    assert b.end == pytest.approx(100, rel=0.15)


@pytest.mark.parametrize(
    "samples",
    [
        [],
        [(0.0, 0.1), (1.0, 0.2)],  # too few
        [(5.0, 0.1), (5.0, 0.2), (5.0, 0.3)],  # no time between them
        [(0.0, 0.1), (1.0, 0.4), (2.0, 0.4), (3.0, 0.4)],  # stalled
    ],
)
def test_no_line_from_too_little_or_stalled_progress(samples):
    assert Trend.fit(samples) is None


@pytest.mark.parametrize(
    "samples",
    [
        [(0.0, 0.5), (1.0, 0.4), (2.0, 0.3)],  # backwards
        [(0.0, 0.2), (1.0, 0.6), (2.0, 0.2)],  # up and down: no rate
    ],
)
def test_no_forecast_from_progress_that_is_not_going_up(samples):
    trend = Trend.fit(samples)
    assert trend is not None and trend.forecast() is None


def test_a_denormal_reading_predicts_nothing_instead_of_overflowing():
    # Found by test_core's property test: 0 then 5e-212 put the end at ~1e211 s, whose square
    # raised OverflowError out of the wait.
    samples = [(100.0, 0.0), (100.01, 0.0), (100.03, 5.282201666823461e-212)]
    trend = Trend.fit(samples)
    assert trend is not None and trend.rate > 0
    assert trend.forecast() is None


@settings(max_examples=500)
@given(
    samples=st.lists(
        st.tuples(
            st.floats(allow_nan=False, allow_infinity=False),
            st.floats(0.0, 1.0) | st.sampled_from([0.0, 5e-324, 1e-300, 1.0 - 1e-16]),
        ),
        max_size=WINDOW,
    )
)
def test_any_finite_samples_fit_and_forecast_without_raising(samples):
    trend = Trend.fit(samples)
    forecast = None if trend is None else trend.forecast()
    if forecast is not None:
        assert math.isfinite(forecast.end) and math.isfinite(forecast.spread)
        assert forecast.spread >= 0 and 0.0 <= forecast.confidence <= 1.0


def test_forecast_values_are_frozen():
    f = Forecast(end=1.0, spread=0.0, confidence=1.0)
    with pytest.raises(AttributeError):
        f.end = 2.0  # type: ignore[misc]


# -- the machine, on a FakeClock --------------------------------------------------------------

Progress = Callable[[float], "float | None"]


def run(
    policy: PollPolicy,
    duration: float,
    progress: Progress,
    *,
    timeout: float | None = None,
    seed: int = 0,
) -> tuple[int, float, list[float]]:
    """Wait for a job ending at ``duration`` that reports ``progress(t)`` while it runs.

    Returns (polls, the time the end was seen or the wait gave up, every sleep)."""
    clock = FakeClock()
    rng = random.Random(seed)
    machine = wait_machine(
        "bench", "j", policy=policy, now=clock.now(), timeout=timeout, random=rng.random
    )
    polls, sleeps = 0, []
    command = next(machine)
    try:
        while True:
            reply: Observation | float
            if isinstance(command, Poll):
                polls += 1
                now = clock.now()
                if now >= duration:
                    status = JobStatus(vendor="v", job_id="j", state=JobState.SUCCEEDED)
                else:
                    p = progress(now)
                    status = JobStatus(vendor="v", job_id="j", state=JobState.RUNNING, progress=p)
                reply = Observation(now, status=status)
            elif isinstance(command, Sleep):
                sleeps.append(command.seconds)
                clock.sleep(command.seconds)
                reply = clock.now()
            else:
                assert isinstance(command, Emit)
                reply = clock.now()
            command = machine.send(reply)
    except StopIteration:
        pass
    return polls, clock.now(), sleeps


def linear(duration: float) -> Progress:
    return lambda t: min(t / duration, 1.0)


POLICIES = st.sampled_from(
    [
        PollPolicy(),
        PollPolicy(initial_delay=2, multiplier=1.5, max_delay=60, min_delay=1),
        ALPHASMS_POLICY,
        PollPolicy(initial_delay=0.5, multiplier=1.3, max_delay=12, jitter=0.2),
    ]
)


@settings(max_examples=60, deadline=None)
@given(policy=POLICIES, duration=st.floats(30, 5_000), seed=st.integers(0, 2**16))
def test_linear_progress_costs_fewer_polls_and_is_seen_close_to_the_end(policy, duration, seed):
    aimed, seen, sleeps = run(policy, duration, linear(duration), seed=seed)
    plain, _, _ = run(policy.replace(use_progress=False), duration, lambda t: None, seed=seed)
    assert aimed <= plain
    # The line is exact: the poll lands just past the end, or the floor after the poll before.
    assert 0 <= seen - duration <= policy.clamp(policy.initial_delay) + 0.01
    assert all(policy.min_delay <= s <= policy.max_delay for s in sleeps)


def test_on_jobs_of_ten_minutes_progress_saves_polls_and_lag():
    aimed, seen, _ = run(PollPolicy(), 600, linear(600))
    plain, plain_seen, _ = run(PollPolicy(use_progress=False), 600, linear(600))
    assert aimed < plain - 5
    assert seen - 600 < 1.0 < plain_seen - 600


def test_noisy_linear_progress_on_heavy_tailed_jobs_meets_the_issue_target():
    # BENCHMARKS.md §3 at a small size: log-normal jobs (median 30 s) reporting progress with
    # 5 % noise on the rate; >= 30 % fewer requests than backoff alone, and a lower p50 lag.
    rng = random.Random(7)
    durations = [rng.lognormvariate(math.log(30), 1.586) for _ in range(300)]
    noise = random.Random(8)

    def noisy(d: float) -> Progress:
        return lambda t: round(min(max(t / d * (1 + noise.gauss(0, 0.05)), 0.0), 1.0), 2)

    aimed = [run(PollPolicy(), d, noisy(d), seed=i) for i, d in enumerate(durations)]
    plain = [
        run(PollPolicy(use_progress=False), d, noisy(d), seed=i) for i, d in enumerate(durations)
    ]

    def p50_lag(results: list[tuple[int, float, list[float]]]) -> float:
        lags = sorted(seen - d for (_, seen, _), d in zip(results, durations, strict=True))
        return lags[len(lags) // 2]

    assert sum(n for n, _, _ in aimed) <= 0.7 * sum(n for n, _, _ in plain)
    assert p50_lag(aimed) < p50_lag(plain)


def flat(level: float) -> Progress:
    return lambda t: level


def backwards(start: float) -> Progress:
    return lambda t: max(start - t / 1_000, 0.0)


def zigzag(low: float, high: float) -> Progress:
    return lambda t: high if math.floor(t) % 2 else low


@settings(max_examples=60, deadline=None)
@given(
    policy=POLICIES,
    duration=st.floats(1, 2_000),
    seed=st.integers(0, 2**16),
    shape=st.sampled_from(["flat", "backwards", "none"]),
    level=st.floats(0, 1),
)
def test_flat_backwards_or_absent_progress_polls_exactly_as_backoff(
    policy, duration, seed, shape, level
):
    progress = {"flat": flat(level), "backwards": backwards(level), "none": lambda t: None}[shape]
    assert run(policy, duration, progress, seed=seed) == run(
        policy.replace(use_progress=False), duration, progress, seed=seed
    )


@pytest.mark.parametrize("seed", range(20))
def test_erratic_progress_polls_exactly_as_backoff(seed):
    policy = PollPolicy(jitter=0)
    progress = zigzag(0.1, 0.9)
    assert run(policy, 300, progress, seed=seed) == run(
        policy.replace(use_progress=False), 300, progress, seed=seed
    )


@settings(max_examples=60, deadline=None)
@given(
    policy=POLICIES,
    duration=st.floats(30, 5_000),
    timeout=st.floats(1, 1_000),
    seed=st.integers(0, 2**16),
)
def test_aimed_sleeps_never_cross_the_deadline(policy, duration, timeout, seed):
    stopped: float | None = None
    try:
        _, stopped, _ = run(policy, duration, linear(duration), timeout=timeout, seed=seed)
    except WaitTimeout as err:
        stopped = err.stats.elapsed_s if err.stats else None
    assert stopped is not None
    assert stopped <= timeout


def test_progress_that_stops_being_reported_is_forgotten():
    # Readings until t = 4 s (a forecast is made from them), none after: from then on every
    # sleep is the backoff's, not a line through the stale readings.
    policy = PollPolicy(jitter=0)

    def progress(t: float) -> float | None:
        return t / 100 if t < 4 else None

    _, _, sleeps = run(policy, 300, progress)
    times = [sum(sleeps[:i]) for i in range(len(sleeps))]  # when poll i + 1 was made
    assert any(s != policy.backoff(i + 1, lambda: 0.5) for i, s in enumerate(sleeps[:5]))
    after = [(i + 1, s) for i, (t, s) in enumerate(zip(times, sleeps, strict=True)) if t >= 4]
    assert after
    assert all(s == policy.backoff(n, lambda: 0.5) for n, s in after)


# -- end to end: the AlphaSMS simulator reports progress 0..100 -----------------------------


def test_alphasms_wait_aims_at_the_end_its_progress_predicts():
    clock = FakeClock()
    sim = AlphaSMSSimulator(clock=clock)
    with (
        sim.serve(),
        AlphaSMS(
            api_key=sim.api_key,
            base_url=sim.url,
            clock=clock.now,
            sleep=clock.sleep,
            random=lambda: 0.5,
        ) as sms,
    ):
        aimed = sms.wait(sim.add_job(duration=600), timeout=None)
        plain = sms.wait(
            sim.add_job(duration=600),
            timeout=None,
            policy=ALPHASMS_POLICY.replace(use_progress=False),
        )
    assert aimed.stats.attempts <= plain.stats.attempts
    assert aimed.stats.elapsed_s - 600 <= ALPHASMS_POLICY.initial_delay + 1
    assert plain.stats.elapsed_s - 600 > 30
