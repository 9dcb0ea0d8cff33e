"""Phrase TMS end to end: pre-translate and async requests against the served simulator."""

from __future__ import annotations

import pytest

import jobpoll
from jobpoll import JobState
from jobpoll.phrase_tms import Limits
from jobpoll.testing import Fault

from .conftest import assert_secret_not_in_urls, states

PROJECT = "simProjectUid01"


async def test_full_cycle_pre_translate_watch(phrase_tms_sim, connect, fake_clock):
    phrase_tms_sim.next_job(duration=30)
    tms = connect(phrase_tms_sim)

    ref = await tms("pre_translate", PROJECT, ["job1", "job2"], segment_filters=["NOT_LOCKED"])
    seen = await tms.watch(ref.id)

    assert ref.action == "PRE_TRANSLATE"
    assert states(seen) == ["running", "succeeded"]
    assert [s.vendor_status for s in seen] == ["pending", "finished"]
    assert seen[-1].detail == "PRE_TRANSLATE finished"
    assert seen[-1].response.async_response.accepted_segments_count == 20
    assert fake_clock.now() >= 30
    submit = phrase_tms_sim.requests[0]
    assert (submit.method, submit.path) == (
        "POST",
        f"/web/api2/v2/projects/{PROJECT}/jobs/preTranslate",
    )
    assert submit.json()["jobs"] == [{"uid": "job1"}, {"uid": "job2"}]
    assert submit.json()["segmentFilters"] == ["NOT_LOCKED"]
    polls = [r for r in phrase_tms_sim.requests if r.op == "poll"]
    assert {r.path for r in polls} == {f"/web/api2/v1/async/{ref.id}"}
    for req in phrase_tms_sim.requests:
        assert req.headers["authorization"] == f"ApiToken {phrase_tms_sim.token}"
    assert_secret_not_in_urls(phrase_tms_sim, phrase_tms_sim.token)


async def test_pre_translate_and_wait_reports_progress_and_warnings(phrase_tms_sim, connect):
    warning = {"code": "MissingTM", "message": "No translation memory for de"}
    phrase_tms_sim.next_job(duration=20, result=[warning])
    updates = []

    final = await connect(phrase_tms_sim)(
        "pre_translate_and_wait", PROJECT, ["job1"], on_update=updates.append
    )

    assert final.state is JobState.SUCCEEDED
    assert final.warnings == ("MissingTM: No translation memory for de",)
    assert updates[0].state is JobState.RUNNING and updates[-1] == final


async def test_pending_lists_every_page_and_limits_counts(phrase_tms_sim, connect):
    ids = [phrase_tms_sim.add_job(duration=100) for _ in range(5)]
    phrase_tms_sim.add_job(duration=0)  # finished already: not pending
    phrase_tms_sim.other_pending = 3
    tms = connect(phrase_tms_sim)

    pending = await tms("pending", page_size=2)
    limits = await tms("limits")

    assert [str(dto.id) for dto in pending] == ids
    lists = [r for r in phrase_tms_sim.requests if r.op == "list"]
    assert [r.params for r in lists] == [{"pageNumber": str(n), "pageSize": "2"} for n in range(3)]
    assert limits == Limits(limit=200, count=8)
    assert not limits.full


async def test_wait_for_capacity_submits_once_the_org_has_room(phrase_tms_sim, connect, fake_clock):
    phrase_tms_sim.async_limit = 2
    busy = [phrase_tms_sim.add_job(duration=45) for _ in range(2)]
    tms = connect(phrase_tms_sim)
    assert (await tms("limits")).full

    final = await tms("pre_translate_and_wait", PROJECT, ["job1"], wait_for_capacity=True)

    assert final.state is JobState.SUCCEEDED
    submits = [r for r in phrase_tms_sim.requests if r.op == "submit"]
    assert len(submits) == 1  # never refused: it asked first
    assert submits[0].time >= 45
    checks = [r for r in phrase_tms_sim.requests if r.op == "limits"]
    assert len(checks) > 3
    assert final.job_id not in busy


async def test_wait_for_capacity_gives_up_within_the_timeout_without_submitting(
    phrase_tms_sim, connect
):
    phrase_tms_sim.async_limit = 1
    phrase_tms_sim.other_pending = 1  # another user's request that never ends
    tms = connect(phrase_tms_sim, timeout=30)

    with pytest.raises(jobpoll.CallTimeout, match="nothing was submitted"):
        await tms("pre_translate", PROJECT, ["job1"], wait_for_capacity=True)

    assert not [r for r in phrase_tms_sim.requests if r.op == "submit"]


async def test_at_the_limit_without_waiting_the_submit_is_rate_limited(phrase_tms_sim, connect):
    phrase_tms_sim.async_limit = 1
    phrase_tms_sim.other_pending = 1
    tms = connect(phrase_tms_sim, policy=jobpoll.PollPolicy(max_retries=1))

    with pytest.raises(jobpoll.RateLimited):
        await tms("pre_translate", PROJECT, ["job1"])

    assert not phrase_tms_sim.jobs


async def test_login_with_user_name_and_password(phrase_tms_sim, connect):
    phrase_tms_sim.next_job(duration=10)
    tms = connect(phrase_tms_sim, username=phrase_tms_sim.user_name, password="sim-password")

    final = await tms("pre_translate_and_wait", PROJECT, ["job1"])

    assert final.state is JobState.SUCCEEDED
    login, *rest = phrase_tms_sim.requests
    assert (login.op, login.path) == ("login", "/web/api2/v1/auth/login")
    assert login.json() == {"userName": "sim-user", "password": "sim-password"}
    assert "authorization" not in login.headers
    tokens = {r.headers["authorization"] for r in rest}
    assert len(tokens) == 1 and tokens.pop().startswith("ApiToken ")
    assert [r.op for r in rest].count("login") == 0  # logged in once
    assert_secret_not_in_urls(phrase_tms_sim, "sim-password")


async def test_login_with_a_wrong_password_is_an_auth_error(phrase_tms_sim, connect):
    tms = connect(phrase_tms_sim, username="sim-user", password="wrong-pass-93ab")

    with pytest.raises(jobpoll.AuthError) as info:
        await tms("limits")

    assert "login as sim-user" in str(info.value)
    assert "wrong-pass-93ab" not in str(info.value)
    assert info.value.response is None  # its request carried the password


async def test_failed_request_raises_job_failed_with_error_details(phrase_tms_sim, connect):
    job_id = phrase_tms_sim.add_job(duration=15, outcome="failed", error_desc="No MT engine set")

    with pytest.raises(jobpoll.JobFailed) as info:
        await connect(phrase_tms_sim)("wait", job_id)

    assert info.value.errors == ("PreTranslateFailed: No MT engine set",)
    assert info.value.status.detail == "No MT engine set"
    assert info.value.job_id == job_id


async def test_unknown_request_is_not_found(phrase_tms_sim, connect):
    with pytest.raises(jobpoll.JobNotFound) as info:
        await connect(phrase_tms_sim)("wait", 123456789)
    assert info.value.job_id == "123456789"


async def test_wrong_token_is_an_auth_error(phrase_tms_sim, connect):
    job_id = phrase_tms_sim.add_job(duration=5)
    with pytest.raises(jobpoll.AuthError) as info:
        await connect(phrase_tms_sim, credential="tms-wrong-token-77")("wait", job_id)
    assert "tms-wrong-token-77" not in str(info.value)


async def test_rate_limited_polls_then_success(phrase_tms_sim, connect):
    job_id = phrase_tms_sim.add_job(duration=10)
    phrase_tms_sim.fault(Fault.rate_limit(retry_after=4), times=2, op="poll")

    final = await connect(phrase_tms_sim)("wait", job_id)

    assert final.state is JobState.SUCCEEDED
    assert final.stats.transient_failures == 2
    assert not phrase_tms_sim.faults


async def test_login_token_expiring_after_24_hours_logs_in_again(
    phrase_tms_sim, connect, fake_clock
):
    tms = connect(phrase_tms_sim, username="sim-user", password="sim-password")
    assert not (await tms("limits")).full
    job_id = phrase_tms_sim.add_job(duration=60)

    fake_clock.advance(25 * 3600)  # the login token lasts about 24 hours
    final = await tms("wait", job_id)

    assert final.state is JobState.SUCCEEDED
    assert [r.op for r in phrase_tms_sim.requests].count("login") == 2
    tokens = [r.headers.get("authorization") for r in phrase_tms_sim.requests if r.op == "poll"]
    assert len(set(tokens)) == 2  # the stale token once (401), then the new one


async def test_pre_translate_and_wait_timeout_bounds_the_wait_for_capacity_too(
    phrase_tms_sim, connect, fake_clock
):
    """``timeout`` of a whole-cycle call bounds the whole call (as translate_and_wait's does),
    not only the wait after the submit: at the limit, giving up takes at most ``timeout``."""
    phrase_tms_sim.async_limit = 1
    phrase_tms_sim.other_pending = 1  # never frees up
    tms = connect(phrase_tms_sim)  # the client's own timeout: the default 15 minutes

    with pytest.raises(jobpoll.CallTimeout):
        await tms("pre_translate_and_wait", PROJECT, ["job1"], wait_for_capacity=True, timeout=60)

    assert fake_clock.now() <= 60


async def test_cosmetic_nulls_never_block_a_submit_or_a_poll(phrase_tms_sim, connect):
    # issues #10/#11: dateCreated null (and other informational fields) in the 202 and the polls
    phrase_tms_sim.next_job(duration=120)  # polled more often than there are faults
    phrase_tms_sim.fault(Fault.null_field("asyncRequest.dateCreated"), op="submit")
    for field in ("dateCreated", "createdBy", "project", "action"):
        phrase_tms_sim.fault(Fault.null_field(field), op="poll")
    phrase_tms_sim.fault(Fault.extra_fields({"newField": {"x": [1]}}), op="poll")
    phrase_tms_sim.fault(Fault.null_field("asyncResponse.dateCreated"), times=None, op="poll")
    tms = connect(phrase_tms_sim)

    ref = await tms("pre_translate", PROJECT, ["job1"])
    final = await tms("wait", ref.id)

    assert ref.id in phrase_tms_sim.jobs and ref.date_created is None
    assert final.state is JobState.SUCCEEDED
    assert final.stats.transient_failures == 0
    assert [f for f in phrase_tms_sim.faults if f.times is not None] == []
