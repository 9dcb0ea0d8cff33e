"""Lanes: what everything in this process that talks to one vendor account shares.

A :class:`Lane` holds an account's request rate (a minimum spacing between request starts),
its concurrency cap (requests in flight), and the backoff a rate-limit answer imposed (no
request starts before that instant). Every wait, one-shot call and many-job wait of a client
goes through its lane, so a ``429``/``Retry-After`` seen by one of them slows all the others
instead of each discovering the limit by itself.

The lane decides nothing and never sleeps. It is shared state with three parts:

* **time** (rate spacing and backoff) is read and written by the state machines of ``_core``
  (:class:`jobpoll._core.Gate` is what they see): before each request the machine asks when
  the lane lets a request start, sleeps until then within its deadline (or raises
  ``WaitTimeout`` when that is past it), and takes its turn; after a rate-limit answer it
  closes the lane for the delay it chose for itself;
* **slots** (the concurrency cap) are held by the drivers around each send, within the
  request's timeout (a connection pool's limit works the same way);
* **identity**: by default one lane per account in the process (:func:`shared`), keyed by
  vendor, base URL, a fingerprint of the credentials (a keyed hash: never the credentials)
  and the client's clock; ``client.lane = Lane(...)`` shares an explicit one instead.

Times are instants on the clock of the clients using the lane (clients of one lane share a
clock: the default lanes are keyed by it).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import os
import threading
import weakref
from collections import deque
from collections.abc import Callable, Hashable, Sequence

from ._errors import TransportError

_KEY = os.urandom(16)
"""The process's key for credential fingerprints: they mean nothing outside this process."""


def _rate(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"rate must be requests per second, got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"rate must be requests per second > 0, got {value!r}")
    return float(value)


def _cap(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"concurrency must be a whole number >= 1, got {value!r}")
    return value


class _Waiter:
    """A sync caller waiting for a slot."""

    __slots__ = ("event", "granted")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.granted = False


class Lane:
    """One vendor account's limits in this process: request rate, concurrency, and the
    backoff a rate-limit answer imposed, shared by every client and wait that uses it.

    ``rate``: request starts per second at most (None: no spacing); ``concurrency``: requests
    in flight at most (None: no cap). Every client has one (``client.lane``): by default the
    one lane of its account in this process; assign a ``Lane`` to share one explicitly.
    """

    __slots__ = (
        "__weakref__",
        "_busy",
        "_cap",
        "_closed_until",
        "_interval",
        "_lock",
        "_next",
        "_queue",
        "_takes_backoff",
        "name",
    )

    def __init__(
        self, *, rate: float | None = None, concurrency: int | None = None, name: str = "lane"
    ) -> None:
        self.name: str = name
        self._interval = 0.0
        self._cap: int | None = None
        self.limit(rate=rate, concurrency=concurrency)
        self._next = -math.inf
        self._closed_until = -math.inf
        self._busy = 0
        self._queue: deque[_Waiter | asyncio.Future[None]] = deque()
        self._lock = threading.Lock()
        self._takes_backoff = True

    def __repr__(self) -> str:
        return f"<Lane {self.name} rate={self.rate} concurrency={self.concurrency}>"

    def limit(self, *, rate: float | None = None, concurrency: int | None = None) -> None:
        """Set the lane's rate (requests per second) and concurrency cap (None: none)."""
        r, c = _rate(rate), _cap(concurrency)
        self._interval = 0.0 if r is None else 1.0 / r
        self._cap = c

    @property
    def rate(self) -> float | None:
        """Request starts per second at most; None: no spacing."""
        return 1.0 / self._interval if self._interval else None

    @property
    def concurrency(self) -> int | None:
        """Requests in flight at most; None: no cap."""
        return self._cap

    @property
    def in_flight(self) -> int:
        """Requests holding a slot now (counted only when there is a cap)."""
        return self._busy

    # --- time: read and written by the machines of _core -----------------------------------

    @property
    def closed_until(self) -> float:
        """No request starts before this instant (a rate-limit answer's backoff; -inf: open)."""
        return self._closed_until

    def _free_at(self, now: float) -> float:
        """The earliest instant, ``now`` or later, at which a request may start."""
        return max(now, self._closed_until, self._next)

    def _take(self, at: float) -> None:
        """A request starts at ``at``: the next one starts no sooner than one interval later."""
        if self._interval:
            with self._lock:
                self._next = max(self._next, at + self._interval)

    def _close(self, until: float) -> None:
        """A rate-limit answer: no request starts before ``until``."""
        if self._takes_backoff and until > self._closed_until:
            self._closed_until = until

    # --- slots: held by the drivers around each send ---------------------------------------

    def _grab(self) -> bool:
        """Take a slot if one is free and nobody queues before us (the lock held)."""
        if self._cap is None:
            return True
        if self._busy < self._cap and not self._queue:
            self._busy += 1
            return True
        return False

    def _enter(self, timeout: float) -> bool:
        """Take a slot, waiting up to ``timeout`` seconds (real time); False if none came."""
        with self._lock:
            if self._grab():
                return True
            waiter = _Waiter()
            self._queue.append(waiter)
        waiter.event.wait(max(timeout, 0.0))
        with self._lock:
            if waiter.granted:
                return True
            self._queue.remove(waiter)
            return False

    async def _aenter(self, timeout: float) -> bool:
        """Take a slot, waiting up to ``timeout`` seconds; False if none came. Cancelled while
        waiting, it leaves no slot taken."""
        with self._lock:
            if self._grab():
                return True
            slot: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._queue.append(slot)
        try:
            async with asyncio.timeout(max(timeout, 0.0)):
                await slot
        except BaseException as exc:
            with self._lock:
                if slot in self._queue:
                    self._queue.remove(slot)
                elif slot.done() and not slot.cancelled():
                    self._pass_on()  # it was ours by the time we gave up: hand it on
            if isinstance(exc, TimeoutError):
                return False
            raise
        return True

    def _leave(self) -> None:
        """Give a slot back: to the first caller still waiting, else to the pool."""
        if self._cap is None:
            return
        with self._lock:
            self._pass_on()

    def _pass_on(self) -> None:
        # The lock is held. A slot goes straight to the next waiter, so nobody jumps the queue.
        while self._queue:
            waiter = self._queue.popleft()
            if isinstance(waiter, _Waiter):
                waiter.granted = True
                waiter.event.set()
                return
            if waiter.done():
                continue  # gave up (cancelled) before its turn
            loop = waiter.get_loop()
            if _in(loop):
                waiter.set_result(None)
            else:  # another thread's loop: it decides there, passing the slot on if gone
                loop.call_soon_threadsafe(self._grant, waiter)
            return
        self._busy = max(self._busy - 1, 0)

    def _grant(self, waiter: asyncio.Future[None]) -> None:
        with self._lock:
            if waiter.done():
                self._pass_on()
            else:
                waiter.set_result(None)


def _in(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def busy(lane: Lane, timeout: float, vendor: str) -> TransportError:
    """The error of a request that found no free slot in ``lane`` within ``timeout``: nothing
    was sent, so it is safe to retry, even a write."""
    err = TransportError(
        f"no free request slot in {lane.name} within {timeout:.3g} s "
        f"({lane.concurrency} requests in flight)",
        vendor=vendor,
    )
    err.unsent = True
    return err


def fingerprint(secrets: Sequence[str]) -> str:
    """A short keyed hash of the credentials: which account, never the credentials (the key
    is random per process, so it cannot be checked against a guess elsewhere)."""
    joined = "\x00".join(secrets).encode()
    return hmac.new(_KEY, joined, hashlib.sha256).hexdigest()[:12]


_SHARED: weakref.WeakValueDictionary[Hashable, Lane] = weakref.WeakValueDictionary()
_SHARED_LOCK = threading.Lock()


def shared(
    vendor: str,
    base_url: str,
    secrets: Sequence[str],
    clock: Callable[[], float] | None,
) -> Lane:
    """The process's lane of one account: the same object for every client with the same
    vendor, base URL, credentials and clock (None: the default monotonic clock), as long as
    one of them is alive."""
    key = (vendor, base_url, fingerprint(secrets), clock)
    with _SHARED_LOCK:
        lane = _SHARED.get(key)
        if lane is None:
            lane = _SHARED[key] = Lane(name=f"{vendor} lane {base_url} #{key[2][:6]}")
        return lane


def call_lane(concurrency: int) -> Lane:
    """A many-job call's own cap on requests in flight, across vendors: a rate-limit answer
    from one vendor does not close it."""
    lane = Lane(concurrency=concurrency, name="this many-job call")
    lane._takes_backoff = False
    return lane
