"""Webhooks: a vendor's push wakes the waits it concerns; the poll stays the truth.

A :class:`WebhookReceiver` verifies a delivery (Eden AI: the RSA signature; Phrase TMS: the
secret token header), finds the jobs it names and wakes the waits on them: their current sleep
ends now, so their next poll happens now, and that poll (never the webhook's body) decides the
outcome. Waits on a client given ``webhooks=receiver`` poll on a slow fallback policy
(:data:`FALLBACK_POLICY`), the safety net for a webhook that never comes.

The core stays pure: a wake is only a sleep that ends early (the machine is sent the time, as
after any sleep, and polls). Nothing here sleeps, retries or decides timing.
"""

from __future__ import annotations

import asyncio
import collections
import hmac
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from typing import Any, Literal

import attrs

from ._policy import PollPolicy

log = logging.getLogger("jobpoll.webhooks")

FALLBACK_POLICY = PollPolicy(
    initial_delay=120.0, multiplier=2.0, max_delay=300.0, min_delay=1.0, jitter=0.1
)
"""The policy of a wait that has a receiver: 120 s, 240 s, then every 300 s (±10 %). The
webhook wakes it at once; these polls only catch a webhook that was lost, so a dropped webhook
costs at most one ``max_delay`` (300 s, +10 % jitter: 330 s) of lag. Measured on the §3 job
population (BENCHMARKS.md §3b): 1.4 requests per job with every webhook delivered."""

MAX_BODY = 8 * 1024 * 1024
"""Deliveries longer than this (bytes) are refused with 413 unread (8 MiB, the cap of a
result-bearing answer on the polling side)."""

REMEMBER_S = 60.0
"""How long a verified delivery for a job nobody waits on yet is remembered (seconds)."""

MAX_REMEMBERED = 10_000
"""At most this many remembered deliveries and this many ties; the oldest go first."""

MAX_KEYS = 1_000
"""At most this many job/project uids are read from one Phrase TMS delivery."""

EDENAI = "edenai"
PHRASE_TMS = "phrase-tms"
PHRASE_TOKEN_HEADERS = ("x-memsource-token", "x-phrase-token")
"""Phrase's help pages name the secret token header one way or the other (vendors.md §1)."""

Status = Literal[200, 400, 401, 405, 413]


def _pem(value: str | bytes | None) -> bytes | None:
    if value is None:
        return None
    return value.encode("ascii") if isinstance(value, str) else bytes(value)


def _token(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) < 8 or not value.isprintable():
        raise ValueError("phrase_tms_token must be printable text of at least 8 characters")
    return value


def _load_key(pem: bytes) -> Any:
    try:
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.hazmat.primitives.serialization import (
            load_pem_public_key,
        )
    except ImportError as exc:  # pragma: no cover - the extra is installed in tests
        raise ImportError(
            "checking Eden AI's webhook signature needs cryptography: "
            "pip install 'jobpoll[webhooks]'"
        ) from exc
    try:
        key = load_pem_public_key(pem)
    except (ValueError, TypeError):
        raise ValueError("edenai_public_key is not a PEM public key") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("edenai_public_key must be an RSA public key (PEM)")
    return key


class Waker:
    """One wait's link to the receiver: ``wake()`` ends its current (or next) sleep. The
    sleeping is the drivers' (:mod:`jobpoll._drive`); this holds only the signal."""

    __slots__ = ("_event", "_future", "_lock", "_loop", "keys", "woken")

    def __init__(self, keys: frozenset[tuple[str, str]]) -> None:
        self.keys = keys
        self.woken = 0  # how many wakes it got (for tests and the bench)
        self._event = threading.Event()  # set: a wake is pending
        self._lock = threading.Lock()
        self._future: asyncio.Future[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def wake(self) -> None:
        with self._lock:
            self.woken += 1
            self._event.set()
            future, loop = self._future, self._loop
        if future is not None and loop is not None:
            if loop.is_closed():
                return
            loop.call_soon_threadsafe(_settle, future)

    @property
    def pending(self) -> threading.Event:
        """Set while a wake is pending: a sync driver's sleep blocks on it."""
        return self._event

    def take(self) -> bool:
        """Whether a wake is pending (and clear it)."""
        if self._event.is_set():
            self._event.clear()
            return True
        return False

    def arm(self, future: asyncio.Future[None], loop: asyncio.AbstractEventLoop) -> None:
        """An async driver's sleep: a wake (from any thread) resolves ``future`` on ``loop``."""
        with self._lock:
            self._future, self._loop = future, loop

    def disarm(self) -> None:
        """The sleep is over; a wake during it is answered by the poll that follows."""
        with self._lock:
            self._future = self._loop = None
        self._event.clear()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class _State:
    """The receiver's moving parts, behind one lock: who waits on what, recent deliveries
    nobody waited on yet, and the ties of Phrase TMS requests to job/project uids."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiters: dict[tuple[str, str], set[Waker]] = {}
        self.early: collections.OrderedDict[tuple[str, str], float] = collections.OrderedDict()
        self.ties: collections.OrderedDict[tuple[str, str], frozenset[str]] = (
            collections.OrderedDict()
        )
        self.key: Any = None  # the loaded Eden AI public key


@attrs.frozen
class WebhookReceiver:
    """Receives vendors' webhooks and wakes the waits they concern.

    Give it to a client (``EdenAI(..., webhooks=receiver)``, ``PhraseTMS(..., webhooks=...)``)
    and serve it: :meth:`deliver` from any web framework (headers and the raw body in, the HTTP
    status to answer out), or :attr:`app`, a plain ASGI application.

    * ``url``: where the vendor should send webhooks (Eden AI submits default to it).
    * ``edenai_public_key``: Eden AI's RSA public key (PEM) that checks ``X-Edenai-Signature``
      (needs ``jobpoll[webhooks]``: the ``cryptography`` package).
    * ``phrase_tms_token``: the ``secretToken`` of your Phrase TMS webhook.
    * ``fallback``: the policy of waits on a client with this receiver.
    * ``clock``: monotonic seconds, for how long early deliveries are remembered.
    """

    url: str | None = None
    edenai_public_key: bytes | None = attrs.field(default=None, converter=_pem, repr=False)
    phrase_tms_token: str | None = attrs.field(default=None, converter=_token, repr=False)
    fallback: PollPolicy = FALLBACK_POLICY
    remember_s: float = REMEMBER_S
    max_remembered: int = MAX_REMEMBERED
    max_body: int = MAX_BODY
    clock: Callable[[], float] = attrs.field(default=time.monotonic, repr=False)
    _state: _State = attrs.field(init=False, factory=_State, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.fallback, PollPolicy):
            raise TypeError("fallback must be a jobpoll.PollPolicy")
        if self.edenai_public_key is not None:
            self._state.key = _load_key(self.edenai_public_key)

    # -- what clients ask ----------------------------------------------------------------------

    def tie(self, vendor: str, job_id: str, uids: Iterable[str] = ()) -> None:
        """Expect a webhook for ``job_id``: a delivery naming it or any of ``uids`` (Phrase TMS
        job/project uids: its webhooks carry those, not the async request id) wakes its wait,
        and its wait starts by sleeping (the fallback's first delay) instead of polling at once.
        Clients tie the jobs they submit with this receiver; tie others yourself."""
        keys = frozenset(str(uid) for uid in uids)
        with self._state.lock:
            ties = self._state.ties
            ties[vendor, str(job_id)] = keys
            ties.move_to_end((vendor, str(job_id)))
            while len(ties) > self.max_remembered:
                ties.popitem(last=False)

    def tied(self, vendor: str, job_id: str) -> bool:
        """Whether a webhook is expected for this job (see :meth:`tie`)."""
        with self._state.lock:
            return (vendor, str(job_id)) in self._state.ties

    def _listen(self, vendor: str, job_id: str) -> Waker:
        """Register a wait: deliveries naming the job (or what it is tied to) wake it. A
        delivery remembered from the last ``remember_s`` seconds wakes it at once."""
        state = self._state
        with state.lock:
            uids = state.ties.get((vendor, job_id), frozenset())
            keys = frozenset({(vendor, job_id), *((vendor, uid) for uid in uids)})
            waker = Waker(keys)
            now = self.clock()
            for key in keys:
                state.waiters.setdefault(key, set()).add(waker)
                until = state.early.get(key)
                if until is not None and until > now:
                    waker._event.set()
        return waker

    def _unlisten(self, waker: Waker, vendor: str, job_id: str) -> None:
        """The wait is over: forget it (and its tie)."""
        state = self._state
        with state.lock:
            for key in waker.keys:
                waiting = state.waiters.get(key)
                if waiting is not None:
                    waiting.discard(waker)
                    if not waiting:
                        del state.waiters[key]
            state.ties.pop((vendor, job_id), None)

    @property
    def remembered(self) -> int:
        """How many deliveries are remembered now (bounded by ``max_remembered``)."""
        return len(self._state.early)

    # -- deliveries ----------------------------------------------------------------------------

    def deliver(self, headers: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes) -> int:
        """Handle one delivery: ``headers`` as received, ``body`` the raw bytes. Returns the
        HTTP status to answer: 200 (verified: its waits woken, or it is remembered), 401 (not
        verified: nothing woken), 400 (verified but unreadable), 413 (over ``max_body``)."""
        if len(body) > self.max_body:
            log.warning("webhook refused: %d bytes, over the %d byte cap", len(body), self.max_body)
            return 413
        items = headers.items() if isinstance(headers, Mapping) else headers
        heads = {str(k).lower(): str(v) for k, v in items}
        if "x-edenai-signature" in heads:
            vendor, why = EDENAI, self._edenai_refusal(heads, body)
        elif any(name in heads for name in PHRASE_TOKEN_HEADERS):
            vendor, why = PHRASE_TMS, self._phrase_refusal(heads)
        else:
            vendor, why = None, "neither an Eden AI signature nor a Phrase TMS token"
        if why is not None:
            log.warning("webhook refused (401): %s; %d bytes", why, len(body))
            return 401
        assert vendor is not None
        try:
            doc = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            log.warning("%s webhook: verified but not JSON (%d bytes)", vendor, len(body))
            return 400
        keys = _edenai_keys(doc) if vendor == EDENAI else _phrase_keys(doc)
        if not keys:
            log.warning("%s webhook: verified but names no job (%d bytes)", vendor, len(body))
            return 400
        woken = self._wake(vendor, keys)
        log.info("%s webhook: %d job key(s), %d wait(s) woken", vendor, len(keys), woken)
        return 200

    def _edenai_refusal(self, heads: Mapping[str, str], body: bytes) -> str | None:
        key = self._state.key
        if key is None:
            return "an Eden AI delivery, but no edenai_public_key is configured"
        algorithm = heads.get("x-edenai-hash-algorithm", "SHA256").replace("-", "").upper()
        if algorithm != "SHA256":
            return "an Eden AI hash algorithm other than SHA256"
        try:
            signature = bytes.fromhex(heads["x-edenai-signature"].strip())
        except ValueError:
            return "an Eden AI signature that is not hex"
        return None if _signed(key, signature, body) else "a bad Eden AI signature"

    def _phrase_refusal(self, heads: Mapping[str, str]) -> str | None:
        token = self.phrase_tms_token
        if token is None:
            return "a Phrase TMS delivery, but no phrase_tms_token is configured"
        expected = token.encode()
        given = [
            heads[name].encode("utf-8", "replace") for name in PHRASE_TOKEN_HEADERS if name in heads
        ]
        ok = False
        for value in given:  # every header compared, in constant time each
            ok |= hmac.compare_digest(value, expected)
        return None if ok else "a wrong Phrase TMS token"

    def _wake(self, vendor: str, keys: Iterable[str]) -> int:
        state = self._state
        woken: set[Waker] = set()
        with state.lock:
            until = self.clock() + self.remember_s
            early = state.early
            for key in keys:
                woken |= state.waiters.get((vendor, key), set())
                early[vendor, key] = until
                early.move_to_end((vendor, key))
            while len(early) > self.max_remembered:
                early.popitem(last=False)
            while early:  # drop what has expired (the oldest first)
                first = next(iter(early.items()))
                if first[1] > until - self.remember_s:
                    break
                early.popitem(last=False)
        for waker in woken:
            waker.wake()
        return len(woken)

    # -- ASGI ----------------------------------------------------------------------------------

    @property
    def app(self) -> Callable[[Any, Any, Any], Awaitable[None]]:
        """A plain ASGI application: POST a delivery to any path; answers :meth:`deliver`'s
        status. A declared ``Content-Length`` over ``max_body`` is refused unread."""
        return self._asgi

    async def _asgi(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        if scope.get("method") != "POST":
            await _answer(send, 405)
            return
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        declared = next((v for k, v in headers if k.lower() == "content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            log.warning("webhook refused: %s bytes declared, over the cap", declared)
            await _answer(send, 413)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                log.warning("webhook refused: over the %d byte cap", self.max_body)
                await _answer(send, 413)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await _answer(send, self.deliver(headers, b"".join(chunks)))


_REASONS = {
    200: b"ok",
    400: b"bad request",
    401: b"unauthorized",
    405: b"method not allowed",
    413: b"payload too large",
}


async def _answer(send: Any, status: int) -> None:
    body = _REASONS.get(status, b"")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _signed(key: Any, signature: bytes, body: bytes) -> bool:
    """Whether ``signature`` (RSA PKCS#1 v1.5, SHA-256) signs the body as received, or the JSON
    re-serialised with ``indent=2``: which bytes Eden AI signs is not precisely documented, and
    an older page of theirs says the JSON is hashed after re-serialising it so (vendors.md §4).
    Either form still needs Eden AI's private key: accepting both lets no one else in."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    for form in _forms(body):
        try:
            key.verify(signature, form, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            continue
        return True
    return False


def _forms(body: bytes) -> Generator[bytes, None, None]:
    yield body
    try:
        again = json.dumps(json.loads(body), indent=2).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):
        return
    if again != body:
        yield again


def _edenai_keys(doc: object) -> list[str]:
    """Eden AI names its job as ``job_id`` (``public_id`` in the poll's shape)."""
    if not isinstance(doc, dict):
        return []
    for name in ("job_id", "public_id"):
        value = doc.get(name)
        if isinstance(value, str) and value:
            return [value.lower()]
    return []


def _phrase_keys(doc: object) -> list[str]:
    """Every ``uid`` in the delivery (jobs, parts, project) and any async request id: Phrase's
    events differ in shape, and a uid read too many wakes a wait whose poll then finds it
    still running, which is harmless. At most :data:`MAX_KEYS`, depth-first, iteratively."""
    keys: list[str] = []
    stack: list[tuple[str | None, object]] = [(None, doc)]
    seen = 0
    while stack and len(keys) < MAX_KEYS and seen < 100_000:
        name, value = stack.pop()
        seen += 1
        if isinstance(value, dict):
            if name == "asyncRequest" and isinstance(value.get("id"), (str, int)):
                keys.append(str(value["id"]))
            stack.extend((str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((name, v) for v in value)
        elif name in ("uid", "projectUid", "jobUid") and isinstance(value, str) and value:
            keys.append(value)
    return keys
