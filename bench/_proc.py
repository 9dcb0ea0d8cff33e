"""Other processes the benchmarks talk to with JSON lines: servers, simulators, the watcher.

Each is ``python -m <module>`` run from the repository root. It prints a JSON line when it is
ready; after that the two sides exchange one JSON object per line. Closing its stdin tells it
to stop; one that has not stopped 10 s later is killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ._common import ROOT


class Proc:
    def __init__(self, popen: subprocess.Popen[str]) -> None:
        self.popen = popen
        self.facts: dict[str, Any] = {}

    def send(self, obj: object) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.write(json.dumps(obj, separators=(",", ":")) + "\n")
        self.popen.stdin.flush()

    def recv(self) -> dict[str, Any]:
        assert self.popen.stdout is not None
        line = self.popen.stdout.readline()
        if not line:
            code = self.popen.wait()
            raise RuntimeError(f"{self.popen.args[2]} ended (exit code {code}) without answering")
        reply: dict[str, Any] = json.loads(line)
        return reply


@contextlib.contextmanager
def spawn(args: Sequence[str], *, env: Mapping[str, str] | None = None) -> Iterator[Proc]:
    """Start ``python -m <args>``; yield it once it has printed its first line (``.facts``)."""
    popen = subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    proc = Proc(popen)
    try:
        proc.facts = proc.recv()
        yield proc
    finally:
        _stop(popen)


@contextlib.contextmanager
def spawn_all(argss: Sequence[Sequence[str]]) -> Iterator[list[Proc]]:
    """Start several at once (they boot in parallel); yield them all once all are ready."""
    with contextlib.ExitStack() as stack:
        popens = [
            subprocess.Popen(
                [sys.executable, "-m", *args],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for args in argss
        ]
        procs = []
        for popen in popens:
            stack.callback(_stop, popen)
            procs.append(Proc(popen))
        for proc in procs:
            proc.facts = proc.recv()
        yield procs


def _stop(popen: subprocess.Popen[str]) -> None:
    with contextlib.suppress(OSError):
        assert popen.stdin is not None
        popen.stdin.close()
    try:
        popen.wait(timeout=10)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait()
    assert popen.stdout is not None
    popen.stdout.close()
