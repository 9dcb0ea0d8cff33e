"""The README's Temporal example runs as written, against the dev server and the Veza
simulator (its credential and URL from the environment, as the example reads them)."""

from __future__ import annotations

import pytest

from jobpoll.testing import VezaSimulator

from ..test_readme import BLOCKS

pytestmark = pytest.mark.slow

(EXAMPLE,) = [b for b in BLOCKS if "jobpoll.temporal.worker(" in b]


def test_the_readme_temporal_example_runs(temporal_server, monkeypatch, capsys):
    sim = VezaSimulator(api_key="CANARY-readme-veza-2b4e")
    sim.default_duration = 1.0
    with sim.serve():
        monkeypatch.setenv("TEMPORAL_ADDRESS", temporal_server)
        monkeypatch.setenv("VEZA_API_KEY", sim.api_key)
        monkeypatch.setenv("VEZA_URL", sim.url)
        exec(compile(EXAMPLE, "README.md", "exec"), {"__name__": "readme"})

    state, attempts = capsys.readouterr().out.split()
    assert state == "succeeded" and int(attempts) >= 2
    assert len([r for r in sim.requests if r.method == "POST"]) == 1
