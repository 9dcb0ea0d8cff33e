"""The status line of ``jobpoll wait``: redrawn in place on a terminal, one line per change
elsewhere, with log lines printed above it instead of through it."""

from __future__ import annotations

import enum
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from typing import IO

import attrs

from .._status import JobStatus
from ._text import clean, duration, middle, progress_bar, shorten

CLEAR = "\r\x1b[2K"
"""Back to the first column, erase the line: before every redraw and every log line."""
TICK_S = 0.1
"""How often the live line is redrawn: the spinner and the elapsed time move on their own."""


class Mode(enum.Enum):
    """How progress is shown on the stream."""

    LIVE = "live"
    """One line redrawn in place (a terminal that understands cursor codes)."""
    LINES = "lines"
    """One plain line per change, no cursor codes (a dumb terminal, a CI log)."""
    OFF = "off"


def choose_mode(stream: IO[str], asked: str = "auto") -> Mode:
    """``auto``: live on a terminal, plain lines on a ``TERM=dumb`` one, nothing when the
    stream is not a terminal (a script reading stderr gets the one error line only)."""
    if asked != "auto":
        return Mode(asked)
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return Mode.OFF
    return Mode.LINES if os.environ.get("TERM", "") in ("dumb", "") else Mode.LIVE


@attrs.define
class View:
    """What the status line shows; everything but the clock comes from the wait."""

    vendor: str
    job_id: str
    state: str = "starting"
    progress: float | None = None
    polls: int = 0
    retry: tuple[int, int, str] | None = None
    """``(failures in a row, retries allowed, reason)`` while the wait is retrying."""
    eta_s: float | None = None


def status_line(view: View, width: int, elapsed_s: float, spinner: str = "") -> str:
    """The status line, fitted to ``width`` columns: the richest layout that fits, parts
    dropped in order of use (polls, ETA, the bar's length), the job id cut in the middle."""
    lead = f"{spinner} " if spinner else ""
    clock = duration(elapsed_s)
    if view.retry is not None:
        n, most, reason = view.retry
        id_room = 36 if width >= 120 else 16  # the reason matters more than the whole id
        head = f"{lead}{view.vendor} {middle(view.job_id, id_room)}: retrying {n}/{most}: "
        tail = f"  {clock}"
        room = width - len(head) - len(tail)
        if room >= 8:
            return head + shorten(clean(reason), room) + tail
        return shorten(head.rstrip(": ") + tail, width)
    eta = f"ETA {duration(view.eta_s)}" if view.eta_s is not None else ""
    polls = f"polls {view.polls}"
    for id_room, cells, extras in (
        (36, 20, (eta, clock, polls)),
        (24, 20, (eta, clock, polls)),
        (24, 12, (eta, clock)),
        (16, 10, (eta, clock)),
        (12, 6, (clock,)),
        (10, 0, (clock,)),
    ):
        bar = progress_bar(view.progress, cells) if cells else _percent(view.progress)
        parts = [f"{lead}{view.vendor} {middle(view.job_id, id_room)}: {view.state}"]
        parts += [p for p in (bar, *extras) if p]
        line = "  ".join(parts)
        if len(line) <= width:
            return line
    return shorten(line, width)


def _percent(progress: float | None) -> str:
    return "" if progress is None else f"{progress:.0%}"


def plain_line(status: JobStatus) -> str:
    """The one-line summary of a status: the final line, and each line of ``Mode.LINES``."""
    # A percentage, not a bar: the line must fit 80 columns with a 32-character id.
    pct = f" {status.progress:.0%}" if status.progress is not None else ""
    return clean(
        f"{status.vendor} {status.job_id}: {status.state.value}{pct} "
        f"polls={status.stats.attempts} elapsed={status.stats.elapsed_s:.1f}s"
    )


class _Eta:
    """Time left, from the rate progress has moved at since it was first seen."""

    def __init__(self) -> None:
        self.first: tuple[float, float] | None = None
        self.last: tuple[float, float] | None = None

    def see(self, now: float, progress: float | None) -> None:
        if progress is None:
            return
        if self.first is None or progress < self.first[1]:
            self.first = (now, progress)
        self.last = (now, progress)

    def remaining(self, now: float) -> float | None:
        if self.first is None or self.last is None:
            return None
        (t0, p0), (t1, p1) = self.first, self.last
        if p1 >= 1.0:
            return 0.0
        if p1 <= p0 or t1 <= t0:
            return None
        remaining = (1.0 - p1) * (t1 - t0) / (p1 - p0) - (now - t1)
        return remaining if remaining > 0 else None  # overdue: the next poll will tell


class Display:
    """Progress of one wait on ``stream`` (stderr): call it with each status, feed it retries
    through :class:`LogHandler`, and :meth:`close` it before printing the result."""

    def __init__(
        self,
        stream: IO[str],
        mode: Mode,
        vendor: str,
        job_id: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        width: Callable[[], int] | None = None,
    ) -> None:
        self.stream = stream
        self.mode = mode
        self.view = View(vendor, job_id)
        self.last: JobStatus | None = None
        self._clock = clock
        self._started = clock()
        self._width = width or _terminal_width(stream)
        self._eta = _Eta()
        self._lock = threading.RLock()
        self._shown = False
        self._frame = 0
        self._spinner = _spinner(stream)
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        if mode is Mode.LIVE:
            self._ticker = threading.Thread(target=self._tick, name="jobpoll-progress", daemon=True)
            self._ticker.start()

    def __call__(self, status: JobStatus) -> None:
        with self._lock:
            self.last = status
            now = self._clock()
            self._eta.see(now, status.progress)
            self.view.state = clean(status.state.value)
            self.view.progress = status.progress
            self.view.polls = status.stats.attempts
            self.view.retry = None
            if self.mode is Mode.LINES and not status.done:  # the end is the result line
                self._write(plain_line(status) + "\n")
            self._draw()

    def retrying(self, failures: int, allowed: int, reason: str) -> None:
        """A poll failed and will be retried (what the engine logged)."""
        with self._lock:
            self.view.retry = (failures, allowed, reason)
            if self.mode is Mode.LINES:
                self._write(
                    clean(f"{self.view.vendor} {self.view.job_id}: retrying {failures}/{allowed}: ")
                    + clean(reason)
                    + "\n"
                )
            self._draw()

    def above(self, text: str) -> None:
        """Print a whole line (a log record) above the status line, which is then redrawn."""
        with self._lock:
            if self.mode is Mode.LIVE and self._shown:
                self._write(CLEAR)
                self._shown = False
            self._write(text + "\n")
            self._draw()

    def close(self, final: str | None = None) -> None:
        """Stop redrawing and erase the status line; ``final`` (if given) takes its place."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            if self.mode is Mode.LIVE and self._shown:
                self._write(CLEAR)
                self._shown = False
            if final is not None and self.mode is not Mode.OFF:
                self._write(final + "\n")
            self.mode = Mode.OFF

    def line(self) -> str:
        """The live line as it would be drawn now."""
        now = self._clock()
        self.view.eta_s = self._eta.remaining(now)
        frame = self._spinner[self._frame % len(self._spinner)]
        return status_line(self.view, max(self._width() - 1, 20), now - self._started, frame)

    def _draw(self) -> None:
        if self.mode is not Mode.LIVE:
            return
        self._write("\r" + self.line() + "\x1b[K")  # overwrite, then erase the rest: no flicker
        self._shown = True

    def _tick(self) -> None:
        while not self._stop.wait(TICK_S):
            with self._lock:
                self._frame += 1
                try:
                    self._draw()
                except Exception:  # never a traceback from the spinner's thread: stop drawing
                    self.mode = Mode.OFF
                    return

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: progress is not worth dying for
            self.mode = Mode.OFF


class LogHandler(logging.Handler):
    """The command's log handler: records at ``show`` or above are printed above the status
    line; every retry the engine logs (at any level) moves the status line to "retrying"."""

    def __init__(self, display: Display | None, stream: IO[str], show: int) -> None:
        super().__init__(logging.DEBUG)
        self.display = display
        self.stream = stream
        self.show = show
        self.setFormatter(logging.Formatter("jobpoll: %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            retry = getattr(record, "jobpoll_retry", None)
            if self.display is not None and retry is not None:
                failures, allowed, reason = retry
                self.display.retrying(int(failures), int(allowed), str(reason))
            if record.levelno < self.show:
                return
            text = clean(self.format(record))
            if self.display is not None:
                self.display.above(text)
            else:
                self.stream.write(text + "\n")
                self.stream.flush()
        except Exception:  # a logging handler never raises into the code that logged
            self.handleError(record)


def _terminal_width(stream: IO[str]) -> Callable[[], int]:
    def width() -> int:
        try:
            return os.get_terminal_size(stream.fileno()).columns or 80
        except (AttributeError, OSError, ValueError):
            return shutil.get_terminal_size().columns

    return width


def _spinner(stream: IO[str]) -> str:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏" if encoding == "utf8" else "|/-\\"
