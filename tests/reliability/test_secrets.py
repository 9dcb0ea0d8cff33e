"""Secrets never leak: a unique canary credential, every vendor's success and failure paths.

Each test gives the simulator and the client a fresh ``canary-<uuid>`` credential, makes the
vendor echo it back wherever a vendor might (error bodies, garbage bodies, a value the reader
chokes on), and then fails if the canary shows in: any log record at any level (a handler on
the root logger at DEBUG, httpx and httpcore included), an error's str/repr/message/
body_excerpt or anything in its traceback chain, a resume token (decoded), the repr of a client
or a JobStatus, or the CLI's stdout/stderr (in process, and one ``python -m jobpoll`` run).
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
import logging
import os
import pickle
import re
import subprocess
import sys
import traceback
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import httpx
import pytest

import jobpoll
from jobpoll import cli
from jobpoll.testing import FakeClock, Fault, PhraseTMSSimulator, Simulator

from .._both import FLAVOURS, Flavour
from ._kit import KITS, SSL_CONTEXT, VENDORS, Kit, canary, dead_port

ENV = {
    "phrase-tms": ("PHRASE_TMS_TOKEN", "PHRASE_TMS_URL"),
    "phrase-mt": ("PHRASE_MT_TOKEN", "PHRASE_MT_URL"),
    "veza": ("VEZA_API_KEY", "VEZA_URL"),
    "edenai": ("EDENAI_API_KEY", "EDENAI_URL"),
    "alphasms": ("ALPHASMS_API_KEY", "ALPHASMS_URL"),
}


class Sink(logging.Handler):
    """Keeps every record, fully formatted (arguments, exception and stack included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))
        self.texts.append(repr(record.args))
        self.texts.append(repr(record.msg))


@attrs.define
class Watch:
    """Everything a secret could show up in, gathered as text."""

    sink: Sink
    texts: list[str] = attrs.field(factory=list)
    errors: list[jobpoll.Error] = attrs.field(factory=list)

    def error(self, err: BaseException) -> None:
        self.texts += ["".join(traceback.format_exception(err)), str(err), repr(err)]
        if isinstance(err, jobpoll.Error):
            self.errors.append(err)
            self.pickle(err)
            self.texts += [err.message, str(getattr(err, "body_excerpt", ""))]
            self.texts += [repr(getattr(err, "errors", ""))]
            if err.status is not None:
                self.status(err.status)
            token = err.resume_token
            if token is not None:
                self.token(token)

    def status(self, status: jobpoll.JobStatus) -> None:
        self.texts += [repr(status), str(status.detail), repr(status.errors), str(status.stats)]
        self.token(status.resume_token())
        self.pickle(status)

    def pickle(self, thing: Any) -> None:
        """Pickle ``thing`` (an error or a status): the bytes are checked like any text, and
        the pickle must round-trip."""
        blob = pickle.dumps(thing)
        self.texts.append(blob.decode("latin-1"))
        back = pickle.loads(blob)
        assert type(back) is type(thing)
        if isinstance(thing, jobpoll.Error):
            assert (back.message, back.vendor, back.job_id) == (
                thing.message,
                thing.vendor,
                thing.job_id,
            )
            assert back.status == thing.status and back.response is None
        else:
            assert back == thing

    def token(self, token: str) -> None:
        payload = token.split(".")[1]
        self.texts += [
            token,
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode(),
        ]

    def client(self, client: Any) -> None:
        self.texts += [repr(client), str(client)]

    def check(self, *secrets: str) -> None:
        everything = self.texts + self.sink.texts
        for secret in secrets:
            leaks = [text for text in everything if secret in text]
            assert not leaks, f"the secret shows in: {leaks[:3]}"


@pytest.fixture
def watch() -> Iterator[Watch]:
    sink = Sink()
    root = logging.getLogger()
    loggers = [logging.getLogger(n) for n in ("jobpoll", "httpx", "httpcore", "uvicorn")]
    levels = [(lg, lg.level) for lg in [root, *loggers]]
    root.addHandler(sink)
    for lg, _ in levels:
        lg.setLevel(logging.DEBUG)
    try:
        yield Watch(sink)
    finally:
        root.removeHandler(sink)
        for lg, level in levels:
            lg.setLevel(level)


# --- driving a client, sync or async -----------------------------------------------------------


def attempt(
    flavour: Flavour,
    kit: Kit,
    url: str,
    secret: str,
    call: Callable[[Any], Any],
    watch: Watch,
    clock: FakeClock,
    **kw: Any,
) -> Any:
    """Build a client, make ``call`` on it, record what it gave; returns the result or error."""

    def note(out: Any) -> Any:
        if isinstance(out, jobpoll.JobStatus):
            watch.status(out)
        return out

    if flavour == "sync":
        with (
            httpx.Client(verify=SSL_CONTEXT) as http,
            kit.client("sync", url, secret, clock=clock, http_client=http, **kw) as client,
        ):
            watch.client(client)
            try:
                return note(call(client))
            except jobpoll.Error as err:
                watch.error(err)
                return err

    async def go() -> Any:
        async with (
            httpx.AsyncClient(verify=SSL_CONTEXT) as http,
            kit.client("async", url, secret, clock=clock, http_client=http, **kw) as client,
        ):
            watch.client(client)
            try:
                out = call(client)
                return note(await out if asyncio.iscoroutine(out) else out)
            except jobpoll.Error as err:
                watch.error(err)
                return err

    return asyncio.run(go())


def echo(secret: str) -> dict[str, Any]:
    """An error body that repeats the credential, as some servers do."""
    return {
        "error": f"invalid token {secret}",
        "errorDescription": f"Bearer {secret} refused",
        "message": secret,
        "detail": [{"loc": ["header", secret], "msg": secret}],
    }


def xml_echo(secret: str, code: int = 202) -> str:
    return f'<?xml version="1.0"?><package><error>{code}</error><key>{secret}</key></package>'


SUBMITS: dict[str, Callable[[Any], Any]] = {
    "phrase-tms": lambda c: c.pre_translate("proj1", ["job1"]),
    "phrase-mt": lambda c: c.translate_async("en", "de", ["Hello"]),
    "veza": lambda c: c.create_query_task({"query_type": "SOURCE_TO_DESTINATION"}),
    "edenai": lambda c: c.submit("audio/speech_to_text_async/google", {"file": "x"}),
    "alphasms": lambda c: c.send_async(
        [{"id": 1, "recipient": "+380971234567", "text": "hi", "sender": "SMSTest"}]
    ),
}

CHOKE_FIELD = {"phrase-tms": "asyncResponse"}
"""A field whose value the reader needs (Phrase TMS: ``asyncResponse`` must be null or an
object; a date no longer chokes anyone, issue #11) or parses: the canary put there must not
be quoted back. Phrase MT and Veza parse no values that could be quoted, nor Eden AI since its
unused ``created_at`` is read as a plain string (issue #17); AlphaSMS's is ``<progress>``."""


@attrs.frozen
class Path:
    """One path through a client: how the simulator misbehaves, what is called, what it gives."""

    id: str
    name: str
    expect: type[jobpoll.Error] | None
    call: Callable[[Any, str], Any]
    arm: Callable[[Kit, Simulator, str, str], None] | None = None
    duration: float = 10.0
    outcome: str = "succeeded"
    vendors: tuple[str, ...] = VENDORS


def _arm(fault: Callable[[Kit, str], Fault], op: str = "poll", times: int | None = None) -> Any:
    def arm(kit: Kit, sim: Simulator, secret: str, job: str) -> None:
        sim.fault(fault(kit, secret), times=times, op=op)

    return arm


def _choke(kit: Kit, secret: str) -> Fault:
    if kit.body == "xml":
        return Fault.raw(
            f"<package><job><progress>{secret}</progress><status>RUNNING</status></job></package>",
            content_type=kit.content_type,
        )
    return Fault.extra_fields({CHOKE_FIELD[kit.vendor]: secret})


def _revoke(kit: Kit, sim: Simulator, secret: str, job: str) -> None:
    sim.revoke()


PATHS = [
    Path("success", "success", None, lambda c, j: c.wait(j)),
    Path("watch", "watch", None, lambda c, j: c.wait(j, on_update=lambda s: None)),
    Path("job-failed", "job failed", jobpoll.JobFailed, lambda c, j: c.wait(j), outcome="failed"),
    Path(
        "job-canceled",
        "job canceled (only Veza has a canceled state; the others report it failed)",
        jobpoll.JobCanceled,
        lambda c, j: c.wait(j),
        outcome="canceled",
        vendors=("veza",),
    ),
    Path(
        "echo-500",
        "500s echoing the credential",
        jobpoll.APIError,
        lambda c, j: c.wait(j),
        _arm(lambda k, s: Fault.http(500, body=echo(s))),
    ),
    Path(
        "echo-401",
        "401 echoing the credential",
        jobpoll.AuthError,
        lambda c, j: c.wait(j),
        _arm(lambda k, s: Fault.http(401, body=echo(s))),
    ),
    Path(
        "echo-429",
        "429s echoing the credential",
        jobpoll.RateLimited,
        lambda c, j: c.wait(j),
        _arm(lambda k, s: Fault.http(429, body=echo(s), retry_after=3)),
    ),
    Path(
        "echo-garbage",
        "garbage echoing the credential",
        jobpoll.MalformedResponse,
        lambda c, j: c.wait(j),
        _arm(lambda k, s: Fault.raw(f"<html>{s}</html> {{{s}", content_type=k.content_type)),
    ),
    Path(
        "choke-wait",
        "a value the reader chokes on (wait)",
        jobpoll.MalformedResponse,
        lambda c, j: c.wait(j),
        _arm(_choke),
        vendors=(*CHOKE_FIELD, "alphasms"),
    ),
    Path(
        "choke-status",
        "a value the reader chokes on (status)",
        jobpoll.MalformedResponse,
        lambda c, j: c.status(j),
        _arm(_choke),
        vendors=(*CHOKE_FIELD, "alphasms"),
    ),
    Path(
        "status-echo-403",
        "status() on a 403 echoing the credential",
        jobpoll.AuthError,
        lambda c, j: c.status(j),
        _arm(lambda k, s: Fault.http(403, body=echo(s))),
    ),
    Path("revoked", "revoked", jobpoll.AuthError, lambda c, j: c.wait(j), _revoke),
    Path(
        "never-finishes",
        "never finishes",
        jobpoll.WaitTimeout,
        lambda c, j: c.wait(j, timeout=60),
        duration=1e9,
    ),
    Path(
        "not-found",
        "not found",
        jobpoll.JobNotFound,
        lambda c, j: c.wait(j),
        lambda k, sim, s, j: sim.forget(j),
    ),
    Path(
        "submit-echo-400",
        "submit refused, echoing the credential",
        jobpoll.APIError,
        lambda c, j: SUBMITS[c.vendor](c),
        _arm(lambda k, s: Fault.http(400, body=echo(s)), op="submit"),
    ),
    Path(
        "submit-echo-garbage",
        "submit answered with garbage echoing the credential",
        jobpoll.MalformedResponse,
        lambda c, j: SUBMITS[c.vendor](c),
        _arm(lambda k, s: Fault.raw(f"{{{s}", content_type=k.content_type), op="submit"),
    ),
]
ALPHASMS_PATHS = [
    Path(
        "key-in-body-err-202",
        "AlphaSMS: ERR_AUTHORIZATION echoing the key (key in the body)",
        jobpoll.AuthError,
        lambda c, j: c.wait(j),
        _arm(lambda k, s: Fault.raw(xml_echo(s), content_type=k.content_type)),
    ),
    Path(
        "key-in-body-err-201",
        "AlphaSMS: ERR_FORMAT echoing the key",
        jobpoll.APIError,
        lambda c, j: c.message_statuses([1]),
        _arm(lambda k, s: Fault.raw(xml_echo(s, 201), content_type=k.content_type), op="messages"),
    ),
    Path(
        "key-in-send-answer",
        "AlphaSMS: send answered with the key",
        jobpoll.MalformedResponse,
        lambda c, j: SUBMITS["alphasms"](c),
        _arm(
            lambda k, s: Fault.raw(
                f"<package><message-async><job>{s} x</job></message-async></package>",
                content_type=k.content_type,
            ),
            op="submit",
        ),
    ),
]


def run_path(kit: Kit, path: Path, flavour: Flavour, watch: Watch, secret: str) -> Any:
    """One path for one vendor; returns what the call gave."""
    clock = FakeClock()
    sim = kit.simulator(clock, secret)
    job = sim.add_job(duration=path.duration, outcome=path.outcome)  # type: ignore[attr-defined]
    if path.arm is not None:
        path.arm(kit, sim, secret, job)
    with sim.serve():
        return attempt(flavour, kit, sim.url, secret, lambda c: path.call(c, job), watch, clock)


REFUSED = Path("refused", "connection refused", jobpoll.TransportError, lambda c, j: c.wait(j))
CASES = [
    (vendor, path)
    for vendor in VENDORS
    for path in [*PATHS, *(ALPHASMS_PATHS if vendor == "alphasms" else []), REFUSED]
    if vendor in path.vendors
]


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    ("vendor", "path"),
    CASES,
    ids=[f"{v}-{p.id}" for v, p in CASES],
)
def test_no_path_shows_the_credential(
    vendor: str, path: Path, flavour: Flavour, watch: Watch
) -> None:
    kit, secret = KITS[vendor], canary()
    if path is REFUSED:
        with dead_port() as port:
            url = f"http://127.0.0.1:{port}{kit.base_path}"
            out = attempt(
                flavour, kit, url, secret, lambda c: c.wait(kit.sample_id), watch, FakeClock()
            )
    else:
        out = run_path(kit, path, flavour, watch, secret)
    if path.expect is None:
        assert isinstance(out, jobpoll.JobStatus), out
    else:
        assert type(out) is path.expect, out
    assert any(t.startswith(("httpx ", "httpcore")) for t in watch.sink.texts), "no httpx logs"
    watch.check(secret)


# --- Phrase TMS login --------------------------------------------------------------------------


def tms_login_client(
    flavour: Flavour, sim: PhraseTMSSimulator, clock: FakeClock, password: str | None = None
) -> Any:
    cls = jobpoll.PhraseTMS if flavour == "sync" else jobpoll.AsyncPhraseTMS
    sleep = clock.sleep if flavour == "sync" else clock.asleep
    return cls(
        base_url=sim.url,
        username=sim.user_name,
        password=password or sim.password,
        clock=clock.now,
        sleep=sleep,
        random=lambda: 0.5,
    )


def session_tokens(sim: Simulator) -> list[str]:
    return [c for c in sim._credentials if c != sim.credential]


async def _maybe(value: Any) -> Any:
    return await value if asyncio.iscoroutine(value) else value


def run_login(
    flavour: Flavour,
    sim: PhraseTMSSimulator,
    clock: FakeClock,
    watch: Watch,
    call: Any,
    password: str | None = None,
) -> Any:
    async def go() -> Any:
        client = tms_login_client(flavour, sim, clock, password)
        watch.client(client)
        try:
            out = await _maybe(call(client))
            if isinstance(out, jobpoll.JobStatus):
                watch.status(out)
            return out
        except jobpoll.Error as err:
            watch.error(err)
            return err
        finally:
            await _maybe(client.close())

    return asyncio.run(go())


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_phrase_tms_login_never_shows_the_password_or_session_token(
    flavour: Flavour, watch: Watch
) -> None:
    password = canary("password")
    clock = FakeClock()
    sim = PhraseTMSSimulator(
        canary("token"), user_name="jobpoll-user", password=password, clock=clock
    )
    job = sim.add_job(duration=30)
    seen_tokens: list[str] = []

    def expire_session(status: jobpoll.JobStatus) -> None:
        seen_tokens.extend(session_tokens(sim))
        for token in session_tokens(sim):
            sim.revoke(token)  # the ~24 h session ends mid-wait: the client logs in again

    with sim.serve():
        done = run_login(
            flavour, sim, clock, watch, lambda c: c.wait(job, on_update=expire_session)
        )
        assert isinstance(done, jobpoll.JobStatus), done
        assert [r.op for r in sim.requests].count("login") == 2
        seen_tokens.extend(session_tokens(sim))
        # A login refused with the password echoed back, a 503 on login, garbage on login.
        sim.fault(Fault.http(401, body=echo(password)), op="login")
        refused = run_login(flavour, sim, clock, watch, lambda c: c.status(job))
        assert isinstance(refused, jobpoll.AuthError), refused
        sim.fault(Fault.http(503, body=echo(password)), op="login", times=None)
        down = run_login(flavour, sim, clock, watch, lambda c: c.wait(job))
        assert type(down) is jobpoll.APIError, down
        sim.clear_faults()
        sim.fault(Fault.raw(f'{{"token": 5, "x": "{password}"'), op="login", times=None)
        garbled = run_login(flavour, sim, clock, watch, lambda c: c.wait(job))
        assert isinstance(garbled, jobpoll.MalformedResponse), garbled
        sim.clear_faults()
        wrong = PhraseTMSSimulator(user_name="jobpoll-user", password="other", clock=clock)
    with wrong.serve():
        bad = run_login(flavour, wrong, clock, watch, lambda c: c.wait(job), password=password)
        assert isinstance(bad, jobpoll.AuthError), bad
    assert seen_tokens
    watch.check(password, *seen_tokens)


# --- the CLI -----------------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for names in ENV.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    return monkeypatch


CLI_CASES: list[tuple[str, str, int]] = [
    ("succeeded", "wait", 0),
    ("failed", "wait", 1),
    ("canceled", "wait", 1),
    ("succeeded", "status", 0),
    ("echo-400", "wait", 7),
    ("echo-401", "status", 6),
    ("wrong-credential", "wait", 6),
    ("unknown-job", "wait", 4),
    ("credential-in-url", "wait", 2),
]


@pytest.mark.parametrize(
    ("case", "command", "code"), CLI_CASES, ids=[c[0] + "-" + c[1] for c in CLI_CASES]
)
@pytest.mark.parametrize("vendor", VENDORS)
def test_cli_never_shows_the_credential(
    vendor: str,
    case: str,
    command: str,
    code: int,
    clean_env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    watch: Watch,
) -> None:
    kit = KITS[vendor]
    secret = canary()
    sim = kit.simulator(None, secret)  # the CLI waits on the real clock: jobs take no time
    outcome = case if case in ("failed", "canceled") else "succeeded"
    job = sim.add_job(duration=0, outcome=outcome)  # type: ignore[attr-defined]
    if case == "echo-400":
        sim.fault(Fault.http(400, body=echo(secret)), op="poll")
    if case == "echo-401":
        sim.fault(Fault.http(401, body=echo(secret)), op="poll")
    if case == "unknown-job":
        sim.forget(job)
    key_env, url_env = ENV[vendor]
    with sim.serve():
        clean_env.setenv(key_env, secret if case != "wrong-credential" else "wrong-" + secret[7:])
        args = [command, vendor, job, "--json"]
        if case == "credential-in-url":
            args += ["--base-url", sim.url.replace("http://", f"http://user:{secret}@")]
        else:
            clean_env.setenv(url_env, sim.url)
        got = cli.main(args)
    out, err = capsys.readouterr()
    if case == "canceled" and vendor == "veza":
        code = 5  # only Veza has a canceled state; the others report such a job failed
    assert got == code, (out, err)
    watch.texts += [out, err]
    watch.check(secret, secret[7:])


def test_python_m_jobpoll_never_shows_the_credential() -> None:
    """One real process: ``python -m jobpoll wait`` against a served simulator, twice (a job
    that succeeds, then one refused with the key echoed back)."""
    kit = KITS["veza"]
    secret = canary()
    sim = kit.simulator(None, secret)
    ok = sim.add_job(duration=0)  # type: ignore[attr-defined]
    refused = sim.add_job(duration=0)  # type: ignore[attr-defined]
    sim.fault(Fault.http(401, body=echo(secret)), path_contains=refused)
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "_API_KEY", "_URL"))}
    results = []
    with sim.serve():
        env.update({"VEZA_API_KEY": secret, "VEZA_URL": sim.url, "PYTHONWARNINGS": "always"})
        for job in (ok, refused):
            results.append(
                subprocess.run(
                    [sys.executable, "-m", "jobpoll", "wait", "veza", job, "--json"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=60,
                    check=False,
                )
            )
    assert [r.returncode for r in results] == [0, 6], results
    assert '"state": "succeeded"' in results[0].stdout
    for r in results:
        assert secret not in r.stdout
        assert secret not in r.stderr


# --- echoes in escaped form ------------------------------------------------------------------


def special_canary() -> str:
    """A credential with characters that JSON, XML and URLs escape (still header- and
    XML-legal, and no whitespace, as AlphaSMS keys have none)."""
    hexed = uuid.uuid4().hex
    return f"canary/{hexed[:12]}&+={hexed[12:]}<'>"


ESCAPINGS: dict[str, Callable[[str], str]] = {
    "json-slash": lambda s: json.dumps(s).replace("/", "\\/")[1:-1],
    "json-unicode": lambda s: "".join(f"\\u{ord(c):04X}" for c in s),
    "xml-named": lambda s: html.escape(s, quote=True),
    "xml-numeric": lambda s: "".join(f"&#{ord(c)};" if not c.isalnum() else c for c in s),
    "xml-hex": lambda s: "".join(f"&#x{ord(c):x};" for c in s),
    "percent": lambda s: urllib.parse.quote(s, safe=""),
    "percent-lower": lambda s: re.sub(
        r"%[0-9A-F]{2}", lambda m: m.group().lower(), urllib.parse.quote(s, safe="")
    ),
    "percent-plus": urllib.parse.quote_plus,
}


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("escaping", list(ESCAPINGS))
@pytest.mark.parametrize("vendor", VENDORS)
def test_escaped_echoes_of_the_credential_are_redacted(
    vendor: str, escaping: str, flavour: Flavour, watch: Watch
) -> None:
    # Observation 8: a server echoing the credential JSON-, XML- or percent-escaped got it
    # past the redaction into messages, excerpts and logs.
    kit, secret = KITS[vendor], special_canary()
    echoed = ESCAPINGS[escaping](secret)
    assert echoed != secret
    body = (
        f"<error>invalid key {echoed}</error>"
        if kit.body == "xml"
        else (f'{{"error": "invalid token {echoed}", "message": "{echoed}"}}')
    )
    path = Path(
        f"echo-{escaping}",
        f"500s echoing the credential {escaping}-escaped",
        jobpoll.APIError,
        lambda c, j: c.wait(j),
        _arm(lambda k, s: Fault.raw(body, status=500, content_type=k.content_type), times=None),
    )
    out = run_path(kit, path, flavour, watch, secret)
    assert type(out) is jobpoll.APIError, out
    assert "***" in out.message  # the echo was there, and was redacted
    watch.check(secret, echoed)


async def test_webhook_deliveries_never_show_the_token_or_the_body(watch: Watch) -> None:
    """A receiver's secret token, and whatever a delivery's body holds, never show in a log
    record at any level (good, forged and oversized deliveries, over its ASGI app too) nor in
    its repr."""
    token, body_canary = canary("webhook-token"), canary("webhook-body")
    receiver = jobpoll.WebhookReceiver(url="https://hooks.example.com/j", phrase_tms_token=token)
    watch.client(receiver)
    body = json.dumps({"project": {"uid": "p1"}, "note": body_canary}).encode()
    assert receiver.deliver({"x-memsource-token": token}, body) == 200
    assert receiver.deliver({"x-memsource-token": canary("wrong")}, body) == 401
    assert receiver.deliver({"x-phrase-token": token[:-1]}, body) == 401
    assert receiver.deliver({"x-edenai-signature": "00"}, body) == 401
    transport = httpx.ASGITransport(app=receiver.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hooks") as client:
        answer = await client.post("/j", headers={"x-phrase-token": "nope-nope"}, content=body)
        assert answer.status_code == 401
        assert answer.text == "unauthorized"
    assert watch.sink.texts  # the refusals were logged
    watch.check(token, body_canary)
