"""The benchmarks at a tiny size, so that their code cannot rot: they produce their numbers.

What the numbers are is the benchmarks' business (BENCHMARKS.md); here only that each one is
there, finite and positive.
"""

from __future__ import annotations

import math
import sys

import pytest

from bench import concurrent, lag, overhead, report, scale
from bench._common import Spread


def positive(value: object) -> bool:
    if isinstance(value, Spread):
        return all(positive(v) for v in (value.median, value.lo, value.hi))
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def test_lag_produces_requests_and_lags(tmp_path):
    grid = {
        "initial_delay": (1.0,),
        "multiplier": (1.15, 1.2),
        "max_delay": (15.0,),
        "jitter": (0.2,),
    }
    res = lag.run(jobs=200, runs=2, plot=True, plot_path=tmp_path / "plot.png", grid=grid)
    names = {r["name"] for r in res["rows"]}
    assert {lag.DEFAULT, lag.FIXED_1} <= names
    for row in res["rows"]:
        for key in (
            "requests",
            "requests_vs_fixed_1s",
            "lag_p50_s",
            "lag_p95_s",
            "lag_p50_fraction",
        ):
            assert positive(row[key]), (row["name"], key)
    assert positive(res["default"]["request_share"])
    assert {c.name for c in lag.PROGRESS_ROWS} <= names
    assert [v["name"] for v in res["progress"]] == [c.name for c in lag.PROGRESS_ROWS]
    for v in res["progress"]:
        assert positive(v["vs_default"]) and positive(v["lag_p50_s"]), v["name"]
    md = lag.markdown(res)
    assert "## 3." in md
    assert "Jobs that report progress" in md
    heads = [h for h in report.headlines({"lag": res}) if "progress" in h[0]]
    assert [h[0] for h in heads] == [f"3. lag, {c.name}" for c in lag.PROGRESS_TARGETED]


def test_lag_default_row_is_the_default_on_progress_jobs_with_progress_ignored():
    # BENCHMARKS.md compares the progress rows with the default row: what PollPolicy() does on
    # the same jobs when it does not use their progress.
    ds = lag.durations(200, 2)
    default = lag.Contender("d", "", policy=lag.PollPolicy()).run(ds, 5)
    for c in lag.PROGRESS_ROWS:
        blind = lag.Contender(
            "b", "", policy=c.policy.replace(use_progress=False), progress=c.progress
        )
        assert blind.run(ds, 5) == default
        assert c.run(ds, 5) != default


def test_lag_fast_model_is_the_machine():
    ds = lag.durations(200, 1)
    for policy in (lag.PollPolicy(), lag.PollPolicy(initial_delay=2, multiplier=1.5, max_delay=9)):
        lag.check_equivalence(policy, ds, seed=3)


def test_lag_plot_degrades_without_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    note = lag._plot([], tmp_path / "p.png")
    assert "matplotlib is not installed" in note
    assert not (tmp_path / "p.png").exists()


def test_overhead_produces_cpu_per_poll_and_ratios():
    res = overhead.run(polls=20, runs=2, vendors=False)
    assert {(r["over"].split(" ")[0], r["flavour"]) for r in res["rows"]} == {
        ("MockTransport", "sync"),
        ("MockTransport", "async"),
        ("loopback", "sync"),
        ("loopback", "async"),
    }
    for row in res["rows"]:
        for key in ("raw_cpu_us", "jobpoll_cpu_us", "ratio"):
            assert positive(row[key]), (row["case"], key)
    assert len(res["breakdown"]) == 5
    assert all(positive(b["cpu_us"]) for b in res["breakdown"])
    assert "## 1." in overhead.markdown(res)


def test_concurrent_measures_every_async_contender():
    res = concurrent.run(requests=concurrent.CONCURRENCY * 5, runs=1)
    keys = {r["key"] for r in res["rows"]}
    assert {"aiohttp", "httpx-native", "httpx-aiohttp", "jobpoll", "jobpoll-native"} <= keys
    assert ("jobpoll-uvloop" in keys) == res["uvloop"]
    for row in res["rows"]:
        for key in ("cpu_us", "per_s", "vs_aiohttp"):
            assert positive(row[key]), (row["key"], key)
    assert positive(res["jobpoll_vs_aiohttp"]) and positive(res["native_vs_jobpoll"])
    text = report.render({"concurrent": res}, quick=True, seconds=1.0)
    assert "### 1b." in text and "1b. async poll" in text


@pytest.mark.slow
def test_scale_produces_wall_rss_and_requests():
    res = scale.run(jobs=20, lo=0.2, hi=0.6, backend="toy", toy_servers=2, uvloop=False)
    rows = {r["mode"]: r for r in res["rows"]}
    assert set(rows) == {"jitter only", "jobpoll", "threads"}
    assert positive(rows["jitter only"]["schedule_share"])
    for mode in ("jobpoll", "threads"):
        row = rows[mode]
        for key in (
            "wall_s",
            "ideal_s",
            "wall_vs_ideal",
            "rss_peak_mb",
            "requests",
            "cpu_s",
            "schedule_share",
            "cpu_per_request_us",
        ):
            assert positive(row[key]), (row["mode"], key)
        assert row["errors"] == 0
        # Clock ticks (10 ms): a tiny run may cost the servers none.
        assert math.isfinite(row["servers_cpu_s"]) and row["servers_cpu_s"] >= 0
        assert math.isfinite(row["rss_per_job_kb"])
        assert row["watcher_waited_share"] >= 0 and 0 <= row["machine_busy_share"] <= 1
    # What the watcher counted at its channel is what the servers received.
    assert rows["jobpoll"]["requests_seen_by_servers"] >= rows["jobpoll"]["requests"] > 0
    text = report.render({"scale": res}, quick=True, seconds=1.0)
    assert "## 2." in text and "## Machine" in text and "floor:" in text


@pytest.mark.slow
def test_scale_replays_the_vendors_and_holds_waits():
    res = scale.run(
        jobs=10,
        lo=0.001,  # done by the first poll (the vendors' first delays are 1-5 s)
        hi=0.01,
        threads=False,
        uvloop=False,
        simulators=False,
        hold_jobs=50,
        hold_s=1.0,
    )
    assert res["backend"] == "replay"
    row = scale.main_row(res)
    assert row is not None and row["errors"] == 0 and row["requests"] >= 10
    hold = res["hold"]
    assert hold["jobs"] == 50 and hold["errors"] == 0
    assert hold["sent"] >= 50  # every wait polled at least once within the hold
    assert positive(hold["rss_per_job_kb"]) and positive(hold["cap_kept"])
    text = report.render({"scale": res}, quick=True, seconds=1.0)
    assert "### 2b. Hold: 50 waits" in text
