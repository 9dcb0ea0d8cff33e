"""``jobpoll wait phrase-mt ID --json`` against the engine simulator in both modes (Phrase's
reference adapter and the strict spec): exit 0 when done, 1 when failed, 4 for an unknown id.

In-process (``jobpoll.cli.main``), on the simulator's FakeClock through the command's one
seam, ``_vendors.sync_client``, so a wait costs no wall time.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from jobpoll import _vendors
from jobpoll.cli import main
from jobpoll.testing import FakeClock, PhraseMTSimulator


@pytest.fixture(params=["reference", "spec"])
def engine(
    request: pytest.FixtureRequest, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[PhraseMTSimulator]:
    """A served engine simulator the command is pointed at (its token and URL variables)."""
    real: Callable[[str], Any] = _vendors.sync_client

    def on_fake_clock(name: str) -> Any:
        return functools.partial(real(name), clock=fake_clock.now, sleep=fake_clock.sleep)

    monkeypatch.setattr(_vendors, "sync_client", on_fake_clock)
    with PhraseMTSimulator(clock=fake_clock, mode=request.param).serve() as sim:
        token_var, url_var = _vendors.ENV["phrase-mt"]
        monkeypatch.setenv(token_var, sim.token)
        monkeypatch.setenv(url_var, sim.url)
        yield sim


def wait_json(job_id: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    """``jobpoll wait phrase-mt JOB_ID --json``: (exit code, the JSON record it printed)."""
    code = main(["wait", "phrase-mt", job_id, "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    lines = out.splitlines()
    assert len(lines) == 1, out
    record = json.loads(lines[0])
    assert isinstance(record, dict)
    return code, record


def test_done_exits_0(engine: PhraseMTSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    job_id = engine.add_job(duration=12)
    code, record = wait_json(job_id, capsys)
    assert code == 0
    assert (record["vendor"], record["job_id"], record["state"]) == (
        "phrase-mt",
        job_id,
        "succeeded",
    )


def test_failed_exits_1(engine: PhraseMTSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    job_id = engine.add_job(duration=12, outcome="failed", error="model crashed")
    code, record = wait_json(job_id, capsys)
    assert code == 1
    assert (record["job_id"], record["state"]) == (job_id, "failed")
    assert "model crashed" in json.dumps(record)


def test_unknown_id_exits_4(engine: PhraseMTSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, record = wait_json("9b2f-no-such-job", capsys)
    assert code == 4
    assert record["job_id"] == "9b2f-no-such-job"
    assert len(engine.requests) == 1  # the adapter's 500 "No translation job found": not retried
