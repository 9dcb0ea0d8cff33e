"""Benchmark 3: requests per job versus detection lag, on an injected clock.

Job durations are drawn from a log-normal distribution (median 30 s, p99 20 min; fixed seeds).
jobpoll's policies run through the real state machine (``jobpoll._core.wait_machine``) with a
fake job and a fake clock: exact, and fast because nothing sleeps. The other tools' policies
are their loops written out (poll, then sleep the tool's next delay), which is all that
decides how many requests they send and how late they see the end.

*Detection lag* is the time from the job's end to the poll that saw it; *requests per job*
counts every status request, the last one included.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist, fmean
from typing import Any

from jobpoll import JobState, JobStatus, PollPolicy
from jobpoll._core import Emit, Observation, Poll, Sleep, Start, wait_machine

from ._common import Spread, percentile, ratio_spread, table

MEDIAN_S = 30.0
P99_S = 20 * 60.0
MU = math.log(MEDIAN_S)
SIGMA = math.log(P99_S / MEDIAN_S) / NormalDist().inv_cdf(0.99)
SEED = 20_240_611
PLOT = Path(__file__).resolve().parent / "requests_vs_lag.png"

# The targets of the issue.
MAX_REQUEST_SHARE = 0.25  # of the fixed-1 s loop's requests
MAX_P50_LAG_FRACTION = 0.10  # of the job's duration

Delays = Callable[[random.Random], Iterator[float]]


def durations(n: int, seed: int) -> list[float]:
    """``n`` job durations in seconds, log-normal with median 30 s and p99 20 min."""
    rng = random.Random(seed)
    return [rng.lognormvariate(MU, SIGMA) for _ in range(n)]


# -- the three ways of running one wait -------------------------------------------------------

_RUNNING = JobStatus(vendor="bench", job_id="j", state=JobState.RUNNING)
_DONE = JobStatus(vendor="bench", job_id="j", state=JobState.SUCCEEDED)


Progress = Callable[[float, float], float]
"""``progress(now, duration)``: the fraction a running job reports at ``now``."""


def via_machine(  # the job, and how its wait starts and is woken
    policy: PollPolicy,
    duration: float,
    rnd: Callable[[], float],
    progress: Progress | None = None,
    *,
    start: Start | None = None,
    wake_at: float | None = None,
) -> tuple[int, float]:
    """Run jobpoll's state machine against a job that ends at ``duration`` (reporting
    ``progress(now, duration)`` while it runs, if given). ``wake_at``: when a webhook ends
    whatever sleep it falls in (None: never).

    Returns (requests sent, time the end was seen), on the machine's own injected clock.
    """
    machine = wait_machine(
        "bench", "j", policy=policy, now=0.0, timeout=None, random=rnd, start=start
    )
    now = 0.0
    polls = 0
    command = next(machine)
    try:
        while True:
            reply: Observation | float
            if isinstance(command, Poll):
                polls += 1
                if now >= duration:
                    status = _DONE
                elif progress is None:
                    status = _RUNNING
                else:
                    status = JobStatus(
                        vendor="bench",
                        job_id="j",
                        state=JobState.RUNNING,
                        progress=progress(now, duration),
                    )
                reply = Observation(now, status=status)
            elif isinstance(command, Sleep):
                end = now + command.seconds
                if wake_at is not None and wake_at <= end:
                    now = max(now, wake_at)  # the webhook ends this sleep
                    wake_at = None
                else:
                    now = end
                reply = now
            else:
                assert isinstance(command, Emit)
                reply = now
            command = machine.send(reply)
    except StopIteration:
        pass
    return polls, now


def via_policy_arithmetic(
    policy: PollPolicy, duration: float, rnd: Callable[[], float]
) -> tuple[int, float]:
    """What :func:`via_machine` computes, with the machine's bookkeeping left out.

    Without errors, server hints or a deadline the machine sleeps exactly
    ``policy.next_delay(attempt, None, random)`` after each poll. This is that arithmetic
    (``PollPolicy.backoff``) inlined, about twenty times faster than the machine, for the
    parameter sweep; :func:`check_equivalence` holds the two equal to the last bit.
    """
    initial, mult, jitter = policy.initial_delay, policy.multiplier, policy.jitter
    lo, hi = policy.min_delay, policy.max_delay
    now = 0.0
    polls = 0
    while True:
        polls += 1
        if now >= duration:
            return polls, now
        exponent = polls - 1
        base = hi if exponent > 1000 else initial * mult**exponent
        base = min(base, hi)
        delay = min(max(base * (1.0 + jitter * (2.0 * rnd() - 1.0)), lo), hi)
        if delay > 0:
            now += delay


def via_loop(delays: Iterator[float], duration: float) -> tuple[int, float]:
    """A generic poll loop (polling2, tenacity, botocore, ...): poll, sleep the next delay."""
    now = 0.0
    polls = 1
    while now < duration:
        now += next(delays)
        polls += 1
    return polls, now


def check_equivalence(policy: PollPolicy, ds: Sequence[float], seed: int) -> None:
    """Raise if the fast arithmetic and the real machine disagree on any of ``ds``."""
    a, b = random.Random(seed), random.Random(seed)
    for d in ds:
        fast = via_policy_arithmetic(policy, d, a.random)
        real = via_machine(policy, d, b.random)
        if fast != real:
            raise AssertionError(f"fast model {fast} != machine {real} for a {d:.3f} s job")


# -- the contenders ---------------------------------------------------------------------------


def fixed(step: float) -> Delays:
    return lambda _rng: itertools.repeat(step)


def full_jitter(initial: float, maximum: float, multiplier: float) -> Delays:
    """google-api-core's ``exponential_sleep_generator``: uniform(0, cap), cap grows to max."""

    def gen(rng: random.Random) -> Iterator[float]:
        cap = min(initial, maximum)
        while True:
            yield rng.uniform(0.0, cap)
            cap = min(cap * multiplier, maximum)

    return gen


def rate_noise(sigma: float) -> Callable[[random.Random], Progress]:
    """Jobs that run at a steady pace and report it with noise: at ``t`` of a ``d`` s job the
    reading is ``t / d * (1 + N(0, sigma))``, in whole percent like AlphaSMS (0..100), so the
    apparent rate of each reading is off by ``sigma`` (relative)."""

    def make(rng: random.Random) -> Progress:
        def progress(now: float, duration: float) -> float:
            v = now / duration * (1.0 + rng.gauss(0.0, sigma))
            return round(min(max(v, 0.0), 1.0), 2)

        return progress

    return make


def reading_noise(sigma: float) -> Callable[[random.Random], Progress]:
    """A harder case: each reading is off by ``N(0, sigma)`` of the whole job (absolute), so
    early readings, and all readings of a long job, are mostly noise."""

    def make(rng: random.Random) -> Progress:
        def progress(now: float, duration: float) -> float:
            v = now / duration + rng.gauss(0.0, sigma)
            return round(min(max(v, 0.0), 1.0), 2)

        return progress

    return make


@dataclass(frozen=True)
class Contender:
    name: str
    like: str
    policy: PollPolicy | None = None
    delays: Delays | None = None
    progress: Callable[[random.Random], Progress] | None = None
    """The jobs report progress (made from a noise generator of their own); None: they don't."""

    def run(self, ds: Sequence[float], seed: int, *, fast: bool = False) -> list[tuple[int, float]]:
        rng = random.Random(seed)
        if self.policy is not None and self.progress is not None:
            progress = self.progress(random.Random(seed + 1))
            return [via_machine(self.policy, d, rng.random, progress) for d in ds]
        if self.policy is not None:
            one = via_policy_arithmetic if fast else via_machine
            return [one(self.policy, d, rng.random) for d in ds]
        assert self.delays is not None
        return [via_loop(self.delays(rng), d) for d in ds]


DEFAULT = "jobpoll default"
FIXED_1 = "fixed 1 s"
BASELINES = (
    Contender(FIXED_1, "a polling2 / tenacity loop", delays=fixed(1.0)),
    Contender("fixed 15 s", "botocore waiters' median delay", delays=fixed(15.0)),
    Contender(
        "1→20 s x1.5, full jitter",
        "google-api-core PollingFuture",
        delays=full_jitter(1.0, 20.0, 1.5),
    ),
    Contender("fixed 30 s", "azure-core LROPoller without Retry-After", delays=fixed(30.0)),
)

# Jobs that report progress (the same durations and seeds). On jobs that report none, the
# default row is what PollPolicy() does; on these, what it does with use_progress=False.
PROGRESS_ROWS = (
    Contender(
        "jobpoll, progress ±2 %",
        "PollPolicy() on jobs reporting progress, rate noise 2 %",
        policy=PollPolicy(),
        progress=rate_noise(0.02),
    ),
    Contender(
        "jobpoll, progress ±5 %",
        "PollPolicy() on jobs reporting progress, rate noise 5 %",
        policy=PollPolicy(),
        progress=rate_noise(0.05),
    ),
    Contender(
        "jobpoll, progress, reading noise 5 %",
        "PollPolicy() on jobs reporting progress, each reading ±5 % of the job",
        policy=PollPolicy(),
        progress=reading_noise(0.05),
    ),
)
PROGRESS_TARGETED = PROGRESS_ROWS[:2]
MAX_PROGRESS_SHARE = 0.70  # of the default policy's requests, at an equal or lower p50 lag


# -- measuring --------------------------------------------------------------------------------


@dataclass
class Measure:
    """One contender on one sample of jobs."""

    requests: float  # mean requests per job
    lag_p50: float
    lag_p95: float
    frac_p50: float  # lag as a fraction of the job's duration
    frac_p95: float

    @classmethod
    def of(cls, results: Sequence[tuple[int, float]], ds: Sequence[float]) -> Measure:
        lags = sorted(seen - d for (_, seen), d in zip(results, ds, strict=True))
        fracs = sorted((seen - d) / d for (_, seen), d in zip(results, ds, strict=True))
        return cls(
            requests=fmean(n for n, _ in results),
            lag_p50=percentile(lags, 0.50),
            lag_p95=percentile(lags, 0.95),
            frac_p50=percentile(fracs, 0.50),
            frac_p95=percentile(fracs, 0.95),
        )


@dataclass
class Row:
    contender: Contender
    runs: list[Measure] = field(default_factory=list)

    def spread(self, attr: str) -> Spread:
        return Spread.of(getattr(m, attr) for m in self.runs)


def dominated_by(
    me: Measure, others: Sequence[tuple[str, Measure]], margin: float = 1.0
) -> list[str]:
    """The names of the policies with both fewer requests and a lower p95 lag than ``me``.

    With ``margin`` < 1 a policy with fewer requests must also have a p95 lag above
    ``me.lag_p95 / margin`` for ``me`` to stay clear of it.
    """
    return [
        name
        for name, other in others
        if other.requests < me.requests and other.lag_p95 < me.lag_p95 / margin
    ]


def _fmt_policy(p: PollPolicy) -> str:
    return (
        f"PollPolicy(initial_delay={p.initial_delay:g}, multiplier={p.multiplier:g}, "
        f"max_delay={p.max_delay:g}, jitter={p.jitter:g})"
    )


# -- the sweep --------------------------------------------------------------------------------


@dataclass
class Candidate:
    policy: PollPolicy
    runs: list[Measure]
    ok: bool
    why_not: str = ""


def _judge(
    policy: PollPolicy,
    runs: list[Measure],
    baselines: list[dict[str, Measure]],
    defaults: list[Measure],
    margin: float,
) -> Candidate:
    """Does ``policy`` meet the targets in every run, with ``margin`` to spare?

    Besides the issue's targets, short jobs must not pay for it: the p95 of lag / duration
    may not be worse than the current default's.
    """
    for m, base, default in zip(runs, baselines, defaults, strict=True):
        share = m.requests / base[FIXED_1].requests
        if share > MAX_REQUEST_SHARE * margin:
            return Candidate(policy, runs, ok=False, why_not=f"{share:.0%} of fixed-1 s requests")
        if m.frac_p50 > MAX_P50_LAG_FRACTION * margin:
            return Candidate(
                policy, runs, ok=False, why_not=f"p50 lag {m.frac_p50:.1%} of duration"
            )
        beaten = dominated_by(m, list(base.items()), margin)
        if beaten:
            return Candidate(policy, runs, ok=False, why_not="dominated by " + ", ".join(beaten))
        if m.frac_p95 > default.frac_p95:
            return Candidate(policy, runs, ok=False, why_not="short jobs wait longer")
    return Candidate(policy, runs, ok=True)


GRID: dict[str, Sequence[float]] = {
    "initial_delay": (1.0, 2.0, 3.0),
    "multiplier": (1.1, 1.15, 1.2, 1.3),
    "max_delay": (10.0, 12.0, 15.0, 20.0, 30.0),
    "jitter": (0.0, 0.1, 0.2),
}
QUICK_GRID: dict[str, Sequence[float]] = {
    "initial_delay": (1.0, 2.0),
    "multiplier": (1.15, 1.2),
    "max_delay": (15.0, 30.0),
    "jitter": (0.2,),
}
MARGIN = 0.9  # a recommendation must meet each target with 10 % to spare
MIN_JITTER = 0.1  # many-job waits need their polls spread; do not recommend less


def sweep(
    samples: Sequence[Sequence[float]], grid: dict[str, Sequence[float]], seed: int
) -> dict[str, Any]:
    """Every policy of ``grid`` on every sample; the cheapest that meets the targets."""
    base_runs = [
        {b.name: Measure.of(b.run(ds, seed + i), ds) for b in BASELINES}
        for i, ds in enumerate(samples)
    ]
    keys = list(grid)
    candidates: list[Candidate] = []

    def measure(policy: PollPolicy) -> list[Measure]:
        return [
            Measure.of(Contender("c", "", policy=policy).run(ds, seed + i, fast=True), ds)
            for i, ds in enumerate(samples)
        ]

    defaults = measure(PollPolicy())
    for values in itertools.product(*(grid[k] for k in keys)):
        policy = PollPolicy().replace(**dict(zip(keys, values, strict=True)))
        candidates.append(_judge(policy, measure(policy), base_runs, defaults, MARGIN))

    def cost(c: Candidate) -> tuple[float, float]:
        return (max(m.requests for m in c.runs), max(m.lag_p95 for m in c.runs))

    passing = sorted((c for c in candidates if c.ok), key=cost)
    jittered = [c for c in passing if c.policy.jitter >= MIN_JITTER]
    return {
        "tried": len(candidates),
        "passing": len(passing),
        "best": passing[0] if passing else None,
        "best_jittered": jittered[0] if jittered else None,
        "top": jittered[:5],
    }


# -- the benchmark ----------------------------------------------------------------------------


def run(
    *,
    quick: bool = False,
    jobs: int | None = None,
    runs: int | None = None,
    plot: bool = True,
    plot_path: Path = PLOT,
    grid: dict[str, Sequence[float]] | None = None,
) -> dict[str, Any]:
    """Measure every contender on ``runs`` samples of ``jobs`` durations; sweep; plot."""
    started = time.perf_counter()
    jobs = jobs or (1_000 if quick else 3_000)
    runs = runs or (3 if quick else 5)
    samples = [durations(jobs, SEED + i) for i in range(runs)]

    # The sweep uses its own samples (other seeds) so that the main runs check it afresh.
    sweep_jobs = max(jobs * 3 // 10, min(jobs, 1_000))
    sweep_samples = [durations(sweep_jobs, SEED + 100 + i) for i in range(2)]
    for policy in (PollPolicy(), PollPolicy(initial_delay=0.5, multiplier=1.3, max_delay=12)):
        check_equivalence(policy, sweep_samples[0][:300], SEED)
    found = sweep(sweep_samples, grid or (QUICK_GRID if quick else GRID), SEED + 200)

    contenders = [Contender(DEFAULT, "jobpoll PollPolicy()", policy=PollPolicy()), *BASELINES]
    pick: Candidate | None = found["best_jittered"]
    if pick is not None and pick.policy != PollPolicy():
        contenders.insert(
            1, Contender("jobpoll recommended", _fmt_policy(pick.policy), policy=pick.policy)
        )
    contenders += PROGRESS_ROWS
    rows = {c.name: Row(c) for c in contenders}
    for i, ds in enumerate(samples):
        for c in contenders:
            rows[c.name].runs.append(Measure.of(c.run(ds, SEED + 300 + i), ds))

    fixed1 = rows[FIXED_1].runs
    out_rows = []
    for name, row in rows.items():
        out_rows.append(
            {
                "name": name,
                "like": row.contender.like,
                "requests": row.spread("requests"),
                "requests_vs_fixed_1s": ratio_spread(
                    [m.requests for m in row.runs], [m.requests for m in fixed1]
                ),
                "lag_p50_s": row.spread("lag_p50"),
                "lag_p95_s": row.spread("lag_p95"),
                "lag_p50_fraction": row.spread("frac_p50"),
                "lag_p95_fraction": row.spread("frac_p95"),
            }
        )

    def verdict(name: str) -> dict[str, Any]:
        mine = rows[name].runs
        others = [[(b.name, rows[b.name].runs[i]) for b in BASELINES] for i in range(len(samples))]
        dominated = sorted({n for i, m in enumerate(mine) for n in dominated_by(m, others[i])})
        share = ratio_spread([m.requests for m in mine], [m.requests for m in fixed1])
        frac = rows[name].spread("frac_p50")
        return {
            "frontier": not dominated,
            "dominated_by": dominated,
            "request_share": share,
            "p50_lag_fraction": frac,
            "meets_requests": share.hi <= MAX_REQUEST_SHARE,
            "meets_lag": frac.hi <= MAX_P50_LAG_FRACTION,
        }

    def progress_verdict(c: Contender) -> dict[str, Any]:
        mine, default = rows[c.name].runs, rows[DEFAULT].runs
        share = ratio_spread([m.requests for m in mine], [m.requests for m in default])
        quicker = all(m.lag_p50 <= d.lag_p50 for m, d in zip(mine, default, strict=True))
        return {
            "name": c.name,
            "vs_default": share,
            "lag_p50_s": rows[c.name].spread("lag_p50"),
            "default_lag_p50_s": rows[DEFAULT].spread("lag_p50"),
            "targeted": c in PROGRESS_TARGETED,
            "meets": share.hi <= MAX_PROGRESS_SHARE and quicker,
        }

    result: dict[str, Any] = {
        "jobs": jobs,
        "runs": runs,
        "rows": out_rows,
        "default": verdict(DEFAULT),
        "progress": [progress_verdict(c) for c in PROGRESS_ROWS],
        "recommended": None,
        "sweep": {
            "tried": found["tried"],
            "passing": found["passing"],
            "jobs": sweep_jobs,
            "samples": len(sweep_samples),
            "top": [
                (
                    _fmt_policy(c.policy),
                    max(m.requests for m in c.runs),
                    max(m.lag_p95 for m in c.runs),
                )
                for c in found["top"]
            ],
            "best_any_jitter": _fmt_policy(found["best"].policy) if found["best"] else None,
        },
    }
    if pick is not None:
        name = "jobpoll recommended" if "jobpoll recommended" in rows else DEFAULT
        result["recommended"] = {"policy": _fmt_policy(pick.policy), **verdict(name)}
    result["plot"] = _plot(out_rows, plot_path) if plot else None
    result["plot_note"] = (
        "not drawn (a quick run leaves the committed plot alone)" if not plot else result["plot"]
    )
    result["plot_file"] = plot_path.name
    result["seconds"] = time.perf_counter() - started
    return result


def _plot(rows: list[dict[str, Any]], path: Path) -> str:
    """Draw requests per job against p95 lag; the path, or why it was not drawn."""
    try:
        import matplotlib as mpl

        mpl.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "not drawn: matplotlib is not installed (pip install matplotlib)"
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    for r in rows:
        x, y = r["lag_p95_s"], r["requests"]
        mine = r["name"].startswith("jobpoll")
        progress = "progress" in r["name"]
        ax.errorbar(
            x.median,
            y.median,
            xerr=[[x.median - x.lo], [x.hi - x.median]],
            yerr=[[y.median - y.lo], [y.hi - y.median]],
            fmt="^" if progress else "o" if mine else "s",
            color="tab:orange" if progress else "tab:blue" if mine else "tab:gray",
            capsize=3,
        )
        if progress:  # on other jobs: named by their noise, placed so that none overlap
            label = r["name"].removeprefix("jobpoll, ")
            spot = {0: ((0, -15), "center"), 1: ((0, 7), "center"), 2: ((-8, 6), "right")}
            offset, ha = spot[[c.name for c in PROGRESS_ROWS].index(r["name"]) % 3]
        else:
            label = r["name"]
            left = r["name"] == "jobpoll recommended"
            below = r["name"] == DEFAULT
            offset = (-8, 6) if left else (6, -13 if below else 5)
            ha = "right" if left else "left"
        ax.annotate(
            label,
            (x.median, y.median),
            textcoords="offset points",
            xytext=offset,
            ha=ha,
            fontsize=9,
        )
    # The efficient frontier of polling without progress: the points no other point beats
    # on both axes (the progress rows are on other jobs, so they are not part of it).
    plain = [r for r in rows if "progress" not in r["name"]]
    pts = sorted((r["lag_p95_s"].median, r["requests"].median) for r in plain)
    front, best = [], math.inf
    for x, y in pts:
        if y < best:
            front.append((x, y))
            best = y
    ax.plot(
        [p[0] for p in front],
        [p[1] for p in front],
        "--",
        color="tab:green",
        lw=1,
        label="efficient frontier (no progress)",
    )
    ax.legend(loc="upper right", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("p95 detection lag (s)")
    ax.set_ylabel("status requests per job (mean)")
    ax.set_title("Requests vs lag: log-normal jobs, median 30 s, p99 20 min")
    ax.grid(visible=True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return str(path)


def markdown(res: dict[str, Any]) -> str:
    """The section of BENCHMARKS.md for this benchmark (``plot_link``: the plot, relative)."""
    lines = [
        "## 3. Requests versus detection lag",
        "",
        f"{res['jobs']:,} jobs per run, durations log-normal (median {MEDIAN_S:g} s, p99 "
        f"{P99_S / 60:g} min), {res['runs']} runs with different seeds; each cell is the median "
        "of the runs with (min-max). jobpoll's policies run through the real state machine on "
        "an injected clock; the others are their loops written out. Lag fractions are "
        "per-job lag / duration. Requests are the mean per job; the ratio is against the "
        "fixed-1 s loop in the same run.",
        "",
    ]
    rows = [
        (
            f"**{r['name']}**" if r["name"].startswith("jobpoll") else r["name"],
            r["like"],
            r["requests"].fmt(1),
            r["requests_vs_fixed_1s"].fmt(3) + "x",
            r["lag_p50_s"].fmt(2),
            r["lag_p95_s"].fmt(2),
            r["lag_p50_fraction"].fmt(3),
            r["lag_p95_fraction"].fmt(3),
        )
        for r in res["rows"]
    ]
    lines.append(
        table(
            [
                "policy",
                "stands for",
                "requests/job",
                "vs fixed 1 s",
                "lag p50 (s)",
                "lag p95 (s)",
                "lag p50 / duration",
                "lag p95 / duration",
            ],
            rows,
        )
    )
    if res["plot"] and res["plot"].endswith(".png"):
        link = res.get("plot_link", f"bench/{res['plot_file']}")
        lines += ["", f"![requests per job against p95 lag]({link})", ""]
    else:
        lines += ["", f"Plot: {res['plot_note']}.", ""]
    d = res["default"]
    lines.append("**Targets for jobpoll's default `PollPolicy()`:**")
    lines.append("")
    lines.append(
        "* on the efficient frontier (no policy with both fewer requests and a lower p95 lag): "
        + (
            "**met**"
            if d["frontier"]
            else f"**missed** — dominated by {', '.join(d['dominated_by'])}"
        )
    )
    lines.append(
        f"* ≤ {MAX_REQUEST_SHARE:.0%} of the fixed-1 s requests: "
        f"{d['request_share'].fmt(3)} → " + ("**met**" if d["meets_requests"] else "**missed**")
    )
    lines.append(
        f"* p50 lag ≤ {MAX_P50_LAG_FRACTION:.0%} of the duration: "
        f"{d['p50_lag_fraction'].fmt(3)} → " + ("**met**" if d["meets_lag"] else "**missed**")
    )
    lines += ["", *progress_markdown(res)]
    sw = res["sweep"]
    rec = res["recommended"]
    lines += [
        "",
        f"**Sweep.** {sw['tried']} policies (initial_delay x multiplier x max_delay x jitter) on "
        f"{sw['samples']} other samples of {sw['jobs']:,} jobs; {sw['passing']} meet every target "
        f"in every sample with {1 - MARGIN:.0%} to spare (share "
        f"≤ {MAX_REQUEST_SHARE * MARGIN:.1%}, p50 lag fraction "
        f"≤ {MAX_P50_LAG_FRACTION * MARGIN:.1%}, a p95 lag at least "
        f"{1 - MARGIN:.0%} below that of every policy with fewer requests, and — so that short "
        "jobs do not pay for it — a p95 of lag / duration no worse than the current default's). "
        "The cheapest "
        f"(fewest requests) with jitter ≥ {MIN_JITTER:g}, kept so that many-job waits spread "
        "their polls:",
        "",
    ]
    if rec is None:
        lines.append("none of the grid meets the targets.")
    else:
        lines.append(
            f"`{rec['policy']}` — in the main runs above: {rec['request_share'].fmt(3)} of the "
            f"fixed-1 s requests, p50 lag {rec['p50_lag_fraction'].fmt(3)} of the duration, "
            + (
                "on the frontier."
                if rec["frontier"]
                else f"dominated by {', '.join(rec['dominated_by'])}."
            )
        )
        if sw["top"]:
            lines += ["", "Runners-up (worst sample's requests/job, p95 lag):", ""]
            lines += [f"* `{p}`: {n:.1f} requests, {lag:.1f} s" for p, n, lag in sw["top"][1:]]
    if sw["best_any_jitter"] and (rec is None or sw["best_any_jitter"] != rec["policy"]):
        lines += ["", f"Cheapest with any jitter: `{sw['best_any_jitter']}`."]
    lines += ["", f"Took {res['seconds']:.1f} s.", ""]
    return "\n".join(lines)


def progress_markdown(res: dict[str, Any]) -> list[str]:
    """The lines on progress-aware scheduling (the ``progress`` rows of the table)."""
    lines = [
        "**Jobs that report progress.** The same durations, but each job reports how far it "
        "is (AlphaSMS's 0-100, read as a fraction; any vendor's `JobStatus.progress` counts "
        "alike). `PollPolicy()` fits a line through the last readings and aims its next poll "
        "at the end it predicts, within its floor and `max_delay` (README, *Progress*); the "
        "default row above is what it does when no progress is reported. Rate noise: the "
        "reading at t of a d s job is t/d·(1 + N(0, s)); reading noise: t/d + N(0, s), s "
        "the noise named in the row. "
        f"Target on rate noise: ≤ {MAX_PROGRESS_SHARE:.0%} of the default's requests, each "
        "run, at an equal or lower p50 lag in each run:",
        "",
    ]
    for v in res["progress"]:
        verdict = ("**met**" if v["meets"] else "**missed**") if v["targeted"] else "not a target"
        lines.append(
            f"* {v['name']}: {v['vs_default'].fmt(3)}x the default's requests, p50 lag "
            f"{v['lag_p50_s'].fmt(2)} s against {v['default_lag_p50_s'].fmt(2)} s → {verdict}"
        )
    return lines
