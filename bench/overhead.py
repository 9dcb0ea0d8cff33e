"""Benchmark 1: client CPU per status poll, jobpoll ``wait`` versus a hand-written httpx loop.

Both sides send the same N status requests and parse every answer the same way a careful
hand-written client would (build the request, send it, read the body, check the status code,
parse the JSON into the vendor's model, look at the state); the raw loop is the floor. The
policy has zero delays and the sleep is a no-op, so what is left is overhead. CPU time is
``time.process_time()`` of this (the client) process, the server being in-process
(``httpx.MockTransport``, to isolate the SDK) or another process (loopback HTTP).
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

import jobpoll
from jobpoll import PollPolicy
from jobpoll._transport import USER_AGENT, SyncHttp

from . import _proc
from ._common import Spread, ratio_spread, table
from ._toy import TOKEN, AsyncToy, Toy

# max_delay must be > 0; past 1,000 polls PollPolicy.backoff jumps to it (see BENCHMARKS.md),
# so keep it tiny: the driver then calls the no-op sleep, which costs about a microsecond.
ZERO = PollPolicy(
    initial_delay=0, multiplier=1, max_delay=1e-6, min_delay=0, jitter=0, max_retries=0
)
TARGET = 1.15
BASE = "http://bench.invalid"


def _noop(_seconds: float) -> None:
    return None


async def _anoop(_seconds: float) -> None:
    return None


@dataclass
class Case:
    """One vendor's status poll, both ways."""

    vendor: str
    parses_into: str
    running: bytes
    done: bytes
    path: Callable[[str], str]
    headers: dict[str, str]
    raw_done: Callable[[bytes], bool]
    sync_client: Callable[..., Any]
    async_client: Callable[..., Any]
    content_type: str = "application/json"
    method: str = "GET"
    body: bytes = b""
    base: str = BASE
    job_id: str = "job-1"

    @property
    def wire_headers(self) -> dict[str, str]:
        """What jobpoll sends besides httpx's defaults; the raw loop sends the same."""
        return {"User-Agent": USER_AGENT, **self.headers}


def _toy_done(content: bytes) -> bool:
    body = json.loads(content)
    if not isinstance(body, dict) or not isinstance(body.get("state"), str):
        raise ValueError("no state")
    return body["state"] == "done"


TOY = Case(
    vendor="toy (JSON → dict)",
    parses_into="dict",
    running=b'{"state":"running","progress":null}',
    done=b'{"state":"done","progress":null}',
    path=lambda job: f"/jobs/{job}",
    headers={"Authorization": f"Bearer {TOKEN}"},
    raw_done=_toy_done,
    sync_client=Toy,
    async_client=AsyncToy,
)


def _model_done(vendor: str) -> Callable[[bytes], bool]:
    """How a hand-written client reads a status: JSON (or XML) into the vendor's model."""
    import xml.etree.ElementTree as ET

    if vendor == "alphasms":
        # A hand-written loop parses a trusted vendor's XML with the standard library.
        return lambda c: ET.fromstring(c).findtext("job/status") in ("COMPLETE", "FAILED")

    def obj(content: bytes) -> dict[str, Any]:
        body = json.loads(content)
        if not isinstance(body, dict):
            raise ValueError("not an object")
        return body

    if vendor == "phrase-tms":
        from jobpoll_generated.phrase_tms.models.async_request_dto_v1 import AsyncRequestDtoV1
        from jobpoll_generated.phrase_tms.types import Unset

        def tms(c: bytes) -> bool:
            done = AsyncRequestDtoV1.from_dict(obj(c)).async_response
            return not (done is None or isinstance(done, Unset))

        return tms
    if vendor == "phrase-mt":
        from jobpoll_generated.phrase_mt.models.translate_async_status_response import (
            TranslateAsyncStatusResponse,
        )

        return lambda c: TranslateAsyncStatusResponse.from_dict(obj(c)).status in ("done", "failed")
    if vendor == "veza":
        from jobpoll_generated.veza.models.async_task import AsyncTask

        def veza(c: bytes) -> bool:
            body = obj(c)
            task = AsyncTask.from_dict(
                body["value"] if isinstance(body.get("value"), dict) else body
            )
            return str(getattr(task.state, "value", task.state)) == "COMPLETE"

        return veza
    if vendor == "edenai":
        from jobpoll_generated.edenai.models.universal_ai_async_response import (
            UniversalAIAsyncResponse,
        )

        return lambda c: UniversalAIAsyncResponse.from_dict(obj(c)).status in ("success", "fail")
    raise KeyError(vendor)


_DEFAULT_HEADERS = {
    "host",
    "accept",
    "accept-encoding",
    "connection",
    "user-agent",
    "content-length",
}


def _recorded(vendor: str) -> Case:
    """A real vendor's status poll, as its simulator answers it: captured once, then replayed.

    The vendor client polls a running and a finished job on the simulator; the requests and
    answers are recorded, so that both loops send byte-identical requests and parse
    byte-identical bodies.
    """
    import os

    from jobpoll import _vendors
    from jobpoll.testing import SIMULATORS

    sim = SIMULATORS[vendor](seed=1)
    running, done = sim.add_job(duration=24 * 3600), sim.add_job(duration=0)
    os.environ[_vendors.ENV[vendor][0]] = sim.credential
    cls = _vendors.sync_client(vendor)
    acls = _vendors.async_client(vendor)
    seen: list[tuple[httpx.Request, httpx.Response]] = []

    class Recorder(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = super().handle_request(request)
            response.read()
            seen.append((request, response))
            return response

    with sim.serve():
        with cls(base_url=sim.url, transport=Recorder()) as client:  # type: ignore[call-arg]
            client.status(running)
            client.status(done)
        base = sim.url
    (req, run_resp), (_, done_resp) = seen[-2], seen[-1]
    # Both answers are replayed for the running job: a reader that checks the id in the body
    # (Veza's) must see its own.
    done_content = done_resp.content.replace(str(done).encode(), str(running).encode())
    raw_done = _model_done(vendor)
    if raw_done(run_resp.content) or not raw_done(done_content):
        raise AssertionError(f"{vendor}: the hand-written parse misreads the simulator's bodies")
    url, body = str(req.url), req.content
    headers = {k: v for k, v in req.headers.items() if k.lower() not in _DEFAULT_HEADERS}
    model = {"alphasms": "ElementTree"}.get(vendor, "generated model")
    return Case(
        vendor=f"{vendor} ({'XML' if vendor == 'alphasms' else 'JSON'} → {model})",
        parses_into=model,
        running=run_resp.content,
        done=done_content,
        path=lambda _job: url[len(base) :],
        headers=headers,
        raw_done=raw_done,
        sync_client=lambda b, **kw: cls(base_url=b, **kw),  # type: ignore[call-arg]
        async_client=lambda b, **kw: acls(base_url=b, **kw),  # type: ignore[call-arg]
        content_type=run_resp.headers.get("content-type", "application/json"),
        method=req.method,
        body=body,
        base=base,
        job_id=running,
    )


VENDORS = ("phrase-tms", "phrase-mt", "veza", "edenai", "alphasms")


def vendor_cases() -> tuple[list[Case], list[str]]:
    """The real vendor modules that are there to measure, and why the others are not."""
    cases, missing = [], []
    for vendor in VENDORS:
        try:
            cases.append(_recorded(vendor))
        except Exception as exc:  # a vendor module absent or broken: say so
            missing.append(f"{vendor}: {type(exc).__name__}: {exc}")
    return cases, missing


class Responder:
    """The MockTransport handler: ``running`` for n-1 polls, then ``done``."""

    def __init__(self, case: Case, n: int) -> None:
        self.case = case
        self.n = n
        self.count = 0
        self.headers = {"content-type": case.content_type}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        body = self.case.done if self.count >= self.n else self.case.running
        return httpx.Response(200, headers=self.headers, content=body)


# -- the four loops: raw or jobpoll, sync or async --------------------------------------------


def raw_sync(client: httpx.Client, case: Case, url: str) -> int:
    polls = 0
    while True:
        request = client.build_request(case.method, url, content=case.body or None, timeout=30.0)
        response = client.send(request)
        polls += 1
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
        if case.raw_done(response.content):
            return polls


async def raw_async(client: httpx.AsyncClient, case: Case, url: str) -> int:
    polls = 0
    while True:
        request = client.build_request(case.method, url, content=case.body or None, timeout=30.0)
        response = await client.send(request)
        polls += 1
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
        if case.raw_done(response.content):
            return polls


def _collect() -> None:
    """Start each measured pass with no garbage left by the one before."""
    gc.collect()


def _cpu(fn: Callable[[], int]) -> tuple[float, float, int]:
    _collect()
    wall, cpu = time.perf_counter(), time.process_time()
    polls = fn()
    return time.process_time() - cpu, time.perf_counter() - wall, polls


def _acpu(fn: Callable[[], Awaitable[int]]) -> tuple[float, float, int]:
    async def go() -> tuple[float, float, int]:
        _collect()
        wall, cpu = time.perf_counter(), time.process_time()
        polls = await fn()
        return time.process_time() - cpu, time.perf_counter() - wall, polls

    return asyncio.run(go())


Pass = Callable[[int, str], tuple[float, float, int]]
"""One measured pass: (n polls, a fresh tag) -> (cpu s, wall s, polls)."""


def _mock_passes(case: Case, flavour: str) -> tuple[Pass, Pass]:
    url = case.base + case.path(case.job_id)

    def raw(n: int, _tag: str) -> tuple[float, float, int]:
        if flavour == "sync":
            transport = httpx.MockTransport(Responder(case, n))
            with httpx.Client(transport=transport, headers=case.wire_headers) as client:
                return _cpu(lambda: raw_sync(client, case, url))

        async def go() -> int:
            transport = httpx.MockTransport(Responder(case, n))
            async with httpx.AsyncClient(transport=transport, headers=case.wire_headers) as client:
                return await raw_async(client, case, url)

        return _timed_async(go)

    def sdk(n: int, _tag: str) -> tuple[float, float, int]:
        responder = Responder(case, n)
        if flavour == "sync":
            transport = httpx.MockTransport(responder)
            with case.sync_client(
                case.base, policy=ZERO, sleep=_noop, transport=transport
            ) as client:
                cpu, wall, _ = _cpu(lambda: client.wait(case.job_id, timeout=3600).stats.attempts)
            return cpu, wall, responder.count

        async def go() -> int:
            transport = httpx.MockTransport(responder)
            async with case.async_client(
                case.base, policy=ZERO, sleep=_anoop, transport=transport
            ) as client:
                status = await client.wait(case.job_id, timeout=3600)
            return int(status.stats.attempts)

        return _timed_async(go)

    return raw, sdk


def _timed_async(make: Callable[[], Awaitable[int]]) -> tuple[float, float, int]:
    """Time an async pass; client creation and teardown are inside but cost next to nothing."""
    return _acpu(make)


def _loopback_passes(case: Case, flavour: str, base: str) -> tuple[Pass, Pass]:
    """Passes against the job server at ``base`` (toy case only: ids say when a job ends)."""

    def url(job: str) -> str:
        return base + case.path(job)

    def raw(n: int, tag: str) -> tuple[float, float, int]:
        job = f"n{n}-raw{tag}"
        if flavour == "sync":
            with httpx.Client(headers=case.wire_headers) as client:
                client.get(url("n1-warm"))  # open the connection first
                return _cpu(lambda: raw_sync(client, case, url(job)))

        async def go() -> tuple[float, float, int]:
            async with httpx.AsyncClient(headers=case.wire_headers) as client:
                await client.get(url("n1-warm"))
                _collect()
                wall, cpu = time.perf_counter(), time.process_time()
                polls = await raw_async(client, case, url(job))
                return time.process_time() - cpu, time.perf_counter() - wall, polls

        return asyncio.run(go())

    def sdk(n: int, tag: str) -> tuple[float, float, int]:
        job = f"n{n}-sdk{tag}"
        if flavour == "sync":
            with case.sync_client(base, policy=ZERO, sleep=_noop) as client:
                client.status("n1-warm")
                return _cpu(lambda: client.wait(job, timeout=3600).stats.attempts)

        async def go() -> tuple[float, float, int]:
            # On httpx's native transport, as the raw loop: this row isolates jobpoll's own
            # cost; §1b compares the channels (jobpoll's default async one is aiohttp).
            transport = httpx.AsyncHTTPTransport()
            async with case.async_client(
                base, policy=ZERO, sleep=_anoop, transport=transport
            ) as client:
                await client.status("n1-warm")
                _collect()
                wall, cpu = time.perf_counter(), time.process_time()
                status = await client.wait(job, timeout=3600)
                return time.process_time() - cpu, time.perf_counter() - wall, status.stats.attempts

        return asyncio.run(go())

    return raw, sdk


def compare(raw: Pass, sdk: Pass, n: int, runs: int) -> dict[str, Any]:
    """Alternate the two passes ``runs`` times after a warm-up; per-poll CPU and the ratio."""
    raw(min(n, 200), "warm")
    sdk(min(n, 200), "warm")
    raw_cpu: list[float] = []
    sdk_cpu: list[float] = []
    raw_wall: list[float] = []
    sdk_wall: list[float] = []
    for i in range(runs):
        order = [(raw, raw_cpu, raw_wall), (sdk, sdk_cpu, sdk_wall)]
        for fn, cpus, walls in order if i % 2 == 0 else order[::-1]:
            cpu, wall, polls = fn(n, str(i))
            if polls != n:
                raise AssertionError(f"a pass sent {polls} polls, not {n}")
            cpus.append(cpu / n * 1e6)
            walls.append(wall / n * 1e6)
    return {
        "polls": n,
        "runs": runs,
        "raw_cpu_us": Spread.of(raw_cpu),
        "jobpoll_cpu_us": Spread.of(sdk_cpu),
        "ratio": ratio_spread(sdk_cpu, raw_cpu),
        "extra_cpu_us": Spread.of(s - r for s, r in zip(sdk_cpu, raw_cpu, strict=True)),
        "raw_wall_us": Spread.of(raw_wall),
        "jobpoll_wall_us": Spread.of(sdk_wall),
    }


def breakdown(n: int, runs: int) -> list[dict[str, Any]]:
    """Where jobpoll's extra CPU goes (toy, sync, MockTransport): one layer added at a time."""
    from ._toy import ToySource

    case, source, url = TOY, ToySource(), BASE + TOY.path("job-1")

    def transport(n: int) -> httpx.MockTransport:
        return httpx.MockTransport(Responder(case, n))

    def floor(n: int) -> int:
        with httpx.Client(transport=transport(n), headers=case.wire_headers) as client:
            return _cpu(lambda: raw_sync(client, case, url))  # type: ignore[return-value]

    def http(n: int, *, ours: bool, interpret: bool) -> Any:
        channel = SyncHttp(
            vendor="toy", base_url=BASE, headers=case.headers, transport=transport(n)
        )

        def loop() -> int:
            polls = 0
            request = source.status_request("job-1")
            while True:
                polls += 1
                if ours:
                    response = channel.send(request, 30.0)
                else:
                    response = channel.client.send(channel.build(request, 30.0))
                if interpret:
                    if source.interpret("job-1", response)[0].done:
                        return polls
                    continue
                if response.status_code != 200:
                    raise RuntimeError(f"HTTP {response.status_code}")
                if case.raw_done(response.content):
                    return polls

        try:
            return _cpu(loop)
        finally:
            channel.close()

    def full(n: int) -> Any:
        with Toy(BASE, policy=ZERO, sleep=_noop, transport=transport(n)) as client:
            return _cpu(lambda: client.wait("job-1", timeout=3600).stats.attempts)

    stages: list[tuple[str, Callable[[int], Any]]] = [
        ("raw httpx loop (the floor)", floor),
        (
            "+ jobpoll's request building (`SyncHttp.build`)",
            lambda n: http(n, ours=False, interpret=False),
        ),
        (
            "+ streamed, size-capped read (`_http.send`)",
            lambda n: http(n, ours=True, interpret=False),
        ),
        (
            "+ `Source.interpret` (check, parse, `JobStatus`)",
            lambda n: http(n, ours=True, interpret=True),
        ),
        ("+ the engine (`wait_machine` + `_drive.run`): `wait`", full),
    ]
    for _, fn in stages:
        fn(min(n, 200))
    cpu: dict[str, list[float]] = {name: [] for name, _ in stages}
    for i in range(runs):
        for name, fn in stages if i % 2 == 0 else stages[::-1]:
            used, _, polls = fn(n)
            if polls != n:
                raise AssertionError(f"{name}: {polls} polls, not {n}")
            cpu[name].append(used / n * 1e6)
    out, before = [], None
    for name, _ in stages:
        here = Spread.of(cpu[name])
        out.append(
            {
                "stage": name,
                "cpu_us": here,
                "added_us": None
                if before is None
                else Spread.of(a - b for a, b in zip(cpu[name], cpu[before], strict=True)),
            }
        )
        before = name
    return out


def run(
    *,
    quick: bool = False,
    polls: int | None = None,
    runs: int | None = None,
    vendors: bool | None = None,
) -> dict[str, Any]:
    """Every case over MockTransport, the toy over loopback, and the layer breakdown.

    ``vendors``: also the five vendor modules, each recorded from its simulator (default: not
    in a quick run).
    """
    started = time.perf_counter()
    n = polls or (200 if quick else 5_000)
    runs = runs or 3
    loop_n = polls or (200 if quick else 5_000)
    if vendors is None:
        vendors = not quick
    cases, missing = vendor_cases() if vendors else ([], ["vendors: not measured in this run"])
    rows: list[dict[str, Any]] = []

    def measure(
        case: Case, over: str, flavour: str, passes: tuple[Pass, Pass], n: int, k: int
    ) -> None:
        rows.append(
            {"case": case.vendor, "over": over, "flavour": flavour} | compare(*passes, n, k)
        )

    for flavour in ("sync", "async"):
        measure(TOY, "MockTransport", flavour, _mock_passes(TOY, flavour), n, runs)
    # The vendors' sync clients, at fewer polls to fit the time budget; async adds the same
    # engine cost (the toy rows above).
    vendor_n = polls or (300 if quick else 2_000)
    for case in cases:
        measure(case, "MockTransport", "sync", _mock_passes(case, "sync"), vendor_n, min(runs, 3))
    with _proc.spawn(["bench._server"]) as server:
        url = server.facts["url"]
        for flavour in ("sync", "async"):
            over = "loopback HTTP (bench._server)"
            measure(TOY, over, flavour, _loopback_passes(TOY, flavour, url), loop_n, min(runs, 3))
    return {
        "rows": rows,
        "breakdown": breakdown(min(n, 3_000), runs),
        "missing": missing,
        "jobpoll": jobpoll.__version__,
        "seconds": time.perf_counter() - started,
    }


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "## 1. Overhead per poll",
        "",
        "The same status polls through jobpoll `wait` (zero-delay policy, no-op sleep) and "
        "through a hand-written httpx loop that builds the request, sends it, reads the body, "
        "checks the status code and parses the JSON into the vendor's model (the floor). "
        "Client CPU (`time.process_time`) per poll in µs; median of the runs with (min-max); "
        "the ratio is taken run by run, the two loops alternating.",
        "",
    ]
    rows = [
        (
            r["case"],
            r["over"],
            r["flavour"],
            f"{r['polls']:,} x {r['runs']}",
            r["raw_cpu_us"].fmt(1),
            r["jobpoll_cpu_us"].fmt(1),
            r["extra_cpu_us"].fmt(1),
            f"**{r['ratio'].fmt(3)}x**",
            "met"
            if r["ratio"].median <= TARGET
            else f"missed by {r['ratio'].median / TARGET - 1:.0%}",
        )
        for r in res["rows"]
    ]
    lines.append(
        table(
            [
                "vendor",
                "over",
                "sync/async",
                "polls x runs",
                "raw loop (µs CPU/poll)",
                "jobpoll (µs CPU/poll)",
                "extra (µs/poll)",
                "ratio",
                f"target ≤ {TARGET}x",
            ],
            rows,
        )
    )
    lines += [
        "",
        "Where the extra CPU goes (toy vendor, sync, MockTransport; each row adds one layer "
        "of what `wait` does to the row above, so the added cost is that layer's):",
        "",
        table(
            ["layer", "µs CPU/poll", "added (µs/poll)"],
            [
                (
                    b["stage"],
                    b["cpu_us"].fmt(1),
                    "" if b["added_us"] is None else b["added_us"].fmt(1),
                )
                for b in res["breakdown"]
            ],
        ),
    ]
    if res["missing"]:
        lines += ["", "Not measured: " + "; ".join(res["missing"])]
    lines += ["", f"Took {res['seconds']:.1f} s.", ""]
    return "\n".join(lines)
