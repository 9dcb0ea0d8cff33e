"""Resource hygiene: many waits leave nothing behind; a closed client refuses to work.

1,000 async waits on one event loop against the five simulators served on that loop (mixed
outcomes: success, failure, cancellation by the vendor, unknown job, refused credentials,
deadlines, transient faults, and tasks cancelled mid-wait, some mid-request), then the same
with sync clients: afterwards no file descriptor, thread, task or busy connection is left over.
The async cases run on both channels: the default (aiohttp, a session per client that jobpoll
owns and closes) and httpx (a user's ``httpx.AsyncClient`` per vendor).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import inspect
import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import jobpoll
from jobpoll.testing import FakeClock, Fault, Simulator, aserve_all, serve_all

from .._both import FLAVOURS, Flavour
from ._kit import (
    KITS,
    SSL_CONTEXT,
    VENDORS,
    busy_connections,
    fd_count,
    settle_async,
    settle_sync,
    wait_until,
)

KINDS = ("ok", "failed", "canceled", "unknown", "auth", "deadline", "cancelled-task", "flaky")
TRANSIENT = (jobpoll.APIError, jobpoll.TransportError)


def plan(sim: Simulator, kind: str) -> str:
    """A job for ``kind`` (zero-length where the outcome must not depend on the clock)."""
    add: Any = sim.add_job  # type: ignore[attr-defined]
    if kind in ("ok", "auth", "flaky"):
        return str(add(duration=0))
    if kind == "failed":
        return str(add(duration=0, outcome="failed"))
    if kind == "canceled":
        return str(add(duration=0, outcome="canceled"))
    if kind == "unknown":
        job = str(add(duration=0))
        sim.forget(job)
        return job
    return str(add(duration=1e12))  # deadline, cancelled-task: never finishes


ALLOWED: dict[str, tuple[type, ...]] = {
    "ok": (jobpoll.JobStatus, *TRANSIENT),
    "flaky": (jobpoll.JobStatus, *TRANSIENT),
    "failed": (jobpoll.JobFailed, *TRANSIENT),
    "canceled": (jobpoll.JobCanceled, jobpoll.JobFailed, *TRANSIENT),
    "unknown": (jobpoll.JobNotFound, *TRANSIENT),
    "auth": (jobpoll.AuthError, *TRANSIENT),
    "deadline": (jobpoll.WaitTimeout, *TRANSIENT),
    "cancelled-task": (asyncio.CancelledError, *TRANSIENT),
}


def arm_flakiness(sim: Simulator) -> None:
    """Transient faults spread over the polls of all jobs (and no job forgotten: the shared
    clock races ahead while a thousand waits sleep)."""
    sim.expire_after = None
    sim.fault(Fault.http(503), times=40, op="poll")
    sim.fault(Fault.drop(), times=15, op="poll")
    sim.fault(Fault.truncated(), times=15, op="poll")
    sim.fault(Fault.html(502), times=15, op="poll")


CHANNELS = ("aiohttp", "httpx")


def busy(client: Any, http: httpx.AsyncClient | None) -> int:
    """Connections ``client`` holds for a request nobody reads any more: the httpx pool's
    (``http``, the user's client), else the aiohttp connector's checked-out ones."""
    if http is not None:
        return busy_connections(http)
    session: Any = client._http._aio._session
    return 0 if session is None else len(session.connector._acquired)


@pytest.mark.slow
@pytest.mark.parametrize("channel", CHANNELS)
def test_a_thousand_async_waits_leave_nothing_behind(
    caplog: pytest.LogCaptureFixture, channel: str
) -> None:
    caplog.set_level(logging.ERROR, logger="jobpoll")  # thousands of retry warnings otherwise
    threads_before = threading.active_count()
    fds_before = fd_count()
    outcomes = asyncio.run(_thousand_waits(channel))
    gc.collect()
    counts = collections.Counter(type(o).__name__ for o in outcomes)
    assert len(outcomes) == 1000
    assert {"JobStatus", "JobFailed", "JobNotFound", "AuthError", "WaitTimeout"} <= set(counts)
    assert counts["CancelledError"] >= 100
    assert threading.active_count() == threads_before
    assert wait_until(lambda: fd_count() <= fds_before), (fd_count(), fds_before)


async def _thousand_waits(channel: str) -> list[Any]:
    clock = FakeClock()
    sims = {vendor: KITS[vendor].simulator(clock) for vendor in VENDORS}
    tasks_before = asyncio.all_tasks()
    outcomes: list[Any] = []
    async with aserve_all(list(sims.values())):
        fds_serving = fd_count()
        for sim in sims.values():
            arm_flakiness(sim)
        https = (
            {v: httpx.AsyncClient(verify=SSL_CONTEXT) for v in VENDORS}
            if channel == "httpx"
            else {}
        )
        clients = {
            (v, good): KITS[v].client(
                "async",
                sims[v].url,
                sims[v].credential if good else "wrong-credential",
                clock=clock,
                http_client=https.get(v),
                timeout=60,
            )
            for v in VENDORS
            for good in (True, False)
        }
        assert {c._http.channel for c in clients.values()} == {channel}
        gate = asyncio.Semaphore(64)

        async def one(vendor: str, kind: str) -> Any:
            job = plan(sims[vendor], kind)
            client = clients[(vendor, kind != "auth")]
            async with gate:
                try:
                    if kind == "cancelled-task":
                        return await _cancel_mid_wait(client, job)
                    return await client.wait(job, timeout=30 if kind == "deadline" else None)
                except jobpoll.Error as err:
                    return err

        cases = list(itertools.islice(itertools.cycle(itertools.product(VENDORS, KINDS)), 1000))
        outcomes = await asyncio.gather(*(one(v, k) for v, k in cases))
        for (_vendor, kind), outcome in zip(cases, outcomes, strict=True):
            assert isinstance(outcome, ALLOWED[kind]), (kind, outcome)
        # A many-job wait left early: as_completed cancels the rest itself.
        jobs = [(clients[(v, True)], plan(sims[v], "deadline")) for v in VENDORS] * 4
        jobs.append((clients[("veza", True)], plan(sims["veza"], "ok")))
        stream = jobpoll.as_completed(jobs, timeout=None)
        async for first in stream:
            assert first.ok
            break
        await stream.aclose()
        for (vendor, _), client in clients.items():  # (a request may finish just after its
            # wait was cancelled)
            assert await settled(lambda c=client, v=vendor: busy(c, https.get(v)) == 0), vendor
        for client in clients.values():
            await client.close()
        for http in https.values():
            await http.aclose()
        for sim in sims.values():
            assert await settle_async(sim) == 0
        assert fd_count() <= fds_serving
    for _ in range(200):  # a request finishing after its wait was cancelled may take a moment
        if asyncio.all_tasks() == tasks_before:
            break
        await asyncio.sleep(0.01)
    assert asyncio.all_tasks() == tasks_before
    return outcomes


async def settled(check: Callable[[], bool], within: float = 2.0) -> bool:
    deadline = asyncio.get_running_loop().time() + within
    while not check() and asyncio.get_running_loop().time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.005)
    return check()


async def _cancel_mid_wait(client: Any, job: str) -> Any:
    """Cancel a wait after a few turns of the loop: sometimes asleep, sometimes mid-request."""
    task = asyncio.ensure_future(client.wait(job, timeout=None))
    for _ in range(3 + sum(map(ord, job)) % 7):
        await asyncio.sleep(0)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError as exc:
        notes = getattr(exc, "__notes__", [])
        assert not notes or job in notes[0]
        return exc
    raise AssertionError("the wait ended before it was cancelled")


def test_sync_waits_leave_nothing_behind(caplog: pytest.LogCaptureFixture) -> None:
    """200 sync waits (mixed outcomes, transient faults), most over one httpx client per vendor,
    every tenth with a client the SDK makes and closes itself: no thread, descriptor or open
    connection is left."""
    caplog.set_level(logging.ERROR, logger="jobpoll")
    clock = FakeClock()
    sims = {vendor: KITS[vendor].simulator(clock) for vendor in VENDORS}
    with serve_all(list(sims.values())):
        threads_before = threading.active_count()
        fds_before = fd_count()
        for sim in sims.values():
            arm_flakiness(sim)
        https = {v: httpx.Client(verify=SSL_CONTEXT) for v in VENDORS}
        kinds = [k for k in KINDS if k != "cancelled-task"]
        cases = itertools.islice(itertools.cycle(itertools.product(VENDORS, kinds)), 200)
        for n, (vendor, kind) in enumerate(cases):
            sim = sims[vendor]
            job = plan(sim, kind)
            cred = sim.credential if kind != "auth" else "wrong-credential"
            http = None if n % 10 == 0 else https[vendor]
            client = KITS[vendor].client("sync", sim.url, cred, clock=clock, http_client=http)
            with client:
                try:
                    outcome: Any = client.wait(job, timeout=30 if kind == "deadline" else None)
                except jobpoll.Error as err:
                    outcome = err
            assert isinstance(outcome, ALLOWED[kind]), (kind, outcome)
        for vendor, http in https.items():
            assert busy_connections(http) == 0, vendor
            http.close()
        for sim in sims.values():
            assert settle_sync(sim) == 0
        assert threading.active_count() == threads_before
        assert wait_until(lambda: fd_count() <= fds_before), (fd_count(), fds_before)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_cancelled_wait_releases_its_connection(vendor: str, channel: str) -> None:
    """Cancel an async wait at every point of its first poll in turn (a keep-alive connection
    already in the pool): the pool must not keep a connection busy for a request nobody waits
    for any more, or a long-lived client runs out of connections (PoolTimeout)."""

    async def go() -> list[int]:
        clock = FakeClock()
        sim = KITS[vendor].simulator(clock)
        done = str(sim.add_job(duration=0))  # type: ignore[attr-defined]
        endless = str(sim.add_job(duration=1e12))  # type: ignore[attr-defined]
        stuck = []
        async with sim.aserve(), httpx.AsyncClient(verify=SSL_CONTEXT) as user:
            http = user if channel == "httpx" else None
            client = KITS[vendor].client(
                "async", sim.url, sim.credential, clock=clock, http_client=http
            )
            for turns in range(24):
                await client.wait(done)
                task = asyncio.ensure_future(client.wait(endless, timeout=None))
                for _ in range(turns):
                    await asyncio.sleep(0)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                await settled(lambda: busy(client, http) == 0, within=0.05)
                stuck.append(busy(client, http))
            await client.close()
        return stuck

    stuck = asyncio.run(go())
    assert not any(stuck), f"busy connections after each cancellation: {stuck}"


# --- closed clients ----------------------------------------------------------------------------

MESSAGE = [{"id": 1, "recipient": "+380971234567", "text": "hi", "sender": "SMSTest"}]
CALLS: dict[str, list[tuple[str, Callable[[Any, str], Any]]]] = {
    "phrase-tms": [
        ("pre_translate", lambda c, j: c.pre_translate("p", ["j"])),
        ("limits", lambda c, j: c.limits()),
        ("pending", lambda c, j: c.pending()),
    ],
    "phrase-mt": [
        ("translate_async", lambda c, j: c.translate_async("en", "de", ["a"])),
        ("result", lambda c, j: c.result(j)),
        ("engine_status", lambda c, j: c.engine_status()),
    ],
    "veza": [
        ("create_query_task", lambda c, j: c.create_query_task({"a": 1})),
        ("result", lambda c, j: c.result(j)),
    ],
    "edenai": [
        ("submit", lambda c, j: c.submit("a/b/c", {})),
        ("result", lambda c, j: c.result(j)),
    ],
    "alphasms": [
        ("send_async", lambda c, j: c.send_async(MESSAGE)),
        ("message_statuses", lambda c, j: c.message_statuses([1])),
    ],
}
COMMON: list[tuple[str, Callable[[Any, str], Any]]] = [
    ("wait", lambda c, j: c.wait(j)),
    ("status", lambda c, j: c.status(j)),
    ("watch", lambda c, j: c.watch(j)),
    (
        "resume",
        lambda c, j: c.resume(
            jobpoll.JobStatus(
                vendor=c.vendor, job_id=j, state=jobpoll.JobState.RUNNING
            ).resume_token()
        ),
    ),
]


async def _consume(out: Any) -> None:
    if inspect.isawaitable(out):
        await out
    elif hasattr(out, "__anext__"):
        async for _ in out:
            pass
    elif hasattr(out, "__next__"):
        for _ in out:
            pass


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_closed_client_raises_client_closed(vendor: str, flavour: Flavour) -> None:
    kit = KITS[vendor]
    clock = FakeClock()
    sim = kit.simulator(clock)
    job = sim.add_job(duration=0)  # type: ignore[attr-defined]
    problems = []
    with sim.serve():
        for name, call in COMMON + CALLS[vendor]:

            async def go(call: Callable[[Any, str], Any] = call) -> BaseException | None:
                client = kit.client(flavour, sim.url, sim.credential, clock=clock)
                if flavour == "sync":
                    with client:
                        pass  # leaving the block closes it
                    client.close()  # closing twice is fine
                else:
                    async with client:
                        pass
                    await client.close()
                try:
                    await _consume(call(client, job))
                except Exception as exc:
                    return exc
                return None

            before = len(sim.requests)
            got = asyncio.run(go())
            if not isinstance(got, jobpoll.ClientClosed):
                problems.append(f"{name}: {got!r}")
            if len(sim.requests) != before:
                problems.append(f"{name}: sent a request")
    assert not problems
