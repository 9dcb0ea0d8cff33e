"""What the command draws, without a terminal: the status line at every width, escaping,
the choice of live/lines/off, and the demo's board at 80 columns."""

from __future__ import annotations

import io

import pytest

from jobpoll import JobState, JobStatus, PollStats
from jobpoll._cli._live import Display, Mode, View, choose_mode, status_line
from jobpoll._cli._text import clean, middle, progress_bar
from jobpoll._demo import _Board
from jobpoll.testing import FakeClock

LONG_ID = "e3e70682-c209-4cac-a29f-6fbed82c07cd"
VIEWS = [
    View("veza", LONG_ID, "running", None, 3),
    View("alphasms", "cd613e30d8f16adf91b7584a2265b1f5", "running", 0.42, 17, None, 75.5),
    View("phrase-tms", "700000001", "queued", 0.0, 1),
    View("phrase-mt", LONG_ID, "running", None, 4, (2, 5, "HTTP 503 " + "x" * 200)),
]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.vendor)
def test_the_status_line_fits_every_width(view):
    for width in range(20, 201):
        line = status_line(view, width, 3725.0, "⠋")
        assert len(line) <= width, (width, line)
        assert view.vendor in line or width < 40
    wide = status_line(view, 200, 12.3, "⠋")
    assert view.job_id in wide and "12.3s" in wide


def test_the_status_line_keeps_the_bar_and_eta_at_80_columns():
    line = status_line(VIEWS[1], 79, 12.3, "⠋")
    assert "[" in line and "42%" in line and "ETA 1m15s" in line and "12.3s" in line


def test_retrying_shows_the_count_and_the_reason():
    line = status_line(VIEWS[3], 79, 4.0, "|")
    assert "retrying 2/5: HTTP 503 xx" in line and line.endswith("  4.0s")


def test_clean_escapes_what_a_terminal_would_obey():
    assert clean("done \x1b[2K\x1b[1Gforged\r\n\t\x07\u202e") == (
        "done \\x1b[2K\\x1b[1Gforged\\x0d\\x0a\\x09\\x07\\u202e"
    )
    assert clean("Übersetzung fertig, café ✓") == "Übersetzung fertig, café ✓"


def test_middle_and_bar():
    assert middle(LONG_ID, 13) == "e3e706…2c07cd" and middle("short", 13) == "short"
    assert progress_bar(0.25, 8) == "[##......]  25%"
    assert progress_bar(None) == ""


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "term", "mode"),
    [
        (Tty(), "xterm-256color", Mode.LIVE),
        (Tty(), "dumb", Mode.LINES),
        (Tty(), "", Mode.LINES),
        (io.StringIO(), "xterm", Mode.OFF),
    ],
)
def test_choose_mode(stream, term, mode, monkeypatch):
    monkeypatch.setenv("TERM", term)
    assert choose_mode(stream) is mode
    assert choose_mode(stream, "lines") is Mode.LINES


def status(state: JobState, progress: float | None, attempts: int) -> JobStatus:
    return JobStatus("alphasms", "job-1", state, progress, stats=PollStats(attempts=attempts))


def test_live_display_erases_itself_and_prints_logs_above():
    out, clock = Tty(), FakeClock()
    display = Display(out, Mode.LIVE, "alphasms", "job-1", clock=clock.now, width=lambda: 80)
    try:
        display(status(JobState.RUNNING, 0.5, 2))
        display.above("jobpoll: INFO something")
        display.retrying(1, 5, "bad\x1b[2K")
    finally:
        display.close()
    text = out.getvalue()
    assert "\r\x1b[2Kjobpoll: INFO something\n" in text
    assert "retrying 1/5: bad\\x1b[2K" in text and "bad\x1b[2K" not in text
    assert text.endswith("\r\x1b[2K")  # nothing left on the line for the result to follow


def test_the_eta_comes_from_the_rate_progress_moved_at_and_counts_down():
    out, clock = Tty(), FakeClock()
    display = Display(out, Mode.LIVE, "alphasms", "job-1", clock=clock.now, width=lambda: 80)
    try:
        display(status(JobState.RUNNING, 0.2, 1))
        assert "ETA" not in display.line()  # one reading gives no rate
        clock.advance(3.0)
        display(status(JobState.RUNNING, 0.5, 2))  # 0.3 in 3 s: 0.5 left takes 5 s
        assert "ETA 5.0s" in display.line()
        clock.advance(2.0)
        assert "ETA 3.0s" in display.line()  # counts down between polls
        clock.advance(4.0)
        assert "ETA" not in display.line()  # overdue: the next poll will tell
        display(status(JobState.RUNNING, 0.1, 3))  # progress went back: measured afresh
        assert "ETA" not in display.line()
        clock.advance(1.0)
        display(status(JobState.RUNNING, 0.3, 4))
        assert "ETA 3.5s" in display.line()
    finally:
        display.close()


def test_lines_display_writes_each_change_once_and_no_codes():
    out = io.StringIO()
    display = Display(out, Mode.LINES, "alphasms", "job-1")
    display(status(JobState.QUEUED, 0.0, 1))
    display(status(JobState.RUNNING, 0.5, 2))
    display.retrying(1, 5, "HTTP 503")
    display(status(JobState.SUCCEEDED, 1.0, 4))  # the end is the result line's job
    display.close(final="alphasms job-1: succeeded 100% polls=4 elapsed=9.0s")
    assert out.getvalue().splitlines() == [
        "alphasms job-1: queued 0% polls=1 elapsed=0.0s",
        "alphasms job-1: running 50% polls=2 elapsed=0.0s",
        "alphasms job-1: retrying 1/5: HTTP 503",
        "alphasms job-1: succeeded 100% polls=4 elapsed=9.0s",
    ]


@pytest.mark.parametrize("width", [80, 100, 120, 200])
def test_the_demo_board_fits_the_terminal(width):
    out = Tty()
    board = _Board(out, live=True, width=width)
    assert board.live
    for n, what in enumerate(["pre-translate 3 jobs", "translate 1,200 segments", "1,000 SMS"]):
        on_update = board.update(what)
        job = JobStatus("phrase-mt", f"{LONG_ID[:-1]}{n}", JobState.RUNNING, 0.3 * n)
        on_update(job)
    board.draw()
    rows = [r.replace("\x1b[K", "") for r in out.getvalue().split("\n") if r]
    assert len(rows) == 3 and all(len(r) < width for r in rows), rows
    assert all(len(line) < width for line in board.table().splitlines())


def test_the_demo_falls_back_to_lines_when_too_narrow_and_never_repeats():
    out = io.StringIO()
    board = _Board(out, live=True, width=60)
    assert not board.live
    on_update = board.update("speech to text")
    failed = JobStatus("edenai", "e-1", JobState.FAILED, None, stats=PollStats(attempts=3))
    on_update(failed)
    on_update(failed)
    assert len(out.getvalue().splitlines()) == 1
