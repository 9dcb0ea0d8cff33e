"""Veza simulator: every answer checked against specs/veza.yaml."""

from __future__ import annotations

import httpx
import pytest

from jobpoll.testing import FakeClock, VezaSimulator

from .conftest import spec

VEZA = spec("veza")
POLL = "/api/v1/assessments/async_tasks/{id}"
SUBMIT = "/api/v1/assessments/query_spec:result_async_create"


def auth(sim: VezaSimulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {sim.api_key}"}


def poll(http: httpx.Client, sim: VezaSimulator, task_id: str) -> dict[str, object]:
    response = http.get(f"{sim.url}/api/v1/assessments/async_tasks/{task_id}", headers=auth(sim))
    assert response.status_code == 200
    body = VEZA.check(POLL, "GET", response)
    assert isinstance(body, dict)
    return body


def test_task_life_cycle(
    veza_sim: VezaSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = veza_sim
    ok = sim.add_job(duration=10, queued=2, result={"values": [1, 2]})
    bad = sim.add_job(duration=10, outcome="failed", error_reason="bad query", error_status=3)
    stop = sim.add_job(duration=10, outcome="canceled")
    assert poll(http, sim, ok) == {
        "id": ok,
        "state": "PENDING",
        "status": "UNKNOWN_STATUS",
        "result": None,
        "error_reason": "",
        "error_status": None,
    }
    fake_clock.advance(2)
    assert poll(http, sim, ok)["state"] == "IN_PROGRESS"
    fake_clock.advance(8)
    done = poll(http, sim, ok)
    assert (done["state"], done["status"], done["result"]) == (
        "COMPLETE",
        "SUCCEEDED",
        {"values": [1, 2]},
    )
    failed = poll(http, sim, bad)
    assert (failed["status"], failed["error_reason"], failed["error_status"]) == (
        "FAILED",
        "bad query",
        3,
    )
    assert poll(http, sim, stop)["status"] == "CANCELED"


def test_proto3_omits_defaults(
    veza_sim: VezaSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = veza_sim
    sim.emit_defaults = False
    task = sim.add_job(duration=1)
    assert poll(http, sim, task) == {"id": task, "state": "PENDING"}
    fake_clock.advance(1)
    done = poll(http, sim, task)
    assert set(done) == {"id", "state", "status", "result"}


@pytest.mark.parametrize("wrapping", ["task", "bare", "value"])
def test_submit_wrappings(veza_sim: VezaSimulator, http: httpx.Client, wrapping: str) -> None:
    sim = veza_sim
    sim.submit_wrapping = wrapping  # type: ignore[assignment]
    response = http.post(
        f"{sim.url}/api/v1/assessments/query_spec:result_async_create",
        json={"query_type": "SOURCE_TO_DESTINATION", "source_node_types": {"nodes": []}},
        headers=auth(sim),
    )
    assert response.status_code == 200
    body = VEZA.check(SUBMIT, "POST", response)
    task = body if wrapping == "bare" else body[wrapping]
    VEZA.check_schema("AsyncTask", task)
    assert task["state"] == "PENDING"
    assert task["id"] in sim.jobs
    assert sim.jobs[task["id"]].data["query_spec"]["query_type"] == "SOURCE_TO_DESTINATION"


def test_poll_value_wrapping(veza_sim: VezaSimulator, http: httpx.Client) -> None:
    sim = veza_sim
    sim.poll_wrapping = "value"
    task = sim.add_job()
    body = poll(http, sim, task)
    assert set(body) == {"value"}
    VEZA.check_schema("AsyncTask", body["value"])


def test_errors(veza_sim: VezaSimulator, http: httpx.Client) -> None:
    sim = veza_sim
    missing = http.get(f"{sim.url}/api/v1/assessments/async_tasks/nope", headers=auth(sim))
    assert missing.status_code == 404
    VEZA.check(POLL, "GET", missing)
    VEZA.check_schema("Error", missing.json())
    assert missing.json()["code"] == 5
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": sim.api_key}):
        refused = http.get(f"{sim.url}/api/v1/assessments/async_tasks/x", headers=headers)
        assert refused.status_code == 401
        VEZA.check(POLL, "GET", refused)
        VEZA.check_schema("Error", refused.json())
    bad = http.post(f"{sim.url}{SUBMIT}", content=b"[1]", headers=auth(sim))
    assert bad.status_code == 400
    VEZA.check(SUBMIT, "POST", bad)
    assert bad.json()["code"] == 3
