"""Faults: how a simulator is told to misbehave.

A :class:`Fault` is a frozen value: *what* goes wrong (``kind`` and its parameters) and *when*
(``op``/``path_contains``/``method`` matchers and how many ``times``). ``sim.fault(...)`` appends
one to ``sim.faults``; each incoming request takes the first matching fault of that list, which
then counts down and leaves the list when used up. ``not sim.faults`` after a test means every
armed fault was met.

Every kind is declared once, at the end of this module: a :class:`Kind` subclass named after it
holds its short form for :meth:`Fault.parse`, what it refuses when armed and what it does to a
request (:meth:`Kind.strike`), and registers itself in :data:`KINDS`. A simulator looks a fault's
kind up there and knows no kind by name.

Webhook kinds (``webhook_drop``, ``webhook_late``, ``webhook_duplicate``, ``bad_signature``,
``wrong_token``) hit what a simulator *sends*, not a request it answers: when a webhook goes
out, the first armed webhook fault that matches it (``op="webhook"``, ``path_contains`` on the
receiver's path) turns it into what is really sent (:meth:`Kind.outgoing`): nothing, later,
twice, or forged. Request faults never hit a webhook, and webhook faults never a request.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import json
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Protocol, TypeVar, get_args, runtime_checkable

import attrs

from . import _paths
from ._replies import HTML, JSON, Exchange, Reply, html_page, http_date

FaultKind = Literal[
    "http",
    "rate_limit",
    "alphasms_error",
    "drop",
    "slow",
    "truncated",
    "html",
    "empty",
    "huge",
    "raw",
    "status_value",
    "missing_field",
    "null_field",
    "extra_fields",
    "webhook_drop",
    "webhook_late",
    "webhook_duplicate",
    "bad_signature",
    "wrong_token",
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

RetryAfter = float | int | str | _dt.datetime | None

_CHUNK = 64 * 1024


def _body_bytes(body: bytes | str | Mapping[str, Any] | list[Any] | None) -> bytes | None:
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


def _retry_after(value: RetryAfter) -> float | str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise ValueError("a Retry-After datetime must be timezone-aware")
        return email.utils.format_datetime(value.astimezone(_dt.UTC), usegmt=True)
    return float(value)


@attrs.frozen(kw_only=True)
class Fault:
    """One kind of misbehaviour, and which requests it hits. Build it with the class methods.

    Matchers (set by ``sim.fault(..., op=, path_contains=, method=, times=)``): ``op`` is the
    simulator's operation name (``"submit"``, ``"poll"``, ... — see each simulator's ``OPS``),
    ``path_contains`` a substring of the request path, ``method`` an HTTP method; ``times`` is how
    many matching requests it hits (``None``: every one until ``sim.clear_faults()``).
    """

    kind: FaultKind
    status: int | None = None
    retry_after: float | str | None = None
    retry_after_date: bool = False
    body: bytes | None = None
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    code: int | None = None
    seconds: float = 0.0
    size: int = 0
    chunked: bool = False
    fraction: float = 0.5
    after_handling: bool = False
    value: Any = attrs.field(default=None, hash=False)
    field: str | None = None
    fields: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    op: str | None = None
    path_contains: str | None = None
    method: str | None = None
    times: int | None = 1

    def __attrs_post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(FAULT_KINDS)}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1, or None for every matching request")

    # -- matching ---------------------------------------------------------------------------

    def matches(self, method: str, path: str, op: str | None) -> bool:
        """Whether this fault hits a request (``op`` is the simulator's name for it)."""
        if self.op is not None and self.op != op:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_contains is None or self.path_contains in path

    # -- constructors -----------------------------------------------------------------------

    @classmethod
    def http(
        cls,
        status: int,
        *,
        retry_after: RetryAfter = None,
        retry_after_date: bool = False,
        body: bytes | str | Mapping[str, Any] | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """Answer HTTP ``status`` instead of running the request.

        ``body`` defaults to the vendor's own error body for that status (a JSON error object;
        an HTML page for AlphaSMS, which has no HTTP-level errors of its own). ``retry_after``:
        seconds (``Retry-After: 5``), a string sent verbatim, or an aware ``datetime`` sent as an
        HTTP-date; with ``retry_after_date=True`` seconds are sent as the HTTP-date that far
        after the simulator clock's ``wall()``.
        """
        return cls(
            kind="http",
            status=status,
            retry_after=_retry_after(retry_after),
            retry_after_date=retry_after_date,
            body=_body_bytes(body),
            content_type=content_type,
            headers=tuple((headers or {}).items()),
        )

    @classmethod
    def rate_limit(cls, *, retry_after: RetryAfter = None, retry_after_date: bool = False) -> Fault:
        """The vendor's own rate-limit answer: 429 with its error body (Phrase MT's strict
        mode adds ``Retry-After: 1`` unless given, its reference mode and Eden AI send none
        unless given), AlphaSMS's
        ``<error>212</error>`` (ERR_THROTTLE, HTTP 200)."""
        return cls(
            kind="rate_limit",
            retry_after=_retry_after(retry_after),
            retry_after_date=retry_after_date,
        )

    @classmethod
    def alphasms_error(cls, code: int) -> Fault:
        """AlphaSMS only: ``<package><error>CODE</error></package>`` with HTTP 200."""
        return cls(kind="alphasms_error", code=code)

    @classmethod
    def drop(cls, *, after_handling: bool = False) -> Fault:
        """Close the connection without any response. With ``after_handling=True`` the request
        is processed first (a submit creates its job): the answer is what gets lost."""
        return cls(kind="drop", after_handling=after_handling)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Answer normally after ``seconds`` of real time (keep it short: for timeout tests)."""
        return cls(kind="slow", seconds=float(seconds))

    @classmethod
    def truncated(cls, *, fraction: float = 0.5) -> Fault:
        """Send the normal headers (with the full Content-Length) and only ``fraction`` of the
        body, then close the connection."""
        if not 0 <= fraction < 1:
            raise ValueError("fraction must be in [0, 1)")
        return cls(kind="truncated", fraction=fraction)

    @classmethod
    def html(cls, status: int = 502, *, body: str | None = None) -> Fault:
        """An HTML error page (as a proxy or CDN would send) with ``status``."""
        return cls(kind="html", status=status, body=_body_bytes(body))

    @classmethod
    def empty(cls, status: int = 200) -> Fault:
        """An empty body with the vendor's usual content type and ``status``."""
        return cls(kind="empty", status=status)

    @classmethod
    def huge(cls, megabytes: float = 10, *, status: int = 200, chunked: bool = False) -> Fault:
        """A well-formed body of ``megabytes`` MiB (JSON or XML padding). ``chunked=True``
        omits Content-Length, so only a streaming size cap can stop it."""
        return cls(kind="huge", size=int(megabytes * 1024 * 1024), status=status, chunked=chunked)

    @classmethod
    def raw(
        cls,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "text/plain; charset=utf-8",
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """Any body, status and content type (e.g. JSON that is not JSON, XML that is not XML)."""
        return cls(
            kind="raw",
            body=_body_bytes(body),
            status=status,
            content_type=content_type,
            headers=tuple((headers or {}).items()),
        )

    @classmethod
    def status_value(cls, value: Any, *, field: str | None = None) -> Fault:
        """Answer the normal response with the job status field set to ``value`` — a status the
        spec does not list (Veza state ``"PAUSED"``, Eden AI ``"queued"``, ...). ``field`` (a
        dotted path) defaults to the vendor's status field; ``op`` defaults to ``"poll"``."""
        return cls(kind="status_value", value=value, field=field)

    @classmethod
    def missing_field(cls, field: str) -> Fault:
        """Answer the normal response without ``field`` (a dotted path, e.g. ``"task.id"``;
        list items by index, ``"content.0.id"``; for AlphaSMS a path of XML elements under
        the operation element, e.g. ``"status"`` for ``<job><status>``)."""
        return cls(kind="missing_field", field=field)

    @classmethod
    def null_field(cls, field: str) -> Fault:
        """Answer the normal response with ``field`` set to ``null`` (an empty XML element)."""
        return cls(kind="null_field", field=field)

    @classmethod
    def extra_fields(cls, fields: Mapping[str, Any], *, at: str | None = None) -> Fault:
        """Answer the normal response with unknown ``fields`` merged into the object at ``at``
        (a dotted path; the document root by default, for AlphaSMS the operation element)."""
        return cls(kind="extra_fields", fields=dict(fields), field=at)

    @classmethod
    def webhook_drop(cls) -> Fault:
        """Webhook fault: the webhook is never sent (the vendor lost it)."""
        return cls(kind="webhook_drop")

    @classmethod
    def webhook_late(cls, seconds: float) -> Fault:
        """Webhook fault: the webhook is sent ``seconds`` (simulator clock) after it was due."""
        if not seconds >= 0:
            raise ValueError("a webhook cannot be sent early")
        return cls(kind="webhook_late", seconds=float(seconds))

    @classmethod
    def webhook_duplicate(cls, copies: int = 2) -> Fault:
        """Webhook fault: the webhook is sent ``copies`` times (a vendor's retry, a replay)."""
        if copies < 2:
            raise ValueError("a duplicate means at least 2 copies")
        return cls(kind="webhook_duplicate", size=int(copies))

    @classmethod
    def bad_signature(cls) -> Fault:
        """Webhook fault (Eden AI): the signature does not match the body (a forgery, or a body
        changed on the way)."""
        return cls(kind="bad_signature")

    @classmethod
    def wrong_token(cls) -> Fault:
        """Webhook fault (Phrase TMS): the secret token header carries another value."""
        return cls(kind="wrong_token")

    @classmethod
    def parse(cls, text: str) -> Fault:
        """A fault from a short spec, as a command line gives it: ``KIND[:ARG]``.

        ``503`` / ``http:503``, ``rate_limit[:SECONDS]``, ``alphasms_error:212``, ``drop``,
        ``drop:after``, ``slow:0.5``, ``truncated``, ``html[:STATUS]``, ``empty[:STATUS]``,
        ``huge[:MIB]``, ``status_value:PAUSED``, ``missing_field:PATH``, ``null_field:PATH``;
        webhooks: ``webhook_drop``, ``webhook_late:SECONDS``, ``webhook_duplicate[:COPIES]``,
        ``bad_signature``, ``wrong_token``.
        """
        kind, _, arg = text.strip().partition(":")
        if kind.isdigit():
            kind, arg = "http", kind
        known = KINDS.get(kind)
        try:
            fault = known.parse(arg) if known is not None else None
        except ValueError as exc:
            raise ValueError(f"bad fault spec {text!r}: {exc}") from None
        if fault is None:
            raise ValueError(f"bad fault spec {text!r}; see Fault.parse for the forms")
        return fault


def take(
    faults: list[Fault], method: str, path: str, op: str | None, *, webhook: bool = False
) -> Fault | None:
    """The first of ``faults`` that hits this request (``webhook``: this outgoing webhook),
    counted down (and removed when used up); None if none does. The caller holds the
    simulator's lock."""
    for index, fault in enumerate(faults):
        if KINDS[fault.kind].webhook != webhook or not fault.matches(method, path, op):
            continue
        if fault.times is not None:
            if fault.times <= 1:
                del faults[index]
            else:
                faults[index] = attrs.evolve(fault, times=fault.times - 1)
        return fault
    return None


def retry_after_header(fault: Fault, wall: float) -> str | None:
    """The ``Retry-After`` value a fault asks for (``wall``: the clock, for an HTTP-date)."""
    value = fault.retry_after
    if value is None or isinstance(value, str):
        return value
    if fault.retry_after_date:
        return http_date(wall + value, round_up=True)
    return str(int(value)) if value == int(value) else f"{value:g}"


class Vendor(Protocol):
    """What a fault kind may ask of the simulator it strikes: its own answers and formats."""

    content_type: str

    def error_reply(self, status: int, message: str | None = None) -> Reply: ...

    def rate_limit_reply(self, retry_after: str | None) -> Reply: ...

    def retry_after_header(self, fault: Fault) -> str | None: ...

    def status_path(self, doc: Any) -> str | None: ...

    def transform_root(self, doc: Any) -> str: ...

    def decode(self, body: bytes) -> Any: ...

    def encode(self, doc: Any) -> bytes: ...

    def huge_parts(self) -> tuple[bytes, bytes]: ...


@attrs.frozen
class Outgoing:
    """A webhook a simulator sends: where, its headers and body as the vendor makes them, and
    when (simulator clock). ``struck``: a fault already acted on it (a late copy takes no
    other)."""

    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    due: float
    job_id: str
    struck: bool = False


@runtime_checkable
class SendsWebhooks(Protocol):
    """A simulator whose vendor sends webhooks: how it forges one (for the fault kinds)."""

    def forge(self, hook: Outgoing, how: str) -> Outgoing: ...


@runtime_checkable
class AnswersErrorCodes(Protocol):
    """A simulator whose vendor answers request-level error codes (AlphaSMS)."""

    def error_code_reply(self, code: int) -> Reply: ...


# -- the kinds ---------------------------------------------------------------------------------


class Kind:
    """How one fault kind behaves. One subclass per kind, registered in :data:`KINDS`."""

    name: ClassVar[FaultKind]
    polls: ClassVar[bool] = False
    """Armed without ``op`` or ``path_contains``, it hits the simulator's poll op."""

    def parse(self, arg: str) -> Fault | None:
        """The fault for the short form ``KIND[:ARG]``; None: the kind has none."""
        return None

    webhook: ClassVar[bool] = False
    """It hits the webhooks a simulator sends (:meth:`outgoing`), not requests."""

    def check(self, fault: Fault, vendor: Vendor) -> None:
        """Refuse, when armed, a fault this simulator cannot express."""

    async def strike(self, fault: Fault, vendor: Vendor, exchange: Exchange) -> None:
        """Answer the request (or not) as this kind does."""
        raise NotImplementedError

    def outgoing(self, fault: Fault, vendor: Vendor, hook: Outgoing) -> list[Outgoing]:
        """What is really sent for ``hook`` (webhook kinds)."""
        raise NotImplementedError


class _Webhook(Kind):
    """A webhook kind: armed only on a simulator that sends webhooks."""

    webhook = True
    forges: ClassVar[str | None] = None
    """What it forges (``signature``/``token``), if anything; the vendor must know how."""

    def parse(self, arg: str) -> Fault | None:
        return Fault(kind=self.name)

    def check(self, fault: Fault, vendor: Vendor) -> None:
        if not isinstance(vendor, SendsWebhooks):
            raise ValueError(f"{type(vendor).__name__} sends no webhooks")
        if self.forges is not None:
            vendor.forge(Outgoing(url="", headers=(), body=b"{}", due=0, job_id=""), self.forges)

    def outgoing(self, fault: Fault, vendor: Vendor, hook: Outgoing) -> list[Outgoing]:
        """A forging kind sends the vendor's forgery instead of the webhook."""
        assert self.forges is not None
        assert isinstance(vendor, SendsWebhooks)
        return [vendor.forge(hook, self.forges)]


class _Replacing(Kind):
    """Answers instead of the vendor's handler."""

    def reply(self, fault: Fault, vendor: Vendor) -> Reply:
        raise NotImplementedError

    async def strike(self, fault: Fault, vendor: Vendor, exchange: Exchange) -> None:
        await exchange.send(self.reply(fault, vendor))


class _Editing(Kind):
    """Runs the vendor's handler, then edits its decoded answer (left alone if it does not
    decode). Field paths start at the vendor's ``transform_root``."""

    def edit(self, doc: Any, root: str, fault: Fault, vendor: Vendor) -> bool:
        """Change ``doc``; False: send the answer as it was."""
        raise NotImplementedError

    async def strike(self, fault: Fault, vendor: Vendor, exchange: Exchange) -> None:
        reply = await exchange.handled()
        try:
            doc = vendor.decode(reply.body)
        except ValueError:
            await exchange.send(reply)
            return
        if self.edit(doc, vendor.transform_root(doc), fault, vendor):
            reply = attrs.evolve(reply, body=vendor.encode(doc))
        await exchange.send(reply)


KINDS: dict[str, Kind] = {}
"""Every fault kind's behaviour, by name."""

_K = TypeVar("_K", bound=Kind)


def _kind(cls: type[_K]) -> type[_K]:
    KINDS[cls.name] = cls()
    return cls


def _required(arg: str) -> str:
    if not arg:
        raise ValueError("this kind needs an argument after ':'")
    return arg


@_kind
class _Http(_Replacing):
    name = "http"

    def parse(self, arg: str) -> Fault:
        return Fault.http(int(arg))

    def reply(self, fault: Fault, vendor: Vendor) -> Reply:
        status = fault.status if fault.status is not None else 200
        if fault.body is not None:
            reply = Reply(status=status, body=fault.body, content_type=fault.content_type or JSON)
        else:
            reply = vendor.error_reply(status)
            if fault.content_type is not None:
                reply.content_type = fault.content_type
        retry_after = vendor.retry_after_header(fault)
        if retry_after is not None:
            reply.headers.append(("retry-after", retry_after))
        reply.headers.extend(fault.headers)
        return reply


@_kind
class _RateLimit(_Replacing):
    name = "rate_limit"

    def parse(self, arg: str) -> Fault:
        return Fault.rate_limit(retry_after=float(arg) if arg else None)

    def reply(self, fault: Fault, vendor: Vendor) -> Reply:
        return vendor.rate_limit_reply(vendor.retry_after_header(fault))


@_kind
class _AlphaSMSError(_Replacing):
    name = "alphasms_error"

    def parse(self, arg: str) -> Fault:
        return Fault.alphasms_error(int(arg))

    def check(self, fault: Fault, vendor: Vendor) -> None:
        if not isinstance(vendor, AnswersErrorCodes):
            raise ValueError("alphasms_error faults only apply to the AlphaSMS simulator")
        if fault.code is None:
            raise ValueError("alphasms_error needs a code")

    def reply(self, fault: Fault, vendor: Vendor) -> Reply:
        if not isinstance(vendor, AnswersErrorCodes) or fault.code is None:
            raise ValueError(f"{type(vendor).__name__} cannot answer {fault!r}")
        return vendor.error_code_reply(fault.code)


@_kind
class _Html(_Replacing):
    name = "html"

    def parse(self, arg: str) -> Fault:
        return Fault.html(int(arg) if arg else 502)

    def reply(self, fault: Fault, vendor: Vendor) -> Reply:
        status = fault.status if fault.status is not None else 200
        return Reply(status=status, body=fault.body or html_page(status), content_type=HTML)


@_kind
class _Empty(_Replacing):
    name = "empty"

    def parse(self, arg: str) -> Fault:
        return Fault.empty(int(arg) if arg else 200)

    def reply(self, fault: Fault, vendor: Vendor) -> Reply:
        status = fault.status if fault.status is not None else 200
        return Reply(status=status, body=b"", content_type=vendor.content_type)


@_kind
class _Raw(_Replacing):
    name = "raw"

    def reply(self, fault: Fault, vendor: Vendor) -> Reply:
        return Reply(
            status=fault.status if fault.status is not None else 200,
            body=fault.body or b"",
            content_type=fault.content_type,
            headers=list(fault.headers),
        )


@_kind
class _Huge(Kind):
    name = "huge"

    def parse(self, arg: str) -> Fault:
        return Fault.huge(float(arg) if arg else 10)

    async def strike(self, fault: Fault, vendor: Vendor, exchange: Exchange) -> None:
        prefix, suffix = vendor.huge_parts()
        fill = max(fault.size - len(prefix) - len(suffix), 0)
        head = Reply(status=fault.status or 200, content_type=vendor.content_type)
        await exchange.start(head, None if fault.chunked else len(prefix) + fill + len(suffix))
        await exchange.write(prefix, more=True)
        chunk = b"x" * _CHUNK
        while fill > 0:
            piece = chunk if fill >= _CHUNK else chunk[:fill]
            fill -= len(piece)
            await exchange.write(piece, more=True)
        await exchange.write(suffix, more=False)


@_kind
class _Slow(Kind):
    name = "slow"

    def parse(self, arg: str) -> Fault:
        return Fault.slow(float(arg))

    async def strike(self, fault: Fault, vendor: Vendor, exchange: Exchange) -> None:
        await exchange.pause(fault.seconds)
        await exchange.send(await exchange.handled())


@_kind
class _Drop(Kind):
    name = "drop"

    def parse(self, arg: str) -> Fault:
        return Fault.drop(after_handling=arg == "after")

    async def strike(self, fault: Fault, vendor: Vendor, exchange: Exchange) -> None:
        if fault.after_handling:
            await exchange.handled()
        await exchange.drop()


@_kind
class _Truncated(Kind):
    name = "truncated"

    def parse(self, arg: str) -> Fault:
        return Fault.truncated(fraction=float(arg) if arg else 0.5)

    async def strike(self, fault: Fault, vendor: Vendor, exchange: Exchange) -> None:
        reply = await exchange.handled()
        await exchange.start(reply, len(reply.body))
        await exchange.write(reply.body[: int(len(reply.body) * fault.fraction)], more=True)
        await exchange.drop()


@_kind
class _StatusValue(_Editing):
    name = "status_value"
    polls = True

    def parse(self, arg: str) -> Fault:
        return Fault.status_value(_required(arg))

    def check(self, fault: Fault, vendor: Vendor) -> None:
        if fault.field is None and vendor.status_path({}) is None:
            raise ValueError(
                f"{type(vendor).__name__} answers have no status field; "
                "name the field to change (Fault.status_value(value, field=...))"
            )

    def edit(self, doc: Any, root: str, fault: Fault, vendor: Vendor) -> bool:
        path = fault.field or vendor.status_path(doc)
        if path is None:
            return False
        _paths.set_at(doc, _paths.join(root, path), fault.value)
        return True


@_kind
class _MissingField(_Editing):
    name = "missing_field"

    def parse(self, arg: str) -> Fault:
        return Fault.missing_field(_required(arg))

    def edit(self, doc: Any, root: str, fault: Fault, vendor: Vendor) -> bool:
        if fault.field:
            _paths.delete_at(doc, _paths.join(root, fault.field))
        return True


@_kind
class _NullField(_Editing):
    name = "null_field"

    def parse(self, arg: str) -> Fault:
        return Fault.null_field(_required(arg))

    def edit(self, doc: Any, root: str, fault: Fault, vendor: Vendor) -> bool:
        if fault.field:
            _paths.set_at(doc, _paths.join(root, fault.field), None)
        return True


@_kind
class _ExtraFields(_Editing):
    name = "extra_fields"

    def edit(self, doc: Any, root: str, fault: Fault, vendor: Vendor) -> bool:
        _paths.merge_at(doc, _paths.join(root, fault.field), fault.fields)
        return True


@_kind
class _WebhookDrop(_Webhook):
    name = "webhook_drop"

    def outgoing(self, fault: Fault, vendor: Vendor, hook: Outgoing) -> list[Outgoing]:
        return []


@_kind
class _WebhookLate(_Webhook):
    name = "webhook_late"

    def parse(self, arg: str) -> Fault:
        return Fault.webhook_late(float(_required(arg)))

    def outgoing(self, fault: Fault, vendor: Vendor, hook: Outgoing) -> list[Outgoing]:
        return [attrs.evolve(hook, due=hook.due + fault.seconds, struck=True)]


@_kind
class _WebhookDuplicate(_Webhook):
    name = "webhook_duplicate"

    def parse(self, arg: str) -> Fault:
        return Fault.webhook_duplicate(int(arg) if arg else 2)

    def outgoing(self, fault: Fault, vendor: Vendor, hook: Outgoing) -> list[Outgoing]:
        return [hook] * max(fault.size, 2)


@_kind
class _BadSignature(_Webhook):
    name = "bad_signature"
    forges = "signature"


@_kind
class _WrongToken(_Webhook):
    name = "wrong_token"
    forges = "token"


if set(KINDS) != set(FAULT_KINDS):  # pragma: no cover - a kind named but not declared
    raise AssertionError(f"fault kinds without a Kind: {set(FAULT_KINDS) ^ set(KINDS)}")
