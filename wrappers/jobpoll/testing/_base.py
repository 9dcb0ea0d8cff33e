"""The simulator base: an ASGI app over starlette routing, its state, faults and serving."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import http
import json
import math
import random
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, ClassVar, NamedTuple, Self

import attrs
from starlette.datastructures import Headers, QueryParams
from starlette.routing import Match, Route

from ._clock import Clock, RealClock
from ._faults import REPLACING_KINDS, TRANSFORMING_KINDS, Fault
from ._model import JobPlan, Phase, RecordedRequest, SimJob, SimOutcome, check_outcome
from ._server import Message, Receive, Scope, Send, Serving, serve_in_thread, serve_on_loop

JSON = "application/json"
HTML = "text/html; charset=utf-8"
_CHUNK = 64 * 1024
_HOLD_POLL = 0.005


@attrs.define(kw_only=True)
class Reply:
    """A complete HTTP answer, before faults and sending."""

    status: int
    body: bytes = b""
    content_type: str | None = JSON
    headers: list[tuple[str, str]] = attrs.field(factory=list)
    hold: Callable[[], Reply | None] | None = None
    """Set to hold the request: called (under the simulator's lock) every few milliseconds
    until it returns the final reply, as a server that answers only once a job ends."""


class SimRequest:
    """What a vendor handler sees: the request, its whole body and its path parameters."""

    def __init__(self, scope: Scope, body: bytes) -> None:
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query_string: str = scope.get("query_string", b"").decode("latin-1")
        self.query = QueryParams(self.query_string)
        self.headers = Headers(scope=scope)
        self.body = body
        self.path_params: dict[str, Any] = {}
        self.cache: dict[str, Any] = {}

    def json(self) -> Any:
        """The body as JSON; ``ValueError`` if it is not."""
        return json.loads(self.body)


Handler = Callable[[SimRequest], Reply]


class Endpoint(NamedTuple):
    method: str
    path: str
    op: str
    handler: Handler
    public: bool = False


async def _never(scope: Scope, receive: Receive, send: Send) -> None:  # pragma: no cover
    raise AssertionError("simulator routes are dispatched by the simulator itself")


class _Missing:
    pass


_MISSING = _Missing()


def _split(path: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in path.split(".") if part]


def _container(doc: Any, parts: Sequence[str | int]) -> Any:
    node = doc
    for part in parts:
        if isinstance(node, dict) and isinstance(part, str | int) and str(part) in node:
            node = node[str(part)]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return _MISSING
    return node


def _set_path(doc: Any, path: str, value: Any) -> None:
    parts = _split(path)
    parent = _container(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, dict):
        parent[str(last)] = value
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        parent[last] = value


def _delete_path(doc: Any, path: str) -> None:
    parts = _split(path)
    parent = _container(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, dict):
        parent.pop(str(last), None)
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        del parent[last]


def join_path(*parts: str | None) -> str:
    return ".".join(part for part in parts if part)


def http_date(epoch_seconds: float, *, round_up: bool = False) -> str:
    """An IMF-fixdate; whole seconds, rounded down (or up: a Retry-After must not come early)."""
    whole = math.ceil(epoch_seconds) if round_up else math.floor(epoch_seconds)
    return email.utils.formatdate(whole, usegmt=True)


def iso_utc(epoch_seconds: float, *, suffix: str = "Z") -> str:
    """``2025-01-01T00:00:00Z`` (RFC 3339, whole seconds)."""
    import datetime as _dt

    moment = _dt.datetime.fromtimestamp(int(epoch_seconds), tz=_dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + suffix


def reason(status: int) -> str:
    """The status's reason phrase (``Service Unavailable``), ``Unknown Error`` for e.g. 520."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown Error"


def html_page(status: int) -> bytes:
    title = f"{status} {reason(status)}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _wait_disconnect(receive: Receive) -> None:
    async def wait() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wait(), timeout=5)


class SimulatedDisconnect(ConnectionAbortedError):
    """Raised by a ``drop``/``truncated`` fault when the app is not served by these helpers."""


class Simulator:
    """The base of the five simulators: an ASGI app (``sim.app``, or the simulator itself) plus
    the state it answers from. Serve it with ``with sim.serve():`` or ``async with sim.aserve():``
    and point a client at ``sim.url``.

    Common state, all plain attributes: ``clock``, ``requests`` (what was received),
    ``faults`` (armed, consumed in order), ``jobs`` (id -> :class:`SimJob`),
    ``default_duration``/``default_outcome``/``default_queued`` (for jobs created through the
    vendor's submit endpoint; see also :meth:`next_job`), ``expire_after`` (seconds after which
    a job is forgotten; None: never).
    """

    VENDOR: ClassVar[str] = ""
    BASE_PATH: ClassVar[str] = ""
    OPS: ClassVar[tuple[str, ...]] = ()
    POLL_OP: ClassVar[str] = "poll"
    CONTENT_TYPE: ClassVar[str] = JSON
    DEFAULT_EXPIRE_AFTER: ClassVar[float | None] = None

    def __init__(
        self,
        credential: str | None = None,
        *,
        clock: Clock | None = None,
        seed: int = 0,
        default_duration: float = 5.0,
        default_outcome: SimOutcome = "succeeded",
        default_queued: float = 0.1,
    ) -> None:
        self.clock: Clock = clock if clock is not None else RealClock()
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.jobs: dict[str, SimJob] = {}
        self.job_plans: list[JobPlan] = []
        self.default_duration = float(default_duration)
        self.default_outcome: SimOutcome = check_outcome(default_outcome)
        self.default_queued = float(default_queued)
        """The share of a job's duration it spends queued before it runs (0.1 = 10 %)."""
        self.expire_after: float | None = self.DEFAULT_EXPIRE_AFTER
        self.content_type: str = self.CONTENT_TYPE
        """The Content-Type of the vendor's answers (also used by ``empty``/``huge`` faults)."""
        self._lock = threading.RLock()
        # Reproducible ids and tokens for tests, not secrets.
        self._rng = random.Random(seed)  # noqa: S311
        credential = credential if credential is not None else f"sim-{self.VENDOR}-credential"
        self._credentials: dict[str, float | None] = {credential: None}
        self._primary = credential
        self._serving: Serving | None = None
        self._origin: str | None = None
        self._endpoints = self.endpoints()
        self._routes = [
            (Route(ep.path, _never, methods=[ep.method], name=ep.op), ep) for ep in self._endpoints
        ]

    def __repr__(self) -> str:
        where = self._origin or "not serving"
        return f"<{type(self).__name__} {where}, {len(self.jobs)} jobs>"

    # -- what a vendor module provides ---------------------------------------------------------

    def endpoints(self) -> list[Endpoint]:
        """The vendor's operations: method, path (under ``BASE_PATH``), op name, handler."""
        raise NotImplementedError

    def credential_from(self, req: SimRequest) -> str | None:
        """The token or key a request carries, or None if it carries none."""
        raise NotImplementedError

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        """The vendor's error answer for HTTP ``status``."""
        raise NotImplementedError

    def rate_limit_reply(self, retry_after: str | None) -> Reply:
        """The vendor's rate-limit answer."""
        reply = self.error_reply(429, "Too many requests")
        if retry_after is not None:
            reply.headers.append(("retry-after", retry_after))
        return reply

    def unauthorized_reply(self, req: SimRequest) -> Reply:
        return self.error_reply(401)

    def status_path(self, doc: Any) -> str | None:
        """Where the job status sits in a poll answer (for ``Fault.status_value``)."""
        return None

    def transform_root(self, doc: Any) -> str:
        """Where field paths of transforming faults start (the document root by default)."""
        return ""

    def decode(self, body: bytes) -> Any:
        return json.loads(body)

    def encode(self, doc: Any) -> bytes:
        return json.dumps(doc).encode()

    def huge_parts(self) -> tuple[bytes, bytes]:
        return b'{"padding": "', b'"}'

    def new_id(self) -> str:
        return self.uuid()

    # -- credentials ---------------------------------------------------------------------------

    @property
    def credential(self) -> str:
        """The current valid token/API key (``token`` or ``api_key`` on each simulator)."""
        return self._primary

    def grant(self, credential: str, *, expires_in: float | None = None) -> None:
        """Accept another credential (valid for ``expires_in`` seconds of the clock, or ever)."""
        with self._lock:
            self._credentials[credential] = (
                None if expires_in is None else self.clock.now() + expires_in
            )

    def revoke(self, credential: str | None = None) -> None:
        """Refuse ``credential`` (the current one by default) from now on, as the vendor would."""
        with self._lock:
            self._credentials.pop(self._primary if credential is None else credential, None)

    def rotate(self) -> str:
        """Revoke the current credential and return a new one (also ``sim.credential`` now)."""
        with self._lock:
            self._credentials.pop(self._primary, None)
            self._primary = f"sim-{self.VENDOR}-{self._rng.getrandbits(64):016x}"
            self._credentials[self._primary] = None
            return self._primary

    def is_valid(self, credential: str | None) -> bool:
        if credential is None:
            return False
        with self._lock:
            if credential not in self._credentials:
                return False
            expires = self._credentials[credential]
            return expires is None or self.clock.now() < expires

    # -- jobs ----------------------------------------------------------------------------------

    def uuid(self) -> str:
        """A random-looking UUID4, reproducible from the simulator's ``seed``."""
        with self._lock:
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def next_job(
        self,
        *,
        duration: float | None = None,
        outcome: SimOutcome | None = None,
        error: str | None = None,
        result: Any = None,
        times: int = 1,
    ) -> None:
        """Plan the next ``times`` jobs created through the vendor's submit endpoint (plans are
        used in order; then the defaults apply). ``error`` is the failure message, ``result`` the
        vendor's output (Veza ``result``, Eden AI ``output``, Phrase TMS ``warnings``)."""
        if outcome is not None:
            check_outcome(outcome)
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self.job_plans.append(
                JobPlan(duration=duration, outcome=outcome, error=error, result=result, times=times)
            )

    def _take_plan(self) -> JobPlan:
        with self._lock:
            if not self.job_plans:
                return JobPlan()
            plan = self.job_plans[0]
            if plan.times <= 1:
                self.job_plans.pop(0)
            else:
                plan.times -= 1
            return plan

    def _create(
        self,
        *,
        duration: float | None,
        outcome: SimOutcome,
        queued: float | None = None,
        error: str | None = None,
        result: Any = None,
        data: dict[str, Any] | None = None,
        job_id: str | None = None,
    ) -> SimJob:
        check_outcome(outcome)
        with self._lock:
            length = self.default_duration if duration is None else float(duration)
            if length < 0:
                raise ValueError("duration must be non-negative")
            wait = length * self.default_queued if queued is None else min(float(queued), length)
            job = SimJob(
                id=job_id if job_id is not None else self.new_id(),
                created=self.clock.now(),
                created_wall=self.clock.wall(),
                duration=length,
                outcome=outcome,
                queued=wait,
                error=error,
                result=result,
                data=data or {},
            )
            self.jobs[job.id] = job
            return job

    def _create_planned(self, *, data: dict[str, Any] | None = None) -> SimJob:
        plan = self._take_plan()
        return self._create(
            duration=plan.duration,
            outcome=plan.outcome or self.default_outcome,
            error=plan.error,
            result=plan.result,
            data=data,
        )

    def lookup(self, job_id: str) -> SimJob | None:
        """The job, unless unknown, forgotten or older than ``expire_after``."""
        with self._lock:
            job = self.jobs.get(job_id)
            if job is None:
                return None
            if job.starts_when_polled:
                job.starts_when_polled = False
                job.created, job.created_wall = self.clock.now(), self.clock.wall()
            if (
                self.expire_after is not None
                and self.clock.now() - job.created >= self.expire_after
            ):
                return None
            return job

    def add_job(self, duration: float | None = None, outcome: SimOutcome = "succeeded") -> str:
        """Create a job directly (not through the vendor's submit endpoint); returns its id.
        Each simulator adds its vendor's own keyword arguments."""
        raise NotImplementedError

    def forget(self, job_id: str) -> None:
        """Delete a job: from now on the vendor answers as for an unknown id."""
        with self._lock:
            if self.jobs.pop(job_id, None) is None:
                raise KeyError(job_id)

    def phase(self, job_id: str) -> Phase:
        """The job's phase now (``queued``/``running``/``succeeded``/``failed``/``canceled``)."""
        return self.jobs[job_id].phase(self.clock.now())

    def progress(self, job_id: str) -> float:
        return self.jobs[job_id].progress(self.clock.now())

    # -- faults --------------------------------------------------------------------------------

    def fault(
        self,
        fault: Fault | str | int,
        /,
        *,
        times: int | None = 1,
        op: str | None = None,
        path_contains: str | None = None,
        method: str | None = None,
    ) -> Fault:
        """Arm a fault: the next ``times`` matching requests get it (``None``: all of them).

        ``fault`` is a :class:`Fault`, a status code (``503`` = ``Fault.http(503)``) or a short
        spec (``"drop"``, ``"slow:0.2"``, see :meth:`Fault.parse`). ``op`` is one of ``OPS``.
        """
        if isinstance(fault, int):
            value = Fault.http(fault)
        elif isinstance(fault, str):
            value = Fault.parse(fault)
        else:
            value = fault
        if op is not None and op not in self.OPS:
            raise ValueError(f"{type(self).__name__} has no op {op!r}; it has {self.OPS}")
        if value.kind == "status_value" and op is None and path_contains is None:
            op = self.POLL_OP
        value = attrs.evolve(value, times=times, op=op, path_contains=path_contains, method=method)
        self._check_fault(value)
        with self._lock:
            self.faults.append(value)
        return value

    def _check_fault(self, fault: Fault) -> None:
        """Refuse, when armed, a fault this vendor cannot express."""
        if fault.kind == "alphasms_error":
            raise ValueError("alphasms_error faults only apply to the AlphaSMS simulator")
        if fault.kind == "status_value" and fault.field is None and self.status_path({}) is None:
            raise ValueError(
                f"{type(self).__name__} answers have no status field; "
                "name the field to change (Fault.status_value(value, field=...))"
            )

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _take_fault(self, method: str, path: str, op: str | None) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self.faults):
                if not fault.matches(method, path, op):
                    continue
                if fault.times is not None:
                    if fault.times <= 1:
                        del self.faults[index]
                    else:
                        self.faults[index] = attrs.evolve(fault, times=fault.times - 1)
                return fault
        return None

    # -- replies -------------------------------------------------------------------------------

    def json_reply(self, status: int, doc: Any, headers: Sequence[tuple[str, str]] = ()) -> Reply:
        return Reply(status=status, body=json.dumps(doc).encode(), headers=list(headers))

    def retry_after_header(self, fault: Fault) -> str | None:
        value = fault.retry_after
        if value is None or isinstance(value, str):
            return value
        if fault.retry_after_date:
            return http_date(self.clock.wall() + value, round_up=True)
        return str(int(value)) if value == int(value) else f"{value:g}"

    def _fault_reply(self, fault: Fault) -> Reply:
        status = fault.status if fault.status is not None else 200
        if fault.kind == "http":
            if fault.body is not None:
                reply = Reply(
                    status=status, body=fault.body, content_type=fault.content_type or JSON
                )
            else:
                reply = self.error_reply(status)
                if fault.content_type is not None:
                    reply.content_type = fault.content_type
            retry_after = self.retry_after_header(fault)
            if retry_after is not None:
                reply.headers.append(("retry-after", retry_after))
            reply.headers.extend(fault.headers)
            return reply
        if fault.kind == "rate_limit":
            return self.rate_limit_reply(self.retry_after_header(fault))
        if fault.kind == "html":
            return Reply(status=status, body=fault.body or html_page(status), content_type=HTML)
        if fault.kind == "empty":
            return Reply(status=status, body=b"", content_type=self.content_type)
        if fault.kind == "raw":
            return Reply(
                status=status,
                body=fault.body or b"",
                content_type=fault.content_type,
                headers=list(fault.headers),
            )
        return self.fault_reply(fault)

    def fault_reply(self, fault: Fault) -> Reply:
        """Vendor-specific replacing faults (AlphaSMS ``alphasms_error``)."""
        raise ValueError(f"{type(self).__name__} cannot answer a {fault.kind!r} fault")

    def _transform(self, reply: Reply, fault: Fault) -> Reply:
        try:
            doc = self.decode(reply.body)
        except ValueError:
            return reply
        root = self.transform_root(doc)
        if fault.kind == "status_value":
            path = fault.field or self.status_path(doc)
            if path is None:
                return reply
            _set_path(doc, join_path(root, path), fault.value)
        elif fault.kind == "missing_field" and fault.field:
            _delete_path(doc, join_path(root, fault.field))
        elif fault.kind == "null_field" and fault.field:
            _set_path(doc, join_path(root, fault.field), None)
        elif fault.kind == "extra_fields":
            target = _container(doc, _split(join_path(root, fault.field)))
            if isinstance(target, dict):
                target.update(fault.fields)
        return attrs.evolve(reply, body=self.encode(doc))

    # -- the ASGI app --------------------------------------------------------------------------

    @property
    def app(self) -> Simulator:
        """The ASGI application (the simulator itself is one)."""
        return self

    def _route(self, scope: Scope) -> tuple[Endpoint | None, dict[str, Any], bool]:
        """(endpoint, path params, whether the path exists under another method)."""
        path: str = scope["path"]
        if self.BASE_PATH:
            if not (path == self.BASE_PATH or path.startswith(self.BASE_PATH + "/")):
                return None, {}, False
            path = path[len(self.BASE_PATH) :]
        sub = {"type": "http", "path": path, "root_path": "", "method": scope["method"]}
        other_method = False
        for route, endpoint in self._routes:
            match, child = route.matches(sub)
            if match == Match.FULL:
                return endpoint, dict(child.get("path_params", {})), False
            if match == Match.PARTIAL:
                other_method = True
        return None, {}, other_method

    def classify(self, endpoint: Endpoint | None, req: SimRequest) -> str | None:
        """The op name of a request (AlphaSMS tells its ops apart by the body)."""
        return endpoint.op if endpoint is not None else None

    def handle(self, endpoint: Endpoint | None, req: SimRequest, allowed: bool) -> Reply:
        """The vendor's answer to a request, faults aside."""
        if endpoint is None:
            return self.error_reply(405 if allowed else 404)
        if not endpoint.public and not self.is_valid(self.credential_from(req)):
            return self.unauthorized_reply(req)
        with self._lock:
            return endpoint.handler(req)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = message["type"].rsplit(".", 1)[-1]
                await send({"type": f"{message['type']}.complete"})
                if kind == "shutdown":
                    return
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        req = SimRequest(scope, body)
        endpoint, params, allowed = self._route(scope)
        req.path_params = params
        op = self.classify(endpoint, req)
        fault = self._take_fault(req.method, req.path, op)
        with self._lock:
            self.requests.append(
                RecordedRequest(
                    method=req.method,
                    path=req.path,
                    query=req.query_string,
                    headers={key: req.headers[key] for key in req.headers},
                    body=body,
                    op=op,
                    fault=fault,
                    time=self.clock.now(),
                )
            )
        await self._answer(
            scope=scope,
            receive=receive,
            send=send,
            req=req,
            endpoint=endpoint,
            allowed=allowed,
            fault=fault,
        )

    async def _answer(
        self,
        *,
        scope: Scope,
        receive: Receive,
        send: Send,
        req: SimRequest,
        endpoint: Endpoint | None,
        allowed: bool,
        fault: Fault | None,
    ) -> None:
        kind = fault.kind if fault is not None else None
        if fault is None or kind is None:
            await self._send(send, await self._settle(self.handle(endpoint, req, allowed)))
            return
        if kind == "slow":
            await self._pause(fault.seconds)
        elif kind == "huge":
            await self._send_huge(send, fault)
            return
        elif kind in REPLACING_KINDS:
            await self._send(send, self._fault_reply(fault))
            return
        elif kind == "drop" and not fault.after_handling:
            await self._drop(scope, receive)
            return
        reply = await self._settle(self.handle(endpoint, req, allowed))
        if kind == "drop":
            await self._drop(scope, receive)
        elif kind == "truncated":
            await self._send_truncated(scope, receive, send, reply, fault.fraction)
        elif kind in TRANSFORMING_KINDS:
            await self._send(send, self._transform(reply, fault))
        else:
            await self._send(send, reply)

    async def _settle(self, reply: Reply) -> Reply:
        """The final reply of a held one (:attr:`Reply.hold`); a 503 if the server stops first."""
        while reply.hold is not None:
            with self._lock:
                final = reply.hold()
            if final is not None:
                return final
            closing = self._serving.closing if self._serving is not None else None
            if closing is not None and closing.is_set():
                return self.error_reply(503)
            await asyncio.sleep(_HOLD_POLL)
        return reply

    def _headers(self, reply: Reply, length: int | None) -> list[tuple[bytes, bytes]]:
        headers: list[tuple[bytes, bytes]] = []
        if reply.content_type is not None:
            headers.append((b"content-type", reply.content_type.encode("latin-1")))
        if length is not None:
            headers.append((b"content-length", str(length).encode()))
        headers.append((b"date", http_date(self.clock.wall()).encode()))
        headers.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers)
        return headers

    async def _send(self, send: Send, reply: Reply) -> None:
        start: Message = {
            "type": "http.response.start",
            "status": reply.status,
            "headers": self._headers(reply, len(reply.body)),
        }
        await send(start)
        await send({"type": "http.response.body", "body": reply.body, "more_body": False})

    async def _pause(self, seconds: float) -> None:
        closing = self._serving.closing if self._serving is not None else None
        if closing is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing.wait(), timeout=seconds)

    async def _drop(self, scope: Scope, receive: Receive) -> None:
        conn = self._serving.connection_for(scope) if self._serving is not None else None
        transport = getattr(conn, "transport", None)
        if transport is None:
            raise SimulatedDisconnect("simulated dropped connection")
        transport.close()
        await _wait_disconnect(receive)

    async def _send_truncated(
        self, scope: Scope, receive: Receive, send: Send, reply: Reply, fraction: float
    ) -> None:
        part = reply.body[: int(len(reply.body) * fraction)]
        start: Message = {
            "type": "http.response.start",
            "status": reply.status,
            "headers": self._headers(reply, len(reply.body)),
        }
        await send(start)
        await send({"type": "http.response.body", "body": part, "more_body": True})
        await self._drop(scope, receive)

    async def _send_huge(self, send: Send, fault: Fault) -> None:
        prefix, suffix = self.huge_parts()
        fill = max(fault.size - len(prefix) - len(suffix), 0)
        reply = Reply(status=fault.status or 200, content_type=self.content_type)
        length = None if fault.chunked else len(prefix) + fill + len(suffix)
        start: Message = {
            "type": "http.response.start",
            "status": reply.status,
            "headers": self._headers(reply, length),
        }
        await send(start)
        await send({"type": "http.response.body", "body": prefix, "more_body": True})
        chunk = b"x" * _CHUNK
        while fill > 0:
            piece = chunk if fill >= _CHUNK else chunk[:fill]
            fill -= len(piece)
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": suffix, "more_body": False})

    # -- serving -------------------------------------------------------------------------------

    def _attach(self, serving: Serving | None, origin: str | None) -> None:
        self._serving = serving
        self._origin = origin

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT`` while serving."""
        if self._origin is None:
            raise RuntimeError(
                f"{type(self).__name__} is not serving; use `with sim.serve():` "
                "or `async with sim.aserve():`"
            )
        return self._origin

    @property
    def url(self) -> str:
        """The base URL to give a client (``origin`` + the vendor's base path, e.g. ``/web``)."""
        return self.origin + self.BASE_PATH

    @property
    def port(self) -> int:
        return int(self.origin.rsplit(":", 1)[1])

    @property
    def serving(self) -> bool:
        return self._origin is not None

    def _not_serving(self) -> None:
        if self._origin is not None:
            raise RuntimeError(f"{type(self).__name__} is already serving at {self._origin}")

    @contextlib.contextmanager
    def serve(self, *, port: int = 0, host: str = "127.0.0.1") -> Iterator[Self]:
        """Serve over HTTP from a background thread until the block exits; yields ``self``.

        ``port=0`` picks a free port. Starts and stops in milliseconds, leaves no thread behind.
        """
        self._not_serving()
        with serve_in_thread([self], host, [port], name=f"jobpoll-sim-{self.VENDOR}"):
            yield self

    @contextlib.asynccontextmanager
    async def aserve(self, *, port: int = 0, host: str = "127.0.0.1") -> AsyncIterator[Self]:
        """Serve over HTTP on the running event loop until the block exits; yields ``self``."""
        self._not_serving()
        async with serve_on_loop([self], host, [port]):
            yield self
