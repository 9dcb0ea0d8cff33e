"""AlphaSMS simulator: the XML API (``POST /api/xml.php``) as vendors.md section 5 describes.

Where each behaviour comes from (seed 004 is AlphaSMS's XML API page; vendors.md §5 adds
what its other pages and the brands' copies of it say):

* One endpoint, ``POST {url}/api/xml.php``, ops told apart by the element in ``<package>``;
  the key in ``<package key="…">`` (seed 004).
* ``<message-async>`` → ``<message-async><job>ID</job>`` (seed 004); the id is 32 hex
  characters here (the documented type is varchar 64: the form is an inference).
* ``<job>ID</job>`` → ``<job><progress>0..100</progress><status>S</status>`` with WAITING,
  RUNNING, COMPLETE, FAILED (seed 004); NOTFOUND for an unknown id or a job older than 12 hours
  (seed 004: results are kept 12 hours). The ``<progress>0</progress>`` beside NOTFOUND and the
  progress at which a FAILED job stops (half its messages) are inferences.
* ``<status><msg id=…/>`` → per-message codes with ``sms_id``, ``sms_count``,
  ``date_completed`` (seed 004; the codes as vendors.md lists them). Which message gets which
  final code (:func:`delivery_code`), when it gets it, and 200 for the unsent half of a FAILED
  job are this simulator's own deterministic choices.
* Request-level errors: HTTP 200 ``<package><error>CODE</error></package>`` (vendors.md: the
  vendor's docs confirm the form): 201 ERR_FORMAT for XML that does not parse or carries a
  DTD, 202 ERR_AUTHORIZATION for a bad key, 212 ERR_THROTTLE for ``Fault.rate_limit()``
  (the only rate limit: vendors.md).
* ``Content-Type: application/json`` on XML bodies: the vendor's docs label responses so
  (vendors.md); no content type is checked on requests (vendors.md).
* ``preamble``: bytes put before every XML answer, e.g. a newline or a UTF-8 BOM (EF BB BF);
  empty by default. vendors.md: PHP endpoints commonly emit such a stray
  newline or BOM before ``<?xml`` (not documented for AlphaSMS itself: an inference).
* HTTP-level errors (a wrong path, faults) are an nginx-style HTML page (an inference).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable
from typing import Any, ClassVar
from xml.parsers.expat import ExpatError

import attrs
import xmltodict

from ._base import Endpoint, SimRequest, Simulator
from ._clock import Clock
from ._model import SimJob, SimOutcome
from ._replies import HTML, Reply, html_page

KEEP_RESULTS = 12 * 3600.0
"""Job results are kept 12 hours; an older job reads NOTFOUND."""

# Request-level error codes (``<package><error>CODE</error></package>``, HTTP 200).
ERR_UNKNOWN = 200
ERR_FORMAT = 201
ERR_AUTHORIZATION = 202
ERR_THROTTLE = 212
# Per-message codes.
SCHEDULED = 100
DELIVERED = 102
EXPIRED = 103
UNDELIVERABLE = 105
ERR_ID = 201
ERR_SENDER = 202
ERR_RECIPIENT = 203
ERR_LENGTH = 204
ERR_DUPLICATE = 208

_RECIPIENT = re.compile(r"^\+?[0-9]{7,20}$")
_OPS = {"message-async": "submit", "job": "poll", "status": "messages"}


def delivery_code(message_id: int) -> int:
    """The final code a valid message gets: 105 UNDELIVERABLE for ids ending in 7, 103 EXPIRED
    for ids ending in 3, 102 DELIVERED otherwise."""
    last = message_id % 10
    return UNDELIVERABLE if last == 7 else EXPIRED if last == 3 else DELIVERED


def sms_count(text: str) -> int:
    """SMS parts: 160 characters each in GSM-7 (ASCII here), 70 otherwise."""
    size = 160 if text.isascii() else 70
    return max(1, math.ceil(len(text) / size))


@attrs.define(kw_only=True)
class SimMessage:
    """One message of an async send."""

    id: int | None
    sms_id: str
    recipient: str
    sender: str
    type: str
    text: str
    job_id: str
    index: int
    rejected: int | None = None


class AlphaSMSSimulator(Simulator):
    """AlphaSMS XML API. Point a client at ``sim.url`` (the host; requests go to
    ``POST {url}/api/xml.php``) with ``<package key="<sim.api_key>">``.

    Ops (told apart by the body): ``submit`` (``<message-async>`` -> ``<job>ID</job>``),
    ``poll`` (``<job>ID</job>`` -> ``<progress>``/``<status>`` WAITING, RUNNING, COMPLETE,
    FAILED; NOTFOUND when unknown or older than 12 h), ``messages`` (``<status><msg .../>`` ->
    per-message codes: see :func:`delivery_code`; 100 SCHEDULED until the job reaches the
    message; validation codes 201/202/203/204/208 for bad messages; after a FAILED job the
    second half of its messages read 200). Request-level errors are HTTP 200 with
    ``<package><error>CODE</error></package>``: 201 for XML that does not parse (DTDs and
    entities refused), 202 for a bad key, 212 (throttle) for ``Fault.rate_limit()``.
    """

    VENDOR: ClassVar[str] = "alphasms"
    OPS: ClassVar[tuple[str, ...]] = ("submit", "poll", "messages")
    CONTENT_TYPE: ClassVar[str] = "application/json"  # sic: the vendor labels its XML answers so
    DEFAULT_EXPIRE_AFTER: ClassVar[float | None] = KEEP_RESULTS

    def __init__(
        self,
        api_key: str = "sim-alphasms-key",
        *,
        clock: Clock | None = None,
        seed: int = 0,
        default_duration: float = 5.0,
        default_outcome: SimOutcome = "succeeded",
    ) -> None:
        super().__init__(
            api_key,
            clock=clock,
            seed=seed,
            default_duration=default_duration,
            default_outcome=default_outcome,
        )
        self.preamble = b""
        """Bytes sent before every XML answer (``b"\\n"``, a BOM): see the module docstring."""
        self.messages: dict[int, SimMessage] = {}
        self.messages_by_sms_id: dict[str, SimMessage] = {}
        self._sms_counter = 500_000_000

    @property
    def api_key(self) -> str:
        return self.credential

    def new_id(self) -> str:
        with self._lock:
            return f"{self._rng.getrandbits(128):032x}"

    def endpoints(self) -> list[Endpoint]:
        return [Endpoint("POST", "/api/xml.php", "xml", self._xml, public=True)]

    def credential_from(self, req: SimRequest) -> str | None:
        package = self._package(req)
        key = package.get("@key") if isinstance(package, dict) else None
        return key if isinstance(key, str) else None

    # -- XML -----------------------------------------------------------------------------------

    def xml_reply(self, content: dict[str, Any]) -> Reply:
        return Reply(
            status=200, body=self.encode({"package": content}), content_type=self.content_type
        )

    def error_code_reply(self, code: int) -> Reply:
        return self.xml_reply({"error": str(code)})

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        return Reply(status=status, body=html_page(status), content_type=HTML)

    def rate_limit_reply(self, retry_after: str | None) -> Reply:
        return self.error_code_reply(ERR_THROTTLE)

    def encode(self, doc: Any) -> bytes:
        text = xmltodict.unparse(doc, encoding="utf-8", pretty=True, indent="  ")
        return self.preamble + text.encode("utf-8")

    def decode(self, body: bytes) -> Any:
        try:
            return xmltodict.parse(body.lstrip(b"\xef\xbb\xbf \t\r\n"), disable_entities=True)
        except ExpatError as exc:
            raise ValueError(str(exc)) from None

    def huge_parts(self) -> tuple[bytes, bytes]:
        return (
            b'<?xml version="1.0" encoding="utf-8"?>\n<package><padding>',
            b"</padding></package>",
        )

    def status_path(self, doc: Any) -> str | None:
        return "status"

    def transform_root(self, doc: Any) -> str:
        package = doc.get("package") if isinstance(doc, dict) else None
        if isinstance(package, dict):
            children = [key for key in package if not key.startswith(("@", "#"))]
            if len(children) == 1:
                return f"package.{children[0]}"
        return "package"

    def _package(self, req: SimRequest) -> Any:
        """The parsed ``<package>`` (cached on the request), or None for anything unsafe or
        malformed."""
        if "package" in req.cache:
            return req.cache["package"]
        package: Any = None
        upper = req.body.upper()
        if b"<!DOCTYPE" not in upper and b"<!ENTITY" not in upper:
            try:
                doc = xmltodict.parse(req.body, disable_entities=True, force_list=("msg",))
            except (ExpatError, ValueError):
                doc = None
            if isinstance(doc, dict) and "package" in doc:
                package = doc["package"] if doc["package"] is not None else {}
        req.cache["package"] = package
        return package

    def classify(self, endpoint: Endpoint | None, req: SimRequest) -> str | None:
        if endpoint is None:
            return None
        package = self._package(req)
        if isinstance(package, dict):
            for element, op in _OPS.items():
                if element in package:
                    return op
        return None

    # -- jobs ----------------------------------------------------------------------------------

    def add_job(
        self,
        duration: float | None = None,
        outcome: SimOutcome = "succeeded",
        *,
        queued: float | None = None,
        messages: Iterable[dict[str, Any]] | None = None,
    ) -> str:
        """Create an async send directly; returns its job id. ``messages``: dicts with ``id``,
        ``recipient``, ``sender``, ``text`` (``type`` optional); by default three messages with
        fresh ids."""
        with self._lock:
            if messages is None:
                start = max(self.messages, default=1000) + 1
                messages = [
                    {
                        "id": start + n,
                        "recipient": f"+38097123456{n}",
                        "sender": "SMSTest",
                        "text": f"Simulated message {n + 1}",
                    }
                    for n in range(3)
                ]
            job = self._create(duration=duration, outcome=outcome, queued=queued)
            self._attach_messages(job, [{**m, "id": str(m.get("id", ""))} for m in messages])
            return job.id

    def _attach_messages(self, job: SimJob, raw: list[dict[str, Any]]) -> None:
        records: list[SimMessage] = []
        for index, item in enumerate(raw):
            self._sms_counter += 1
            text = str(item.get("text") or "")
            raw_id = str(item.get("id", ""))
            message = SimMessage(
                id=int(raw_id) if raw_id.isdigit() else None,
                sms_id=str(self._sms_counter),
                recipient=str(item.get("recipient") or ""),
                sender=str(item.get("sender") or ""),
                type=str(item.get("type") or "0"),
                text=text,
                job_id=job.id,
                index=index,
            )
            if message.id is None:
                message.rejected = ERR_ID
            elif message.id in self.messages:
                message.rejected = ERR_DUPLICATE
            elif not _RECIPIENT.match(message.recipient) or len(message.recipient) > 21:
                message.rejected = ERR_RECIPIENT
            elif not message.sender or len(message.sender) > 11:
                message.rejected = ERR_SENDER
            elif not text:
                message.rejected = ERR_LENGTH
            if message.id is not None and message.id not in self.messages:
                self.messages[message.id] = message
            self.messages_by_sms_id[message.sms_id] = message
            records.append(message)
        job.data["messages"] = records

    def message_code(self, message: SimMessage) -> tuple[int, float | None]:
        """The message's code now, and when it was completed (epoch seconds) if it was."""
        if message.rejected is not None:
            return message.rejected, None
        job = self.jobs.get(message.job_id)
        if job is None or message.id is None:
            return ERR_UNKNOWN, None
        now = self.clock.now()
        count = len(job.data.get("messages", [])) or 1
        phase = job.phase(now)
        if phase in ("failed", "canceled") and message.index >= count // 2:
            return ERR_UNKNOWN, None
        running = max(job.duration - job.queued, 0.0)
        done_at = job.queued + running * (message.index + 1) / count
        if phase == "succeeded" or phase in ("failed", "canceled") or now - job.created >= done_at:
            return delivery_code(message.id), job.created_wall + min(done_at, job.duration)
        return SCHEDULED, None

    # -- the one endpoint ----------------------------------------------------------------------

    def _xml(self, req: SimRequest) -> Reply:
        package = self._package(req)
        if not isinstance(package, dict):
            return self.error_code_reply(ERR_FORMAT)
        if not self.is_valid(self.credential_from(req)):
            return self.error_code_reply(ERR_AUTHORIZATION)
        op = self.classify(self._endpoints[0], req)
        if op == "submit":
            return self._submit(package["message-async"])
        if op == "poll":
            return self._poll(package["job"])
        if op == "messages":
            return self._statuses(package["status"])
        return self.error_code_reply(ERR_FORMAT)

    def _submit(self, element: Any) -> Reply:
        items = element.get("msg") if isinstance(element, dict) else None
        if not items:
            return self.error_code_reply(ERR_FORMAT)
        raw = []
        for item in items:
            attrs_ = item if isinstance(item, dict) else {"#text": item}
            raw.append(
                {
                    "id": attrs_.get("@id", ""),
                    "recipient": attrs_.get("@recipient", ""),
                    "sender": attrs_.get("@sender", ""),
                    "type": attrs_.get("@type", "0"),
                    "text": attrs_.get("#text", ""),
                }
            )
        job = self._create_planned()
        self._attach_messages(job, raw)
        return self.xml_reply({"message-async": {"job": job.id}})

    def _poll(self, element: Any) -> Reply:
        job_id = element if isinstance(element, str) else ""
        job = self.lookup(job_id.strip())
        if job is None:
            return self.xml_reply({"job": {"progress": "0", "status": "NOTFOUND"}})
        phase = job.phase(self.clock.now())
        if phase in ("failed", "canceled"):
            count = len(job.data.get("messages", [])) or 1
            progress = 100 * (count // 2) // count
            status = "FAILED"
        else:
            progress = math.floor(job.progress(self.clock.now()) * 100)
            status = {"queued": "WAITING", "running": "RUNNING"}.get(phase, "COMPLETE")
        return self.xml_reply({"job": {"progress": str(progress), "status": status}})

    def _statuses(self, element: Any) -> Reply:
        items = element.get("msg") if isinstance(element, dict) else None
        out: list[dict[str, Any]] = []
        for item in items or []:
            if not isinstance(item, dict):
                continue
            message: SimMessage | None = None
            key = str(item.get("@id", ""))
            if key.isdigit():
                message = self.messages.get(int(key))
            elif item.get("@sms_id"):
                message = self.messages_by_sms_id.get(str(item["@sms_id"]))
            if message is None:
                echo = {f"@{k[1:]}": v for k, v in item.items() if k.startswith("@")}
                out.append({**echo, "#text": str(ERR_ID)})
                continue
            code, completed = self.message_code(message)
            entry: dict[str, Any] = {
                "@id": str(message.id) if message.id is not None else key,
                "@sms_id": message.sms_id,
                "@sms_count": str(sms_count(message.text)),
            }
            if completed is not None:
                moment = _dt.datetime.fromtimestamp(int(completed), tz=_dt.UTC)
                entry["@date_completed"] = moment.strftime("%Y-%m-%dT%H:%M:%S")
            entry["#text"] = str(code)
            out.append(entry)
        return self.xml_reply({"status": {"msg": out} if out else None})
