"""A worker process for the Temporal tests: ``_worker.py ADDRESS VENDOR[,VENDOR] [options]``.

Credentials and simulator URLs come from the environment (``JOBPOLL_T_<VENDOR>_URL`` and
``..._KEY``), as a real worker's would; prints ``ready`` once polling.
"""

from __future__ import annotations

import argparse
import asyncio
import os

from temporalio.client import Client

import jobpoll
from jobpoll import temporal

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
    from tests.temporal._workflows import Cycle, Probe

    roles = args.roles.split(",")
    workers = []
    if "workflows" in roles:
        workers.append(temporal.workflow_worker(client, workflows=[Probe, Cycle]))
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
