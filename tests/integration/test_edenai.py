"""Eden AI end to end: universal-ai async jobs against the served simulator."""

from __future__ import annotations

import uuid

import pytest

import jobpoll
from jobpoll import JobState
from jobpoll.testing import Fault

from .conftest import assert_secret_not_in_urls, states

MODEL = "audio/speech_to_text_async/google"
AUDIO = {"file": "https://example.com/meeting.mp3", "language": "en"}
TRANSCRIPT = {"text": "Hello, world.", "diarization": {"total_speakers": 2}}


async def test_full_cycle_submit_watch_result(edenai_sim, connect, fake_clock):
    edenai_sim.next_job(duration=30, result=TRANSCRIPT)
    eden = connect(edenai_sim)

    job_id = await eden("submit", MODEL, AUDIO, show_original_response=True)
    seen = await eden.watch(job_id)
    output = await eden("result", job_id)

    assert uuid.UUID(job_id)
    assert states(seen) == ["running", "succeeded"]
    assert [s.vendor_status for s in seen] == ["processing", "success"]
    assert output == TRANSCRIPT
    assert fake_clock.now() >= 30
    submit = edenai_sim.requests[0]
    assert (submit.method, submit.path) == ("POST", "/v3/universal-ai/async")
    assert submit.json()["model"] == MODEL
    assert submit.json()["input"] == AUDIO
    assert submit.json()["show_original_response"] is True
    assert {r.path for r in edenai_sim.requests if r.op == "poll"} == {
        f"/v3/universal-ai/async/{job_id}"
    }
    for req in edenai_sim.requests:
        assert req.headers["authorization"] == f"Bearer {edenai_sim.api_key}"
    assert_secret_not_in_urls(edenai_sim, edenai_sim.api_key)


async def test_run_returns_the_output(edenai_sim, connect):
    edenai_sim.next_job(duration=8, result=TRANSCRIPT)
    updates = []

    output = await connect(edenai_sim)("run", MODEL, AUDIO, on_update=updates.append)

    assert output == TRANSCRIPT
    assert updates[-1].state is JobState.SUCCEEDED


async def test_failed_job_raises_job_failed_with_the_provider_error(edenai_sim, connect):
    edenai_sim.next_job(duration=6, outcome="failed", error="provider timed out")
    eden = connect(edenai_sim)

    with pytest.raises(jobpoll.JobFailed) as info:
        await eden("run", MODEL, AUDIO)

    err = info.value
    assert err.errors == ("ProviderError: provider timed out",)
    assert err.vendor == "edenai" and uuid.UUID(err.job_id)
    with pytest.raises(jobpoll.JobFailed):
        await eden("result", err.job_id)


async def test_unknown_job_is_not_found(edenai_sim, connect):
    job_id = str(uuid.UUID(int=42, version=4))
    with pytest.raises(jobpoll.JobNotFound) as info:
        await connect(edenai_sim)("wait", job_id)
    assert info.value.job_id == job_id


async def test_wrong_key_is_an_auth_error(edenai_sim, connect):
    job_id = edenai_sim.add_job(duration=5)
    with pytest.raises(jobpoll.AuthError) as info:
        await connect(edenai_sim, credential="eden-wrong-key-0c")("wait", job_id)
    assert "eden-wrong-key-0c" not in str(info.value)


async def test_429_without_retry_after_is_retried_with_backoff(edenai_sim, connect, fake_clock):
    job_id = edenai_sim.add_job(duration=12)
    edenai_sim.fault(Fault.rate_limit(), times=3, op="poll")

    final = await connect(edenai_sim)("wait", job_id)

    assert final.state is JobState.SUCCEEDED
    assert final.stats.transient_failures == 3
    assert not edenai_sim.faults


async def test_result_of_an_unfinished_job_says_wait_first(edenai_sim, connect):
    job_id = edenai_sim.add_job(duration=60)
    with pytest.raises(jobpoll.JobNotFinished, match="wait for it first") as info:
        await connect(edenai_sim)("result", job_id)
    assert not isinstance(info.value, jobpoll.WaitTimeout)
    assert info.value.job_id == job_id
    assert info.value.resume_token is None  # nothing to resume: wait(err.job_id)


@pytest.mark.parametrize(
    "fault",
    [
        Fault.missing_field("public_id"),
        Fault.missing_field("created_at"),
        Fault.missing_field("cost"),
        Fault.null_field("provider"),
        Fault.null_field("created_at"),
        Fault.extra_fields({"created_at": {"utc": 0}, "router": {"cached": True}}),
    ],
    ids=repr,
)
async def test_polls_without_the_fields_the_status_does_not_need(edenai_sim, connect, fault):
    # vendors.md §4: Eden AI's own printed poll result has no public_id and no created_at;
    # none of the fields above decides a state, so none may fail a poll.
    job_id = edenai_sim.add_job(duration=0, output=TRANSCRIPT)
    edenai_sim.fault(fault, times=2, op="poll")

    eden = connect(edenai_sim)
    final = await eden("wait", job_id)
    output = await eden("result", job_id)

    assert not edenai_sim.faults  # both answers carried the fault
    assert final.state is JobState.SUCCEEDED
    assert final.stats.transient_failures == 0
    assert output == TRANSCRIPT


async def test_fallbacks_in_each_documented_form_reach_the_vendor(edenai_sim, connect):
    forms = ["amazon", "openai/gpt-4", "audio/speech_to_text_async/deepgram"]
    edenai_sim.next_job(duration=2, result=TRANSCRIPT)

    output = await connect(edenai_sim)("run", MODEL, AUDIO, fallbacks=forms)

    assert output == TRANSCRIPT
    assert edenai_sim.requests[0].json()["fallbacks"] == forms
