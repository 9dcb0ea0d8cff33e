"""Phrase TMS simulator: async requests (``specs/phrase-tms.yaml``), served under ``/web``.

Where each behaviour comes from (seed 000 is Phrase's "Get asynchronous request" page;
vendors.md §1 adds the other async endpoints and Phrase's help pages):

* ``GET /api2/v1/async/{id}`` → ``AsyncRequestDtoV1`` with the seed's members (``id``,
  ``dateCreated``, ``action``, ``createdBy``, ``project``, ``parent``, ``asyncResponse``);
  no status field: ``asyncResponse`` is null until the request finished, then carries
  ``errorCode``/``errorDesc``/``errorDetails`` on failure or ``warnings`` on success (seed 000,
  vendors.md). Members are written as Phrase's Java API writes them, nulls included
  (``parent: null``, ``project: null`` for a project-less action): the seed's prose, an
  inference for the others. Dates are RFC 3339 (the seed's ``date-time``).
* ``GET /api2/v1/async?pageNumber&pageSize`` (1..50) lists pending requests as a page object,
  ``GET /api2/v1/async/status`` → ``{concurrentRequests: {limit, count}}``, ``limit`` null for
  unlimited (vendors.md). vendors.md gives no number for the cap: the default 200 and a submit
  at the cap answering 429 ``TooManyRequests`` are inferences.
* ``POST /api2/v2/projects/{projectUid}/jobs/preTranslate`` → ``{asyncRequest: {id,
  dateCreated, action}}`` (vendors.md), with 202 (the spec patch's status: an inference;
  jobpoll reads any 2xx, 201 included).
* ``Authorization: ApiToken <token>`` or ``Bearer``; ``POST /api2/v1/auth/login``
  ``{userName, password}`` → ``{user, token, expires}``, tokens valid 24 hours (vendors.md).
* Errors: the documented status codes (vendors.md) with Phrase's error body ``{errorCode,
  errorDescription}`` (Phrase's public API convention: not in the seed, an inference).
* Async request ids are int64 numbers (the seed's path parameter), counted up from 700000001.
* Webhooks (vendors.md §1): an account webhook (``webhook_url``, ``webhook_token``: its
  ``secretToken``) gets a ``PRE_TRANSLATION_FINISHED`` event when a pre-translate request ends,
  the token in ``x-memsource-token`` (``webhook_header="x-phrase-token"``: the other name the
  help pages give), not signed; it carries the project and job uids, not the async request id.
  The body's exact shape is an inference (the events' field lists are not in the seed).
"""

from __future__ import annotations

import json
import math
from typing import Any, ClassVar

import attrs

from ._base import Endpoint, SimRequest, Simulator
from ._clock import Clock
from ._faults import Outgoing
from ._hooks import WebhookSender
from ._model import SimJob, SimOutcome
from ._replies import Reply, iso_utc, reason

TOKEN_LIFETIME = 24 * 3600.0
"""Tokens from ``auth/login`` are valid about 24 hours."""

DEFAULT_ASYNC_LIMIT = 200
"""The cap on pending async requests per organisation (vendors.md names a cap, not its size)."""

_ERROR_CODES = {
    400: "InvalidArguments",
    401: "AuthUnauthorized",
    403: "AuthAccessDenied",
    404: "NotFound",
    405: "MethodNotAllowed",
    408: "RequestTimeout",
    410: "Gone",
    415: "UnsupportedMediaType",
    429: "TooManyRequests",
    500: "InternalError",
    501: "NotImplemented",
}


class PhraseTMSSimulator(WebhookSender, Simulator):
    """Phrase TMS async requests. Point a client at ``sim.url`` (``http://127.0.0.1:PORT/web``)
    with ``Authorization: ApiToken <sim.token>`` (or ``Bearer``), or log in with
    ``sim.user_name``/``sim.password`` (tokens then last 24 h of the simulator clock).

    Ops: ``login``, ``poll`` (GET async/{id}), ``list`` (GET async), ``limits`` (GET
    async/status), ``submit`` (POST v2 preTranslate, 202). A request is pending while its
    ``asyncResponse`` is null. ``async_limit`` (default 200; None: unlimited) caps pending
    requests: a submit at the cap answers 429 ``TooManyRequests``; ``other_pending`` adds
    requests of other users of the organisation (counted, not listed), e.g. to start at the cap.
    Errors: ``{"errorCode": ..., "errorDescription": ...}``.
    """

    VENDOR: ClassVar[str] = "phrase-tms"
    BASE_PATH: ClassVar[str] = "/web"
    OPS: ClassVar[tuple[str, ...]] = ("login", "poll", "list", "limits", "submit", "webhook")

    USER: ClassVar[dict[str, str]] = {
        "firstName": "Sim",
        "lastName": "User",
        "id": "1001",
        "uid": "simUserUid0001",
        "role": "ADMIN",
        "email": "sim-user@example.com",
    }

    def __init__(
        self,
        token: str = "sim-phrase-tms-token",  # noqa: S107 - the simulator's own
        *,
        user_name: str = "sim-user",
        password: str = "sim-password",  # noqa: S107 - the simulator's own
        clock: Clock | None = None,
        seed: int = 0,
        default_duration: float = 5.0,
        default_outcome: SimOutcome = "succeeded",
        async_limit: int | None = DEFAULT_ASYNC_LIMIT,
        webhook_url: str | None = None,
        webhook_token: str | None = None,
        webhook_header: str = "x-memsource-token",
    ) -> None:
        super().__init__(
            token,
            clock=clock,
            seed=seed,
            default_duration=default_duration,
            default_outcome=default_outcome,
        )
        self.user_name = user_name
        self.password = password
        self.async_limit = async_limit
        self.other_pending = 0
        self._counter = 700_000_000
        self.webhook_url = webhook_url
        self.webhook_token = webhook_token
        self.webhook_header = webhook_header

    @property
    def token(self) -> str:
        return self.credential

    def new_id(self) -> str:
        with self._lock:
            self._counter += 1
            return str(self._counter)

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("POST", "/api2/v1/auth/login", "login", self._login, public=True),
            Endpoint("GET", "/api2/v1/async/status", "limits", self._limits),
            Endpoint("GET", "/api2/v1/async/{id}", "poll", self._poll),
            Endpoint("GET", "/api2/v1/async", "list", self._list),
            Endpoint(
                "POST", "/api2/v2/projects/{projectUid}/jobs/preTranslate", "submit", self._submit
            ),
        ]

    def credential_from(self, req: SimRequest) -> str | None:
        return req.authorization("apitoken", "bearer")

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        code = _ERROR_CODES.get(status, "InternalError" if status >= 500 else "Error")
        default = {
            401: "Unauthorized access: the provided API token is not valid.",
            404: "Resource not found.",
            429: "Too many requests.",
        }.get(status, f"{reason(status)}.")
        return self.json_reply(status, {"errorCode": code, "errorDescription": message or default})

    # -- jobs ----------------------------------------------------------------------------------

    def add_job(
        self,
        duration: float | None = None,
        outcome: SimOutcome = "succeeded",
        *,
        queued: float | None = None,
        action: str = "PRE_TRANSLATE",
        project_uid: str | None = "simProjectUid01",
        error_code: str = "PreTranslateFailed",
        error_desc: str | None = None,
        warnings: list[dict[str, Any]] | None = None,
        accepted_segments: int | None = None,
    ) -> str:
        """Create an async request directly; returns its id (a numeric string).

        ``project_uid=None`` gives a project-less request (``project: null``). Failure fills
        ``asyncResponse.errorCode/errorDesc/errorDetails``; ``warnings`` go into a successful
        ``asyncResponse``.
        """
        job = self._create(
            duration=duration,
            outcome=outcome,
            queued=queued,
            error=error_desc,
            result=warnings,
            data={
                "action": action,
                "project_uid": project_uid,
                "error_code": error_code,
                "accepted_segments": accepted_segments,
            },
        )
        return job.id

    def _pending(self) -> list[SimJob]:
        now = self.clock.now()
        return [
            job
            for job in self.jobs.values()
            if self.lookup(job.id) is not None and not job.finished(now)
        ]

    def _date(self, epoch: float) -> str:
        return iso_utc(epoch, suffix="+00:00")

    def request_dto(self, job: SimJob) -> dict[str, Any]:
        """``AsyncRequestDtoV1`` for a job as it stands now."""
        now = self.clock.now()
        project_uid = job.data.get("project_uid")
        dto: dict[str, Any] = {
            "id": job.id,
            "dateCreated": self._date(job.created_wall),
            "action": job.data.get("action", "PRE_TRANSLATE"),
            "createdBy": {"userName": self.user_name, **self.USER},
            "project": (
                {"uid": project_uid, "name": f"Simulated project {project_uid}"}
                if project_uid
                else None
            ),
            "parent": None,
            "asyncResponse": None,
        }
        if job.finished(now):
            response: dict[str, Any] = {"dateCreated": self._date(job.finished_wall)}
            if job.outcome == "succeeded":
                segments = job.data.get("accepted_segments")
                if segments is not None:
                    response["acceptedSegmentsCount"] = segments
                if job.result:
                    response["warnings"] = job.result
            else:
                canceled = job.outcome == "canceled"
                code = "Canceled" if canceled else job.data.get("error_code", "InternalError")
                desc = job.error or (
                    "The request was canceled." if canceled else "Pre-translation failed."
                )
                response["errorCode"] = code
                response["errorDesc"] = desc
                response["errorDetails"] = [
                    {"code": code, "message": desc, "args": {"asyncRequestId": job.id}}
                ]
            dto["asyncResponse"] = response
        return dto

    # -- handlers ------------------------------------------------------------------------------

    def _login(self, req: SimRequest) -> Reply:
        try:
            body = req.json()
        except ValueError:
            return self.error_reply(400, "The request body is not valid JSON.")
        if not isinstance(body, dict) or not body.get("userName") or not body.get("password"):
            return self.error_reply(400, "userName and password are required.")
        if body["userName"] != self.user_name or body["password"] != self.password:
            return self.json_reply(
                401,
                {
                    "errorCode": "AuthInvalidCredentials",
                    "errorDescription": "Invalid user name or password.",
                },
            )
        token = f"{self._rng.getrandbits(256):064x}"
        self.grant(token, expires_in=TOKEN_LIFETIME)
        return self.json_reply(
            200,
            {
                "user": {"userName": self.user_name, **self.USER},
                "token": token,
                "expires": self._date(self.clock.wall() + TOKEN_LIFETIME),
            },
        )

    def _poll(self, req: SimRequest) -> Reply:
        raw = str(req.path_params["id"])
        if not raw.isdigit():
            return self.error_reply(400, f"Invalid async request id: {raw!r}.")
        job = self.lookup(str(int(raw)))
        if job is None:
            return self.error_reply(404, f"Async request {raw} not found.")
        return self.json_reply(200, self.request_dto(job))

    def _list(self, req: SimRequest) -> Reply:
        try:
            number = int(req.query.get("pageNumber", "0"))
            size = int(req.query.get("pageSize", "50"))
        except ValueError:
            return self.error_reply(400, "pageNumber and pageSize must be integers.")
        if number < 0 or not 1 <= size <= 50:
            return self.error_reply(400, "pageSize must be between 1 and 50, pageNumber >= 0.")
        pending = sorted(self._pending(), key=lambda job: int(job.id))
        page = pending[number * size : (number + 1) * size]
        return self.json_reply(
            200,
            {
                "totalElements": len(pending),
                "totalPages": math.ceil(len(pending) / size),
                "pageSize": size,
                "pageNumber": number,
                "numberOfElements": len(page),
                "content": [self.request_dto(job) for job in page],
            },
        )

    def pending_count(self) -> int:
        """Pending requests of the organisation (``count`` of ``async/status``)."""
        with self._lock:
            return len(self._pending()) + self.other_pending

    def _limits(self, req: SimRequest) -> Reply:
        return self.json_reply(
            200, {"concurrentRequests": {"limit": self.async_limit, "count": self.pending_count()}}
        )

    def _submit(self, req: SimRequest) -> Reply:
        try:
            body = req.json()
        except ValueError:
            return self.error_reply(400, "The request body is not valid JSON.")
        jobs = body.get("jobs") if isinstance(body, dict) else None
        if (
            not isinstance(jobs, list)
            or not jobs
            or not all(isinstance(j, dict) and isinstance(j.get("uid"), str) for j in jobs)
        ):
            return self.error_reply(400, "jobs: a non-empty list of {uid} is required.")
        count = self.pending_count()
        if self.async_limit is not None and count >= self.async_limit:
            return self.error_reply(
                429,
                f"Too many pending asynchronous requests ({count} of {self.async_limit}); "
                "wait for some to finish.",
            )
        job = self._create_planned(
            data={
                "action": "PRE_TRANSLATE",
                "project_uid": str(req.path_params["projectUid"]),
                "error_code": "PreTranslateFailed",
                "accepted_segments": 10 * len(jobs),
                "jobs": [j["uid"] for j in jobs],
            }
        )
        if self.webhook_url is not None:
            self.outbox.queue(self._webhook(job, self.webhook_url))
        return self.json_reply(
            202,
            {
                "asyncRequest": {
                    "id": job.id,
                    "dateCreated": self._date(job.created_wall),
                    "action": "PRE_TRANSLATE",
                }
            },
        )

    # -- webhooks ------------------------------------------------------------------------------

    def _webhook(self, job: SimJob, url: str) -> Outgoing:
        """The account webhook's event when a pre-translate request ends."""
        doc = {
            "event": "PRE_TRANSLATION_FINISHED",
            "timestamp": int((job.created_wall + job.duration) * 1000),
            "project": {"uid": job.data.get("project_uid")},
            "jobs": [{"uid": uid} for uid in job.data.get("jobs", [])],
        }
        headers = [("content-type", "application/json")]
        if self.webhook_token is not None:
            headers.append((self.webhook_header, self.webhook_token))
        return Outgoing(
            url=url,
            headers=tuple(headers),
            body=json.dumps(doc).encode(),
            due=job.created + job.duration,
            job_id=job.id,
        )

    def forge(self, hook: Outgoing, how: str) -> Outgoing:
        """The webhook with another token (``how="token"``)."""
        if how != "token":
            raise ValueError("Phrase TMS webhooks are not signed: they carry a token")
        headers = tuple(
            (k, "wrong-" + v[::-1] if k == self.webhook_header else v) for k, v in hook.headers
        )
        return attrs.evolve(hook, headers=headers, struck=True)
