"""Benchmark 3b: the webhook hybrid (wake on the vendor's webhook, poll as the safety net).

The same job populations as ``bench/lag.py`` (log-normal durations, median 30 s, p99 20 min,
the same seeds). A job submitted on a client with a ``WebhookReceiver`` is tied to it: its wait
runs exactly what the client runs — ``jobpoll._core.wait_machine`` on the receiver's
fallback policy, started with ``Start(first_sleep=...)`` (a first sleep of the fallback
policy's first delay) — on an injected clock, where a verified webhook ends the sleep it falls in
(the wake path: the machine is sent the time, and polls). The webhook arrives ``LATENCY``
seconds after the job ends (an assumption: neither vendor documents a delivery delay), or never
when it is dropped. Requests per job count every status request; the ratio is against the
fixed-1 s loop on the same jobs in the same run.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jobpoll import PollPolicy
from jobpoll._core import Start
from jobpoll._webhooks import FALLBACK_POLICY

from . import lag
from ._common import Spread, ratio_spread, table

LATENCY = 0.1
"""Seconds from a job's end to its webhook's arrival (assumed)."""

DROP_SHARE = 0.2
MAX_REQUESTS = 1.5  # per job, every webhook delivered (the target)
MAX_P50_LAG = 0.2  # seconds, every webhook delivered


def via_hybrid(
    policy: PollPolicy, duration: float, webhook_at: float | None, rnd: Callable[[], float]
) -> tuple[int, float]:
    """One tied wait against a job ending at ``duration`` whose webhook arrives at
    ``webhook_at`` (None: dropped). Returns (requests, time the end was seen)."""
    start = Start(first_sleep=policy.initial_delay)
    return lag.via_machine(policy, duration, rnd, start=start, wake_at=webhook_at)


def _hybrid(
    ds: Sequence[float], seed: int, drop: float, policy: PollPolicy
) -> list[tuple[int, float]]:
    rng = random.Random(seed)
    jitter = random.Random(seed + 1).random
    out = []
    for d in ds:
        dropped = rng.random() < drop
        out.append(via_hybrid(policy, d, None if dropped else d + LATENCY, jitter))
    return out


def run(*, quick: bool = False, jobs: int | None = None, runs: int | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    jobs = jobs or (1_000 if quick else 3_000)
    runs = runs or (3 if quick else 5)
    samples = [lag.durations(jobs, lag.SEED + i) for i in range(runs)]
    fixed1 = next(c for c in lag.BASELINES if c.name == lag.FIXED_1)
    default = lag.Contender(lag.DEFAULT, "jobpoll PollPolicy()", policy=PollPolicy())
    cases: list[tuple[str, str, Callable[[Sequence[float], int], list[tuple[int, float]]]]] = [
        (lag.FIXED_1, fixed1.like, fixed1.run),
        (lag.DEFAULT, "polling only, no webhook", default.run),
        (
            "webhook, all delivered",
            "every webhook arrives 0.1 s after the end",
            lambda ds, s: _hybrid(ds, s, 0.0, FALLBACK_POLICY),
        ),
        (
            f"webhook, {DROP_SHARE:.0%} dropped",
            "the rest poll on the fallback policy",
            lambda ds, s: _hybrid(ds, s, DROP_SHARE, FALLBACK_POLICY),
        ),
        (
            "webhook, all dropped",
            "the fallback policy alone",
            lambda ds, s: _hybrid(ds, s, 1.0, FALLBACK_POLICY),
        ),
    ]
    measured: dict[str, list[lag.Measure]] = {name: [] for name, _, _ in cases}
    worst: dict[str, float] = {name: 0.0 for name, _, _ in cases}
    for i, ds in enumerate(samples):
        for name, _, fn in cases:
            results = fn(ds, lag.SEED + 300 + i)
            measured[name].append(lag.Measure.of(results, ds))
            lags = [seen - d for (_, seen), d in zip(results, ds, strict=True)]
            worst[name] = max(worst[name], *lags)
    base = [m.requests for m in measured[lag.FIXED_1]]
    rows = [
        {
            "name": name,
            "like": like,
            "requests": Spread.of(m.requests for m in measured[name]),
            "requests_vs_fixed_1s": ratio_spread([m.requests for m in measured[name]], base),
            "lag_p50_s": Spread.of(m.lag_p50 for m in measured[name]),
            "lag_p95_s": Spread.of(m.lag_p95 for m in measured[name]),
            "lag_p50_fraction": Spread.of(m.frac_p50 for m in measured[name]),
            "lag_p95_fraction": Spread.of(m.frac_p95 for m in measured[name]),
            "lag_max_s": worst[name],
        }
        for name, like, _ in cases
    ]
    by = {r["name"]: r for r in rows}
    delivered = by["webhook, all delivered"]
    dropped = by[f"webhook, {DROP_SHARE:.0%} dropped"]
    bound = FALLBACK_POLICY.max_delay * (1 + FALLBACK_POLICY.jitter)
    return {
        "jobs": jobs,
        "runs": runs,
        "rows": rows,
        "policy": FALLBACK_POLICY,
        "bound_s": bound,
        "meets_requests": delivered["requests"].hi <= MAX_REQUESTS,
        "meets_lag": delivered["lag_p50_s"].hi <= MAX_P50_LAG,
        "dropped_within_bound": dropped["lag_max_s"] <= bound + LATENCY,
        "seconds": time.perf_counter() - started,
    }


def headlines(res: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    by = {r["name"]: r for r in res["rows"]}
    delivered = by["webhook, all delivered"]
    dropped = by[f"webhook, {DROP_SHARE:.0%} dropped"]

    def ok(flag: bool) -> str:
        return "met" if flag else "**missed**"

    return [
        (
            "3b. webhooks, all delivered",
            f"≤ {MAX_REQUESTS:g} requests/job",
            delivered["requests"].fmt(2),
            ok(res["meets_requests"]),
        ),
        (
            "3b. webhooks, all delivered",
            f"p50 lag ≤ {MAX_P50_LAG:g} s",
            delivered["lag_p50_s"].fmt(2) + " s",
            ok(res["meets_lag"]),
        ),
        (
            f"3b. webhooks, {DROP_SHARE:.0%} dropped",
            f"lag bounded by the fallback's max_delay (+jitter): ≤ {res['bound_s']:g} s",
            f"p95 {dropped['lag_p95_s'].fmt(1)} s, max {dropped['lag_max_s']:.1f} s",
            ok(res["dropped_within_bound"]),
        ),
    ]


def markdown(res: dict[str, Any]) -> str:
    p = res["policy"]
    lines = [
        "## 3b. Webhooks: wake on the vendor's push, poll as the safety net",
        "",
        f"The same {res['jobs']:,} jobs per run and {res['runs']} runs as §3 (same seeds). A job "
        "submitted on a client given `webhooks=WebhookReceiver(...)` is tied to it: its wait "
        "first sleeps the fallback policy's first delay, and a verified webhook ends whatever "
        "sleep it falls in, so the next poll happens then and decides. What runs is the "
        "client's own path (`_core.wait_machine` with `Start(first_sleep=...)`) on an "
        "injected clock. "
        f"A webhook arrives {LATENCY:g} s after its job ends (assumed: neither vendor documents "
        "a delivery delay) or never (dropped, chosen per job at random). Fallback policy: "
        f"`PollPolicy(initial_delay={p.initial_delay:g}, multiplier={p.multiplier:g}, "
        f"max_delay={p.max_delay:g}, jitter={p.jitter:g})`. Ratios are against the fixed-1 s "
        "loop on the same jobs in the same run.",
        "",
        table(
            [
                "wait",
                "what",
                "requests/job",
                "vs fixed 1 s",
                "lag p50 (s)",
                "lag p95 (s)",
                "lag max (s)",
            ],
            [
                (
                    f"**{r['name']}**" if r["name"].startswith("webhook") else r["name"],
                    r["like"],
                    r["requests"].fmt(2),
                    r["requests_vs_fixed_1s"].fmt(3) + "x",
                    r["lag_p50_s"].fmt(2),
                    r["lag_p95_s"].fmt(1),
                    f"{r['lag_max_s']:.1f}",
                )
                for r in res["rows"]
            ],
        ),
        "",
        f"With a webhook dropped, the wait still sees the end at its next fallback poll: the lag "
        f"is at most one fallback delay, never more than `max_delay` * (1 + jitter) = "
        f"{res['bound_s']:g} s (plus the webhook latency for the others). With every webhook "
        "delivered, a job shorter than the first delay costs one request; a longer one adds the "
        "fallback polls made before its end. §3's plot shows the delivered and the 20 %-dropped "
        "rows as *jobpoll + webhook* (drawn by `python -m bench` when both run).",
        "",
        f"Took {res['seconds']:.1f} s.",
        "",
    ]
    return "\n".join(lines)


def add_to_plot(lag_rows: list[dict[str, Any]], res: dict[str, Any], path: Path) -> str:
    """Redraw §3's plot with the webhook rows (delivered, 20 % dropped) among its points."""
    extra = [
        r | {"name": r["name"].replace("webhook", "jobpoll + webhook")}
        for r in res["rows"]
        if r["name"] in ("webhook, all delivered", f"webhook, {DROP_SHARE:.0%} dropped")
    ]
    return lag._plot([*lag_rows, *extra], path)
