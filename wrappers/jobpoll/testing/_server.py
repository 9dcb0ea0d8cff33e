"""Serving simulators over real HTTP with uvicorn: on the running loop, or in a thread.

uvicorn's own ``Server.serve()`` polls for shutdown every 0.1 s and sleeps 0.1 s more while
shutting down; a test fixture cannot afford that. So this module drives the documented pieces
(``Config.load``, ``Server.startup``) itself and shuts down on an event: a server starts and stops
in a few milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, Protocol

import uvicorn

from ._replies import Receive, Scope, Send

GRACE_SECONDS = 1.0
"""How long a stopping server lets in-flight requests finish before closing their sockets."""


class Servable(Protocol):
    """What the helpers serve: an ASGI app that wants to know where it is served."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None: ...

    def _attach(self, serving: Serving | None, origin: str | None) -> None: ...


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP (not 0): asyncio turns Nagle off only on sockets that say they are TCP, and
    # accepted sockets inherit it; with Nagle on, every keep-alive answer waits ~40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


def origin_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class Serving:
    """One uvicorn server for one app on one bound socket, living on the loop that started it."""

    def __init__(self, app: Servable, sock: socket.socket) -> None:
        self.app = app
        self.sock = sock
        self.origin = origin_of(sock)
        config = uvicorn.Config(
            app,
            http="h11",
            ws="none",
            lifespan="off",
            interface="asgi3",
            log_config=None,
            access_log=False,
            proxy_headers=False,
            server_header=False,
            date_header=False,
        )
        self.server = uvicorn.Server(config)
        self.closing: asyncio.Event | None = None

    async def start(self) -> None:
        config = self.server.config
        if not config.loaded:
            config.load()
        self.closing = asyncio.Event()
        self.server.lifespan = config.lifespan_class(config)
        await self.server.startup(sockets=[self.sock])
        self.app._attach(self, self.origin)

    def connection_for(self, scope: Scope) -> Any:
        """uvicorn's protocol object serving the request ``scope`` (to close its socket)."""
        for conn in list(self.server.server_state.connections):
            if getattr(conn, "scope", None) is scope or getattr(conn, "client", None) == scope.get(
                "client"
            ):
                return conn
        return None

    async def stop(self, grace: float = GRACE_SECONDS) -> None:
        server = self.server
        try:
            if self.closing is not None:
                self.closing.set()
            for listener in getattr(server, "servers", []):
                listener.close()
            state = server.server_state
            for conn in list(state.connections):
                conn.shutdown()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + grace
            # uvicorn offers no event for "all connections closed": poll briefly.
            while state.connections and loop.time() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.001)
            for conn in list(state.connections):
                transport = getattr(conn, "transport", None)
                if transport is not None:
                    transport.abort()
            tasks = [task for task in state.tasks if not task.done()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for listener in getattr(server, "servers", []):
                await listener.wait_closed()
        finally:
            self.sock.close()
            self.app._attach(None, None)


@contextlib.asynccontextmanager
async def serve_on_loop(
    apps: Sequence[Servable], host: str, ports: Sequence[int]
) -> AsyncIterator[list[Serving]]:
    """Serve ``apps`` on the running event loop until the block exits."""
    servings: list[Serving] = []
    try:
        for app, port in zip(apps, ports, strict=True):
            servings.append(Serving(app, bind(host, port)))
        for serving in servings:
            await serving.start()
        yield servings
    finally:
        await asyncio.gather(*(serving.stop() for serving in servings), return_exceptions=True)


class _Thread:
    """A background thread running one event loop that serves ``servings`` until stopped."""

    def __init__(self, servings: list[Serving], name: str) -> None:
        self.servings = servings
        self.ready = threading.Event()
        self.failure: BaseException | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop_event: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    async def _stop_all(self) -> None:
        await asyncio.gather(*(s.stop() for s in self.servings), return_exceptions=True)

    async def _main(self) -> None:
        self.stop_event = asyncio.Event()
        self.loop = asyncio.get_running_loop()
        try:
            for serving in self.servings:
                await serving.start()
        except BaseException as exc:
            self.failure = exc
            await self._stop_all()
            return
        finally:
            self.ready.set()
        try:
            await self.stop_event.wait()
        finally:
            await self._stop_all()

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # pragma: no cover - reported to the starting thread
            self.failure = self.failure or exc
        finally:
            self.ready.set()

    def start(self) -> None:
        self.thread.start()
        self.ready.wait()
        if self.failure is not None:
            self.thread.join()
            for serving in self.servings:
                serving.sock.close()
            raise RuntimeError(
                f"the simulator server did not start: {self.failure!r}"
            ) from self.failure

    def stop(self) -> None:
        if self.loop is not None and self.stop_event is not None:
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join()


@contextlib.contextmanager
def serve_in_thread(
    apps: Sequence[Servable], host: str, ports: Sequence[int], *, name: str = "jobpoll-simulator"
) -> Iterator[list[Serving]]:
    """Serve ``apps`` on a fresh event loop in one background thread until the block exits."""
    sockets: list[socket.socket] = []
    try:
        for port in ports:
            sockets.append(bind(host, port))
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    servings = [Serving(app, sock) for app, sock in zip(apps, sockets, strict=True)]
    runner = _Thread(servings, name)
    runner.start()
    try:
        yield servings
    finally:
        runner.stop()
