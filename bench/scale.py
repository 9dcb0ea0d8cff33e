"""Benchmark 2: thousands of jobs, five vendors, one watching process on one event loop.

The servers (the five ``jobpoll.testing`` simulators, each in its own process, or — when they
are not installed — five copies of the ``bench._server`` toy job server) run in other
processes; so does the watcher (``bench._watch``), so that its RSS is its own. Job durations
are log-uniform from a couple of seconds to a minute (fixed seed; the slowest is exactly the
upper bound), the jobs spread evenly over the vendors.

*Ideal wall time*: when the last job would be seen if every poll went out exactly on the
policy's (unjittered) schedule with zero request time — the slowest job's duration plus its
last poll interval, taken over all jobs. The same jobs are then watched with the
thread-per-wait pattern (a tenacity loop per job in a ``ThreadPoolExecutor``, same delays).
"""

from __future__ import annotations

import math
import os
import random
import statistics
import time
from typing import Any

from jobpoll import PollPolicy

from . import _proc
from ._common import percentile, table

SEED = 7
WALL_TARGET = 1.10
RSS_TARGET_KB = 5.0
SCHEDULE_TARGET = 0.95
"""Share of the polls the policies schedule that the watcher must send."""
BEHIND_TARGET_S = 0.5
"""Median seconds a job may be seen later than on its schedule."""
VENDORS = ("phrase-tms", "phrase-mt", "veza", "edenai", "alphasms")


def durations(n: int, lo: float, hi: float, seed: int = SEED) -> list[float]:
    """Log-uniform durations in [lo, hi]; the first is exactly ``hi``, the rest shuffled."""
    rng = random.Random(seed)
    ds = [math.exp(rng.uniform(math.log(lo), math.log(hi))) for _ in range(n - 1)]
    return [hi, *ds]


def first_poll_after(policy: PollPolicy, duration: float) -> float:
    """When a job of ``duration`` is seen if polls follow ``policy`` exactly (no jitter)."""
    now, attempt = 0.0, 0
    while True:
        attempt += 1
        if now >= duration:
            return now
        now += policy.backoff(attempt, lambda: 0.5)


def _ideal_polls(policy: PollPolicy, duration: float) -> int:
    now, attempt = 0.0, 0
    while True:
        attempt += 1
        if now >= duration:
            return attempt
        now += policy.backoff(attempt, lambda: 0.5)


def simulators_ready() -> str | None:
    """None when the simulators and the five vendor modules import; else why not."""
    try:
        from jobpoll import _vendors
        from jobpoll.testing import SIMULATORS

        for name in VENDORS:
            _vendors.async_client(name)
            _vendors.sync_client(name)
            SIMULATORS[name]  # present?
    except Exception as exc:  # whatever is missing, fall back to the toy
        return f"{type(exc).__name__}: {exc}"
    return None


def _policy(backend: str, vendor: str) -> PollPolicy:
    if backend == "toy":
        return PollPolicy()
    from jobpoll import _vendors

    return _vendors.async_client(vendor).default_policy  # type: ignore[attr-defined, no-any-return]


def _server_cpu(servers: list[_proc.Proc]) -> list[float]:
    """CPU seconds (user + system) each server process has used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    out = []
    for proc in servers:
        with open(f"/proc/{proc.popen.pid}/stat", encoding="ascii") as f:
            fields = f.read().rpartition(")")[2].split()
        out.append((int(fields[11]) + int(fields[12])) / tick)
    return out


def _server_requests(backend: str, servers: list[_proc.Proc]) -> int:
    total = 0
    for proc in servers:
        proc.send({"stats": True})
        total += int(proc.recv()["requests"])
    return total


def watch_once(
    mode: str,
    backend: str,
    servers: list[_proc.Proc],
    names: list[str],
    ds: list[float],
    concurrency: int,
) -> dict[str, Any]:
    """Create the jobs, watch them from a fresh watcher process, and measure."""
    settings = {
        "mode": mode,
        "concurrency": concurrency,
        "servers": {
            name: {
                "kind": backend,
                "vendor": name,
                "url": p.facts["url"],
                "credential": p.facts.get("credential", ""),
                "warm_id": p.facts.get("warm_id", ""),
            }
            for name, p in zip(names, servers, strict=True)
        },
    }
    before = _server_requests(backend, servers)
    cpu_before = _server_cpu(servers)
    with _proc.spawn(["bench._watch"]) as watcher:
        watcher.send(settings)
        ready = watcher.recv()
        per_vendor: dict[int, list[int]] = {k: [] for k in range(len(names))}
        for i in range(len(ds)):
            per_vendor[i % len(names)].append(i)
        ids: list[str] = [""] * len(ds)
        t0_of: list[float] = [0.0] * len(ds)
        if backend == "toy":
            t0 = time.time()
            for i, d in enumerate(ds):
                ids[i], t0_of[i] = f"t{math.ceil((t0 + d) * 1000)}-{mode[0]}{i}", t0
        else:
            for k, proc in enumerate(servers):
                proc.send({"durations": [ds[i] for i in per_vendor[k]]})
            for k, proc in enumerate(servers):
                made = proc.recv()
                for i, job in zip(per_vendor[k], made["ids"], strict=True):
                    ids[i], t0_of[i] = job, made["t0"]
        watcher.send({"jobs": [[names[i % len(names)], ids[i]] for i in range(len(ds))]})
        res = watcher.recv()
    server_cpu = [b - a for a, b in zip(cpu_before, _server_cpu(servers), strict=True)]
    if "failed" in res:
        return {"mode": mode, "jobs": len(ds), "failed": res["failed"]}
    start = min(t0_of)
    seen_ideal = [
        t0_of[i] - start + first_poll_after(_policy(backend, names[i % len(names)]), d)
        for i, d in enumerate(ds)
    ]
    ideal = max(seen_ideal)
    wall = max(res["finished"]) - start
    # Per job: how long after its end it was seen, and how much later than the ideal schedule.
    lag = sorted(
        f - (t0_of[i] + d) for i, (f, d) in enumerate(zip(res["finished"], ds, strict=True))
    )
    late = sorted(f - start - s for f, s in zip(res["finished"], seen_ideal, strict=True))
    grown = max(res["rss_peak"] - ready["rss_base"], 0)
    ideal_polls = statistics.fmean(
        _ideal_polls(_policy(backend, names[i % len(names)]), d) for i, d in enumerate(ds)
    )
    return {
        "mode": mode,
        "jobs": len(ds),
        "wall_s": wall,
        "ideal_s": ideal,
        "wall_vs_ideal": wall / ideal,
        "slowest_job_s": max(ds),
        "rss_base_mb": ready["rss_base"] / 2**20,
        "rss_peak_mb": res["rss_peak"] / 2**20,
        "rss_per_job_kb": grown / len(ds) / 1024,
        "requests": res["requests"],
        "requests_seen_by_servers": _server_requests(backend, servers) - before,
        "requests_per_job": res["requests"] / len(ds),
        "lag_p50_s": percentile(lag, 0.5),
        "lag_p95_s": percentile(lag, 0.95),
        "late_p50_s": percentile(late, 0.5),
        "late_p95_s": percentile(late, 0.95),
        "ideal_requests_per_job": ideal_polls,
        "schedule_share": res["requests"] / len(ds) / ideal_polls,
        "cpu_s": res["cpu_s"],
        "servers_cpu_s": sum(server_cpu),
        "busiest_server_cpu_share": max(server_cpu) / wall,
        "errors": res["errors"],
        "error_kinds": res["error_kinds"],
        "transient_failures": res["transient_failures"],
        "finish_spread_s": statistics.pstdev(res["finished"]) if len(ds) > 1 else 0.0,
    }


def run(
    *,
    quick: bool = False,
    jobs: int | None = None,
    lo: float | None = None,
    hi: float | None = None,
    threads: bool = True,
    backend: str | None = None,
    concurrency: int = 20,
    toy_servers: int = 5,
) -> dict[str, Any]:
    """Watch the jobs with jobpoll, then with a thread per wait (halving N until it survives).

    ``backend``: ``sim`` (the five simulators) or ``toy`` (``toy_servers`` copies of the toy
    job server); by default the simulators when they are installed.
    """
    started = time.perf_counter()
    n = jobs or (150 if quick else 10_000)
    lo = lo if lo is not None else (1.0 if quick else 2.0)
    hi = hi if hi is not None else (2.0 if quick else 60.0)
    why_not_sims = simulators_ready()
    backend = backend or ("toy" if why_not_sims else "sim")
    names = list(VENDORS) if backend == "sim" else [f"toy-{k + 1}" for k in range(toy_servers)]
    cmds = (
        [["bench._sims", v] for v in VENDORS]
        if backend == "sim"
        else [["bench._server"]] * len(names)
    )
    ds = durations(n, lo, hi)
    rows: list[dict[str, Any]] = []
    with _proc.spawn_all(cmds) as servers:
        rows.append(watch_once("jobpoll", backend, servers, names, ds, concurrency))
        if threads:
            size = n
            while size >= 10:
                row = watch_once("threads", backend, servers, names, ds[:size], concurrency)
                rows.append(row)
                if "failed" not in row:
                    break
                size //= 2
    return {
        "backend": backend,
        "why_not_simulators": why_not_sims,
        "vendors": names,
        "durations": [lo, hi],
        "concurrency": concurrency,
        "rows": rows,
        "seconds": time.perf_counter() - started,
    }


def markdown(res: dict[str, Any]) -> str:
    lo, hi = res["durations"]
    if res["backend"] == "sim":
        against = (
            "the five `jobpoll.testing` simulators (phrase-tms, phrase-mt, veza, edenai, "
            "alphasms), each in its own process, through the real vendor clients"
        )
    else:
        against = (
            f"{len(res['vendors'])} copies of the toy job server `bench._server` (a bare asyncio "
            "HTTP server), each in its own process, standing in for the vendors"
            + (
                f": the simulators were not available ({res['why_not_simulators']})"
                if res["why_not_simulators"]
                else ""
            )
        )
    lines = [
        "## 2. Scale: many jobs, one event loop",
        "",
        f"Jobs spread evenly over {against}. Durations log-uniform from {lo:g} s to {hi:g} s; "
        "each vendor's default policy; `jobpoll.as_completed` with a concurrency "
        f"cap of {res['concurrency']} requests in flight (its default). One run per row "
        "(a run lasts as long as its slowest job, so there is no time for several at full "
        "size). RSS is the watching process's, sampled every 50 ms; per job = (peak - RSS "
        "before the jobs were handed over) / jobs.",
        "",
    ]
    rows = []
    for r in res["rows"]:
        label = (
            "jobpoll `as_completed`, one event loop"
            if r["mode"] == "jobpoll"
            else "thread per wait (tenacity loop, `ThreadPoolExecutor`)"
        )
        if "failed" in r:
            rows.append((label, f"{r['jobs']:,}", f"failed: {r['failed']}", *[""] * 10))
            continue
        rows.append(
            (
                label,
                f"{r['jobs']:,}",
                f"{r['wall_s']:.1f} / {r['ideal_s']:.1f}",
                f"**{r['wall_vs_ideal']:.3f}x**",
                f"{r['lag_p50_s']:.1f} / {r['lag_p95_s']:.1f}",
                f"{r['late_p50_s']:.1f} / {r['late_p95_s']:.1f}",
                f"{r['requests_per_job']:.1f} ({r['ideal_requests_per_job']:.1f})",
                f"**{r['schedule_share']:.0%}**",
                f"{r['cpu_s']:.0f}",
                f"{r['servers_cpu_s']:.0f} ({r['busiest_server_cpu_share']:.0%})",
                f"{r['rss_peak_mb']:.0f} ({r['rss_base_mb']:.0f})",
                f"**{r['rss_per_job_kb']:.1f}**",
                f"{r['errors']} ({r['transient_failures']})",
            )
        )
    lines.append(
        table(
            [
                "watcher",
                "jobs",
                "wall / ideal (s)",
                "ratio",
                "lag p50 / p95 (s)",
                "behind schedule p50 / p95 (s)",
                "requests/job (on schedule)",
                "polls sent / scheduled",
                "watcher CPU (s)",
                "servers' CPU, s (busiest, % of a core)",
                "peak RSS, MiB (before)",
                "RSS per job (KB)",
                "failed jobs (retried failures)",
            ],
            rows,
        )
    )
    lines += [
        "",
        "*Lag*: from a job's end to the moment the watcher had its final status. *Behind "
        "schedule*: how much later than the unjittered policy with instant requests would have "
        "seen it (jitter alone moves this by ±20 % of the last interval). *Requests/job on "
        "schedule*: what that ideal would send; fewer requests than that mean polls were "
        "delayed (the watcher was saturated).",
    ]
    mine = next((r for r in res["rows"] if r["mode"] == "jobpoll" and "failed" not in r), None)
    if mine is not None:
        lines += ["", "**Targets:**", ""]
        share = mine["schedule_share"]
        lines.append(
            f"* ≥ {SCHEDULE_TARGET:.0%} of scheduled polls sent: {share:.1%} → "
            + ("**met**" if share >= SCHEDULE_TARGET else "**missed**")
        )
        behind = mine["late_p50_s"]
        lines.append(
            f"* behind schedule p50 ≤ {BEHIND_TARGET_S:g} s: {behind:.2f} s → "
            + ("**met**" if behind <= BEHIND_TARGET_S else "**missed**")
        )
        w = mine["wall_vs_ideal"]
        lines.append(
            f"* wall ≤ {WALL_TARGET}x ideal: {w:.3f}x → "
            + ("**met**" if w <= WALL_TARGET else f"**missed** by {w / WALL_TARGET - 1:.0%}")
        )
        k = mine["rss_per_job_kb"]
        lines.append(
            f"* ≤ {RSS_TARGET_KB:g} KB RSS per waiting job: {k:.1f} KB → "
            + ("**met**" if k <= RSS_TARGET_KB else f"**missed** by {k / RSS_TARGET_KB - 1:.0%}")
        )
        lines.append(
            f"* zero errors: {mine['errors']} failed jobs → "
            + ("**met**" if mine["errors"] == 0 else "**missed**")
        )
        if mine["error_kinds"]:
            lines.append(f"  (e.g. {'; '.join(mine['error_kinds'])})")
        lines.append(
            f"* the servers are not the bottleneck: the busiest used "
            f"{mine['busiest_server_cpu_share']:.0%} of a core over the run"
        )
        busy = mine["cpu_s"] / mine["wall_s"]
        why = (
            "because it was CPU-bound"
            if busy > 0.8
            else f"though it was not CPU-bound ({busy:.0%} of a core on average) and neither "
            "were the servers"
        )
        if share < 0.8:
            lines += [
                "",
                f"**The watcher could not keep the schedule.** It sent {share:.0%} of the polls "
                f"the policies ask for ({mine['requests_per_job']:.1f} per job instead of "
                f"{mine['ideal_requests_per_job']:.1f}), {why}: "
                f"{mine['cpu_s']:.0f} s of CPU in {mine['wall_s']:.0f} s of wall time, "
                f"{mine['cpu_s'] / max(mine['requests'], 1) * 1e3:.1f} ms of CPU per status "
                "request. The polls waited in the concurrency gate's queue, so a job was seen "
                f"{mine['late_p50_s']:.1f} s (median) later than on schedule. The wall-time "
                "ratio stays near 1 only because the slowest jobs are long and their late "
                "polls still land near the end of the schedule; the lag columns are the "
                "better measure of what a short job waits.",
            ]
    threads = [r for r in res["rows"] if r["mode"] == "threads" and "failed" not in r]
    if mine is not None and threads:
        t = threads[-1]
        lines += [
            "",
            f"Against the thread-per-wait pattern at {t['jobs']:,} jobs: wall "
            f"{t['wall_s'] / mine['wall_s']:.2f}x jobpoll's, RSS per job "
            f"{t['rss_per_job_kb'] / max(mine['rss_per_job_kb'], 1e-9):.1f}x jobpoll's.",
        ]
    lines += ["", f"Took {res['seconds']:.1f} s.", ""]
    return "\n".join(lines)
