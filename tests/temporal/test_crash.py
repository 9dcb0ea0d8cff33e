"""A worker process killed (SIGKILL) mid-wait: a second worker process carries the wait on
with its attempts, backoff and deadline intact, and the job is submitted exactly once. One
killed mid-submit: the cycle fails with a typed error that says the job's fate is unknown, and
no second submit is sent."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid

import pytest
from temporalio.client import Client

import jobpoll
from jobpoll import temporal
from jobpoll.testing import Fault, VezaSimulator

from ._worker import env_name
from .conftest import leaked

pytestmark = pytest.mark.slow

CANARY = "CANARY-veza-crash-7a1f03"
SPEC = {"query_type": "SOURCE_TO_DESTINATION"}
RESULT = {"values": [{"id": "u-1"}], "count": 1}
# Delays 0.2, 0.3, 0.45, then 0.6 s: all slept inside the activity (below a third of the
# 2 s heartbeat timeout), so the kill lands mid-activity.
POLICY = ("--initial", "0.2", "--multiplier", "1.5", "--max-delay", "0.6")


async def heartbeat_token(client: Client, handle) -> str | None:
    """The token the wait's activity last heartbeated (None before the first)."""
    desc = await handle.describe()
    for pending in desc.raw_description.pending_activities:
        if pending.heartbeat_details.payloads:
            values = client.data_converter.payload_converter.from_payloads(
                pending.heartbeat_details.payloads
            )
            return str(values[0])
    return None


async def start_cycle(workers, sim: VezaSimulator, workflow: str, timeout: float):
    """A workflow worker that lives on, an activity worker to kill, and a started cycle:
    ``(env, activity worker, client, handle)``."""
    env = {env_name("veza", "URL"): sim.url, env_name("veza", "KEY"): CANARY}
    workers(env, "veza", "--roles", "workflows")  # lives on: only activities die
    first = workers(env, "veza", "--roles", "activities", *POLICY)
    client = await Client.connect(workers.address)
    handle = await client.start_workflow(
        f"jobpoll.tests.{workflow}",
        args=[SPEC, timeout],
        id=f"{workflow.lower()}-{uuid.uuid4()}",
        task_queue=temporal.WORKFLOW_QUEUE,
    )
    return env, first, client, handle


async def test_a_killed_worker_wait_is_carried_on_by_another(workers):
    sim = VezaSimulator(api_key=CANARY)
    sim.next_job(duration=9.0, result=RESULT)
    began = time.monotonic()
    with sim.serve():
        env, first, client, handle = await start_cycle(workers, sim, "Cycle", 30.0)
        began = time.monotonic()
        before = None
        while before is None or jobpoll.parse_token(before).attempts < 5:
            assert time.monotonic() - began < 10, f"no heartbeat: {sim.requests}"
            await asyncio.sleep(0.1)
            before = await heartbeat_token(client, handle)
        first.kill()
        polls_at_kill = len([r for r in sim.requests if r.op == "poll"])
        killed_at = time.monotonic()
        workers(env, "veza", "--roles", "activities", *POLICY)

        after = before
        while jobpoll.parse_token(after).attempts <= polls_at_kill:
            assert time.monotonic() - began < 25, "the second worker never carried on"
            await asyncio.sleep(0.05)
            after = await heartbeat_token(client, handle) or after
        out = await asyncio.wait_for(handle.result(), 25)
        history = (await handle.fetch_history()).to_json()

    was, now = jobpoll.parse_token(before), jobpoll.parse_token(after)
    submits = [r for r in sim.requests if r.method == "POST"]
    polls = [r for r in sim.requests if r.op == "poll"]
    # Veza's result is read from the status endpoint: the last GET is the result fetch.
    resumed = [r.time for r in polls[polls_at_kill:-1]]
    gaps = [b - a for a, b in itertools.pairwise(resumed)]
    print(
        f"\nkilled after {polls_at_kill} polls (heartbeat said {was.attempts}); the second "
        f"worker's first poll {resumed[0] - polls[polls_at_kill - 1].time:.2f} s after the "
        f"last, gaps {[round(g, 2) for g in gaps]}, {out['attempts']} attempts, "
        f"{len(polls)} polls, {time.monotonic() - began:.1f} s"
    )
    assert len(submits) == 1  # the job was submitted exactly once
    assert leaked(history, CANARY) is None  # nor in the heartbeats the retry read
    assert out["result"] == RESULT and out["job_id"] == was.job_id
    # The attempts carried on: the second worker started from the first one's count (the
    # last it heartbeated, at least the one seen before the kill).
    assert was.attempts + len(resumed) <= out["attempts"] <= polls_at_kill + len(resumed)
    # The backoff carried on: 0.6 s (the capped delay), not the fresh 0.2 s.
    assert gaps and min(gaps) > 0.5
    # The deadline carried on: the same absolute instant.
    assert now.deadline_at == pytest.approx(was.deadline_at, abs=1e-6)
    assert time.monotonic() - killed_at < 20


async def test_a_worker_killed_mid_submit_fails_the_cycle_and_never_submits_twice(workers):
    sim = VezaSimulator(api_key=CANARY)
    sim.fault(Fault.slow(2.0), op="submit")  # the submit is in flight for 2 s
    with sim.serve():
        began = time.monotonic()
        env, first, _, handle = await start_cycle(workers, sim, "CycleProbe", 4.0)
        # Bounded (10 s): the submit reached the simulator, which holds it for 2 s.
        await asyncio.to_thread(sim.wait_for_requests, lambda r: r.op == "submit", timeout=10)
        first.kill()
        workers(env, "veza", "--roles", "activities", *POLICY)  # could resubmit; must not
        out = await asyncio.wait_for(handle.result(), 20)
        history = (await handle.fetch_history()).to_json()
        took = time.monotonic() - began

    submits = [r for r in sim.requests if r.op == "submit"]
    assert len(submits) == 1, submits
    assert out["raised"] == "CallTimeout" and out["vendor"] == "veza", out
    assert "whether a job was created is unknown" in out["message"], out
    assert leaked(history, CANARY) is None
    assert took < 4.0 + 10, f"the cycle took {took:.1f} s of a 4 s timeout"
