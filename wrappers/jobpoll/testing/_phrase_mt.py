"""Phrase "BYO Engine" MT simulator (``specs/phrase-mt.yaml``), modelled on Phrase's reference
adapter: job ids are UUIDs, unknown or forgotten ids (after 35 minutes) answer 500."""

from __future__ import annotations

import re
from typing import Any

from ._base import Endpoint, Reply, SimRequest, Simulator, reason
from ._clock import Clock
from ._model import SimJob, SimOutcome

MAX_SEGMENTS = 500
FORGET_AFTER = 35 * 60.0

DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (
    ("en", "de"),
    ("en", "cs"),
    ("en", "fr"),
    ("en", "es"),
    ("en", "zh_tw"),
    ("de", "en"),
)


def translate_text(text: str, target: str, glossary: list[dict[str, Any]] | None = None) -> str:
    """The simulator's deterministic "translation": glossary terms replaced (whole words), then
    ``[<target>] `` prefixed. ``translate_text("Hello", "de") == "[de] Hello"``."""
    for entry in glossary or []:
        term, translation = entry.get("term"), entry.get("translation")
        if isinstance(term, str) and term and isinstance(translation, str):
            text = re.sub(rf"\b{re.escape(term)}\b", translation, text)
    return f"[{target}] {text}"


class PhraseMTSimulator(Simulator):
    """A BYO MT engine. Point a client at ``sim.url`` with ``X-Api-Token: <sim.token>`` (or
    ``Authorization: Bearer <sim.token>``).

    Ops: ``status``, ``languages``, ``translate``, ``submit`` (translateAsync), ``poll``
    (translateAsyncStatus: ``running`` while queued or running, ``done``, ``failed`` with
    ``detail``), ``result`` (translateAsyncResult). Translation is :func:`translate_text`.
    Errors are ``{"error": "..."}``: 400 for a bad request or more than 500 segments, 401 for a
    bad token, 500 for an unknown/forgotten job id (and for the result of an unfinished or
    failed job). ``max_running`` (None: unlimited) makes submits answer 429 with
    ``Retry-After: busy_retry_after`` while that many jobs run. ``engine_status`` is what
    ``/status`` reports; ``language_pairs`` what ``/languages`` lists and translate accepts.
    """

    VENDOR = "phrase-mt"
    OPS = ("status", "languages", "translate", "submit", "poll", "result")
    DEFAULT_EXPIRE_AFTER = FORGET_AFTER

    def __init__(
        self,
        token: str = "sim-phrase-mt-token",  # noqa: S107 - the simulator's own
        *,
        clock: Clock | None = None,
        seed: int = 0,
        default_duration: float = 5.0,
        default_outcome: SimOutcome = "succeeded",
        language_pairs: tuple[tuple[str, str], ...] = DEFAULT_PAIRS,
    ) -> None:
        super().__init__(
            token,
            clock=clock,
            seed=seed,
            default_duration=default_duration,
            default_outcome=default_outcome,
        )
        self.language_pairs = language_pairs
        self.engine_status = "ok"
        self.max_running: int | None = None
        self.busy_retry_after = 1

    @property
    def token(self) -> str:
        return self.credential

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("POST", "/status", "status", self._status),
            Endpoint("POST", "/languages", "languages", self._languages),
            Endpoint("POST", "/translate", "translate", self._translate),
            Endpoint("POST", "/translateAsync", "submit", self._submit),
            Endpoint("GET", "/translateAsyncStatus/{id}", "poll", self._poll),
            Endpoint("GET", "/translateAsyncResult/{id}", "result", self._result),
        ]

    def credential_from(self, req: SimRequest) -> str | None:
        token = req.headers.get("x-api-token")
        if token:
            return token.strip()
        scheme, _, value = req.headers.get("authorization", "").strip().partition(" ")
        return value.strip() if scheme.lower() == "bearer" and value.strip() else None

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        default = {
            401: "Unauthorized, Invalid token",
            404: "Not found",
            405: "Method not allowed",
            429: "Application busy: too many requests",
        }.get(status, f"Application error: {reason(status)}")
        return self.json_reply(status, {"error": message or default})

    def rate_limit_reply(self, retry_after: str | None) -> Reply:
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

    def translate(self, request: dict[str, Any]) -> dict[str, Any]:
        """The TranslateResponse for a (valid) TranslateRequest."""
        target = request["targetLanguage"]
        glossary = request.get("glossary")
        segments = []
        for segment in request["segments"]:
            out: dict[str, Any] = {
                "text": segment["text"],
                "translatedText": translate_text(segment["text"], target, glossary),
            }
            if "idx" in segment:
                out = {"idx": segment["idx"], **out}
            if "metadata" in segment:
                out["metadata"] = segment["metadata"]
            segments.append(out)
        response: dict[str, Any] = {
            "sourceLanguage": request["sourceLanguage"],
            "targetLanguage": target,
            "segments": segments,
        }
        if "metadata" in request:
            response["metadata"] = request["metadata"]
        return response

    def _problem(self, body: Any) -> str | None:
        """What is wrong with a TranslateRequest body, or None."""
        if not isinstance(body, dict):
            return "Request body must be a JSON object"
        missing = [
            n for n in ("sourceLanguage", "targetLanguage") if not isinstance(body.get(n), str)
        ]
        if missing:
            return f"{missing[0]} is required"
        segments = body.get("segments")
        if not isinstance(segments, list) or not all(
            isinstance(s, dict) and isinstance(s.get("text"), str) for s in segments
        ):
            return "segments: a list of {text} is required"
        if len(segments) > MAX_SEGMENTS:
            return f"Too many segments: {len(segments)} (at most {MAX_SEGMENTS})"
        pair = (body["sourceLanguage"], body["targetLanguage"])
        if pair not in self.language_pairs:
            return f"Unsupported language pair {pair[0]} -> {pair[1]}"
        return None

    def _parse(self, req: SimRequest) -> tuple[dict[str, Any], Reply | None]:
        """The TranslateRequest of ``req``, or a 400 ``{error}`` reply."""
        try:
            body = req.json()
        except ValueError:
            return {}, self.error_reply(400, "Request body is not valid JSON")
        problem = self._problem(body)
        if problem is not None:
            return {}, self.error_reply(400, problem)
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
        return self.error_reply(
            500,
            f"Application error: No translation job found with id '{req.path_params['id']}', null",
        )

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
        phase = job.phase(self.clock.now())
        if phase == "succeeded":
            return self.json_reply(200, self.translate(job.data["request"]))
        if phase in ("queued", "running"):
            message = f"Application error: translation job '{job.id}' has not finished, null"
        else:
            message = f"Application error: translation job '{job.id}' failed: {job.error}, null"
        return self.error_reply(500, message)
