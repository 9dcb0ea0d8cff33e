"""Phrase TMS simulator: every answer checked against specs/phrase-tms.yaml."""

from __future__ import annotations

import httpx

from jobpoll.testing import FakeClock, PhraseTMSSimulator

from .conftest import spec

TMS = spec("phrase-tms")
POLL = "/api2/v1/async/{asyncRequestId}"
LIST = "/api2/v1/async"
LIMITS = "/api2/v1/async/status"
SUBMIT = "/api2/v2/projects/{projectUid}/jobs/preTranslate"
LOGIN = "/api2/v1/auth/login"


def auth(sim: PhraseTMSSimulator, scheme: str = "ApiToken") -> dict[str, str]:
    return {"Authorization": f"{scheme} {sim.token}"}


def test_url_is_under_web(phrase_tms_sim: PhraseTMSSimulator) -> None:
    assert phrase_tms_sim.url.endswith("/web")
    assert phrase_tms_sim.url.startswith("http://127.0.0.1:")


def test_poll_life_cycle(
    phrase_tms_sim: PhraseTMSSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = phrase_tms_sim
    ok = sim.add_job(duration=10, warnings=[{"code": "W1", "message": "hm", "args": {"n": "1"}}])
    bad = sim.add_job(duration=10, outcome="failed", error_desc="no TM")
    gone = sim.add_job(duration=10, outcome="canceled", project_uid=None, action="IMPORT_TMX")

    def poll(job_id: str) -> dict[str, object]:
        response = http.get(f"{sim.url}/api2/v1/async/{job_id}", headers=auth(sim))
        assert response.status_code == 200
        body = TMS.check(POLL, "GET", response)
        assert isinstance(body, dict)
        return body

    pending = poll(ok)
    assert pending["asyncResponse"] is None
    assert pending["id"] == ok
    assert pending["action"] == "PRE_TRANSLATE"
    assert poll(gone)["project"] is None
    fake_clock.advance(5)
    assert poll(ok)["asyncResponse"] is None
    fake_clock.advance(5)
    done = poll(ok)["asyncResponse"]
    assert isinstance(done, dict)
    assert "errorCode" not in done
    assert done["warnings"] == [{"code": "W1", "message": "hm", "args": {"n": "1"}}]
    failed = poll(bad)["asyncResponse"]
    assert isinstance(failed, dict)
    assert failed["errorCode"] == "PreTranslateFailed"
    assert failed["errorDesc"] == "no TM"
    assert failed["errorDetails"][0]["code"] == "PreTranslateFailed"
    canceled = poll(gone)["asyncResponse"]
    assert isinstance(canceled, dict)
    assert canceled["errorCode"] == "Canceled"


def test_submit_list_and_limits(
    phrase_tms_sim: PhraseTMSSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = phrase_tms_sim
    sim.next_job(duration=100)
    response = http.post(
        f"{sim.url}/api2/v2/projects/projA/jobs/preTranslate",
        json={"jobs": [{"uid": "job1"}, {"uid": "job2"}]},
        headers=auth(sim, "Bearer"),
    )
    assert response.status_code == 202
    created = TMS.check(SUBMIT, "POST", response)
    request = created["asyncRequest"]
    assert request["action"] == "PRE_TRANSLATE"
    assert sim.jobs[request["id"]].duration == 100
    assert sim.jobs[request["id"]].data["project_uid"] == "projA"
    for _ in range(3):
        sim.add_job(duration=50)
    sim.add_job(duration=0)  # finished at once: not pending

    page = http.get(f"{sim.url}/api2/v1/async?pageNumber=1&pageSize=3", headers=auth(sim))
    body = TMS.check(LIST, "GET", page)
    assert body["totalElements"] == 4
    assert body["totalPages"] == 2
    assert body["numberOfElements"] == 1
    assert body["content"][0]["asyncResponse"] is None

    limits = http.get(f"{sim.url}/api2/v1/async/status", headers=auth(sim))
    assert TMS.check(LIMITS, "GET", limits) == {"concurrentRequests": {"limit": 200, "count": 4}}
    fake_clock.advance(60)
    limits = http.get(f"{sim.url}/api2/v1/async/status", headers=auth(sim))
    assert limits.json()["concurrentRequests"]["count"] == 1

    sim.async_limit = None
    limits = http.get(f"{sim.url}/api2/v1/async/status", headers=auth(sim))
    assert TMS.check(LIMITS, "GET", limits)["concurrentRequests"]["limit"] is None


def test_async_limit_refuses_submits(
    phrase_tms_sim: PhraseTMSSimulator, http: httpx.Client
) -> None:
    sim = phrase_tms_sim
    sim.async_limit = 3
    sim.other_pending = 2
    sim.add_job(duration=60)
    limits = http.get(f"{sim.url}/api2/v1/async/status", headers=auth(sim)).json()
    assert limits == {"concurrentRequests": {"limit": 3, "count": 3}}
    url = f"{sim.url}/api2/v2/projects/p/jobs/preTranslate"
    refused = http.post(url, json={"jobs": [{"uid": "j"}]}, headers=auth(sim))
    assert refused.status_code == 429
    TMS.check(SUBMIT, "POST", refused)
    assert refused.json()["errorCode"] == "TooManyRequests"
    assert len(sim.jobs) == 1
    sim.other_pending = 0
    assert http.post(url, json={"jobs": [{"uid": "j"}]}, headers=auth(sim)).status_code == 202


def test_errors(phrase_tms_sim: PhraseTMSSimulator, http: httpx.Client) -> None:
    sim = phrase_tms_sim
    missing = http.get(f"{sim.url}/api2/v1/async/123456", headers=auth(sim))
    assert missing.status_code == 404
    TMS.check(POLL, "GET", missing)
    assert missing.json()["errorCode"] == "NotFound"
    bad_id = http.get(f"{sim.url}/api2/v1/async/abc", headers=auth(sim))
    assert bad_id.status_code == 400
    bad_page = http.get(f"{sim.url}/api2/v1/async?pageSize=51", headers=auth(sim))
    assert bad_page.status_code == 400
    TMS.check(LIST, "GET", bad_page)
    bad_body = http.post(
        f"{sim.url}/api2/v2/projects/p/jobs/preTranslate", json={"jobs": []}, headers=auth(sim)
    )
    assert bad_body.status_code == 400
    assert bad_body.json()["errorCode"] == "InvalidArguments"


def test_auth(phrase_tms_sim: PhraseTMSSimulator, http: httpx.Client) -> None:
    sim = phrase_tms_sim
    job = sim.add_job()
    url = f"{sim.url}/api2/v1/async/{job}"
    for headers in ({}, {"Authorization": "ApiToken wrong"}, {"Authorization": sim.token}):
        refused = http.get(url, headers=headers)
        assert refused.status_code == 401
        TMS.check(POLL, "GET", refused)
        assert refused.json()["errorCode"] == "AuthUnauthorized"
    assert http.get(url, headers=auth(sim, "Bearer")).status_code == 200
    old = sim.token
    new = sim.rotate()
    assert new != old
    assert sim.token == new
    assert http.get(url, headers={"Authorization": f"ApiToken {old}"}).status_code == 401
    assert http.get(url, headers=auth(sim)).status_code == 200
    sim.revoke()
    assert http.get(url, headers=auth(sim)).status_code == 401


def test_login_tokens_expire(
    phrase_tms_sim: PhraseTMSSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = phrase_tms_sim
    wrong = http.post(f"{sim.url}{LOGIN}", json={"userName": "sim-user", "password": "nope"})
    assert wrong.status_code == 401
    TMS.check(LOGIN, "POST", wrong)
    assert wrong.json()["errorCode"] == "AuthInvalidCredentials"
    assert http.post(f"{sim.url}{LOGIN}", json={"userName": "x"}).status_code == 400
    response = http.post(
        f"{sim.url}{LOGIN}", json={"userName": sim.user_name, "password": sim.password}
    )
    body = TMS.check(LOGIN, "POST", response)
    assert body["expires"] == "2025-01-02T00:00:00+00:00"
    token = body["token"]
    job = sim.add_job()
    url = f"{sim.url}/api2/v1/async/{job}"
    assert http.get(url, headers={"Authorization": f"ApiToken {token}"}).status_code == 200
    fake_clock.advance(24 * 3600)
    assert http.get(url, headers={"Authorization": f"ApiToken {token}"}).status_code == 401
    assert http.get(url, headers=auth(sim)).status_code == 200  # the constructor's token stays


def test_unknown_path_and_method(phrase_tms_sim: PhraseTMSSimulator, http: httpx.Client) -> None:
    sim = phrase_tms_sim
    assert http.get(f"{sim.url}/api2/v1/nothing", headers=auth(sim)).status_code == 404
    assert http.delete(f"{sim.url}/api2/v1/async/1", headers=auth(sim)).status_code == 405
    outside = http.get(sim.url.removesuffix("/web") + "/api2/v1/async/1", headers=auth(sim))
    assert outside.status_code == 404
