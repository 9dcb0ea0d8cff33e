"""End-to-end helpers: a vendor client, sync or async, against a served simulator.

Every client here shares the simulator's :class:`~jobpoll.testing.FakeClock` (``clock=fc.now``,
``sleep=fc.sleep`` / ``fc.asleep``), so polling moves the simulated time and no test waits on
the wall clock. The simulators come from the jobpoll pytest plugin fixtures
(``phrase_tms_sim``, ``veza_sim``, ...), served over real HTTP on 127.0.0.1.

A test written once against :class:`tests._both.Both` runs on the sync and on the async
client: the ``flavour`` fixture (``tests/conftest.py``) picks which, and every call is awaited
(a sync call simply runs in place;
the simulator answers from its own thread).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import jobpoll
from jobpoll import JobStatus
from jobpoll.testing import FakeClock, Simulator

from .._both import Both, timing

CLASSES: dict[str, tuple[type[Any], type[Any], str]] = {
    "phrase-tms": (jobpoll.PhraseTMS, jobpoll.AsyncPhraseTMS, "token"),
    "phrase-mt": (jobpoll.PhraseMT, jobpoll.AsyncPhraseMT, "token"),
    "veza": (jobpoll.Veza, jobpoll.AsyncVeza, "api_key"),
    "edenai": (jobpoll.EdenAI, jobpoll.AsyncEdenAI, "api_key"),
    "alphasms": (jobpoll.AlphaSMS, jobpoll.AsyncAlphaSMS, "api_key"),
}
"""Vendor name -> (sync class, async class, name of the credential argument)."""


def no_jitter() -> float:
    """A ``random`` for the clients that puts every jittered delay at its middle."""
    return 0.5


def make_client(
    flavour: str, sim: Simulator, clock: FakeClock, *, credential: str | None = None, **kw: Any
) -> Any:
    """A client of ``sim``'s vendor (``flavour`` "sync" or "async") on ``clock``."""
    sync_cls, async_cls, cred_arg = CLASSES[sim.VENDOR]
    if cred_arg not in kw and "username" not in kw:
        kw[cred_arg] = sim.credential if credential is None else credential
    kw.setdefault("base_url", sim.url)
    kw.setdefault("random", no_jitter)
    return (sync_cls if flavour == "sync" else async_cls)(**timing(flavour, clock), **kw)


@pytest.fixture
async def connect(flavour: str, fake_clock: FakeClock) -> AsyncIterator[Any]:
    """``connect(sim, **client_kwargs)`` -> :class:`Both`; every client closed afterwards."""
    made: list[Both] = []

    def factory(sim: Simulator, **kw: Any) -> Both:
        both = Both(make_client(flavour, sim, fake_clock, **kw), is_async=flavour == "async")
        made.append(both)
        return both

    yield factory
    for both in made:
        await both.close()


def states(statuses: list[JobStatus]) -> list[str]:
    """The states of ``statuses`` with repeats collapsed: ``["queued", "running", ...]``."""
    out: list[str] = []
    for status in statuses:
        if not out or out[-1] != status.state.value:
            out.append(status.state.value)
    return out


def assert_secret_not_in_urls(sim: Simulator, secret: str) -> None:
    """No request the simulator received carried ``secret`` in its path or query."""
    assert sim.requests, "the simulator received no request"
    for req in sim.requests:
        assert secret not in req.path, req.path
        assert secret not in req.query, req.query
