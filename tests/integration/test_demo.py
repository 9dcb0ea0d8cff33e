"""``jobpoll demo`` in-process on a FakeClock: the five simulators and the five async clients
share it, so the demo's seconds of simulated work take well under one second."""

from __future__ import annotations

import functools
import re

import pytest

from jobpoll import _demo, _vendors, cli
from jobpoll.testing import FakeClock


def test_demo_runs_every_vendor_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(_demo, "run_demo", functools.partial(_demo.run_demo, clock=clock))

    assert cli.main(["demo"]) == 0
    out, err = capsys.readouterr()

    # Every job ran on the fake clock: the longest (AlphaSMS, 8 s) moved it at least that far.
    assert clock.now() >= 8.0
    assert clock.sleeps and all(0 < s <= 2.0 for s in clock.sleeps)  # BRISK's max_delay
    table = out[out.index("vendor ") :]
    assert re.search(r"vendor\s+job\s+what\s+final\s+polls\s+retries\s+elapsed", table)
    for vendor in _vendors.NAMES:
        assert re.search(rf"^{vendor}\s", table, re.MULTILINE), f"{vendor} not in the table"
    summary = re.search(r"^7 tasks ran (\d+) jobs: (\d+) succeeded, 1 failed on purpose", out, re.M)
    assert summary, out[-500:]
    rows = re.findall(
        rf"^(?:{'|'.join(_vendors.NAMES)})\s.*\s(succeeded|failed)\s+\d+\s", table, re.M
    )
    assert len(rows) == int(summary[1]) and rows.count("succeeded") == int(summary[2])
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == len(set(lines)), "a line printed twice"
    assert "phrase-mt: 1200 segments back in order" in out
    assert "alphasms: per-message statuses: 800 DELIVERED, 100 EXPIRED, 100 UNDELIVERABLE" in out
    woken = re.search(
        r"^edenai: the webhook job was woken by its signed webhook: 1 poll after (\S+)s", out, re.M
    )
    assert woken, out[-800:]
    assert (
        3.0 <= float(woken[1]) < 60.0
    )  # the job takes 3 s (the fake clock runs ahead); the fallback poll was due at 120
    assert re.search(r"^edenai\s.*speech to text \(webhook\)\s+succeeded\s+1\s", table, re.M)
    assert "Traceback" not in err
