"""The vendor registry: command-line names to client classes, imported on first use."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from ._client import AsyncClient, SyncClient

_CLIENTS: dict[str, tuple[str, str, str]] = {
    "phrase-tms": ("jobpoll.phrase_tms", "PhraseTMS", "AsyncPhraseTMS"),
    "phrase-mt": ("jobpoll.phrase_mt", "PhraseMT", "AsyncPhraseMT"),
    "veza": ("jobpoll.veza", "Veza", "AsyncVeza"),
    "edenai": ("jobpoll.edenai", "EdenAI", "AsyncEdenAI"),
    "alphasms": ("jobpoll.alphasms", "AlphaSMS", "AsyncAlphaSMS"),
}

NAMES: tuple[str, ...] = tuple(_CLIENTS)

ENV: dict[str, tuple[str, str]] = {
    "phrase-tms": ("PHRASE_TMS_TOKEN", "PHRASE_TMS_URL"),
    "phrase-mt": ("PHRASE_MT_TOKEN", "PHRASE_MT_URL"),
    "veza": ("VEZA_API_KEY", "VEZA_URL"),
    "edenai": ("EDENAI_API_KEY", "EDENAI_URL"),
    "alphasms": ("ALPHASMS_API_KEY", "ALPHASMS_URL"),
}
"""Per vendor: the environment variables of its credential and of its base URL."""


class SyncFactory(Protocol):
    """What every sync vendor client class accepts (credentials default to the environment)."""

    def __call__(self, *, base_url: str | None = None) -> SyncClient: ...


class AsyncFactory(Protocol):
    """What every async vendor client class accepts (credentials default to the environment)."""

    def __call__(self, *, base_url: str | None = None) -> AsyncClient: ...


def sync_client(name: str) -> SyncFactory:
    """The sync client class of vendor ``name`` (one of :data:`NAMES`)."""
    module, sync, _ = _CLIENTS[name]
    return cast(SyncFactory, getattr(importlib.import_module(module), sync))


def async_client(name: str) -> AsyncFactory:
    """The async client class of vendor ``name`` (one of :data:`NAMES`)."""
    module, _, aio = _CLIENTS[name]
    return cast(AsyncFactory, getattr(importlib.import_module(module), aio))
