"""Phrase "BYO Engine" MT API: call (or test) a machine-translation engine built for Phrase.

Asynchronous translation is ``POST /translateAsync`` → ``{id}``, then
``GET /translateAsyncStatus/{id}`` until done, then ``GET /translateAsyncResult/{id}``. A request
carries at most 500 segments; :meth:`PhraseMT.translate_and_wait` splits longer lists into
several jobs and joins the results in input order.

Status table (``TranslateAsyncStatusResponse.status`` → ``JobState``; case-insensitive):

==============  ==========================================
``running``     RUNNING
``done``        SUCCEEDED (fetch it with ``result``)
``failed``      FAILED (``JobFailed``; ``detail`` says why)
any other word  RUNNING, ``recognized=False`` (warned once)
==============  ==========================================

Phrase's reference adapter (the Spring Boot engine the spec links as its demo) is what real
engines do, and what this module reads (vendors.md §2):

* Errors: every one is HTTP 500 ``{"error": "Application error: <message>, <cause>"}``.
  ``No translation job found with id '…'`` (a wrong id, or a job forgotten about 35 minutes
  after it ended) is :class:`jobpoll.JobNotFound` at once, ``status_code`` 500. A 500 whose
  message names a fault of the request is deterministic, :class:`jobpoll.APIError` at once
  without retries: ``JSON parse error`` (unparseable JSON, and an unknown locale, which the
  adapter refuses while reading the body), ``Required request body is missing``, ``… is not a
  valid Phrase locale``, ``unsupported`` / ``not supported`` (a language pair). Any other 500
  (a backend failure such as an upstream timeout) may pass: retried, then ``APIError``.
  ``Not authenticated`` (what the adapter's auth hook throws) is :class:`jobpoll.AuthError`.
* Nulls: the adapter writes ``"idx": null``, ``"metadata": null`` and ``"text": null`` for what
  was not sent; none of them is needed to read a translation. ``idx`` comes back as a string
  (``0`` sent, ``"0"`` echoed): a whole number or a digit string is read as the number.
* ``GET /translateAsyncResult/{id}`` holds the request until the job ends, so a result fetch
  may take as long as the call's deadline (not the short per-request timeout). For a failed job
  it answers 200 with an empty body: :meth:`PhraseMT.result` then reads the status and raises
  :class:`jobpoll.JobFailed` with the engine's ``detail`` (so it does, after the retries, for
  an engine that answers a failed job's result with a 5xx).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeAlias, cast

import attrs
import httpx

from . import _config, _drive, _http
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
    each,
)
from ._config import DEFAULT_TIMEOUT
from ._drive import JsonSource
from ._errors import APIError, AuthError, Error, JobNotFound, MalformedResponse
from ._flow import Flow, operation
from ._generated import MT_UNSET as UNSET
from ._generated import (
    GlossaryEntry,
    LanguagesRequest,
    LanguagesResponse,
    Metadata,
    Segment,
    StatusRequest,
    StatusResponse,
    TranslateAsyncResponse,
    TranslateAsyncStatusResponse,
    TranslateRequest,
    TranslateResponse,
    mt_engine_status_request,
    mt_languages_request,
    mt_result_request,
    mt_status_request,
    mt_translate_async_request,
    mt_translate_request,
)
from ._generated import MtErrorBody as ErrorBody
from ._generated import MtUnset as Unset
from ._policy import PollPolicy
from ._status import JSON, JobState, JobStatus, terminal_error
from ._transport import Request

__all__ = [
    "DEFAULT_POLICY",
    "MAX_SEGMENTS",
    "VENDOR",
    "AsyncPhraseMT",
    "GlossaryInput",
    "LanguagePair",
    "PhraseMT",
    "SegmentInput",
    "TranslatedSegment",
    "Translation",
    "check_job_id",
    "to_status",
]


# --- 1. Facts ------------------------------------------------------------------------------

VENDOR = "phrase-mt"
TOKEN_ENV = "PHRASE_MT_TOKEN"  # noqa: S105  # the variable's name, not a secret
URL_ENV = "PHRASE_MT_URL"
MAX_SEGMENTS = 500
"""Segments one translate request may carry."""

DEFAULT_POLICY = PollPolicy(
    initial_delay=1.0, multiplier=1.5, max_delay=20.0, min_delay=0.5, jitter=0.2
)
"""1 s, 1.5 s, 2.25 s, … up to 20 s (±20 %): MT jobs take seconds to minutes."""

_AUTH_HEADERS = {"api-token": "X-Api-Token", "bearer": "Authorization"}
_LOCALE = re.compile(r"[a-z]{2,3}(?:_[a-z0-9]{2,8}){0,3}")
_UNKNOWN_JOB = re.compile(r"no translation job found", re.IGNORECASE)
_BAD_REQUEST = re.compile(
    r"JSON parse error|Required request body is missing|not a valid Phrase locale"
    r"|unsupported|not supported|Cannot (?:deserialize|construct)",
    re.IGNORECASE,
)
"""500 texts of the reference adapter that name a fault of the request: retrying cannot help."""
_NOT_AUTHENTICATED = re.compile(r"\bnot authenticated\b|\bunauthori[sz]ed\b", re.IGNORECASE)
"""The reference adapter's auth hook throws ``IllegalStateException("Not authenticated")``,
which its catch-all answers as a 500: a refused credential all the same."""
HOLD_LIMIT = 3600.0
"""How long a result fetch waits for an engine that holds it, when the call has no deadline."""

SegmentInput: TypeAlias = str | Segment | Mapping[str, Any]
"""A segment: its text, a generated :class:`Segment`, or a dict ``{text, idx?, metadata?}``."""
GlossaryInput = Mapping[str, str] | Iterable[GlossaryEntry | Mapping[str, str] | tuple[str, str]]
"""A glossary: ``{term: translation}``, or a list of entries, dicts or (term, translation)."""


def check_job_id(job_id: object) -> str:
    """The engine's job id (any non-empty string without spaces or path characters)."""
    return _config.text_id(job_id)


def _settings(token: str | None, auth: str, base_url: str | None) -> Settings:
    """What a client is made of, validated."""
    if not isinstance(auth, str) or auth.lower() not in _AUTH_HEADERS:
        raise ValueError(f"auth must be 'api-token' or 'bearer', got {auth!r}")
    secret = _config.secret(token, TOKEN_ENV, name="token").reveal()
    value = f"Bearer {secret}" if auth.lower() == "bearer" else secret
    url = _config.base_url(base_url, URL_ENV, None)
    return Settings(url, {_AUTH_HEADERS[auth.lower()]: value}, (secret,), _source((secret,)))


# --- 2. Status -----------------------------------------------------------------------------

_STATES = {"running": JobState.RUNNING, "done": JobState.SUCCEEDED, "failed": JobState.FAILED}


def to_status(job_id: str, dto: TranslateAsyncStatusResponse) -> JobStatus:
    """The engine's job status as a :class:`JobStatus` (the table in the module docstring)."""
    word = dto.status
    if not isinstance(word, str):
        raise TypeError("status is not a string")
    detail = dto.detail if isinstance(dto.detail, str) and dto.detail else None
    state = _STATES.get(word.strip().lower())
    failed = state is JobState.FAILED
    return JobStatus(
        vendor=VENDOR,
        job_id=job_id,
        state=state or JobState.RUNNING,
        detail=detail,
        vendor_status=word,
        recognized=state is not None,
        errors=(detail,) if failed and detail else (),
        response=dto,
    )


def _said(response: httpx.Response) -> str | None:
    """The ``error`` text of an error body, if it has one."""
    try:
        said = ErrorBody.from_dict(json.loads(response.content)).error
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
        return None
    return said if isinstance(said, str) else None


def _check(response: httpx.Response, what: str, secrets: Sequence[str]) -> None:
    """:func:`jobpoll._http.check`, plus the reference adapter's 500s (module docstring)."""
    code = response.status_code
    said = _said(response) if code >= 400 else None
    if said is not None and _UNKNOWN_JOB.search(said):
        raise JobNotFound(
            f"{what} was not found (HTTP {code}: {_http.excerpt(response, secrets)}): a wrong "
            "id, or a job the engine forgot (the reference adapter keeps jobs about 35 minutes)",
            status_code=code,
            response=response,
        )
    if said is not None and code >= 500 and _NOT_AUTHENTICATED.search(said):
        raise AuthError(
            f"the credentials were refused with HTTP {code} "
            f"(server said: {_http.excerpt(response, secrets)}); check the token",
            response=response,
        )
    if said is not None and code >= 500 and _BAD_REQUEST.search(said):
        raise APIError(
            f"HTTP {code} for {what}: the engine refused the request "
            f"(server said: {_http.excerpt(response, secrets)})",
            status_code=code,
            body_excerpt=_http.excerpt(response, secrets),
            retryable=False,
            response=response,
        )
    _http.check(response, what=what, secrets=secrets)


def _source(secrets: tuple[str, ...]) -> JsonSource:
    """Polls one translation job: the engine's source for BYO MT."""
    return JsonSource(
        VENDOR,
        "Phrase MT job",
        mt_status_request,
        lambda job_id, body: to_status(job_id, TranslateAsyncStatusResponse.from_dict(body)),
        lambda: secrets,
        check_status=_check,
    )


# --- 3. Operations -------------------------------------------------------------------------


def _language(code: object, name: str) -> str:
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"{name} must be a Phrase locale code such as 'en' or 'zh_tw'")
    if not _LOCALE.fullmatch(code):
        hint = code.strip().lower().replace("-", "_")
        maybe = f" (did you mean {hint!r}?)" if _LOCALE.fullmatch(hint) else ""
        raise ValueError(
            f"{name} must be a Phrase locale code such as 'en' or 'zh_tw', got {code!r:.40}{maybe}"
        )
    return code


def _metadata(value: Metadata | Mapping[str, Any] | None, name: str) -> Metadata | Unset:
    if value is None:
        return UNSET
    if isinstance(value, Metadata):
        value = value.to_dict()
    if not isinstance(value, Mapping) or not _config.is_json(value):
        raise ValueError(f"{name} must be a JSON-serialisable mapping")
    return Metadata.from_dict(value)


def _segment(value: SegmentInput, where: str) -> Segment:
    if isinstance(value, str):
        value = {"text": value}
    elif isinstance(value, Segment):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        raise ValueError(f"{where} must be a string, a Segment or a dict with 'text'")
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{where}: text must be a non-empty string")
    idx = value.get("idx")
    if idx is not None and (isinstance(idx, bool) or not isinstance(idx, int) or idx < 0):
        raise ValueError(f"{where}: idx must be a whole number >= 0")
    extra = {k: v for k, v in value.items() if k not in ("text", "idx", "metadata")}
    if not _config.is_json(extra):
        raise ValueError(f"{where} must be JSON-serialisable")
    segment = Segment(text=text, idx=UNSET if idx is None else idx)
    segment.metadata = _metadata(value.get("metadata"), f"{where}.metadata")
    segment.additional_properties = extra
    return segment


def _segments(segments: Iterable[SegmentInput], *, limit: int | None) -> list[Segment]:
    if isinstance(segments, str | Mapping | Segment) or not isinstance(segments, Iterable):
        raise ValueError("segments must be a list of segments (not a single one)")
    out = [_segment(s, f"segments[{i}]") for i, s in enumerate(segments)]
    if not out:
        raise ValueError("segments must not be empty")
    if limit is not None and len(out) > limit:
        raise ValueError(
            f"segments: {len(out)} given, at most {limit} per request "
            "(translate_and_wait splits longer lists into several jobs)"
        )
    return out


def _glossary(
    glossary: Mapping[str, str]
    | Iterable[GlossaryEntry | Mapping[str, str] | tuple[str, str]]
    | None,
) -> list[GlossaryEntry] | Unset:
    if glossary is None:
        return UNSET
    if isinstance(glossary, str):
        raise ValueError("glossary must be a mapping of term to translation, or a list of entries")
    pairs: Iterable[Any] = glossary.items() if isinstance(glossary, Mapping) else glossary
    entries = []
    for i, item in enumerate(pairs):
        term: object
        translation: object
        if isinstance(item, GlossaryEntry):
            term, translation = item.term, item.translation
        elif isinstance(item, Mapping):
            term, translation = item.get("term"), item.get("translation")
        elif isinstance(item, tuple) and len(item) == 2:
            term, translation = item
        else:
            raise ValueError(f"glossary[{i}] must be a (term, translation) pair")
        if not (isinstance(term, str) and term.strip() and isinstance(translation, str)):
            raise ValueError(
                f"glossary[{i}]: term must be a non-empty string, translation a string"
            )
        entries.append(GlossaryEntry(term=term, translation=translation))
    return entries


def translate_body(
    source_language: str,
    target_language: str,
    segments: Iterable[SegmentInput],
    *,
    glossary: GlossaryInput | None = None,
    metadata: Mapping[str, Any] | None = None,
    limit: int | None = MAX_SEGMENTS,
) -> TranslateRequest:
    """A validated :class:`TranslateRequest`; ValueError naming the bad argument."""
    return TranslateRequest(
        source_language=_language(source_language, "source_language"),
        target_language=_language(target_language, "target_language"),
        segments=_segments(segments, limit=limit),
        glossary=_glossary(glossary),
        metadata=_metadata(metadata, "metadata"),
    )


def split(body: TranslateRequest, size: int = MAX_SEGMENTS) -> list[TranslateRequest]:
    """``body`` as requests of at most ``size`` segments, each segment's ``idx`` set to its
    position in ``body`` so the results can be joined in order."""
    chunks = []
    for start in range(0, len(body.segments), size):
        part = []
        for offset, segment in enumerate(body.segments[start : start + size]):
            numbered = Segment.from_dict(segment.to_dict())
            numbered.idx = start + offset
            part.append(numbered)
        chunks.append(
            TranslateRequest(
                source_language=body.source_language,
                target_language=body.target_language,
                segments=part,
                glossary=body.glossary,
                metadata=body.metadata,
            )
        )
    return chunks


def join(
    chunks: Sequence[TranslateRequest],
    job_ids: Sequence[str],
    results: Sequence[Translation],
) -> list[str]:
    """The translated texts of all chunks in input order, matched by the echoed ``idx``; a
    segment that echoes none keeps its position. MalformedResponse if they do not match."""
    texts: list[str] = []
    for chunk, job_id, result in zip(chunks, job_ids, results, strict=True):
        wanted = [s.idx for s in chunk.segments]
        got = result.segments
        if len(got) != len(wanted):
            raise _mismatch(job_id, f"{len(got)} segments for {len(wanted)} sent")
        keys = [wanted[i] if s.idx is None else s.idx for i, s in enumerate(got)]
        by_idx = {key: s.translated_text for key, s in zip(keys, got, strict=True)}
        if len(by_idx) != len(keys) or set(by_idx) != set(wanted):
            raise _mismatch(job_id, "the segments' idx values do not match the request's")
        texts.extend(by_idx[i] for i in wanted)
    return texts


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _mismatch(job_id: str, why: str) -> MalformedResponse:
    # One job of a split call: the error names it (not the call's first job).
    return MalformedResponse(f"Phrase MT job {job_id} result: {why}")._about(VENDOR, job_id)


def translate_request(body: TranslateRequest) -> Request:
    """``POST /translate`` (synchronous, at most 500 segments)."""
    return mt_translate_request(body=body)


def translate_async_request(body: TranslateRequest) -> Request:
    """``POST /translateAsync``."""
    return mt_translate_async_request(body=body)


def result_request(job_id: str) -> Request:
    """``GET /translateAsyncResult/{id}``."""
    return mt_result_request(job_id)


def engine_status_request(metadata: Mapping[str, Any] | None = None) -> Request:
    """``POST /status``."""
    return mt_engine_status_request(body=StatusRequest(metadata=_metadata(metadata, "metadata")))


def languages_request(metadata: Mapping[str, Any] | None = None) -> Request:
    """``POST /languages``."""
    return mt_languages_request(body=LanguagesRequest(metadata=_metadata(metadata, "metadata")))


def _index(value: object) -> int | None:
    """An echoed ``idx``: a whole number, or a digit string (the reference adapter's DTO holds
    it as a string) as that number; None for null, absent or anything else (then the segment's
    position orders it)."""
    if _whole(value):
        return cast(int, value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _echoed(value: object) -> dict[str, JSON] | None:
    """Echoed ``metadata`` as a plain dict (None when null, absent or not an object)."""
    if isinstance(value, Metadata):
        value = value.to_dict()
    return cast(dict[str, JSON], value) if isinstance(value, dict) else None


@attrs.frozen
class TranslatedSegment:
    """One segment of a :class:`Translation`: ``translated_text``, and what the engine echoed
    of the segment sent: ``idx`` (a whole number; None when it echoed none, or one that is not
    a number), the source ``text`` and its ``metadata`` (None when not echoed)."""

    translated_text: str
    idx: int | None = None
    text: str | None = None
    metadata: dict[str, JSON] | None = None


@attrs.frozen
class Translation:
    """What :meth:`PhraseMT.translate` and :meth:`PhraseMT.result` return: the segments in the
    engine's order, and the languages and request ``metadata`` it echoed (None when not)."""

    segments: tuple[TranslatedSegment, ...]
    source_language: str | None = None
    target_language: str | None = None
    metadata: dict[str, JSON] | None = None


def _translation(body: dict[str, Any]) -> Translation:
    response = TranslateResponse.from_dict(body)
    if not isinstance(response.segments, list):
        raise TypeError("segments is not a list")
    segments = []
    for segment in response.segments:
        if not isinstance(segment.translated_text, str):
            raise TypeError("translatedText is not a string")
        segments.append(
            TranslatedSegment(
                translated_text=segment.translated_text,
                idx=_index(segment.idx),
                text=_text(segment.text),
                metadata=_echoed(segment.metadata),
            )
        )
    return Translation(
        segments=tuple(segments),
        source_language=_text(response.source_language),
        target_language=_text(response.target_language),
        metadata=_echoed(response.metadata),
    )


def _result(body: object) -> Translation | None:
    # An empty body (or JSON null) is what the reference adapter answers for a failed job.
    return None if body is None else _translation(_http.json_object(body))


def parse_result(
    response: httpx.Response, secrets: Sequence[str] = (), *, what: str = "Phrase MT result"
) -> Translation | None:
    """A job's :class:`Translation`; None for a 200 with an empty body (the reference
    adapter's answer for a failed job: read the status to learn why)."""
    if 200 <= response.status_code < 300 and not response.content.strip():
        return None
    return _http.read_json(response, _result, what=what, secrets=secrets, check_status=_check)


def empty_result(status: JobStatus, refused: Error | None = None) -> Error:
    """The error for a result fetch that came back empty (or, ``refused``, with a 5xx), given
    the job's status then: ``JobFailed``/``JobCanceled`` for a job that ended so, else the
    refusal itself, else a MalformedResponse."""
    if status.done and status.state is not JobState.SUCCEEDED:
        err = terminal_error(status, None)
        err.__cause__ = refused
        return err
    if refused is not None:
        return refused
    return MalformedResponse(
        f"Phrase MT job {status.job_id} result: HTTP 200 with an empty body although the job "
        f"is {status.vendor_status!r}",
        status=status,
    )  # vendor and job id: the fetch's about(...)


def _engine_refused(err: APIError) -> APIError:
    """``err`` if it is a server error (5xx) that may stand for a failed job, which the status
    then tells; re-raised otherwise."""
    if type(err) is not APIError or (err.status_code or 0) < 500:
        raise err
    return err


def parse_translation(
    response: httpx.Response, secrets: Sequence[str] = (), *, what: str = "Phrase MT translate"
) -> Translation:
    """A :class:`Translation` (from ``/translate`` or ``/translateAsyncResult``)."""
    return _http.read_object(
        response, _translation, what=what, secrets=secrets, check_status=_check
    )


def _job_id(body: dict[str, Any]) -> str:
    return check_job_id(TranslateAsyncResponse.from_dict(body).id)


def parse_submitted(response: httpx.Response, secrets: Sequence[str] = ()) -> str:
    """The job id ``/translateAsync`` returned."""
    return _http.read_object(
        response, _job_id, what="Phrase MT translateAsync", secrets=secrets, check_status=_check
    )


def _engine_status(body: dict[str, Any]) -> bool | str:
    word = StatusResponse.from_dict(body).status
    if not isinstance(word, str):
        raise TypeError("status is not a string")
    return {"ok": True, "not_ok": False}.get(word.strip().lower(), word)


def parse_engine_status(response: httpx.Response, secrets: Sequence[str] = ()) -> bool | str:
    """True for ``ok``, False for ``not_ok``, the engine's own word otherwise."""
    return _http.read_object(
        response,
        _engine_status,
        what="Phrase MT engine status",
        secrets=secrets,
        check_status=_check,
    )


@attrs.frozen
class LanguagePair:
    """A language pair the engine supports (Phrase locale codes, e.g. ``en`` → ``zh_tw``)."""

    source_language: str
    target_language: str


def _pairs(body: dict[str, Any]) -> list[LanguagePair]:
    pairs = LanguagesResponse.from_dict(body).language_pairs
    for pair in pairs:
        if not isinstance(pair.source_language, str) or not isinstance(pair.target_language, str):
            raise TypeError("a language code is not a string")
    return [LanguagePair(p.source_language, p.target_language) for p in pairs]


def parse_languages(response: httpx.Response, secrets: Sequence[str] = ()) -> list[LanguagePair]:
    """The engine's language pairs."""
    return _http.read_object(
        response, _pairs, what="Phrase MT languages", secrets=secrets, check_status=_check
    )


# --- 4. Clients ----------------------------------------------------------------------------


def _holding(policy: PollPolicy) -> PollPolicy:
    """``policy`` with a request timeout that lets an engine hold a result fetch until the job
    ends (the reference adapter does): up to an hour, clamped by the engine to the call's
    deadline (the client's timeout, or the whole-cycle call's), not one poll's short timeout."""
    return attrs.evolve(policy, request_timeout=HOLD_LIMIT)


def _status_parser(source: _drive.Source, job_id: str) -> Callable[[httpx.Response], JobStatus]:
    return lambda response: source.interpret(job_id, response)[0]


class _Ops(Base):
    """Phrase MT's operations, written once for both clients."""

    vendor = VENDOR
    default_policy = DEFAULT_POLICY

    @operation
    def engine_status(self, *, metadata: Mapping[str, Any] | None = None) -> Flow[bool | str]:
        """True when the engine says ``ok``, False for ``not_ok``, else the engine's word."""
        request = engine_status_request(metadata)
        return call(request, self._parse(parse_engine_status), idempotent=True)

    @operation
    def languages(self, *, metadata: Mapping[str, Any] | None = None) -> Flow[list[LanguagePair]]:
        """The language pairs the engine supports."""
        request = languages_request(metadata)
        return call(request, self._parse(parse_languages), idempotent=True)

    @operation
    def translate(
        self,
        source_language: str,
        target_language: str,
        segments: Iterable[SegmentInput],
        *,
        glossary: GlossaryInput | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Flow[Translation]:
        """Translate at most 500 segments synchronously (retried like a read: no job is made)."""
        body = translate_body(
            source_language, target_language, segments, glossary=glossary, metadata=metadata
        )
        return call(translate_request(body), self._parse(parse_translation), idempotent=True)

    @operation
    def translate_async(
        self,
        source_language: str,
        target_language: str,
        segments: Iterable[SegmentInput],
        *,
        glossary: GlossaryInput | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Flow[str]:
        """Start translating at most 500 segments; returns the job id to ``wait`` for."""
        body = translate_body(
            source_language, target_language, segments, glossary=glossary, metadata=metadata
        )
        return self._submit(body)

    @operation
    def result(self, job_id: str) -> Flow[Translation]:
        """The translation of a finished (``done``) job; ``JobFailed`` for a failed one.

        An engine that holds the request until the job ends is waited for up to the client's
        ``timeout`` (one hour without one).
        """
        return self._fetch(self.check_job_id(job_id))

    def _fetch(self, jid: str) -> Flow[Translation]:
        with about(VENDOR, jid):
            policy = _holding(self._policy)
            refused = None
            try:
                request = result_request(jid)
                got = yield from call(
                    request, self._result_parser(jid), idempotent=True, policy=policy
                )
            except APIError as err:  # an engine may refuse a failed job's result with a 500
                refused, got = _engine_refused(err), None
            if got is None:
                status = yield from call(
                    self._source.status_request(jid),
                    _status_parser(self._source, jid),
                    idempotent=True,
                )
                raise empty_result(status, refused)
            return got

    @operation
    def translate_and_wait(
        self,
        source_language: str,
        target_language: str,
        segments: Iterable[SegmentInput],
        *,
        glossary: GlossaryInput | None = None,
        metadata: Mapping[str, Any] | None = None,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
        on_update: OnUpdate | None = None,
    ) -> Flow[list[str]]:
        """Translate any number of segments asynchronously; the translations in input order.

        Over 500 segments become several jobs (each segment's ``idx`` set to its position):
        all are submitted one by one, then waited for — one after another on the sync client,
        concurrently on the async one, where the first failure cancels the other waits.
        ``timeout`` bounds all of it, submits and result fetches included; an error names
        every job created (``err.job_ids``).
        """
        body = translate_body(
            source_language,
            target_language,
            segments,
            glossary=glossary,
            metadata=metadata,
            limit=None,
        )
        check_wait(timeout, policy, on_update)
        chunks = split(body)
        with self._cycle(timeout, policy) as cycle:
            job_ids = []
            for chunk in chunks:
                job_ids.append(cycle.created((yield from self._submit(chunk)), self._now()))

            def finish(job_id: str) -> Flow[Translation]:
                yield from self._wait_in(cycle, job_id, policy, on_update)
                return (yield from self._fetch(job_id))

            results = yield from each([finish(job_id) for job_id in job_ids])
            return join(chunks, job_ids, results)

    def _submit(self, body: TranslateRequest) -> Flow[str]:
        request = translate_async_request(body)
        return call(request, self._parse(parse_submitted), idempotent=False)

    def _result_parser(self, job_id: str) -> Callable[[httpx.Response], Translation | None]:
        what = f"Phrase MT job {job_id} result"
        return lambda response: parse_result(response, self._hidden(), what=what)


class PhraseMT(_Ops, SyncClient):
    """A Phrase BYO MT engine, synchronously.

    ``base_url`` (or ``PHRASE_MT_URL``) is the engine's own URL: there is no default.
    ``token`` (or ``PHRASE_MT_TOKEN``) is sent as ``X-Api-Token: <token>`` (``auth="api-token"``)
    or ``Authorization: Bearer <token>`` (``auth="bearer"``, an OAuth access token).
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        auth: str = "api-token",
        base_url: str | None = None,
        policy: PollPolicy | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], object] | None = None,
        random: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            _settings(token, auth, base_url),
            policy=policy,
            timeout=timeout,
            http_client=http_client,
            transport=transport,
            clock=clock,
            sleep=sleep,
            random=random,
        )


class AsyncPhraseMT(_Ops, AsyncClient):
    """A Phrase BYO MT engine on asyncio: the methods of :class:`PhraseMT`, awaited."""

    def __init__(
        self,
        *,
        token: str | None = None,
        auth: str = "api-token",
        base_url: str | None = None,
        policy: PollPolicy | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        random: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            _settings(token, auth, base_url),
            policy=policy,
            timeout=timeout,
            http_client=http_client,
            transport=transport,
            clock=clock,
            sleep=sleep,
            random=random,
        )
