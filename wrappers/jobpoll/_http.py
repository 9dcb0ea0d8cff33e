"""httpx plumbing every vendor shares: sending with a size cap, and telling a transient
failure from a permanent one.

What is transient (retried by the engine): connection errors and timeouts, 408, 425, 429,
every status >= 500 (including non-IANA codes such as 520 from a CDN) and bodies that do not
parse. What is permanent (raised at once): 401/403 (:class:`AuthError`), 404/410
(:class:`JobNotFound`), every other 4xx (:class:`APIError`, 422 included).
"""

from __future__ import annotations

import email.utils
import json
import math
import re
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import httpx

from ._errors import APIError, AuthError, Error, JobNotFound, MalformedResponse, RateLimited
from ._errors import TransportError as _TransportError
from ._redact import redact as redact  # noqa: PLC0414  # re-exported: it moved to _redact

MAX_BODY_BYTES = 8 * 1024 * 1024
"""A status body larger than this is refused: no vendor's status document comes near it."""

T = TypeVar("T")

_EXCERPT = 160
_TRANSIENT_4XX = frozenset({408, 425, 429})


def _capped_response(response: httpx.Response, body: bytes) -> httpx.Response:
    return httpx.Response(
        status_code=response.status_code,
        headers=response.headers,
        content=body,
        request=response.request,
    )


def _too_large(response: httpx.Response, limit: int) -> MalformedResponse:
    return MalformedResponse(
        f"the response body is larger than {limit} bytes",
        status_code=response.status_code,
        retryable=True,
        response=None,
    )


def _declared(response: httpx.Response, limit: int) -> int | None:
    """The body's size when the headers pin it down (an identity-encoded Content-Length);
    a compressed body can inflate past any declared length, so it counts as undeclared."""
    declared = response.headers.get("content-length", "")
    if not declared.isdigit():
        return None
    if int(declared) > limit:
        raise _too_large(response, limit)
    if response.headers.get("content-encoding", "identity").lower() not in ("", "identity"):
        return None
    return int(declared)


def send(
    client: httpx.Client, request: httpx.Request, limit: int = MAX_BODY_BYTES
) -> httpx.Response:
    """Send ``request`` and read at most ``limit`` bytes of the body; the connection is released."""
    response = client.send(request, stream=True)
    try:
        if _declared(response, limit) is not None:
            # The transport stops at Content-Length, so reading it all is within the cap.
            response.read()
            return response
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(response, limit)
            chunks.append(chunk)
    finally:
        response.close()
    return _capped_response(response, b"".join(chunks))


async def asend(
    client: httpx.AsyncClient, request: httpx.Request, limit: int = MAX_BODY_BYTES
) -> httpx.Response:
    """The async twin of :func:`send`."""
    response = await client.send(request, stream=True)
    try:
        if _declared(response, limit) is not None:
            await response.aread()
            return response
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(response, limit)
            chunks.append(chunk)
    finally:
        await response.aclose()
    return _capped_response(response, b"".join(chunks))


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


def transport_error(exc: httpx.TransportError | OSError) -> Error:
    """A retryable :class:`jobpoll.TransportError` for an httpx transport failure."""
    kind = type(exc).__name__
    detail = str(exc).splitlines()[0] if str(exc) else ""
    err = _TransportError(f"the request failed ({kind}{': ' + detail if detail else ''})")
    # Nothing reached the server: even a non-idempotent request is safe to send again.
    err.unsent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
    return err
