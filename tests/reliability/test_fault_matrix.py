"""The fault matrix: every vendor x every fault of ``_matrix.ROWS`` x sync/async, over real HTTP.

Each case builds the vendor's simulator on a FakeClock, arms the row's fault, waits for a job
with the vendor's client (on the same clock, over an httpx client we own so its pool can be
inspected) and checks: the outcome (success, or exactly the row's error type), the polls sent,
the deadline (fake time at the end <= the deadline; on the real clock, within one request
timeout), the vendor and job id on the error, and that no connection is left busy in the pool
nor open on the simulator once the client is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import tracemalloc
from typing import Any

import attrs
import httpx
import pytest

import jobpoll
from jobpoll.testing import FakeClock, Simulator

from .._both import FLAVOURS, Flavour
from ._kit import (
    KITS,
    VENDORS,
    Counter,
    Kit,
    busy_connections,
    dead_port,
    settle_async,
    settle_sync,
)
from ._matrix import ROW_IDS, ROWS, Expect, Row


@attrs.define
class Result:
    """What one run of a matrix case gave."""

    kit: Kit
    row: Row
    flavour: Flavour
    clock: FakeClock
    sim: Simulator
    job_id: str
    policy: jobpoll.PollPolicy
    status: jobpoll.JobStatus | None = None
    error: jobpoll.Error | None = None
    updates: list[jobpoll.JobStatus] = attrs.field(factory=list)
    polls: int = 0
    elapsed: float = 0.0
    peak: int = 0
    busy: int = 0
    left_open: int = 0


@attrs.define
class Case:
    """A case set up and ready to run: simulator, job, fault armed."""

    kit: Kit
    row: Row
    flavour: Flavour
    clock: FakeClock = attrs.field(factory=FakeClock)
    counter: Counter = attrs.field(factory=Counter)
    sim: Simulator = attrs.field(init=False)
    job_id: str = attrs.field(init=False)
    credential: str = attrs.field(init=False)
    result: Result = attrs.field(init=False)
    started: float = 0.0

    def __attrs_post_init__(self) -> None:
        self.sim = self.kit.simulator(self.clock)
        self.job_id = self.sim.add_job(duration=self.row.duration)  # type: ignore[attr-defined]
        cred = self.row.credential
        self.credential = cred(self.sim) if cred is not None else self.sim.credential
        arm = self.row.arm_for(self.kit.vendor)
        if arm is not None:
            arm(self.kit, self.sim)
        self.result = Result(
            self.kit,
            self.row,
            self.flavour,
            self.clock,
            self.sim,
            self.job_id,
            self.row.policy_for(self.kit),
        )

    def client(self, url: str, http: httpx.Client | httpx.AsyncClient) -> Any:
        return self.kit.client(
            self.flavour,
            url,
            self.credential,
            http_client=http,
            clock=None if self.row.real_clock else self.clock,
            policy=self.result.policy,
            timeout=self.row.timeout,
        )

    def on_update(self, status: jobpoll.JobStatus) -> None:
        self.result.updates.append(status)
        if len(self.result.updates) == 1 and self.row.during is not None:
            self.row.during(self.sim, self.job_id)

    def start(self) -> None:
        if self.row.memory_cap is not None:
            tracemalloc.start()
        self.started = time.monotonic()

    def stop(self, status: jobpoll.JobStatus | None, error: jobpoll.Error | None) -> None:
        result = self.result
        result.elapsed = time.monotonic() - self.started
        if self.row.memory_cap is not None:
            result.peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        result.status, result.error = status, error
        result.polls = len(self.counter.requests)

    @contextlib.contextmanager
    def place(self) -> Any:
        """Where the client points: the served simulator, or a port that refuses."""
        if self.row.refused:
            with dead_port() as port:
                yield f"http://127.0.0.1:{port}{self.kit.base_path}"
        else:
            with self.sim.serve():
                yield self.sim.url

    def run_sync(self) -> Result:
        http = self.counter.sync_client()
        with self.place() as url:
            client = self.client(url, http)
            self.start()
            status = error = None
            try:
                status = client.wait(self.job_id, on_update=self.on_update)
            except jobpoll.Error as err:
                error = err
            self.stop(status, error)
            self.result.busy = busy_connections(http)
            client.close()
            http.close()
            self.result.left_open = settle_sync(self.sim)
        return self.result

    async def run_async(self) -> Result:
        http = self.counter.async_client()
        async with contextlib.AsyncExitStack() as stack:
            if self.row.refused:
                port = stack.enter_context(dead_port())
                url = f"http://127.0.0.1:{port}{self.kit.base_path}"
            else:
                await stack.enter_async_context(self.sim.aserve())
                url = self.sim.url
            client = self.client(url, http)
            self.start()
            status = error = None
            try:
                status = await client.wait(self.job_id, on_update=self.on_update)
            except jobpoll.Error as err:
                error = err
            self.stop(status, error)
            self.result.busy = busy_connections(http)
            await client.close()
            await http.aclose()
            self.result.left_open = await settle_async(self.sim)
        return self.result


def run_case(vendor: str, row: Row, flavour: Flavour) -> Result:
    case = Case(KITS[vendor], row, flavour)
    if flavour == "sync":
        return case.run_sync()
    return asyncio.run(case.run_async())


def check(result: Result, expect: Expect) -> None:
    row, kit = result.row, result.kit
    if expect.error is None:
        assert result.error is None, f"expected success, got {result.error!r}"
        assert result.status is not None
        assert result.status.state is jobpoll.JobState.SUCCEEDED
        assert result.updates and result.updates[-1] is result.status
        if expect.retried is not None:
            assert result.status.stats.transient_failures == expect.retried
    else:
        err = result.error
        assert err is not None, f"expected {expect.error.__name__}, the wait succeeded"
        assert type(err) is expect.error, f"expected {expect.error.__name__}, got {err!r}"
        assert err.vendor == kit.vendor
        assert err.job_id == result.job_id
        assert result.job_id in str(err)
        if expect.status_code is not None:
            assert getattr(err, "status_code", None) == expect.status_code
    polls = expect.polls_for(result.policy)
    if polls is not None:
        assert result.polls == polls, f"{result.polls} polls, expected {polls}"
    if not row.real_clock:
        assert result.clock.now() <= row.timeout, "the wait ran past its deadline"
    if row.once:
        assert not result.sim.faults, "the armed fault was never met"
    if row.memory_cap is not None:
        assert result.peak < row.memory_cap, f"peak {result.peak} bytes while waiting"
    assert result.busy == 0, "a connection was left busy in the pool"
    assert result.left_open == 0, "the simulator still has connections open after close()"
    if row.check is not None:
        row.check(result)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_fault_matrix(vendor: str, row: Row, flavour: Flavour) -> None:
    check(run_case(vendor, row, flavour), row.expect_for(vendor))
