"""A worker process for the Temporal tests: ``_worker.py ADDRESS VENDOR[,VENDOR] [options]``.

Credentials and simulator URLs come from the environment (``JOBPOLL_T_<VENDOR>_URL`` and
``..._KEY``), as a real worker's would; prints ``ready`` once polling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
    UnsandboxedWorkflowRunner,
)

import jobpoll
from jobpoll import temporal


class Counting(ActivityInboundInterceptor):
    """Counts the ``jobpoll.wait`` attempts this process ran (a poll each on a rate-limited
    queue) into ``COUNTS``, written to ``--count-file`` as each one starts, so a test can tell
    workers apart."""

    def __init__(self, next: ActivityInboundInterceptor, path: str | None) -> None:
        super().__init__(next)
        self.path = path

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        COUNTS[activity.info().task_queue] = COUNTS.get(activity.info().task_queue, 0) + 1
        if self.path is not None:
            dump_counts(self.path)
        return await super().execute_activity(input)


class Counter(Interceptor):
    def __init__(self, path: str | None) -> None:
        self.path = path

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return Counting(next, self.path)


COUNTS: dict[str, int] = {}


def dump_counts(path: str) -> None:
    Path(path + ".tmp").write_text(json.dumps(COUNTS))
    Path(path + ".tmp").replace(path)


CLASSES = {
    "veza": jobpoll.AsyncVeza,
    "edenai": jobpoll.AsyncEdenAI,
}


def env_name(vendor: str, what: str) -> str:
    return f"JOBPOLL_T_{vendor.upper().replace('-', '_')}_{what}"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("address")
    parser.add_argument("vendors")
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--inline", type=float, default=2.0)
    parser.add_argument("--initial", type=float, default=0.2)
    parser.add_argument("--multiplier", type=float, default=1.5)
    parser.add_argument("--max-delay", type=float, default=1.0)
    parser.add_argument("--roles", default="workflows,activities")
    parser.add_argument("--count-file", default=None)
    parser.add_argument("--unsandboxed", action="store_true")
    args = parser.parse_args()
    policy = jobpoll.PollPolicy(
        initial_delay=args.initial,
        min_delay=min(args.initial, 0.5),
        multiplier=args.multiplier,
        max_delay=args.max_delay,
        jitter=0.0,
        min_poll_time=0.2,
        request_timeout=5.0,
    )
    client = await Client.connect(args.address)
    from tests.temporal._workflows import Cycle, CycleProbe, Probe

    roles = args.roles.split(",")
    workers = []
    if "workflows" in roles:
        # The scale test runs its workflows unsandboxed: the sandbox's per-task cost, not
        # jobpoll, would otherwise bound the throughput on a small machine.
        extra: dict[str, Any] = {}
        if args.unsandboxed:
            extra["workflow_runner"] = UnsandboxedWorkflowRunner()
        workers.append(
            temporal.workflow_worker(client, workflows=[Probe, Cycle, CycleProbe], **extra)
        )
    for vendor in args.vendors.split(",") if "activities" in roles else ():
        jp = CLASSES[vendor](
            api_key=os.environ[env_name(vendor, "KEY")],
            base_url=os.environ[env_name(vendor, "URL")],
            policy=policy,
        )
        workers.append(
            temporal.worker(
                client,
                jp,
                polls_per_second=args.rate,
                inline_below=args.inline,
                max_concurrent_activities=200,
                interceptors=[Counter(args.count_file)],
            )
        )
    async with contextlib.AsyncExitStack() as stack:
        for w in workers:
            await stack.enter_async_context(w)
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    import contextlib

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
