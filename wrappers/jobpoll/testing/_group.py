"""Serving several simulators at once (``jobpoll simulate``, ``jobpoll demo``)."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from typing import TextIO

from ._alphasms import AlphaSMSSimulator
from ._base import Simulator
from ._clock import Clock
from ._edenai import EdenAISimulator
from ._phrase_mt import PhraseMTSimulator
from ._phrase_tms import PhraseTMSSimulator
from ._server import serve_in_thread, serve_on_loop
from ._veza import VezaSimulator

SIMULATORS: dict[str, type[Simulator]] = {
    "phrase-tms": PhraseTMSSimulator,
    "phrase-mt": PhraseMTSimulator,
    "veza": VezaSimulator,
    "edenai": EdenAISimulator,
    "alphasms": AlphaSMSSimulator,
}
"""Vendor name -> simulator class, in a fixed order (ports are given out in this order)."""


def make_simulators(
    vendors: Iterable[str] | None = None, *, clock: Clock | None = None, seed: int = 0
) -> list[Simulator]:
    """Fresh simulators with default credentials for ``vendors`` (all five by default),
    sharing one ``clock``."""
    names = list(SIMULATORS) if vendors is None else list(vendors)
    unknown = [name for name in names if name not in SIMULATORS]
    if unknown:
        raise ValueError(f"unknown vendor(s) {unknown}; known: {list(SIMULATORS)}")
    # A seed per vendor, so that five simulators do not hand out the same ids.
    return [SIMULATORS[name](clock=clock, seed=seed + n) for n, name in enumerate(names)]


def _prepare(
    simulators: Iterable[Simulator] | None, clock: Clock | None, port: int | None
) -> tuple[list[Simulator], list[int]]:
    sims = make_simulators(clock=clock) if simulators is None else list(simulators)
    vendors = [sim.VENDOR for sim in sims]
    if len(set(vendors)) != len(vendors):
        raise ValueError(f"serve_all takes one simulator per vendor, got {vendors}")
    ports = [port + n if port else 0 for n in range(len(sims))]
    return sims, ports


def _by_vendor(sims: Sequence[Simulator]) -> dict[str, Simulator]:
    return {sim.VENDOR: sim for sim in sims}


@contextlib.contextmanager
def serve_all(
    simulators: Iterable[Simulator] | None = None,
    *,
    clock: Clock | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
) -> Iterator[dict[str, Simulator]]:
    """Serve several simulators from one background thread; yields ``{vendor: simulator}``.

    Without ``simulators``, all five are created (sharing ``clock``). ``port`` is the first of
    consecutive fixed ports, in the order given (default order: phrase-tms, phrase-mt, veza,
    edenai, alphasms); by default each gets a free port. Read each ``sim.url``.
    """
    sims, ports = _prepare(simulators, clock, port)
    for sim in sims:
        sim._not_serving()
    with serve_in_thread(sims, host, ports, name="jobpoll-simulators"):
        yield _by_vendor(sims)


@contextlib.asynccontextmanager
async def aserve_all(
    simulators: Iterable[Simulator] | None = None,
    *,
    clock: Clock | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
) -> AsyncIterator[dict[str, Simulator]]:
    """:func:`serve_all` on the running event loop."""
    sims, ports = _prepare(simulators, clock, port)
    for sim in sims:
        sim._not_serving()
    async with serve_on_loop(sims, host, ports):
        yield _by_vendor(sims)


_HOW = {
    "phrase-tms": "Authorization: ApiToken {key}",
    "phrase-mt": "X-Api-Token: {key}",
    "veza": "Authorization: Bearer {key}",
    "edenai": "Authorization: Bearer {key}",
    "alphasms": 'POST /api/xml.php with <package key="{key}">',
}


def describe(sims: dict[str, Simulator]) -> str:
    """Where each served simulator is and how to authenticate, plus ``export`` lines for the
    environment variables the jobpoll clients read."""
    from .. import _vendors

    lines = []
    for vendor, sim in sims.items():
        how = _HOW.get(vendor, "{key}").format(key=sim.credential)
        lines.append(f"{vendor:<11} {sim.url:<32} {how}")
    lines.append("")
    for vendor, sim in sims.items():
        names = _vendors.ENV.get(vendor)
        if names is not None:
            key_env, url_env = names
            lines.append(f"export {url_env}={sim.url} {key_env}={sim.credential}")
    return "\n".join(lines) + "\n"


def _sample_jobs(sim: Simulator) -> list[tuple[str, str]]:
    """A job of each ending for a person trying the command line by hand. Their clocks start
    at their first poll: by the time the person has copied an id, nothing has happened yet."""
    jobs = [
        ("succeeds after 10 s", sim.add_job(duration=10.0)),
        ("fails after 5 s", sim.add_job(duration=5.0, outcome="failed")),
        ("takes a day (try --timeout 3)", sim.add_job(duration=86400.0)),
    ]
    for _, job_id in jobs:
        sim.jobs[job_id].starts_when_polled = True
    return jobs


def serve_forever(
    vendors: Iterable[str] | None = None,
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    clock: Clock | None = None,
    out: TextIO | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve simulators for ``vendors`` (all five by default) until Ctrl+C (or ``stop`` is
    set), after writing where they are to ``out`` (stdout). ``port``: the first of consecutive
    fixed ports; 0 picks free ones. This is ``jobpoll simulate``."""
    sims = make_simulators(vendors, clock=clock)
    stream = out if out is not None else sys.stdout
    done = stop if stop is not None else threading.Event()
    samples = {sim.VENDOR: _sample_jobs(sim) for sim in sims}
    with serve_all(sims, host=host, port=port or None) as served:
        stream.write(describe(served))
        stream.write("\nSample jobs, to try `jobpoll wait VENDOR JOB_ID` on:\n")
        for vendor, jobs in samples.items():
            for what, job_id in jobs:
                stream.write(f"  {vendor:<11} {what:<34} {job_id}\n")
        stream.write("Serving; press Ctrl+C to stop.\n")
        stream.flush()
        with contextlib.suppress(KeyboardInterrupt):
            while not done.wait(0.5):
                pass
