"""AlphaSMS: send SMS batches asynchronously and poll the job, over the XML API.

The one vendor without an OpenAPI spec: requests and responses are the pure functions of
:mod:`._xml`; this module wires them to the engine in the four parts every vendor module has.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Final

import httpx

from .. import _config, _http
from .._client import (
    DEFAULT,
    AsyncClient,
    Base,
    OnUpdate,
    Settings,
    SyncClient,
    TimeoutArg,
    call,
    check_wait,
)
from .._config import DEFAULT_TIMEOUT, Secret
from .._errors import JobNotFound, MalformedResponse
from .._flow import Flow, operation
from .._policy import PollPolicy
from .._status import JobState, JobStatus
from .._transport import Request
from . import _xml
from ._models import JobProgress, Message, MessageStatus

# --- 1. Facts ---------------------------------------------------------------------------------

VENDOR: Final = "alphasms"
DEFAULT_URL: Final = "https://alphasms.net"
"""Also served as https://alphasms.ua, https://portal.interconnect.solutions,
https://blackbox.business: pass one of those as ``base_url`` for that brand."""
URL_ENV: Final = "ALPHASMS_URL"
KEY_ENV: Final = "ALPHASMS_API_KEY"
PATH: Final = "/api/xml.php"
HEADERS: Final = {"Content-Type": "text/xml; charset=utf-8"}

DEFAULT_POLICY: Final = PollPolicy(
    initial_delay=5.0, multiplier=1.5, min_delay=3.0, max_delay=60.0, jitter=0.2
)
"""AlphaSMS asks clients not to hammer it: first poll 5 s after the start, then 7.5, 11, ...
up to a minute, never closer than 3 s apart (a Retry-After could not pull it closer either)."""

RETENTION_HOURS: Final = 12
"""AlphaSMS keeps a job's results this long; afterwards the job reads NOTFOUND."""

MessagesArg = Iterable[Message | Mapping[str, Any]]

check_job_id = _xml.check_job_id
"""A job id as AlphaSMS issues them (non-empty, <= 64 characters, no whitespace); the
id check, like every vendor's, among the facts (it lives with the XML it travels in)."""


def _settings(api_key: str | None, base_url: str | None) -> Settings:
    """What a client is made of, validated: the key travels in the XML body, not a header."""
    key = _config.secret(api_key, KEY_ENV, name="api_key", xml=True)
    if not _xml.xml_text_ok(key.reveal()) or any(c.isspace() for c in key.reveal()):
        raise ValueError("api_key contains whitespace or characters that cannot travel in XML")
    url = _config.base_url(base_url, URL_ENV, DEFAULT_URL)
    return Settings(url, {}, (key.reveal(),), _Source(key))


# --- 2. Status --------------------------------------------------------------------------------


def to_status(
    job_id: str, job: JobProgress, *, response: httpx.Response | None = None
) -> JobStatus:
    """AlphaSMS's job status in jobpoll's terms; ``NOTFOUND`` raises :class:`JobNotFound`."""
    word = job.status.upper()
    fraction = None if job.progress is None else job.progress / 100
    common: dict[str, Any] = {"vendor": VENDOR, "job_id": job_id, "vendor_status": job.status}
    if word == "WAITING":
        return JobStatus(state=JobState.QUEUED, progress=fraction, response=job, **common)
    if word == "RUNNING":
        return JobStatus(state=JobState.RUNNING, progress=fraction, response=job, **common)
    if word == "COMPLETE":
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, response=job, **common)
    if word == "FAILED":
        at = "" if job.progress is None else f" at {job.progress}%"
        detail = (
            f"AlphaSMS reports the job FAILED{at}; some messages may still have been "
            "accepted for sending: check message_statuses(ids)"
        )
        return JobStatus(
            state=JobState.FAILED,
            progress=fraction,
            detail=detail,
            errors=("FAILED",),
            response=job,
            **common,
        )
    if word == "NOTFOUND":
        raise JobNotFound(
            f"AlphaSMS does not know job {job_id} (NOTFOUND): a wrong id, or a job older than "
            f"{RETENTION_HOURS} hours — AlphaSMS keeps job results for {RETENTION_HOURS} hours "
            "only",
            response=response,
        )  # vendor and job id: Error._about, where the engine reads a status
    return JobStatus(
        state=JobState.RUNNING, progress=fraction, recognized=False, response=job, **common
    )


def _request(body: bytes) -> Request:
    return {"method": "POST", "url": PATH, "content": body, "headers": dict(HEADERS)}


class _Source:
    """The engine's view of AlphaSMS: the job-status POST (the key is in the body) and its
    reading."""

    vendor: str = VENDOR

    def __init__(self, key: Secret) -> None:
        self.key = key

    def __repr__(self) -> str:
        return f"<{VENDOR} source>"

    def status_request(self, job_id: str) -> Request:
        return _request(_xml.build_job_status(self.key.reveal(), job_id))

    def interpret(self, job_id: str, response: httpx.Response) -> tuple[JobStatus, float | None]:
        job = _xml.parse_job(response, secrets=(self.key.reveal(),))
        return to_status(job_id, job, response=response), _http.retry_after(response)


# --- 3. Operations ----------------------------------------------------------------------------


def send_request(key: Secret, batch: tuple[Message, ...]) -> Request:
    """The ``<package>`` that submits ``batch`` for asynchronous sending."""
    return _request(_xml.build_send(key.reveal(), batch))


def parse_sent(response: httpx.Response, secrets: Sequence[str] = ()) -> str:
    """The job id a send returned."""
    try:
        return _xml.parse_job_id(response, secrets=tuple(secrets))
    except MalformedResponse as err:
        # A send is not retried on a garbled answer: it may have gone through.
        err.message += (
            "; the batch may have been accepted: check message_statuses(ids) "
            "before sending it again"
        )
        raise


def statuses_request(key: Secret, ids: tuple[int, ...], sms_ids: tuple[str, ...]) -> Request:
    """The ``<package>`` that asks each message's status."""
    return _request(_xml.build_message_statuses(key.reveal(), ids, sms_ids))


def parse_statuses(response: httpx.Response, secrets: Sequence[str] = ()) -> list[MessageStatus]:
    """Each message's status."""
    return _xml.parse_message_statuses(response, secrets=tuple(secrets))


# --- 4. Clients -------------------------------------------------------------------------------


class _Ops(Base):
    """AlphaSMS's operations, written once for both clients."""

    vendor: ClassVar[str] = VENDOR
    default_policy: ClassVar[PollPolicy] = DEFAULT_POLICY

    @property
    def _key(self) -> Secret:
        assert isinstance(self._source, _Source)
        return self._source.key

    def check_job_id(self, job_id: object) -> str:
        """A job id as AlphaSMS issues them: non-empty, <= 64 characters, no whitespace."""
        return check_job_id(job_id)

    @operation
    def send_async(self, messages: MessagesArg) -> Flow[str]:
        """Submit a batch for asynchronous sending; returns the job id.

        Every message is checked first (ValueError naming ``messages[i].field``). The submit
        is retried only when AlphaSMS throttled it (ERR_THROTTLE) or the connection was never
        made: anything else might have been accepted already.
        """
        batch = _xml.check_messages(messages)
        return call(send_request(self._key, batch), self._parse(parse_sent), idempotent=False)

    @operation
    def message_statuses(
        self, ids: Iterable[int] = (), *, sms_ids: Iterable[str] = ()
    ) -> Flow[list[MessageStatus]]:
        """The status of each message, by your ids and/or AlphaSMS's ``sms_ids``."""
        own, theirs = _xml.check_status_ids(ids, sms_ids)
        request = statuses_request(self._key, own, theirs)
        return call(request, self._parse(parse_statuses), idempotent=True)

    @operation
    def send_and_wait(
        self,
        messages: MessagesArg,
        *,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
        on_update: OnUpdate | None = None,
    ) -> Flow[tuple[JobStatus, list[MessageStatus]]]:
        """Send, wait for the job, then read every message's status: ``(job, statuses)``.

        ``timeout`` bounds all of it (the send's retries and the status read included). A
        FAILED job raises :class:`jobpoll.JobFailed` (some messages may still have gone out:
        ``message_statuses`` with your ids tells); every error raised after the send carries
        the job id.
        """
        check_wait(timeout, policy, on_update)
        batch = _xml.check_messages(messages)
        with self._cycle(timeout, policy) as cycle:
            job_id = yield from _Ops.send_async.flow(self, batch)
            cycle.created(job_id, self._now())
            final = yield from self._wait_in(cycle, job_id, policy, on_update)
            return final, (yield from _Ops.message_statuses.flow(self, [m.id for m in batch]))


class AlphaSMS(_Ops, SyncClient):
    """AlphaSMS's async SMS batches, synchronously.

    ``send_async(messages)`` returns the job id; ``wait(job_id)`` polls it to the end;
    ``message_statuses(ids)`` tells each message's fate; ``send_and_wait(messages)`` does all
    three. The API key comes from ``api_key`` or ``ALPHASMS_API_KEY``; it travels in the XML
    body and never shows in a repr, a log line or an error.
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
        )


class AsyncAlphaSMS(_Ops, AsyncClient):
    """:class:`AlphaSMS` on the event loop: the same methods, awaited."""

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
        )
