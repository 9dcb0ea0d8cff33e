"""The HTTP side of a client: one httpx client, its auth headers, and the send path.

Vendors describe a request as the keyword arguments of ``httpx.Client.build_request`` (the
generated clients' ``_get_kwargs`` produce exactly that); this module adds the base URL, the
credentials and the timeout, sends it with the size cap of ``_http``, and turns transport
failures into :class:`jobpoll.TransportError`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from . import _http
from ._errors import ClientClosed

Request = Mapping[str, Any]
"""``build_request`` keyword arguments: method, url (relative), params, json/content, headers."""

USER_AGENT = "jobpoll (+https://pypi.org/project/jobpoll/)"

_ORPHANS: set[asyncio.Task[httpx.Response]] = set()
"""Requests whose caller was cancelled, kept alive until they release their connection."""


def _forget(task: asyncio.Task[httpx.Response]) -> None:
    _ORPHANS.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not log it as never retrieved


class _Base:
    client: httpx.Client | httpx.AsyncClient
    _owned: bool

    def __init__(
        self,
        *,
        vendor: str,
        base_url: str,
        headers: Mapping[str, str],
        secrets: tuple[str, ...],
    ) -> None:
        self.vendor = vendor
        self.base_url = base_url
        self._headers = {"User-Agent": USER_AGENT, **headers}
        self.secrets = secrets
        self.closed = False

    def _adopt(self) -> None:
        # On a client we own, the fixed headers live on the client itself: merging them into
        # every request again costs more than anything else on the poll path. A client the
        # user passed in is left untouched, so they travel with each request instead.
        if self._owned:
            self.client.headers.update(self._headers)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.vendor} {self.base_url}>"

    def set_header(self, name: str, value: str) -> None:
        """Change a header sent with every request (a token obtained after construction)."""
        self._headers[name] = value
        if self._owned:
            self.client.headers[name] = value

    def build(self, request: Request, timeout: float) -> httpx.Request:
        if self.closed:
            raise ClientClosed(f"this {self.vendor} client is closed; create a new one")
        kwargs = dict(request)
        extra = kwargs.pop("headers", None)
        headers = {} if self._owned else self._headers
        if extra:
            headers = {**headers, **extra}
        url = self.base_url + kwargs.pop("url")
        return self.client.build_request(url=url, headers=headers, timeout=timeout, **kwargs)


class SyncHttp(_Base):
    """A vendor's sync HTTP channel."""

    def __init__(
        self,
        *,
        vendor: str,
        base_url: str,
        headers: Mapping[str, str],
        secrets: tuple[str, ...] = (),
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        max_body: int = _http.MAX_BODY_BYTES,
    ) -> None:
        super().__init__(vendor=vendor, base_url=base_url, headers=headers, secrets=secrets)
        self.max_body = max_body
        self._owned = client is None
        self.client: httpx.Client = client or httpx.Client(
            transport=transport, follow_redirects=False
        )
        self._adopt()

    def send(self, request: Request, timeout: float) -> httpx.Response:
        """Send and return the response with its body read (never more than the size cap)."""
        request_ = self.build(request, timeout)
        return _http.send(self.client, request_, self.max_body)

    def close(self) -> None:
        if not self.closed and self._owned:
            self.client.close()
        self.closed = True


class AsyncHttp(_Base):
    """A vendor's async HTTP channel."""

    def __init__(
        self,
        *,
        vendor: str,
        base_url: str,
        headers: Mapping[str, str],
        secrets: tuple[str, ...] = (),
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_body: int = _http.MAX_BODY_BYTES,
    ) -> None:
        super().__init__(vendor=vendor, base_url=base_url, headers=headers, secrets=secrets)
        self.max_body = max_body
        self._owned = client is None
        self.client: httpx.AsyncClient = client or httpx.AsyncClient(
            transport=transport, follow_redirects=False
        )
        self._adopt()

    async def send(self, request: Request, timeout: float) -> httpx.Response:
        """Send and return the response with its body read (never more than the size cap).

        Cancelling the caller returns at once; the request itself is left to finish (within
        its timeout) in the background, because httpcore keeps a connection checked out
        forever when a request is cancelled mid-flight (encode/httpcore#1093) and a
        long-lived client would run out of them.
        """
        request_ = self.build(request, timeout)
        task = asyncio.ensure_future(_http.asend(self.client, request_, self.max_body))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            _ORPHANS.add(task)
            task.add_done_callback(_forget)
            raise

    async def close(self) -> None:
        if not self.closed and self._owned:
            await self.client.aclose()
        self.closed = True
