"""What the reliability tests share: one kit per vendor, and ways to count what is left open.

A :class:`Kit` knows how to build a vendor's simulator and its sync and async clients (always
over an ``httpx`` client we own, with a hook counting requests, so the pool can be inspected),
and what that vendor's bodies look like (JSON or XML) for the faults that need a raw body.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Literal

import attrs
import httpx

import jobpoll
from jobpoll._client import AsyncClient, SyncClient
from jobpoll.testing import (
    AlphaSMSSimulator,
    EdenAISimulator,
    FakeClock,
    PhraseMTSimulator,
    PhraseTMSSimulator,
    Simulator,
    VezaSimulator,
)

from .._both import Flavour, timing


@attrs.frozen
class Kit:
    """One vendor, as the tests drive it."""

    vendor: str
    sim_cls: type[Simulator]
    sync_cls: type[SyncClient]
    async_cls: type[AsyncClient]
    cred_kw: str
    """The client's credential argument: ``token`` or ``api_key``."""
    body: Literal["json", "xml"]
    sample_id: str
    """A well-formed job id the vendor would accept (for a server that is not there)."""
    base_path: str = ""

    @property
    def policy(self) -> jobpoll.PollPolicy:
        return self.sync_cls.default_policy

    def simulator(self, clock: FakeClock | None, credential: str | None = None) -> Simulator:
        cls: Any = self.sim_cls
        if credential is None and self.vendor == "phrase-mt":
            # Phrase's reference adapter checks no token unless one is configured; these
            # tests are about credentials too, so configure the simulator's own.
            credential = cls(clock=clock).token
        return cls(credential, clock=clock) if credential else cls(clock=clock)

    def client(
        self,
        flavour: Flavour,
        base_url: str,
        credential: str,
        *,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
        clock: FakeClock | None = None,
        **kw: Any,
    ) -> Any:
        """A client of ``flavour``; on ``clock`` (fake) when given, else on the real clock."""
        kw[self.cred_kw] = credential
        if clock is not None:
            kw.update(timing(flavour, clock))
        kw.setdefault("random", lambda: 0.5)  # no jitter: delays are exact
        cls = self.sync_cls if flavour == "sync" else self.async_cls
        return cls(base_url=base_url, http_client=http_client, **kw)

    def truncated_body(self) -> bytes:
        if self.body == "xml":
            return b'<?xml version="1.0" encoding="utf-8"?>\n<package><job><progress>4'
        return b'{"id": "1", "status": "proc'

    def null_body(self) -> bytes:
        """A body that is ``null`` where the poll answer's object is documented."""
        if self.body == "xml":
            return b'<?xml version="1.0" encoding="utf-8"?>\n<package><job/></package>'
        return b"null"

    @property
    def content_type(self) -> str:
        return "text/xml; charset=utf-8" if self.body == "xml" else "application/json"


KITS: dict[str, Kit] = {
    kit.vendor: kit
    for kit in (
        Kit(
            "phrase-tms",
            PhraseTMSSimulator,
            jobpoll.PhraseTMS,
            jobpoll.AsyncPhraseTMS,
            "token",
            "json",
            "700000123",
            "/web",
        ),
        Kit(
            "phrase-mt",
            PhraseMTSimulator,
            jobpoll.PhraseMT,
            jobpoll.AsyncPhraseMT,
            "token",
            "json",
            "0b7c9e2a-2f7e-4a8e-9a57-3c1d2e4f5a6b",
        ),
        Kit("veza", VezaSimulator, jobpoll.Veza, jobpoll.AsyncVeza, "api_key", "json", "task-1"),
        Kit(
            "edenai",
            EdenAISimulator,
            jobpoll.EdenAI,
            jobpoll.AsyncEdenAI,
            "api_key",
            "json",
            "5b6f2d1e-8c3a-4c55-9e0d-2b8f1a7c9d41",
        ),
        Kit(
            "alphasms",
            AlphaSMSSimulator,
            jobpoll.AlphaSMS,
            jobpoll.AsyncAlphaSMS,
            "api_key",
            "xml",
            "8714ea91e9bb454d25ef42ba6f18ea4e",
        ),
    )
}
VENDORS: tuple[str, ...] = tuple(KITS)


def canary(label: str = "canary") -> str:
    """A unique token that must never show anywhere."""
    return f"{label}-{uuid.uuid4().hex}"


# --- httpx clients we own, and what they have open ----------------------------------------------


SSL_CONTEXT = ssl.create_default_context()
"""Shared by the httpx clients we build: loading the CA bundle costs ~30 ms per client."""


class Counter:
    """Counts the requests an httpx client starts (refused connections included)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def sync_hook(self, request: httpx.Request) -> None:
        self.requests.append(request)

    async def async_hook(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def sync_client(self) -> httpx.Client:
        return httpx.Client(verify=SSL_CONTEXT, event_hooks={"request": [self.sync_hook]})

    def async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(verify=SSL_CONTEXT, event_hooks={"request": [self.async_hook]})


def busy_connections(client: httpx.Client | httpx.AsyncClient) -> int:
    """Connections of ``client``'s pool still serving a request (a response never released),
    plus requests waiting for one. Idle keep-alive connections are reuse, not leaks."""
    pool: Any = client._transport._pool  # type: ignore[union-attr]
    busy = [c for c in pool.connections if not (c.is_idle() or c.is_closed())]
    return len(busy) + len(pool._requests)


def open_connections(sim: Simulator) -> int:
    """Connections the served simulator still has open."""
    serving = sim._serving
    return 0 if serving is None else len(serving.server.server_state.connections)


def settle_sync(sim: Simulator, within: float = 2.0) -> int:
    """Open simulator connections, after giving closed ones ``within`` seconds to go."""
    deadline = time.monotonic() + within
    while open_connections(sim) and time.monotonic() < deadline:
        time.sleep(0.002)
    return open_connections(sim)


async def settle_async(sim: Simulator, within: float = 2.0) -> int:
    deadline = time.monotonic() + within
    while open_connections(sim) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.002)
    return open_connections(sim)


@contextlib.contextmanager
def dead_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections: bound (so nobody else gets it), never
    listening."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
    finally:
        sock.close()


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


def wait_until(check: Callable[[], bool], within: float = 2.0) -> bool:
    deadline = time.monotonic() + within
    while not check() and time.monotonic() < deadline:
        time.sleep(0.002)
    return check()
