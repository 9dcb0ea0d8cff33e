"""The HTTP side of a client: one httpx client, its auth headers, and the send path.

Vendors describe a request as the keyword arguments of ``httpx.Client.build_request`` (the
generated clients' ``_get_kwargs`` produce exactly that); this module adds the base URL, the
credentials and the timeout, and sends it with the size cap and the deadline of
``_http``. It converts no failure itself: whatever a send raises becomes a typed
:class:`jobpoll.Error` in
:func:`jobpoll._http.transport_error` (httpx) or :func:`jobpoll._aiohttp.failed`
(aiohttp); :meth:`_Base.failed` only hands it there and names the channel's vendor.

The deadline. ``send(request, timeout)`` returns or raises within ``timeout`` seconds of real
time, end to end, whatever the server does. httpx's own timeouts are per operation, and every
byte a server trickles resets them; so each request runs under an absolute deadline (a
context variable, so that it follows the request into httpcore and into an asyncio task), and
the httpcore pools of the httpx clients we use get a network backend that clamps every
connect, read and write to the time left and raises a timeout once none is. No thread is
involved. The body loop checks the same deadline between chunks (the one guard that works
for any transport), and an async send is also bounded by ``asyncio.timeout``.
"""

from __future__ import annotations

import asyncio
import contextvars
import ssl
import threading
import time
import typing
from collections.abc import Callable, Generator, Iterable, Mapping
from typing import Any, TypeVar

import attrs
import httpcore
import httpx

from . import _aiohttp, _http
from ._errors import ClientClosed, Error

Request = Mapping[str, Any]
"""``build_request`` keyword arguments: method, url (relative), params, json/content, headers;
plus jobpoll's own ``carries_result``: True when the answer may hold a job's result, so that
its body gets the result cap rather than the status cap."""

T = TypeVar("T")

USER_AGENT = "jobpoll (+https://pypi.org/project/jobpoll/)"

ACCEPT_ENCODING = "gzip, deflate"
"""What we decode ourselves, incrementally and under the cap (never br or zstd)."""

ORPHAN_GRACE = 1.0
"""How long past its deadline an abandoned async request may take to wind down before it is
cancelled outright (the deadline backend normally ends it at the deadline itself)."""

SETTLE = 0.1
"""Seconds an async caller gives a request on a guarded pool, past its deadline, to end
itself (and release its connection) before the caller stops waiting for it."""

_ON_TIME = 0.05
"""A timeout this close to the request's deadline is the deadline's doing."""

_ORPHANS: set[asyncio.Task[httpx.Response]] = set()
"""Requests whose caller was cancelled or gave up, kept alive until they release their
connection: each ends by its own deadline (plus ``ORPHAN_GRACE`` at worst)."""

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "jobpoll_deadline", default=None
)
"""The monotonic time by which the request in flight in this context must be done."""


def _forget(task: asyncio.Task[httpx.Response]) -> None:
    _ORPHANS.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not log it as never retrieved


# --- the deadline inside httpcore ---------------------------------------------------------------


def _clamp(timeout: float | None, late: type[Exception]) -> float | None:
    """``timeout`` cut to the time left before the request's deadline; ``late`` once none is."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout  # not one of our requests: the stream behaves as httpcore's own
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise late("the request's deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        clamped = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, clamped))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """httpcore's network backend with every socket operation held to the request's deadline."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        clamped = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(
            self._backend.connect_tcp(host, port, clamped, local_address, socket_options)
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        clamped = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, clamped, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        clamped = _clamp(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, clamped))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    """The async twin of :class:`_Backend`."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        clamped = _clamp(timeout, httpcore.ConnectTimeout)
        stream = await self._backend.connect_tcp(host, port, clamped, local_address, socket_options)
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        clamped = _clamp(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._backend.connect_unix_socket(path, clamped, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def guard(client: httpx.Client | httpx.AsyncClient) -> bool:
    """Put the deadline backend under every httpcore pool of ``client`` (its transport and
    its mounts, proxies included); True if every one of them has it.

    Outside a jobpoll request the backend passes everything through unchanged, so a client
    the user shares with other code behaves as before for that code. Connections the pool
    opened before this keep their unguarded streams (a transport without an httpcore pool,
    such as a mock, is not guarded at all): for those the deadline is held between body
    chunks, and in async code by ``asyncio.timeout``.
    """
    # Private attributes of httpx (0.18 to 0.28): read defensively, so that a future httpx
    # that moves them costs the guard, never the client.
    mounts: Mapping[object, object] = getattr(client, "_mounts", None) or {}
    transports: Iterable[object] = [getattr(client, "_transport", None), *mounts.values()]
    guarded = True
    for transport in transports:
        if transport is None:
            continue
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, _Backend | _AsyncBackend):
            continue
        if isinstance(backend, httpcore.NetworkBackend):
            pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
        elif isinstance(backend, httpcore.AsyncNetworkBackend):
            pool._network_backend = _AsyncBackend(backend)  # type: ignore[union-attr]
        else:
            guarded = False
    return guarded


# --- the channels -------------------------------------------------------------------------------


SendFlow = Generator["Request | Exclusive", Any, T]
"""A request's exchange on one channel, sans I/O (httpx's ``auth_flow``): it yields the
requests to send (or an :class:`Exclusive` part), is sent back each response (or has the
send's error thrown in), and returns what the caller gets. Both channels drive it, within the
one timeout the engine gave the request."""

AuthFlow = Callable[["SyncHttp | AsyncHttp", Request], SendFlow[httpx.Response]]
"""What a channel sends a request through, when it has one (Phrase TMS's password login)."""

LEAST = 0.001
"""The least timeout a request of a flow is sent with once the flow's time is spent: it then
fails as a timeout (typed, retryable) rather than being sent with none."""


@attrs.frozen
class Exclusive:
    """Part of a :data:`SendFlow` the channel runs one at a time, however many requests are
    under way (a login: the requests waiting for it find it done)."""

    flow: SendFlow[Any]


def _remaining(end: float) -> float:
    """Seconds until ``end`` (monotonic), at least :data:`LEAST`."""
    return max(end - time.monotonic(), LEAST)


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
        max_body: int,
        result_max_body: int,
        auth_flow: AuthFlow | None,
    ) -> None:
        self.auth_flow = auth_flow
        """Every request goes through it when set (see :data:`SendFlow`)."""
        self.vendor = vendor
        self.base_url = base_url
        self._headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING, **headers}
        self.secrets = secrets
        self.max_body = max_body
        """The cap on a decoded status body."""
        self.result_max_body = result_max_body
        """The cap on a decoded body that may carry a result."""
        self.closed = False

    def _adopt(self) -> None:
        # On a client we own, the fixed headers live on the client itself: merging them into
        # every request again costs more than anything else on the poll path. A client the
        # user passed in is left untouched, so they travel with each request instead.
        if self._owned:
            self.client.headers.update(self._headers)
        self.guarded = guard(self.client)

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
        kwargs.pop("carries_result", None)
        extra = kwargs.pop("headers", None)
        headers = {} if self._owned else self._headers
        if extra:
            headers = {**headers, **extra}
        url = self.base_url + kwargs.pop("url")
        return self.client.build_request(url=url, headers=headers, timeout=timeout, **kwargs)

    def limit(self, request: Request) -> int:
        """The cap on the decoded body of ``request``'s answer."""
        return self.result_max_body if request.get("carries_result") else self.max_body

    def failed(self, exc: BaseException, deadline: _http.Deadline | None = None) -> Error:
        """``exc`` as a typed error naming this channel's vendor, secrets redacted; a timeout
        at the request's deadline says so."""
        if isinstance(exc, httpx.TimeoutException) and deadline and deadline.over(_ON_TIME):
            exc = deadline.error()
        err = _http.transport_error(exc, self.secrets)  # redacts what it quotes of ``exc``
        err.vendor = err.vendor or self.vendor
        return err


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
        max_body: int = _http.STATUS_MAX_BODY,
        result_max_body: int = _http.RESULT_MAX_BODY,
        auth_flow: AuthFlow | None = None,
    ) -> None:
        super().__init__(
            vendor=vendor,
            base_url=base_url,
            headers=headers,
            secrets=secrets,
            max_body=max_body,
            result_max_body=result_max_body,
            auth_flow=auth_flow,
        )
        self._owned = client is None
        self.client: httpx.Client = client or httpx.Client(
            transport=transport, follow_redirects=False
        )
        self._lock = threading.Lock()
        self._adopt()

    def send(self, request: Request, timeout: float) -> httpx.Response:
        """Send and return the response with its body read and decoded (never more than the
        cap), within ``timeout`` seconds of real time; every failure a :class:`jobpoll.Error`."""
        if self.auth_flow is None:
            return self._send(request, timeout)
        return self._run(self.auth_flow(self, request), time.monotonic() + timeout)

    def _run(self, flow: SendFlow[T], end: float) -> T:
        """Drive ``flow``: each request it yields sent within what is left until ``end``."""
        try:
            step = next(flow)
            while True:
                try:
                    if isinstance(step, Exclusive):
                        with self._lock:
                            value = self._run(step.flow, end)
                    else:
                        value = self._send(step, _remaining(end))
                except Error as err:  # the channel raises nothing else
                    step = flow.throw(err)
                else:
                    step = flow.send(value)
        except StopIteration as stop:
            return typing.cast(T, stop.value)
        finally:
            flow.close()

    def _send(self, request: Request, timeout: float) -> httpx.Response:
        deadline = _http.Deadline(timeout)
        token = _DEADLINE.set(deadline.at)
        try:
            return _http.send(
                self.client, self.build(request, timeout), self.limit(request), deadline
            )
        except Error as err:
            raise self.failed(err) from None
        except Exception as exc:  # every failure of a request becomes typed
            raise self.failed(exc, deadline) from None
        finally:
            _DEADLINE.reset(token)

    def close(self) -> None:
        if not self.closed and self._owned:
            self.client.close()
        self.closed = True


class AsyncHttp(_Base):
    """A vendor's async HTTP channel.

    With neither ``client`` nor ``transport`` it sends over aiohttp (:mod:`jobpoll._aiohttp`,
    the fast default); given either, over httpx, exactly as before.
    """

    def __init__(
        self,
        *,
        vendor: str,
        base_url: str,
        headers: Mapping[str, str],
        secrets: tuple[str, ...] = (),
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_body: int = _http.STATUS_MAX_BODY,
        result_max_body: int = _http.RESULT_MAX_BODY,
        auth_flow: AuthFlow | None = None,
    ) -> None:
        super().__init__(
            vendor=vendor,
            base_url=base_url,
            headers=headers,
            secrets=secrets,
            max_body=max_body,
            result_max_body=result_max_body,
            auth_flow=auth_flow,
        )
        self._owned = client is None
        self._lock = asyncio.Lock()
        self._aio: _aiohttp.Channel | None = None
        if client is None and transport is None:
            self._aio = _aiohttp.Channel(self._headers)
            self.guarded = True
            return
        self.client: httpx.AsyncClient = client or httpx.AsyncClient(
            transport=transport, follow_redirects=False
        )
        self._adopt()

    @property
    def channel(self) -> str:
        """``"aiohttp"`` (the default) or ``"httpx"`` (a client or transport was given)."""
        return "httpx" if self._aio is None else "aiohttp"

    def set_header(self, name: str, value: str) -> None:
        if self._aio is None:
            super().set_header(name, value)
        else:
            self._headers[name] = value
            self._aio.set_header(name, value)

    async def send(self, request: Request, timeout: float) -> httpx.Response:
        """Send and return the response with its body read (never more than the cap), within
        ``timeout`` seconds of real time; every failure a :class:`jobpoll.Error`."""
        if self.auth_flow is None:
            return await self._send(request, timeout)
        return await self._run(self.auth_flow(self, request), time.monotonic() + timeout)

    async def _run(self, flow: SendFlow[T], end: float) -> T:
        """:meth:`SyncHttp._run` on the event loop."""
        try:
            step = next(flow)
            while True:
                try:
                    if isinstance(step, Exclusive):
                        async with self._lock:
                            value = await self._run(step.flow, end)
                    else:
                        value = await self._send(step, _remaining(end))
                except Error as err:  # the channel raises nothing else
                    step = flow.throw(err)
                else:
                    step = flow.send(value)
        except StopIteration as stop:
            return typing.cast(T, stop.value)
        finally:
            flow.close()

    async def _send(self, request: Request, timeout: float) -> httpx.Response:
        """One request. On httpx it runs as a task of its own. When the caller is cancelled,
        or the deadline comes first, the caller returns at once and the task is left to wind
        down in the background, where it ends by the same deadline (the network backend), or
        is cancelled ``ORPHAN_GRACE`` after it: httpcore keeps a connection checked out
        forever when a request is cancelled mid-flight (encode/httpcore#1093), so a task is
        cancelled only when nothing else ended it. The aiohttp channel needs none of that:
        aiohttp is asyncio through and through, so its request runs in the caller's task
        under one ``asyncio.timeout`` and is closed, connection and all, when it is cut short.
        """
        if self._aio is not None:
            return await self._asend(self._aio, request, timeout)
        try:
            request_ = self.build(request, timeout)
        except Error:
            raise
        except Exception as exc:  # every failure of a request becomes typed
            raise self.failed(exc) from None
        deadline = _http.Deadline(timeout)
        task = asyncio.ensure_future(self._exchange(request_, self.limit(request), deadline))
        # On a guarded pool the task ends itself at the deadline, its connection released;
        # a moment's slack lets it, rather than leave an orphan holding the connection.
        bound = timeout + (SETTLE if self.guarded else 0.0)
        try:
            async with asyncio.timeout(bound):
                return await asyncio.shield(task)
        except TimeoutError:
            self._orphan(task)
            raise self.failed(_http.too_slow(timeout)) from None
        except asyncio.CancelledError:
            self._orphan(task)
            raise

    async def _exchange(
        self, request: httpx.Request, limit: int, deadline: _http.Deadline
    ) -> httpx.Response:
        _DEADLINE.set(deadline.at)  # this task's own context: the caller's is untouched
        timeout_s = typing.cast(float, deadline.timeout)
        try:
            async with asyncio.timeout(timeout_s + ORPHAN_GRACE):
                return await _http.asend(self.client, request, limit, deadline)
        except TimeoutError:  # asyncio's backstop (or a raw socket timeout from a transport)
            raise self.failed(_http.too_slow(timeout_s)) from None
        except Error as err:
            raise self.failed(err) from None
        except Exception as exc:  # every failure of a request becomes typed
            raise self.failed(exc, deadline) from None

    async def _asend(
        self, aio: _aiohttp.Channel, request: Request, timeout: float
    ) -> httpx.Response:
        if self.closed:
            raise ClientClosed(f"this {self.vendor} client is closed; create a new one")
        try:
            return await aio.send(
                request, self.base_url, request.get("headers"), self.limit(request), timeout
            )
        except TimeoutError:  # the deadline, over the whole exchange
            raise self.failed(_http.too_slow(timeout)) from None
        except Error as err:
            raise self.failed(err) from None
        except Exception as exc:  # every failure of a request becomes typed
            raise self.failed(_aiohttp.failed(exc, self.secrets)) from None

    @staticmethod
    def _orphan(task: asyncio.Task[httpx.Response]) -> None:
        if not task.done():
            _ORPHANS.add(task)
            task.add_done_callback(_forget)
        elif not task.cancelled():
            task.exception()

    async def close(self) -> None:
        if not self.closed and self._aio is not None:
            await self._aio.close()
        elif not self.closed and self._owned:
            await self.client.aclose()
        self.closed = True
