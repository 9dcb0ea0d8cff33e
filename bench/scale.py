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
import threading
import time
from typing import Any

from jobpoll import PollPolicy

from . import _proc, _server
from ._common import percentile, table

SEED = 7
WALL_TARGET = 1.10
RSS_TARGET_KB = 5.0
SCHEDULE_TARGET = 0.95
"""Share of the polls the policies schedule that the watcher must send."""
BEHIND_TARGET_S = 0.5
"""Median seconds a job may be seen later than on its schedule."""
BURST_S = 3.0
"""The opening window (to the last probe interval that ends within it) whose poll demand is
set against what the watcher sent in it."""
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


def _ideal_times(policy: PollPolicy, duration: float) -> list[float]:
    """The instants (from the job's start) of the polls the unjittered schedule sends."""
    now, attempt, out = 0.0, 0, []
    while True:
        attempt += 1
        out.append(now)
        if now >= duration:
            return out
        now += policy.backoff(attempt, lambda: 0.5)


def burst(
    backend: str, names: list[str], ds: list[float], offsets: list[float], timeline: list[Any]
) -> dict[str, float]:
    """The opening burst: the polls the schedule asks for in the first ``BURST_S`` seconds
    (every job starts together, so every first poll is due at once), what the watcher sent
    in that window (the probe's ``timeline``: [t, started, finished, most in flight, loop
    lag, CPU s, ...] per interval) and the CPU per request one core would need to keep up."""
    rows = [row for row in timeline or [] if row[0] <= BURST_S + 0.05]
    span = rows[-1][0] if rows else BURST_S
    asked = sum(
        1
        for i, d in enumerate(ds)
        for t in _ideal_times(_policy(backend, names[i % len(names)]), d)
        if offsets[i] + t < span
    )
    sent = sum(row[1] for row in rows)
    done = sum(row[2] for row in rows)
    cpu = sum(row[5] for row in rows)
    return {
        "burst_s": span,
        "burst_asked": asked,
        "burst_sent": sent,
        "burst_cpu_share": cpu / max(span, 1e-9),
        "burst_cpu_per_request_us": cpu / max(done, 1) * 1e6,
        "burst_needed_us": span / max(asked, 1) * 1e6,
    }


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


def _schedstat(pid: int) -> tuple[float, float]:
    """(CPU seconds, seconds spent runnable but waiting for a CPU) of process ``pid`` so far,
    summed over its threads (a simulator serves from a thread)."""
    on_cpu = waited = 0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0, 0.0
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat", encoding="ascii") as f:
                fields = f.read().split()
            on_cpu, waited = on_cpu + int(fields[0]), waited + int(fields[1])
        except (OSError, ValueError, IndexError):
            continue  # a thread that ended meanwhile
    return on_cpu / 1e9, waited / 1e9


def _box() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from ``/proc/stat``."""
    with open("/proc/stat", encoding="ascii") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = ticks[3] + ticks[4]
    return (sum(ticks) - idle) / tick, sum(ticks) / tick


class _CpuSampler:
    """Every ``every`` s of wall time, from a thread of this process: how much CPU the watcher
    and the servers used, how long they sat runnable waiting for a CPU (``/proc/PID/schedstat``;
    a process that waits there is starved by the machine, not slow by itself), and how busy the
    whole machine was. ``rows``: [epoch, watcher CPU, watcher waited, servers' CPU, servers
    waited, machine busy share]."""

    def __init__(self, watcher: int, servers: list[int], every: float = 0.5) -> None:
        self.pids, self.every = [watcher, *servers], every
        self.rows: list[list[float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> tuple[list[tuple[float, float]], tuple[float, float]]:
        return [_schedstat(pid) for pid in self.pids], _box()

    def _run(self) -> None:
        last, box = self._sample()
        while not self._stop.wait(self.every):
            now, box_now = self._sample()
            d = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(last, now, strict=True)]
            busy = (box_now[0] - box[0]) / max(box_now[1] - box[1], 1e-9)
            self.rows.append(
                [
                    time.time(),
                    round(d[0][0], 4),
                    round(d[0][1], 4),
                    round(sum(x[0] for x in d[1:]), 4),
                    round(sum(x[1] for x in d[1:]), 4),
                    round(busy, 3),
                ]
            )
            last, box = now, box_now

    def __enter__(self) -> _CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _server_requests(backend: str, servers: list[_proc.Proc]) -> tuple[int, int]:
    """(requests, connections) the servers have received so far (the simulators do not count
    connections: 0)."""
    requests = connections = 0
    for proc in servers:
        proc.send({"stats": True})
        stats = proc.recv()
        requests += int(stats["requests"])
        connections += int(stats.get("connections", 0))
    return requests, connections


def watch_once(
    mode: str,
    backend: str,
    servers: list[_proc.Proc],
    names: list[str],
    ds: list[float],
    concurrency: int,
    *,
    loop: str = "asyncio",
) -> dict[str, Any]:
    """Create the jobs, watch them from a fresh watcher process, and measure."""
    settings = {
        "mode": mode,
        "loop": loop,
        "concurrency": concurrency,
        "servers": {
            name: {
                "kind": backend,
                "vendor": name,
                "url": p.facts["url"],
                "credential": p.facts.get("credential", ""),
                "warm_id": p.facts.get("warm_id", "")
                or (_server.replay_id(name, 1.0, 1) if backend == "replay" else ""),
            }
            for name, p in zip(names, servers, strict=True)
        },
    }
    before = _server_requests(backend, servers)
    cpu_before = _server_cpu(servers)
    with (
        _proc.spawn(["bench._watch"]) as watcher,
        _CpuSampler(watcher.popen.pid, [p.popen.pid for p in servers]) as sampled,
    ):
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
        elif backend == "replay":
            t0 = time.time()
            for i, d in enumerate(ds):
                ids[i], t0_of[i] = _server.replay_id(names[i % len(names)], t0 + d, i), t0
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
    after = _server_requests(backend, servers)
    if "failed" in res:
        return {"mode": mode, "loop": loop, "jobs": len(ds), "failed": res["failed"]}
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
    starved = _starved(sampled.rows, res["started"], max(res["finished"]))
    opening = burst(backend, names, ds, [t - start for t in t0_of], res.get("timeline") or [])
    return {
        "mode": mode,
        "loop": loop,
        "backend": backend,
        "jobs": len(ds),
        "wall_s": wall,
        "ideal_s": ideal,
        "wall_vs_ideal": wall / ideal,
        "slowest_job_s": max(ds),
        "rss_base_mb": ready["rss_base"] / 2**20,
        "rss_peak_mb": res["rss_peak"] / 2**20,
        "rss_per_job_kb": grown / len(ds) / 1024,
        "requests": res["requests"],
        "requests_seen_by_servers": after[0] - before[0],
        "connections": after[1] - before[1],
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
        "servers_cpu_per_request_us": sum(server_cpu) / max(res["requests"], 1) * 1e6,
        "cpu_per_request_us": res["cpu_s"] / max(res["requests"], 1) * 1e6,
        **starved,
        **opening,
        "timeline": res.get("timeline"),
        "samples": sampled.rows,
        "watch_started": res["started"],
        "jobs_t0": start,
    }


def _starved(rows: list[list[float]], since: float, until: float) -> dict[str, float]:
    """Over the watch: the share of wall time the watcher sat runnable without a CPU, the
    servers' CPU as a share of one core, and how busy the whole machine was."""
    inside = [r for r in rows if since <= r[0] <= until] or rows
    span = max(len(inside) * 0.5, 1e-9)  # the sampler's interval
    return {
        "watcher_waited_share": sum(r[2] for r in inside) / span,
        "watcher_cpu_share": sum(r[1] for r in inside) / span,
        "servers_cpu_share": sum(r[3] for r in inside) / span,
        "machine_busy_share": statistics.fmean(r[5] for r in inside) if inside else 0.0,
    }


def jitter_only(
    backend: str, names: list[str], ds: list[float], seed: int = SEED
) -> dict[str, Any]:
    """The floor of the schedule figures: the same jobs polled with each policy's jitter and
    instant requests (no watcher, no server). Jitter alone sends a job's polls at other
    instants than the unjittered ideal, so it is seen earlier or later and after more or
    fewer polls; a watcher that keeps its schedule can do no better than this."""
    rng = random.Random(seed)
    late, polls, ideal = [], 0, 0
    for i, d in enumerate(ds):
        policy = _policy(backend, names[i % len(names)])
        now, attempt = 0.0, 0
        while True:
            attempt += 1
            if now >= d:
                break
            now += policy.backoff(attempt, rng.random)
        polls += attempt
        ideal += _ideal_polls(policy, d)
        late.append(now - first_poll_after(policy, d))
    late.sort()
    return {
        "mode": "jitter only",
        "jobs": len(ds),
        "schedule_share": polls / ideal,
        "late_p50_s": percentile(late, 0.5),
        "late_p95_s": percentile(late, 0.95),
    }


def _commands(backend: str, names: list[str]) -> list[list[str]]:
    if backend == "sim":
        return [["bench._sims", v] for v in names]
    if backend == "replay":
        return [["bench._server", "--vendor", v] for v in names]
    return [["bench._server"]] * len(names)


def uvloop_ready() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


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
    uvloop: bool = True,
    simulators: bool | None = None,
    hold_jobs: int | None = None,
    hold_s: float | None = None,
) -> dict[str, Any]:
    """Watch the jobs with jobpoll (on asyncio's loop, then on uvloop's when installed), then
    with a thread per wait (halving N until it survives); then the hold run.

    ``backend``: ``replay`` (a bare asyncio server per vendor replaying its simulator's
    answers, the default when the simulators are installed), ``sim`` (the five simulators
    themselves) or ``toy`` (``toy_servers`` copies of the toy job server). ``simulators``: also
    watch the same jobs against the simulators, to show what the servers cost (default: in
    full runs). ``hold_jobs``/``hold_s``: the hold run's size and length (0 jobs: none).
    """
    started = time.perf_counter()
    n = jobs or (150 if quick else 10_000)
    lo = lo if lo is not None else (1.0 if quick else 2.0)
    hi = hi if hi is not None else (2.0 if quick else 60.0)
    why_not_sims = simulators_ready()
    backend = backend or ("toy" if why_not_sims else "replay")
    toy = backend == "toy"
    names = [f"toy-{k + 1}" for k in range(toy_servers)] if toy else list(VENDORS)
    ds = durations(n, lo, hi)
    rows: list[dict[str, Any]] = [jitter_only(backend, names, ds)]
    with _proc.spawn_all(_commands(backend, names)) as servers:
        rows.append(watch_once("jobpoll", backend, servers, names, ds, concurrency))
        if uvloop and uvloop_ready():
            rows.append(
                watch_once("jobpoll", backend, servers, names, ds, concurrency, loop="uvloop")
            )
        if threads:
            size = n
            while size >= 10:
                row = watch_once("threads", backend, servers, names, ds[:size], concurrency)
                rows.append(row)
                if "failed" not in row:
                    break
                size //= 2
        hold_n = hold_jobs if hold_jobs is not None else (300 if quick else 100_000)
        held = None
        if hold_n and backend == "replay":
            length = hold_s if hold_s is not None else (3.0 if quick else 60.0)
            held = hold(hold_n, length, servers=servers)
    if (not quick if simulators is None else simulators) and backend == "replay":
        with _proc.spawn_all(_commands("sim", names)) as servers:
            rows.append(watch_once("jobpoll", "sim", servers, names, ds, concurrency))
    return {
        "backend": backend,
        "why_not_simulators": why_not_sims,
        "vendors": names,
        "durations": [lo, hi],
        "concurrency": concurrency,
        "rows": rows,
        "hold": held,
        "seconds": time.perf_counter() - started,
    }


HOLD_RATE = 100.0
"""Requests per second per vendor in the hold run (``as_completed(rate=...)``): 500 a second
over the five, which the replay servers and the watcher can serve on two shared cores."""


def hold(
    n: int,
    seconds: float,
    *,
    servers: list[_proc.Proc],
    rate: float = HOLD_RATE,
    concurrency: int = 20,
) -> dict[str, Any]:
    """Hold ``n`` waits on jobs that outlast the run (each vendor's default policy, requests
    capped at ``rate`` per second per vendor) for ``seconds``, then leave ``as_completed``
    early (which cancels them all): RSS per waiting job and the capped schedule kept.
    ``servers``: the five replay servers, in ``VENDORS`` order."""
    names = list(VENDORS)
    with (
        _proc.spawn(["bench._watch"]) as watcher,
        _CpuSampler(watcher.popen.pid, [p.popen.pid for p in servers]) as sampled,
    ):
        watcher.send(
            {
                "mode": "jobpoll",
                "loop": "asyncio",
                "concurrency": concurrency,
                "rate": rate,
                "hold": seconds,
                "servers": {
                    name: {
                        "kind": "replay",
                        "vendor": name,
                        "url": p.facts["url"],
                        "credential": p.facts["credential"],
                        "warm_id": _server.replay_id(name, 1.0, 1),
                    }
                    for name, p in zip(names, servers, strict=True)
                },
            }
        )
        ready = watcher.recv()
        later = time.time() + 24 * 3600  # every job outlasts the run
        jobs = [[names[i % 5], _server.replay_id(names[i % 5], later, i)] for i in range(n)]
        watcher.send({"jobs": jobs})
        res = watcher.recv()
    held = res["held_s"]
    cap = rate * len(names)
    # What the policies would ask of n jobs over the hold, with no cap: every first poll at
    # once, then each job's backoff.
    asked = 0
    for k, name in enumerate(names):
        policy = _policy("replay", name)
        share = len(range(k, n, len(names)))
        now, attempt = 0.0, 0
        while now <= held:
            attempt += 1
            now += policy.backoff(attempt, lambda: 0.5)
        asked += share * attempt
    starved = _starved(sampled.rows, res["started"], res["started"] + res["held_s"])
    return {
        "jobs": n,
        "held_s": held,
        "rate_per_vendor": rate,
        "concurrency": concurrency,
        "sent": res["requests_sent"],
        "sent_per_s": res["requests_sent"] / held,
        "cap_kept": res["requests_sent"] / min(cap * held, asked),
        "asked_uncapped": asked,
        "setup_s": res["setup_s"],
        "teardown_s": res["teardown_s"],
        "rss_base_mb": ready["rss_base"] / 2**20,
        "rss_held_mb": res["rss_held"] / 2**20,
        "rss_peak_mb": res["rss_peak"] / 2**20,
        "rss_per_job_kb": max(res["rss_held"] - ready["rss_base"], 0) / n / 1024,
        "cpu_s": res["cpu_s"],
        "lag_max_s": res["lag_max_s"],
        "errors": res["errors"],
        **starved,
        "timeline": res.get("timeline"),
    }


def main_row(res: dict[str, Any]) -> dict[str, Any] | None:
    """The row the targets are judged on: jobpoll on asyncio's loop, on the run's backend."""
    return next(
        (
            r
            for r in res["rows"]
            if r["mode"] == "jobpoll"
            and r.get("loop") == "asyncio"
            and r.get("backend", res["backend"]) == res["backend"]
            and "failed" not in r
        ),
        None,
    )


_SERVERS = {
    "sim": "the five simulators",
    "replay": "replay servers",
    "toy": "toy servers",
}


def _label(r: dict[str, Any]) -> str:
    if r["mode"] == "jitter only":
        return "*floor: each policy's jitter, instant requests (computed, no run)*"
    if r["mode"] == "threads":
        return f"thread per wait (tenacity loop, `ThreadPoolExecutor`), {_SERVERS[r['backend']]}"
    loop = "uvloop (opt-in)" if r.get("loop") == "uvloop" else "asyncio"
    return f"jobpoll `as_completed`, one {loop} loop, {_SERVERS[r['backend']]}"


def markdown(res: dict[str, Any]) -> str:
    lo, hi = res["durations"]
    if res["backend"] in ("sim", "replay"):
        against = (
            "the five vendors through the real vendor clients, each vendor's server in its own "
            "process: "
            + (
                "a bare asyncio HTTP server replaying the status answers of that vendor's "
                "`jobpoll.testing` simulator (`python -m bench._server --vendor V`; the ids "
                "say when each job ends), because the simulators (starlette on uvicorn) cost "
                "~3x the CPU per request and share the two cores with the watcher"
                + (
                    " (the simulators' row below measures that)"
                    if any(r.get("backend") == "sim" for r in res["rows"])
                    else ""
                )
                if res["backend"] == "replay"
                else "the `jobpoll.testing` simulators"
            )
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
        "before the jobs were handed over) / jobs. *Waited for a CPU*: the share of the run "
        "the watcher was runnable but not running (`/proc/PID/schedstat`): the machine, not "
        "the watcher, held it back for that long.",
        "",
    ]
    rows = []
    for r in res["rows"]:
        label = _label(r)
        if "failed" in r:
            rows.append((label, f"{r['jobs']:,}", f"failed: {r['failed']}", *[""] * 12))
            continue
        if r["mode"] == "jitter only":
            rows.append(
                (
                    label,
                    f"{r['jobs']:,}",
                    "",
                    "",
                    "",
                    f"{r['late_p50_s']:.2f} / {r['late_p95_s']:.1f}",
                    "",
                    f"{r['schedule_share']:.0%}",
                    *[""] * 7,
                )
            )
            continue
        rows.append(
            (
                label,
                f"{r['jobs']:,}",
                f"{r['wall_s']:.1f} / {r['ideal_s']:.1f}",
                f"**{r['wall_vs_ideal']:.3f}x**",
                f"{r['lag_p50_s']:.1f} / {r['lag_p95_s']:.1f}",
                f"{r['late_p50_s']:.2f} / {r['late_p95_s']:.1f}",
                f"{r['requests_per_job']:.1f} ({r['ideal_requests_per_job']:.1f})",
                f"**{r['schedule_share']:.0%}**",
                f"{r['cpu_s']:.0f} ({r['cpu_per_request_us']:.0f})",
                f"{r.get('watcher_waited_share', 0):.0%}",
                f"{r['servers_cpu_s']:.1f} ({r['servers_cpu_per_request_us']:.0f})",
                f"{r.get('machine_busy_share', 0):.0%}",
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
                "watcher CPU, s (µs per request)",
                "watcher waited for a CPU",
                "servers' CPU, s (µs per request)",
                "machine busy",
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
        "seen it; the floor row is what jitter alone does to that. *Requests/job on "
        "schedule*: what that ideal would send; fewer requests than that mean polls were "
        f"delayed. Every job starts at the same instant, so the schedule asks for "
        f"{res['rows'][0]['jobs']:,} polls at once, then many a second for the first seconds "
        "(the short jobs' polls): that burst is where polls are lost.",
    ]
    mine = main_row(res)
    if mine is not None:
        lines += ["", "**Targets** (the first jobpoll row):", ""]
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
            f"* the servers are not the bottleneck: {mine['servers_cpu_share']:.0%} of one core "
            f"for all five ({mine['servers_cpu_per_request_us']:.0f} µs per request), the "
            f"busiest {mine['busiest_server_cpu_share']:.0%}"
        )
        if share < SCHEDULE_TARGET:
            lines += [
                "",
                f"**Where the polls go**: the watcher sent {share:.0%} of the scheduled polls "
                f"at {mine['cpu_per_request_us']:.0f} µs of its CPU per request; it used "
                f"{mine['watcher_cpu_share']:.0%} of a core over the run and waited for a CPU "
                f"{mine['watcher_waited_share']:.0%} of it (machine busy "
                f"{mine['machine_busy_share']:.0%}). In the opening burst it runs at a full "
                "core until the queue of first polls drains (per-interval counts in the "
                "run's `timeline`); a job first polled late is then polled on a schedule "
                "shifted later, so it sends fewer polls but is seen about as soon (the "
                "behind-schedule column).",
            ]
            if "burst_asked" in mine:
                lines += ["", burst_sentence(mine)]
    threads = [r for r in res["rows"] if r["mode"] == "threads" and "failed" not in r]
    if mine is not None and threads:
        t = threads[-1]
        lines += [
            "",
            f"Against the thread-per-wait pattern at {t['jobs']:,} jobs: wall "
            f"{t['wall_s'] / mine['wall_s']:.2f}x jobpoll's, RSS per job "
            f"{t['rss_per_job_kb'] / max(mine['rss_per_job_kb'], 1e-9):.1f}x jobpoll's.",
        ]
    if res.get("hold"):
        lines += ["", _hold_markdown(res["hold"])]
    lines += ["", f"Took {res['seconds']:.1f} s.", ""]
    return "\n".join(lines)


def burst_sentence(r: dict[str, Any]) -> str:
    """What the opening burst asks of the watcher against what it sent (one paragraph)."""
    asked, span = r["burst_asked"], r["burst_s"]
    return (
        f"**The opening burst**: in the first {span:.1f} s the schedule asks for "
        f"{asked:,} polls ({asked / max(span, 1e-9):,.0f} a second: every job's first poll "
        "and the next ones due within the window); the watcher sent "
        f"{r['burst_sent']:,} ({r['burst_sent'] / max(span, 1e-9):,.0f} a second) at "
        f"{r['burst_cpu_per_request_us']:.0f} µs of CPU per request (starting the waits "
        "included), using "
        f"{r['burst_cpu_share']:.0%} of a core. Sending them all on one core would take "
        f"≤ {r['burst_needed_us']:.0f} µs of CPU per request, client and loopback kernel "
        "work included."
    )


def _hold_markdown(h: dict[str, Any]) -> str:
    cap = h["rate_per_vendor"] * len(VENDORS)
    return "\n".join(
        [
            f"### 2b. Hold: {h['jobs']:,} waits",
            "",
            f"{h['jobs']:,} jobs that outlast the run (replay servers), each vendor's default "
            f"policy, held for {h['held_s']:.0f} s by one `as_completed(rate="
            f"{h['rate_per_vendor']:g}, concurrency={h['concurrency']})` (a cap of "
            f"{cap:g} requests a second over the five vendors, so that the servers keep up), "
            "then left early, which cancels every wait. The policies alone would ask "
            f"{h['asked_uncapped']:,} polls over the hold; the cap allows "
            f"{cap * h['held_s']:,.0f}.",
            "",
            table(
                [
                    "waits",
                    "held (s)",
                    "polls sent (per s)",
                    "capped schedule kept",
                    "RSS held, MiB (before)",
                    "RSS per wait (KB)",
                    "start: loop blocked (s)",
                    "cancel all (s)",
                    "watcher CPU (s)",
                    "waited for a CPU",
                    "servers' CPU (% of a core)",
                    "failed",
                ],
                [
                    (
                        f"{h['jobs']:,}",
                        f"{h['held_s']:.1f}",
                        f"{h['sent']:,} ({h['sent_per_s']:.0f})",
                        f"**{h['cap_kept']:.0%}**",
                        f"{h['rss_held_mb']:.0f} ({h['rss_base_mb']:.0f})",
                        f"**{h['rss_per_job_kb']:.1f}**",
                        f"{h['setup_s']:.1f}",
                        f"{h['teardown_s']:.1f}",
                        f"{h['cpu_s']:.0f}",
                        f"{h['watcher_waited_share']:.0%}",
                        f"{h['servers_cpu_share']:.0%}",
                        str(h["errors"]),
                    )
                ],
            ),
        ]
    )
