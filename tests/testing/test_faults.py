"""Every fault kind, observed over real HTTP with plain httpx."""

from __future__ import annotations

import ast
import email.utils
import inspect
import json

import httpx
import pytest
import xmltodict

from jobpoll.testing import (
    FAULT_KINDS,
    SIMULATORS,
    AlphaSMSSimulator,
    EdenAISimulator,
    FakeClock,
    Fault,
    PhraseMTSimulator,
    PhraseTMSSimulator,
    Simulator,
    VezaSimulator,
    _base,
    _credentials,
    _faults,
    _jobs,
    _replies,
)

from .conftest import spec


def veza_get(http: httpx.Client, sim: VezaSimulator, task: str = "t") -> httpx.Response:
    return http.get(
        f"{sim.url}/api/v1/assessments/async_tasks/{task}",
        headers={"Authorization": f"Bearer {sim.api_key}"},
    )


def test_http_status_burst_then_normal(veza_sim: VezaSimulator, http: httpx.Client) -> None:
    sim = veza_sim
    task = sim.add_job()
    for status in (500, 502, 503, 504, 520):
        sim.fault(status)
    got = [veza_get(http, sim, task).status_code for _ in range(6)]
    assert got == [500, 502, 503, 504, 520, 200]
    assert not sim.faults
    assert [r.fault.status if r.fault else None for r in sim.requests] == [
        500,
        502,
        503,
        504,
        520,
        None,
    ]


def test_http_status_times_and_default_body(veza_sim: VezaSimulator, http: httpx.Client) -> None:
    sim = veza_sim
    sim.fault(Fault.http(503), times=2)
    first = veza_get(http, sim)
    assert first.status_code == 503
    assert first.json() == {"code": 14, "message": "service unavailable"}
    assert veza_get(http, sim).status_code == 503
    assert veza_get(http, sim).status_code == 404  # unknown task: the fault is used up


def test_retry_after_forms(
    veza_sim: VezaSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = veza_sim
    fake_clock.advance(100)
    sim.fault(Fault.http(429, retry_after=5))
    sim.fault(Fault.http(503, retry_after=1.5))
    sim.fault(Fault.http(503, retry_after="Wed, 21 Oct 2015 07:28:00 GMT"))
    sim.fault(Fault.http(429, retry_after=30, retry_after_date=True))
    sim.fault(Fault.http(429))
    assert veza_get(http, sim).headers["retry-after"] == "5"
    assert veza_get(http, sim).headers["retry-after"] == "1.5"
    assert veza_get(http, sim).headers["retry-after"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    dated = veza_get(http, sim)
    when = email.utils.parsedate_to_datetime(dated.headers["retry-after"]).timestamp()
    now = email.utils.parsedate_to_datetime(dated.headers["date"]).timestamp()
    assert now == fake_clock.wall()  # Date comes from the simulator clock too
    assert when - now == 30
    assert "retry-after" not in veza_get(http, sim).headers


def test_http_fault_with_body_and_headers(veza_sim: VezaSimulator, http: httpx.Client) -> None:
    sim = veza_sim
    sim.fault(Fault.http(418, body={"teapot": True}, headers={"X-Why": "because"}))
    response = veza_get(http, sim)
    assert (response.status_code, response.json(), response.headers["x-why"]) == (
        418,
        {"teapot": True},
        "because",
    )


@pytest.mark.parametrize(
    ("cls", "path", "method", "body", "retry_after"),
    [
        (PhraseTMSSimulator, "/api2/v1/async/1", "GET", {"errorCode": "TooManyRequests"}, None),
        (PhraseMTSimulator, "/translateAsyncStatus/1", "GET", {}, None),  # adapter: none
        (VezaSimulator, "/api/v1/assessments/async_tasks/1", "GET", {"code": 8}, None),
        (EdenAISimulator, "/v3/universal-ai/async/1", "GET", {"error": {"code": 429}}, None),
    ],
)
def test_rate_limit_is_the_vendors_own(
    http: httpx.Client,
    cls: type[Simulator],
    path: str,
    method: str,
    body: dict[str, object],
    retry_after: str | None,
) -> None:
    sim = cls(clock=FakeClock())
    sim.fault(Fault.rate_limit())
    with sim.serve():
        response = http.request(method, sim.url + path)
    assert response.status_code == 429
    assert response.headers.get("retry-after") == retry_after
    got = response.json()
    for key, value in body.items():
        if isinstance(value, dict):
            assert got[key].items() >= value.items()
        else:
            assert got[key] == value


def test_rate_limit_with_retry_after(edenai_sim: EdenAISimulator, http: httpx.Client) -> None:
    edenai_sim.fault(Fault.rate_limit(retry_after=3))
    response = http.get(f"{edenai_sim.url}/v3/universal-ai/async/x")
    assert (response.status_code, response.headers["retry-after"]) == (429, "3")


def test_drop_before_and_after_handling(
    phrase_mt_sim: PhraseMTSimulator, http: httpx.Client
) -> None:
    sim = phrase_mt_sim
    body = {"sourceLanguage": "en", "targetLanguage": "de", "segments": [{"text": "a"}]}
    headers = {"X-Api-Token": sim.token}
    sim.fault(Fault.drop(), op="submit")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(f"{sim.url}/translateAsync", json=body, headers=headers)
    assert not sim.jobs
    sim.fault("drop:after", op="submit")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(f"{sim.url}/translateAsync", json=body, headers=headers)
    assert len(sim.jobs) == 1  # the job exists; only its id was lost
    assert http.post(f"{sim.url}/translateAsync", json=body, headers=headers).is_success


def test_slow_response_times_out(veza_sim: VezaSimulator, http: httpx.Client) -> None:
    sim = veza_sim
    task = sim.add_job()
    sim.fault(Fault.slow(0.3))
    url = f"{sim.url}/api/v1/assessments/async_tasks/{task}"
    headers = {"Authorization": f"Bearer {sim.api_key}"}
    with pytest.raises(httpx.ReadTimeout):
        http.get(url, headers=headers, timeout=0.05)
    sim.fault("slow:0.05")
    assert veza_get(http, sim, task).status_code == 200


def test_truncated_body(edenai_sim: EdenAISimulator, http: httpx.Client) -> None:
    sim = edenai_sim
    job = sim.add_job()
    sim.fault(Fault.truncated(fraction=0.25))
    with pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|complete message body"):
        http.get(
            f"{sim.url}/v3/universal-ai/async/{job}",
            headers={"Authorization": f"Bearer {sim.api_key}"},
        )


def test_html_empty_and_raw(phrase_tms_sim: PhraseTMSSimulator, http: httpx.Client) -> None:
    sim = phrase_tms_sim
    job = sim.add_job()
    url = f"{sim.url}/api2/v1/async/{job}"
    headers = {"Authorization": f"ApiToken {sim.token}"}
    sim.fault(Fault.html(502))
    sim.fault(Fault.empty())
    sim.fault(Fault.raw('{"id": "1", ', content_type="application/json"))
    html = http.get(url, headers=headers)
    assert html.status_code == 502
    assert html.headers["content-type"].startswith("text/html")
    assert html.text.startswith("<html>")
    assert "502 Bad Gateway" in html.text
    empty = http.get(url, headers=headers)
    assert (empty.status_code, empty.content) == (200, b"")
    assert empty.headers["content-type"] == "application/json"
    raw = http.get(url, headers=headers)
    with pytest.raises(json.JSONDecodeError):
        raw.json()


@pytest.mark.parametrize("chunked", [False, True])
def test_huge_body(veza_sim: VezaSimulator, http: httpx.Client, chunked: bool) -> None:
    sim = veza_sim
    sim.fault(Fault.huge(2, chunked=chunked))
    response = veza_get(http, sim)
    assert len(response.content) == 2 * 1024 * 1024
    assert ("content-length" in response.headers) is not chunked
    assert response.json()["padding"].startswith("xxx")


def test_huge_xml_body(alphasms_sim: AlphaSMSSimulator, http: httpx.Client) -> None:
    alphasms_sim.fault(Fault.huge(0.5))
    response = http.post(f"{alphasms_sim.url}/api/xml.php", content=b"<package/>")
    assert len(response.content) == 512 * 1024
    assert "padding" in xmltodict.parse(response.content)["package"]


def test_unlisted_status_values(
    veza_sim: VezaSimulator,
    edenai_sim: EdenAISimulator,
    phrase_mt_sim: PhraseMTSimulator,
    alphasms_sim: AlphaSMSSimulator,
    http: httpx.Client,
) -> None:
    task = veza_sim.add_job()
    veza_sim.fault(Fault.status_value("PAUSED"))
    assert veza_get(http, veza_sim, task).json()["state"] == "PAUSED"
    veza_sim.poll_wrapping = "value"
    veza_sim.fault(Fault.status_value("PAUSED"))
    assert veza_get(http, veza_sim, task).json()["value"]["state"] == "PAUSED"
    veza_sim.fault(Fault.status_value("WEIRD", field="value.status"))
    assert veza_get(http, veza_sim, task).json()["value"]["status"] == "WEIRD"

    job = edenai_sim.add_job()
    edenai_sim.fault(Fault.status_value("queued"))
    eden = http.get(
        f"{edenai_sim.url}/v3/universal-ai/async/{job}",
        headers={"Authorization": f"Bearer {edenai_sim.api_key}"},
    )
    assert eden.json()["status"] == "queued"
    spec("edenai").check("/v3/universal-ai/async/{job_id}", "GET", eden)

    mt_job = phrase_mt_sim.add_job()
    phrase_mt_sim.fault("status_value:queued")
    mt = http.get(
        f"{phrase_mt_sim.url}/translateAsyncStatus/{mt_job}",
        headers={"X-Api-Token": phrase_mt_sim.token},
    )
    assert mt.json()["status"] == "queued"

    sms_job = alphasms_sim.add_job()
    alphasms_sim.fault(Fault.status_value("PAUSED"))
    sms = http.post(
        f"{alphasms_sim.url}/api/xml.php",
        content=f'<package key="{alphasms_sim.api_key}"><job>{sms_job}</job></package>',
    )
    assert xmltodict.parse(sms.content)["package"]["job"]["status"] == "PAUSED"


def test_status_value_needs_a_field_on_phrase_tms() -> None:
    sim = PhraseTMSSimulator()
    with pytest.raises(ValueError, match="no status field"):
        sim.fault(Fault.status_value("X"))
    sim.fault(Fault.status_value("X", field="action"))
    with pytest.raises(ValueError, match="AlphaSMS"):
        sim.fault(Fault.alphasms_error(212))


def test_missing_null_and_extra_fields(
    veza_sim: VezaSimulator,
    edenai_sim: EdenAISimulator,
    phrase_tms_sim: PhraseTMSSimulator,
    alphasms_sim: AlphaSMSSimulator,
    http: httpx.Client,
) -> None:
    submit = f"{veza_sim.url}/api/v1/assessments/query_spec:result_async_create"
    headers = {"Authorization": f"Bearer {veza_sim.api_key}"}
    veza_sim.fault(Fault.missing_field("task.id"), op="submit")
    veza_sim.fault(Fault.null_field("task"), op="submit")
    veza_sim.fault(Fault.extra_fields({"surprise": [1]}, at="task"), op="submit")
    assert "id" not in http.post(submit, json={}, headers=headers).json()["task"]
    assert http.post(submit, json={}, headers=headers).json() == {"task": None}
    assert http.post(submit, json={}, headers=headers).json()["task"]["surprise"] == [1]

    job = edenai_sim.add_job()
    edenai_sim.fault(Fault.missing_field("status"))
    eden = http.get(
        f"{edenai_sim.url}/v3/universal-ai/async/{job}",
        headers={"Authorization": f"Bearer {edenai_sim.api_key}"},
    )
    assert "status" not in eden.json()
    assert spec("edenai").errors(
        {"$ref": "#/components/schemas/UniversalAIAsyncResponse"}, eden.json()
    )

    tms_job = phrase_tms_sim.add_job()
    phrase_tms_sim.fault(Fault.null_field("createdBy"))
    phrase_tms_sim.fault(Fault.extra_fields({"newThing": {"a": 1}}))
    url = f"{phrase_tms_sim.url}/api2/v1/async/{tms_job}"
    tms_headers = {"Authorization": f"ApiToken {phrase_tms_sim.token}"}
    assert http.get(url, headers=tms_headers).json()["createdBy"] is None
    assert http.get(url, headers=tms_headers).json()["newThing"] == {"a": 1}

    sms_job = alphasms_sim.add_job()
    alphasms_sim.fault(Fault.missing_field("progress"))
    alphasms_sim.fault(Fault.extra_fields({"eta": "5"}))
    alphasms_sim.fault(Fault.null_field("status"))
    body = f'<package key="{alphasms_sim.api_key}"><job>{sms_job}</job></package>'
    parsed = [
        xmltodict.parse(http.post(f"{alphasms_sim.url}/api/xml.php", content=body).content)
        for _ in range(3)
    ]
    assert parsed[0]["package"]["job"] == {"status": "WAITING"}
    assert parsed[1]["package"]["job"]["eta"] == "5"
    assert parsed[2]["package"]["job"]["status"] is None


def test_matchers(phrase_mt_sim: PhraseMTSimulator, http: httpx.Client) -> None:
    sim = phrase_mt_sim
    headers = {"X-Api-Token": sim.token}
    sim.fault(503, op="result")
    sim.fault(502, path_contains="/translateAsyncStatus/b")
    sim.fault(Fault.http(504), method="POST", times=None)
    assert http.get(f"{sim.url}/translateAsyncStatus/a", headers=headers).status_code == 500
    assert http.get(f"{sim.url}/translateAsyncStatus/b", headers=headers).status_code == 502
    assert http.get(f"{sim.url}/translateAsyncResult/a", headers=headers).status_code == 503
    for _ in range(3):
        assert http.post(f"{sim.url}/status", headers=headers).status_code == 504
    assert len(sim.faults) == 1
    sim.clear_faults()
    assert http.post(f"{sim.url}/status", headers=headers).status_code == 200
    with pytest.raises(ValueError, match="no op"):
        sim.fault(503, op="nope")


def test_fault_parse() -> None:
    assert Fault.parse("503") == Fault.http(503)
    assert Fault.parse("http:429") == Fault.http(429)
    assert Fault.parse("rate_limit:2") == Fault.rate_limit(retry_after=2)
    assert Fault.parse("alphasms_error:212") == Fault.alphasms_error(212)
    assert Fault.parse("drop") == Fault.drop()
    assert Fault.parse("slow:0.5") == Fault.slow(0.5)
    assert Fault.parse("huge:3").size == 3 * 1024 * 1024
    assert Fault.parse("html").status == 502
    assert Fault.parse("empty:204").status == 204
    assert Fault.parse("truncated").kind == "truncated"
    assert Fault.parse("status_value:PAUSED").value == "PAUSED"
    assert Fault.parse("missing_field:a.b").field == "a.b"
    assert Fault.parse("null_field:a").kind == "null_field"
    for bad in ("nope", "http:x", "slow", "status_value", "raw:x", "extra_fields:a"):
        with pytest.raises(ValueError, match="bad fault spec"):
            Fault.parse(bad)
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault(kind="nope")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="times"):
        Fault(kind="drop", times=0)


def test_a_kind_is_declared_once_and_the_base_names_no_kind_or_vendor() -> None:
    """Every kind is one registered Kind (its parse form, arm-time check and behaviour); the
    simulator base and its parts compare no ``fault.kind`` and name no vendor."""
    assert set(_faults.KINDS) == set(FAULT_KINDS)
    assert all(kind.name == name for name, kind in _faults.KINDS.items())
    for module in (_base, _credentials, _jobs, _replies):
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                assert not any(
                    isinstance(o, ast.Attribute) and o.attr == "kind" for o in operands
                ), f"{module.__name__}:{node.lineno} dispatches on a fault kind"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value not in SIMULATORS, f"{module.__name__} names {node.value}"
