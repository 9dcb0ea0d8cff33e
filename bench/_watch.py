"""The watching process of the scale benchmark: ``python -m bench._watch``.

It reads a JSON line of settings (``mode``: ``jobpoll`` or ``threads``; ``servers``:
``{vendor: {kind, url, credential}}``), builds one client per vendor, warms the connections,
and answers ``{"ready": ..., "rss_base": ...}``. Then it reads ``{"jobs": [[vendor, id], ...]}``,
watches them all, and answers with what it saw. Its RSS is sampled every 50 ms meanwhile.

* ``jobpoll``: every job one task on one event loop, through :func:`jobpoll.as_completed`;
* ``threads``: every job one thread of a ``ThreadPoolExecutor``, each a tenacity loop over the
  vendor's sync ``status`` with the same delays (the thread-per-wait pattern).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
import json
import os
import random
import resource
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import jobpoll
from jobpoll import PollPolicy

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    """This process's resident set size in bytes, now."""
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[1]) * PAGE


class Sampler:
    """Keeps the highest RSS seen, sampled from a thread."""

    def __init__(self, every: float = 0.05) -> None:
        self.peak = rss()
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, rss())

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())


def say(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def hear() -> dict[str, Any]:
    line = sys.stdin.readline()
    if not line:
        raise SystemExit(0)
    msg: dict[str, Any] = json.loads(line)
    return msg


def make_client(server: dict[str, Any], *, sync: bool) -> Any:
    """A jobpoll client (sync or async) for one server: the toy vendor or a simulated one."""
    if server["kind"] == "toy":
        from ._toy import AsyncToy, Toy

        cls = Toy if sync else AsyncToy
        return cls(server["url"], vendor=server["vendor"], timeout=3600)
    from jobpoll import _vendors

    name, env = server["vendor"], _vendors.ENV[server["vendor"]]
    os.environ[env[0]] = server["credential"]
    factory = _vendors.sync_client(name) if sync else _vendors.async_client(name)
    return factory(base_url=server["url"])


def _warm_id(server: dict[str, Any]) -> str:
    return "n1-warm" if server["kind"] == "toy" else server.get("warm_id", "1")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _summary(
    started: float,
    finished: list[float],
    polls: list[int],
    errors: list[str],
    transient: int,
    rss_base: int,
    peak: int,
    n: int,
) -> dict[str, Any]:
    return {
        "jobs": n,
        "started": started,
        "finished": finished,
        "cpu_s": _cpu(),
        "requests": sum(polls),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "transient_failures": transient,
        "rss_base": rss_base,
        "rss_peak": peak,
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


# -- one event loop -----------------------------------------------------------------------------


class Probe:
    """What the watcher did, per ``every`` seconds of wall time: status requests it started and
    finished (counted at the aiohttp channel, below every gate), the most of them in flight,
    the worst event-loop lag (how late a ``sleep(tick)`` woke) and the CPU it used."""

    def __init__(self, every: float = 0.5, tick: float = 0.02) -> None:
        self.every, self.tick = every, tick
        self.started = self.finished = self.inflight = self.most = 0
        self.busy = 0.0
        self.rows: list[list[float]] = []

    def install(self) -> None:
        """Count every send of the default async channel (this process only)."""
        from jobpoll import _aiohttp

        send = _aiohttp.Channel.send
        probe = self

        async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            probe.started += 1
            probe.inflight += 1
            probe.most = max(probe.most, probe.inflight)
            began = time.perf_counter()
            try:
                return await send(self, *args, **kwargs)
            finally:
                probe.inflight -= 1
                probe.finished += 1
                probe.busy += time.perf_counter() - began

        _aiohttp.Channel.send = counted  # type: ignore[method-assign]

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        t0 = time.time()
        mark, started, finished, cpu, worst, busy = t0, 0, 0, _cpu(), 0.0, 0.0
        while True:
            before = loop.time()
            await asyncio.sleep(self.tick)
            worst = max(worst, loop.time() - before - self.tick)
            now = time.time()
            if now - mark >= self.every:
                c = _cpu()
                self.rows.append(
                    [
                        round(now - t0, 3),
                        self.started - started,
                        self.finished - finished,
                        self.most,
                        round(worst, 4),
                        round(c - cpu, 4),
                        round(self.busy - busy, 4),
                    ]
                )
                mark, started, finished, cpu, worst = now, self.started, self.finished, c, 0.0
                busy = self.busy
                self.most = self.inflight


async def watch_jobpoll(settings: dict[str, Any]) -> None:
    servers: dict[str, dict[str, Any]] = settings["servers"]
    clients = {v: make_client(s, sync=False) for v, s in servers.items()}
    for v, client in clients.items():
        with contextlib.suppress(jobpoll.Error):  # open a connection, import what a poll needs
            await client.status(_warm_id(servers[v]))
    gc.collect()
    base = rss()
    say({"ready": True, "rss_base": base, "pid": os.getpid()})
    loop = asyncio.get_running_loop()
    msg = await loop.run_in_executor(None, hear)
    pairs = [(clients[v], job) for v, job in msg["jobs"]]
    del msg
    finished: list[float] = [0.0] * len(pairs)
    polls: list[int] = []
    errors: list[str] = []
    transient = 0
    probe = Probe()
    probe.install()
    probing = asyncio.ensure_future(probe.run())
    started, cpu = time.time(), _cpu()
    stream = jobpoll.as_completed(
        pairs, concurrency=settings["concurrency"], rate=settings.get("rate")
    )
    hold: float | None = settings.get("hold")
    with Sampler() as sampler:
        try:
            async with asyncio.timeout(hold):
                async for outcome in stream:
                    finished[outcome.index] = time.time()
                    if outcome.status is not None:
                        polls.append(outcome.status.stats.attempts)
                        transient += outcome.status.stats.transient_failures
                    else:
                        errors.append(
                            type(outcome.error).__name__ + ": " + str(outcome.error)[:120]
                        )
        except TimeoutError:
            if hold is None:
                raise
        held, sent, held_rss = time.time() - started, probe.started, rss()
        closing = time.perf_counter()
        await stream.aclose()  # a hold run ends here: every wait is cancelled
        teardown = time.perf_counter() - closing
    cpu = _cpu() - cpu
    probing.cancel()
    for client in clients.values():
        await client.close()
    out = _summary(started, finished, polls, errors, transient, base, sampler.peak, len(pairs))
    out |= {
        "cpu_s": cpu,
        "sent": probe.started,
        "timeline": probe.rows,
        "lag_max_s": max((row[4] for row in probe.rows), default=0.0),
    }
    if hold is not None:
        out |= {
            "held_s": held,
            "requests_sent": sent,
            "rss_held": held_rss,
            "teardown_s": teardown,
            "setup_s": probe.rows[0][4] if probe.rows else 0.0,
            "finished": [],
        }
    say(out)


# -- a thread per wait ----------------------------------------------------------------------------


def _thread_loop(
    client: Any, job: str, policy: PollPolicy, rnd: Callable[[], float]
) -> tuple[int, int]:
    """One job's wait as a tenacity loop in its own thread: (polls, transient failures)."""
    polls = transient = 0

    def poll() -> Any:
        nonlocal polls, transient
        polls += 1
        try:
            return client.status(job)
        except jobpoll.Error as err:
            if err.retryable:
                transient += 1
            raise

    def retryable(exc: BaseException) -> bool:
        return isinstance(exc, jobpoll.Error) and exc.retryable

    try:
        import tenacity
    except ImportError:  # the same loop, by hand
        attempt = 0
        while True:
            attempt += 1
            try:
                if poll().done:
                    return polls, transient
            except jobpoll.Error as err:
                if not err.retryable:
                    raise
            time.sleep(policy.backoff(attempt, rnd))
    retrying = tenacity.Retrying(
        wait=lambda state: policy.backoff(state.attempt_number, rnd),
        retry=tenacity.retry_if_result(lambda status: not status.done)
        | tenacity.retry_if_exception(retryable),
        stop=tenacity.stop_never,
        reraise=True,
    )
    status = retrying(poll)
    if status.state is not jobpoll.JobState.SUCCEEDED:
        raise RuntimeError(f"job ended {status.state.value}")
    return polls, transient


def watch_threads(settings: dict[str, Any]) -> None:
    servers: dict[str, dict[str, Any]] = settings["servers"]
    clients = {v: make_client(s, sync=True) for v, s in servers.items()}
    for v, client in clients.items():
        with contextlib.suppress(jobpoll.Error):
            client.status(_warm_id(servers[v]))
    gc.collect()
    base = rss()
    say({"ready": True, "rss_base": base, "pid": os.getpid()})
    msg = hear()
    jobs = msg["jobs"]
    finished: list[float] = [0.0] * len(jobs)
    polls: list[int] = []
    errors: list[str] = []
    transient = 0
    started, cpu = time.time(), _cpu()
    with Sampler() as sampler:
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs))
        futures: list[concurrent.futures.Future[tuple[int, int]]] = []
        try:
            for i, (v, job) in enumerate(jobs):
                client = clients[v]
                rnd = random.Random(i).random
                futures.append(pool.submit(_thread_loop, client, job, client.policy, rnd))
        except RuntimeError as exc:  # can't start new thread
            say({"failed": f"thread {len(futures) + 1}: {exc}", "threads": len(futures)})
            sys.stdout.flush()
            os._exit(3)
        index = {future: i for i, future in enumerate(futures)}
        for future in concurrent.futures.as_completed(futures):
            finished[index[future]] = time.time()
            try:
                n, t = future.result()
            except Exception as exc:  # every failure is counted, none stops the run
                errors.append(type(exc).__name__ + ": " + str(exc)[:120])
            else:
                polls.append(n)
                transient += t
        pool.shutdown()
    cpu = _cpu() - cpu
    for client in clients.values():
        client.close()
    out = _summary(started, finished, polls, errors, transient, base, sampler.peak, len(jobs))
    say(out | {"cpu_s": cpu})


def main() -> None:
    say({"pid": os.getpid()})
    settings = hear()
    if settings["mode"] == "jobpoll" and settings.get("loop") == "uvloop":
        import uvloop  # opt-in, as a user would: uvloop.run(main())

        uvloop.run(watch_jobpoll(settings))
    elif settings["mode"] == "jobpoll":
        asyncio.run(watch_jobpoll(settings))
    else:
        watch_threads(settings)


if __name__ == "__main__":
    main()
