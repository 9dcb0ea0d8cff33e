"""``jobpoll demo``: the five simulators, and a realistic piece of work on each, at once.

Everything goes through the public SDK, over real HTTP on 127.0.0.1, on the real clock. The
simulated jobs take seconds, so the demo polls with a brisk policy instead of each vendor's
patient default (which is tuned for jobs that take minutes).
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import IO, Any

import attrs

from ._cli._text import progress_bar
from ._errors import Error
from ._policy import PollPolicy
from ._status import JobState, JobStatus

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


class _Board:
    """Live progress bars: redrawn in place on a terminal, one line per change otherwise."""

    def __init__(self, out: IO[str], live: bool) -> None:
        self.out = out
        self.live = live
        self.rows: dict[tuple[str, str], _Row] = {}
        self.drawn = 0
        self.started = time.monotonic()

    def update(self, what: str) -> Callable[[JobStatus], None]:
        def on_update(status: JobStatus) -> None:
            row = self.rows.setdefault(
                (status.vendor, status.job_id), _Row(status.vendor, status.job_id, what)
            )
            row.state, row.progress = status.state.value, status.progress
            row.polls, row.retries = status.stats.attempts, status.stats.transient_failures
            row.elapsed = status.stats.elapsed_s
            if not self.live:
                self.out.write(self._line(row) + "\n")

        return on_update

    def settle(self, vendor: str, what: str, err: Error) -> None:
        status = err.status
        key = (vendor, err.job_id or "-")
        row = self.rows.setdefault(key, _Row(vendor, err.job_id or "-", what))
        row.state = "failed" if status is None else status.state.value
        if status is not None:
            row.polls, row.retries = status.stats.attempts, status.stats.transient_failures
            row.elapsed = status.stats.elapsed_s
        row.note = f"{type(err).__name__}: {err.message}"
        if not self.live:
            self.out.write(self._line(row) + "\n")

    @staticmethod
    def _line(row: _Row) -> str:
        bar = progress_bar(row.progress)
        return (
            f"{row.vendor:<11} {row.job[:36]:<36} {row.what:<28} {row.state:<10} {bar:<27} "
            f"polls={row.polls}"
        )

    def draw(self) -> None:
        if not self.live:
            return
        lines = [self._line(r) for r in self.rows.values()]
        up = f"\x1b[{self.drawn}F" if self.drawn else ""
        self.out.write(up + "".join(f"\x1b[2K{line}\n" for line in lines))
        self.out.flush()
        self.drawn = len(lines)

    def table(self) -> str:
        head = f"{'vendor':<11} {'job':<36} {'what':<28} {'final':<10} polls retries elapsed"
        lines = [head, "-" * len(head)]
        for r in self.rows.values():
            lines.append(
                f"{r.vendor:<11} {r.job[:36]:<36} {r.what:<28} {r.state:<10} {r.polls:>5} "
                f"{r.retries:>7} {r.elapsed:>6.1f}s"
            )
            if r.note:
                lines.append(f"{'':<11} -> {r.note}")
        return "\n".join(lines)


async def _demo(out: IO[str], live: bool) -> int:
    from . import (
        AsyncAlphaSMS,
        AsyncEdenAI,
        AsyncPhraseMT,
        AsyncPhraseTMS,
        AsyncVeza,
        Message,
    )
    from .testing import Fault, aserve_all

    board = _Board(out, live)
    async with aserve_all() as sims:
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
            return {"base_url": sim.url, "policy": BRISK, "timeout": 60.0}

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

            tasks = [asyncio.ensure_future(one(v, w, c)) for v, w, c in work]
            while not all(t.done() for t in tasks):
                board.draw()
                await asyncio.wait(tasks, timeout=0.2)
            board.draw()
            results = [t.result() for t in tasks]

    out.write("\n" + board.table() + "\n\n")
    translated = results[1]
    if isinstance(translated, list):
        out.write(
            f"phrase-mt: {len(translated)} segments back in order; first: {translated[0]!r}\n"
        )
    sms_result = results[5]
    if isinstance(sms_result, tuple):
        codes: dict[str, int] = {}
        for status in sms_result[1]:
            codes[status.name] = codes.get(status.name, 0) + 1
        summary = ", ".join(f"{n} {name}" for name, n in sorted(codes.items()))
        out.write(f"alphasms: per-message statuses: {summary}\n")
    failed = [r for r in results if isinstance(r, Error)]
    out.write(
        f"\n{len(results) - len(failed)} of {len(results)} jobs succeeded; "
        f"{len(failed)} failed as planned (the demo sets one up to fail). "
        f"{time.monotonic() - board.started:.1f}s in all.\n"
    )
    expected = [r for r in failed if r.status is None or r.status.state is not JobState.FAILED]
    return 0 if len(failed) == 1 and not expected else 1


def run_demo(out: IO[str] | None = None) -> int:
    """Run the demo; returns 0 when everything went as planned (one job fails on purpose)."""
    stream = out or sys.stdout
    return asyncio.run(_demo(stream, live=stream.isatty()))
