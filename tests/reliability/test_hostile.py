"""Hostile servers: a deadline that holds over every byte, memory bounded by the cap, typed
errors, and no redirect followed (issue #10, the transport's half).

A small raw-socket server (``_hostile``, in a child process) trickles headers or a body one
byte every 0.2 s, sends an endless slow chunked body, a 1 GiB gzip bomb, the bomb gzipped
again (``Content-Encoding: gzip, gzip``), ``Content-Length: 10`` with 300 MiB of chunks, a
"gzip" body that is not gzip, a reset in the middle of a body, 8 MiB of tiny JSON objects, or
a 307 to another port that records what reaches it. Async cases run on both channels: aiohttp
(the default, ``jobpoll._aiohttp``) and httpx (given a ``transport=`` or an ``http_client=``).
These tests run on the real clock (the point is real time), each bounded: ``timeout=2`` must
end by 3.5 s even on a loaded machine.
Memory is what ``tracemalloc`` saw at its peak during the call (the server is elsewhere).

With ``JOBPOLL_HOSTILE_RECORD=path`` each matrix case appends its figures to ``path`` (one
JSON object a line): ``report.py`` turns them into RELIABILITY.md's hostile-server matrix.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import pytest

import jobpoll
from jobpoll import _http, _transport
from jobpoll.testing import Simulator

from .._both import Flavour
from ._hostile import Hostile, serve
from ._kit import KITS, VENDORS, Kit

TIMEOUT = 2.0
BOUND = 3.5
"""Seconds by which a ``timeout=2`` call must be over, whatever the server does."""

MIB = 1024 * 1024
SLACK = 4 * MIB
"""What a call may allocate beyond three times its cap: the pieces of the body being read and
the body joined from them, plus the previous poll's body, which the engine keeps with its
last error."""

CREDENTIAL = "hostile-" + "k" * 32
FAST = jobpoll.PollPolicy(
    initial_delay=0.05, min_delay=0.05, max_delay=0.05, jitter=0, max_retries=1, min_poll_time=0.1
)
"""Two polls 50 ms apart, then the error: the cases that fail fast show they were retried."""

Channel = str
CHANNELS: list[tuple[Flavour, Channel]] = [
    ("sync", "httpx"),
    ("async", "aiohttp"),
    ("async", "httpx"),
]
"""Every path a request can take: sync httpx; async on the default aiohttp channel; async on
httpx (the client built from a ``transport=``)."""
CHANNEL_IDS = ["sync", "async", "async-httpx"]
"""``async`` is the default channel: the one the RELIABILITY.md matrix (``report.py``) shows."""

RESULT_IN_STATUS = frozenset({"veza", "edenai"})
"""Vendors whose final status carries the job's result, so polls read under the result cap."""


def cap(vendor: str) -> int:
    return _http.RESULT_MAX_BODY if vendor in RESULT_IN_STATUS else _http.STATUS_MAX_BODY


@attrs.frozen
class Behaviour:
    name: str
    what: str
    expect: type[jobpoll.Error]
    match: str
    trickles: bool = False

    def expected(self, vendor: str, channel: Channel) -> tuple[type[jobpoll.Error], str]:
        if self.name == "cl-and-chunked" and channel == "aiohttp":
            # aiohttp refuses the contradictory framing before reading a byte of the body.
            return jobpoll.TransportError, "broke HTTP"
        if self.name == "huge-status" and vendor in RESULT_IN_STATUS:
            return jobpoll.MalformedResponse, "packed with more than one JSON object"
        return self.expect, self.match


BEHAVIOURS = [
    Behaviour("trickle-headers", "headers, 1 byte / 0.2 s", jobpoll.WaitTimeout, "", True),
    Behaviour("trickle-body", "body, 1 byte / 0.2 s", jobpoll.WaitTimeout, "", True),
    Behaviour("endless-chunked", "endless chunked body", jobpoll.WaitTimeout, "", True),
    Behaviour("gzip-bomb", "gzip bomb (1 GiB)", jobpoll.MalformedResponse, "larger than"),
    Behaviour("gzip-gzip", "`gzip, gzip` bomb", jobpoll.MalformedResponse, "larger than"),
    Behaviour(
        "cl-and-chunked", "CL: 10 + chunked 300 MiB", jobpoll.MalformedResponse, "larger than"
    ),
    Behaviour("bad-gzip", "`gzip` body not gzip", jobpoll.MalformedResponse, "decoded"),
    Behaviour("reset", "reset mid-body", jobpoll.TransportError, "failed"),
    Behaviour(
        "huge-status", "8 MiB of tiny JSON objects", jobpoll.MalformedResponse, "larger than"
    ),
]
BY_NAME = {b.name: b for b in BEHAVIOURS}


@pytest.fixture(scope="module")
def hostile() -> Iterator[Hostile]:
    with serve() as server:
        yield server


@attrs.frozen
class Ran:
    error: BaseException | None
    seconds: float
    peak: int
    """Bytes, the peak traced during the call."""
    polls: int = 0


def _record(**case: Any) -> None:
    path = os.environ.get("JOBPOLL_HOSTILE_RECORD")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(case) + "\n")


def run(
    kit: Kit,
    flavour: Flavour,
    url: str,
    *,
    how: str = "wait",
    timeout: float = TIMEOUT,
    policy: jobpoll.PollPolicy | None = None,
    http_client: httpx.Client | httpx.AsyncClient | None = None,
    channel: Channel = "aiohttp",
) -> Ran:
    """One call against ``url`` on the real clock, timed and with its memory traced."""
    kw: dict[str, Any] = {}
    if flavour == "async" and channel == "httpx" and http_client is None:
        kw["transport"] = httpx.AsyncHTTPTransport()
    client = kit.client(flavour, url, CREDENTIAL, http_client=http_client, policy=policy, **kw)
    if flavour == "async":
        assert client._http.channel == ("httpx" if http_client else channel)
    job = kit.sample_id
    error: BaseException | None = None

    def sync() -> None:
        if how == "wait":
            client.wait(job, timeout=timeout)
        elif how == "watch":
            for _ in client.watch(job, timeout=timeout):
                pass
        else:
            client.status(job)

    async def async_() -> None:
        try:
            if how == "wait":
                await client.wait(job, timeout=timeout)
            elif how == "watch":
                async for _ in client.watch(job, timeout=timeout):
                    pass
            else:
                await client.status(job)
        finally:
            await client.close()

    tracemalloc.start()
    began = time.monotonic()
    try:
        if flavour == "sync":
            with client:
                sync()
        else:
            asyncio.run(async_())
    except Exception as exc:  # what the call raised is what the test looks at
        error = exc
    took = time.monotonic() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Ran(error, took, peak)


def assert_typed(ran: Ran, kit: Kit, expect: type[jobpoll.Error], match: str = "") -> None:
    err = ran.error
    assert isinstance(err, expect), f"{type(err).__name__}: {err}"
    assert err.vendor == kit.vendor
    assert err.job_id == kit.sample_id
    assert match in str(err)
    assert CREDENTIAL not in str(err) and CREDENTIAL not in repr(err)


# --- the matrix: every behaviour x vendor x sync/async ---------------------------------------


@pytest.mark.parametrize(("flavour", "channel"), CHANNELS, ids=CHANNEL_IDS)
@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("name", list(BY_NAME))
def test_hostile(
    hostile: Hostile, name: str, vendor: str, flavour: Flavour, channel: Channel
) -> None:
    """``wait(timeout=2)`` ends typed, on time, within the cap's memory, whatever the server."""
    behaviour, kit = BY_NAME[name], KITS[vendor]
    policy = None if behaviour.trickles else FAST
    ran = run(kit, flavour, hostile.url(name), policy=policy, channel=channel)
    expect, match = behaviour.expected(vendor, channel)
    _record(
        behaviour=name,
        vendor=vendor,
        flavour=flavour if channel != "httpx" or flavour == "sync" else "async-httpx",
        outcome=type(ran.error).__name__ if ran.error else "returned",
        seconds=round(ran.seconds, 3),
        overrun=round(max(0.0, ran.seconds - TIMEOUT), 3),
        peak=ran.peak,
        ok=isinstance(ran.error, expect),
    )
    assert ran.seconds < BOUND, f"took {ran.seconds:.2f} s"
    assert_typed(ran, kit, expect, match)
    if behaviour.trickles:
        assert ran.seconds > TIMEOUT - 0.5, "the wait gave up long before its deadline"
    else:
        assert getattr(ran.error, "retryable", False), "a transient failure must be retried"
    assert ran.peak < 3 * cap(vendor) + SLACK, f"peak {ran.peak / MIB:.1f} MiB"


# --- the deadline over every kind of call --------------------------------------------------


@pytest.mark.parametrize(("flavour", "channel"), CHANNELS, ids=CHANNEL_IDS)
@pytest.mark.parametrize("name", ["trickle-headers", "endless-chunked"])
def test_watch_and_one_shot_calls_keep_the_deadline(
    hostile: Hostile, name: str, flavour: Flavour, channel: Channel
) -> None:
    kit = KITS["veza"]
    watched = run(kit, flavour, hostile.url(name), how="watch", channel=channel)
    assert watched.seconds < BOUND
    assert_typed(watched, kit, jobpoll.WaitTimeout)
    # One poll: its request timeout is its deadline.
    one = jobpoll.PollPolicy(request_timeout=TIMEOUT)
    polled = run(kit, flavour, hostile.url(name), how="status", policy=one, channel=channel)
    assert TIMEOUT - 0.5 < polled.seconds < BOUND
    assert_typed(polled, kit, jobpoll.TransportError, "within the 2 s")


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_client_passed_in_is_held_to_the_deadline(hostile: Hostile, flavour: Flavour) -> None:
    """A user's own httpx client gets the deadline backend too (passing through outside
    jobpoll's requests)."""
    kit = KITS["alphasms"]
    user: httpx.Client | httpx.AsyncClient = (
        httpx.Client() if flavour == "sync" else httpx.AsyncClient()
    )
    ran = run(kit, flavour, hostile.url("trickle-headers"), http_client=user)
    assert ran.seconds < BOUND
    assert_typed(ran, kit, jobpoll.WaitTimeout)


class _Opaque(httpx.AsyncBaseTransport):
    """A transport jobpoll cannot see into (no httpcore pool of its own to guard)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)


def test_an_opaque_async_transport_is_bounded_by_asyncio_timeout(hostile: Hostile) -> None:
    kit = KITS["veza"]
    user = httpx.AsyncClient(transport=_Opaque())
    ran = run(kit, "async", hostile.url("trickle-headers"), http_client=user)
    assert ran.seconds < BOUND
    assert_typed(ran, kit, jobpoll.WaitTimeout)


def test_sync_body_loop_checks_the_deadline_even_unguarded(hostile: Hostile) -> None:
    """Without the backend (a transport jobpoll cannot see into), a sync read still stops
    at the deadline between body chunks."""

    class Opaque(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.HTTPTransport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return self.inner.handle_request(request)

    kit = KITS["phrase-mt"]
    ran = run(
        kit, "sync", hostile.url("endless-chunked"), http_client=httpx.Client(transport=Opaque())
    )
    assert ran.seconds < BOUND
    assert_typed(ran, kit, jobpoll.WaitTimeout)


async def _cancel_a_wait(client: Any, kit: Kit) -> float:
    """Start a wait, cancel it 0.5 s in; seconds until the cancelled wait returned."""
    began = time.monotonic()
    waiting = asyncio.ensure_future(client.wait(kit.sample_id, timeout=TIMEOUT))
    await asyncio.sleep(0.5)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    return time.monotonic() - began


def test_a_cancelled_request_is_closed_by_its_deadline(hostile: Hostile) -> None:
    """Cancelling an async wait returns at once; the request left behind (httpcore#1093) ends
    by its own deadline and gives its connection back."""
    kit = KITS["edenai"]

    async def go() -> tuple[float, int]:
        async with httpx.AsyncClient() as user:
            client = kit.client("async", hostile.url("trickle-body"), CREDENTIAL, http_client=user)
            began = time.monotonic()
            assert await _cancel_a_wait(client, kit) < 1.0, "the cancelled wait did not return"
            assert _transport._ORPHANS, "the request in flight should finish in the background"
            while _transport._ORPHANS and time.monotonic() - began < 10:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            pool: Any = user._transport._pool  # type: ignore[attr-defined]
            busy = [c for c in pool.connections if not (c.is_idle() or c.is_closed())]
            return time.monotonic() - began, len(busy)

    took, busy = asyncio.run(go())
    assert took < TIMEOUT + _transport.ORPHAN_GRACE + 0.5, f"the orphan ran {took:.2f} s"
    assert busy == 0


def test_a_cancelled_request_on_the_aiohttp_channel_is_closed_at_once(hostile: Hostile) -> None:
    """On the default channel a cancelled wait closes its request there and then: no task
    is left behind, no connection stays checked out, and closing the client closes its
    session."""
    kit = KITS["edenai"]

    async def go() -> tuple[float, int, int]:
        client = kit.client("async", hostile.url("trickle-body"), CREDENTIAL)
        tasks_before = asyncio.all_tasks()
        took = await _cancel_a_wait(client, kit)
        connector: Any = client._http._aio._session.connector
        acquired = len(connector._acquired)
        await client.close()
        assert client._http._aio._session.closed
        await asyncio.sleep(0)
        return took, acquired, len(asyncio.all_tasks() - tasks_before)

    took, acquired, tasks = asyncio.run(go())
    assert took < 1.0, f"the cancelled wait took {took:.2f} s"
    assert acquired == 0, "the cancelled request kept its connection"
    assert tasks == 0
    assert not _transport._ORPHANS


# --- many jobs --------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["aiohttp", "httpx"])
def test_trickling_and_undecodable_jobs_among_many_do_not_hold_up_wait_all(
    hostile: Hostile, channel: Channel
) -> None:
    """Five trickling jobs and one whose body does not decode, among 100 ordinary ones (a
    simulator in a thread of this process, so a longer deadline: it serves them slowly on a
    loaded machine): every job gets its outcome, and wait_all returns by the deadline."""
    kit = KITS["veza"]
    deadline = 4.0
    sim: Simulator = kit.simulator(None)

    async def go() -> tuple[list[jobpoll.Outcome], float]:
        def kw() -> dict[str, Any]:
            return {"transport": httpx.AsyncHTTPTransport()} if channel == "httpx" else {}

        good = kit.client("async", sim.url, sim.credential, policy=FAST, **kw())
        slow = kit.client("async", hostile.url("endless-chunked"), CREDENTIAL, **kw())
        bad = kit.client("async", hostile.url("bad-gzip"), CREDENTIAL, policy=FAST, **kw())
        ids = [sim.add_job(duration=0.0) for _ in range(100)]  # type: ignore[attr-defined]
        jobs = [(good, i) for i in ids]
        jobs[10:10] = [(slow, kit.sample_id)] * 5
        jobs[50:50] = [(bad, kit.sample_id)]
        began = time.monotonic()
        try:
            outcomes = await jobpoll.wait_all(jobs, timeout=deadline, concurrency=50)
        finally:
            for c in (good, slow, bad):
                await c.close()
        return outcomes, time.monotonic() - began

    with sim.serve():
        outcomes, took = asyncio.run(go())
    assert took < deadline + 1.5, f"wait_all took {took:.2f} s"
    assert len(outcomes) == 106
    kinds = [type(o.error).__name__ if o.error else "ok" for o in outcomes]
    assert kinds.count("ok") == 100
    assert kinds[10:15] == ["WaitTimeout"] * 5
    assert kinds[50] == "MalformedResponse"
    assert all(o.error.job_id == kit.sample_id for o in outcomes if o.error)


# --- redirects ------------------------------------------------------------------------------


@pytest.mark.parametrize(("flavour", "channel"), CHANNELS, ids=CHANNEL_IDS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_redirect_is_never_followed(
    hostile: Hostile, vendor: str, flavour: Flavour, channel: Channel
) -> None:
    """Even on a user's ``follow_redirects=True`` client, a 307 ends as an ``APIError`` and
    nothing (no header, no AlphaSMS body with its key) reaches the other address; nor on the
    aiohttp channel."""
    kit = KITS[vendor]
    user: httpx.Client | httpx.AsyncClient | None = (
        httpx.Client(follow_redirects=True)
        if flavour == "sync"
        else httpx.AsyncClient(follow_redirects=True)
        if channel == "httpx"
        else None
    )
    ran = run(kit, flavour, hostile.url("redirect"), http_client=user, policy=FAST, channel=channel)
    assert_typed(ran, kit, jobpoll.APIError, "not followed")
    assert getattr(ran.error, "status_code", None) == 307
    assert not getattr(ran.error, "retryable", True)
    assert hostile.seen() == [], "the redirect was followed"
    _record(
        behaviour="redirect",
        vendor=vendor,
        flavour=flavour if channel != "httpx" or flavour == "sync" else "async-httpx",
        outcome=type(ran.error).__name__,
        seconds=round(ran.seconds, 3),
        overrun=0.0,
        peak=ran.peak,
        ok=True,
    )
