"""httpx plumbing every vendor shares: sending with a size cap and a deadline, turning
whatever a request raises into a typed error, and telling a transient failure from a
permanent one.

A body is read raw and decoded here, layer by layer and a bounded piece at a time, so that the
cap counts decoded bytes as they appear: a gzip bomb, stacked encodings, or a Content-Length
that the chunked framing contradicts all stop at the cap.

What is transient (retried by the engine): connection errors and timeouts, 408, 425, 429,
every status >= 500 (including non-IANA codes such as 520 from a CDN) and bodies that do not
parse. What is permanent (raised at once): 401/403 (:class:`AuthError`), 404/410
(:class:`JobNotFound`), every other 4xx (:class:`APIError`, 422 included), and every 3xx: a
redirect is never followed (:class:`APIError`), since it would carry the credentials along.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import math
import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import httpx

from ._errors import APIError, AuthError, Error, JobNotFound, MalformedResponse, RateLimited
from ._errors import TransportError as _TransportError
from ._redact import redact as redact  # noqa: PLC0414  # re-exported: it moved to _redact

STATUS_MAX_BODY = 1024 * 1024
"""The cap on a status body, decoded: 1 MiB. The vendors' status documents are a few hundred
bytes (AlphaSMS ``<job>``, Phrase MT ``{status, detail}``) to a few KB (a Phrase TMS async
request with its ``errorDetails``); 1 MiB leaves a wide margin while keeping what a hostile
status can cost to parse (every poll) to tens of MiB, not the ~55x the body that a JSON of
many small objects takes in Python objects."""

RESULT_MAX_BODY = 8 * 1024 * 1024
"""The default cap on a body that carries a result (submit and result calls, and the status
polls of Veza and Eden AI, whose final status holds the output); configurable per channel."""

MAX_BODY_BYTES = RESULT_MAX_BODY  # the name older code imports

MAX_ENCODINGS = 5
"""Stacked ``Content-Encoding`` layers accepted (urllib3 stops at the same number): each layer
costs a zlib state, and no honest server stacks more than one or two."""

_PER_OBJECT = 32
"""A body over the status cap (so a result) is refused if it holds more than one ``{`` per
this many bytes: Python spends some 400 bytes on a small dict, so 8 MiB of ``{"a":0}``
would cost ~455 MiB to parse. Real results (segments, word timings, entities) run to 50 bytes
an object and more."""

_PIECE = 64 * 1024
"""Most bytes one decompression step may produce before the cap is checked again."""

T = TypeVar("T")

_EXCERPT = 160
_TRANSIENT_4XX = frozenset({408, 425, 429})


def _too_large(status_code: int, limit: int) -> MalformedResponse:
    return MalformedResponse(
        f"the response body is larger than {limit} bytes",
        status_code=status_code,
        retryable=True,
        response=None,
    )


def _undecodable(status_code: int, problem: str) -> MalformedResponse:
    return MalformedResponse(
        f"the response body could not be decoded ({problem})",
        status_code=status_code,
        retryable=True,
        response=None,
    )


def too_slow(timeout: float) -> Error:
    """The retryable error of a request that did not complete within its ``timeout`` seconds."""
    err = _TransportError(f"no complete response within the {timeout:.3g} s the request had")
    err.unsent = False
    return err


class _Inflate:
    """One ``gzip``/``deflate`` layer, decoded incrementally: never more than ``_PIECE`` bytes
    out per step, so a bomb is stopped by the cap after at most one piece too many."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        # deflate is zlib-wrapped by the RFC, raw in practice: try the first, then the second.
        self._z = zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)
        self._fresh = True

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            if self._z.eof:
                return  # what follows the end of the stream is ignored (as httpx does)
            try:
                out = self._z.decompress(data, _PIECE)
            except zlib.error:
                if not (self._fresh and not self._gzip):
                    raise
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._z.decompress(data, _PIECE)
            self._fresh = False
            if out:
                yield out
            data = self._z.unconsumed_tail
            # A full piece may leave output pending inside zlib even with no input left.
            if not data and len(out) < _PIECE:
                return


def _layers(status_code: int, encodings: Iterable[str]) -> list[_Inflate]:
    """The decoders for the response's ``Content-Encoding`` values, in the order to apply them."""
    names = [name.strip().lower() for value in encodings for name in value.split(",")]
    names = [name for name in names if name not in ("", "identity")]
    if len(names) > MAX_ENCODINGS:
        raise _undecodable(status_code, f"{len(names)} stacked content encodings")
    unknown = [name for name in names if name not in ("gzip", "x-gzip", "deflate")]
    if unknown:
        raise _undecodable(status_code, f"content encoding {unknown[0][:40]!r} was not asked for")
    return [_Inflate(name) for name in reversed(names)]


class Body:
    """The body as it arrives: raw network chunks in, decoded, counted against the cap as each
    piece comes out, and checked against the deadline between chunks.

    Transport-neutral: it sees the status code and the headers (as ``(name, value)`` string
    pairs), so that the httpx path and the aiohttp channel share the one decoder and cap.
    """

    def __init__(
        self,
        status_code: int,
        headers: Iterable[tuple[str, str]],
        limit: int,
        deadline: Deadline,
        *,
        decoded: bool = False,
    ) -> None:
        self.status_code = status_code
        self._limit = limit
        self._deadline = deadline
        self.headers: list[tuple[str, str]] = []
        """The headers a complete response keeps: no encoding or framing left."""
        declared = ""
        encodings: list[str] = []
        for name, value in headers:
            lower = name.lower()
            if lower not in _FRAMING:
                self.headers.append((name, value))
            elif lower == "content-length":
                declared = value
            elif lower == "content-encoding":
                encodings.append(value)
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(status_code, limit)  # refused unread (the framing may still lie)
        self._layers = [] if decoded or not encodings else _layers(status_code, encodings)
        self._chunks: list[bytes] = []
        self._size = 0

    def feed(self, raw: bytes) -> None:
        self._deadline.check()
        if not self._layers:  # the common case: one plain piece
            self._size += len(raw)
            if self._size > self._limit:
                raise _too_large(self.status_code, self._limit)
            self._chunks.append(raw)
            return
        pieces: Iterable[bytes] = (raw,)
        for layer in self._layers:
            pieces = _through(layer, pieces)
        try:
            for piece in pieces:
                self._size += len(piece)
                if self._size > self._limit:
                    raise _too_large(self.status_code, self._limit)
                self._chunks.append(piece)
        except zlib.error as exc:
            raise _undecodable(self.status_code, f"zlib: {exc}") from None

    def feed_decoded(self, content: bytes) -> None:
        """A body some hook already read (and httpx decoded): only its size is checked."""
        if len(content) > self._limit:
            raise _too_large(self.status_code, self._limit)
        self._chunks.append(content)

    def content(self) -> bytes:
        """The whole decoded body; refused when it would cost too much to parse."""
        content = self._chunks[0] if len(self._chunks) == 1 else b"".join(self._chunks)
        self._chunks.clear()
        if len(content) > STATUS_MAX_BODY and content.count(b"{") > len(content) // _PER_OBJECT:
            # Whatever reads it next (any vendor's reader) would pay ~55x its size to parse it.
            raise MalformedResponse(
                f"the response body ({len(content)} bytes) is packed with more than one JSON "
                f"object per {_PER_OBJECT} bytes, too costly to parse",
                status_code=self.status_code,
                retryable=True,
                response=None,
            )
        return content


def _whole(original: httpx.Response, body: Body) -> httpx.Response:
    """A complete response holding the decoded body (no encoding or framing headers left)."""
    whole = httpx.Response(
        status_code=original.status_code,
        headers=body.headers,
        content=body.content(),
        request=original.request,
        extensions={k: v for k, v in original.extensions.items() if k in _KEPT},
    )
    with contextlib.suppress(RuntimeError):  # set once the original was closed
        whole.elapsed = original.elapsed
    return whole


def _open(response: httpx.Response, limit: int, deadline: Deadline) -> Body:
    return Body(
        response.status_code,
        response.headers.multi_items(),
        limit,
        deadline,
        decoded=response.is_stream_consumed,
    )


_FRAMING = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_KEPT = frozenset({"http_version", "reason_phrase"})


def _through(layer: _Inflate, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from layer.feed(piece)


class Deadline:
    """An absolute point on the monotonic clock (real time: the transport's own, whatever
    clock the engine was given), or none."""

    __slots__ = ("at", "timeout")

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.at = None if timeout is None else time.monotonic() + timeout

    def remaining(self) -> float | None:
        return None if self.at is None else self.at - time.monotonic()

    def over(self, margin: float = 0.0) -> bool:
        """True once less than ``margin`` seconds are left."""
        remaining = self.remaining()
        return remaining is not None and remaining < margin

    def error(self) -> Error:
        return too_slow(self.timeout or 0.0)

    def check(self) -> None:
        if self.over():
            raise self.error()


def send(
    client: httpx.Client,
    request: httpx.Request,
    limit: int = RESULT_MAX_BODY,
    deadline: Deadline | None = None,
) -> httpx.Response:
    """Send ``request`` (never following a redirect) and read its body, decoded, within
    ``limit`` bytes and before ``deadline``; the connection is released either way."""
    deadline = deadline or Deadline(None)
    response = client.send(request, stream=True, follow_redirects=False)
    try:
        body = _open(response, limit, deadline)
        if response.is_stream_consumed:  # a user's event hook read it
            body.feed_decoded(response.content)
        else:
            for raw in response.iter_raw():
                body.feed(raw)
        deadline.check()
    finally:
        response.close()
    return _whole(response, body)


async def asend(
    client: httpx.AsyncClient,
    request: httpx.Request,
    limit: int = RESULT_MAX_BODY,
    deadline: Deadline | None = None,
) -> httpx.Response:
    """The async twin of :func:`send`."""
    deadline = deadline or Deadline(None)
    response = await client.send(request, stream=True, follow_redirects=False)
    try:
        body = _open(response, limit, deadline)
        if response.is_stream_consumed:  # a user's event hook read it
            body.feed_decoded(response.content)
        else:
            async for raw in response.aiter_raw():
                body.feed(raw)
        deadline.check()
    finally:
        await response.aclose()
    return _whole(response, body)


def retry_after(response: httpx.Response, *, now: float | None = None) -> float | None:
    """The server's ``Retry-After`` in seconds (delta-seconds or an HTTP-date), or None.

    An HTTP-date is measured against the response's own ``Date`` header when it has one, so
    a skew between the server's clock and ours does not stretch or shrink the delay.
    """
    value = response.headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        when = _http_date(value)
        if when is None:
            return None
        served = _http_date(response.headers.get("date", ""))
        if served is not None:
            seconds = when - served
        else:
            seconds = when - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def _http_date(value: str) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return None if when.tzinfo is None else when.timestamp()


def excerpt(response: httpx.Response, secrets: Iterable[str] = ()) -> str:
    """A short one-line excerpt of the body, for error messages; secrets removed."""
    # Redact before cutting: a cut could leave half a secret that no longer matches.
    raw = response.content[:65536].decode("utf-8", errors="replace")
    text = re.sub(r"\s+", " ", redact(raw, secrets)).strip()
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def check(response: httpx.Response, *, what: str, secrets: Iterable[str] = ()) -> None:
    """Raise the typed error for a non-2xx ``response``; ``what`` names the thing asked for."""
    code = response.status_code
    if 200 <= code < 300:
        return
    body = excerpt(response, secrets)
    said = f" (server said: {body})" if body else ""
    hint = retry_after(response)
    if code in (401, 403):
        raise AuthError(
            f"the credentials were refused with HTTP {code}{said}; check the token or API key",
            response=response,
        )
    if code in (404, 410):
        raise JobNotFound(
            f"{what} was not found (HTTP {code}): a wrong id, or one the vendor no longer keeps",
            response=response,
        )
    if code == 429:
        raise RateLimited(
            f"rate limited (HTTP 429){said}",
            status_code=code,
            body_excerpt=body,
            retryable=True,
            response=response,
            retry_after=hint,
        )
    if 300 <= code < 400:
        where = redact(response.headers.get("location", "")[:200], secrets)
        raise APIError(
            f"HTTP {code} for {what}: a redirect{' to ' + where if where else ''}, not followed "
            "(jobpoll never sends credentials on to another address); point base_url at the "
            "final address",
            status_code=code,
            body_excerpt=body,
            response=response,
        )
    transient = code >= 500 or code in _TRANSIENT_4XX
    raise APIError(
        f"HTTP {code} for {what}{said}",
        status_code=code,
        body_excerpt=body,
        retryable=transient,
        response=response,
        retry_after=hint,
    )


def parse_json(response: httpx.Response, *, what: str, secrets: Iterable[str] = ()) -> Any:
    """The body as JSON, or a retryable :class:`MalformedResponse`."""
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError) as exc:
        kind = "an empty body" if not response.content.strip() else "a body that is not JSON"
        raise MalformedResponse(
            f"{what}: HTTP {response.status_code} with {kind} ({type(exc).__name__})",
            status_code=response.status_code,
            body_excerpt=excerpt(response, secrets),
            retryable=True,
            response=response,
        ) from None


def malformed(
    response: httpx.Response, what: str, problem: str, secrets: Iterable[str] = ()
) -> MalformedResponse:
    """A retryable error for a body that parsed but does not have the documented shape."""
    return MalformedResponse(
        f"{what}: the response does not have the documented shape ({redact(problem, secrets)})",
        status_code=response.status_code,
        body_excerpt=excerpt(response, secrets),
        retryable=True,
        response=response,
    )


def json_object(body: Any) -> dict[str, Any]:
    """``body`` if it is a JSON object; TypeError otherwise (read as a malformed response)."""
    if not isinstance(body, dict):
        raise TypeError("the body is not a JSON object")
    return body


Check = Callable[..., None]


def read_json(
    response: httpx.Response,
    build: Callable[[Any], T],
    *,
    what: str,
    secrets: Iterable[str] = (),
    check_status: Check = check,
) -> T:
    """Check ``response``'s status, parse its JSON, and ``build`` the typed value from it.

    Anything ``build`` chokes on (a missing key, a wrong type, a bad value) is the body not
    having the documented shape: a retryable :class:`MalformedResponse`, never a crash.
    """
    secrets = tuple(secrets)
    check_status(response, what=what, secrets=secrets)
    body = parse_json(response, what=what, secrets=secrets)
    try:
        return build(body)
    except KeyError as exc:
        problem = f"missing {exc}"
    except (TypeError, ValueError, AttributeError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    raise malformed(response, what, problem, secrets)


def read_object(
    response: httpx.Response,
    build: Callable[[dict[str, Any]], T],
    *,
    what: str,
    secrets: Iterable[str] = (),
    check_status: Check = check,
    unwrap: Callable[[Any], dict[str, Any]] = json_object,
) -> T:
    """:func:`read_json` of a JSON object: ``build`` gets what ``unwrap`` finds in the body
    (by default the body itself, which must be an object)."""
    return read_json(
        response,
        lambda body: build(unwrap(body)),
        what=what,
        secrets=secrets,
        check_status=check_status,
    )


def transport_error(exc: BaseException, secrets: Iterable[str] = ()) -> Error:
    """The typed :class:`jobpoll.Error` for anything a request raised on its way out or in:
    every ``httpx`` error, a decoder's or a codec's, an ``OSError``, or a custom transport's.

    Retryable when another try may go better (timeouts, resets, a server breaking HTTP, a body
    that does not decode); permanent when the request itself cannot be sent (an illegal header
    value, an invalid URL, an unsupported scheme). The message names the kind and, redacted, the
    first line of the detail; the original exception is not chained, as its text and its
    ``request`` may hold a credential.
    """
    if isinstance(exc, Error):
        return exc
    kind = type(exc).__name__
    detail = redact(str(exc).splitlines()[0] if str(exc) else "", secrets)
    if isinstance(exc, httpx.LocalProtocolError | UnicodeError | httpx.InvalidURL):
        # What we tried to send is not valid HTTP (a header value, a URL); the detail would
        # quote it, credential included, in an escaped form redaction cannot match.
        err: Error = _TransportError(f"the request could not be sent ({kind})")
        err.retryable = False
        err.unsent = True
        return err
    if isinstance(exc, httpx.DecodingError | zlib.error):
        return MalformedResponse(
            f"the response body could not be decoded ({kind}{': ' + detail if detail else ''})",
            retryable=True,
        )
    err = _TransportError(f"the request failed ({kind}{': ' + detail if detail else ''})")
    if isinstance(exc, httpx.UnsupportedProtocol) or not isinstance(
        exc, httpx.HTTPError | OSError | httpx.StreamError
    ):
        err.retryable = False  # not the network's doing: another try would do the same
    # Nothing reached the server: even a non-idempotent request is safe to send again.
    err.unsent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    return err
