"""Resume tokens: round trip, refusal of foreign or tampered tokens, resuming in a new client."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

import jobpoll
from jobpoll._token import ResumeState, decode, encode
from jobpoll.testing import FakeClock

from ._toy import Script, Toy, ok


def test_round_trip():
    state = ResumeState(vendor="toy", job_id="j1", attempts=4, next_delay=2.5, deadline_at=1e9)
    assert decode(encode(state)) == state
    assert jobpoll.parse_token(encode(state), vendor="toy") == state


def test_token_is_compact_versioned_json_without_secrets():
    token = encode(ResumeState("toy", "j1", 1, None, None))
    prefix, payload, _ = token.split(".")
    assert prefix == "jobpoll1"
    body = json.loads(base64.urlsafe_b64decode(payload + "=="))
    assert body == {
        "v": 1,
        "vendor": "toy",
        "job": "j1",
        "attempts": 1,
        "next": None,
        "deadline": None,
    }
    assert len(token) < 200


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),
        lambda t: t.replace("jobpoll1", "jobpoll9"),
        lambda t: "garbage",
        lambda t: "",
        lambda t: t + ".extra",
        lambda t: "x" * 10_000,
    ],
)
def test_mangled_tokens_are_refused(mangle):
    token = encode(ResumeState("toy", "j1", 1, None, None))
    with pytest.raises(jobpoll.InvalidToken, match="invalid resume token"):
        decode(mangle(token))


def test_edited_payload_is_refused():
    token = encode(ResumeState("toy", "j1", 1, None, None))
    prefix, _, check = token.split(".")
    forged = base64.urlsafe_b64encode(
        json.dumps(
            {"v": 1, "vendor": "toy", "job": "other", "attempts": 0, "next": None, "deadline": None}
        ).encode()
    ).decode()
    with pytest.raises(jobpoll.InvalidToken, match="altered"):
        decode(f"{prefix}.{forged}.{check}")


def test_foreign_vendor_and_foreign_key_are_refused():
    token = encode(ResumeState("veza", "j1", 1, None, None))
    with pytest.raises(jobpoll.InvalidToken, match="for veza, not toy"):
        decode(token, vendor="toy")
    signed = encode(ResumeState("toy", "j1", 1, None, None), key=b"k1")
    assert decode(signed, key=b"k1").job_id == "j1"
    with pytest.raises(jobpoll.InvalidToken):
        decode(signed)


def test_token_is_not_an_error_for_non_strings():
    with pytest.raises(jobpoll.InvalidToken):
        decode(123)  # type: ignore[arg-type]


def test_wait_times_out_then_resumes_in_another_client_with_the_remaining_budget(monkeypatch):
    import jobpoll._token as tok

    wall = [1000.0]
    monkeypatch.setattr(tok.time, "time", lambda: wall[0])
    policy = jobpoll.PollPolicy(
        initial_delay=2, multiplier=2, jitter=0, max_delay=8, max_attempts=3
    )
    clock = FakeClock()
    with pytest.raises(jobpoll.WaitTimeout) as info:
        Toy(Script([ok("running")]), clock, policy=policy).wait("j7", timeout=100)
    token = info.value.resume_token
    assert token is not None
    state = decode(token)
    assert (state.job_id, state.attempts) == ("j7", 3)
    assert state.deadline_at == pytest.approx(1000 + 100 - clock.now())

    wall[0] += 10  # the other process starts ten seconds later
    clock2 = FakeClock()
    script2 = Script([ok("running"), ok("done")])
    final = Toy(script2, clock2, policy=policy.replace(max_attempts=None)).resume(token)
    assert final.done and final.stats.attempts == 5  # carried on counting
    assert clock2.sleeps[0] == 8.0  # the backoff carried on too (clamped to max_delay)


def test_resume_with_an_expired_budget_times_out_without_polling(monkeypatch):
    import jobpoll._token as tok

    monkeypatch.setattr(tok.time, "time", lambda: 5000.0)
    token = encode(ResumeState("toy", "j1", 2, 1.0, 4000.0))
    script = Script([ok("done")])
    with pytest.raises(jobpoll.WaitTimeout):
        Toy(script, FakeClock()).resume(token)
    assert script.requests == []


# --- observation 10: every malformed token is an InvalidToken; tokens are always there and finite


def _signed(payload: bytes) -> str:
    from jobpoll._token import _DEFAULT_KEY, _sign

    body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    return f"jobpoll1.{body}.{_sign(payload, _DEFAULT_KEY)}"


@pytest.mark.parametrize(
    "token",
    [
        "jobpoll1.e30.é" * 1,  # a check part that is not ASCII (TypeError before)
        "jobpoll1.e30.\udcff",
        _signed(b"[" * 100_000 + b"]" * 100_000)[:8192],  # too long: refused by size
        _signed(b"[" * 2_000 + b"]" * 2_000),  # nested past the parser's recursion limit
        _signed(b'{"v": 1, "vendor": "toy", "job": "j", "attempts": 1e999}'),
        _signed(b"\xff\xfe"),
    ],
    ids=["non-ascii-check", "surrogate-check", "huge", "deep", "inf-attempts", "not-utf8"],
)
def test_every_malformed_token_is_an_invalid_token(token):
    with pytest.raises(jobpoll.InvalidToken):
        decode(token)


def test_a_token_from_before_this_change_still_resumes(monkeypatch):
    import jobpoll._token as tok

    monkeypatch.setattr(tok.time, "time", lambda: 4102444700.0)  # 100 s before its deadline
    old = (
        "jobpoll1.eyJhdHRlbXB0cyI6MywiZGVhZGxpbmUiOjQxMDI0NDQ4MDAuMCwiam9iIjoiajEiLCJuZXh0Ijoy"
        "LjUsInYiOjEsInZlbmRvciI6InRveSJ9.aef2ac97584bc60fde11c29ba4a48667"
    )
    assert decode(old) == ResumeState("toy", "j1", 3, 2.5, 4102444800.0)
    final = Toy(Script([ok("done")]), FakeClock()).resume(old)
    assert final.done and final.stats.attempts == 4


def test_a_wait_that_saw_only_failures_still_yields_a_token_and_counts_its_polls():
    policy = jobpoll.PollPolicy(initial_delay=1, multiplier=1, jitter=0, max_retries=100)
    clock = FakeClock()
    script = Script([httpx.Response(503)])
    with pytest.raises(jobpoll.WaitTimeout) as info:
        Toy(script, clock, policy=policy).wait("j9", timeout=10)
    err = info.value
    assert err.status is None  # no good status was ever seen
    assert err.stats is not None and err.stats.attempts == len(script.requests) > 5
    assert err.stats.transient_failures == err.stats.attempts
    token = err.resume_token
    assert isinstance(token, str)
    state = decode(token)
    assert (state.job_id, state.attempts) == ("j9", err.stats.attempts)
    assert state.deadline_at is not None


def test_a_failed_wait_error_carries_its_attempts():
    clock = FakeClock()
    script = Script([ok("running"), httpx.Response(503), httpx.Response(401)])
    with pytest.raises(jobpoll.AuthError) as info:
        Toy(script, clock).wait("j", timeout=100)
    assert info.value.stats is not None and info.value.stats.attempts == 3


def test_tokens_are_finite_unless_the_user_asked_for_no_deadline():
    client = Toy(Script([ok("running")]), FakeClock(), timeout=60)
    assert decode(client.status("j").resume_token()).deadline_at is not None
    with pytest.raises(jobpoll.WaitTimeout) as info:
        client.wait("j", timeout=5)
    assert decode(info.value.resume_token).deadline_at is not None
    endless = jobpoll.PollPolicy(max_attempts=2)
    with pytest.raises(jobpoll.WaitTimeout) as info:
        client.wait("j", timeout=None, policy=endless)
    assert decode(info.value.resume_token).deadline_at is None  # asked for: timeout=None


def test_wait_timeout_pickles_without_its_response_and_keeps_its_token():
    import pickle

    with pytest.raises(jobpoll.WaitTimeout) as info:
        Toy(Script([ok("running")]), FakeClock()).wait("j", timeout=5)
    err = info.value
    assert err.response is not None
    back = pickle.loads(pickle.dumps(err))
    assert back.response is None
    assert (back.message, back.job_id, back.stats, back.status) == (
        err.message,
        err.job_id,
        err.stats,
        err.status,
    )
    assert decode(back.resume_token).job_id == "j"


# --- #13 item 6: a WaitTimeout always has a job and a token; no job to resume is a CallTimeout


def test_a_wait_timeout_cannot_be_made_without_a_job_and_its_stats():
    with pytest.raises(TypeError):
        jobpoll.WaitTimeout("late", vendor="toy")  # type: ignore[call-arg]
    err = jobpoll.WaitTimeout("late", vendor="toy", job_id="j1", stats=jobpoll.PollStats(4))
    assert (err.job_id, err.job_ids, decode(err.resume_token).attempts) == ("j1", ("j1",), 4)


def test_both_timeouts_are_timed_out_and_only_a_wait_has_a_token():
    assert issubclass(jobpoll.WaitTimeout, jobpoll.TimedOut)
    assert issubclass(jobpoll.CallTimeout, jobpoll.TimedOut)
    assert issubclass(jobpoll.TimedOut, jobpoll.Error)
    assert not issubclass(jobpoll.CallTimeout, jobpoll.WaitTimeout)
    call = jobpoll.CallTimeout("the deadline came before the submit succeeded", vendor="toy")
    assert call.resume_token is None and call.job_ids == ()


def test_a_one_shot_call_that_runs_out_of_time_is_a_call_timeout_naming_its_last_failure():
    from jobpoll._http import check

    def parse(response: httpx.Response) -> object:
        check(response, what="the toy result", secrets=())
        return response.json()

    clock = FakeClock()
    toy = Toy(Script([httpx.Response(503)]), clock, timeout=5)
    with pytest.raises(jobpoll.TimedOut) as info:
        toy._call({"method": "GET", "url": "/result"}, parse, idempotent=True)
    err = info.value
    assert isinstance(err, jobpoll.CallTimeout), err
    assert "503" in str(err) and isinstance(err.__cause__, jobpoll.APIError)
    assert err.resume_token is None and clock.now() <= 5.0


def test_a_wait_timeout_token_does_not_change_when_its_error_is_renamed():
    # A whole-cycle call names its jobs on the error afterwards; the token stays the wait's.
    with pytest.raises(jobpoll.WaitTimeout) as info:
        Toy(Script([ok("running")]), FakeClock()).wait("j", timeout=5)
    err = info.value
    err.job_ids = ("j", "k")
    assert decode(err.resume_token).job_id == "j"
