"""The fault matrix: one table of (fault, expected outcome), with per-vendor differences.

Every :class:`Row` is run for each of the five vendors, sync and async, over real HTTP on
127.0.0.1 (``test_fault_matrix.py``); ``report.py`` renders the same table into RELIABILITY.md.
A row arms its fault on the simulator's status endpoint (op ``poll``) before the wait starts;
``times=1`` faults hit the first poll only ("once"), ``times=None`` every poll ("burst", longer
than any retry bound). Unless a row says otherwise the job takes 10 s of simulated time, the
wait has a 300 s deadline, and the client runs on the vendor's default :class:`PollPolicy`
(without jitter), on a :class:`FakeClock` shared with the simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

import jobpoll
from jobpoll.testing import Fault, Simulator

from ._kit import Kit

Arm = Callable[[Kit, Simulator], None]
During = Callable[[Simulator, str], None]

BOUND: Literal["bound"] = "bound"
"""``Expect.polls``: every poll the retry bound allows (``max_retries + 1``), then the error."""

DEADLINE = 300.0
DURATION = 10.0


@attrs.frozen
class Expect:
    """What a wait must end with."""

    error: type[jobpoll.Error] | None = None
    """The exact error type raised; None: the wait succeeds."""
    polls: int | Literal["bound"] | None = None
    """Status requests sent, exactly (None: not checked)."""
    retried: int | None = None
    """On success: the transient failures the final status counts (None: not checked)."""
    status_code: int | None = None
    """On an APIError: its ``status_code``."""
    note: str = ""

    def polls_for(self, policy: jobpoll.PollPolicy) -> int | None:
        return policy.max_retries + 1 if self.polls == BOUND else self.polls  # type: ignore[return-value]

    def words(self, policy: jobpoll.PollPolicy) -> str:
        """The outcome in a few words, as the RELIABILITY.md table shows it."""
        polls = self.polls_for(policy)
        if self.error is None:
            text = "succeeds"
            if self.retried:
                text += f" after {self.retried} retr{'y' if self.retried == 1 else 'ies'}"
            elif self.retried == 0:
                text += ", no retry"
        else:
            text = self.error.__name__
            if self.status_code is not None:
                text += f" {self.status_code}"
            if polls == 1:
                text += " at once"
            elif polls is not None:
                text += f" after {polls} polls"
        return f"{text} ({self.note})" if self.note else text


@attrs.frozen
class Variant:
    """A vendor's difference from a row's default: another way to arm it, another outcome."""

    arm: Arm | None = None
    expect: Expect | None = None


@attrs.frozen
class Row:
    """One fault and its expected outcome."""

    id: str
    group: str
    fault: str
    """The fault in words."""
    arm: Arm | None
    expect: Expect
    vendors: Mapping[str, Variant] = attrs.field(factory=dict)
    policy: Mapping[str, Any] = attrs.field(factory=dict)
    """Changes to the vendor's default policy."""
    timeout: float = DEADLINE
    duration: float = DURATION
    during: During | None = None
    """Called with (simulator, job id) at the wait's first status update."""
    credential: Callable[[Simulator], str] | None = None
    """The credential the client is given (default: the simulator's)."""
    refused: bool = False
    """Point the client at a port that refuses connections instead of the simulator."""
    real_clock: bool = False
    """Wait on the real clock (the deadline is then checked in real time)."""
    once: bool = False
    """Every armed fault must have been used up by the end."""
    memory_cap: int | None = None
    """Bound on the peak of traced allocations during the wait, in bytes."""
    check: Callable[[Any], None] | None = None
    """An extra check, given the run's result."""

    def arm_for(self, vendor: str) -> Arm | None:
        variant = self.vendors.get(vendor)
        return variant.arm if variant is not None and variant.arm is not None else self.arm

    def expect_for(self, vendor: str) -> Expect:
        variant = self.vendors.get(vendor)
        return variant.expect if variant is not None and variant.expect is not None else self.expect

    def policy_for(self, kit: Kit) -> jobpoll.PollPolicy:
        return kit.policy.replace(**self.policy)


# --- arming ------------------------------------------------------------------------------------


def on_poll(fault: Fault | Callable[[Kit], Fault], times: int | None = 1) -> Arm:
    """Arm ``fault`` (or ``fault(kit)``) on the status endpoint, for ``times`` polls."""

    def arm(kit: Kit, sim: Simulator) -> None:
        value = fault(kit) if callable(fault) else fault
        sim.fault(value, times=times, op="poll")

    return arm


def raw(make: Callable[[Kit], bytes], status: int = 200) -> Callable[[Kit], Fault]:
    return lambda kit: Fault.raw(make(kit), status=status, content_type=kit.content_type)


SUCCEEDS_AFTER_ONE = Expect(retried=1)
SUCCEEDS_UNHARMED = Expect(retried=0)


# --- extra checks ------------------------------------------------------------------------------


def first_sleep_is(seconds: float | Callable[[jobpoll.PollPolicy], float]) -> Callable[[Any], None]:
    """The delay after the faulted first poll was ``seconds`` (kept within the policy's
    bounds): the server's Retry-After honoured, or the policy's own backoff."""

    def check(result: Any) -> None:
        want = seconds(result.policy) if callable(seconds) else result.policy.clamp(seconds)
        assert result.clock.sleeps, "the wait never slept"
        assert result.clock.sleeps[0] == want, (result.clock.sleeps, want)

    return check


def every_sleep_is(seconds: float) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        want = result.policy.clamp(seconds)
        assert result.clock.sleeps
        assert set(result.clock.sleeps) == {want}, (result.clock.sleeps, want)

    return check


def saw_unrecognized(result: Any) -> None:
    """The unknown word was handed out as a not-finished, unrecognized status."""
    odd = [s for s in result.updates if not s.recognized]
    assert odd, "no update had recognized=False"
    assert all(s.vendor_status == "PAUSED" and not s.done for s in odd)


def kept_status(result: Any) -> None:
    """A WaitTimeout keeps the last status seen and a token to resume from."""
    err = result.error
    assert err.status is not None and not err.status.done
    assert err.resume_token is not None
    state = jobpoll.parse_token(err.resume_token)
    assert (state.vendor, state.job_id) == (result.kit.vendor, result.job_id)


def failed_after_expiry(result: Any) -> None:
    assert result.clock.now() >= CREDENTIAL_LIFETIME


def within_one_request_timeout(result: Any) -> None:
    """On the real clock: the wait ended no later than one request timeout past its deadline."""
    limit = result.row.timeout + result.policy.request_timeout
    assert result.elapsed <= limit, f"took {result.elapsed:.3f} s, deadline {limit:.3f} s"


CREDENTIAL_LIFETIME = 20.0


def expiring_credential(sim: Simulator) -> str:
    token = f"expiring-{sim.VENDOR}-credential"
    sim.grant(token, expires_in=CREDENTIAL_LIFETIME)
    return token


def wrong_credential(sim: Simulator) -> str:
    return f"wrong-{sim.VENDOR}-credential"


def revoke(sim: Simulator, job_id: str) -> None:
    sim.revoke()


def rotate(sim: Simulator, job_id: str) -> None:
    sim.rotate()


def forget(sim: Simulator, job_id: str) -> None:
    sim.forget(job_id)


# --- the table ---------------------------------------------------------------------------------

MB = 1024 * 1024
HUGE_MEMORY_CAP = 24 * MB
"""A 50 MiB body must not be read whole: traced allocations stay under this during the wait."""

ROWS: list[Row] = []


def row(*args: Any, **kw: Any) -> None:
    ROWS.append(Row(*args, **kw))


# Rate limits ---------------------------------------------------------------------------------
row(
    "429-retry-after-seconds",
    "rate limits",
    "429 with `Retry-After: 7` (seconds), once",
    on_poll(Fault.http(429, retry_after=7)),
    SUCCEEDS_AFTER_ONE,
    once=True,
    check=first_sleep_is(7.0),
)
row(
    "429-retry-after-date",
    "rate limits",
    "429 with `Retry-After` as an HTTP-date 7 s ahead, once",
    on_poll(Fault.http(429, retry_after=7, retry_after_date=True)),
    SUCCEEDS_AFTER_ONE,
    once=True,
    check=first_sleep_is(7.0),
)
row(
    "429-no-retry-after",
    "rate limits",
    "429 without `Retry-After`, once",
    on_poll(Fault.http(429)),
    SUCCEEDS_AFTER_ONE,
    once=True,
    check=first_sleep_is(lambda policy: policy.backoff(1, lambda: 0.5)),
)
row(
    "vendor-rate-limit",
    "rate limits",
    "the vendor's own rate-limit answer, once (AlphaSMS: `<error>212</error>` ERR_THROTTLE "
    "with HTTP 200; Phrase MT: 429 with `Retry-After: 1`; others: 429)",
    on_poll(Fault.rate_limit()),
    SUCCEEDS_AFTER_ONE,
    once=True,
)
row(
    "429-burst",
    "rate limits",
    "429 with `Retry-After: 7` on every poll",
    on_poll(Fault.http(429, retry_after=7), times=None),
    Expect(jobpoll.RateLimited, polls=BOUND, status_code=429),
    check=every_sleep_is(7.0),
)
row(
    "429-retry-after-past-deadline",
    "rate limits",
    "429 with `Retry-After: 1000` on every poll, 60 s deadline",
    on_poll(Fault.http(429, retry_after=1000), times=None),
    Expect(jobpoll.WaitTimeout, note="the deadline beats Retry-After"),
    timeout=60.0,
)
row(
    "vendor-rate-limit-burst",
    "rate limits",
    "the vendor's own rate-limit answer on every poll (AlphaSMS: ERR_THROTTLE 212)",
    on_poll(Fault.rate_limit(), times=None),
    Expect(jobpoll.RateLimited, polls=BOUND, status_code=429),
    vendors={
        "alphasms": Variant(
            expect=Expect(jobpoll.RateLimited, polls=BOUND, status_code=200, note="HTTP 200")
        )
    },
)

# Server errors -------------------------------------------------------------------------------
for code in (500, 502, 503, 504, 520):
    row(
        f"http-{code}-once",
        "server errors",
        f"HTTP {code}, once",
        on_poll(Fault.http(code)),
        SUCCEEDS_AFTER_ONE,
        once=True,
    )
for code in (500, 502, 503, 504, 520):
    row(
        f"http-{code}-burst",
        "server errors",
        f"HTTP {code} on every poll",
        on_poll(Fault.http(code), times=None),
        Expect(jobpoll.APIError, polls=BOUND, status_code=code),
    )

# Connections ---------------------------------------------------------------------------------
row(
    "connection-refused",
    "connections",
    "connection refused (a port nothing listens on)",
    None,
    Expect(jobpoll.TransportError, polls=BOUND),
    refused=True,
)
row(
    "dropped-once",
    "connections",
    "connection closed without an answer, once",
    on_poll(Fault.drop()),
    SUCCEEDS_AFTER_ONE,
    once=True,
)
row(
    "reset-mid-body-once",
    "connections",
    "connection reset mid-body (half the body, then closed), once",
    on_poll(Fault.truncated()),
    SUCCEEDS_AFTER_ONE,
    once=True,
)
row(
    "reset-mid-body-burst",
    "connections",
    "connection reset mid-body on every poll",
    on_poll(Fault.truncated(), times=None),
    Expect(jobpoll.TransportError, polls=BOUND),
)
row(
    "read-timeout-once",
    "connections",
    "an answer 0.5 s late with `request_timeout=0.2`, once",
    on_poll(Fault.slow(0.5)),
    SUCCEEDS_AFTER_ONE,
    policy={"request_timeout": 0.2},
    once=True,
)
row(
    "never-answers-burst",
    "connections",
    "a server that never answers (`request_timeout=0.05`, `max_retries=2`)",
    on_poll(Fault.slow(30), times=None),
    Expect(jobpoll.TransportError, polls=3),
    policy={"request_timeout": 0.05, "max_retries": 2},
)
row(
    "never-answers-deadline",
    "connections",
    "a server that never answers, 0.2 s deadline on the real clock (`request_timeout=0.1`)",
    on_poll(Fault.slow(30), times=None),
    Expect(jobpoll.WaitTimeout, note="within one request timeout of the deadline"),
    policy={"request_timeout": 0.1, "min_poll_time": 0.05, "max_retries": 100},
    timeout=0.2,
    real_clock=True,
    check=within_one_request_timeout,
)

# Bodies --------------------------------------------------------------------------------------
row(
    "truncated-body-once",
    "bodies",
    "truncated JSON/XML (complete HTTP message), once",
    on_poll(raw(Kit.truncated_body)),
    SUCCEEDS_AFTER_ONE,
    once=True,
)
row(
    "truncated-body-burst",
    "bodies",
    "truncated JSON/XML on every poll",
    on_poll(raw(Kit.truncated_body), times=None),
    Expect(jobpoll.MalformedResponse, polls=BOUND, status_code=200),
)
row(
    "html-200-once",
    "bodies",
    "an HTML error page with HTTP 200, once",
    on_poll(Fault.html(200)),
    SUCCEEDS_AFTER_ONE,
    once=True,
)
row(
    "html-200-burst",
    "bodies",
    "an HTML error page with HTTP 200 on every poll",
    on_poll(Fault.html(200), times=None),
    Expect(jobpoll.MalformedResponse, polls=BOUND, status_code=200),
)
row(
    "html-502-once",
    "bodies",
    "an HTML error page with HTTP 502, once",
    on_poll(Fault.html(502)),
    SUCCEEDS_AFTER_ONE,
    once=True,
)
row(
    "html-502-burst",
    "bodies",
    "an HTML error page with HTTP 502 on every poll",
    on_poll(Fault.html(502), times=None),
    Expect(jobpoll.APIError, polls=BOUND, status_code=502),
)
row(
    "empty-body-once",
    "bodies",
    "an empty body with HTTP 200, once",
    on_poll(Fault.empty()),
    SUCCEEDS_AFTER_ONE,
    once=True,
)
row(
    "empty-body-burst",
    "bodies",
    "an empty body with HTTP 200 on every poll",
    on_poll(Fault.empty(), times=None),
    Expect(jobpoll.MalformedResponse, polls=BOUND, status_code=200),
)
row(
    "huge-body-once",
    "bodies",
    "a 50 MiB body without Content-Length (chunked), once: the 8 MiB cap stops the read",
    on_poll(Fault.huge(50, chunked=True)),
    SUCCEEDS_AFTER_ONE,
    once=True,
    memory_cap=HUGE_MEMORY_CAP,
)
row(
    "huge-body-burst",
    "bodies",
    "a 50 MiB body (Content-Length declared) on every poll: refused unread",
    on_poll(Fault.huge(50), times=None),
    Expect(jobpoll.MalformedResponse, polls=BOUND, status_code=200),
    memory_cap=HUGE_MEMORY_CAP,
)

# Shapes --------------------------------------------------------------------------------------
_TMS_NO_WORD = Fault.status_value("PAUSED", field="asyncResponse")
row(
    "unknown-status-once",
    "shapes",
    "an unknown status value (`PAUSED`), once",
    on_poll(Fault.status_value("PAUSED")),
    Expect(retried=0, note="an unrecognized, unfinished status"),
    vendors={
        "phrase-tms": Variant(
            arm=on_poll(_TMS_NO_WORD),
            expect=Expect(retried=1, note='no status word: `asyncResponse: "PAUSED"`'),
        )
    },
    once=True,
)
row(
    "unknown-status-forever",
    "shapes",
    "an unknown status value on every poll",
    on_poll(Fault.status_value("PAUSED"), times=None),
    Expect(jobpoll.WaitTimeout, note="at the deadline: it never looks finished"),
    vendors={
        "phrase-tms": Variant(
            arm=on_poll(_TMS_NO_WORD, times=None),
            expect=Expect(jobpoll.MalformedResponse, polls=BOUND, status_code=200),
        )
    },
    check=None,
)
_MISSING = {
    "phrase-tms": ("asyncResponse", 0),
    "phrase-mt": ("status", 1),
    "veza": ("state", 0),
    "edenai": ("status", 1),
    "alphasms": ("status", 1),
}
row(
    "missing-field-once",
    "shapes",
    "the status field missing (Phrase TMS `asyncResponse`, Veza `state`, others `status`), once",
    None,
    SUCCEEDS_AFTER_ONE,
    vendors={
        vendor: Variant(
            arm=on_poll(Fault.missing_field(name)),
            expect=Expect(
                retried=retried,
                note="absent reads as pending" if vendor == "phrase-tms" else "",
            )
            if retried == 0
            else None,
        )
        for vendor, (name, retried) in _MISSING.items()
    },
    once=True,
)
_NOT_FINISHED = Expect(jobpoll.WaitTimeout, note="absent reads as not finished")
row(
    "missing-field-forever",
    "shapes",
    "the status field missing on every poll",
    None,
    Expect(jobpoll.MalformedResponse, polls=BOUND, status_code=200),
    vendors={
        vendor: Variant(
            arm=on_poll(Fault.missing_field(name), times=None),
            expect=_NOT_FINISHED if retried == 0 else None,
        )
        for vendor, (name, retried) in _MISSING.items()
    },
)
row(
    "null-object-once",
    "shapes",
    "`null` where an object is documented (the whole document: `null`, `<job/>`), once",
    on_poll(raw(Kit.null_body)),
    SUCCEEDS_AFTER_ONE,
    once=True,
)
row(
    "null-object-forever",
    "shapes",
    "`null` where an object is documented, on every poll",
    on_poll(raw(Kit.null_body), times=None),
    Expect(jobpoll.MalformedResponse, polls=BOUND, status_code=200),
)
row(
    "extra-fields",
    "shapes",
    "extra unknown fields (nested) on every poll",
    on_poll(
        Fault.extra_fields({"jobpollSurprise": {"nested": ["1", {"deep": "x"}]}, "more": "y"}),
        times=None,
    ),
    SUCCEEDS_UNHARMED,
)

# Jobs ----------------------------------------------------------------------------------------
row(
    "job-disappears",
    "jobs",
    "the job disappears mid-wait (404; Phrase MT: 500 naming the job; AlphaSMS: NOTFOUND)",
    None,
    Expect(jobpoll.JobNotFound, polls=2),
    during=forget,
)
row(
    "never-finishes",
    "jobs",
    "a job that never finishes (300 s deadline)",
    None,
    Expect(jobpoll.WaitTimeout, note="at the deadline, with a resume token"),
    duration=1e9,
    check=kept_status,
)

# Credentials ---------------------------------------------------------------------------------
row(
    "bad-credentials",
    "credentials",
    "bad credentials (AlphaSMS: `<error>202</error>`)",
    None,
    Expect(jobpoll.AuthError, polls=1),
    credential=wrong_credential,
)
row(
    "revoked-mid-wait",
    "credentials",
    "the credential revoked mid-wait (`sim.revoke()`)",
    None,
    Expect(jobpoll.AuthError, polls=2),
    during=revoke,
)
row(
    "rotated-mid-wait",
    "credentials",
    "the credential rotated mid-wait (`sim.rotate()`)",
    None,
    Expect(jobpoll.AuthError, polls=2),
    during=rotate,
)
row(
    "credential-expires",
    "credentials",
    f"a credential that expires {CREDENTIAL_LIFETIME:g} s into the wait",
    None,
    Expect(jobpoll.AuthError, note="at the first poll after expiry"),
    credential=expiring_credential,
    duration=1e9,
    check=failed_after_expiry,
)

ROW_IDS = [r.id for r in ROWS]
assert len(set(ROW_IDS)) == len(ROW_IDS), "row ids must be unique"
