"""Replies and how they reach the wire: the :class:`Reply` value, header and body helpers, and
:class:`Exchange`, one request's ASGI connection with the few ways a simulator answers on it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as _dt
import email.utils
import http
import math
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ._server import Serving

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

JSON = "application/json"
HTML = "text/html; charset=utf-8"
_HOLD_POLL = 0.005


@attrs.define(kw_only=True)
class Reply:
    """A complete HTTP answer, before faults and sending."""

    status: int
    body: bytes = b""
    content_type: str | None = JSON
    headers: list[tuple[str, str]] = attrs.field(factory=list)
    hold: Callable[[], Reply | None] | None = None
    """Set to hold the request: called (under the simulator's lock) every few milliseconds
    until it returns the final reply, as a server that answers only once a job ends."""


def http_date(epoch_seconds: float, *, round_up: bool = False) -> str:
    """An IMF-fixdate; whole seconds, rounded down (or up: a Retry-After must not come early)."""
    whole = math.ceil(epoch_seconds) if round_up else math.floor(epoch_seconds)
    return email.utils.formatdate(whole, usegmt=True)


def iso_utc(epoch_seconds: float, *, suffix: str = "Z") -> str:
    """``2025-01-01T00:00:00Z`` (RFC 3339, whole seconds)."""
    moment = _dt.datetime.fromtimestamp(int(epoch_seconds), tz=_dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + suffix


def reason(status: int) -> str:
    """The status's reason phrase (``Service Unavailable``), ``Unknown Error`` for e.g. 520."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown Error"


def html_page(status: int) -> bytes:
    """An nginx-style error page, as a proxy in front of a vendor sends."""
    title = f"{status} {reason(status)}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


async def read_body(receive: Receive) -> bytes:
    """A request's whole body (what arrived before a disconnect)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _wait_disconnect(receive: Receive) -> None:
    async def wait() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wait(), timeout=5)


class SimulatedDisconnect(ConnectionAbortedError):
    """Raised by a ``drop``/``truncated`` fault when the app is not served by these helpers."""


@attrs.define(kw_only=True)
class Exchange:
    """One request on its ASGI connection: runs the vendor's handler when asked and sends
    answers, whole, in pieces, late, or not at all (the moves fault kinds are made of)."""

    scope: Scope
    receive: Receive
    send_message: Send
    handler: Callable[[], Reply]
    """The vendor's answer to this request, faults aside."""
    unavailable: Callable[[], Reply]
    """The vendor's 503, for a held request whose server stops first."""
    wall: Callable[[], float]
    lock: threading.RLock
    serving: Serving | None

    async def handled(self) -> Reply:
        """The vendor's final answer: a held one (:attr:`Reply.hold`) is waited for."""
        reply = self.handler()
        while reply.hold is not None:
            with self.lock:
                final = reply.hold()
            if final is not None:
                return final
            if self._closing():
                return self.unavailable()
            await asyncio.sleep(_HOLD_POLL)
        return reply

    def _closing(self) -> bool:
        closing = self.serving.closing if self.serving is not None else None
        return closing is not None and closing.is_set()

    async def start(self, reply: Reply, length: int | None) -> None:
        """Send the status line and headers (``length``: the Content-Length, None for none)."""
        headers: list[tuple[bytes, bytes]] = []
        if reply.content_type is not None:
            headers.append((b"content-type", reply.content_type.encode("latin-1")))
        if length is not None:
            headers.append((b"content-length", str(length).encode()))
        headers.append((b"date", http_date(self.wall()).encode()))
        headers.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers)
        await self.send_message(
            {"type": "http.response.start", "status": reply.status, "headers": headers}
        )

    async def write(self, body: bytes, *, more: bool) -> None:
        await self.send_message({"type": "http.response.body", "body": body, "more_body": more})

    async def send(self, reply: Reply) -> None:
        """Send ``reply`` whole."""
        await self.start(reply, len(reply.body))
        await self.write(reply.body, more=False)

    async def pause(self, seconds: float) -> None:
        """Wait ``seconds`` of real time, or less if the server stops meanwhile."""
        closing = self.serving.closing if self.serving is not None else None
        if closing is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing.wait(), timeout=seconds)

    async def drop(self) -> None:
        """Close the connection under the request."""
        conn = self.serving.connection_for(self.scope) if self.serving is not None else None
        transport = getattr(conn, "transport", None)
        if transport is None:
            raise SimulatedDisconnect("simulated dropped connection")
        transport.close()
        await _wait_disconnect(self.receive)
