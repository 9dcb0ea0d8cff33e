"""Veza end to end: the public client against the served simulator, sync and async."""

from __future__ import annotations

import pytest

import jobpoll
from jobpoll import JobState
from jobpoll.testing import Fault

from .conftest import assert_secret_not_in_urls, states

SPEC = {"query_type": "SOURCE_TO_DESTINATION", "source_node_types": {"nodes": [{"type": "User"}]}}
RESULT = {"values": [{"id": "u-1", "type": "User"}], "count": 1}


async def test_full_cycle_submit_watch_result(veza_sim, connect, fake_clock):
    veza_sim.next_job(duration=40, result=RESULT)
    veza = connect(veza_sim)

    task_id = await veza("create_query_task", SPEC)
    seen = await veza.watch(task_id)
    result = await veza("result", task_id)

    assert states(seen) == ["queued", "running", "succeeded"]
    assert [s.vendor_status for s in seen][-1] == "SUCCEEDED"
    assert seen[-1].job_id == task_id and seen[-1].stats.attempts > 2
    assert result == RESULT
    assert fake_clock.now() >= 40
    submit = veza_sim.requests[0]
    assert (submit.method, submit.path) == (
        "POST",
        "/api/v1/assessments/query_spec:result_async_create",
    )
    assert submit.json() == SPEC
    polls = [r for r in veza_sim.requests if r.op == "poll"]
    assert {r.path for r in polls} == {f"/api/v1/assessments/async_tasks/{task_id}"}
    for req in veza_sim.requests:
        assert req.headers["authorization"] == f"Bearer {veza_sim.api_key}"
    assert_secret_not_in_urls(veza_sim, veza_sim.api_key)


@pytest.mark.parametrize(
    ("submit_wrapping", "poll_wrapping", "emit_defaults"),
    [("bare", "bare", True), ("value", "value", True), ("task", "value", False)],
)
async def test_run_query_reads_bare_value_and_task_wrapping(
    veza_sim, connect, submit_wrapping, poll_wrapping, emit_defaults
):
    veza_sim.submit_wrapping = submit_wrapping
    veza_sim.poll_wrapping = poll_wrapping
    veza_sim.emit_defaults = emit_defaults
    veza_sim.next_job(duration=12, result=RESULT)
    updates = []

    result = await connect(veza_sim)("run_query", SPEC, on_update=updates.append)

    assert result == RESULT
    assert updates[-1].state is JobState.SUCCEEDED


async def test_failed_task_raises_job_failed_with_the_reason(veza_sim, connect):
    task_id = veza_sim.add_job(
        duration=8, outcome="failed", error_reason="query timed out", error_status=4
    )
    veza = connect(veza_sim)

    with pytest.raises(jobpoll.JobFailed) as info:
        await veza("wait", task_id)

    err = info.value
    assert (err.vendor, err.job_id) == ("veza", task_id)
    assert err.errors == ("query timed out (error_status 4 DEADLINE_EXCEEDED)",)
    assert err.status.state is JobState.FAILED
    assert err.resume_token is None
    with pytest.raises(jobpoll.JobFailed):
        await veza("result", task_id)


async def test_canceled_task_raises_job_canceled(veza_sim, connect):
    task_id = veza_sim.add_job(duration=6, outcome="canceled")

    with pytest.raises(jobpoll.JobCanceled) as info:
        await connect(veza_sim)("wait", task_id)

    assert info.value.job_id == task_id
    assert info.value.status.vendor_status == "CANCELED"


async def test_unknown_task_is_not_found(veza_sim, connect):
    with pytest.raises(jobpoll.JobNotFound) as info:
        await connect(veza_sim)("wait", "no-such-task")
    assert info.value.job_id == "no-such-task"
    assert len(veza_sim.requests) == 1  # a 404 is not retried


async def test_wrong_key_is_an_auth_error_without_the_key(veza_sim, connect):
    task_id = veza_sim.add_job(duration=5)
    wrong = "veza-wrong-key-5f1d"

    with pytest.raises(jobpoll.AuthError) as info:
        await connect(veza_sim, credential=wrong)("wait", task_id)

    assert wrong not in str(info.value)
    assert veza_sim.requests[0].headers["authorization"] == f"Bearer {wrong}"


async def test_rate_limited_polls_are_retried_and_counted(veza_sim, connect, fake_clock):
    task_id = veza_sim.add_job(duration=10)
    veza_sim.fault(Fault.http(429, retry_after=3), times=2, op="poll")
    veza_sim.fault(Fault.http(503), times=1, op="poll")

    final = await connect(veza_sim)("wait", task_id)

    assert final.state is JobState.SUCCEEDED
    assert final.stats.transient_failures == 3
    assert not veza_sim.faults
    assert 3.0 in fake_clock.sleeps  # the Retry-After was honoured


async def test_rate_limited_submit_is_retried_once_and_makes_one_task(veza_sim, connect):
    veza_sim.fault(Fault.http(429, retry_after=1), times=1, op="submit")

    result = await connect(veza_sim)("run_query", SPEC)

    assert result["count"] == 2  # the simulator's default result
    assert len(veza_sim.jobs) == 1
    assert [r.op for r in veza_sim.requests[:2]] == ["submit", "submit"]


async def test_a_status_naming_another_task_is_never_its_success(veza_sim, connect):
    task_id = veza_sim.add_job(duration=0)  # already done, with a result
    veza_sim.fault(Fault.status_value("some-other-task", field="id"), times=None)
    veza = connect(veza_sim, policy=jobpoll.PollPolicy(max_retries=2, jitter=0))
    with pytest.raises(jobpoll.MalformedResponse, match="some-other-task") as info:
        await veza("wait", task_id)
    assert info.value.job_id == task_id
    with pytest.raises(jobpoll.MalformedResponse):
        await veza("result", task_id)
    veza_sim.clear_faults()
    assert (await veza("wait", task_id)).state is jobpoll.JobState.SUCCEEDED
