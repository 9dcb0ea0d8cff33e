"""The credentials a simulator accepts: tokens or API keys, each valid for ever or until a
time of the simulator's clock."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from ._clock import Clock


class Credentials:
    """The accepted credentials and the current one (``primary``), which ``rotate`` replaces."""

    def __init__(
        self, primary: str, *, clock: Clock, fresh: Callable[[], str], lock: threading.RLock
    ) -> None:
        self.primary = primary
        self._clock = clock
        self._fresh = fresh
        self._lock = lock
        self._expires: dict[str, float | None] = {primary: None}

    def __iter__(self) -> Iterator[str]:
        """Every credential accepted now or until it expires."""
        with self._lock:
            return iter(list(self._expires))

    def grant(self, credential: str, *, expires_in: float | None = None) -> None:
        with self._lock:
            self._expires[credential] = (
                None if expires_in is None else self._clock.now() + expires_in
            )

    def revoke(self, credential: str | None = None) -> None:
        with self._lock:
            self._expires.pop(self.primary if credential is None else credential, None)

    def rotate(self) -> str:
        with self._lock:
            self._expires.pop(self.primary, None)
            self.primary = self._fresh()
            self._expires[self.primary] = None
            return self.primary

    def valid(self, credential: str | None) -> bool:
        if credential is None:
            return False
        with self._lock:
            if credential not in self._expires:
                return False
            expires = self._expires[credential]
            return expires is None or self._clock.now() < expires
