"""Local simulators of the five vendor APIs, serving real HTTP on 127.0.0.1 ("moto for these APIs").

Each simulator answers as the vendor's spec describes (paths, auth, bodies, error forms), keeps
its jobs on a clock — the real one, or a :class:`FakeClock` shared with the client under test —
and can be told to misbehave with :class:`Fault` values::

    from jobpoll.testing import FakeClock, Fault, VezaSimulator
    from jobpoll.veza import Veza

    clock = FakeClock()
    sim = VezaSimulator(clock=clock)
    task = sim.add_job(duration=30, outcome="failed", error_reason="boom")
    sim.fault(Fault.http(503, retry_after=2), times=2, op="poll")
    with sim.serve():
        client = Veza(base_url=sim.url, api_key=sim.api_key, clock=clock.now, sleep=clock.sleep)
        client.wait(task)  # two 503s, then JobFailed after 30 s of simulated time

With pytest the plugin ``jobpoll.testing.plugin`` (loaded automatically once jobpoll is
installed) provides the fixtures ``fake_clock``, ``phrase_tms_sim``, ``phrase_mt_sim``,
``veza_sim``, ``edenai_sim`` and ``alphasms_sim``.

The simulators need the ``testing`` extra (starlette, uvicorn): ``pip install
'jobpoll[testing]'``. ``import jobpoll.testing`` works without it; using a simulator class
raises an ImportError that says so.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._clock import Clock, FakeClock, RealClock
from ._faults import FAULT_KINDS, Fault, FaultKind
from ._model import Phase, RecordedRequest, SimJob, SimOutcome

if TYPE_CHECKING:
    from ._alphasms import AlphaSMSSimulator
    from ._base import Simulator
    from ._edenai import EdenAISimulator
    from ._group import SIMULATORS, aserve_all, make_simulators, serve_all, serve_forever
    from ._phrase_mt import PhraseMTSimulator
    from ._phrase_tms import PhraseTMSSimulator
    from ._veza import VezaSimulator

__all__ = [
    "FAULT_KINDS",
    "SIMULATORS",
    "AlphaSMSSimulator",
    "Clock",
    "EdenAISimulator",
    "FakeClock",
    "Fault",
    "FaultKind",
    "Phase",
    "PhraseMTSimulator",
    "PhraseTMSSimulator",
    "RealClock",
    "RecordedRequest",
    "SimJob",
    "SimOutcome",
    "Simulator",
    "VezaSimulator",
    "aserve_all",
    "make_simulators",
    "serve_all",
    "serve_forever",
]

MISSING_EXTRA = (
    "the jobpoll simulators need the 'testing' extra (starlette and uvicorn): "
    "pip install 'jobpoll[testing]'"
)

_LAZY = {
    "AlphaSMSSimulator": "._alphasms",
    "EdenAISimulator": "._edenai",
    "PhraseMTSimulator": "._phrase_mt",
    "PhraseTMSSimulator": "._phrase_tms",
    "VezaSimulator": "._veza",
    "Simulator": "._base",
    "SIMULATORS": "._group",
    "aserve_all": "._group",
    "make_simulators": "._group",
    "serve_all": "._group",
    "serve_forever": "._group",
}
_EXTRA_MODULES = ("starlette", "uvicorn", "h11", "anyio")


def _load(module: str) -> Any:
    try:
        return importlib.import_module(module, __name__)
    except ImportError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing in _EXTRA_MODULES:
            raise ImportError(MISSING_EXTRA, name=exc.name) from exc
        raise


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_load(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
