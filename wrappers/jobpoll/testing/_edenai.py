"""Eden AI v3 simulator: universal-ai async jobs (``specs/edenai.yaml``).

Follows Eden AI's published v3 spec (edenai/docs at 203432d, ``api-reference/v3-openapi.json``:
``UniversalAIAsyncBody``, ``UniversalAIAsyncResponse``, FastAPI-style 422s) and vendors.md §4
(Bearer auth, 401/404/429 error bodies, 429 without ``Retry-After``). The 404 body and the exact
422 messages are inferred from FastAPI/pydantic conventions, not documented.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any, ClassVar, Literal

import attrs

from ._base import Endpoint, SimRequest, Simulator
from ._clock import Clock
from ._faults import Outgoing
from ._hooks import WebhookSender
from ._model import SimJob, SimOutcome
from ._replies import Reply, iso_utc, reason

MAX_FALLBACKS = 3
DEFAULT_COST = "0.0144"
# UniversalAIAsyncBody.fallbacks: 'provider', 'provider/model' or a full model id.
_FALLBACK = re.compile(r"[^\s/]+(?:/[^\s/]+){0,3}")


def default_output(feature: str, subfeature: str) -> dict[str, Any]:
    """A plausible normalised output for a feature (speech-to-text gets a transcript)."""
    if "speech_to_text" in subfeature:
        return {"text": "Hello from the jobpoll simulator.", "diarization": {"total_speakers": 1}}
    return {"text": f"Simulated {feature}/{subfeature} output."}


class EdenAISimulator(WebhookSender, Simulator):
    """Eden AI v3 async jobs. Point a client at ``sim.url`` with ``Authorization: Bearer
    <sim.api_key>``.

    Ops: ``submit`` (POST /v3/universal-ai/async -> 202, status ``processing``), ``poll``
    (GET /v3/universal-ai/async/{job_id} -> ``processing`` | ``success`` with ``output`` |
    ``fail`` with ``error``). Given ``webhook_key`` (an RSA private key of the ``cryptography``
    package, made by the test: never Eden AI's), a job submitted with ``webhook_receiver`` gets
    its webhook when it ends, as vendors.md §4 describes: ``POST`` to that URL, headers
    ``X-Edenai-Webhook: true``, ``X-Edenai-Signature`` (hex RSA PKCS#1 v1.5 over SHA-256 of
    the raw body; ``webhook_signs="indent2"``: of the JSON re-serialised with indent 2, the
    older page's form) and ``X-Edenai-Hash-Algorithm: SHA256``; body ``{event, job_id,
    status, output, cost, user_parameters}``. Sent by ``send_webhooks()`` (op ``webhook`` for
    the webhook faults). A malformed uuid or a bad body answers 422 ``HTTPValidationError``
    (FastAPI/pydantic style); an unknown job, 404; a bad key, 401; errors other than 422 are
    ``{"error": {"code": <status>, "message": ...}}``; rate limiting is 429 without
    ``Retry-After``. Canceled jobs read as ``fail``.
    """

    VENDOR: ClassVar[str] = "edenai"
    OPS: ClassVar[tuple[str, ...]] = ("submit", "poll", "webhook")

    def __init__(
        self,
        api_key: str = "sim-edenai-api-key",
        *,
        clock: Clock | None = None,
        seed: int = 0,
        default_duration: float = 5.0,
        default_outcome: SimOutcome = "succeeded",
        webhook_key: Any = None,
        webhook_signs: Literal["raw", "indent2"] = "raw",
    ) -> None:
        super().__init__(
            api_key,
            clock=clock,
            seed=seed,
            default_duration=default_duration,
            default_outcome=default_outcome,
        )
        self.webhook_key = webhook_key
        self.webhook_signs = webhook_signs

    @property
    def api_key(self) -> str:
        return self.credential

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("POST", "/v3/universal-ai/async", "submit", self._submit),
            Endpoint("GET", "/v3/universal-ai/async/{job_id}", "poll", self._poll),
        ]

    def credential_from(self, req: SimRequest) -> str | None:
        return req.authorization("bearer")

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        default = {
            401: "Invalid API key",
            404: "Not Found",
            405: "Method Not Allowed",
            429: "Too many requests, please slow down",
        }.get(status, reason(status))
        return self.json_reply(status, {"error": {"code": status, "message": message or default}})

    def rate_limit_reply(self, retry_after: str | None) -> Reply:
        reply = self.error_reply(429)
        if retry_after is not None:
            reply.headers.append(("retry-after", retry_after))
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
        model: str = "audio/speech_to_text_async/google",
        output: Any = None,
        error: str | None = None,
        cost: str = DEFAULT_COST,
    ) -> str:
        """Create a job directly; returns its id (a UUID)."""
        job = self._create(
            duration=duration,
            outcome=outcome,
            queued=queued,
            error=error,
            result=output,
            data={"model": model, "cost": cost},
        )
        return job.id

    def response(self, job: SimJob) -> dict[str, Any]:
        """``UniversalAIAsyncResponse`` for a job as it stands now."""
        parts = str(job.data.get("model", "")).split("/")
        feature, subfeature, provider = [*parts, "", "", ""][:3]
        phase = job.phase(self.clock.now())
        doc: dict[str, Any] = {
            "status": "processing",
            "cost": "0",
            "provider": provider,
            "feature": feature,
            "subfeature": subfeature,
            "output": None,
            "public_id": job.id,
            "model": parts[3] if len(parts) > 3 else None,
            "created_at": iso_utc(job.created_wall),
        }
        if phase == "succeeded":
            doc["status"] = "success"
            doc["cost"] = job.data.get("cost", DEFAULT_COST)
            doc["output"] = (
                job.result if job.result is not None else default_output(feature, subfeature)
            )
            if job.data.get("show_original_response"):
                doc["original_response"] = {"provider": provider, "raw": doc["output"]}
        elif phase in ("failed", "canceled"):
            doc["status"] = "fail"
            message = job.error or (
                "The job was canceled." if phase == "canceled" else "Provider returned an error."
            )
            doc["error"] = {"type": "ProviderError", "message": message}
        return doc

    # -- handlers ------------------------------------------------------------------------------

    @staticmethod
    def _issue(loc: list[str | int], msg: str, kind: str, value: Any) -> dict[str, Any]:
        return {"type": kind, "loc": loc, "msg": msg, "input": value}

    def _validation(self, issues: list[dict[str, Any]]) -> Reply:
        return self.json_reply(422, {"detail": issues})

    def _fallback_issues(self, fallbacks: Any) -> list[dict[str, Any]]:
        """422 issues for ``fallbacks``: a list of at most 3 providers or models."""
        if fallbacks is None:
            return []
        if not isinstance(fallbacks, list):
            return [
                self._issue(
                    ["body", "fallbacks"], "Input should be a valid list", "list_type", fallbacks
                )
            ]
        if len(fallbacks) > MAX_FALLBACKS:
            return [
                self._issue(
                    ["body", "fallbacks"],
                    f"List should have at most {MAX_FALLBACKS} items after validation",
                    "too_long",
                    fallbacks,
                )
            ]
        return [
            self._issue(
                ["body", "fallbacks", i],
                "Value error, a fallback is provider, provider/model or a full model id",
                "value_error",
                item,
            )
            for i, item in enumerate(fallbacks)
            if not isinstance(item, str) or not _FALLBACK.fullmatch(item)
        ]

    def _submit(self, req: SimRequest) -> Reply:
        try:
            body = req.json()
        except ValueError:
            return self._validation(
                [self._issue(["body"], "JSON decode error", "json_invalid", {})]
            )
        if not isinstance(body, dict):
            return self._validation(
                [self._issue(["body"], "Input should be a valid dictionary", "dict_type", body)]
            )
        issues = []
        for name in ("model", "input"):
            if name not in body:
                issues.append(self._issue(["body", name], "Field required", "missing", body))
        model = body.get("model")
        if "model" in body and (not isinstance(model, str) or not 3 <= len(model.split("/")) <= 4):
            issues.append(
                self._issue(
                    ["body", "model"],
                    "Value error, model must be feature/subfeature/provider[/model]",
                    "value_error",
                    model,
                )
            )
        if "input" in body and not isinstance(body["input"], dict):
            issues.append(
                self._issue(
                    ["body", "input"],
                    "Input should be a valid dictionary",
                    "dict_type",
                    body["input"],
                )
            )
        issues += self._fallback_issues(body.get("fallbacks"))
        if issues:
            return self._validation(issues)
        job = self._create_planned(
            data={
                "model": model,
                "cost": DEFAULT_COST,
                "input": body["input"],
                "show_original_response": bool(body.get("show_original_response")),
                "webhook_receiver": body.get("webhook_receiver"),
            }
        )
        hook = body.get("webhook_receiver")
        if isinstance(hook, str) and self.webhook_key is not None:
            self.outbox.queue(self._webhook(job, hook, body.get("user_webhook_parameters")))
        return self.json_reply(202, self.response(job))

    # -- webhooks ------------------------------------------------------------------------------

    def _sign(self, data: bytes) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        signature: bytes = self.webhook_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return signature.hex()

    def _webhook(self, job: SimJob, url: str, user_parameters: Any) -> Outgoing:
        """The webhook Eden AI sends when ``job`` ends (its body as of that moment)."""
        parts = str(job.data.get("model", "")).split("/")
        feature, subfeature = [*parts, "", ""][:2]
        ok = job.outcome == "succeeded"
        doc: dict[str, Any] = {
            "event": "async_job_completed",
            "job_id": job.id,
            "status": "success" if ok else "fail",
            "output": (
                job.result if job.result is not None else default_output(feature, subfeature)
            )
            if ok
            else None,
            "cost": job.data.get("cost", DEFAULT_COST) if ok else "0",
        }
        if not ok:
            doc["error"] = {"type": "ProviderError", "message": job.error or "Provider error."}
        if user_parameters is not None:
            doc["user_parameters"] = user_parameters
        body = json.dumps(doc).encode()
        signed = body if self.webhook_signs == "raw" else json.dumps(doc, indent=2).encode()
        headers = (
            ("content-type", "application/json"),
            ("x-edenai-webhook", "true"),
            ("x-edenai-signature", self._sign(signed)),
            ("x-edenai-hash-algorithm", "SHA256"),
        )
        return Outgoing(
            url=url, headers=headers, body=body, due=job.created + job.duration, job_id=job.id
        )

    def forge(self, hook: Outgoing, how: str) -> Outgoing:
        """The webhook with a signature that does not match (``how="signature"``)."""
        if how != "signature":
            raise ValueError("Eden AI webhooks carry a signature, not a token")
        headers = tuple(
            (k, self._sign(b"not this body") if k == "x-edenai-signature" else v)
            for k, v in hook.headers
        )
        return attrs.evolve(hook, headers=headers, struck=True)

    def _poll(self, req: SimRequest) -> Reply:
        raw = str(req.path_params["job_id"])
        try:
            job_id = str(uuid.UUID(raw))
        except ValueError:
            return self._validation(
                [
                    self._issue(
                        ["path", "job_id"],
                        "Input should be a valid UUID, invalid character: expected an optional "
                        "prefix of `urn:uuid:` followed by [0-9a-fA-F-]",
                        "uuid_parsing",
                        raw,
                    )
                ]
            )
        job = self.lookup(job_id)
        if job is None:
            return self.error_reply(404, f"Job {job_id} not found")
        return self.json_reply(200, self.response(job))
