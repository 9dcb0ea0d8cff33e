"""Phrase "BYO Engine" MT simulator: by default it behaves like Phrase's reference adapter (the
Spring Boot engine the BYO Engine spec links as its demo); ``mode="spec"`` answers only what
``specs/phrase-mt.yaml`` documents.

Where each behaviour comes from (``vendors.md`` §2 records the reference adapter's behaviour,
measured on a local run of it with its own echo translator; ``seed 001`` is the BYO Engine spec):

=============================  ==============================  ================================
behaviour                      ``mode="reference"`` (default)  ``mode="spec"``
=============================  ==============================  ================================
fields not sent                written as null: segment        omitted (seed 001 marks them
                               ``idx``/``metadata``, top-level optional)
                               ``metadata`` (vendors.md)
echoed ``idx``                 a string: ``0`` → ``"0"``       as sent
                               (its DTO types it String)
errors                         HTTP 500 ``{"error":            400 ``{"error"}`` for a bad
                               "Application error: <msg>,      request (seed 001 documents only
                               null"}`` for every one          ``default: Error``: an inference)
                               (vendors.md; the text is what
                               Spring's messages look like)
unknown locale                 500 ``JSON parse error: …       400
                               not a valid Phrase locale``
                               (its Locale DTO refuses it
                               while reading the body)
unsupported pair (both         500 ``Unsupported language      400
locales known)                 pair`` (inference: the echo
                               translator takes any pair; a
                               real backend refuses it and the
                               adapter wraps every exception)
more than 500 segments         accepted (the adapter does not  400 (seed 001: up to 500)
                               check; its comment asks engines
                               to handle 500)
authentication                 none, unless a token is         ``X-Api-Token`` or ``Bearer``
                               configured (``token=``,         checked, 401 (seed 001's schemes)
                               ``grant``/``revoke``/
                               ``rotate``); then 500 ``Not
                               authenticated`` (the adapter's
                               auth hook throws that)
busy (``max_running``)         429 ``Application busy`` with   429 with ``Retry-After``
                               no ``Retry-After``, no job      (seed 001)
                               (vendors.md)
unknown or forgotten id        500 ``No translation job found with id '…'`` in both modes
                               (vendors.md); jobs are forgotten 35 minutes after they end
                               (vendors.md; the adapter's cache is ``expireAfterWrite`` from the
                               submit, so a job longer than a few seconds may go sooner)
status                         ``running`` (``detail`` "no detail"), ``done`` ("completed
                               successfully"), ``failed`` (the job's error), in both modes
                               (the adapter's words)
result of an unfinished job    held until the job ends, then   500 (the spec says nothing: an
                               answered as below (vendors.md)  inference)
result of a failed job         200 with an empty body          500 ``{"error"}`` (inference)
                               (vendors.md)
translation                    :func:`translate_text` in both modes: jobpoll's own deterministic
                               stand-in (the adapter's echo translator appends ``[german]``)
=============================  ==============================  ================================
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar, Literal

from ._base import Endpoint, SimRequest, Simulator
from ._clock import Clock
from ._model import SimJob, SimOutcome
from ._replies import Reply, reason

MAX_SEGMENTS = 500
FORGET_AFTER = 35 * 60.0
DEFAULT_TOKEN = "sim-phrase-mt-token"  # noqa: S105 - the simulator's own

Mode = Literal["reference", "spec"]
MODES: tuple[Mode, ...] = ("reference", "spec")

DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (
    ("en", "de"),
    ("en", "cs"),
    ("en", "fr"),
    ("en", "es"),
    ("en", "zh_tw"),
    ("de", "en"),
)

_LOCALE_DTO = "com.phrase.custom.adapter.dto.Locale"


def translate_text(text: str, target: str, glossary: list[dict[str, Any]] | None = None) -> str:
    """The simulator's deterministic "translation": glossary terms replaced (whole words), then
    ``[<target>] `` prefixed. ``translate_text("Hello", "de") == "[de] Hello"``."""
    for entry in glossary or []:
        term, translation = entry.get("term"), entry.get("translation")
        if isinstance(term, str) and term and isinstance(translation, str):
            text = re.sub(rf"\b{re.escape(term)}\b", translation, text)
    return f"[{target}] {text}"


class _Refused(Exception):
    """A request the engine refuses: ``spec`` is the strict mode's 400 text, ``reference``
    the adapter's own message."""

    def __init__(self, spec: str, reference: str | None = None) -> None:
        super().__init__(spec)
        self.spec = spec
        self.reference = reference or spec


class PhraseMTSimulator(Simulator):
    """A BYO MT engine (the module docstring lists each behaviour and its source). Point a
    client at ``sim.url`` with ``token=sim.token``.

    ``mode`` is ``"reference"`` (Phrase's reference adapter, the default) or ``"spec"``.
    ``token``: in reference mode None (the default) checks no credential, as the adapter;
    giving one (or calling ``grant``/``revoke``/``rotate``) turns the check on. ``sim.token``
    is always a token a client may send.

    Ops: ``status``, ``languages``, ``translate``, ``submit`` (translateAsync), ``poll``
    (translateAsyncStatus), ``result`` (translateAsyncResult). ``max_running`` (None:
    unlimited) makes submits answer 429 while that many jobs run (``busy_retry_after`` is the
    strict mode's ``Retry-After``). ``engine_status`` is what ``/status`` reports;
    ``language_pairs`` what ``/languages`` lists and translate accepts.
    """

    VENDOR: ClassVar[str] = "phrase-mt"
    OPS: ClassVar[tuple[str, ...]] = (
        "status",
        "languages",
        "translate",
        "submit",
        "poll",
        "result",
    )
    DEFAULT_EXPIRE_AFTER: ClassVar[float | None] = FORGET_AFTER

    def __init__(
        self,
        token: str | None = None,
        *,
        mode: Mode = "reference",
        clock: Clock | None = None,
        seed: int = 0,
        default_duration: float = 5.0,
        default_outcome: SimOutcome = "succeeded",
        language_pairs: tuple[tuple[str, str], ...] = DEFAULT_PAIRS,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        super().__init__(
            token if token is not None else DEFAULT_TOKEN,
            clock=clock,
            seed=seed,
            default_duration=default_duration,
            default_outcome=default_outcome,
        )
        self.mode: Mode = mode
        self.check_auth: bool = mode == "spec" or token is not None
        """Whether credentials are checked (always in spec mode; in reference mode only once
        a token is configured)."""
        self.language_pairs = language_pairs
        self.engine_status = "ok"
        self.max_running: int | None = None
        self.busy_retry_after = 1

    @property
    def token(self) -> str:
        return self.credential

    @property
    def reference(self) -> bool:
        return self.mode == "reference"

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("POST", "/status", "status", self._status),
            Endpoint("POST", "/languages", "languages", self._languages),
            Endpoint("POST", "/translate", "translate", self._translate),
            Endpoint("POST", "/translateAsync", "submit", self._submit),
            Endpoint("GET", "/translateAsyncStatus/{id}", "poll", self._poll),
            Endpoint("GET", "/translateAsyncResult/{id}", "result", self._result),
        ]

    # -- credentials: configuring one turns the check on (reference mode) ----------------------

    def grant(self, credential: str, *, expires_in: float | None = None) -> None:
        self.check_auth = True
        super().grant(credential, expires_in=expires_in)

    def revoke(self, credential: str | None = None) -> None:
        self.check_auth = True
        super().revoke(credential)

    def rotate(self) -> str:
        self.check_auth = True
        return super().rotate()

    def is_valid(self, credential: str | None) -> bool:
        return not self.check_auth or super().is_valid(credential)

    def credential_from(self, req: SimRequest) -> str | None:
        token = req.headers.get("x-api-token")
        if token:
            return token.strip()
        return req.authorization("bearer")

    def unauthorized_reply(self, req: SimRequest) -> Reply:
        if self.reference:  # the adapter's auth hook: throw IllegalStateException
            return self._app_error("Not authenticated")
        return self.error_reply(401)

    # -- replies -------------------------------------------------------------------------------

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        default = {
            401: "Unauthorized, Invalid token",
            404: "Not found",
            405: "Method not allowed",
            429: "Application busy: too many requests",
        }.get(status, f"Application error: {reason(status)}")
        return self.json_reply(status, {"error": message or default})

    def _app_error(self, message: str) -> Reply:
        """The adapter's catch-all: ``"Application error: %s, %s"`` of message and cause."""
        return self.error_reply(500, f"Application error: {message}, null")

    def _refused(self, refused: _Refused) -> Reply:
        if self.reference:
            return self._app_error(refused.reference)
        return self.error_reply(400, refused.spec)

    def rate_limit_reply(self, retry_after: str | None) -> Reply:
        if self.reference and retry_after is None:
            return self.error_reply(
                429, "Application busy: Task rejected from java.util.concurrent executor, null"
            )
        reply = self.error_reply(429)
        value = retry_after if retry_after is not None else str(self.busy_retry_after)
        reply.headers.append(("retry-after", value))
        return reply

    def status_path(self, doc: Any) -> str | None:
        return "status"

    # -- jobs ----------------------------------------------------------------------------------

    def add_job(
        self,
        duration: float | None = None,
        outcome: SimOutcome = "succeeded",
        *,
        queued: float | None = None,
        error: str | None = None,
        source_language: str = "en",
        target_language: str = "de",
        segments: list[dict[str, Any]] | None = None,
    ) -> str:
        """Create a translation job directly; returns its id (a UUID)."""
        request = {
            "sourceLanguage": source_language,
            "targetLanguage": target_language,
            "segments": segments if segments is not None else [{"idx": 0, "text": "Hello"}],
        }
        job = self._create(
            duration=duration,
            outcome=outcome,
            queued=queued,
            error=error,
            data={"request": request},
        )
        return job.id

    def lookup(self, job_id: str) -> SimJob | None:
        """The job, unless unknown or ended more than ``expire_after`` seconds ago."""
        with self._lock:
            job = self.jobs.get(job_id)
            if job is None:
                return None
            ended = job.created + job.duration
            if self.expire_after is not None and self.clock.now() - ended >= self.expire_after:
                return None
            return job

    def translate(self, request: dict[str, Any]) -> dict[str, Any]:
        """The TranslateResponse for a (valid) TranslateRequest, as this mode writes it."""
        target = request["targetLanguage"]
        glossary = request.get("glossary")
        segments = []
        for segment in request["segments"]:
            out: dict[str, Any] = {}
            idx = segment.get("idx")
            if self.reference:
                out["idx"] = None if idx is None else str(idx)
            elif "idx" in segment:
                out["idx"] = idx
            out["text"] = segment["text"]
            out["translatedText"] = translate_text(segment["text"], target, glossary)
            if self.reference or "metadata" in segment:
                out["metadata"] = segment.get("metadata")
            segments.append(out)
        response: dict[str, Any] = {
            "sourceLanguage": request["sourceLanguage"],
            "targetLanguage": target,
            "segments": segments,
        }
        if self.reference or "metadata" in request:
            response["metadata"] = request.get("metadata")
        return response

    def _locales(self) -> set[str]:
        return {code for pair in self.language_pairs for code in pair}

    def _problem(self, body: Any) -> None:
        """Raise :class:`_Refused` for what is wrong with a TranslateRequest body."""
        if not isinstance(body, dict):
            raise _Refused("Request body must be a JSON object", "JSON parse error: not an object")
        for name in ("sourceLanguage", "targetLanguage"):
            code = body.get(name)
            if not isinstance(code, str):
                raise _Refused(f"{name} is required", f'"{name}" is null')
            if code not in self._locales():
                raise _Refused(
                    f"Unknown locale {code!r} in {name}",
                    f"JSON parse error: Cannot construct instance of `{_LOCALE_DTO}`, problem: "
                    f"{code} is not a valid Phrase locale code/syntax",
                )
        segments = body.get("segments")
        if not isinstance(segments, list) or not all(
            isinstance(s, dict) and isinstance(s.get("text"), str) for s in segments
        ):
            raise _Refused(
                "segments: a list of {text} is required",
                'Cannot invoke "java.util.List.stream()" because "segments" is null',
            )
        if len(segments) > MAX_SEGMENTS and not self.reference:
            raise _Refused(f"Too many segments: {len(segments)} (at most {MAX_SEGMENTS})")
        pair = (body["sourceLanguage"], body["targetLanguage"])
        if pair not in self.language_pairs:
            raise _Refused(f"Unsupported language pair {pair[0]} -> {pair[1]}")

    def _parse(self, req: SimRequest) -> tuple[dict[str, Any], Reply | None]:
        """The TranslateRequest of ``req``, or the mode's error reply."""
        try:
            if not req.body.strip():
                raise _Refused(
                    "Request body is required",
                    "Required request body is missing: public org.springframework.http."
                    "ResponseEntity<TranslateResponse> Controller.translate(TranslateRequest)",
                )
            try:
                body = req.json()
            except ValueError as exc:
                message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                raise _Refused(
                    "Request body is not valid JSON", f"JSON parse error: {message}"
                ) from None
            self._problem(body)
        except _Refused as refused:
            return {}, self._refused(refused)
        return body, None

    # -- handlers ------------------------------------------------------------------------------

    def _status(self, req: SimRequest) -> Reply:
        return self.json_reply(200, {"status": self.engine_status})

    def _languages(self, req: SimRequest) -> Reply:
        pairs = [{"sourceLanguage": s, "targetLanguage": t} for s, t in self.language_pairs]
        return self.json_reply(200, {"languagePairs": pairs})

    def _translate(self, req: SimRequest) -> Reply:
        body, error = self._parse(req)
        return error or self.json_reply(200, self.translate(body))

    def _running(self) -> int:
        now = self.clock.now()
        return sum(1 for job in self.jobs.values() if self.lookup(job.id) and not job.finished(now))

    def _submit(self, req: SimRequest) -> Reply:
        body, error = self._parse(req)
        if error is not None:
            return error
        if self.max_running is not None and self._running() >= self.max_running:
            return self.rate_limit_reply(None)
        job = self._create_planned(data={"request": body})
        return self.json_reply(200, {"id": job.id})

    def _job(self, req: SimRequest) -> SimJob | None:
        return self.lookup(str(req.path_params["id"]))

    def _unknown(self, req: SimRequest) -> Reply:
        return self._app_error(f"No translation job found with id '{req.path_params['id']}'")

    def _poll(self, req: SimRequest) -> Reply:
        job = self._job(req)
        if job is None:
            return self._unknown(req)
        phase = job.phase(self.clock.now())
        if phase == "succeeded":
            return self.json_reply(200, {"status": "done", "detail": "completed successfully"})
        if phase in ("failed", "canceled"):
            detail = job.error or (
                "Translation canceled" if phase == "canceled" else "Translation failed"
            )
            return self.json_reply(200, {"status": "failed", "detail": detail})
        return self.json_reply(200, {"status": "running", "detail": "no detail"})

    def _result(self, req: SimRequest) -> Reply:
        job = self._job(req)
        if job is None:
            return self._unknown(req)
        if self.reference:
            # CompletableFuture.get(): the request is held until the job ends.
            return Reply(status=200, hold=lambda: self._finished_result(job))
        phase = job.phase(self.clock.now())
        if phase == "succeeded":
            return self.json_reply(200, self.translate(job.data["request"]))
        if phase in ("queued", "running"):
            message = f"Application error: translation job '{job.id}' has not finished, null"
        else:
            message = f"Application error: translation job '{job.id}' failed: {job.error}, null"
        return self.error_reply(500, message)

    def _finished_result(self, job: SimJob) -> Reply | None:
        """The adapter's answer once ``job`` ended (None while it runs): the translation, or a
        200 with an empty body (a null TranslateResponse) for a job that failed."""
        phase = job.phase(self.clock.now())
        if phase == "succeeded":
            return self.json_reply(200, self.translate(job.data["request"]))
        if phase in ("failed", "canceled"):
            return Reply(status=200, body=b"", content_type=None)
        return None
