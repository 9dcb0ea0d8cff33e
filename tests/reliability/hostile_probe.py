"""Measure one wait against the hostile server in a child process: wall time and peak RSS.

    .venv/bin/python -m tests.reliability.hostile_probe [--timeout 2] [--kill 20] [BEHAVIOUR ...]

Each case runs ``wait(job, timeout=T)`` in a fresh interpreter (sync and async, every vendor
given with ``--vendor``), killed after ``--kill`` seconds and held under a 4 GiB address-space
limit, so that a broken client cannot take the machine down. The parent reads the child's
peak RSS from ``wait4``. This is how the before/after figures of the hostile-server work were
taken; the suite itself (``test_hostile.py``) asserts the bounds in-process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import asyncio, json, sys, time
sys.path.insert(0, {root!r})
from tests.reliability._kit import KITS
kit = KITS[{vendor!r}]
url = {url!r}
began = time.monotonic()
outcome = "returned"
try:
    client = kit.client({flavour!r}, url, "k" * 40)
    if {flavour!r} == "sync":
        client.wait(kit.sample_id, timeout={timeout})
    else:
        asyncio.run(client.wait(kit.sample_id, timeout={timeout}))
except BaseException as exc:
    outcome = type(exc).__module__.split(".")[0] + "." + type(exc).__name__
print(json.dumps({{"outcome": outcome, "seconds": time.monotonic() - began}}))
"""


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, 4 * 1024**3))


def probe(url: str, vendor: str, flavour: str, timeout: float, kill: float) -> dict[str, object]:
    code = CHILD.format(root=str(ROOT), vendor=vendor, url=url, flavour=flavour, timeout=timeout)
    began = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        preexec_fn=_limit,  # noqa: PLW1509 - the parent runs no threads
        cwd=ROOT,
    )
    killed = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - began > kill:
            proc.kill()
            killed = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    took = time.monotonic() - began
    out = proc.stdout.read().decode() if proc.stdout else ""
    result: dict[str, object] = {"peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}
    if killed:
        result.update(outcome=f"still running, killed at {kill:g} s", seconds=round(took, 1))
    elif out.strip():
        data = json.loads(out.strip().splitlines()[-1])
        result.update(outcome=data["outcome"], seconds=round(data["seconds"], 2))
    else:
        result.update(outcome=f"died (status {status})", seconds=round(took, 1))
    return result


def main() -> None:
    from ._hostile import BEHAVIOURS, serve

    parser = argparse.ArgumentParser()
    parser.add_argument("behaviours", nargs="*")
    parser.add_argument("--vendor", action="append")
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--kill", type=float, default=20.0)
    args = parser.parse_args()
    names = args.behaviours or [b for b in BEHAVIOURS if not b.startswith("_")]
    with serve() as server:
        for name in names:
            for vendor in args.vendor or ["veza"]:
                for flavour in ("sync", "async"):
                    got = probe(server.url(name), vendor, flavour, args.timeout, args.kill)
                    print(
                        json.dumps({"behaviour": name, "vendor": vendor, "flavour": flavour, **got})
                    )


if __name__ == "__main__":
    main()
