"""Phrase BYO MT engine simulator, in both modes: the reference adapter's behaviour (default)
and the strict spec; every JSON answer checked against specs/phrase-mt.yaml."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest

from jobpoll.testing import FakeClock, PhraseMTSimulator

from .conftest import spec

MT = spec("phrase-mt")


@pytest.fixture(params=["reference", "spec"])
def sim(request: pytest.FixtureRequest, fake_clock: FakeClock) -> Iterator[PhraseMTSimulator]:
    """A served simulator in each mode."""
    with PhraseMTSimulator(clock=fake_clock, mode=request.param).serve() as served:
        yield served


@pytest.fixture
def ref(fake_clock: FakeClock) -> Iterator[PhraseMTSimulator]:
    with PhraseMTSimulator(clock=fake_clock).serve() as served:
        yield served


@pytest.fixture
def strict(fake_clock: FakeClock) -> Iterator[PhraseMTSimulator]:
    with PhraseMTSimulator(clock=fake_clock, mode="spec").serve() as served:
        yield served


def auth(sim: PhraseMTSimulator) -> dict[str, str]:
    return {"X-Api-Token": sim.token}


def request(n: int = 2, **extra: object) -> dict[str, object]:
    segments = [{"idx": i, "text": f"Hello world {i}"} for i in range(n)]
    return {"sourceLanguage": "en", "targetLanguage": "de", "segments": segments, **extra}


def test_the_default_is_the_reference_adapter() -> None:
    sim = PhraseMTSimulator()
    assert (sim.mode, sim.check_auth) == ("reference", False)
    assert PhraseMTSimulator("t").check_auth
    assert PhraseMTSimulator(mode="spec").check_auth
    with pytest.raises(ValueError, match="mode"):
        PhraseMTSimulator(mode="strict")  # type: ignore[arg-type]


def test_engine_status_and_languages(sim: PhraseMTSimulator, http: httpx.Client) -> None:
    status = http.post(f"{sim.url}/status", json={}, headers=auth(sim))
    assert MT.check("/status", "POST", status) == {"status": "ok"}
    sim.engine_status = "not_ok"
    status = http.post(f"{sim.url}/status", headers=auth(sim))
    assert MT.check("/status", "POST", status) == {"status": "not_ok"}
    languages = http.post(f"{sim.url}/languages", json={"metadata": {}}, headers=auth(sim))
    pairs = MT.check("/languages", "POST", languages)["languagePairs"]
    assert {"sourceLanguage": "en", "targetLanguage": "zh_tw"} in pairs


def test_reference_writes_nulls_and_echoes_idx_as_a_string(
    ref: PhraseMTSimulator, http: httpx.Client
) -> None:
    body = request(glossary=[{"term": "world", "translation": "Welt"}])
    body["segments"] = [{"idx": 0, "text": "Hello world"}, {"text": "Bye", "metadata": {"k": 1}}]
    out = MT.check("/translate", "POST", http.post(f"{ref.url}/translate", json=body))
    assert out["segments"] == [
        {"idx": "0", "text": "Hello world", "translatedText": "[de] Hello Welt", "metadata": None},
        {"idx": None, "text": "Bye", "translatedText": "[de] Bye", "metadata": {"k": 1}},
    ]
    assert out["metadata"] is None
    with_meta = http.post(f"{ref.url}/translate", json=request(metadata={"projectUid": "p"}))
    assert MT.check("/translate", "POST", with_meta)["metadata"] == {"projectUid": "p"}


def test_spec_mode_omits_what_was_not_sent(strict: PhraseMTSimulator, http: httpx.Client) -> None:
    body = request(
        glossary=[{"term": "world", "translation": "Welt"}],
        metadata={"projectUid": "p"},
    )
    response = http.post(f"{strict.url}/translate", json=body, headers=auth(strict))
    out = MT.check("/translate", "POST", response)
    assert out["segments"][1] == {
        "idx": 1,
        "text": "Hello world 1",
        "translatedText": "[de] Hello Welt 1",
    }
    assert out["metadata"] == {"projectUid": "p"}
    assert out["targetLanguage"] == "de"
    plain = http.post(f"{strict.url}/translate", json=request(), headers=auth(strict)).json()
    assert "metadata" not in plain


def _submit(sim: PhraseMTSimulator, http: httpx.Client, n: int = 3) -> str:
    submitted = http.post(f"{sim.url}/translateAsync", json=request(n), headers=auth(sim))
    job_id = MT.check("/translateAsync", "POST", submitted)["id"]
    assert isinstance(job_id, str)
    return job_id


def _status(sim: PhraseMTSimulator, http: httpx.Client, job_id: str) -> dict[str, str]:
    response = http.get(f"{sim.url}/translateAsyncStatus/{job_id}", headers=auth(sim))
    body = MT.check("/translateAsyncStatus/{id}", "GET", response)
    assert isinstance(body, dict)
    return body


def test_async_life_cycle(
    sim: PhraseMTSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim.next_job(duration=4)
    sim.next_job(duration=4, outcome="failed", error="engine exploded")
    ok, bad = _submit(sim, http), _submit(sim, http)
    assert _status(sim, http, ok) == {"status": "running", "detail": "no detail"}
    fake_clock.advance(4)
    assert _status(sim, http, ok) == {"status": "done", "detail": "completed successfully"}
    assert _status(sim, http, bad) == {"status": "failed", "detail": "engine exploded"}
    result = http.get(f"{sim.url}/translateAsyncResult/{ok}", headers=auth(sim))
    translated = MT.check("/translateAsyncResult/{id}", "GET", result)
    assert [s["translatedText"] for s in translated["segments"]] == [
        f"[de] Hello world {i}" for i in range(3)
    ]
    failed = http.get(f"{sim.url}/translateAsyncResult/{bad}", headers=auth(sim))
    if sim.mode == "reference":  # a null TranslateResponse: 200 with nothing in it
        assert (failed.status_code, failed.content) == (200, b"")
    else:
        assert failed.status_code == 500
        assert "engine exploded" in MT.check("/translateAsyncResult/{id}", "GET", failed)["error"]


def test_reference_holds_the_result_of_an_unfinished_job(
    ref: PhraseMTSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    job_id = _submit(ref, http)
    url = f"{ref.url}/translateAsyncResult/{job_id}"
    with pytest.raises(httpx.ReadTimeout):  # held, not refused
        http.get(url, timeout=0.3)
    got: list[httpx.Response] = []
    fetch = threading.Thread(target=lambda: got.append(http.get(url, timeout=5)))
    fetch.start()
    fetch.join(0.3)
    assert fetch.is_alive()  # still held while the job runs
    fake_clock.advance(ref.default_duration)
    fetch.join(5)
    assert not fetch.is_alive()
    translated = MT.check("/translateAsyncResult/{id}", "GET", got[0])
    assert [s["idx"] for s in translated["segments"]] == ["0", "1", "2"]


def test_spec_mode_refuses_the_result_of_an_unfinished_job(
    strict: PhraseMTSimulator, http: httpx.Client
) -> None:
    job_id = _submit(strict, http)
    early = http.get(f"{strict.url}/translateAsyncResult/{job_id}", headers=auth(strict))
    assert early.status_code == 500
    assert "not finished" in MT.check("/translateAsyncResult/{id}", "GET", early)["error"]


def test_unknown_and_forgotten_jobs_answer_500(
    sim: PhraseMTSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    unknown = http.get(f"{sim.url}/translateAsyncStatus/nope", headers=auth(sim))
    assert unknown.status_code == 500
    assert MT.check("/translateAsyncStatus/{id}", "GET", unknown) == {
        "error": "Application error: No translation job found with id 'nope', null"
    }
    job = sim.add_job(duration=10)
    fake_clock.advance(10 + 35 * 60 - 1)  # forgotten 35 minutes after it ended
    url = f"{sim.url}/translateAsyncStatus/{job}"
    assert http.get(url, headers=auth(sim)).json()["status"] == "done"
    fake_clock.advance(1)
    assert http.get(url, headers=auth(sim)).status_code == 500
    result = http.get(f"{sim.url}/translateAsyncResult/{job}", headers=auth(sim))
    assert "No translation job found" in result.json()["error"]
    other = sim.add_job()
    sim.forget(other)
    assert http.get(f"{sim.url}/translateAsyncStatus/{other}", headers=auth(sim)).status_code == 500


BAD = [
    # (what, body, strict 400 text, reference 500 text)
    (
        "unknown locale",
        {**request(), "targetLanguage": "xx"},
        "Unknown locale",
        "not a valid Phrase locale",
    ),
    (
        "unsupported pair",
        {**request(), "sourceLanguage": "de", "targetLanguage": "cs"},
        "Unsupported language pair de -> cs",
        "Unsupported language pair de -> cs",
    ),
    ("missing fields", {"segments": []}, "sourceLanguage is required", '"sourceLanguage" is null'),
]


@pytest.mark.parametrize("path", ["/translate", "/translateAsync"])
@pytest.mark.parametrize(("what", "body", "spec_text", "reference_text"), BAD)
def test_bad_requests(
    sim: PhraseMTSimulator,
    http: httpx.Client,
    path: str,
    what: str,
    body: dict[str, object],
    spec_text: str,
    reference_text: str,
) -> None:
    response = http.post(f"{sim.url}{path}", json=body, headers=auth(sim))
    said = MT.check(path, "POST", response)["error"]
    if sim.mode == "reference":
        assert response.status_code == 500
        assert said.startswith("Application error: ") and said.endswith(", null")
        assert reference_text in said
    else:
        assert response.status_code == 400
        assert spec_text in said
    assert not sim.jobs


@pytest.mark.parametrize("path", ["/translate", "/translateAsync"])
def test_unreadable_bodies(sim: PhraseMTSimulator, http: httpx.Client, path: str) -> None:
    garbage = http.post(f"{sim.url}{path}", content=b"{", headers=auth(sim))
    empty = http.post(f"{sim.url}{path}", headers=auth(sim))
    if sim.mode == "reference":
        assert garbage.status_code == empty.status_code == 500
        assert "JSON parse error" in garbage.json()["error"]
        assert "Required request body is missing" in empty.json()["error"]
    else:
        assert garbage.status_code == empty.status_code == 400


def test_segment_limit_only_in_spec_mode(sim: PhraseMTSimulator, http: httpx.Client) -> None:
    response = http.post(f"{sim.url}/translate", json=request(501), headers=auth(sim))
    if sim.mode == "reference":  # the adapter does not count (it asks engines to take 500)
        assert len(MT.check("/translate", "POST", response)["segments"]) == 501
    else:
        assert response.status_code == 400
        assert "501" in MT.check("/translate", "POST", response)["error"]
    assert http.post(f"{sim.url}/translate", json=request(500), headers=auth(sim)).is_success


def test_busy_engine_answers_429(
    sim: PhraseMTSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim.max_running = 1
    sim.busy_retry_after = 7
    _submit(sim, http)
    busy = http.post(f"{sim.url}/translateAsync", json=request(), headers=auth(sim))
    assert busy.status_code == 429
    assert MT.response("/translateAsync", "post", 429) is not None
    assert "busy" in busy.json()["error"]
    assert len(sim.jobs) == 1  # no job was created
    if sim.mode == "reference":
        assert "retry-after" not in busy.headers
    else:
        assert busy.headers["retry-after"] == "7"
    fake_clock.advance(sim.default_duration)
    assert http.post(f"{sim.url}/translateAsync", json=request(), headers=auth(sim)).is_success


WRONG = [{}, {"X-Api-Token": "wrong"}, {"Authorization": "Bearer wrong"}, {"Authorization": "x"}]


@pytest.mark.parametrize("headers", WRONG)
def test_spec_mode_refuses_bad_credentials_with_401(
    strict: PhraseMTSimulator, http: httpx.Client, headers: dict[str, str]
) -> None:
    response = http.get(f"{strict.url}/translateAsyncStatus/x", headers=headers)
    assert response.status_code == 401
    assert MT.check("/translateAsyncStatus/{id}", "GET", response) == {
        "error": "Unauthorized, Invalid token"
    }


@pytest.mark.parametrize("headers", WRONG)
def test_reference_checks_no_credential_by_default(
    ref: PhraseMTSimulator, http: httpx.Client, headers: dict[str, str]
) -> None:
    assert http.post(f"{ref.url}/status", headers=headers).json() == {"status": "ok"}


@pytest.mark.parametrize("headers", WRONG)
def test_reference_with_a_token_answers_500_not_authenticated(
    fake_clock: FakeClock, http: httpx.Client, headers: dict[str, str]
) -> None:
    with PhraseMTSimulator("engine-token", clock=fake_clock).serve() as sim:
        refused = http.post(f"{sim.url}/status", headers=headers)
        assert refused.status_code == 500
        assert MT.check("/status", "POST", refused) == {
            "error": "Application error: Not authenticated, null"
        }
        assert http.post(f"{sim.url}/status", headers=auth(sim)).is_success


def test_configuring_a_credential_turns_the_check_on(
    ref: PhraseMTSimulator, http: httpx.Client
) -> None:
    old = ref.token
    new = ref.rotate()
    assert ref.check_auth
    assert http.post(f"{ref.url}/status", headers={"X-Api-Token": old}).status_code == 500
    assert http.post(f"{ref.url}/status", headers={"X-Api-Token": new}).is_success


def test_bearer_accepted(sim: PhraseMTSimulator, http: httpx.Client) -> None:
    response = http.post(f"{sim.url}/status", headers={"Authorization": f"Bearer {sim.token}"})
    assert response.json() == {"status": "ok"}
