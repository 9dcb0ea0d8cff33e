"""Veza simulator: async tasks (``specs/veza.yaml``).

Where each behaviour comes from (seed 002 is Veza's "Get assessment async task" page, prose
only; vendors.md §3 adds the submit operation and what Veza's own client does):

* ``GET /api/v1/assessments/async_tasks/{id}`` → the task: ``id``, ``state`` (PENDING,
  IN_PROGRESS, COMPLETE; UNKNOWN_STATE is never sent), ``status`` once COMPLETE (SUCCEEDED with
  ``result``, FAILED with ``error_reason``/``error_status``, CANCELED), enums as string names
  (seed 002). A task is PENDING for its queued share, then IN_PROGRESS (this simulator's model).
* ``emit_defaults`` (default True) writes every member, proto3 defaults included
  (``UNKNOWN_STATUS``, ``result: null``, ``error_reason: ""``), as grpc-gateway does by
  default; ``emit_defaults=False`` omits them, as proto3 JSON may (vendors.md asks readers to
  accept both: which one Veza sends is an inference).
* ``POST /api/v1/assessments/query_spec:result_async_create`` → the task, wrapped as
  ``{"task": …}`` by default; ``submit_wrapping``/``poll_wrapping`` give bare or
  ``{"value": …}`` answers (vendors.md: not settled by the docs, accept all).
* ``Authorization: Bearer <API key>`` (vendors.md); errors are grpc-gateway's ``{code,
  message}`` with the gRPC code of the HTTP status (an inference: the docs give no error
  body); an unknown task id is 404 NOT_FOUND (an inference).
* ``error_status`` of a failed task defaults to ``"INTERNAL"`` (the docs give no type: an
  inference).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from ._base import Endpoint, SimRequest, Simulator
from ._clock import Clock
from ._model import SimJob, SimOutcome
from ._replies import Reply, reason

_GRPC_CODES = {
    400: 3,  # INVALID_ARGUMENT
    401: 16,  # UNAUTHENTICATED
    403: 7,  # PERMISSION_DENIED
    404: 5,  # NOT_FOUND
    409: 6,  # ALREADY_EXISTS
    429: 8,  # RESOURCE_EXHAUSTED
    500: 13,  # INTERNAL
    501: 12,  # UNIMPLEMENTED
    503: 14,  # UNAVAILABLE
    504: 4,  # DEADLINE_EXCEEDED
}
_MESSAGES = {
    400: "invalid request",
    401: "invalid or missing API key",
    403: "permission denied",
    404: "not found",
    429: "too many requests",
    500: "internal error",
    503: "service unavailable",
}

DEFAULT_RESULT: dict[str, Any] = {
    "values": [
        {"id": "sim-node-1", "type": "User", "properties": {"name": "alice"}},
        {"id": "sim-node-2", "type": "User", "properties": {"name": "bob"}},
    ],
    "count": 2,
}

PollWrapping = Literal["bare", "value"]
SubmitWrapping = Literal["task", "bare", "value"]


class VezaSimulator(Simulator):
    """Veza async tasks. Point a client at ``sim.url`` with ``Authorization: Bearer
    <sim.api_key>``.

    Ops: ``submit`` (POST query_spec:result_async_create -> ``{"task": {...}}``; see
    ``submit_wrapping``), ``poll`` (GET async_tasks/{id} -> the task; see ``poll_wrapping``).
    Task: ``state`` PENDING -> IN_PROGRESS -> COMPLETE, then ``status`` SUCCEEDED (``result``),
    FAILED (``error_reason``, ``error_status``) or CANCELED. ``emit_defaults=False`` omits
    members at their proto3 default (``status`` while not complete, empty ``result``...), as
    proto3 JSON may. Errors: ``{"code": <gRPC code>, "message": ...}``.
    """

    VENDOR: ClassVar[str] = "veza"
    OPS: ClassVar[tuple[str, ...]] = ("submit", "poll")

    def __init__(
        self,
        api_key: str = "sim-veza-api-key",
        *,
        clock: Clock | None = None,
        seed: int = 0,
        default_duration: float = 5.0,
        default_outcome: SimOutcome = "succeeded",
        poll_wrapping: PollWrapping = "bare",
        submit_wrapping: SubmitWrapping = "task",
        emit_defaults: bool = True,
    ) -> None:
        super().__init__(
            api_key,
            clock=clock,
            seed=seed,
            default_duration=default_duration,
            default_outcome=default_outcome,
        )
        self.poll_wrapping: PollWrapping = poll_wrapping
        self.submit_wrapping: SubmitWrapping = submit_wrapping
        self.emit_defaults = emit_defaults

    @property
    def api_key(self) -> str:
        return self.credential

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint(
                "POST",
                "/api/v1/assessments/query_spec:result_async_create",
                "submit",
                self._submit,
            ),
            Endpoint("GET", "/api/v1/assessments/async_tasks/{id}", "poll", self._poll),
        ]

    def credential_from(self, req: SimRequest) -> str | None:
        return req.authorization("bearer")

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        code = _GRPC_CODES.get(status, 2)  # 2: UNKNOWN
        return self.json_reply(
            status,
            {"code": code, "message": message or _MESSAGES.get(status, reason(status).lower())},
        )

    def status_path(self, doc: Any) -> str | None:
        if isinstance(doc, dict):
            for wrapper in ("value", "task"):
                if isinstance(doc.get(wrapper), dict):
                    return f"{wrapper}.state"
        return "state"

    # -- jobs ----------------------------------------------------------------------------------

    def add_job(
        self,
        duration: float | None = None,
        outcome: SimOutcome = "succeeded",
        *,
        queued: float | None = None,
        result: Any = None,
        error_reason: str | None = None,
        error_status: Any = "INTERNAL",
    ) -> str:
        """Create a task directly; returns its id (a UUID). ``result`` defaults to a small
        query result; ``error_reason``/``error_status`` describe a failure."""
        job = self._create(
            duration=duration,
            outcome=outcome,
            queued=queued,
            error=error_reason,
            result=result,
            data={"error_status": error_status},
        )
        return job.id

    def task(self, job: SimJob) -> dict[str, Any]:
        """The AsyncTask for a job as it stands now (unwrapped)."""
        phase = job.phase(self.clock.now())
        full: dict[str, Any] = {
            "id": job.id,
            "state": {"queued": "PENDING", "running": "IN_PROGRESS"}.get(phase, "COMPLETE"),
            "status": "UNKNOWN_STATUS",
            "result": None,
            "error_reason": "",
            "error_status": None,
        }
        if phase == "succeeded":
            full["status"] = "SUCCEEDED"
            full["result"] = job.result if job.result is not None else DEFAULT_RESULT
        elif phase == "failed":
            full["status"] = "FAILED"
            full["error_reason"] = job.error or "query execution failed"
            full["error_status"] = job.data.get("error_status", "INTERNAL")
        elif phase == "canceled":
            full["status"] = "CANCELED"
        if self.emit_defaults:
            return full
        defaults: dict[str, Any] = {
            "status": "UNKNOWN_STATUS",
            "result": None,
            "error_reason": "",
            "error_status": None,
        }
        return {k: v for k, v in full.items() if k not in defaults or defaults[k] != v}

    # -- handlers ------------------------------------------------------------------------------

    def _submit(self, req: SimRequest) -> Reply:
        try:
            body = req.json()
        except ValueError:
            return self.error_reply(400, "request body is not valid JSON")
        if not isinstance(body, dict):
            return self.error_reply(400, "the query spec must be a JSON object")
        job = self._create_planned(data={"query_spec": body, "error_status": "INTERNAL"})
        task = self.task(job)
        if self.submit_wrapping == "task":
            return self.json_reply(200, {"task": task})
        if self.submit_wrapping == "value":
            return self.json_reply(200, {"value": task})
        return self.json_reply(200, task)

    def _poll(self, req: SimRequest) -> Reply:
        job = self.lookup(str(req.path_params["id"]))
        if job is None:
            return self.error_reply(404, f"async task {req.path_params['id']} not found")
        task = self.task(job)
        return self.json_reply(200, {"value": task} if self.poll_wrapping == "value" else task)
