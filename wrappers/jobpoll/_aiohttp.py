"""The default async channel: requests sent over an aiohttp session of our own.

httpx's native async stack (httpcore on anyio) costs about 1.3 ms of CPU per status poll;
aiohttp, whose HTTP parser is C, costs a tenth of that (BENCHMARKS.md §1). This channel is
the thinnest layer over ``aiohttp.ClientSession`` that yields what the vendor readers take:
an ``httpx.Response`` with the status code, the headers and the decoded body. A user's own
``httpx.AsyncClient`` (``http_client=``) or ``transport=`` keeps the httpx path.

Every property of the httpx path holds here too:

* the deadline over every byte: the whole exchange (connect, send, headers, every body chunk)
  runs under one ``asyncio.timeout``; aiohttp is native asyncio, so cancelling it is clean;
* the decoded-size cap: aiohttp's own decompression is off (``auto_decompress=False``) and
  the body goes through the same incremental, capped decoder as the httpx path
  (:class:`jobpoll._http.Body`);
* typed errors: every exception becomes a :class:`jobpoll.Error` (see :func:`failed`);
* no redirect is ever followed (``allow_redirects=False``); no cookie is kept;
* a request that fails, times out or is cancelled is closed, and its connection with it;
  a complete one returns its connection to the pool. ``close`` closes the session and its
  connector: nothing is left behind.

aiohttp is imported only when the first such channel is made, so sync-only users do not pay
its import time.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from . import _http
from ._errors import Error, MalformedResponse
from ._errors import TransportError as _TransportError

if TYPE_CHECKING:
    import aiohttp

MAX_CONNECTIONS = 100
"""Connections one channel keeps open at most: httpx's default, so both paths load a vendor
alike."""


def _json(value: Any) -> bytes:
    # What httpx sends for json= (0.28): compact, UTF-8, no NaN.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


_SSL: ssl.SSLContext | None = None


def _ssl_context() -> ssl.SSLContext:
    """The certificates httpx trusts by default: ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when set,
    else certifi's bundle; made once per process (loading a bundle takes milliseconds)."""
    global _SSL  # noqa: PLW0603  # one shared context, as aiohttp and httpx keep theirs
    if _SSL is None:
        import certifi

        cafile, capath = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
        if cafile or capath:
            _SSL = ssl.create_default_context(cafile=cafile, capath=capath)
        else:
            _SSL = ssl.create_default_context(cafile=certifi.where())
    return _SSL


class Channel:
    """One aiohttp session, made on first use inside the running event loop."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = dict(headers)
        self._session: aiohttp.ClientSession | None = None

    def set_header(self, name: str, value: str) -> None:
        self._headers[name] = value
        if self._session is not None:
            self._session.headers[name] = value

    def _open(self) -> aiohttp.ClientSession:
        import aiohttp

        self._session = aiohttp.ClientSession(
            headers=self._headers,
            connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS, ssl=_ssl_context()),
            # Off: our capped decoder reads the raw body (a bomb stops at the cap).
            auto_decompress=False,
            # Off: the one deadline is ours (asyncio.timeout over the whole exchange).
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=None, sock_read=None),
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
        )
        return self._session

    async def send(
        self,
        request: Mapping[str, Any],
        base_url: str,
        extra_headers: Mapping[str, str] | None,
        limit: int,
        timeout: float,
    ) -> httpx.Response:
        """The decoded response to ``request`` (``build_request`` keyword arguments), within
        ``timeout`` seconds of real time and ``limit`` decoded bytes; aiohttp's exceptions
        are left to :func:`failed`."""
        session = self._session or self._open()
        url = base_url + request["url"]
        params = request.get("params")
        if params:
            url += "?" + str(httpx.QueryParams(params))
        headers = dict(extra_headers) if extra_headers else None
        data: bytes | None = None
        if request.get("json") is not None:
            data = _json(request["json"])
            headers = {"Content-Type": "application/json", **(headers or {})}
        elif request.get("content") is not None:
            content = request["content"]
            data = content.encode() if isinstance(content, str) else content
        deadline = _http.Deadline(timeout)
        async with asyncio.timeout(timeout):
            response = await session.request(
                request.get("method", "GET"),
                url,
                data=data,
                headers=headers,
                allow_redirects=False,
            )
            try:
                body = _http.Body(response.status, _decoded(response), limit, deadline)
                stream = response.content
                while chunk := await stream.readany():
                    body.feed(chunk)
            except BaseException:
                response.close()  # a request cut short never goes back to the pool
                raise
            response.release()
        return complete(response.status, body.headers, body.content())

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def complete(status: int, headers: list[tuple[str, str]], content: bytes) -> httpx.Response:
    """What ``httpx.Response(status, headers=headers, content=content)`` is once built, made
    directly: the attributes its ``__init__`` sets, ``Content-Length`` added when absent and
    the body not empty, the body read, the stream closed. ``__init__`` sends the body through
    a stream, a read and a join: several times the CPU of this, tens of µs a poll (BENCHMARKS.md
    §2 notes). ``tests/test_aiohttp_response.py`` checks the two alike, attribute by
    attribute."""
    response = httpx.Response.__new__(httpx.Response)
    fields = httpx.Headers(headers)
    if content:  # httpx adds it for a non-empty body only
        fields.setdefault("Content-Length", str(len(content)))
    response.status_code = status
    response.headers = fields
    response._request = None
    response.next_request = None
    response.extensions = {}
    response.history = []
    response.is_closed = True
    response.is_stream_consumed = True
    response.default_encoding = "utf-8"
    response.stream = httpx.ByteStream(content)
    response._content = content
    response._num_bytes_downloaded = 0
    return response


def _decoded(response: aiohttp.ClientResponse) -> list[tuple[str, str]]:
    # The raw header bytes, as httpx decodes them (ASCII, else Latin-1).
    return [
        (name.decode("latin-1"), value.decode("latin-1")) for name, value in response.raw_headers
    ]


def failed(exc: BaseException, secrets: tuple[str, ...]) -> Error:
    """The typed :class:`jobpoll.Error` for what an aiohttp exchange raised: the same kinds,
    retryability and ``unsent`` flags as :func:`jobpoll._http.transport_error` gives httpx's."""
    import aiohttp

    if isinstance(exc, Error):
        return exc
    kind = type(exc).__name__
    local = isinstance(exc, ValueError | UnicodeError | TypeError) and not isinstance(
        exc, aiohttp.ClientError
    )
    if local or isinstance(exc, aiohttp.InvalidURL):
        # What we tried to send is not valid HTTP (a header value, a URL): the detail would
        # quote it, credential included.
        err: Error = _TransportError(f"the request could not be sent ({kind})")
        err.retryable = False
        err.unsent = True
        return err
    text = str(exc)
    detail = _http.redact(text.splitlines()[0] if text else "", secrets)
    if isinstance(exc, aiohttp.ClientPayloadError) and "compress" in detail.lower():
        return MalformedResponse(
            f"the response body could not be decoded ({kind}: {detail})", retryable=True
        )
    if isinstance(exc, aiohttp.ClientResponseError):
        # aiohttp's parser refused the answer (raise_for_status is off, so nothing else is).
        err = _TransportError(f"the response broke HTTP ({kind}: {detail})")
        err.retryable = True
        err.unsent = False
        return err
    err = _TransportError(f"the request failed ({kind}{': ' + detail if detail else ''})")
    err.retryable = isinstance(exc, aiohttp.ClientError | OSError)
    # Nothing reached the server: even a non-idempotent request is safe to send again.
    err.unsent = isinstance(exc, aiohttp.ClientConnectorError)
    return err
