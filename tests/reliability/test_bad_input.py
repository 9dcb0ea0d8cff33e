"""Bad input: every public entry point refuses malformed arguments before sending anything.

For all five clients, sync and async: a ValueError (or TypeError for a wrong type) whose
message names the argument, and no request recorded by the simulator the client points at.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import jobpoll
from jobpoll.alphasms import Message
from jobpoll.testing import FakeClock, Simulator, serve_all

from .._both import FLAVOURS, Flavour, run
from ._kit import KITS, SSL_CONTEXT, VENDORS, Kit, canary

Call = Callable[[Any], Any]
BadCall = tuple[str, Call, str]
"""(label, the call on a client, the name its error must mention)."""

BAD_IDS: list[Any] = [
    *(None, 1.5, b"123", ["1"], object(), True, "", "   ", ".", "..", " .. "),
    *("1\x0b2", "1\r\n2", "1\x002", "\ud800", "9" * 600),
]
"""Ids that cannot be real: "." and ".." would resolve to another endpoint (observation 9)."""
BAD_TIMEOUTS: list[Any] = [-1, 0, -0.0, math.nan, math.inf, -math.inf, "5", True]
BAD_TOKENS: list[Any] = ["", "garbage", "jobpoll1.e30.00", None, 7]


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, Simulator]]:
    """One served simulator per vendor for the module; tests check nothing reached them."""
    clock = FakeClock()
    sims = {vendor: KITS[vendor].simulator(clock) for vendor in VENDORS}
    with serve_all(list(sims.values())):
        yield sims


def invoke(flavour: Flavour, kit: Kit, sim: Simulator, call: Call) -> BaseException | None:
    """Make ``call`` on a fresh client of ``flavour``; the exception it raised, or None."""
    if flavour == "sync":
        with httpx.Client(verify=SSL_CONTEXT) as http:
            client = kit.client(
                "sync", sim.url, sim.credential, clock=FakeClock(), http_client=http
            )
            try:
                call(client)
            except Exception as exc:
                return exc
            finally:
                client.close()
        return None

    async def go() -> BaseException | None:
        async with httpx.AsyncClient(verify=SSL_CONTEXT) as http:
            client = kit.client(
                "async", sim.url, sim.credential, clock=FakeClock(), http_client=http
            )
            try:
                await run(call(client))
            except Exception as exc:
                return exc
            finally:
                await client.close()
        return None

    return asyncio.run(go())


def problems_with(flavour: Flavour, kit: Kit, sim: Simulator, calls: list[BadCall]) -> list[str]:
    """Every call that was not refused as it should be, in words."""
    found = []
    for label, call, name in calls:
        before = len(sim.requests)
        exc = invoke(flavour, kit, sim, call)
        sent = len(sim.requests) - before
        if not isinstance(exc, ValueError | TypeError):
            found.append(f"{label}: raised {exc!r}, not a ValueError/TypeError")
        elif name not in str(exc):
            found.append(f"{label}: {type(exc).__name__}({exc}) does not name {name!r}")
        if sent:
            found.append(f"{label}: sent {sent} request(s) before refusing")
    return found


def job_id_calls(kit: Kit) -> list[BadCall]:
    calls: list[BadCall] = []
    for bad in BAD_IDS:
        calls += [
            (f"status({bad!r:.20})", lambda c, b=bad: c.status(b), "job_id"),
            (f"wait({bad!r:.20})", lambda c, b=bad: c.wait(b), "job_id"),
            (f"watch({bad!r:.20})", lambda c, b=bad: c.watch(b), "job_id"),
        ]
    calls += [(f"{kit.vendor}: {label}", call, name) for label, call, name in _ID_EXTRA[kit.vendor]]
    return calls


_ID_EXTRA: dict[str, list[BadCall]] = {
    "phrase-tms": [
        ("wait('1/2')", lambda c: c.wait("1/2"), "job_id"),
        ("wait('abc')", lambda c: c.wait("abc"), "job_id"),
        ("wait(0)", lambda c: c.wait(0), "job_id"),
        ("wait(-5)", lambda c: c.wait(-5), "job_id"),
        ("wait(2**63)", lambda c: c.wait(2**63), "job_id"),
    ],
    "phrase-mt": [
        ("result('')", lambda c: c.result(""), "job_id"),
        ("result('..')", lambda c: c.result(".."), "job_id"),
    ],
    "veza": [
        ("result('')", lambda c: c.result(""), "task_id"),
        ("result('.')", lambda c: c.result("."), "task_id"),
        ("result('a\\tb')", lambda c: c.result("a\tb"), "task_id"),
    ],
    "edenai": [
        ("wait('not-a-uuid')", lambda c: c.wait("not-a-uuid"), "job_id"),
        ("result('not-a-uuid')", lambda c: c.result("not-a-uuid"), "job_id"),
    ],
    "alphasms": [
        ("wait('x' * 65)", lambda c: c.wait("x" * 65), "job_id"),
        ("wait('a\\x00b')", lambda c: c.wait("a\x00b"), "job_id"),
    ],
}


def wait_arg_calls(kit: Kit) -> list[BadCall]:
    good = kit.sample_id
    calls: list[BadCall] = []
    for bad in BAD_TIMEOUTS:
        calls += [
            (f"wait(timeout={bad!r})", lambda c, b=bad: c.wait(good, timeout=b), "timeout"),
            (f"watch(timeout={bad!r})", lambda c, b=bad: c.watch(good, timeout=b), "timeout"),
        ]
    calls += [
        ("wait(policy='fast')", lambda c: c.wait(good, policy="fast"), "policy"),
        ("watch(policy={})", lambda c: c.watch(good, policy={}), "policy"),
        ("wait(on_update='print')", lambda c: c.wait(good, on_update="print"), "on_update"),
        ("resume(policy=1)", lambda c: c.resume(_token(kit, good), policy=1), "policy"),
        (
            "resume(on_update=1)",
            lambda c: c.resume(_token(kit, good), on_update=1),
            "on_update",
        ),
    ]
    for bad in BAD_TOKENS:
        calls.append((f"resume({bad!r})", lambda c, b=bad: c.resume(b), "token"))
    other = "veza" if kit.vendor != "veza" else "edenai"
    calls.append(
        (
            "resume(<a token for another vendor>)",
            lambda c: c.resume(_token(KITS[other], KITS[other].sample_id)),
            "token",
        )
    )
    return calls


def _token(kit: Kit, job_id: str) -> str:
    status = jobpoll.JobStatus(vendor=kit.vendor, job_id=job_id, state=jobpoll.JobState.RUNNING)
    return status.resume_token()


# --- vendor operations -------------------------------------------------------------------------

MSG = {"id": 1, "recipient": "+380971234567", "text": "hi", "sender": "SMSTest"}


def _msg(**change: Any) -> list[dict[str, Any]]:
    return [{**MSG, **change}]


OPERATION_CALLS: dict[str, list[BadCall]] = {
    "phrase-tms": [
        ("pre_translate('', [...])", lambda c: c.pre_translate("", ["j1"]), "project_uid"),
        ("pre_translate(5, [...])", lambda c: c.pre_translate(5, ["j1"]), "project_uid"),
        ("pre_translate('p', [])", lambda c: c.pre_translate("p", []), "job_uids"),
        ("pre_translate('p', 'j1')", lambda c: c.pre_translate("p", "j1"), "job_uids"),
        ("pre_translate('p', ['a/b'])", lambda c: c.pre_translate("p", ["a/b"]), "job_uids"),
        (
            "pre_translate(callback_url='nope')",
            lambda c: c.pre_translate("p", ["j"], callback_url="nope"),
            "callback_url",
        ),
        (
            "pre_translate(settings={'x': nan})",
            lambda c: c.pre_translate("p", ["j"], settings={"x": object()}),
            "settings",
        ),
        (
            "pre_translate_and_wait(timeout=-1)",
            lambda c: c.pre_translate_and_wait("p", ["j"], timeout=-1),
            "timeout",
        ),
        (
            "pre_translate_and_wait(on_update=1)",
            lambda c: c.pre_translate_and_wait("p", ["j"], on_update=1),
            "on_update",
        ),
        ("pending(page_size=0)", lambda c: c.pending(page_size=0), "page_size"),
        ("pending(page_size=51)", lambda c: c.pending(page_size=51), "page_size"),
    ],
    "phrase-mt": [
        ("translate_async('', 'de', ...)", lambda c: c.translate_async("", "de", ["a"]), "source"),
        (
            "translate_async('en', 'de-DE!', ...)",
            lambda c: c.translate_async("en", "de DE", ["a"]),
            "target",
        ),
        ("translate_async(segments=[])", lambda c: c.translate_async("en", "de", []), "segments"),
        (
            "translate_async(segments='abc')",
            lambda c: c.translate_async("en", "de", "abc"),
            "segments",
        ),
        (
            "translate_async(segments=[''])",
            lambda c: c.translate_async("en", "de", [""]),
            "segments[0]",
        ),
        (
            "translate_async(501 segments)",
            lambda c: c.translate_async("en", "de", ["a"] * 501),
            "segments",
        ),
        (
            "translate(glossary='x')",
            lambda c: c.translate("en", "de", ["a"], glossary="x"),
            "glossary",
        ),
        ("engine_status(metadata=1)", lambda c: c.engine_status(metadata=1), "metadata"),
        (
            "translate_and_wait(timeout=nan)",
            lambda c: c.translate_and_wait("en", "de", ["a"], timeout=math.nan),
            "timeout",
        ),
        (
            "translate_and_wait(on_update=1)",
            lambda c: c.translate_and_wait("en", "de", ["a"], on_update=1),
            "on_update",
        ),
    ],
    "veza": [
        ("create_query_task('q')", lambda c: c.create_query_task("q"), "query_spec"),
        (
            "create_query_task({'x': nan})",
            lambda c: c.create_query_task({"x": math.nan}),
            "query_spec",
        ),
        ("run_query(timeout=0)", lambda c: c.run_query({"a": 1}, timeout=0), "timeout"),
        ("run_query('q')", lambda c: c.run_query("q"), "query_spec"),
        ("run_query(on_update=1)", lambda c: c.run_query({"a": 1}, on_update=1), "on_update"),
    ],
    "edenai": [
        ("submit('bad model', {...})", lambda c: c.submit("bad model", {"a": 1}), "model"),
        ("submit(model, 'input')", lambda c: c.submit("a/b/c", "input"), "input"),
        (
            "submit(fallbacks=4 models)",
            lambda c: c.submit("a/b/c", {}, fallbacks=["a/b/c"] * 4),
            "fallbacks",
        ),
        (
            "submit(webhook='nope')",
            lambda c: c.submit("a/b/c", {}, webhook="nope"),
            "webhook",
        ),
        ("run(timeout=-3)", lambda c: c.run("a/b/c", {}, timeout=-3), "timeout"),
        ("run(on_update=1)", lambda c: c.run("a/b/c", {}, on_update=1), "on_update"),
    ],
    "alphasms": [
        ("send_async([])", lambda c: c.send_async([]), "messages"),
        ("send_async('hi')", lambda c: c.send_async("hi"), "messages"),
        (
            "send_async(sender of 12 characters)",
            lambda c: c.send_async(_msg(sender="S" * 12)),
            "messages[0].sender",
        ),
        (
            "send_async(recipient of 22 characters)",
            lambda c: c.send_async(_msg(recipient="1" * 22)),
            "messages[0].recipient",
        ),
        ("send_async(id=0)", lambda c: c.send_async(_msg(id=0)), "messages[0].id"),
        ("send_async(type=9)", lambda c: c.send_async(_msg(type=9)), "messages[0].type"),
        (
            "send_async(text with NUL)",
            lambda c: c.send_async(_msg(text="a\x00b")),
            "messages[0].text",
        ),
        (
            "send_async(Message with a long sender)",
            lambda c: c.send_async([Message(1, "+380971234567", "hi", "S" * 12)]),
            "messages[0].sender",
        ),
        (
            "send_async(the same id twice)",
            lambda c: c.send_async([MSG, MSG]),
            "messages[1].id",
        ),
        (
            "send_and_wait(timeout=inf)",
            lambda c: c.send_and_wait(_msg(), timeout=math.inf),
            "timeout",
        ),
        ("send_and_wait(policy='x')", lambda c: c.send_and_wait(_msg(), policy="x"), "policy"),
        (
            "send_and_wait(on_update=1)",
            lambda c: c.send_and_wait(_msg(), on_update=1),
            "on_update",
        ),
        ("message_statuses([])", lambda c: c.message_statuses([]), "ids"),
        ("message_statuses([0])", lambda c: c.message_statuses([0]), "ids[0]"),
        ("message_statuses('1')", lambda c: c.message_statuses("1"), "ids"),
        (
            "message_statuses(sms_ids=['a b'])",
            lambda c: c.message_statuses(sms_ids=["a b"]),
            "sms_ids[0]",
        ),
    ],
}


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_bad_job_ids_are_refused(
    vendor: str, flavour: Flavour, served: dict[str, Simulator]
) -> None:
    kit = KITS[vendor]
    assert not problems_with(flavour, kit, served[vendor], job_id_calls(kit))


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_bad_wait_arguments_are_refused(
    vendor: str, flavour: Flavour, served: dict[str, Simulator]
) -> None:
    kit = KITS[vendor]
    assert not problems_with(flavour, kit, served[vendor], wait_arg_calls(kit))


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_bad_operation_arguments_are_refused(
    vendor: str, flavour: Flavour, served: dict[str, Simulator]
) -> None:
    kit = KITS[vendor]
    assert not problems_with(flavour, kit, served[vendor], OPERATION_CALLS[vendor])


# --- constructors ------------------------------------------------------------------------------


def constructor_calls(kit: Kit, flavour: Flavour, sim: Simulator) -> list[BadCall]:
    cls = kit.sync_cls if flavour == "sync" else kit.async_cls
    cred = {kit.cred_kw: sim.credential}
    host = sim.url.removeprefix("http://")
    secret = canary("pw")
    calls: list[BadCall] = [
        ("base_url without a scheme", lambda _: cls(base_url=host, **cred), "base_url"),
        ("base_url ftp://", lambda _: cls(base_url="ftp://" + host, **cred), "base_url"),
        ("base_url http://", lambda _: cls(base_url="http://", **cred), "base_url"),
        (
            "base_url with user:password@",
            lambda _: cls(base_url=f"http://user:{secret}@{host}", **cred),
            "base_url",
        ),
        (
            "base_url with a query",
            lambda _: cls(base_url=sim.url + "?x=1", **cred),
            "base_url",
        ),
        ("base_url=5", lambda _: cls(base_url=5, **cred), "base_url"),
        ("base_url='http://[::1'", lambda _: cls(base_url="http://[::1", **cred), "base_url"),
        (f"{kit.cred_kw}=''", lambda _: cls(base_url=sim.url, **{kit.cred_kw: ""}), kit.cred_kw),
        (
            f"{kit.cred_kw}='   '",
            lambda _: cls(base_url=sim.url, **{kit.cred_kw: "   "}),
            kit.cred_kw,
        ),
        (
            f"{kit.cred_kw}=12345",
            lambda _: cls(base_url=sim.url, **{kit.cred_kw: 12345}),
            kit.cred_kw,
        ),
        (
            f"{kit.cred_kw} with a line break",
            lambda _: cls(base_url=sim.url, **{kit.cred_kw: "ab\ncd"}),
            kit.cred_kw,
        ),
        *[
            (
                f"{kit.cred_kw}={bad!r} (illegal in a header or XML, or too short to redact)",
                lambda _, b=bad: cls(base_url=sim.url, **{kit.cred_kw: b}),
                kit.cred_kw,
            )
            for bad in (
                "abcd\x0befgh",
                "abcd\refgh",
                "abcd\x00efgh",
                "abcd\x7fefgh",
                "abcd\ud800efgh",
                "short",
                "1234567",
            )
        ],
        *[
            (
                f"base_url {bad}",
                lambda _, u=sim.url + bad: cls(base_url=u, **cred),
                "base_url",
            )
            for bad in ("?", "#", "/tenant?", "/tenant#")
        ],
        *[
            (
                f"base_url port {port}",
                lambda _, p=port: cls(base_url=f"http://127.0.0.1:{p}", **cred),
                "base_url",
            )
            for port in (0, 65536, 99999)
        ],
        ("policy='fast'", lambda _: cls(base_url=sim.url, policy="fast", **cred), "policy"),
    ]
    for bad in BAD_TIMEOUTS:
        calls.append(
            (
                f"timeout={bad!r}",
                lambda _, b=bad: cls(base_url=sim.url, timeout=b, **cred),
                "timeout",
            )
        )
    if kit.vendor == "phrase-tms":
        calls += [
            (
                "auth_scheme='Basic'",
                lambda _: cls(base_url=sim.url, auth_scheme="Basic", **cred),
                "auth_scheme",
            ),
            (
                "username without password",
                lambda _: cls(base_url=sim.url, username="u"),
                "password",
            ),
            (
                "token and password",
                lambda _: cls(base_url=sim.url, username="u", password="p", **cred),
                "token",
            ),
        ]
    if kit.vendor == "veza":
        calls.append(("tenant='a b'", lambda _: cls(tenant="a b", **cred), "tenant"))
    if kit.vendor == "alphasms":
        calls.append(
            ("api_key with a space", lambda _: cls(base_url=sim.url, api_key="a b"), "api_key")
        )
    return [(label, call, name) for label, call, name in calls]


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_bad_client_settings_are_refused(
    vendor: str, flavour: Flavour, served: dict[str, Simulator], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TOKEN", "API_KEY", "URL"):
        for prefix in ("PHRASE_TMS", "PHRASE_MT", "VEZA", "EDENAI", "ALPHASMS"):
            monkeypatch.delenv(f"{prefix}_{name}", raising=False)
    kit, sim = KITS[vendor], served[vendor]
    found = []
    for label, call, name in constructor_calls(kit, flavour, sim):
        before = len(sim.requests)
        try:
            call(None)
        except (ValueError, TypeError) as exc:
            if name not in str(exc):
                found.append(f"{label}: {type(exc).__name__}({exc}) does not name {name!r}")
            if "pw-" in str(exc):
                found.append(f"{label}: the message shows the password: {exc}")
        except Exception as exc:
            found.append(f"{label}: raised {exc!r}, not a ValueError/TypeError")
        else:
            found.append(f"{label}: accepted")
        if len(sim.requests) != before:
            found.append(f"{label}: sent a request")
    assert not found


# --- the policy and many-job waits -------------------------------------------------------------

POLICY_FIELDS = (
    "initial_delay",
    "multiplier",
    "max_delay",
    "min_delay",
    "jitter",
    "request_timeout",
    "min_poll_time",
)


@pytest.mark.parametrize("field", POLICY_FIELDS)
@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, -math.inf, "1", None, True])
def test_bad_policy_numbers_are_refused(field: str, bad: Any) -> None:
    with pytest.raises((ValueError, TypeError), match=field):
        jobpoll.PollPolicy(**{field: bad})


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"max_delay": 0}, "max_delay"),
        ({"request_timeout": 0}, "request_timeout"),
        ({"min_poll_time": 0}, "min_poll_time"),
        ({"multiplier": 0.5}, "multiplier"),
        ({"jitter": 1.0}, "jitter"),
        ({"min_delay": 10, "max_delay": 5}, "min_delay"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"max_attempts": 1.5}, "max_attempts"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 2.0}, "max_retries"),
        ({"max_retries": True}, "max_retries"),
    ],
)
def test_bad_policy_values_are_refused(changes: dict[str, Any], name: str) -> None:
    with pytest.raises((ValueError, TypeError), match=name):
        jobpoll.PollPolicy(**changes)
    with pytest.raises((ValueError, TypeError), match=name):
        jobpoll.PollPolicy().replace(**changes)


NO_EXTRA = object()


@pytest.mark.parametrize(
    ("kw", "extra", "name"),
    [
        ({"concurrency": 0}, NO_EXTRA, "concurrency"),
        ({"concurrency": 1.5}, NO_EXTRA, "concurrency"),
        ({"concurrency": True}, NO_EXTRA, "concurrency"),
        ({"rate": 0}, NO_EXTRA, "rate"),
        ({"rate": math.nan}, NO_EXTRA, "rate"),
        ({"rate": {"veza": -1}}, NO_EXTRA, "rate"),
        ({"timeout": -1}, NO_EXTRA, "timeout"),
        ({"timeout": math.nan}, NO_EXTRA, "timeout"),
        ({"policy": "fast"}, NO_EXTRA, "policy"),
        ({}, "", "job_id"),
        ({}, "..", "job_id"),
        ({}, None, "job_id"),
    ],
)
@pytest.mark.parametrize("entry", ["wait_all", "as_completed"])
def test_bad_many_job_arguments_are_refused(
    entry: str, kw: dict[str, Any], extra: Any, name: str, served: dict[str, Simulator]
) -> None:
    """A bad argument, or one bad job id among good ones: refused before any request."""
    sim, kit = served["veza"], KITS["veza"]
    good = sim.add_job(duration=1)  # type: ignore[attr-defined]

    async def go() -> None:
        client = kit.client("async", sim.url, sim.credential, clock=FakeClock())
        pairs = [(client, good)] + ([] if extra is NO_EXTRA else [(client, extra)])
        try:
            if entry == "wait_all":
                await jobpoll.wait_all(pairs, **kw)
            else:
                async for _ in jobpoll.as_completed(pairs, **kw):
                    pass
        finally:
            await client.close()

    before = len(sim.requests)
    with pytest.raises((ValueError, TypeError), match=name):
        asyncio.run(go())
    assert len(sim.requests) == before
