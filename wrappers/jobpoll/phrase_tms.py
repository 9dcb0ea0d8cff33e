"""Phrase TMS asynchronous requests: pre-translate jobs, then poll ``GET /api2/v1/async/{id}``.

Phrase's async request has no status field: it is running while ``asyncResponse`` is null,
failed when ``asyncResponse.errorCode`` is set, and finished otherwise (possibly with
``warnings``). Pending requests are capped per organisation (:meth:`PhraseTMS.limits`), and
Phrase asks clients not to poll aggressively: the default policy starts at 2 s and backs off
to one poll a minute.

Status table (``JobStatus.vendor_status`` → ``JobState``):

=========================================  ===========  ==========================
``asyncResponse``                          vendor word  state
=========================================  ===========  ==========================
null or absent                             pending      RUNNING
an object with ``errorCode``               failed       FAILED (``JobFailed``)
an object without ``errorCode``            finished     SUCCEEDED (``warnings``)
=========================================  ===========  ==========================
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any

import attrs
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
    call,
    check_wait,
    until,
)
from ._config import DEFAULT_TIMEOUT, Secret
from ._drive import JsonSource
from ._errors import Error, MalformedResponse
from ._flow import Flow, operation
from ._generated import (
    AsyncRequestDtoV1,
    AsyncRequestStatusDtoV1,
    AsyncRequestWrapperV2Dto,
    AsyncResponseDtoV1,
    ErrorDetailDtoV1,
    LoginDto,
    LoginResponseDto,
    PageDtoAsyncRequestDtoV1,
    PreTranslateJobsV2Dto,
    PreTranslateJobsV2DtoPreTranslateSettings,
    UidReference,
    tms_limits_request,
    tms_login_request,
    tms_pending_request,
    tms_pre_translate_request,
    tms_status_request,
)
from ._generated import TmsUnset as Unset
from ._policy import PollPolicy
from ._status import JobState, JobStatus
from ._transport import AsyncHttp, AuthFlow, Exclusive, Request, SendFlow, SyncHttp
from ._webhooks import WebhookReceiver

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_URL",
    "US_URL",
    "VENDOR",
    "AsyncPhraseTMS",
    "AsyncRequestRef",
    "Limits",
    "PendingRequest",
    "PhraseTMS",
    "check_job_id",
    "to_status",
]

# jobpoll.phrase_tms, as the engine names this vendor
log: logging.Logger = logging.getLogger(__name__)

# --- 1. Facts ------------------------------------------------------------------------------

VENDOR = "phrase-tms"
DEFAULT_URL = "https://cloud.memsource.com/web"
"""The EU data centre, Phrase's default."""
US_URL = "https://us.cloud.memsource.com/web"
"""The US data centre: pass ``base_url=US_URL`` (or set ``PHRASE_TMS_URL``)."""
TOKEN_ENV = "PHRASE_TMS_TOKEN"  # noqa: S105  # the variable's name, not a secret
URL_ENV = "PHRASE_TMS_URL"
USERNAME_ENV, PASSWORD_ENV = "PHRASE_TMS_USERNAME", "PHRASE_TMS_PASSWORD"
MEMSOURCE_ENV = ("MEMSOURCE_URL", "MEMSOURCE_TOKEN", "MEMSOURCE_USERNAME", "MEMSOURCE_PASSWORD")
"""What Phrase's own tools (memsource-cli) read; used when the PHRASE_TMS_* one is not set."""


def _env(name: str, fallback: str) -> str | None:
    return os.environ.get(name) or os.environ.get(fallback) or None


DEFAULT_POLICY = PollPolicy(
    initial_delay=2.0, multiplier=1.5, max_delay=60.0, min_delay=1.0, jitter=0.2
)
"""2 s, 3 s, 4.5 s, … up to one poll a minute (±20 %): Phrase asks clients not to poll hard."""

_SCHEMES = {"apitoken": "ApiToken", "bearer": "Bearer"}
_INT64_MAX = 2**63 - 1
_MAX_PAGES = 1000


def check_job_id(job_id: object) -> str:
    """An async request id (an int64, given as int or digit string) as a string.

    ValueError naming ``job_id`` for anything else.
    """
    if isinstance(job_id, int) and not isinstance(job_id, bool):
        number = job_id
    elif isinstance(job_id, str) and job_id.strip().isascii() and job_id.strip().isdigit():
        number = int(job_id.strip())
    else:
        raise ValueError(
            f"job_id must be a Phrase async request id (a whole number), got {job_id!r:.40}"
        )
    if not 0 < number <= _INT64_MAX:
        raise ValueError(f"job_id must be a positive 64-bit number, got {number}")
    return str(number)


class _Auth:
    """One client's credentials: a token, or a user name and password that log in once."""

    def __init__(
        self, scheme: str, token: Secret | None, login: tuple[str, Secret] | None = None
    ) -> None:
        self.scheme = scheme
        self.token = token
        self.login = login

    @property
    def username(self) -> str | None:
        return None if self.login is None else self.login[0]

    def headers(self) -> dict[str, str]:
        if self.token is None:
            return {}
        return {"Authorization": f"{self.scheme} {self.token.reveal()}"}

    def secrets(self) -> tuple[str, ...]:
        password = None if self.login is None else self.login[1]
        return tuple(s.reveal() for s in (self.token, password) if s is not None)

    def __repr__(self) -> str:
        how = "token" if self.login is None else f"login as {self.username}"
        return f"<_Auth {self.scheme} {how}>"


def _credentials(
    token: str | None, auth_scheme: str, username: str | None, password: str | None
) -> _Auth:
    if not isinstance(auth_scheme, str) or auth_scheme.lower() not in _SCHEMES:
        raise ValueError(f"auth_scheme must be 'ApiToken' or 'Bearer', got {auth_scheme!r}")
    scheme = _SCHEMES[auth_scheme.lower()]
    if token is None and username is None and password is None:  # from the environment:
        token = _env(TOKEN_ENV, MEMSOURCE_ENV[1])  # a token first (no login round trip)
        if token is None:
            username = _env(USERNAME_ENV, MEMSOURCE_ENV[2])
            password = _env(PASSWORD_ENV, MEMSOURCE_ENV[3])
    wants_login = username is not None or password is not None
    if token is not None and wants_login:
        raise ValueError("pass either token or username and password, not both")
    if token is None and wants_login:
        if username is None or password is None:
            missing = "username" if username is None else "password"
            raise ValueError(f"{missing} is required to log in (or pass token=...)")
        if scheme != "ApiToken":
            raise ValueError("auth_scheme must be 'ApiToken' with username/password login")
        if not isinstance(username, str) or not username.strip():
            raise ValueError("username must be a non-empty string")
        if not isinstance(password, str) or not password:
            raise ValueError("password must be a non-empty string")
        return _Auth(scheme, None, (username.strip(), Secret(password)))
    return _Auth(scheme, _config.secret(token, TOKEN_ENV, name="token"))


def _settings(
    token: str | None,
    auth_scheme: str,
    username: str | None,
    password: str | None,
    base_url: str | None,
) -> Settings:
    """What a client is made of, validated: its channel logs in first when given a password."""
    auth = _credentials(token, auth_scheme, username, password)
    url = _config.base_url(base_url, URL_ENV, _env(MEMSOURCE_ENV[0], "") or DEFAULT_URL)
    flow = None if auth.login is None else _logged_in(auth)
    channels = (partial(SyncHttp, auth_flow=flow), partial(AsyncHttp, auth_flow=flow))
    return Settings(url, auth.headers(), auth.secrets(), _source(auth), channels)


# --- 2. Status -----------------------------------------------------------------------------


def _lines(details: object) -> tuple[str, ...]:
    """``errorDetails``/``warnings`` as lines. Lenient by the reading rule: null, a non-list
    or an item without code and message is read as nothing said, never as a broken status."""
    if not isinstance(details, list):
        return ()
    lines = []
    for item in details:
        if isinstance(item, ErrorDetailDtoV1):
            said: tuple[object, ...] = (item.code, item.message)
        elif isinstance(item, dict):  # kept raw when one item did not parse
            said = (item.get("code"), item.get("message"))
        else:
            continue
        parts = [p for p in said if isinstance(p, str) and p]
        lines.append(": ".join(parts) or "(no code or message)")
    return tuple(lines)


def to_status(job_id: str, dto: AsyncRequestDtoV1) -> JobStatus:
    """Phrase's async request as a :class:`JobStatus` (the table in the module docstring)."""
    action = dto.action if isinstance(dto.action, str) and dto.action else "async request"
    done = dto.async_response
    if done is None or isinstance(done, Unset):
        return JobStatus(
            vendor=VENDOR,
            job_id=job_id,
            state=JobState.RUNNING,
            detail=f"{action} pending",
            vendor_status="pending",
            response=dto,
        )
    if not isinstance(done, AsyncResponseDtoV1):
        raise TypeError("asyncResponse is neither null nor an object")
    raw_code: object = done.error_code
    # errorCode decides failure: any non-empty value fails the request (a number as its text).
    code = None if isinstance(raw_code, Unset) or raw_code in (None, "") else str(raw_code)
    desc = done.error_desc if isinstance(done.error_desc, str) and done.error_desc else None
    warnings = _lines(done.warnings)
    if code:
        errors = _lines(done.error_details) or (": ".join(filter(None, (code, desc))),)
        return JobStatus(
            vendor=VENDOR,
            job_id=job_id,
            state=JobState.FAILED,
            detail=desc or code,
            vendor_status="failed",
            errors=errors,
            warnings=warnings,
            response=dto,
        )
    return JobStatus(
        vendor=VENDOR,
        job_id=job_id,
        state=JobState.SUCCEEDED,
        detail=f"{action} finished" + (f" with {len(warnings)} warning(s)" if warnings else ""),
        vendor_status="finished",
        warnings=warnings,
        response=dto,
    )


def _source(auth: _Auth) -> JsonSource:
    """Polls one async request: the engine's source for Phrase TMS."""
    return JsonSource(
        VENDOR,
        "Phrase TMS async request",
        lambda job_id: tms_status_request(int(job_id)),
        lambda job_id, body: to_status(job_id, AsyncRequestDtoV1.from_dict(body)),
        auth.secrets,
    )


# --- 3. Operations -------------------------------------------------------------------------


@attrs.frozen
class AsyncRequestRef:
    """The async request a submit started: pass ``id`` to ``wait``/``watch``/``status``."""

    id: str
    action: str | None = None
    date_created: datetime.datetime | None = None
    response: object = attrs.field(default=None, repr=False, eq=False)
    """The answer as read (for a look when debugging; its type is not part of the API)."""


@attrs.frozen
class Limits:
    """The organisation's cap on pending async requests (None: unlimited) and the count now."""

    limit: int | None
    count: int

    @property
    def full(self) -> bool:
        """True when no new async request may start now."""
        return self.limit is not None and self.count >= self.limit


@attrs.frozen
class PendingRequest:
    """One of your pending async requests, as :meth:`PhraseTMS.pending` lists them: ``id``
    (None if the listing left it out), ``action`` and ``date_created`` when given."""

    id: str | None
    action: str | None = None
    date_created: datetime.datetime | None = None


def _pending(dto: AsyncRequestDtoV1) -> PendingRequest:
    """What a listed request says that we read (anything else is left: the reading rule)."""
    created = dto.date_created
    return PendingRequest(
        id=dto.id if isinstance(dto.id, str) else None,
        action=dto.action if isinstance(dto.action, str) else None,
        date_created=created if isinstance(created, datetime.datetime) else None,
    )


def _uid(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string uid, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError(f"{name} must not be empty")
    if any(c.isspace() or c in "/?#%\\" or not c.isprintable() for c in text):
        raise ValueError(
            f"{name} must not contain spaces, '/', '?', '#', '%' or control characters"
        )
    return text


def _url(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    try:
        url = httpx.URL(value.strip())
    except (httpx.InvalidURL, TypeError):
        raise ValueError(f"{name} is not a valid URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"{name} must be an http:// or https:// URL with a host")
    return value.strip()


def pre_translate_request(
    project_uid: str,
    job_uids: Sequence[str],
    *,
    segment_filters: Sequence[str] | None = None,
    use_project_settings: bool | None = None,
    callback_url: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Request:
    """``POST /api2/v2/projects/{projectUid}/jobs/preTranslate``; ValueError on bad input."""
    project = _uid(project_uid, "project_uid")
    if isinstance(job_uids, str) or not isinstance(job_uids, Sequence):
        raise ValueError("job_uids must be a list of job uids (not a single string)")
    if not job_uids:
        raise ValueError("job_uids must not be empty")
    jobs = [UidReference(uid=_uid(uid, "job_uids")) for uid in job_uids]
    body = PreTranslateJobsV2Dto(jobs=jobs)
    if segment_filters is not None:
        if isinstance(segment_filters, str) or not isinstance(segment_filters, Sequence):
            raise ValueError("segment_filters must be a list of filter names")
        body.segment_filters = [_uid(f, "segment_filters") for f in segment_filters]
    if use_project_settings is not None:
        if not isinstance(use_project_settings, bool):
            raise ValueError("use_project_settings must be True, False or None")
        body.use_project_pre_translate_settings = use_project_settings
    if callback_url is not None:
        body.callback_url = _url(callback_url, "callback_url")
    if settings is not None:
        if not isinstance(settings, Mapping) or not _config.is_json(settings):
            raise ValueError("settings must be a JSON-serialisable mapping of settings")
        body.pre_translate_settings = PreTranslateJobsV2DtoPreTranslateSettings.from_dict(settings)
    return tms_pre_translate_request(project, body=body)


def _ref(body: dict[str, Any]) -> AsyncRequestRef:
    dto = AsyncRequestWrapperV2Dto.from_dict(body)
    ref = dto.async_request
    if isinstance(ref, Unset):
        raise KeyError("asyncRequest")
    raw_id: object = ref.id
    if isinstance(raw_id, Unset):
        raise KeyError("asyncRequest.id")
    return AsyncRequestRef(
        id=check_job_id(raw_id),
        action=ref.action if isinstance(ref.action, str) else None,
        # Informational: a null or unreadable date never costs the id of a created request.
        date_created=ref.date_created if isinstance(ref.date_created, datetime.datetime) else None,
        response=dto,
    )


def parse_submitted(
    response: httpx.Response, secrets: Sequence[str] = (), *, what: str = "Phrase TMS submit"
) -> AsyncRequestRef:
    """The async request a submit call started. When a 2xx body does not read as documented,
    the error still carries the request's id if one is there: the job exists."""
    try:
        return _http.read_object(response, _ref, what=what, secrets=secrets)
    except MalformedResponse as err:
        if 200 <= response.status_code < 300:
            with contextlib.suppress(ValueError, TypeError, KeyError, RecursionError):
                err.job_id = check_job_id(response.json()["asyncRequest"]["id"])
        raise


def _submitted(project_uid: str) -> Callable[[httpx.Response, Sequence[str]], AsyncRequestRef]:
    what = f"Phrase TMS project {project_uid.strip()} (pre-translate)"
    return lambda response, secrets: parse_submitted(response, secrets, what=what)


def limits_request() -> Request:
    """``GET /api2/v1/async/status``."""
    return tms_limits_request()


def _whole(value: object, name: str) -> int:
    if isinstance(value, Unset):
        raise KeyError(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} is not a whole number")
    return value


def _limits(body: dict[str, Any]) -> Limits:
    counts = AsyncRequestStatusDtoV1.from_dict(body).concurrent_requests
    if isinstance(counts, Unset):
        raise KeyError("concurrentRequests")
    limit = None if counts.limit is None or isinstance(counts.limit, Unset) else counts.limit
    return Limits(
        limit=None if limit is None else _whole(limit, "concurrentRequests.limit"),
        count=_whole(counts.count, "concurrentRequests.count"),
    )


def parse_limits(response: httpx.Response, secrets: Sequence[str] = ()) -> Limits:
    """The organisation's pending-request limit and count."""
    return _http.read_object(response, _limits, what="Phrase TMS async limits", secrets=secrets)


def pending_request(page_number: int, page_size: int) -> Request:
    """``GET /api2/v1/async?pageNumber=&pageSize=`` (page size 1..50)."""
    return tms_pending_request(page_number=page_number, page_size=page_size)


def _page(body: dict[str, Any]) -> tuple[list[PendingRequest], int | None]:
    page = PageDtoAsyncRequestDtoV1.from_dict(body)
    content = [] if isinstance(page.content, Unset) else page.content
    if not isinstance(content, list):
        raise TypeError("content is not a list")
    total = page.total_pages
    return [_pending(dto) for dto in content], total if isinstance(total, int) and not isinstance(
        total, bool
    ) else None


def parse_pending(
    response: httpx.Response, secrets: Sequence[str] = ()
) -> tuple[list[PendingRequest], int | None]:
    """One page of pending requests and the total number of pages (None if not given)."""
    return _http.read_object(response, _page, what="Phrase TMS pending requests", secrets=secrets)


def _more(page_number: int, page_size: int, got: int, total_pages: int | None) -> bool:
    if got < page_size or page_number + 1 >= _MAX_PAGES:
        return False
    return total_pages is None or page_number + 1 < total_pages


def _check_page_size(page_size: int) -> int:
    if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= 50:
        raise ValueError(f"page_size must be a whole number from 1 to 50, got {page_size!r}")
    return page_size


def login_request(username: str, password: Secret) -> Request:
    """``POST /api2/v1/auth/login``. The request holds the password: never show it."""
    return tms_login_request(body=LoginDto(user_name=username, password=password.reveal()))


def _token(body: dict[str, Any]) -> str:
    token = LoginResponseDto.from_dict(body).token
    if not isinstance(token, str) or not token.strip():
        raise KeyError("token")
    return token.strip()


def parse_login(response: httpx.Response, secrets: Sequence[str] = ()) -> Secret:
    """The token a login returned. A malformed answer is reported without any body excerpt."""
    try:
        return Secret(
            _http.read_object(response, _token, what="the login request", secrets=secrets)
        )
    except MalformedResponse as err:
        err.body_excerpt = ""  # the body may hold the token
        raise


def _no_room(limits: Limits) -> str | None:
    """Why a submit waiting for capacity must wait on (None: there is room)."""
    if not limits.full:
        return None
    return (
        f"Phrase TMS has {limits.count} of {limits.limit} async requests pending; "
        "nothing was submitted"
    )


# --- 4. Clients ----------------------------------------------------------------------------


def _login_failed(err: Error, username: str | None) -> Error:
    err.message = f"Phrase TMS login as {username} failed: {err.message}"
    err.response = None  # its request carries the password
    # The request that needed the token was never sent, so even a write may be retried.
    err.unsent = True
    return err


def _logged_in(auth: _Auth) -> AuthFlow:
    """How a password client's channel sends a request (both channels drive it, the login,
    the request and a re-login within the one timeout the engine gave the request)."""

    def flow(http: SyncHttp | AsyncHttp, request: Request) -> SendFlow[httpx.Response]:
        used = auth.token
        if used is None:  # the first request: log in (unless another one did meanwhile)
            used = yield Exclusive(_log_in(http, auth, None))
        response: httpx.Response = yield request
        if response.status_code == 401:  # the ~24 h token expired: log in again, once
            yield Exclusive(_log_in(http, auth, used))
            response = yield request
        return response

    return flow


def _log_in(http: SyncHttp | AsyncHttp, auth: _Auth, stale: Secret | None) -> SendFlow[Secret]:
    """Log in, unless another request did since ``stale`` was sent (the channel runs this
    one request at a time)."""
    if auth.token is None or auth.token is stale:
        assert auth.login is not None
        try:
            sent = yield login_request(*auth.login)
            token = parse_login(sent, auth.secrets())
        except Error as err:  # the channel raises nothing else
            raise _login_failed(err, auth.username) from None
        auth.token = token
        http.set_header("Authorization", f"{auth.scheme} {token.reveal()}")
        http.secrets = auth.secrets()
        log.debug("%s: logged in as %s", VENDOR, auth.username)
    assert auth.token is not None
    return auth.token


class _Ops(Base):
    """Phrase TMS's operations, written once for both clients."""

    vendor = VENDOR
    default_policy = DEFAULT_POLICY

    def check_job_id(self, job_id: object) -> str:
        """The async request id as a string; ValueError naming ``job_id`` if not a number."""
        return check_job_id(job_id)

    @operation
    def pre_translate(
        self,
        project_uid: str,
        job_uids: Sequence[str],
        *,
        segment_filters: Sequence[str] | None = None,
        use_project_settings: bool | None = None,
        callback_url: str | None = None,
        settings: Mapping[str, Any] | None = None,
        wait_for_capacity: bool = False,
    ) -> Flow[AsyncRequestRef]:
        """Start pre-translating jobs; returns the async request (``wait(ref.id)``).

        With ``wait_for_capacity``, first wait (within the client's timeout) while the
        organisation is at its pending-request limit.
        """
        request = pre_translate_request(
            project_uid,
            job_uids,
            segment_filters=segment_filters,
            use_project_settings=use_project_settings,
            callback_url=callback_url,
            settings=settings,
        )
        with self._cycle(DEFAULT, None):
            return (yield from self._submit(request, project_uid, wait_for_capacity, job_uids))

    @operation
    def pre_translate_and_wait(
        self,
        project_uid: str,
        job_uids: Sequence[str],
        *,
        segment_filters: Sequence[str] | None = None,
        use_project_settings: bool | None = None,
        callback_url: str | None = None,
        settings: Mapping[str, Any] | None = None,
        wait_for_capacity: bool = False,
        timeout: TimeoutArg = DEFAULT,
        policy: PollPolicy | None = None,
        on_update: OnUpdate | None = None,
    ) -> Flow[JobStatus]:
        """:meth:`pre_translate`, then :meth:`wait` for it; ``timeout`` bounds all of it (the
        capacity wait and the submit's retries included)."""
        check_wait(timeout, policy, on_update)
        request = pre_translate_request(
            project_uid,
            job_uids,
            segment_filters=segment_filters,
            use_project_settings=use_project_settings,
            callback_url=callback_url,
            settings=settings,
        )
        with self._cycle(timeout, policy) as cycle:
            ref = yield from self._submit(request, project_uid, wait_for_capacity, job_uids)
            cycle.created(ref.id, self._now())
            return (yield from self._wait_in(cycle, ref.id, policy, on_update))

    @operation
    def limits(self) -> Flow[Limits]:
        """The organisation's pending async request limit and how many are pending now."""
        return call(limits_request(), self._parse(parse_limits), idempotent=True)

    @operation
    def pending(self, *, page_size: int = 50) -> Flow[list[PendingRequest]]:
        """Every pending async request of yours, all pages read (``page_size`` per request).

        Requests finishing meanwhile shift the pages, so one may be missed or seen twice.
        """
        size = _check_page_size(page_size)
        found: list[PendingRequest] = []
        number = 0
        while True:
            content, total = yield from call(
                pending_request(number, size), self._parse(parse_pending), idempotent=True
            )
            found.extend(content)
            if not _more(number, size, len(content), total):
                return found
            number += 1

    def _submit(
        self,
        request: Request,
        project_uid: str,
        capacity: bool,
        uids: Sequence[str] = (),
    ) -> Flow[AsyncRequestRef]:
        if capacity:  # wait (within the call's deadline) while the organisation is full
            parse = self._parse(parse_limits)
            yield from until(limits_request(), parse, _no_room, deadline=self._deadline(DEFAULT))
        parse_ref = self._parse(_submitted(project_uid))
        ref = yield from call(request, parse_ref, idempotent=False)
        if self._receiver is not None:  # the account webhook names the project and its jobs
            self._receiver.tie(VENDOR, ref.id, (project_uid, *uids))
        return ref


class PhraseTMS(_Ops, SyncClient):
    """Phrase TMS async requests, synchronously.

    ``token`` (or ``PHRASE_TMS_TOKEN``) is sent as ``Authorization: ApiToken <token>``, or
    ``Bearer <token>`` with ``auth_scheme="Bearer"`` (an OAuth access token). Instead of a
    token, ``username`` and ``password`` log in (``POST /api2/v1/auth/login``) on first use.
    ``base_url`` (or ``PHRASE_TMS_URL``) defaults to the EU data centre :data:`DEFAULT_URL`;
    US accounts use :data:`US_URL` (``https://us.cloud.memsource.com/web``). With no
    credential argument, the environment gives a token, else ``PHRASE_TMS_USERNAME`` and
    ``PHRASE_TMS_PASSWORD``; each ``PHRASE_TMS_*`` variable falls back to ``MEMSOURCE_*``.
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        auth_scheme: str = "ApiToken",
        username: str | None = None,
        password: str | None = None,
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
            _settings(token, auth_scheme, username, password, base_url),
            policy=policy,
            timeout=timeout,
            http_client=http_client,
            transport=transport,
            clock=clock,
            sleep=sleep,
            random=random,
            webhooks=webhooks,
        )


class AsyncPhraseTMS(_Ops, AsyncClient):
    """Phrase TMS async requests on asyncio: the methods of :class:`PhraseTMS`, awaited."""

    def __init__(
        self,
        *,
        token: str | None = None,
        auth_scheme: str = "ApiToken",
        username: str | None = None,
        password: str | None = None,
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
            _settings(token, auth_scheme, username, password, base_url),
            policy=policy,
            timeout=timeout,
            http_client=http_client,
            transport=transport,
            clock=clock,
            sleep=sleep,
            random=random,
            webhooks=webhooks,
        )
