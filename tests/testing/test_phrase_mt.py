"""Phrase BYO MT engine simulator: every answer checked against specs/phrase-mt.yaml."""

from __future__ import annotations

import httpx
import pytest

from jobpoll.testing import FakeClock, PhraseMTSimulator

from .conftest import spec

MT = spec("phrase-mt")


def auth(sim: PhraseMTSimulator) -> dict[str, str]:
    return {"X-Api-Token": sim.token}


def request(n: int = 2, **extra: object) -> dict[str, object]:
    segments = [{"idx": i, "text": f"Hello world {i}"} for i in range(n)]
    return {"sourceLanguage": "en", "targetLanguage": "de", "segments": segments, **extra}


def test_engine_status_and_languages(phrase_mt_sim: PhraseMTSimulator, http: httpx.Client) -> None:
    sim = phrase_mt_sim
    status = http.post(f"{sim.url}/status", json={}, headers=auth(sim))
    assert MT.check("/status", "POST", status) == {"status": "ok"}
    sim.engine_status = "not_ok"
    status = http.post(f"{sim.url}/status", headers=auth(sim))
    assert MT.check("/status", "POST", status) == {"status": "not_ok"}
    languages = http.post(f"{sim.url}/languages", json={"metadata": {}}, headers=auth(sim))
    pairs = MT.check("/languages", "POST", languages)["languagePairs"]
    assert {"sourceLanguage": "en", "targetLanguage": "zh_tw"} in pairs


def test_translate_is_deterministic(phrase_mt_sim: PhraseMTSimulator, http: httpx.Client) -> None:
    sim = phrase_mt_sim
    body = request(
        glossary=[{"term": "world", "translation": "Welt"}],
        metadata={"projectUid": "p"},
    )
    response = http.post(f"{sim.url}/translate", json=body, headers=auth(sim))
    out = MT.check("/translate", "POST", response)
    assert out["segments"][1] == {
        "idx": 1,
        "text": "Hello world 1",
        "translatedText": "[de] Hello Welt 1",
    }
    assert out["metadata"] == {"projectUid": "p"}
    assert out["targetLanguage"] == "de"


def test_async_life_cycle(
    phrase_mt_sim: PhraseMTSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = phrase_mt_sim
    sim.next_job(duration=4)
    sim.next_job(duration=4, outcome="failed", error="engine exploded")
    ids = []
    for _ in range(2):
        submitted = http.post(f"{sim.url}/translateAsync", json=request(3), headers=auth(sim))
        ids.append(MT.check("/translateAsync", "POST", submitted)["id"])
    ok, bad = ids

    def status(job_id: str) -> dict[str, str]:
        response = http.get(f"{sim.url}/translateAsyncStatus/{job_id}", headers=auth(sim))
        body = MT.check("/translateAsyncStatus/{id}", "GET", response)
        assert isinstance(body, dict)
        return body

    assert status(ok) == {"status": "running", "detail": "no detail"}
    early = http.get(f"{sim.url}/translateAsyncResult/{ok}", headers=auth(sim))
    assert early.status_code == 500
    MT.check("/translateAsyncResult/{id}", "GET", early)
    fake_clock.advance(4)
    assert status(ok)["status"] == "done"
    assert status(bad) == {"status": "failed", "detail": "engine exploded"}
    result = http.get(f"{sim.url}/translateAsyncResult/{ok}", headers=auth(sim))
    translated = MT.check("/translateAsyncResult/{id}", "GET", result)
    assert [s["translatedText"] for s in translated["segments"]] == [
        f"[de] Hello world {i}" for i in range(3)
    ]
    failed = http.get(f"{sim.url}/translateAsyncResult/{bad}", headers=auth(sim))
    assert failed.status_code == 500
    assert "engine exploded" in failed.json()["error"]


def test_unknown_and_forgotten_jobs_answer_500(
    phrase_mt_sim: PhraseMTSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = phrase_mt_sim
    unknown = http.get(f"{sim.url}/translateAsyncStatus/nope", headers=auth(sim))
    assert unknown.status_code == 500
    assert (
        "No translation job found"
        in MT.check("/translateAsyncStatus/{id}", "GET", unknown)["error"]
    )
    job = sim.add_job(duration=1)
    fake_clock.advance(35 * 60 - 1)
    url = f"{sim.url}/translateAsyncStatus/{job}"
    assert http.get(url, headers=auth(sim)).json()["status"] == "done"
    fake_clock.advance(1)
    assert http.get(url, headers=auth(sim)).status_code == 500
    other = sim.add_job()
    sim.forget(other)
    assert http.get(f"{sim.url}/translateAsyncStatus/{other}", headers=auth(sim)).status_code == 500


def test_bad_requests(phrase_mt_sim: PhraseMTSimulator, http: httpx.Client) -> None:
    sim = phrase_mt_sim
    for path in ("/translate", "/translateAsync"):
        too_many = http.post(f"{sim.url}{path}", json=request(501), headers=auth(sim))
        assert too_many.status_code == 400
        assert "501" in MT.check(path, "POST", too_many)["error"]
        assert http.post(f"{sim.url}{path}", json=request(500), headers=auth(sim)).is_success
        pair = http.post(
            f"{sim.url}{path}", json={**request(), "targetLanguage": "xx"}, headers=auth(sim)
        )
        assert pair.status_code == 400
        missing = http.post(f"{sim.url}{path}", json={"segments": []}, headers=auth(sim))
        assert missing.status_code == 400
        MT.check(path, "POST", missing)
        garbage = http.post(f"{sim.url}{path}", content=b"{", headers=auth(sim))
        assert garbage.status_code == 400


def test_busy_engine_answers_429_with_retry_after(
    phrase_mt_sim: PhraseMTSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = phrase_mt_sim
    sim.max_running = 1
    sim.busy_retry_after = 7
    first = http.post(f"{sim.url}/translateAsync", json=request(), headers=auth(sim))
    assert first.status_code == 200
    busy = http.post(f"{sim.url}/translateAsync", json=request(), headers=auth(sim))
    assert busy.status_code == 429
    assert busy.headers["retry-after"] == "7"
    assert MT.response("/translateAsync", "post", 429) is not None
    assert "busy" in busy.json()["error"]
    fake_clock.advance(sim.default_duration)
    assert http.post(f"{sim.url}/translateAsync", json=request(), headers=auth(sim)).is_success


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Api-Token": "wrong"}, {"Authorization": "Bearer wrong"}, {"Authorization": "x"}],
)
def test_auth_refused(
    phrase_mt_sim: PhraseMTSimulator, http: httpx.Client, headers: dict[str, str]
) -> None:
    response = http.get(f"{phrase_mt_sim.url}/translateAsyncStatus/x", headers=headers)
    assert response.status_code == 401
    assert MT.check("/translateAsyncStatus/{id}", "GET", response) == {
        "error": "Unauthorized, Invalid token"
    }


def test_bearer_accepted(phrase_mt_sim: PhraseMTSimulator, http: httpx.Client) -> None:
    sim = phrase_mt_sim
    response = http.post(f"{sim.url}/status", headers={"Authorization": f"Bearer {sim.token}"})
    assert response.json() == {"status": "ok"}
