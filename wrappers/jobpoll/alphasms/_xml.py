"""AlphaSMS's XML, both ways: request bodies built with ``xmltodict.unparse`` and responses
read with ``xmltodict.parse`` behind a parser that refuses DTDs. Pure: no I/O, no clock.

Reading is defensive. A body is refused before parsing when it is larger than
:data:`MAX_RESPONSE_BYTES` (2 MiB: a status answer for thousands of messages is far smaller),
and the expat parser refuses any ``<!DOCTYPE``, so no entity is ever declared, expanded or
fetched (no "billion laughs", no external entities). xmltodict hands back a ``str``, ``None``,
a ``dict`` or a ``list`` for the same tag depending on attributes, children and repetition:
every shape is checked here, and whatever is not the documented one becomes a retryable
:class:`jobpoll.MalformedResponse`. Request-level errors (``<package><error>CODE</error>``)
become :class:`jobpoll.AuthError`, :class:`jobpoll.RateLimited` or :class:`jobpoll.APIError`.
Nothing else ever leaves a ``parse_*`` function. The API key (passed as ``secrets``) is cut out
of every message and body excerpt.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterable, Mapping
from typing import Any, Final
from xml.parsers import expat

import httpx
import xmltodict

from .. import _http
from .._errors import APIError, AuthError, Error, MalformedResponse, RateLimited
from ._models import REQUEST_ERRORS, JobProgress, Message, MessageStatus, code_name

MAX_RESPONSE_BYTES: Final = 2 * 1024 * 1024
"""Responses larger than this (2 MiB) are refused unparsed."""

MAX_JOB_ID: Final = 64
MAX_RECIPIENT: Final = 21
MAX_SENDER: Final = 11
_MAX_WORD: Final = 64
_MAX_DIGITS: Final = 18

_DIGITS = re.compile(rf"[0-9]{{1,{_MAX_DIGITS}}}")
# XML 1.0 "Char": what may appear in a document at all (no C0 controls but tab/LF/CR, no
# surrogates, no U+FFFE/U+FFFF).
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

MESSAGE_FIELDS: Final = ("id", "recipient", "text", "sender", "type")


# ---------------------------------------------------------------------------------------------
# Checks of what goes into a request


def xml_text_ok(text: str) -> bool:
    """True when ``text`` can travel in an XML 1.0 document."""
    return _NOT_XML_CHAR.search(text) is None


def check_job_id(value: object, *, name: str = "job_id") -> str:
    """A job id as AlphaSMS issues them: non-empty, <= 64 characters, no whitespace."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    text = str(value)
    if not text or text in (".", ".."):
        raise ValueError(f"{name} must not be empty (nor '.' or '..')")
    if len(text) > MAX_JOB_ID:
        raise ValueError(f"{name} is longer than {MAX_JOB_ID} characters")
    if any(c.isspace() or not c.isprintable() for c in text) or not xml_text_ok(text):
        raise ValueError(f"{name} must not contain whitespace or control characters")
    return text


def _check_str(value: object, name: str, *, max_len: int | None, blank_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    if not value.strip() and not blank_ok:
        raise ValueError(f"{name} must not be empty")
    if max_len is not None and len(value) > max_len:
        raise ValueError(f"{name} is longer than {max_len} characters ({len(value)})")
    if not xml_text_ok(value):
        raise ValueError(f"{name} contains a control character or a lone surrogate")
    return value


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


def _message(item: object, where: str) -> Message:
    if isinstance(item, Message):
        fields: Mapping[str, object] = {f: getattr(item, f) for f in MESSAGE_FIELDS}
    elif isinstance(item, Mapping):
        unknown = sorted(str(k) for k in item if k not in MESSAGE_FIELDS)
        if unknown:
            raise ValueError(f"{where} has unknown field(s) {', '.join(unknown)}")
        missing = [f for f in MESSAGE_FIELDS[:4] if f not in item]
        if missing:
            raise ValueError(f"{where}.{missing[0]} is missing")
        fields = item
    else:
        raise TypeError(f"{where} must be a Message or a dict, got {type(item).__name__}")
    kind = fields.get("type", 0)
    if isinstance(kind, bool) or not isinstance(kind, int) or not 0 <= kind <= 3:
        raise ValueError(f"{where}.type must be 0 (SMS), 1 (flash), 2 (wap-push) or 3 (voice)")
    return Message(
        id=_positive_int(fields["id"], f"{where}.id"),
        recipient=_check_str(fields["recipient"], f"{where}.recipient", max_len=MAX_RECIPIENT),
        text=_check_str(fields["text"], f"{where}.text", max_len=None),
        sender=_check_str(fields["sender"], f"{where}.sender", max_len=MAX_SENDER),
        type=kind,
    )


def check_messages(messages: object) -> tuple[Message, ...]:
    """The batch as Messages, every field checked; errors name the field: ``messages[3].id``."""
    if isinstance(messages, str | bytes | Mapping | Message) or not isinstance(messages, Iterable):
        raise TypeError(
            f"messages must be a list of Message or dict, got {type(messages).__name__}"
        )
    batch: list[Message] = []
    seen: set[int] = set()
    for i, item in enumerate(messages):
        msg = _message(item, f"messages[{i}]")
        if msg.id in seen:
            raise ValueError(f"messages[{i}].id {msg.id} is used twice in this batch")
        seen.add(msg.id)
        batch.append(msg)
    if not batch:
        raise ValueError("messages must not be empty")
    return tuple(batch)


def check_status_ids(ids: object, sms_ids: object) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Message ids (yours, ints) and AlphaSMS sms ids (strings) to ask statuses for."""
    for name, value in (("ids", ids), ("sms_ids", sms_ids)):
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise TypeError(f"{name} must be a list, got {type(value).__name__}")
    assert isinstance(ids, Iterable)
    assert isinstance(sms_ids, Iterable)
    own = tuple(_positive_int(v, f"ids[{i}]") for i, v in enumerate(ids))
    theirs: list[str] = []
    for i, v in enumerate(sms_ids):
        text = _check_str(v, f"sms_ids[{i}]", max_len=MAX_JOB_ID)
        if any(c.isspace() for c in text):
            raise ValueError(f"sms_ids[{i}] must not contain whitespace")
        theirs.append(text)
    if not own and not theirs:
        raise ValueError("pass at least one message id (ids) or AlphaSMS sms id (sms_ids)")
    return own, tuple(theirs)


# ---------------------------------------------------------------------------------------------
# Request bodies


def _document(key: str, body: dict[str, Any]) -> bytes:
    text: str = xmltodict.unparse({"package": {"@key": key, **body}}, encoding="utf-8")
    return text.encode("utf-8")


def build_send(key: str, messages: Iterable[Message]) -> bytes:
    """``<package key><message-async><msg id recipient sender type>text</msg>…``."""
    items = [
        {
            "@id": str(m.id),
            "@recipient": m.recipient,
            "@sender": m.sender,
            "@type": str(m.type),
            "#text": m.text,
        }
        for m in messages
    ]
    return _document(key, {"message-async": {"msg": items}})


def build_job_status(key: str, job_id: str) -> bytes:
    """``<package key><job>ID</job></package>``."""
    return _document(key, {"job": job_id})


def build_message_statuses(key: str, ids: Iterable[int], sms_ids: Iterable[str] = ()) -> bytes:
    """``<package key><status><msg id="1"/><msg sms_id="…"/></status></package>``."""
    items = [{"@id": str(i)} for i in ids] + [{"@sms_id": s} for s in sms_ids]
    return _document(key, {"status": {"msg": items}})


# ---------------------------------------------------------------------------------------------
# The safe parser


class XMLRefused(ValueError):
    """A body the safe parser will not read; ``str()`` says why (never quoting the body)."""


def _refuse_dtd(*_: object) -> None:
    raise XMLRefused("a <!DOCTYPE> (DTDs and entities are refused)")


def _refuse_entity(*_: object) -> None:
    raise XMLRefused("an entity declaration or reference (entities are refused)")


def _refuse_external(*_: object) -> int:
    raise XMLRefused("an external entity (entities are refused)")


def _parser_create(
    encoding: str | None = None, namespace_separator: str | None = None
) -> expat.XMLParserType:
    parser = expat.ParserCreate(encoding, namespace_separator)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    return parser


# xmltodict.parse(expat=...) calls ParserCreate on whatever it is given.
_SAFE_EXPAT = types.SimpleNamespace(ParserCreate=_parser_create)


_LEADING: Final = re.compile(rb"(?:\xef\xbb\xbf|[ \t\r\n])+")


def _lead_trimmed(data: bytes) -> bytes:
    """``data`` without the UTF-8 BOMs and blank lines before its first ``<``: a PHP endpoint
    (``xml.php``) easily emits a stray newline or a BOM from an included file, and expat
    refuses anything before ``<?xml``. Only these bytes are dropped, nothing else."""
    lead = _LEADING.match(data)
    return data[lead.end() :] if lead else data


def load(data: bytes, *, strip_whitespace: bool = True) -> dict[str, object]:
    """``data`` as xmltodict's dict, or :class:`XMLRefused`: too large, DTD, not well-formed.
    Leading blank lines and UTF-8 BOMs are skipped (:func:`_lead_trimmed`)."""
    if len(data) > MAX_RESPONSE_BYTES:
        raise XMLRefused(f"a body of {len(data)} bytes, above the {MAX_RESPONSE_BYTES} byte cap")
    try:
        doc = xmltodict.parse(
            _lead_trimmed(data),
            expat=_SAFE_EXPAT,
            disable_entities=True,
            strip_whitespace=strip_whitespace,
        )
    except XMLRefused:
        raise
    except expat.ExpatError as exc:
        raise XMLRefused(f"not well-formed XML: {expat.ErrorString(exc.code)}") from None
    except Exception as exc:  # the parser is a black box: nothing it raises may escape
        raise XMLRefused(f"unreadable XML ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or len(doc) != 1:
        raise XMLRefused("no single root element")
    return doc


# ---------------------------------------------------------------------------------------------
# Reading responses


class _Shape(Exception):
    """The parsed document is not the documented one; ``problem`` says how."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


_MISSING: Final = object()


def _short(value: str) -> str:
    return repr(value if len(value) <= 20 else value[:19] + "…")


def _child(node: object, tag: str, *, required: bool = True) -> object:
    """The single child ``<tag>`` of ``node`` (None when empty), or _MISSING if optional."""
    if not isinstance(node, dict) or tag not in node:
        if required:
            raise _Shape(f"no <{tag}>")
        return _MISSING
    value = node[tag]
    if isinstance(value, list):
        raise _Shape(f"{len(value)} <{tag}> elements where one was expected")
    return value


def _leaf(value: object, tag: str) -> str:
    """The text of an element that should hold text only (attributes are ignored)."""
    if value is None or value is _MISSING:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        if any(not str(k).startswith(("@", "#")) for k in value):
            raise _Shape(f"<{tag}> has child elements where text was expected")
        text = value.get("#text", "")
        return text.strip() if isinstance(text, str) else ""
    raise _Shape(f"<{tag}> has an unexpected shape ({type(value).__name__})")


def _int(text: str, what: str) -> int:
    if not _DIGITS.fullmatch(text):
        raise _Shape(f"{what} is not a whole number: {_short(text)}")
    return int(text)


def _malformed(
    response: httpx.Response, what: str, problem: str, secrets: Iterable[str]
) -> MalformedResponse:
    secrets = tuple(secrets)
    err = _http.malformed(response, what, _http.redact(problem, secrets))
    # malformed() excerpts without secrets; redact before truncating, never after.
    err.body_excerpt = _http.excerpt(response, secrets)
    return err


def _request_error(
    response: httpx.Response, what: str, node: object, secrets: tuple[str, ...]
) -> Error:
    code = _int(_leaf(node, "error"), "<error>")
    name = code_name(code, REQUEST_ERRORS)
    said = f"{what}: AlphaSMS answered {name} ({code})"
    body = _http.excerpt(response, secrets)
    if code in (202, 205, 209, 210):
        why = {
            202: "the API key was refused; check api_key / ALPHASMS_API_KEY",
            205: "the account is disabled",
            209: "API access is disabled for this account",
            210: "requests from this IP address are not allowed for this key",
        }[code]
        return AuthError(f"{said}: {why}", response=response)
    if code == 212:
        return RateLimited(
            f"{said}: too many requests, slow down",
            status_code=response.status_code,
            body_excerpt=body,
            retryable=True,
            response=response,
        )
    permanent = code == 201
    why = "the request was refused as malformed" if permanent else "a server-side error"
    return APIError(
        f"{said}: {why}",
        status_code=response.status_code,
        body_excerpt=body,
        retryable=not permanent,
        response=response,
    )


def read_package(response: httpx.Response, *, what: str, secrets: Iterable[str] = ()) -> object:
    """The content of ``<package>``: HTTP errors, the size cap, the safe parser and request-level
    ``<error>`` answers dealt with (each raised as its :class:`jobpoll.Error`)."""
    secrets = tuple(s for s in secrets if s)
    code = response.status_code
    if code in (404, 410):
        # One endpoint serves everything: a 404 means a wrong base URL, not an unknown job.
        raise APIError(
            f"{what}: HTTP {code} from {response.request.url if _has_request(response) else ''}"
            ": there is no AlphaSMS API there; check base_url / ALPHASMS_URL",
            status_code=code,
            body_excerpt=_http.excerpt(response, secrets),
            response=response,
        )
    _http.check(response, what=what, secrets=secrets)
    try:
        doc = load(response.content)
        root = next(iter(doc))
        if root != "package":
            raise _Shape(f"the root element is <{root[:20]}>, expected <package>")
        package = doc[root]
        error = _child(package, "error", required=False)
        if error is not _MISSING:
            raise _request_error(response, what, error, secrets)
    except (XMLRefused, _Shape) as exc:
        raise _malformed(response, what, str(exc), secrets) from None
    return package


def _has_request(response: httpx.Response) -> bool:
    try:
        response.request  # noqa: B018  # raises RuntimeError when the response has none
    except RuntimeError:
        return False
    return True


def parse_job_id(response: httpx.Response, *, secrets: Iterable[str] = ()) -> str:
    """The job id of an async send: ``<package><message-async><job>ID</job>``."""
    what = "the send response"
    package = read_package(response, what=what, secrets=secrets)
    try:
        text = _leaf(_child(_child(package, "message-async"), "job"), "job")
        try:
            return check_job_id(text, name="<job>")
        except (TypeError, ValueError) as exc:
            raise _Shape(str(exc)) from None
    except _Shape as exc:
        raise _malformed(response, what, exc.problem, secrets) from None


def parse_job(response: httpx.Response, *, secrets: Iterable[str] = ()) -> JobProgress:
    """A job's progress and status: ``<package><job><progress>..<status>..</job>``."""
    what = "the job status"
    package = read_package(response, what=what, secrets=secrets)
    try:
        job = _child(package, "job")
        status = _leaf(_child(job, "status"), "status")
        if not status:
            raise _Shape("an empty <status>")
        if len(status) > _MAX_WORD or not status.isprintable():
            raise _Shape(f"<status> is not a status word: {_short(status)}")
        text = _leaf(_child(job, "progress", required=False), "progress")
        progress: int | None = None
        try:
            if text:  # a missing or empty <progress> only means no progress is known
                progress = _int(text, "<progress>")
                if progress > 100:
                    raise _Shape(f"<progress> {progress} is outside 0..100")
        except _Shape:
            if status.upper() != "COMPLETE":  # a COMPLETE job is done whatever it says
                raise
            progress = None
        return JobProgress(status=status, progress=progress)
    except _Shape as exc:
        raise _malformed(response, what, exc.problem, secrets) from None


def _message_status(node: object, i: int) -> MessageStatus:
    where = f"<msg> #{i + 1}"
    if node is None:
        raise _Shape(f"{where} has no status code")
    if isinstance(node, str):
        attributes: dict[str, object] = {}
        text = node.strip()
    elif isinstance(node, dict):
        attributes = {str(k)[1:]: v for k, v in node.items() if str(k).startswith("@")}
        raw = node.get("#text", "")
        text = raw.strip() if isinstance(raw, str) else ""
    else:
        raise _Shape(f"{where} has an unexpected shape ({type(node).__name__})")
    if not text:
        raise _Shape(f"{where} has no status code")
    code = _int(text, f"{where} status code")

    def number(name: str) -> int | None:
        value = attributes.get(name)
        if not isinstance(value, str) or not value.strip():
            return None
        return _int(value.strip(), f"{where} {name}")

    def word(name: str) -> str | None:
        value = attributes.get(name)
        return (value.strip() or None) if isinstance(value, str) else None

    return MessageStatus(
        id=number("id"),
        sms_id=word("sms_id"),
        code=code,
        name=code_name(code),
        sms_count=number("sms_count"),
        date_completed=word("date_completed"),
    )


def parse_message_statuses(
    response: httpx.Response, *, secrets: Iterable[str] = ()
) -> list[MessageStatus]:
    """Per-message statuses: ``<package><status><msg id sms_id ...>CODE</msg>…``."""
    what = "the message statuses"
    package = read_package(response, what=what, secrets=secrets)
    try:
        status = _child(package, "status")
        if status is None:
            return []
        if not isinstance(status, dict):
            raise _Shape("<status> holds text where <msg> elements were expected")
        items = status.get("msg", [])
        if not isinstance(items, list):
            items = [items]
        return [_message_status(node, i) for i, node in enumerate(items)]
    except _Shape as exc:
        raise _malformed(response, what, exc.problem, secrets) from None
