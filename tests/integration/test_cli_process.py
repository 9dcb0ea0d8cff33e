"""The ``jobpoll`` command as real processes: ``python -m jobpoll simulate / wait / status``
(``jobpoll demo`` runs in-process on a FakeClock: test_demo.py).

These run on the real clock, so their jobs are short; the one timed-out wait is bounded by
``--timeout 0.5``.
"""

from __future__ import annotations

import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

import jobpoll
from jobpoll import _vendors
from jobpoll.testing import make_simulators, serve_all

PYTHON = sys.executable
RECORD_FIELDS = {
    "vendor",
    "job_id",
    "state",
    "progress",
    "detail",
    "attempts",
    "elapsed_s",
    "resume_token",
}


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without any jobpoll variable, plus ``values``."""
    names = {name for pair in _vendors.ENV.values() for name in pair}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(values)
    return env


def jobpoll_cli(*args: str, env: dict[str, str], timeout: float = 20) -> tuple[int, str, str]:
    """Run ``python -m jobpoll ARGS`` to the end: (exit code, stdout, stderr)."""
    done = subprocess.run(
        [PYTHON, "-m", "jobpoll", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def one_error_line(err: str, *secrets: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert lines[0].startswith("jobpoll: ") and "Traceback" not in err
    for secret in secrets:
        assert secret not in err
    return lines[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Background:
    """A ``python -m jobpoll ...`` process whose stdout lines are read as they come."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "jobpoll", *args],
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def read_until(self, marker: str, timeout: float = 15) -> list[str]:
        """Lines up to and including the first that contains ``marker``."""
        deadline = time.monotonic() + timeout
        seen: list[str] = []
        while True:
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            assert line is not None, f"the process ended first: {seen}"
            seen.append(line)
            if marker in line:
                return seen

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def exports(lines: list[str]) -> dict[str, str]:
    """The ``NAME=value`` pairs of the ``export`` lines ``jobpoll simulate`` prints."""
    found: dict[str, str] = {}
    for line in lines:
        if line.startswith("export "):
            found.update(pair.split("=", 1) for pair in line.split()[1:])
    return found


@pytest.fixture(scope="module")
def simulated_veza() -> Iterator[tuple[dict[str, str], list[str]]]:
    """``python -m jobpoll simulate veza --port P`` running: (its exports, its lines)."""
    port = free_port()
    sim = Background("simulate", "veza", "--port", str(port))
    try:
        lines = sim.read_until("Serving")
        yield exports(lines), [*lines, f"port={port}"]
    finally:
        sim.stop()


def test_simulate_prints_urls_and_credentials_then_serves(simulated_veza):
    values, lines = simulated_veza
    port = lines[-1].removeprefix("port=")

    assert values == {"VEZA_URL": f"http://127.0.0.1:{port}", "VEZA_API_KEY": "sim-veza-api-key"}
    pattern = rf"veza\s+http://127\.0\.0\.1:{port}\s+Authorization: Bearer sim-veza-api-key"
    assert any(re.match(pattern, line) for line in lines)
    with jobpoll.Veza(api_key=values["VEZA_API_KEY"], base_url=values["VEZA_URL"]) as veza:
        task_id = veza.create_query_task({"node_type": "User"})
        assert veza.status(task_id).state.value in ("queued", "running")


def test_simulate_all_five_prints_each_vendor():
    sim = Background("simulate")
    try:
        lines = sim.read_until("Serving")
    finally:
        sim.stop()

    values = exports(lines)
    for vendor, (cred, url) in _vendors.ENV.items():
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+(/web)?", values[url]), vendor
        assert values[cred].startswith("sim-"), vendor
        assert any(line.startswith(f"{vendor} ") and values[cred] in line for line in lines)


def test_status_and_a_timed_out_wait_against_jobpoll_simulate(simulated_veza):
    values, lines = simulated_veza
    # The sample job that takes a day: a loaded machine cannot make it finish first.
    task_id = next(line.split()[-1] for line in lines if "takes a day" in line)
    env = clean_env(**values)

    code, out, err = jobpoll_cli("status", "veza", task_id, "--json", env=env)
    assert code == 0, err
    assert json.loads(out)["state"] in ("queued", "running")

    started = time.monotonic()
    code, out, err = jobpoll_cli("wait", "veza", task_id, "--timeout", "0.5", "--json", env=env)
    took = time.monotonic() - started

    assert code == 3, err
    assert "not finished" in one_error_line(err, values["VEZA_API_KEY"])
    record = json.loads(out)
    assert (record["job_id"], record["error"]) == (task_id, "WaitTimeout")
    assert record["state"] in ("queued", "running")
    assert took < 4  # interpreter start-up included; the wait itself is bounded by 0.5 s


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, jobpoll.testing.Simulator]]:
    """Veza and Eden AI simulators on the real clock, served from a thread of this process."""
    with serve_all(make_simulators(["veza", "edenai"])) as sims:
        yield sims


def test_wait_json_in_a_subprocess_exits_0(served):
    veza = served["veza"]
    task_id = veza.add_job(duration=1.5, queued=1.4)  # the interpreter starts meanwhile
    env = clean_env(VEZA_URL=veza.url, VEZA_API_KEY=veza.api_key)

    code, out, err = jobpoll_cli("wait", "veza", task_id, "--json", env=env)

    assert code == 0, err
    assert err == ""
    record = json.loads(out)
    assert set(record) == RECORD_FIELDS
    assert (record["vendor"], record["job_id"], record["state"]) == ("veza", task_id, "succeeded")
    assert record["progress"] is None and record["detail"] is None
    assert record["attempts"] >= 1
    assert 0 <= record["elapsed_s"] < 5
    assert (record["attempts"] > 1) == (record["elapsed_s"] >= 0.5)  # the first sleep is 1 s


def test_failed_and_unauthorised_waits_in_a_subprocess(served):
    eden = served["edenai"]
    failed = eden.add_job(duration=0, outcome="failed", error="no speech found")
    env = clean_env(EDENAI_URL=eden.url, EDENAI_API_KEY=eden.api_key)

    code, out, err = jobpoll_cli("wait", "edenai", failed, env=env)
    assert code == 1
    assert "no speech found" in one_error_line(err, eden.api_key)

    env["EDENAI_API_KEY"] = "eden-subprocess-wrong-key"
    code, out, err = jobpoll_cli("wait", "edenai", failed, "--json", env=env)
    assert code == 6
    one_error_line(err, "eden-subprocess-wrong-key")
    assert "eden-subprocess-wrong-key" not in out


def test_usage_errors_in_a_subprocess_exit_2():
    code, out, err = jobpoll_cli("wait", "nosuchvendor", "1", env=clean_env())
    assert code == 2 and "invalid choice" in err and out == ""

    code, out, err = jobpoll_cli("wait", "veza", "t-1", env=clean_env(VEZA_URL="http://x.test"))
    assert code == 2
    assert "VEZA_API_KEY" in one_error_line(err)


def test_wait_where_nothing_listens_exits_7_fast_with_one_stderr_line():
    """Exit 7 after the retries. The command uses the client's default policy (Veza: six
    polls, about 14 s of backoff), so it needs a knob to bound the retries; and the retry
    warnings the engine logs must not reach stderr, where an error is one line."""
    env = clean_env(VEZA_API_KEY="veza-unreachable-key", VEZA_URL=f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()

    code, _, err = jobpoll_cli("wait", "veza", "t-1", "--max-retries", "1", env=env)

    assert code == 7, f"exit {code}: {err}"
    assert time.monotonic() - started < 6
    assert "Connect" in one_error_line(err, "veza-unreachable-key")
