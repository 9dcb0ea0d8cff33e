"""A wait on Temporal runs to each outcome, against a real dev server and the Veza simulator
on the real clock; errors surface in the workflow as the same jobpoll errors, and no
credential reaches the workflow's history."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from temporalio.client import Client

from jobpoll import temporal
from jobpoll.testing import Fault, VezaSimulator

from ._worker import env_name
from .conftest import leaked

pytestmark = pytest.mark.slow

CANARY = "CANARY-veza-key-5c1d9e"
BOUND = 20.0  # seconds: each wait here ends in a few


@pytest.fixture(scope="module")
def veza() -> Iterator[VezaSimulator]:
    sim = VezaSimulator(api_key=CANARY)
    with sim.serve():
        yield sim


@pytest.fixture(scope="module")
def worker(temporal_server: str, veza: VezaSimulator) -> Iterator[Any]:
    from .conftest import WorkerProcess

    env = {env_name("veza", "URL"): veza.url, env_name("veza", "KEY"): CANARY}
    proc = WorkerProcess(temporal_server, env, "veza", "--inline", "0.5")
    yield proc
    proc.stop()


async def probe(address: str, job_id: str, timeout: float = 10.0) -> tuple[dict[str, Any], Any]:
    client = await Client.connect(address)
    began = time.monotonic()
    handle = await client.start_workflow(
        "jobpoll.tests.Probe",
        args=["veza", job_id, timeout],
        id=f"probe-{uuid.uuid4()}",
        task_queue=temporal.WORKFLOW_QUEUE,
    )
    out = await asyncio.wait_for(handle.result(), BOUND)
    assert time.monotonic() - began < BOUND
    return out, handle


async def test_succeeded(temporal_server, veza, worker):
    job = veza.add_job(duration=1.5)

    out, handle = await probe(temporal_server, job)

    assert out == {"raised": None, "state": "succeeded", "attempts": out["attempts"]}
    assert out["attempts"] >= 2
    polls = [r for r in veza.requests if r.op == "poll" and job in r.path]
    assert len(polls) == out["attempts"]
    history = (await handle.fetch_history()).to_json()
    assert leaked(history, CANARY) is None, leaked(history, CANARY)
    assert '"data"' in history  # payloads are there to look into
    assert job in history


@pytest.mark.parametrize(
    ("outcome", "raised"), [("failed", "JobFailed"), ("canceled", "JobCanceled")]
)
async def test_failed_and_canceled(temporal_server, veza, worker, outcome, raised):
    job = veza.add_job(duration=0.5, outcome=outcome)

    out, handle = await probe(temporal_server, job)

    assert out["raised"] == raised and out["is_jobpoll"]
    assert (out["vendor"], out["job_id"]) == ("veza", job)
    assert leaked((await handle.fetch_history()).to_json(), CANARY) is None


async def test_not_found(temporal_server, veza, worker):
    out, _ = await probe(temporal_server, "no-such-task")

    assert (out["raised"], out["vendor"], out["job_id"]) == ("JobNotFound", "veza", "no-such-task")


async def test_auth_error(temporal_server, veza, worker):
    job = veza.add_job(duration=5)
    veza.fault(Fault.http(401), times=1, op="poll")

    out, handle = await probe(temporal_server, job)

    assert (out["raised"], out["job_id"]) == ("AuthError", job)
    history = (await handle.fetch_history()).to_json()
    assert leaked(history, CANARY) is None and "AuthError" in history


async def test_deadline(temporal_server, veza, worker):
    job = veza.add_job(duration=60)
    began = time.monotonic()

    out, handle = await probe(temporal_server, job, timeout=2.0)

    assert (out["raised"], out["job_id"]) == ("WaitTimeout", job)
    assert 1.5 < time.monotonic() - began < 2.0 + temporal.GRACE.total_seconds()
    assert leaked((await handle.fetch_history()).to_json(), CANARY) is None


def test_the_leak_check_looks_inside_payloads():
    import base64
    import json

    inside = base64.b64encode(json.dumps({"key": CANARY}).encode()).decode()
    assert leaked(json.dumps({"payloads": [{"data": inside}]}), CANARY) is not None
    assert leaked(json.dumps({"message": f"x {CANARY} y"}), CANARY) is not None
    assert (
        leaked(json.dumps({"payloads": [{"data": base64.b64encode(b"ok").decode()}]}), CANARY)
        is None
    )
