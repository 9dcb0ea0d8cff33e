"""Serving: start/stop (sync and async), ports, several at once, recording, no leaks."""

from __future__ import annotations

import asyncio
import socket
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx
import pytest

from jobpoll.testing import (
    SIMULATORS,
    EdenAISimulator,
    FakeClock,
    Fault,
    PhraseTMSSimulator,
    VezaSimulator,
    aserve_all,
    serve_all,
)


def threads() -> set[str]:
    return {thread.name for thread in threading.enumerate()}


def test_serve_starts_fast_and_leaves_nothing(http: httpx.Client) -> None:
    before = threads()
    sim = VezaSimulator(clock=FakeClock())
    took = []
    for _ in range(5):
        started = time.perf_counter()
        with sim.serve() as served:
            assert served is sim
            assert sim.serving
            assert "jobpoll-sim-veza" in threads()
            assert veza_status(http, sim) == 404
        took.append(time.perf_counter() - started)
    assert statistics.median(took) < 0.1
    assert threads() == before
    assert not sim.serving
    with pytest.raises(RuntimeError, match="not serving"):
        _ = sim.url


def veza_status(http: httpx.Client, sim: VezaSimulator, task: str = "x") -> int:
    response = http.get(
        f"{sim.url}/api/v1/assessments/async_tasks/{task}",
        headers={"Authorization": f"Bearer {sim.api_key}"},
    )
    return response.status_code


def test_stopping_closes_the_port_and_idle_connections(http: httpx.Client) -> None:
    sim = VezaSimulator()
    with sim.serve():
        port = sim.port
        assert veza_status(http, sim) == 404  # leaves a keep-alive connection open
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass


def test_fixed_port_and_double_serve() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sim = EdenAISimulator()
    with sim.serve(port=port):
        assert sim.url == f"http://127.0.0.1:{port}"
        with pytest.raises(RuntimeError, match="already serving"), sim.serve():
            pass
        with pytest.raises(OSError, match="in use"), EdenAISimulator().serve(port=port):
            pass
    with sim.serve(port=port):  # the port is free again at once
        assert sim.port == port


def test_stop_does_not_wait_for_a_slow_request() -> None:
    sim = VezaSimulator()
    sim.fault(Fault.slow(30))
    errors: list[BaseException] = []
    with sim.serve():

        def call() -> None:
            try:
                httpx.get(f"{sim.url}/api/v1/assessments/async_tasks/x", timeout=10)
            except httpx.HTTPError as exc:
                errors.append(exc)

        caller = threading.Thread(target=call)
        caller.start()
        sim.wait_for_requests(timeout=5)
        started = time.perf_counter()
    assert time.perf_counter() - started < 2
    caller.join(5)
    assert not caller.is_alive()


async def test_aserve_on_the_running_loop() -> None:
    clock = FakeClock()
    sim = VezaSimulator(clock=clock)
    task = sim.add_job(duration=3)
    tasks_before = asyncio.all_tasks()
    async with sim.aserve(), httpx.AsyncClient() as client:
        url = f"{sim.url}/api/v1/assessments/async_tasks/{task}"
        headers = {"Authorization": f"Bearer {sim.api_key}"}
        polls = 0
        while True:
            polls += 1
            body = (await client.get(url, headers=headers)).json()
            if body["state"] == "COMPLETE":
                break
            await clock.asleep(1)
    assert (polls, clock.now(), clock.sleeps) == (4, 3.0, [1.0, 1.0, 1.0])
    await asyncio.sleep(0)
    assert asyncio.all_tasks() == tasks_before
    assert not sim.serving


async def test_aserve_drop_and_truncated() -> None:
    sim = PhraseTMSSimulator()
    job = sim.add_job()
    sim.fault(Fault.drop())
    sim.fault(Fault.truncated())
    async with sim.aserve(), httpx.AsyncClient() as client:
        url = f"{sim.url}/api2/v1/async/{job}"
        headers = {"Authorization": f"ApiToken {sim.token}"}
        for _ in range(2):
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get(url, headers=headers)
        assert (await client.get(url, headers=headers)).status_code == 200


def test_serve_all(http: httpx.Client) -> None:
    clock = FakeClock()
    before = threads()
    with serve_all(clock=clock) as sims:
        assert list(sims) == list(SIMULATORS)
        assert len({sim.port for sim in sims.values()}) == 5
        assert all(sim.clock is clock for sim in sims.values())
        assert sims["phrase-tms"].url.endswith("/web")
        assert http.post(f"{sims['alphasms'].url}/api/xml.php", content=b"x").status_code == 200
        # Phrase's reference adapter checks no token unless one is configured.
        assert http.post(f"{sims['phrase-mt'].url}/status").status_code == 200
        assert http.get(f"{sims['veza'].url}/api/v1/assessments/async_tasks/1").status_code == 401
    assert threads() == before
    with (
        pytest.raises(ValueError, match="one simulator per vendor"),
        serve_all([VezaSimulator(), VezaSimulator()]),
    ):
        pass


async def test_aserve_all() -> None:
    async with aserve_all([VezaSimulator(), EdenAISimulator()]) as sims, httpx.AsyncClient() as c:
        assert set(sims) == {"veza", "edenai"}
        response = await c.get(f"{sims['edenai'].url}/v3/universal-ai/async/x")
        assert response.status_code == 401


def test_requests_are_recorded(veza_sim: VezaSimulator, http: httpx.Client) -> None:
    sim = veza_sim
    sim.fault(503, op="submit")
    http.post(
        f"{sim.url}/api/v1/assessments/query_spec:result_async_create?dry=1&x=2",
        json={"q": 1},
        headers={"Authorization": f"Bearer {sim.api_key}", "X-Trace": "abc"},
    )
    (recorded,) = sim.requests
    assert (recorded.method, recorded.path, recorded.query, recorded.op) == (
        "POST",
        "/api/v1/assessments/query_spec:result_async_create",
        "dry=1&x=2",
        "submit",
    )
    assert recorded.params == {"dry": "1", "x": "2"}
    assert recorded.headers["x-trace"] == "abc"
    assert recorded.headers["authorization"] == f"Bearer {sim.api_key}"
    assert recorded.json() == {"q": 1}
    assert recorded.text == recorded.body.decode()
    assert recorded.fault is not None
    assert recorded.fault.status == 503
    assert recorded.time == 0.0


async def test_the_app_works_without_a_server() -> None:
    sim = EdenAISimulator()
    job = sim.add_job(duration=0)
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        response = await client.get(
            f"/v3/universal-ai/async/{job}", headers={"Authorization": f"Bearer {sim.api_key}"}
        )
    assert response.json()["status"] == "success"


def test_job_helpers() -> None:
    clock = FakeClock()
    sim = VezaSimulator(clock=clock, default_duration=10)
    job = sim.add_job()
    assert (sim.phase(job), sim.progress(job)) == ("queued", 0.0)
    clock.advance(5.5)
    assert (sim.phase(job), sim.progress(job)) == ("running", 0.5)
    clock.advance(4.5)
    assert (sim.phase(job), sim.progress(job)) == ("succeeded", 1.0)
    sim.forget(job)
    with pytest.raises(KeyError):
        sim.forget(job)
    with pytest.raises(ValueError, match="outcome"):
        sim.add_job(outcome="exploded")  # type: ignore[arg-type]
    assert VezaSimulator(seed=1).uuid() == VezaSimulator(seed=1).uuid()
    assert VezaSimulator(seed=1).uuid() != VezaSimulator(seed=2).uuid()


def test_next_job_plans_apply_in_order(veza_sim: VezaSimulator, http: httpx.Client) -> None:
    sim = veza_sim
    sim.next_job(duration=1, outcome="failed", times=2)
    sim.next_job(duration=2, outcome="canceled")
    url = f"{sim.url}/api/v1/assessments/query_spec:result_async_create"
    headers = {"Authorization": f"Bearer {sim.api_key}"}
    ids = [http.post(url, json={}, headers=headers).json()["task"]["id"] for _ in range(4)]
    assert [(sim.jobs[i].duration, sim.jobs[i].outcome) for i in ids] == [
        (1, "failed"),
        (1, "failed"),
        (2, "canceled"),
        (5, "succeeded"),
    ]


BLOCKER = textwrap.dedent(
    """
    import sys

    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("starlette", "uvicorn"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Block())
    """
)


def test_importable_without_the_testing_extra(tmp_path: Path) -> None:
    script = BLOCKER + textwrap.dedent(
        """
        import jobpoll.testing as testing
        import jobpoll.testing.plugin
        assert "starlette" not in sys.modules and "uvicorn" not in sys.modules
        clock = testing.FakeClock()
        testing.Fault.http(503)
        try:
            testing.VezaSimulator
        except ImportError as exc:
            print("refused:", exc)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert "refused: the jobpoll simulators need the 'testing' extra" in done.stdout


def test_fixture_without_the_testing_extra_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(BLOCKER)
    (tmp_path / "test_user.py").write_text(
        "def test_clock(fake_clock):\n    fake_clock.sleep(1)\n\n"
        "def test_sim(veza_sim):\n    pass\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
    )
    assert "1 passed, 1 error" in done.stdout, done.stdout
    assert "needs the 'testing' extra" in done.stdout or "need the 'testing' extra" in done.stdout


def test_serve_forever_describes_and_stops(http: httpx.Client) -> None:
    import io

    from jobpoll.testing import serve_forever

    out = io.StringIO()
    stop = threading.Event()
    runner = threading.Thread(
        target=serve_forever, args=(["veza", "alphasms"],), kwargs={"out": out, "stop": stop}
    )
    runner.start()
    deadline = time.monotonic() + 5
    while "Ctrl+C" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    text = out.getvalue()
    stop.set()
    runner.join(5)
    assert not runner.is_alive()
    veza_line = next(line for line in text.splitlines() if line.startswith("veza "))
    url = veza_line.split()[1]
    assert "Authorization: Bearer sim-veza-api-key" in veza_line
    assert f"export VEZA_URL={url} VEZA_API_KEY=sim-veza-api-key" in text
    assert '<package key="sim-alphasms-key">' in text
    with pytest.raises(httpx.ConnectError):
        http.get(url)
    with pytest.raises(ValueError, match="unknown vendor"):
        serve_forever(["nope"])


async def test_drop_without_a_server_raises_in_the_app() -> None:
    from jobpoll.testing._replies import SimulatedDisconnect

    sim = VezaSimulator()
    sim.fault("drop")
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        with pytest.raises(SimulatedDisconnect):
            await client.get("/api/v1/assessments/async_tasks/x")


def test_wait_for_requests_returns_the_matching_ones_as_they_arrive(http: httpx.Client) -> None:
    sim = VezaSimulator(clock=FakeClock())
    with sim.serve():
        caller = threading.Thread(target=lambda: [veza_status(http, sim, t) for t in "abc"])
        caller.start()
        seen = sim.wait_for_requests(lambda r: r.path.endswith(("/a", "/c")), count=2)
        caller.join(5)
        assert [r.path[-1] for r in seen] == ["a", "c"]
        started = time.monotonic()
        with pytest.raises(TimeoutError, match="0 of 1 requests"):
            sim.wait_for_requests(lambda r: r.path.endswith("/z"), timeout=0.05)
        assert time.monotonic() - started < 1.0
