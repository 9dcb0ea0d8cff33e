"""1,000 jobs across two worker processes: all finish, and the simulators' request logs show
each vendor's poll rate held across both workers by the task queue's server-side limit."""

from __future__ import annotations

import asyncio
import bisect
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client

from jobpoll import temporal
from jobpoll.testing import EdenAISimulator, VezaSimulator

from ._worker import env_name

pytestmark = pytest.mark.slow

JOBS = int(os.environ.get("JOBPOLL_T_JOBS", "1000"))
RATE = float(os.environ.get("JOBPOLL_T_RATE", "25"))  # polls a second per vendor, both workers
DURATION = 15.0  # seconds each job runs, from its workflow's start
POLICY = ("--initial", "0.5", "--multiplier", "1.5", "--max-delay", "1.0")


def busiest(times: list[float], window: float) -> int:
    """The most requests in any window of ``window`` seconds."""
    times = sorted(times)
    return max(bisect.bisect_left(times, t + window) - i for i, t in enumerate(times))


async def test_a_thousand_jobs_two_workers_one_rate_per_vendor(workers, tmp_path: Path):
    sims = {
        "veza": VezaSimulator(api_key="CANARY-scale-veza-91ab"),
        "edenai": EdenAISimulator(api_key="CANARY-scale-edenai-77cd"),
    }
    with sims["veza"].serve(), sims["edenai"].serve():
        env = {}
        for vendor, sim in sims.items():
            env[env_name(vendor, "URL")] = sim.url
            env[env_name(vendor, "KEY")] = sim.credential
        counts = [tmp_path / "a.json", tmp_path / "b.json"]
        for path in counts:
            workers(
                env,
                "veza,edenai",
                "--rate",
                str(RATE),
                "--count-file",
                str(path),
                "--unsandboxed",
                *POLICY,
            )
        client = await Client.connect(workers.address)
        began = time.monotonic()

        async def start(i: int) -> Any:
            # Each job starts with its workflow and runs DURATION: every one wants a poll
            # about every POLICY delay, far more than RATE allows, so the rate binds.
            vendor = "veza" if i % 2 == 0 else "edenai"
            job_id = sims[vendor].add_job(duration=DURATION)
            return await client.start_workflow(
                "jobpoll.WaitForJob",
                args=[temporal.WaitRequest(vendor, job_id), 120.0],
                id=f"scale-{uuid.uuid4()}",
                task_queue=temporal.WORKFLOW_QUEUE,
                result_type=temporal.Finished,
            )

        handles = await asyncio.gather(*(start(i) for i in range(JOBS)))
        started = time.monotonic() - began
        results = await asyncio.wait_for(asyncio.gather(*(h.result() for h in handles)), 120)
        wall = time.monotonic() - began
        per_worker = [json.loads(path.read_text()) for path in counts]

    assert len(results) == JOBS
    assert all(r.state == "succeeded" for r in results)
    polls_per_job = sum(r.attempts for r in results) / JOBS
    lines = [
        f"\n{JOBS} jobs, 2 worker processes, {wall:.1f} s wall ({started:.1f} s to start the "
        f"workflows), {polls_per_job:.2f} polls/job"
    ]
    for vendor, sim in sims.items():
        times = [r.time for r in sim.requests if r.op == "poll"]
        span = max(times) - min(times)
        mean = len(times) / span if span else float("inf")
        second, five = busiest(times, 1.0), busiest(times, 5.0)
        lines.append(
            f"{vendor}: {len(times)} polls in {span:.1f} s = {mean:.1f}/s mean; busiest second "
            f"{second}, busiest 5 s {five} = {five / 5:.1f}/s (limit {RATE:g}/s)"
        )
        assert mean <= RATE * 1.05
        # The server's limiter lets about one second's worth through at once (a burst), so
        # a one-second window may see up to twice the rate, a five-second one 1.2 times.
        assert second <= RATE * 2
        assert five <= RATE * 5 * 1.2
    lines.append(f"wait attempts per worker process: {per_worker}")
    print("\n".join(lines))
    for queue in (temporal.task_queue("veza"), temporal.task_queue("edenai")):
        assert all(done.get(queue, 0) > 0 for done in per_worker), per_worker  # both worked
