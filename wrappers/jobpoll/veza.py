"""Veza: async tasks on a Veza tenant (``https://<tenant>.vezacloud.com``).

``create_query_task(spec)`` starts a query (``POST /api/v1/assessments/query_spec:
result_async_create``) and returns the task id; ``wait`` polls
``GET /api/v1/assessments/async_tasks/{id}`` until the task is done; ``result`` reads its
``result``. ``run_query(spec)`` does all three. A task may come bare, as ``{"task": {...}}`` or
as ``{"value": {...}}``: all are read alike.

Status table (``state`` and ``status`` → ``JobState``). proto3 JSON omits members at their
default, so a missing ``state`` reads ``UNKNOWN_STATE`` and a missing ``status``
``UNKNOWN_STATUS``; ``vendor_status`` is ``status`` once ``state`` is COMPLETE (or the status is
CANCELED), else ``state``:

============================  =============================  ==================================
``state``                     ``status``                     JobState
============================  =============================  ==================================
``UNKNOWN_STATE`` / missing   not CANCELED                   QUEUED
``PENDING``                   not CANCELED                   QUEUED
``IN_PROGRESS``               not CANCELED                   RUNNING
``COMPLETE``                  ``SUCCEEDED``                  SUCCEEDED (:func:`task_result`)
``COMPLETE``                  ``FAILED``                     FAILED (``JobFailed``; reasons)
any                           ``CANCELED``                   CANCELED (``JobCanceled``)
``COMPLETE``                  ``UNKNOWN_STATUS`` / missing   RUNNING (outcome not written yet)
any other word                not CANCELED                   RUNNING, ``recognized=False``
``COMPLETE``                  any other word                 RUNNING, ``recognized=False``
============================  =============================  ==================================

The documentation gives enums as string names; the numbers it lists "for reference" (0-3) are
read as those names too.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, cast

import httpx

from . import _config, _http
from ._client import (
    DEFAULT,
    AsyncClient,
    Base,
    OnUpdate,
    Settings,
    SyncClient,
    TimeoutArg,
    about,
    call,
    check_wait,
)
from ._config import DEFAULT_TIMEOUT
from ._drive import JsonSource
from ._flow import Flow, operation
from ._generated import AsyncTask, QuerySpec, veza_query_request, veza_task_request
from ._generated import VezaUnset as Unset
from ._policy import PollPolicy
from ._status import JSON, JobState, JobStatus, finished
from ._transport import Request

__all__ = [
    "DEFAULT_POLICY",
    "VENDOR",
    "AsyncVeza",
    "Veza",
    "check_job_id",
    "task_result",
    "tenant_url",
    "to_status",
]


# --- 1. Facts ------------------------------------------------------------------------------

VENDOR = "veza"
KEY_ENV = "VEZA_API_KEY"
URL_ENV = "VEZA_URL"

DEFAULT_POLICY = PollPolicy(
    initial_delay=1.0, multiplier=1.5, max_delay=30.0, min_delay=0.5, jitter=0.2
)
"""1 s, 1.5 s, 2.25 s, … up to 30 s (±20 %): Veza's own client caps its backoff at 30 s."""

_TENANT = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_STATE_NAMES = ("UNKNOWN_STATE", "PENDING", "IN_PROGRESS", "COMPLETE")
_STATUS_NAMES = ("UNKNOWN_STATUS", "SUCCEEDED", "FAILED", "CANCELED")
_GRPC_CODES = (  # gRPC status codes, by number: error_status may be one of these
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
)
_TASK_FIELDS = frozenset({"id", "state", "status", "result", "error_reason", "error_status"})


def check_job_id(job_id: object, *, name: str = "job_id") -> str:
    """A task id: a non-empty string without spaces or path characters; ValueError if not."""
    return _config.text_id(job_id, name=name)


def tenant_url(tenant: str) -> str:
    """``https://<tenant>.vezacloud.com``; ValueError naming ``tenant`` if not a host label."""
    if not isinstance(tenant, str) or not _TENANT.fullmatch(tenant.strip().lower()):
        raise ValueError(
            f"tenant must be your Veza tenant name, as in https://<tenant>.vezacloud.com, "
            f"got {tenant!r:.40}"
        )
    return f"https://{tenant.strip().lower()}.vezacloud.com"


def _settings(api_key: str | None, base_url: str | None, tenant: str | None) -> Settings:
    """What a client is made of, validated."""
    key = _config.secret(api_key, KEY_ENV, name="api_key").reveal()
    if tenant is not None:
        if base_url is not None:
            raise ValueError("pass tenant or base_url, not both")
        base_url = tenant_url(tenant)
    elif base_url is None and not os.environ.get(URL_ENV):
        raise ValueError(
            "base_url is required: pass tenant='acme' (for https://acme.vezacloud.com), "
            f"base_url=..., or set the environment variable {URL_ENV}"
        )
    url = _config.base_url(base_url, URL_ENV, None)
    return Settings(url, {"Authorization": f"Bearer {key}"}, (key,), _source((key,)))


# --- 2. Status -----------------------------------------------------------------------------


def _word(value: object, names: Sequence[str], field: str) -> str:
    """An enum member as its name: missing → the default (names[0]); numbers → names;
    a known name in any case → that name; any other word as it came."""
    if value is None or isinstance(value, Unset):
        return names[0]
    if isinstance(value, int) and not isinstance(value, bool):
        return names[value] if 0 <= value < len(names) else str(value)
    if not isinstance(value, str):
        raise TypeError(f"{field} is not a string")
    word = value.strip()
    return word.upper() if word.upper() in names else word or names[0]


def _line(value: object) -> str | None:
    """A vendor value as one short line (None when empty)."""
    if value is None or isinstance(value, Unset) or value == "":
        return None
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    text = " ".join(text.split())
    return text[:300] or None


def _error_status(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(_GRPC_CODES):
        return f"{value} {_GRPC_CODES[value]}"
    return _line(value)


def _failure(task: AsyncTask) -> str | None:
    reason, code = _line(task.error_reason), _error_status(task.error_status)
    if reason and code:
        return f"{reason} (error_status {code})"
    return reason or (f"error_status {code}" if code else None)


def _same_task(job_id: str, task: AsyncTask) -> None:
    """A status that names another task is not this task's status (ValueError, read as a
    malformed response): accepting it could hand back another task's result. A missing, null
    or non-string ``id`` says nothing about which task it is and is let through."""
    named: object = task.id
    if isinstance(named, str) and named.strip() and named.strip() != job_id:
        raise ValueError(f"the status is for task {named.strip()[:80]!r}, not {job_id!r}")


def to_status(job_id: str, task: AsyncTask) -> JobStatus:
    """The task's status as a :class:`JobStatus` (the table in the module docstring);
    ValueError when the task names another id."""
    _same_task(job_id, task)
    state = _word(task.state, _STATE_NAMES, "state")
    try:
        outcome = _word(task.status, _STATUS_NAMES, "status")
    except TypeError:
        if state == "COMPLETE":  # the outcome is what a COMPLETE task's status says
            raise
        outcome = _STATUS_NAMES[0]  # before COMPLETE, a garbled status says nothing
    recognized = state in _STATE_NAMES
    word = state
    detail = None
    if outcome == "CANCELED":
        job_state, word, recognized = JobState.CANCELED, outcome, True
    elif state == "COMPLETE":
        word, recognized = outcome, outcome in _STATUS_NAMES
        job_state = {"SUCCEEDED": JobState.SUCCEEDED, "FAILED": JobState.FAILED}.get(
            outcome, JobState.RUNNING
        )
        if job_state is JobState.FAILED:
            detail = _failure(task)
        elif outcome == "UNKNOWN_STATUS":
            detail = "COMPLETE, but the outcome (status) is not written yet"
    elif state in ("UNKNOWN_STATE", "PENDING"):
        job_state = JobState.QUEUED
    else:
        job_state = JobState.RUNNING
    return JobStatus(
        vendor=VENDOR,
        job_id=job_id,
        state=job_state,
        detail=detail,
        vendor_status=word,
        recognized=recognized,
        errors=(detail,) if job_state is JobState.FAILED and detail else (),
        response=task,
    )


def task_result(status: JobStatus) -> JSON:
    """The ``result`` of the task a Veza :class:`JobStatus` describes (None if it has none)."""
    task = status.response
    if not isinstance(task, AsyncTask):
        raise TypeError("status is not a Veza task status")
    return None if isinstance(task.result, Unset) else cast(JSON, task.result)


def _unwrap(body: object) -> dict[str, Any]:
    """The task in a body that is bare, ``{"task": {...}}`` or ``{"value": {...}}``."""
    for _ in range(3):
        if not isinstance(body, dict):
            raise TypeError("the body is not a JSON object")
        if _TASK_FIELDS & body.keys():
            return body
        inner = body.get("task", body.get("value"))
        if not isinstance(inner, dict):
            break
        body = inner
    raise KeyError("task")


def _status_request(job_id: str) -> Request:
    # The status of a SUCCEEDED task holds its result: read it under the result cap.
    return {**veza_task_request(job_id), "carries_result": True}


def _source(secrets: tuple[str, ...]) -> JsonSource:
    """Polls one task: the engine's source for Veza."""
    return JsonSource(
        VENDOR,
        "Veza task",
        _status_request,
        lambda job_id, task: to_status(job_id, AsyncTask.from_dict(task)),
        lambda: secrets,
        unwrap=_unwrap,
    )


# --- 3. Operations -------------------------------------------------------------------------


def query_request(query_spec: Mapping[str, Any]) -> Request:
    """``POST …/query_spec:result_async_create``; ValueError naming ``query_spec`` if it is
    not a JSON-serialisable mapping."""
    if not isinstance(query_spec, Mapping):
        raise ValueError(f"query_spec must be a mapping, got {type(query_spec).__name__}")
    try:
        json.dumps(query_spec, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValueError(f"query_spec is not JSON-serialisable: {exc}") from None
    return veza_query_request(body=QuerySpec.from_dict(query_spec))


def _task_id(task: dict[str, Any]) -> str:
    task_id = AsyncTask.from_dict(task).id
    if not isinstance(task_id, str):
        raise KeyError("task.id")
    return check_job_id(task_id, name="task.id")


def parse_created(response: httpx.Response, secrets: Sequence[str] = ()) -> str:
    """The id of the task a create operation returned (bare, ``task``- or ``value``-wrapped)."""
    what = "Veza create_query_task"
    return _http.read_object(response, _task_id, what=what, secrets=secrets, unwrap=_unwrap)


def result_request(task_id: str) -> Request:
    """``GET /api/v1/assessments/async_tasks/{id}`` (the status and result are one document)."""
    return veza_task_request(task_id)


# --- 4. Clients ----------------------------------------------------------------------------


class _Ops(Base):
    """Veza's operations, written once for both clients."""

    vendor = VENDOR
    default_policy = DEFAULT_POLICY

    @operation
    def create_query_task(self, query_spec: Mapping[str, Any]) -> Flow[str]:
        """Start a query from a Veza query spec; returns the task id to ``wait`` for."""
        request = query_request(query_spec)
        return call(request, self._parse(parse_created), idempotent=False)

    @operation
    def result(self, task_id: str) -> Flow[JSON]:
        """The ``result`` of a SUCCEEDED task (one fetch); raises for any other state."""
        tid = check_job_id(task_id, name="task_id")
        with about(VENDOR, tid):
            return (yield from call(result_request(tid), self._finished(tid), idempotent=True))

    @operation
    def run_query(
        self,
        query_spec: Mapping[str, Any],
        *,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
        on_update: OnUpdate | None = None,
    ) -> Flow[JSON]:
        """Create a query task, wait for it, and return its ``result``; ``timeout`` bounds all
        of it (the create's retries included)."""
        check_wait(timeout, policy, on_update)
        with self._cycle(timeout, policy) as cycle:
            created = yield from _Ops.create_query_task.flow(self, query_spec)
            task_id = cycle.created(created, self._now())
            return task_result((yield from self._wait_in(cycle, task_id, policy, on_update)))

    def _finished(self, task_id: str) -> Callable[[httpx.Response], JSON]:
        """The result in a finished task's status (``JobNotFinished`` if it is not)."""
        hint = "wait or run_query"
        return lambda response: finished(
            self._source.interpret(task_id, response)[0], response, task_result, hint=hint
        )


class Veza(_Ops, SyncClient):
    """Veza async tasks, synchronously.

    ``api_key`` (or ``VEZA_API_KEY``) is sent as ``Authorization: Bearer <key>``. The URL is
    per tenant and has no default: ``tenant="acme"`` (https://acme.vezacloud.com),
    ``base_url=...`` or ``VEZA_URL``.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        tenant: str | None = None,
        policy: PollPolicy | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], object] | None = None,
        random: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            _settings(api_key, base_url, tenant),
            policy=policy,
            timeout=timeout,
            http_client=http_client,
            transport=transport,
            clock=clock,
            sleep=sleep,
            random=random,
        )


class AsyncVeza(_Ops, AsyncClient):
    """Veza async tasks on asyncio: the methods of :class:`Veza`, awaited."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        tenant: str | None = None,
        policy: PollPolicy | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        random: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            _settings(api_key, base_url, tenant),
            policy=policy,
            timeout=timeout,
            http_client=http_client,
            transport=transport,
            clock=clock,
            sleep=sleep,
            random=random,
        )
