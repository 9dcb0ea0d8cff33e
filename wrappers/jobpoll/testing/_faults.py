"""Faults: how a simulator is told to misbehave.

A :class:`Fault` is a frozen value: *what* goes wrong (``kind`` and its parameters) and *when*
(``op``/``path_contains``/``method`` matchers and how many ``times``). ``sim.fault(...)`` appends
one to ``sim.faults``; each incoming request takes the first matching fault of that list, which
then counts down and leaves the list when used up. ``not sim.faults`` after a test means every
armed fault was met.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import json
from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args

import attrs

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
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

RetryAfter = float | int | str | _dt.datetime | None

# Kinds that replace the response without running the vendor logic.
REPLACING_KINDS = frozenset(
    {"http", "rate_limit", "alphasms_error", "html", "empty", "huge", "raw"}
)
# Kinds that run the vendor logic and then change its answer.
TRANSFORMING_KINDS = frozenset({"status_value", "missing_field", "null_field", "extra_fields"})


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
    def parse(cls, text: str) -> Fault:
        """A fault from a short spec, as a command line gives it: ``KIND[:ARG]``.

        ``503`` / ``http:503``, ``rate_limit[:SECONDS]``, ``alphasms_error:212``, ``drop``,
        ``drop:after``, ``slow:0.5``, ``truncated``, ``html[:STATUS]``, ``empty[:STATUS]``,
        ``huge[:MIB]``, ``status_value:PAUSED``, ``missing_field:PATH``, ``null_field:PATH``.
        """
        kind, _, arg = text.strip().partition(":")
        if kind.isdigit():
            kind, arg = "http", kind
        build = _PARSERS.get(kind)
        if build is None:
            raise ValueError(f"bad fault spec {text!r}; see Fault.parse for the forms")
        try:
            return build(arg)
        except ValueError as exc:
            raise ValueError(f"bad fault spec {text!r}: {exc}") from None


def _required(arg: str) -> str:
    if not arg:
        raise ValueError("this kind needs an argument after ':'")
    return arg


_PARSERS: dict[str, Callable[[str], Fault]] = {
    "http": lambda arg: Fault.http(int(arg)),
    "rate_limit": lambda arg: Fault.rate_limit(retry_after=float(arg) if arg else None),
    "alphasms_error": lambda arg: Fault.alphasms_error(int(arg)),
    "drop": lambda arg: Fault.drop(after_handling=arg == "after"),
    "slow": lambda arg: Fault.slow(float(arg)),
    "truncated": lambda arg: Fault.truncated(fraction=float(arg) if arg else 0.5),
    "html": lambda arg: Fault.html(int(arg) if arg else 502),
    "empty": lambda arg: Fault.empty(int(arg) if arg else 200),
    "huge": lambda arg: Fault.huge(float(arg) if arg else 10),
    "status_value": lambda arg: Fault.status_value(_required(arg)),
    "missing_field": lambda arg: Fault.missing_field(_required(arg)),
    "null_field": lambda arg: Fault.null_field(_required(arg)),
}
