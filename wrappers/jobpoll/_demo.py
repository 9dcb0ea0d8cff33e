"""``jobpoll demo``: the five simulators, and a realistic piece of work on each, at once.

Everything goes through the public SDK, over real HTTP on 127.0.0.1, on the real clock. The
simulated jobs take seconds, so the demo polls with a brisk policy instead of each vendor's
patient default (which is tuned for jobs that take minutes). One more Eden AI job runs on a
client given a ``WebhookReceiver``: the simulator signs its webhook (with a key made here) and
it is handed to the receiver in-process; the webhook ends the wait's 120 s fallback sleep, and
one poll finds the job done. It needs ``jobpoll[webhooks]`` (cryptography); without it the
demo says so and skips that job.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import IO, TYPE_CHECKING, Any

import attrs

from ._cli._text import clean, middle, progress_bar, shorten
from ._errors import Error
from ._policy import PollPolicy
from ._status import JobState, JobStatus

if TYPE_CHECKING:
    from .testing import FakeClock

BRISK = PollPolicy(initial_delay=0.3, multiplier=1.3, max_delay=2.0, min_delay=0.2, jitter=0.2)


@attrs.define
class _Row:
    vendor: str
    job: str
    what: str
    state: str = "submitting"
    progress: float | None = None
    polls: int = 0
    retries: int = 0
    elapsed: float = 0.0
    note: str = ""


_VENDOR_W, _STATE_W = 11, 10
_LAYOUTS = ((36, 28, 20), (24, 24, 20), (12, 24, 10), (10, 21, 6), (10, 14, 0))
"""(job id, what, bar cells) from the widest to the narrowest; a bar of 0 cells is a bare %."""


def _layout(width: int | None, tail: int) -> tuple[int, int, int] | None:
    """The widest layout whose row (plus ``tail`` columns after the state) fits ``width``
    less one column (None: no limit), or None when not even the narrowest does. The last
    column stays free: a terminal that wraps there would throw the redraw off by a line."""
    for job, what, cells in _LAYOUTS:
        bar = cells + 7 if cells else 4
        if width is None or _VENDOR_W + job + what + _STATE_W + bar + tail + 5 < width:
            return job, what, cells
    return None


class _Board:
    """Progress of every job: a table redrawn in place on a terminal wide enough for it,
    otherwise one line per change (never the same line twice)."""

    def __init__(self, out: IO[str], live: bool, width: int | None) -> None:
        self.out = out
        self.width = width
        self.layout = _layout(width, len(" polls=99"))
        self.live = live and self.layout is not None
        self.rows: dict[tuple[str, str], _Row] = {}
        self.printed: dict[tuple[str, str], str] = {}
        self.drawn = 0
        self.started = time.monotonic()

    def update(self, what: str) -> Callable[[JobStatus], None]:
        def on_update(status: JobStatus) -> None:
            key = (status.vendor, status.job_id)
            row = self.rows.setdefault(key, _Row(status.vendor, status.job_id, what))
            row.state, row.progress = status.state.value, status.progress
            row.polls, row.retries = status.stats.attempts, status.stats.transient_failures
            row.elapsed = status.stats.elapsed_s
            self._changed(key, row)

        return on_update

    def settle(self, vendor: str, what: str, err: Error) -> None:
        status = err.status
        key = (vendor, err.job_id or "-")
        row = self.rows.setdefault(key, _Row(vendor, err.job_id or "-", what))
        row.state = "failed" if status is None else status.state.value
        if status is not None:
            row.polls, row.retries = status.stats.attempts, status.stats.transient_failures
            row.elapsed = status.stats.elapsed_s
        row.note = clean(f"{type(err).__name__}: {err.message}")
        self._changed(key, row)

    def _changed(self, key: tuple[str, str], row: _Row) -> None:
        if self.live:
            return
        line = self._line(row)
        if self.printed.get(key) != line:
            self.printed[key] = line
            self.out.write(line + "\n")

    def _line(self, row: _Row) -> str:
        job_w, what_w, cells = self.layout or _LAYOUTS[0]
        bar = progress_bar(row.progress, cells) if cells else _percent(row.progress)
        bar_w = cells + 7 if cells else 4
        return (
            f"{row.vendor:<{_VENDOR_W}} {middle(clean(row.job), job_w):<{job_w}} "
            f"{shorten(row.what, what_w):<{what_w}} {row.state:<{_STATE_W}} {bar:<{bar_w}} "
            f"polls={row.polls}"
        )

    def draw(self) -> None:
        if not self.live:
            return
        lines = [self._line(r) for r in self.rows.values()]
        up = f"\x1b[{self.drawn}F" if self.drawn else ""
        # Text first, then erase what is left of the old row: no row is ever blank mid-redraw.
        self.out.write(up + "".join(f"{line}\x1b[K\n" for line in lines))
        self.out.flush()
        self.drawn = len(lines)

    def say(self, text: str) -> None:
        """A line after the table, cut to the terminal's width when there is one."""
        self.out.write((text if self.width is None else shorten(text, self.width - 1)) + "\n")

    def table(self) -> str:
        """The summary: one row per job, fitted to the terminal's width when there is one."""
        tail = " polls retries elapsed"
        job_w, what_w = 36, 28
        if self.width is not None:
            for job_w in (36, 24, 12, 10):
                what_w = min(28, self.width - 1 - (_VENDOR_W + job_w + _STATE_W + 3 + len(tail)))
                if what_w >= 20:
                    break
            what_w = max(what_w, 8)
        head = f"{'vendor':<{_VENDOR_W}} {'job':<{job_w}} {'what':<{what_w}} {'final':<{_STATE_W}}"
        lines = [head + tail, "-" * len(head + tail)]
        for r in self.rows.values():
            lines.append(
                f"{r.vendor:<{_VENDOR_W}} {middle(clean(r.job), job_w):<{job_w}} "
                f"{shorten(r.what, what_w):<{what_w}} {r.state:<{_STATE_W}} {r.polls:>5} "
                f"{r.retries:>7} {r.elapsed:>6.1f}s"
            )
            if r.note:
                note = f"{'':<{_VENDOR_W}} -> {r.note}"
                lines.append(note if self.width is None else shorten(note, self.width - 1))
        return "\n".join(lines)


def _percent(progress: float | None) -> str:
    return "" if progress is None else f"{progress:4.0%}"


async def _demo(out: IO[str], live: bool, width: int | None, clock: FakeClock | None) -> int:
    from . import (
        AsyncAlphaSMS,
        AsyncEdenAI,
        AsyncPhraseMT,
        AsyncPhraseTMS,
        AsyncVeza,
        Message,
    )
    from .testing import Fault, aserve_all

    board = _Board(out, live, width)
    async with aserve_all(clock=clock) as sims:
        tms, mt, veza, eden, sms = (
            sims[v] for v in ("phrase-tms", "phrase-mt", "veza", "edenai", "alphasms")
        )
        tms.default_duration = 6.0
        mt.default_duration = 3.0
        mt.fault(Fault.rate_limit(), times=4, op="poll")  # the engine is busy for a while
        veza.default_duration = 5.0
        eden.next_job(duration=4.0, outcome="succeeded", result={"text": "Hello, world."})
        eden.next_job(duration=3.0, outcome="failed", error="provider timed out")
        sms.default_duration = 8.0

        def common(sim: Any) -> dict[str, Any]:
            timing = {"clock": clock.now, "sleep": clock.asleep} if clock is not None else {}
            return {"base_url": sim.url, "policy": BRISK, "timeout": 60.0, **timing}

        async with (
            AsyncPhraseTMS(token=tms.credential, **common(tms)) as c_tms,
            AsyncPhraseMT(token=mt.credential, **common(mt)) as c_mt,
            AsyncVeza(api_key=veza.credential, **common(veza)) as c_veza,
            AsyncEdenAI(api_key=eden.credential, **common(eden)) as c_eden,
            AsyncAlphaSMS(api_key=sms.credential, **common(sms)) as c_sms,
        ):
            segments = [f"Segment number {i} of the user manual." for i in range(1200)]
            messages = [
                Message(
                    id=i, recipient=f"+38097{i:07d}", sender="jobpoll", text=f"Order {i} shipped"
                )
                for i in range(1, 1001)
            ]
            work: list[tuple[str, str, Awaitable[Any]]] = [
                (
                    "phrase-tms",
                    "pre-translate 3 jobs",
                    c_tms.pre_translate_and_wait(
                        "simProjectUid01",
                        ["job1", "job2", "job3"],
                        on_update=board.update("pre-translate 3 jobs"),
                    ),
                ),
                (
                    "phrase-mt",
                    "translate 1,200 segments",
                    c_mt.translate_and_wait(
                        "en", "de", segments, on_update=board.update("translate 1,200 segments")
                    ),
                ),
                (
                    "veza",
                    "query spec task",
                    c_veza.run_query(
                        {"node_type": "User", "limit": 100},
                        on_update=board.update("query spec task"),
                    ),
                ),
                (
                    "edenai",
                    "speech to text",
                    c_eden.run(
                        "audio/speech_to_text_async/google",
                        {"file": "https://example.com/a.mp3"},
                        on_update=board.update("speech to text"),
                    ),
                ),
                (
                    "edenai",
                    "speech to text (fails)",
                    c_eden.run(
                        "audio/speech_to_text_async/google",
                        {"file": "https://example.com/b.mp3"},
                        on_update=board.update("speech to text (fails)"),
                    ),
                ),
                (
                    "alphasms",
                    "1,000 SMS",
                    c_sms.send_and_wait(messages, on_update=board.update("1,000 SMS")),
                ),
            ]

            async def one(vendor: str, what: str, call: Awaitable[Any]) -> Any:
                try:
                    return await call
                except Error as err:
                    board.settle(vendor, what, err)
                    return err

            hooked = _webhook_job(eden, board, clock, common(eden))
            if hooked is not None:
                work.append(("edenai", "speech to text (webhook)", hooked))

            tasks = [asyncio.ensure_future(one(v, w, c)) for v, w, c in work]
            while not all(t.done() for t in tasks):
                board.draw()
                await asyncio.wait(tasks, timeout=0.2)
            board.draw()
            results = [t.result() for t in tasks]

    out.write("\n" + board.table() + "\n\n")
    translated = results[1]
    if isinstance(translated, list):
        board.say(f"phrase-mt: {len(translated)} segments back in order; first: {translated[0]!r}")
    sms_result = results[5]
    if isinstance(sms_result, tuple):
        codes: dict[str, int] = {}
        for status in sms_result[1]:
            codes[status.name] = codes.get(status.name, 0) + 1
        summary = ", ".join(f"{n} {name}" for name, n in sorted(codes.items()))
        board.say(f"alphasms: per-message statuses: {summary}")
    _say_webhook(board, results[6] if len(results) > 6 else None)
    failed = [r for r in results if isinstance(r, Error)]
    unplanned = [r for r in failed if r.status is None or r.status.state is not JobState.FAILED]
    planned = len(failed) == 1 and not unplanned
    # Counted over the table's rows: one task (a split translation) can run several jobs.
    succeeded = sum(row.state == "succeeded" for row in board.rows.values())
    out.write("\n")
    board.say(
        f"{len(results)} tasks ran {len(board.rows)} jobs: {succeeded} succeeded, "
        f"{len(board.rows) - succeeded} failed{' on purpose' if planned else ''}. "
        f"{time.monotonic() - board.started:.1f}s in all."
    )
    return 0 if planned else 1


def _say_webhook(board: _Board, woken: object) -> None:
    if isinstance(woken, JobStatus):
        board.say(
            f"edenai: the webhook job was woken by its signed webhook: {woken.stats.attempts} "
            f"poll after {woken.stats.elapsed_s:.1f}s (without it, the first poll was due at "
            "120s)"
        )
    elif woken is None:
        board.say("edenai: the webhook job needs jobpoll[webhooks] (cryptography): skipped")


def _webhook_job(
    sim: Any, board: _Board, clock: FakeClock | None, common: dict[str, Any]
) -> Awaitable[Any] | None:
    """An Eden AI job on a client with a WebhookReceiver, and the simulator's webhooks pumped
    to the receiver; None without the cryptography package."""
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:
        return None
    from . import AsyncEdenAI, WebhookReceiver

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    sim.webhook_key = key
    sim.next_job(duration=3.0, outcome="succeeded", result={"text": "Woken by a webhook."})
    now = clock.now if clock is not None else time.monotonic
    receiver = WebhookReceiver(
        url="https://hooks.example.com/jobpoll", edenai_public_key=pem, clock=now
    )
    options = {k: v for k, v in common.items() if k != "policy"}  # the receiver's fallback
    if clock is not None:  # a fake clock moved in small steps, so the webhook can cut in
        options["sleep"] = _stepping(clock)
    what = "speech to text (webhook)"

    def post(url: str, headers: Any, body: bytes) -> int:
        return receiver.deliver(headers, body)

    async def job() -> JobStatus:
        async with AsyncEdenAI(api_key=sim.credential, webhooks=receiver, **options) as client:
            pump = asyncio.ensure_future(_pump(sim, post, clock))
            try:
                job_id = await client.submit(
                    "audio/speech_to_text_async/google", {"file": "https://example.com/c.mp3"}
                )
                return await client.wait(job_id, on_update=board.update(what))
            finally:
                pump.cancel()
                await asyncio.gather(pump, return_exceptions=True)

    return job()


async def _pump(sim: Any, post: Callable[[str, Any, bytes], int], clock: FakeClock | None) -> None:
    while True:
        sim.send_webhooks(post)
        await asyncio.sleep(0 if clock is not None else 0.02)


def _stepping(clock: FakeClock) -> Callable[[float], Awaitable[None]]:
    async def sleep(seconds: float) -> None:
        end = clock.now() + seconds
        while clock.now() < end:
            await clock.asleep(min(0.2, end - clock.now()))

    return sleep


def run_demo(out: IO[str] | None = None, *, clock: FakeClock | None = None) -> int:
    """Run the demo; returns 0 when everything went as planned (one job fails on purpose).
    ``clock``: a FakeClock shared by the simulators and the clients (tests), instead of the
    real one."""
    stream = out or sys.stdout
    width: int | None = None
    try:
        if stream.isatty():
            width = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        width = None
    live = width is not None and os.environ.get("TERM", "") not in ("", "dumb")
    return asyncio.run(_demo(stream, live=live, width=width, clock=clock))
