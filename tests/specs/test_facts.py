"""The wrappers' hard-coded facts (default base URL, auth header) agree with the effective specs.

Each client sends one status request over a mock transport; its URL must start with a server
the spec's ``servers`` lists, and its auth header must be the form one of the operation's
``securitySchemes`` prescribes. A vendor that moves its server or changes its auth scheme (say
Eden AI to an ``X-API-Key`` header) in a new spec makes this fail instead of passing silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import yaml

import jobpoll
from jobpoll import edenai, phrase_mt, phrase_tms, veza

from ._load import ROOT

TOKEN = "facts-canary-0f3a"
APITOKEN_PREFIX = {"ApiToken": "ApiToken"}
"""vendors.md §1: Phrase TMS's ``ApiToken`` scheme (an apiKey in ``Authorization``) carries
``ApiToken <token>``; the spec names the header but not the value's prefix."""


def spec(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / "specs" / f"{name}.yaml").read_text())


def servers(doc: dict[str, Any]) -> list[str]:
    """Each server URL with its variables at their defaults."""
    out = []
    for server in doc.get("servers", []):
        url = server["url"]
        for name, var in (server.get("variables") or {}).items():
            url = url.replace("{" + name + "}", var["default"])
        out.append(url)
    return out


def auth_forms(doc: dict[str, Any], path: str, method: str) -> dict[str, tuple[str, str]]:
    """scheme name -> the (header, value) it prescribes for TOKEN, for one operation."""
    op = doc["paths"][path][method]
    schemes = doc["components"]["securitySchemes"]
    forms = {}
    for requirement in op.get("security", doc.get("security", [])):
        for name in requirement:
            scheme = schemes[name]
            if scheme["type"] == "apiKey" and scheme["in"] == "header":
                prefix = APITOKEN_PREFIX.get(name)
                forms[name] = (scheme["name"].lower(), f"{prefix} {TOKEN}" if prefix else TOKEN)
            elif scheme["type"] == "oauth2" or (
                scheme["type"] == "http" and scheme["scheme"].lower() == "bearer"
            ):
                forms[name] = ("authorization", f"Bearer {TOKEN}")  # RFC 6750
    return forms


def first_request(make: Callable[[httpx.MockTransport], Any], job_id: str, reply: Any) -> Any:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if isinstance(reply, str):
            return httpx.Response(200, text=reply, headers={"content-type": "text/xml"})
        return httpx.Response(200, json=reply)

    with make(httpx.MockTransport(handler)) as client:
        client.status(job_id)
    return seen[0]


def auth_header(request: httpx.Request, forms: dict[str, tuple[str, str]]) -> tuple[str, str]:
    names = {header for header, _ in forms.values()} | {"authorization"}
    sent = [(n, v) for n, v in request.headers.items() if n in names and TOKEN in v]
    assert len(sent) == 1, f"expected one auth header, sent {request.headers}"
    return sent[0]


EDEN_JOB = "5b6f2d1e-8c3a-4c55-9e0d-2b8f1a7c9d41"
CASES = [
    pytest.param(
        "edenai",
        "/v3/universal-ai/async/{job_id}",
        lambda t, auth: jobpoll.EdenAI(api_key=TOKEN, transport=t),
        EDEN_JOB,
        {"status": "processing"},
        {"AuthBearer": None},
        id="edenai-bearer",
    ),
    pytest.param(
        "phrase-tms",
        "/api2/v1/async/{asyncRequestId}",
        lambda t, auth: jobpoll.PhraseTMS(token=TOKEN, auth_scheme=auth, transport=t),
        "7",
        {"id": "7", "action": "PRE_TRANSLATE", "asyncResponse": None},
        {"ApiToken": "ApiToken", "OAuth2": "Bearer"},
        id="phrase-tms",
    ),
    pytest.param(
        "phrase-mt",
        "/translateAsyncStatus/{id}",
        lambda t, auth: jobpoll.PhraseMT(
            token=TOKEN, auth=auth, base_url="https://api.mtengine.example.com", transport=t
        ),
        "job-7",
        {"status": "running"},
        {"ApiKeyAuth": "api-token", "OAuth2": "bearer"},
        id="phrase-mt",
    ),
    pytest.param(
        "veza",
        "/api/v1/assessments/async_tasks/{id}",
        lambda t, auth: jobpoll.Veza(api_key=TOKEN, tenant="example", transport=t),
        "task-7",
        {"id": "task-7", "state": "PENDING"},
        {"BearerAuth": None},
        id="veza-bearer",
    ),
]


@pytest.mark.parametrize(("name", "path", "make", "job_id", "reply", "options"), CASES)
def test_auth_headers_and_urls_are_what_the_spec_prescribes(
    name, path, make, job_id, reply, options
):
    doc = spec(name)
    forms = auth_forms(doc, path, "get")
    assert set(options) <= set(forms), f"{name}: the spec no longer offers {set(options)}"
    for scheme, option in options.items():
        request = first_request(lambda t, option=option: make(t, option), job_id, reply)
        assert auth_header(request, forms) == forms[scheme], f"{name} {scheme}"
        url = str(request.url)
        assert any(url == base + re.sub(r"\{[^}]+\}", job_id, path) for base in servers(doc)), (
            f"{name}: {url} is on none of the spec's servers {servers(doc)}"
        )


def test_default_base_urls_are_the_specs_servers():
    assert servers(spec("edenai")) == [edenai.DEFAULT_URL]
    assert servers(spec("phrase-tms"))[0] == phrase_tms.DEFAULT_URL
    # Veza: one server per tenant, https://{tenant}.vezacloud.com; the module builds the same.
    assert servers(spec("veza")) == [veza.tenant_url("example")]


def test_phrase_mt_has_no_default_url_because_the_spec_only_shows_a_sample():
    (server,) = spec("phrase-mt")["servers"]
    assert "sample" in server["description"].lower()  # each customer hosts its own engine
    assert not hasattr(phrase_mt, "DEFAULT_URL")
    with pytest.raises(ValueError, match="base_url"):
        jobpoll.PhraseMT(token=TOKEN)


def test_alphasms_facts_match_vendors_md():
    # AlphaSMS publishes no OpenAPI spec: vendors.md §5 is the reference (default brand
    # https://alphasms.net, the key inside <package key="...">, no auth header).
    reply = (
        '<?xml version="1.0" encoding="utf-8"?><package><job><progress>0</progress>'
        "<status>WAITING</status></job></package>"
    )
    request = first_request(lambda t: jobpoll.AlphaSMS(api_key=TOKEN, transport=t), "job-7", reply)
    assert str(request.url) == "https://alphasms.net/api/xml.php"
    assert f'<package key="{TOKEN}">' in request.content.decode()
    assert not any(TOKEN in value for value in request.headers.values())


def test_a_vendor_switching_its_auth_scheme_would_fail_this_check():
    doc = spec("edenai")
    doc["components"]["securitySchemes"]["AuthBearer"] = {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
    }
    forms = auth_forms(doc, "/v3/universal-ai/async/{job_id}", "get")
    request = first_request(
        lambda t: jobpoll.EdenAI(api_key=TOKEN, transport=t), EDEN_JOB, {"status": "processing"}
    )
    assert forms == {"AuthBearer": ("x-api-key", TOKEN)}
    assert auth_header(request, forms) == ("authorization", f"Bearer {TOKEN}")
    assert auth_header(request, forms) != forms["AuthBearer"]
