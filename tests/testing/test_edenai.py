"""Eden AI simulator: every answer checked against specs/edenai.yaml (OpenAPI 3.1)."""

from __future__ import annotations

import uuid

import httpx

from jobpoll.testing import EdenAISimulator, FakeClock

from .conftest import spec

EDEN = spec("edenai")
POLL = "/v3/universal-ai/async/{job_id}"
SUBMIT = "/v3/universal-ai/async"
BODY = {"model": "audio/speech_to_text_async/google", "input": {"file": "f1", "language": "en"}}


def auth(sim: EdenAISimulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {sim.api_key}"}


def poll(http: httpx.Client, sim: EdenAISimulator, job_id: str) -> dict[str, object]:
    response = http.get(f"{sim.url}/v3/universal-ai/async/{job_id}", headers=auth(sim))
    assert response.status_code == 200
    body = EDEN.check(POLL, "GET", response)
    assert isinstance(body, dict)
    return body


def test_submit_and_poll_life_cycle(
    edenai_sim: EdenAISimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = edenai_sim
    sim.next_job(duration=30, result={"text": "hi"})
    submitted = http.post(
        f"{sim.url}{SUBMIT}",
        json={**BODY, "model": "audio/speech_to_text_async/google/chirp"},
        headers=auth(sim),
    )
    assert submitted.status_code == 202
    created = EDEN.check(SUBMIT, "POST", submitted)
    assert created["status"] == "processing"
    assert created["output"] is None
    assert "error" not in created
    assert (created["feature"], created["subfeature"], created["provider"], created["model"]) == (
        "audio",
        "speech_to_text_async",
        "google",
        "chirp",
    )
    job_id = created["public_id"]
    uuid.UUID(job_id)
    assert poll(http, sim, job_id)["status"] == "processing"
    fake_clock.advance(30)
    done = poll(http, sim, job_id)
    assert (done["status"], done["output"], done["cost"]) == ("success", {"text": "hi"}, "0.0144")


def test_failure_and_cancel_read_as_fail(
    edenai_sim: EdenAISimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = edenai_sim
    bad = sim.add_job(duration=1, outcome="failed", error="provider timeout")
    gone = sim.add_job(duration=1, outcome="canceled")
    fake_clock.advance(1)
    failed = poll(http, sim, bad)
    assert failed["status"] == "fail"
    assert failed["output"] is None
    assert failed["error"] == {"type": "ProviderError", "message": "provider timeout"}
    assert poll(http, sim, gone)["status"] == "fail"


def test_original_response_when_asked(
    edenai_sim: EdenAISimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = edenai_sim
    response = http.post(
        f"{sim.url}{SUBMIT}", json={**BODY, "show_original_response": True}, headers=auth(sim)
    )
    job_id = response.json()["public_id"]
    fake_clock.advance(sim.default_duration)
    assert poll(http, sim, job_id)["original_response"] is not None


def test_validation_errors_are_422(edenai_sim: EdenAISimulator, http: httpx.Client) -> None:
    sim = edenai_sim
    malformed = http.get(f"{sim.url}/v3/universal-ai/async/not-a-uuid", headers=auth(sim))
    assert malformed.status_code == 422
    detail = EDEN.check(POLL, "GET", malformed)["detail"]
    assert detail[0]["loc"] == ["path", "job_id"]
    assert detail[0]["type"] == "uuid_parsing"
    for body in (
        {},
        {"model": "nope", "input": {}},
        {**BODY, "fallbacks": ["a/b/c"] * 4},
        {**BODY, "fallbacks": "amazon"},
        {**BODY, "fallbacks": ["amazon", "open ai/gpt-4"]},
        {"model": "a/b/c", "input": "text"},
    ):
        refused = http.post(f"{sim.url}{SUBMIT}", json=body, headers=auth(sim))
        assert refused.status_code == 422, body
        assert EDEN.check(SUBMIT, "POST", refused)["detail"]
    garbage = http.post(f"{sim.url}{SUBMIT}", content=b"{", headers=auth(sim))
    assert garbage.status_code == 422
    EDEN.check(SUBMIT, "POST", garbage)


def test_fallbacks_in_every_documented_form_are_accepted(
    edenai_sim: EdenAISimulator, http: httpx.Client
) -> None:
    body = {**BODY, "fallbacks": ["amazon", "openai/gpt-4", "text/moderation/google"]}
    accepted = http.post(f"{edenai_sim.url}{SUBMIT}", json=body, headers=auth(edenai_sim))
    assert accepted.status_code == 202
    assert EDEN.check(SUBMIT, "POST", accepted)["status"] == "processing"
    assert EDEN.errors({"$ref": "#/components/schemas/UniversalAIAsyncBody"}, body) == []


def test_unknown_job_and_bad_key(edenai_sim: EdenAISimulator, http: httpx.Client) -> None:
    sim = edenai_sim
    # The seed documents neither; the patched spec gives both the 429 error form.
    job_path = "/v3/universal-ai/async/{job_id}"
    unknown = http.get(f"{sim.url}/v3/universal-ai/async/{uuid.uuid4()}", headers=auth(sim))
    assert unknown.status_code == 404
    assert EDEN.check(job_path, "GET", unknown)["error"]["code"] == 404
    refused = http.get(
        f"{sim.url}/v3/universal-ai/async/{uuid.uuid4()}", headers={"Authorization": "Bearer x"}
    )
    assert refused.status_code == 401
    assert EDEN.check(job_path, "GET", refused)["error"]["code"] == 401
