"""pytest plugin (entry point ``jobpoll``): fixtures serving fresh vendor simulators.

* ``fake_clock`` — a :class:`~jobpoll.testing.FakeClock` at 0.
* ``phrase_tms_sim``, ``phrase_mt_sim``, ``veza_sim``, ``edenai_sim``, ``alphasms_sim`` — a fresh
  simulator on ``fake_clock``, served over HTTP on 127.0.0.1 for the test; use ``sim.url`` and
  ``sim.token`` (Phrase) or ``sim.api_key`` (the others). Give the client under test
  ``clock=fake_clock.now, sleep=fake_clock.sleep`` (``sleep=fake_clock.asleep`` when async) so
  its waiting moves the simulator's time.

Loading this plugin imports neither starlette nor uvicorn: only using a simulator fixture needs
the ``testing`` extra, and without it the fixture fails with a message saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from jobpoll.testing._clock import FakeClock

if TYPE_CHECKING:
    from jobpoll.testing._alphasms import AlphaSMSSimulator
    from jobpoll.testing._edenai import EdenAISimulator
    from jobpoll.testing._phrase_mt import PhraseMTSimulator
    from jobpoll.testing._phrase_tms import PhraseTMSSimulator
    from jobpoll.testing._veza import VezaSimulator


@pytest.fixture
def fake_clock() -> FakeClock:
    """A FakeClock shared by the simulator fixtures of the same test."""
    return FakeClock()


def _serve(vendor: str, clock: FakeClock) -> Iterator[Any]:
    from jobpoll import testing

    try:
        simulators = testing.SIMULATORS
    except ImportError as exc:
        pytest.fail(f"{exc} (needed by the {vendor} simulator fixture)", pytrace=False)
    sim = simulators[vendor](clock=clock)
    with sim.serve():
        yield sim


@pytest.fixture
def phrase_tms_sim(fake_clock: FakeClock) -> Iterator[PhraseTMSSimulator]:
    """A served Phrase TMS simulator (``url`` ends in ``/web``; ``token``)."""
    yield from _serve("phrase-tms", fake_clock)


@pytest.fixture
def phrase_mt_sim(fake_clock: FakeClock) -> Iterator[PhraseMTSimulator]:
    """A served Phrase BYO MT engine simulator (``url``, ``token``)."""
    yield from _serve("phrase-mt", fake_clock)


@pytest.fixture
def veza_sim(fake_clock: FakeClock) -> Iterator[VezaSimulator]:
    """A served Veza simulator (``url``, ``api_key``)."""
    yield from _serve("veza", fake_clock)


@pytest.fixture
def edenai_sim(fake_clock: FakeClock) -> Iterator[EdenAISimulator]:
    """A served Eden AI simulator (``url``, ``api_key``)."""
    yield from _serve("edenai", fake_clock)


@pytest.fixture
def alphasms_sim(fake_clock: FakeClock) -> Iterator[AlphaSMSSimulator]:
    """A served AlphaSMS simulator (``url`` is the host; ``api_key``)."""
    yield from _serve("alphasms", fake_clock)
