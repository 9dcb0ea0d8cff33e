"""The shared HTTP layer: size cap (compressed bodies included), headers on owned and
borrowed clients, Retry-After forms, classification."""

from __future__ import annotations

import gzip

import httpx
import pytest

import jobpoll
from jobpoll import _http
from jobpoll._transport import SyncHttp


def channel(handler, **kw) -> SyncHttp:
    return SyncHttp(
        vendor="toy",
        base_url="http://toy.test",
        headers={"Authorization": "Bearer s"},
        secrets=("s",),
        transport=httpx.MockTransport(handler),
        **kw,
    )


def test_declared_body_over_the_cap_is_refused_before_reading():
    http = channel(lambda r: httpx.Response(200, content=b"x" * 100), max_body=10)
    with pytest.raises(jobpoll.MalformedResponse, match="larger than 10 bytes"):
        http.send({"method": "GET", "url": "/j"}, 5.0)


def test_undeclared_body_is_cut_off_at_the_cap():
    def handler(request):
        return httpx.Response(200, content=iter([b"x" * 6, b"x" * 6]))  # chunked, no length

    with pytest.raises(jobpoll.MalformedResponse, match="larger than 10 bytes"):
        channel(handler, max_body=10).send({"method": "GET", "url": "/j"}, 5.0)


def test_a_compressed_body_cannot_inflate_past_the_cap():
    bomb = gzip.compress(b"0" * 1_000_000)
    assert len(bomb) < 5_000

    def handler(request):
        return httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"})

    with pytest.raises(jobpoll.MalformedResponse, match="larger than"):
        channel(handler, max_body=100_000).send({"method": "GET", "url": "/j"}, 5.0)


def test_small_bodies_come_back_whole():
    http = channel(lambda r: httpx.Response(200, json={"state": "done"}))
    response = http.send({"method": "GET", "url": "/j"}, 5.0)
    assert response.json() == {"state": "done"}


def test_auth_headers_reach_the_server_on_owned_and_borrowed_clients():
    seen = []

    def handler(request):
        seen.append(dict(request.headers))
        return httpx.Response(200)

    owned = channel(handler)
    owned.send({"method": "GET", "url": "/j", "headers": {"X-Extra": "1"}}, 5.0)
    borrowed_client = httpx.Client(transport=httpx.MockTransport(handler))
    borrowed = SyncHttp(
        vendor="toy",
        base_url="http://toy.test",
        headers={"Authorization": "Bearer s"},
        client=borrowed_client,
    )
    borrowed.send({"method": "GET", "url": "/j"}, 5.0)
    assert seen[0]["authorization"] == "Bearer s" and seen[0]["x-extra"] == "1"
    assert seen[1]["authorization"] == "Bearer s"
    assert "authorization" not in borrowed_client.headers  # the user's client is not changed
    owned.set_header("Authorization", "Bearer t")
    owned.send({"method": "GET", "url": "/j"}, 5.0)
    assert seen[2]["authorization"] == "Bearer t"
    borrowed.close()
    assert not borrowed_client.is_closed  # not ours to close


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": "2.5"}, 2.5),
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
        (
            {
                "Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT",
                "Date": "Wed, 21 Oct 2026 07:28:00 GMT",
            },
            30.0,
        ),
        ({}, None),
    ],
)
def test_retry_after_forms(headers, expected):
    assert _http.retry_after(httpx.Response(429, headers=headers)) == expected


def test_retry_after_date_without_date_header_uses_now():
    r = httpx.Response(503, headers={"Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT"})
    assert _http.retry_after(r, now=1792567700.0) == pytest.approx(1792567710.0 - 1792567700.0)


@pytest.mark.parametrize(
    ("code", "kind", "retryable"),
    [
        (401, jobpoll.AuthError, False),
        (404, jobpoll.JobNotFound, False),
        (429, jobpoll.RateLimited, True),
        (500, jobpoll.APIError, True),
        (520, jobpoll.APIError, True),
        (599, jobpoll.APIError, True),
        (422, jobpoll.APIError, False),
        (418, jobpoll.APIError, False),
    ],
)
def test_classification(code, kind, retryable):
    with pytest.raises(kind) as info:
        _http.check(httpx.Response(code, text="secret-s in body"), what="x", secrets=("secret-s",))
    assert info.value.retryable is retryable
    assert "secret-s" not in str(info.value)
