"""The ``jobpoll`` command as a person sees it: a real process in a pseudo-terminal of
80 columns, its output fed to a VT100 emulator (pyte), the screen checked.

These run on the real clock against simulators served from this process, so they are few
and their jobs short (a few seconds each); every wait is bounded.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable, Iterator

import pyte
import pytest

from jobpoll import _vendors
from jobpoll.testing import Fault, Simulator, make_simulators, serve_all

COLS, ROWS = 80, 24
STATUS = re.compile(r"(?P<spin>\S) (?P<vendor>\S+) (?P<job>\S+): (?P<rest>.*?)\s+(?P<t>\d+\.\d)s")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


class Terminal:
    """``python -m jobpoll ARGS`` in a pseudo-terminal, its output on an emulated screen."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        self.frames: list[list[str]] = []
        pid, fd = pty.fork()
        if pid == 0:  # the child: becomes the command
            os.execve(sys.executable, [sys.executable, "-m", "jobpoll", *args], env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.code: int | None = None

    def pump(self, seconds: float) -> None:
        """Read what the command writes for up to ``seconds`` (less if it exits)."""
        end = time.monotonic() + seconds
        while self.code is None and (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.05))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                if not chunk:
                    self._reap(block=True)
                    break
                self.raw += chunk
                self.stream.feed(chunk)
                self.frames.append(self.rows())
            else:
                self._reap(block=False)

    def until(self, seen: Callable[[list[str]], bool], timeout: float) -> list[str]:
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.code is None:
            self.pump(0.1)
            if seen(self.rows()):
                return self.rows()
        raise AssertionError(f"not seen within {timeout} s; screen: {self.rows()}")

    def wait(self, timeout: float) -> int:
        end = time.monotonic() + timeout
        while self.code is None and time.monotonic() < end:
            self.pump(0.2)
        if self.code is None:
            os.kill(self.pid, signal.SIGKILL)
            self._reap(block=True)
            raise AssertionError(f"the command did not end in {timeout} s: {self.rows()}")
        return self.code

    def rows(self) -> list[str]:
        """The screen's rows, without trailing blank ones."""
        rows = [line.rstrip() for line in self.screen.display]
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def lines(self, starts: tuple[str, ...] = ("jobpoll", "veza ", "alphasms ")) -> list[str]:
        """The screen as the lines that were written: a row that does not begin a line (with
        one of ``starts``) continues the one above, which must then have filled its row."""
        out: list[str] = []
        above = ""
        for row in self.rows():
            if out and not row.startswith(starts):
                assert len(above) >= COLS - 2, f"a stray fragment: {row!r} under {above!r}"
                out[-1] = out[-1].ljust(len(out[-1]) + (COLS - len(above))) + row
            else:
                out.append(row)
            above = row
        return out

    def _reap(self, *, block: bool) -> None:
        pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        if pid:
            self.code = os.waitstatus_to_exitcode(status)
            os.close(self.fd)

    def close(self) -> None:
        if self.code is None:
            os.kill(self.pid, signal.SIGKILL)
            self._reap(block=True)


@pytest.fixture(scope="module")
def sims() -> Iterator[dict[str, Simulator]]:
    with serve_all(make_simulators(["veza", "alphasms"])) as served:
        yield served


@pytest.fixture
def term(sims: dict[str, Simulator]) -> Iterator[Callable[..., Terminal]]:
    opened: list[Terminal] = []
    names = {name for pair in _vendors.ENV.values() for name in pair}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env["TERM"] = "xterm-256color"
    env["PYTHONIOENCODING"] = "utf-8"
    for sim in sims.values():
        cred, url = _vendors.ENV[sim.VENDOR]
        env[cred], env[url] = sim.credential, sim.url

    def start(*args: str) -> Terminal:
        t = Terminal(list(args), env)
        opened.append(t)
        return t

    yield start
    for t in opened:
        t.close()


def status_rows(frames: list[list[str]]) -> list[re.Match[str]]:
    return [m for frame in frames for row in frame if (m := STATUS.fullmatch(row))]


def test_wait_redraws_on_a_timer_fits_80_columns_and_leaves_one_line(term, sims):
    sms = sims["alphasms"]
    job = sms.add_job(duration=3.2, queued=0.1)
    sms.jobs[job].starts_when_polled = True  # however slowly the interpreter starts
    t = term("wait", "alphasms", job)

    code = t.wait(timeout=15)

    assert code == 0, t.lines()
    final = f"alphasms {job}: succeeded 100% polls="
    assert len(t.lines()) == 1 and t.lines()[0].startswith(final), t.lines()
    assert all(len(frame) <= 1 for frame in t.frames), "more than one line while waiting"
    assert all(len(row) < COLS for frame in t.frames for row in frame), "a row filled the width"
    live = status_rows(t.frames)
    assert live, f"no live status line seen: {t.frames[-5:]}"
    # The timer moves the elapsed time and the spinner between polls, not just on a change.
    by_text = {}
    for m in live:
        by_text.setdefault(m["rest"], set()).add((m["spin"], m["t"]))
    assert any(len(seen) >= 3 for seen in by_text.values()), by_text
    # The bar is drawn while waiting (the queued 0% line the timer redraws for the 5 s until
    # AlphaSMS's second poll). Not asserted here: an ETA, which needs two readings below 100%
    # and so a 12 s job on AlphaSMS's schedule; test_cli_render drives that on a fake clock.
    assert any(
        "[" in m["rest"] and "%" in m["rest"] and len(by_text[m["rest"]]) >= 3 for m in live
    ), by_text


def test_retrying_wait_with_v_prints_logs_above_the_status_line(term, sims):
    veza = sims["veza"]
    task = veza.add_job(duration=0.5, queued=0.0)
    veza.fault(Fault.http(503, retry_after=0.6), times=2, op="poll")
    t = term("wait", "veza", task, "-v")

    t.until(lambda rows: any("retrying 1/5: " in row for row in rows), timeout=10)
    code = t.wait(timeout=15)

    assert code == 0, t.lines()
    lines = t.lines()
    assert len(lines) == 3, lines
    for n, line in enumerate(lines[:2], start=1):
        assert line.startswith(f"jobpoll: INFO veza job {task}: poll {n} failed, will retry")
        assert f"({n}/5)" in line
    assert lines[2].startswith(f"veza {task}: succeeded polls="), lines
    retrying = [m for m in status_rows(t.frames) if m["rest"].startswith("retrying")]
    assert {m["rest"][:13] for m in retrying} >= {"retrying 1/5:", "retrying 2/5:"}


def test_ctrl_c_with_json_prints_the_state_so_far_and_a_token(term, sims):
    veza = sims["veza"]
    task = veza.add_job(duration=3600)
    t = term("wait", "veza", task, "--json")
    t.until(lambda rows: any(": queued" in row and "polls 1" in row for row in rows), timeout=10)

    os.write(t.fd, b"\x03")  # Ctrl+C, through the terminal's line discipline
    code = t.wait(timeout=5)

    assert code == 130
    lines = t.lines(starts=("jobpoll", "{"))
    assert len(lines) == 2 and lines[0].startswith("jobpoll: interrupted after "), lines
    record = json.loads(lines[1])
    assert (record["job_id"], record["state"], record["error"]) == (task, "queued", "Interrupted")
    assert record["resume_token"].startswith("jobpoll1.")
    assert record["attempts"] >= 1
