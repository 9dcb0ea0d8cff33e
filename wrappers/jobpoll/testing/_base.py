"""The simulator base: an ASGI app that routes a request to a vendor's handler, applies the
fault armed for it, and answers. It knows no vendor and no fault kind: the vendor modules give
the endpoints, credentials and error answers; :mod:`._faults` gives each kind's behaviour; jobs,
credentials and the sending of replies are parts of their own (:mod:`._jobs`,
:mod:`._credentials`, :mod:`._replies`)."""

from __future__ import annotations

import contextlib
import json
import random
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, ClassVar, NamedTuple, Self

import attrs
from starlette.datastructures import Headers, QueryParams
from starlette.routing import Match, Route

from . import _faults
from ._clock import Clock, RealClock
from ._credentials import Credentials
from ._faults import Fault
from ._jobs import JobStore
from ._model import JobPlan, Phase, RecordedRequest, SimJob, SimOutcome, check_outcome
from ._replies import JSON, Exchange, Receive, Reply, Scope, Send, read_body
from ._server import Serving, serve_in_thread, serve_on_loop


class SimRequest:
    """What a vendor handler sees: the request, its whole body and its path parameters."""

    def __init__(self, scope: Scope, body: bytes) -> None:
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query_string: str = scope.get("query_string", b"").decode("latin-1")
        self.query: QueryParams = QueryParams(self.query_string)
        self.headers: Headers = Headers(scope=scope)
        self.body = body
        self.path_params: dict[str, Any] = {}
        self.cache: dict[str, Any] = {}

    def json(self) -> Any:
        """The body as JSON; ``ValueError`` if it is not."""
        return json.loads(self.body)

    def authorization(self, *schemes: str) -> str | None:
        """The credential of an ``Authorization: <scheme> <credential>`` header whose scheme is
        one of ``schemes`` (any case), or None."""
        scheme, _, value = self.headers.get("authorization", "").strip().partition(" ")
        return value.strip() if scheme.lower() in schemes and value.strip() else None


Handler = Callable[[SimRequest], Reply]


class Endpoint(NamedTuple):
    method: str
    path: str
    op: str
    handler: Handler
    public: bool = False


async def _never(scope: Scope, receive: Receive, send: Send) -> None:  # pragma: no cover
    raise AssertionError("simulator routes are dispatched by the simulator itself")


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
        self.default_duration: float = float(default_duration)
        self.default_outcome: SimOutcome = check_outcome(default_outcome)
        self.default_queued: float = float(default_queued)
        """The share of a job's duration it spends queued before it runs (0.1 = 10 %)."""
        self.expire_after: float | None = self.DEFAULT_EXPIRE_AFTER
        self.content_type: str = self.CONTENT_TYPE
        """The Content-Type of the vendor's answers (also used by ``empty``/``huge`` faults)."""
        self._lock = threading.RLock()
        self._recorded = threading.Condition(self._lock)  # notified as each request arrives
        # Reproducible ids and tokens for tests, not secrets.
        self._rng = random.Random(seed)  # noqa: S311
        self._jobs = JobStore(clock=self.clock, lock=self._lock, new_id=self.new_id)
        self.jobs: dict[str, SimJob] = self._jobs.jobs
        self.job_plans: list[JobPlan] = self._jobs.plans
        self._credentials = Credentials(
            credential if credential is not None else f"sim-{self.VENDOR}-credential",
            clock=self.clock,
            fresh=lambda: f"sim-{self.VENDOR}-{self._rng.getrandbits(64):016x}",
            lock=self._lock,
        )
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
        return self._credentials.primary

    def grant(self, credential: str, *, expires_in: float | None = None) -> None:
        """Accept another credential (valid for ``expires_in`` seconds of the clock, or ever)."""
        self._credentials.grant(credential, expires_in=expires_in)

    def revoke(self, credential: str | None = None) -> None:
        """Refuse ``credential`` (the current one by default) from now on, as the vendor would."""
        self._credentials.revoke(credential)

    def rotate(self) -> str:
        """Revoke the current credential and return a new one (also ``sim.credential`` now)."""
        return self._credentials.rotate()

    def is_valid(self, credential: str | None) -> bool:
        return self._credentials.valid(credential)

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
        self._jobs.plan(
            JobPlan(duration=duration, outcome=outcome, error=error, result=result, times=times)
        )

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
        """A new job; ``duration`` and ``queued`` default to the simulator's settings."""
        length = self.default_duration if duration is None else float(duration)
        wait = length * self.default_queued if queued is None else min(float(queued), length)
        return self._jobs.create(
            duration=length,
            outcome=outcome,
            queued=wait,
            error=error,
            result=result,
            data=data,
            job_id=job_id,
        )

    def _create_planned(self, *, data: dict[str, Any] | None = None) -> SimJob:
        """A job created through the submit endpoint: the next plan, else the defaults."""
        plan = self._jobs.take_plan()
        return self._create(
            duration=plan.duration,
            outcome=plan.outcome or self.default_outcome,
            error=plan.error,
            result=plan.result,
            data=data,
        )

    def lookup(self, job_id: str) -> SimJob | None:
        """The job, unless unknown, forgotten or older than ``expire_after``."""
        return self._jobs.lookup(job_id, expire_after=self.expire_after)

    def add_job(self, duration: float | None = None, outcome: SimOutcome = "succeeded") -> str:
        """Create a job directly (not through the vendor's submit endpoint); returns its id.
        Each simulator adds its vendor's own keyword arguments."""
        raise NotImplementedError

    def forget(self, job_id: str) -> None:
        """Delete a job: from now on the vendor answers as for an unknown id."""
        self._jobs.forget(job_id)

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
        kind = _faults.KINDS[value.kind]
        if kind.polls and op is None and path_contains is None:
            op = self.POLL_OP
        value = attrs.evolve(value, times=times, op=op, path_contains=path_contains, method=method)
        kind.check(value, self)
        with self._lock:
            self.faults.append(value)
        return value

    def wait_for_requests(
        self,
        match: Callable[[RecordedRequest], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[RecordedRequest]:
        """Block until ``count`` recorded requests ``match`` (None: any; the server answers in
        its own thread) and return those; TimeoutError after ``timeout`` seconds of real time.
        From a coroutine: ``await asyncio.to_thread(sim.wait_for_requests, ...)``."""
        with self._recorded:
            seen: list[RecordedRequest] = []

            def enough() -> bool:
                seen[:] = [r for r in self.requests if match is None or match(r)]
                return len(seen) >= count

            if not self._recorded.wait_for(enough, timeout):
                raise TimeoutError(f"{len(seen)} of {count} requests in {timeout:g} s")
            return seen

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    # -- replies -------------------------------------------------------------------------------

    def json_reply(self, status: int, doc: Any, headers: Sequence[tuple[str, str]] = ()) -> Reply:
        return Reply(status=status, body=json.dumps(doc).encode(), headers=list(headers))

    def retry_after_header(self, fault: Fault) -> str | None:
        """The ``Retry-After`` value ``fault`` asks for (an HTTP-date from the clock's wall)."""
        return _faults.retry_after_header(fault, self.clock.wall())

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
        body = await read_body(receive)
        req = SimRequest(scope, body)
        endpoint, params, allowed = self._route(scope)
        req.path_params = params
        op = self.classify(endpoint, req)
        with self._lock:
            fault = _faults.take(self.faults, req.method, req.path, op)
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
            self._recorded.notify_all()
        exchange = Exchange(
            scope=scope,
            receive=receive,
            send_message=send,
            handler=lambda: self.handle(endpoint, req, allowed),
            unavailable=lambda: self.error_reply(503),
            wall=self.clock.wall,
            lock=self._lock,
            serving=self._serving,
        )
        if fault is None:
            await exchange.send(await exchange.handled())
        else:
            await _faults.KINDS[fault.kind].strike(fault, self, exchange)

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
