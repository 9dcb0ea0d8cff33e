"""The shared HTTP layer: size cap (compressed bodies included), headers on owned and
borrowed clients, Retry-After forms, classification."""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
import zlib

import httpx
import pytest

import jobpoll
from jobpoll import _http
from jobpoll._transport import AsyncHttp, SyncHttp


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


# --- decoding under the cap, whatever the encoding --------------------------------------------


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def raw(body: bytes, headers: dict[str, str]) -> httpx.Response:
    """A mock response whose body is still encoded (``content=`` would make httpx decode it
    in the mock itself)."""
    return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body))


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gz(b'{"state": "done"}')),
        ("x-gzip", gz(b'{"state": "done"}')),
        ("gzip, gzip", gz(gz(b'{"state": "done"}'))),
        ("deflate", zlib.compress(b'{"state": "done"}')),
        ("deflate", zlib.compress(b'{"state": "done"}')[2:-4]),  # raw deflate, as IIS sends it
        ("identity", b'{"state": "done"}'),
    ],
)
def test_encoded_bodies_come_back_decoded(encoding, body):
    http = channel(lambda r: raw(body, {"Content-Encoding": encoding}))
    response = http.send({"method": "GET", "url": "/j"}, 5.0)
    assert response.json() == {"state": "done"}
    assert "content-encoding" not in response.headers  # the body is decoded: said so


def test_stacked_encodings_are_capped_on_decoded_bytes():
    bomb = gz(gz(b"0" * 50_000_000))  # 50 MB behind two layers: a few KB on the wire
    assert len(bomb) < 10_000
    http = channel(lambda r: raw(bomb, {"Content-Encoding": "gzip, gzip"}), max_body=100_000)
    tracemalloc.start()
    with pytest.raises(jobpoll.MalformedResponse, match="larger than 100000 bytes"):
        http.send({"method": "GET", "url": "/j"}, 5.0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2_000_000, peak  # the cap and a few 64 KiB pieces, never the 50 MB


@pytest.mark.parametrize(
    ("headers", "match"),
    [
        ({"Content-Encoding": "gzip"}, "could not be decoded"),  # the body is not gzip
        ({"Content-Encoding": "br"}, "'br' was not asked for"),
        ({"Content-Encoding": ", ".join(["gzip"] * 6)}, "6 stacked"),
    ],
)
def test_undecodable_bodies_are_a_retryable_malformed_response(headers, match):
    http = channel(lambda r: raw(b"plain text", headers))
    with pytest.raises(jobpoll.MalformedResponse, match=match) as info:
        http.send({"method": "GET", "url": "/j"}, 5.0)
    assert info.value.retryable and info.value.vendor == "toy"


def test_content_length_is_not_trusted_over_what_arrives():
    def handler(request):  # says 10 bytes, streams more (as chunked framing would)
        chunks = iter([b"x" * 60_000] * 10)
        return httpx.Response(200, content=chunks, headers={"Content-Length": "10"})

    with pytest.raises(jobpoll.MalformedResponse, match="larger than 100000"):
        channel(handler, max_body=100_000).send({"method": "GET", "url": "/j"}, 5.0)


def test_a_result_request_gets_the_result_cap():
    body = b'{"x": "' + b"y" * 2_000_000 + b'"}'
    http = channel(lambda r: httpx.Response(200, content=body))
    with pytest.raises(jobpoll.MalformedResponse, match=f"larger than {_http.STATUS_MAX_BODY}"):
        http.send({"method": "GET", "url": "/j"}, 5.0)
    got = http.send({"method": "GET", "url": "/j", "carries_result": True}, 5.0)
    assert len(got.content) == len(body)


def test_a_large_body_of_tiny_json_objects_is_refused_before_parsing():
    body = b"[" + b",".join([b'{"a":0}'] * 200_000) + b"]"  # 1.6 MB, ~80 MB once parsed
    http = channel(lambda r: httpx.Response(200, content=body))
    with pytest.raises(jobpoll.MalformedResponse, match="too costly to parse"):
        http.send({"method": "GET", "url": "/j", "carries_result": True}, 5.0)


def test_the_deadline_holds_between_body_chunks_on_any_transport():
    def slow():  # a mock transport: nothing for the network backend to clamp
        while True:
            time.sleep(0.05)
            yield b" "

    http = channel(lambda r: httpx.Response(200, content=slow()))
    began = time.monotonic()
    with pytest.raises(jobpoll.TransportError, match=r"within the 0\.3 s") as info:
        http.send({"method": "GET", "url": "/j"}, 0.3)
    assert time.monotonic() - began < 1.0
    assert info.value.retryable


# --- every failure typed --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raised", "kind", "retryable"),
    [
        (httpx.ConnectError("refused"), jobpoll.TransportError, True),
        (httpx.ReadTimeout("slow"), jobpoll.TransportError, True),
        (httpx.RemoteProtocolError("peer closed"), jobpoll.TransportError, True),
        (httpx.ProxyError("proxy"), jobpoll.TransportError, True),
        (httpx.DecodingError("bad gzip"), jobpoll.MalformedResponse, True),
        (zlib.error("invalid block"), jobpoll.MalformedResponse, True),
        (httpx.LocalProtocolError("Illegal header value b's\\x0b'"), jobpoll.TransportError, False),
        (httpx.InvalidURL("bad url s"), jobpoll.TransportError, False),
        (UnicodeEncodeError("ascii", "é", 0, 1, "s"), jobpoll.TransportError, False),
        (httpx.UnsupportedProtocol("ftp"), jobpoll.TransportError, False),
        (RuntimeError("a custom transport's bug"), jobpoll.TransportError, False),
        (OSError("broken pipe"), jobpoll.TransportError, True),
    ],
)
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_every_failure_of_a_request_is_a_typed_error(raised, kind, retryable, flavour):
    def handler(request):
        raise raised

    secret = "sekret-credential-1234"
    kw = {
        "vendor": "toy",
        "base_url": "http://toy.test",
        "headers": {"Authorization": f"Bearer {secret}"},
        "secrets": (secret,),
    }
    if flavour == "sync":
        sync = SyncHttp(transport=httpx.MockTransport(handler), **kw)
        with pytest.raises(jobpoll.Error) as info:
            sync.send({"method": "GET", "url": "/j"}, 5.0)
    else:

        async def ahandler(request):
            raise raised

        async def go():
            http = AsyncHttp(transport=httpx.MockTransport(ahandler), **kw)
            await http.send({"method": "GET", "url": "/j"}, 5.0)

        with pytest.raises(jobpoll.Error) as info:
            asyncio.run(go())
    err = info.value
    assert type(err) is kind
    assert err.retryable is retryable
    assert err.vendor == "toy"
    assert secret not in str(err) and err.__cause__ is None


def test_the_detail_quoted_from_a_failure_is_redacted():
    secret = "sekret-credential-1234"
    err = _http.transport_error(httpx.ReadError(f"reading {secret} failed"), (secret,))
    assert secret not in str(err) and "***" in str(err)


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_a_redirect_is_never_followed_even_by_a_following_client(code):
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(code, headers={"Location": "http://elsewhere.test/steal"})

    user = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    http = SyncHttp(
        vendor="toy", base_url="http://toy.test", headers={"X-Api-Token": "t" * 20}, client=user
    )
    response = http.send({"method": "POST", "url": "/j", "content": b"<key/>"}, 5.0)
    assert seen == ["http://toy.test/j"]  # one request, to us only
    with pytest.raises(jobpoll.APIError, match="not followed") as info:
        _http.check(response, what="toy job 1")
    assert info.value.status_code == code and not info.value.retryable
