"""Benchmark 1b: client CPU per async status request at concurrency 20, over loopback.

Twenty workers on one event loop each send status requests to ``bench._server`` (a bare
asyncio HTTP server in another process, so its CPU is not counted) and parse every answer.
Contenders, measured in the same run, alternating:

* raw ``aiohttp.ClientSession`` loop (the floor): GET, read, ``json.loads``, look at the state;
* raw ``httpx.AsyncClient`` loop on httpx's native transport (httpcore + anyio);
* raw ``httpx.AsyncClient`` loop over aiohttp (``httpx_aiohttp.AiohttpTransport``);
* jobpoll ``AsyncToy.wait`` on its default channel (``jobpoll._aiohttp``);
* jobpoll ``AsyncToy.wait`` on the native httpx transport (the default before #14);
* jobpoll ``AsyncToy.wait`` with an httpx-over-aiohttp client passed as ``http_client=``
  (the other candidate for the default);
* and, when uvloop is installed, the raw aiohttp loop and jobpoll's default on uvloop.

CPU is ``time.process_time()`` of this process per request; median of the runs (min-max).
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import httpx

from jobpoll import PollPolicy

from . import _proc
from ._common import Spread, table
from ._toy import TOKEN, AsyncToy

CONCURRENCY = 20
TARGET_VS_AIOHTTP = 2.0
"""jobpoll's async poll may cost at most this many times the raw aiohttp loop's CPU."""
TARGET_VS_NATIVE = 5.0
"""... and must be at least this many times cheaper than jobpoll on native httpx."""

ZERO = PollPolicy(
    initial_delay=0, multiplier=1, max_delay=1e-6, min_delay=0, jitter=0, max_retries=0
)
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


async def _anoop(_seconds: float) -> None:
    return None


def _running(content: bytes) -> bool:
    body = json.loads(content)
    if not isinstance(body, dict) or not isinstance(body.get("state"), str):
        raise ValueError("no state")
    return bool(body["state"] != "done")


Worker = Callable[[str, int], Awaitable[int]]
"""(job id, polls) -> polls sent."""


async def _spread(worker: Worker, base: str, n: int, tag: str) -> int:
    each = n // CONCURRENCY
    jobs = [f"{base}/jobs/n{each}-{tag}-{w}" for w in range(CONCURRENCY)]
    return sum(await asyncio.gather(*(worker(job, each) for job in jobs)))


def _aiohttp_raw(session: Any) -> Worker:
    async def worker(url: str, n: int) -> int:
        polls = 0
        while True:
            async with session.get(url, headers=HEADERS) as response:
                content = await response.read()
            polls += 1
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
            if not _running(content):
                return polls

    return worker


def _httpx_raw(client: httpx.AsyncClient) -> Worker:
    async def worker(url: str, n: int) -> int:
        polls = 0
        while True:
            response = await client.get(url, headers=HEADERS)
            polls += 1
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}")
            if not _running(response.content):
                return polls

    return worker


def _jobpoll(client: AsyncToy, base: str) -> Worker:
    async def worker(url: str, n: int) -> int:
        status = await client.wait(url[len(base) + len("/jobs/") :], timeout=3600)
        return int(status.stats.attempts)

    return worker


Setup = Callable[[str], Coroutine[Any, Any, tuple[Worker, Callable[[], Awaitable[object]]]]]
"""base url -> (worker, close)."""


async def _raw_aiohttp(base: str) -> tuple[Worker, Callable[[], Awaitable[object]]]:
    import aiohttp

    session = aiohttp.ClientSession()
    return _aiohttp_raw(session), session.close


async def _raw_httpx(base: str) -> tuple[Worker, Callable[[], Awaitable[object]]]:
    client = httpx.AsyncClient()
    return _httpx_raw(client), client.aclose


def _httpx_aiohttp_client() -> httpx.AsyncClient:
    from httpx_aiohttp import AiohttpTransport

    return httpx.AsyncClient(transport=AiohttpTransport())


async def _raw_httpx_aiohttp(base: str) -> tuple[Worker, Callable[[], Awaitable[object]]]:
    client = _httpx_aiohttp_client()
    return _httpx_raw(client), client.aclose


async def _sdk_default(base: str) -> tuple[Worker, Callable[[], Awaitable[object]]]:
    client = AsyncToy(base, policy=ZERO, sleep=_anoop)
    return _jobpoll(client, base), client.close


async def _sdk_native(base: str) -> tuple[Worker, Callable[[], Awaitable[object]]]:
    client = AsyncToy(base, policy=ZERO, sleep=_anoop, transport=httpx.AsyncHTTPTransport())
    return _jobpoll(client, base), client.close


async def _sdk_httpx_aiohttp(base: str) -> tuple[Worker, Callable[[], Awaitable[object]]]:
    http = _httpx_aiohttp_client()
    client = AsyncToy(base, policy=ZERO, sleep=_anoop, http_client=http)

    async def close() -> None:
        await client.close()
        await http.aclose()

    return _jobpoll(client, base), close


CONTENDERS: list[tuple[str, str, Setup, bool]] = [
    # (key, label, setup, on uvloop)
    ("aiohttp", "raw `aiohttp.ClientSession` loop (the floor)", _raw_aiohttp, False),
    ("httpx-native", "raw `httpx.AsyncClient` loop, native transport", _raw_httpx, False),
    (
        "httpx-aiohttp",
        "raw `httpx.AsyncClient` loop over `httpx_aiohttp.AiohttpTransport`",
        _raw_httpx_aiohttp,
        False,
    ),
    ("jobpoll", "**jobpoll `AsyncToy.wait`, default channel (aiohttp)**", _sdk_default, False),
    ("jobpoll-native", "jobpoll `wait` on native httpx (the default before)", _sdk_native, False),
    (
        "jobpoll-httpx-aiohttp",
        "jobpoll `wait`, `http_client=` httpx over aiohttp",
        _sdk_httpx_aiohttp,
        False,
    ),
    ("aiohttp-uvloop", "raw aiohttp loop, on uvloop", _raw_aiohttp, True),
    ("jobpoll-uvloop", "jobpoll `wait`, default channel, on uvloop", _sdk_default, True),
]


def _uvloop() -> Any:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop


def measure(setup: Setup, base: str, n: int, tag: str, uv: bool) -> tuple[float, float]:
    """One pass: (µs CPU per request, requests per wall second)."""

    async def go() -> tuple[float, float, int]:
        worker, close = await setup(base)
        try:
            await _spread(worker, base, CONCURRENCY, f"warm{tag}")  # connections open
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            polls = await _spread(worker, base, n, tag)
            return time.process_time() - cpu, time.perf_counter() - wall, polls
        finally:
            await close()

    if uv:
        cpu, wall, polls = _uvloop().run(go())
    else:
        cpu, wall, polls = asyncio.run(go())
    if polls != n // CONCURRENCY * CONCURRENCY:
        raise AssertionError(f"a pass sent {polls} requests, not {n}")
    return cpu / polls * 1e6, polls / wall


def run(
    *, quick: bool = False, requests: int | None = None, runs: int | None = None
) -> dict[str, Any]:
    started = time.perf_counter()
    n = requests or (400 if quick else 4_000)
    runs = runs or (2 if quick else 3)
    contenders = [c for c in CONTENDERS if not c[3] or _uvloop() is not None]
    cpu: dict[str, list[float]] = {c[0]: [] for c in contenders}
    rate: dict[str, list[float]] = {c[0]: [] for c in contenders}
    with _proc.spawn(["bench._server"]) as server:
        base = server.facts["url"]
        for i in range(runs):
            for key, _, setup, uv in contenders if i % 2 == 0 else contenders[::-1]:
                us, per_s = measure(setup, base, n, f"{key}{i}", uv)
                cpu[key].append(us)
                rate[key].append(per_s)
    rows = [
        {
            "key": key,
            "label": label,
            "cpu_us": Spread.of(cpu[key]),
            "per_s": Spread.of(rate[key]),
            "vs_aiohttp": Spread.of(a / b for a, b in zip(cpu[key], cpu["aiohttp"], strict=True)),
        }
        for key, label, _, _ in contenders
    ]
    by = {r["key"]: r for r in rows}
    return {
        "rows": rows,
        "requests": n // CONCURRENCY * CONCURRENCY,
        "runs": runs,
        "concurrency": CONCURRENCY,
        "jobpoll_vs_aiohttp": by["jobpoll"]["vs_aiohttp"],
        "native_vs_jobpoll": Spread.of(
            a / b for a, b in zip(cpu["jobpoll-native"], cpu["jobpoll"], strict=True)
        ),
        "uvloop": _uvloop() is not None,
        "seconds": time.perf_counter() - started,
    }


def markdown(res: dict[str, Any]) -> str:
    vs_raw, vs_native = res["jobpoll_vs_aiohttp"], res["native_vs_jobpoll"]
    lines = [
        f"### 1b. Async polls at concurrency {res['concurrency']}, loopback",
        "",
        f"{res['concurrency']} workers on one event loop send {res['requests']:,} status "
        "requests in all to `bench._server` (a bare asyncio HTTP server in another process) "
        "and parse each answer; client CPU (`time.process_time`) per request, median of "
        f"{res['runs']} runs (min-max), the contenders alternating in one run. The ratio is "
        "to the raw aiohttp loop's CPU in the same run.",
        "",
        table(
            ["client", "µs CPU / request", "requests / s (wall)", "vs raw aiohttp"],
            [
                (r["label"], r["cpu_us"].fmt(0), r["per_s"].fmt(0), f"{r['vs_aiohttp'].fmt(2)}x")
                for r in res["rows"]
            ],
        ),
        "",
        f"- jobpoll's async poll costs **{vs_raw.fmt(2)}x** the raw aiohttp loop "
        f"(target ≤ {TARGET_VS_AIOHTTP:g}x: "
        f"{'met' if vs_raw.median <= TARGET_VS_AIOHTTP else 'missed'}).",
        f"- The default before this change (jobpoll on native httpx) cost **{vs_native.fmt(1)}x** "
        f"as much (target ≥ {TARGET_VS_NATIVE:g}x: "
        f"{'met' if vs_native.median >= TARGET_VS_NATIVE else 'missed'}).",
    ]
    if not res["uvloop"]:
        lines.append("- uvloop is not installed: not measured.")
    lines += ["", f"Took {res['seconds']:.1f} s.", ""]
    return "\n".join(lines)
