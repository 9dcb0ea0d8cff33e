"""Eden AI v3: universal-ai async jobs (speech to text, OCR, … on many providers).

``submit(model, input)`` starts a job (``POST /v3/universal-ai/async`` → 202) and returns its
id (``public_id``, a UUID); ``wait`` polls ``GET /v3/universal-ai/async/{job_id}`` until done;
``result`` reads the job's ``output``. ``run(model, input)`` does all three.

Status table (``UniversalAIAsyncResponse.status`` → ``JobState``; case-insensitive):

==============  ===============================================================
``processing``  RUNNING (``output`` is null)
``success``     SUCCEEDED (:func:`job_output` or ``result``)
``fail``        FAILED (``JobFailed``; the provider's ``error``: type and message)
any other word  RUNNING, ``recognized=False`` (warned once)
==============  ===============================================================

A 422 answer (``HTTPValidationError``) raises a permanent :class:`jobpoll.APIError` listing
each ``loc: msg``. A 429 comes without ``Retry-After``: the policy's backoff spaces retries.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
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
from ._errors import APIError, MalformedResponse
from ._flow import Flow, operation
from ._generated import EDEN_UNSET as UNSET
from ._generated import EdenUnset as Unset
from ._generated import (
    HTTPValidationError,
    UniversalAIAsyncBody,
    UniversalAIAsyncBodyInput,
    UniversalAIAsyncBodyProviderParamsType0,
    UniversalAIAsyncBodyUserWebhookParametersType0,
    UniversalAIAsyncResponse,
    UniversalAIAsyncResponseErrorType0,
    eden_job_request,
    eden_submit_request,
)
from ._policy import PollPolicy
from ._status import JSON, JobState, JobStatus, finished
from ._transport import Request
from ._webhooks import WebhookReceiver

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_URL",
    "MAX_FALLBACKS",
    "VENDOR",
    "AsyncEdenAI",
    "EdenAI",
    "check_job_id",
    "job_output",
    "to_status",
]


# --- 1. Facts ------------------------------------------------------------------------------

VENDOR = "edenai"
DEFAULT_URL = "https://api.edenai.run"
KEY_ENV = "EDENAI_API_KEY"
URL_ENV = "EDENAI_URL"
MAX_FALLBACKS = 3
"""Fallbacks one job may name: providers ('amazon'), provider/model ('openai/gpt-4') or full
model ids, tried in order (``UniversalAIAsyncBody.fallbacks``)."""

DEFAULT_POLICY = PollPolicy(
    initial_delay=2.0, multiplier=1.5, max_delay=30.0, min_delay=1.0, jitter=0.25, max_retries=6
)
"""2 s, 3 s, 4.5 s, … up to 30 s (±25 %): async jobs (audio, video, documents) take from
seconds to many minutes, and 429s carry no ``Retry-After``, so the backoff alone must spread
retries out — wider jitter, one more retry than the engine's default."""

_MODEL = re.compile(r"[a-z0-9_-]+/[a-z0-9_-]+/[a-z0-9_.-]+(?:/[^\s/]+)?", re.IGNORECASE)
# UniversalAIAsyncBody.fallbacks also takes 'provider' and 'provider/model' (the vendor's spec).
_FALLBACK = re.compile(r"[a-z0-9_.-]+(?:/[^\s/]+)?", re.IGNORECASE)


def check_job_id(job_id: object, *, name: str = "job_id") -> str:
    """A job id (a UUID, as ``uuid.UUID`` or a string) in canonical form; ValueError if not."""
    if isinstance(job_id, uuid.UUID):
        return str(job_id)
    if isinstance(job_id, str):
        with contextlib.suppress(ValueError):
            return str(uuid.UUID(job_id.strip()))
    raise ValueError(f"{name} must be an Eden AI job id (a UUID), got {job_id!r:.60}")


def _settings(api_key: str | None, base_url: str | None) -> Settings:
    """What a client is made of, validated."""
    key = _config.secret(api_key, KEY_ENV, name="api_key").reveal()
    url = _config.base_url(base_url, URL_ENV, DEFAULT_URL)
    return Settings(url, {"Authorization": f"Bearer {key}"}, (key,), _source((key,)))


# --- 2. Status -----------------------------------------------------------------------------

_STATES = {"processing": JobState.RUNNING, "success": JobState.SUCCEEDED, "fail": JobState.FAILED}


def _compact(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return " ".join(text.split())[:500]


def _error_line(error: object) -> str | None:
    """The provider's error as one line: ``type: message`` when it has them, else compact JSON."""
    if error is None or isinstance(error, Unset):
        return None
    if isinstance(error, UniversalAIAsyncResponseErrorType0):
        error = error.to_dict()
    if isinstance(error, dict):
        message, kind = error.get("message"), error.get("type")
        if isinstance(message, str) and message.strip():
            named = isinstance(kind, str) and kind.strip()
            return _compact(f"{kind}: {message}" if named else message)
        if not error:
            return None
    return _compact(error) or None


def to_status(job_id: str, job: UniversalAIAsyncResponse) -> JobStatus:
    """The job's status as a :class:`JobStatus` (the table in the module docstring)."""
    word = job.status
    if not isinstance(word, str):
        raise TypeError("status is not a string")
    state = _STATES.get(word.strip().lower())
    detail = _error_line(job.error) if state is JobState.FAILED else None
    return JobStatus(
        vendor=VENDOR,
        job_id=job_id,
        state=state or JobState.RUNNING,
        detail=detail,
        vendor_status=word,
        recognized=state is not None,
        errors=(detail,) if detail else (),
        response=job,
    )


def job_output(status: JobStatus) -> JSON:
    """The ``output`` of the job an Eden AI :class:`JobStatus` describes (None if it has none)."""
    job = status.response
    if not isinstance(job, UniversalAIAsyncResponse):
        raise TypeError("status is not an Eden AI job status")
    return None if isinstance(job.output, Unset) else cast(JSON, job.output)


def _validation_messages(response: httpx.Response) -> list[str]:
    """``loc: msg`` for each item of a 422 ``HTTPValidationError`` ([] if it is not one)."""
    try:
        detail = HTTPValidationError.from_dict(json.loads(response.content)).detail
        if isinstance(detail, Unset):
            return []
        return [f"{'.'.join(map(str, item.loc))}: {item.msg}" for item in detail]
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
        return []


def _check(response: httpx.Response, what: str, secrets: Sequence[str]) -> None:
    """:func:`jobpoll._http.check`, with a 422's validation messages in the error."""
    messages = _validation_messages(response) if response.status_code == 422 else []
    if messages:
        said = _http.redact("; ".join(messages), secrets)
        raise APIError(
            f"{what} was refused as invalid (HTTP 422): {said}",
            status_code=422,
            body_excerpt=_http.excerpt(response, secrets),
            response=response,
        )
    _http.check(response, what=what, secrets=secrets)


def _status_request(job_id: str) -> Request:
    # The status of a finished job holds its output: read it under the result cap.
    kwargs = eden_job_request(uuid.UUID(job_id))
    return {**kwargs, "carries_result": True}


def _source(secrets: tuple[str, ...]) -> JsonSource:
    """Polls one job: the engine's source for Eden AI."""
    return JsonSource(
        VENDOR,
        "Eden AI job",
        _status_request,
        lambda job_id, job: to_status(job_id, UniversalAIAsyncResponse.from_dict(job)),
        lambda: secrets,
        check_status=_check,
    )


# --- 3. Operations -------------------------------------------------------------------------


def _json_object(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be a mapping, got {type(value).__name__}")
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValueError(f"{name} is not JSON-serialisable: {exc}") from None
    return dict(value)


def _model(value: object, name: str) -> str:
    if not isinstance(value, str) or not _MODEL.fullmatch(value):
        raise ValueError(
            f"{name} must be feature/subfeature/provider[/model], such as "
            f"'audio/speech_to_text_async/google', got {value!r:.60}"
        )
    return value


def _fallback(value: object, name: str) -> str:
    if isinstance(value, str) and (_FALLBACK.fullmatch(value) or _MODEL.fullmatch(value)):
        return value
    raise ValueError(
        f"{name} must be a provider ('amazon'), provider/model ('openai/gpt-4') or a full "
        f"model id ('audio/speech_to_text_async/google'), got {value!r:.60}"
    )


def _fallbacks(value: Sequence[str] | None) -> list[str] | Unset:
    if value is None:
        return UNSET
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError("fallbacks must be a list of providers or models (not a single string)")
    if len(value) > MAX_FALLBACKS:
        raise ValueError(f"fallbacks: {len(value)} given, at most {MAX_FALLBACKS}")
    return [_fallback(item, f"fallbacks[{i}]") for i, item in enumerate(value)]


def _webhook(value: str | None) -> str | Unset:
    if value is None:
        return UNSET
    with contextlib.suppress(httpx.InvalidURL, TypeError, AttributeError):
        url = httpx.URL(value.strip())
        if url.scheme in ("http", "https") and url.host and not any(c.isspace() for c in value):
            return str(url)
    raise ValueError(f"webhook must be an http(s) URL, got {value!r:.60}")


def submit_body(
    model: str,
    input: Mapping[str, Any],
    *,
    provider_params: Mapping[str, Any] | None = None,
    show_original_response: bool = False,
    fallbacks: Sequence[str] | None = None,
    webhook: str | None = None,
    user_webhook_parameters: Mapping[str, Any] | None = None,
) -> UniversalAIAsyncBody:
    """A validated :class:`UniversalAIAsyncBody` (``webhook`` is its ``webhook_receiver``);
    ValueError naming the bad argument."""
    if not isinstance(show_original_response, bool):
        raise ValueError("show_original_response must be True or False")
    return UniversalAIAsyncBody(
        model=_model(model, "model"),
        input_=UniversalAIAsyncBodyInput.from_dict(_json_object(input, "input")),
        provider_params=UNSET
        if provider_params is None
        else UniversalAIAsyncBodyProviderParamsType0.from_dict(
            _json_object(provider_params, "provider_params")
        ),
        show_original_response=show_original_response,
        fallbacks=_fallbacks(fallbacks),
        webhook_receiver=_webhook(webhook),
        user_webhook_parameters=UNSET
        if user_webhook_parameters is None
        else UniversalAIAsyncBodyUserWebhookParametersType0.from_dict(
            _json_object(user_webhook_parameters, "user_webhook_parameters")
        ),
    )


def submit_request(body: UniversalAIAsyncBody) -> Request:
    """``POST /v3/universal-ai/async``."""
    return eden_submit_request(body=body)


def _public_id(body: dict[str, Any]) -> str:
    return check_job_id(UniversalAIAsyncResponse.from_dict(body).public_id, name="public_id")


def parse_submitted(response: httpx.Response, secrets: Sequence[str] = ()) -> str:
    """The id (``public_id``) of the job a submit created. When the answer does not read as
    documented, the error still carries the id if one is there: the job may exist."""
    try:
        what = "Eden AI submit"
        return _http.read_object(
            response, _public_id, what=what, secrets=secrets, check_status=_check
        )
    except MalformedResponse as err:
        with contextlib.suppress(ValueError, TypeError, RecursionError):
            body = response.json()
            if isinstance(body, dict):
                err.job_id = check_job_id(body.get("public_id"))
        raise


def result_request(job_id: str) -> Request:
    """``GET /v3/universal-ai/async/{job_id}`` (the status and output are one document)."""
    return eden_job_request(uuid.UUID(job_id))


# --- 4. Clients ----------------------------------------------------------------------------


class _Ops(Base):
    """Eden AI's operations, written once for both clients."""

    vendor = VENDOR
    default_policy = DEFAULT_POLICY

    def check_job_id(self, job_id: object) -> str:
        """The job id (a UUID) in canonical form; ValueError naming ``job_id`` if not one."""
        return check_job_id(job_id)

    @operation
    def submit(
        self,
        model: str,
        input: Mapping[str, Any],
        *,
        provider_params: Mapping[str, Any] | None = None,
        show_original_response: bool = False,
        fallbacks: Sequence[str] | None = None,
        webhook: str | None = None,
        user_webhook_parameters: Mapping[str, Any] | None = None,
    ) -> Flow[str]:
        """Start a job (``model`` is ``feature/subfeature/provider[/model]``); returns its id.

        ``webhook`` is the URL Eden AI calls when the job ends (its ``webhook_receiver``). On a
        client given ``webhooks=receiver`` it defaults to ``receiver.url`` and the job is tied
        to the receiver: its wait sleeps until the webhook (or the fallback policy's first
        delay), then polls."""
        receiver = self._receiver
        if webhook is None and receiver is not None:
            webhook = receiver.url
        body = submit_body(
            model,
            input,
            provider_params=provider_params,
            show_original_response=show_original_response,
            fallbacks=fallbacks,
            webhook=webhook,
            user_webhook_parameters=user_webhook_parameters,
        )
        job_id = yield from call(
            submit_request(body), self._parse(parse_submitted), idempotent=False
        )
        if receiver is not None and webhook is not None:
            receiver.tie(VENDOR, job_id)
        return job_id

    @operation
    def result(self, job_id: str) -> Flow[JSON]:
        """The ``output`` of a successful job (one fetch); raises for any other status."""
        jid = check_job_id(job_id)
        with about(VENDOR, jid):
            return (yield from call(result_request(jid), self._finished(jid), idempotent=True))

    @operation
    def run(
        self,
        model: str,
        input: Mapping[str, Any],
        *,
        provider_params: Mapping[str, Any] | None = None,
        show_original_response: bool = False,
        fallbacks: Sequence[str] | None = None,
        webhook: str | None = None,
        user_webhook_parameters: Mapping[str, Any] | None = None,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
        on_update: OnUpdate | None = None,
    ) -> Flow[JSON]:
        """Submit a job, wait for it, and return its ``output``; ``timeout`` bounds all of it
        (the submit's retries included)."""
        check_wait(timeout, policy, on_update)
        with self._cycle(timeout, policy) as cycle:
            job_id = yield from _Ops.submit.flow(
                self,
                model,
                input,
                provider_params=provider_params,
                show_original_response=show_original_response,
                fallbacks=fallbacks,
                webhook=webhook,
                user_webhook_parameters=user_webhook_parameters,
            )
            cycle.created(job_id, self._now())
            return job_output((yield from self._wait_in(cycle, job_id, policy, on_update)))

    def _finished(self, job_id: str) -> Callable[[httpx.Response], JSON]:
        """The output in a finished job's status (``JobNotFinished`` if it is not)."""
        hint = "wait or run"
        return lambda response: finished(
            self._source.interpret(job_id, response)[0], response, job_output, hint=hint
        )


class EdenAI(_Ops, SyncClient):
    """Eden AI async jobs, synchronously.

    ``api_key`` (or ``EDENAI_API_KEY``) is sent as ``Authorization: Bearer <key>``;
    ``base_url`` (or ``EDENAI_URL``) defaults to https://api.edenai.run.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        policy: PollPolicy | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], object] | None = None,
        random: Callable[[], float] | None = None,
        webhooks: WebhookReceiver | None = None,
    ) -> None:
        super().__init__(
            _settings(api_key, base_url),
            policy=policy,
            timeout=timeout,
            http_client=http_client,
            transport=transport,
            clock=clock,
            sleep=sleep,
            random=random,
            webhooks=webhooks,
        )


class AsyncEdenAI(_Ops, AsyncClient):
    """Eden AI async jobs on asyncio: the methods of :class:`EdenAI`, awaited."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        policy: PollPolicy | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        random: Callable[[], float] | None = None,
        webhooks: WebhookReceiver | None = None,
    ) -> None:
        super().__init__(
            _settings(api_key, base_url),
            policy=policy,
            timeout=timeout,
            http_client=http_client,
            transport=transport,
            clock=clock,
            sleep=sleep,
            random=random,
            webhooks=webhooks,
        )
