"""One vendor's simulator in its own process, for the scale benchmark: ``python -m bench._sims V``.

It serves ``jobpoll.testing``'s simulator of vendor V on a free port (real clock) and prints
``{"url", "credential", "warm_id", "pid"}``. Sent ``{"durations": [...]}``, it creates one job
per duration at once and answers ``{"ids": [...], "t0": <epoch before the first>}``; sent
``{"stats": true}``, it answers ``{"requests": <received so far>}``. It stops when stdin closes.
"""

from __future__ import annotations

import json
import os
import sys
import time

from jobpoll.testing import SIMULATORS


def say(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main(vendor: str) -> None:
    sim = SIMULATORS[vendor](seed=1)
    warm = sim.add_job(duration=0)
    with sim.serve():
        say({"url": sim.url, "credential": sim.credential, "warm_id": warm, "pid": os.getpid()})
        for line in sys.stdin:
            msg = json.loads(line)
            if "durations" in msg:
                t0 = time.time()
                ids = [sim.add_job(duration=d) for d in msg["durations"]]
                say({"ids": ids, "t0": t0})
            elif "stats" in msg:
                say({"requests": len(sim.requests)})


if __name__ == "__main__":
    main(sys.argv[1])
