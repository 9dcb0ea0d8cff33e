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


# --- the aiohttp channel (the async default) --------------------------------------------------


class _Recorder:
    """A loopback HTTP/1.1 server on this loop: records each request's head and body, and
    answers with ``reply`` (raw bytes), or closes the connection when ``reply`` is None."""

    def __init__(self, reply: bytes | None) -> None:
        self.reply = reply
        self.seen: list[tuple[bytes, bytes]] = []
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def __aexit__(self, *_: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length)
            self.seen.append((head, body))
            if self.reply is not None:
                writer.write(self.reply)
                await writer.drain()
        finally:
            writer.close()


def _answer(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    extra = "".join(f"{h}\r\n" for h in headers)
    return f"HTTP/1.1 {status}\r\ncontent-length: {len(body)}\r\n{extra}\r\n".encode() + body


def aio_channel(base_url: str, **kw) -> AsyncHttp:
    return AsyncHttp(
        vendor="toy",
        base_url=base_url,
        headers={"Authorization": "Bearer sekrit-token"},
        secrets=("sekrit-token",),
        **kw,
    )


def test_the_async_channel_is_aiohttp_unless_a_client_or_transport_is_given():
    assert aio_channel("http://toy.test").channel == "aiohttp"
    mock = httpx.MockTransport(lambda r: httpx.Response(200))
    assert aio_channel("http://toy.test", transport=mock).channel == "httpx"
    assert aio_channel("http://toy.test", client=httpx.AsyncClient()).channel == "httpx"


async def test_aiohttp_sends_what_httpx_would_and_returns_a_decoded_response():
    body = gzip.compress(b'{"state":"running"}')
    server = _Recorder(_answer(body, "content-encoding: gzip", "retry-after: 3", "x-a: 1"))
    async with server as url:
        http = aio_channel(url)
        http.set_header("X-Later", "yes")  # a token obtained after construction
        response = await http.send(
            {
                "method": "POST",
                "url": "/jobs",
                "params": {"a": "1 2", "b": ["x", "y"]},
                "json": {"text": "é"},
                "headers": {"X-Extra": "e"},
            },
            5.0,
        )
        await http.close()
    head, sent = server.seen[0]
    assert head.startswith(b"POST /jobs?a=1+2&b=x&b=y HTTP/1.1\r\n")
    lower = head.lower()
    for header in (
        b"authorization: bearer sekrit-token",
        b"x-later: yes",
        b"x-extra: e",
        b"content-type: application/json",
        b"accept-encoding: gzip, deflate",
        b"user-agent: jobpoll",
    ):
        assert header in lower, header
    assert sent == '{"text":"é"}'.encode()
    assert isinstance(response, httpx.Response)
    assert response.status_code == 200
    assert response.content == b'{"state":"running"}'
    assert response.json() == {"state": "running"}
    assert _http.retry_after(response) == 3.0
    assert "content-encoding" not in response.headers and response.headers["x-a"] == "1"


async def test_aiohttp_caps_a_compressed_body_on_decoded_bytes():
    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024))
    async with _Recorder(_answer(bomb, "content-encoding: gzip")) as url:
        http = aio_channel(url, max_body=1024 * 1024)
        tracemalloc.start()
        with pytest.raises(jobpoll.MalformedResponse, match="larger than 1048576 bytes"):
            await http.send({"method": "GET", "url": "/j"}, 5.0)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        await http.close()
    assert peak < 3 * 1024 * 1024


async def test_aiohttp_never_follows_a_redirect():
    async with _Recorder(_answer(b"", "location: http://127.0.0.1:9/x", status="307 T")) as url:
        http = aio_channel(url)
        response = await http.send({"method": "GET", "url": "/j"}, 5.0)
        await http.close()
    assert response.status_code == 307
    with pytest.raises(jobpoll.APIError, match="not followed"):
        _http.check(response, what="the job")


async def test_aiohttp_failures_are_typed_and_say_whether_anything_was_sent():
    async with _Recorder(None) as url:  # reads the request, then hangs up
        http = aio_channel(url)
        with pytest.raises(jobpoll.TransportError) as dropped:
            await http.send({"method": "POST", "url": "/j", "content": b"x"}, 5.0)
        await http.close()
    assert dropped.value.retryable and not dropped.value.unsent  # a POST may have landed
    assert dropped.value.vendor == "toy"
    async with _Recorder(None) as url:
        port = url.rpartition(":")[2]
    http = aio_channel(f"http://127.0.0.1:{port}")  # nobody listens there now
    with pytest.raises(jobpoll.TransportError) as refused:
        await http.send({"method": "GET", "url": "/j"}, 5.0)
    assert refused.value.retryable and refused.value.unsent
    await http.close()
    server = _Recorder(_answer(b"{}"))
    async with server as url:
        http = aio_channel(url)
        bad = {"method": "GET", "url": "/j", "headers": {"X-Bad": "sekrit-token\r\nX-Inj: 1"}}
        with pytest.raises(jobpoll.TransportError) as illegal:
            await http.send(bad, 5.0)
        await http.close()
    assert not illegal.value.retryable and illegal.value.unsent
    assert "sekrit-token" not in str(illegal.value)
    assert server.seen == []


async def test_aiohttp_holds_the_deadline_over_a_trickle():
    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n")
        try:
            for _ in range(1000):
                writer.write(b"x")
                await writer.drain()
                await asyncio.sleep(0.05)
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(trickle, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    http = aio_channel(url)
    began = time.monotonic()
    with pytest.raises(jobpoll.TransportError, match=r"within the 0\.5 s"):
        await http.send({"method": "GET", "url": "/j"}, 0.5)
    assert time.monotonic() - began < 1.5
    session = http._aio._session  # type: ignore[union-attr]
    assert len(session.connector._acquired) == 0  # the cut-off request took its connection along
    await http.close()
    assert session.closed and http.closed
    with pytest.raises(jobpoll.ClientClosed):
        await http.send({"method": "GET", "url": "/j"}, 0.5)
    server.close()
    await server.wait_closed()


async def test_a_borrowed_client_is_not_closed_and_an_owned_session_is():
    user = httpx.AsyncClient()
    http = aio_channel("http://toy.test", client=user)
    await http.close()
    assert not user.is_closed
    await user.aclose()
