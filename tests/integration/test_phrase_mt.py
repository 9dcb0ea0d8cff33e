"""Phrase BYO MT end to end: translation jobs against the served engine simulator."""

from __future__ import annotations

import pytest

import jobpoll
from jobpoll import JobState
from jobpoll.testing import Fault

from .conftest import assert_secret_not_in_urls, states


async def test_full_cycle_translate_async_watch_result(phrase_mt_sim, connect, fake_clock):
    phrase_mt_sim.next_job(duration=25)
    mt = connect(phrase_mt_sim)

    job_id = await mt("translate_async", "en", "de", ["Hello world", "Good bye"])
    seen = await mt.watch(job_id)
    result = await mt("result", job_id)

    assert states(seen) == ["running", "succeeded"]
    assert [s.vendor_status for s in seen] == ["running", "done"]
    assert [s.translated_text for s in result.segments] == ["[de] Hello world", "[de] Good bye"]
    assert fake_clock.now() >= 25
    submit = phrase_mt_sim.requests[0]
    assert (submit.method, submit.path) == ("POST", "/translateAsync")
    body = submit.json()
    assert (body["sourceLanguage"], body["targetLanguage"]) == ("en", "de")
    assert [s["text"] for s in body["segments"]] == ["Hello world", "Good bye"]
    assert {r.path for r in phrase_mt_sim.requests if r.op == "poll"} == {
        f"/translateAsyncStatus/{job_id}"
    }
    for req in phrase_mt_sim.requests:
        assert req.headers["x-api-token"] == phrase_mt_sim.token
        assert "authorization" not in req.headers
    assert_secret_not_in_urls(phrase_mt_sim, phrase_mt_sim.token)


async def test_bearer_auth_sends_an_authorization_header(phrase_mt_sim, connect):
    mt = connect(phrase_mt_sim, auth="bearer")
    assert await mt("engine_status") is True
    req = phrase_mt_sim.requests[0]
    assert req.headers["authorization"] == f"Bearer {phrase_mt_sim.token}"
    assert "x-api-token" not in req.headers


async def test_translate_and_wait_1200_segments_in_three_jobs_in_order(phrase_mt_sim, connect):
    phrase_mt_sim.default_duration = 20
    phrase_mt_sim.fault(Fault.rate_limit(), times=4, op="poll")  # the engine is busy a while
    phrase_mt_sim.fault(Fault.rate_limit(retry_after=2), times=1, op="submit")
    segments = [f"Segment number {i} of the manual." for i in range(1200)]
    finals: dict[str, jobpoll.JobStatus] = {}

    def on_update(status: jobpoll.JobStatus) -> None:
        finals[status.job_id] = status

    translated = await connect(phrase_mt_sim)(
        "translate_and_wait", "en", "de", segments, on_update=on_update
    )

    assert translated == [f"[de] {text}" for text in segments]
    submits = [r for r in phrase_mt_sim.requests if r.op == "submit" and r.fault is None]
    assert [len(r.json()["segments"]) for r in submits] == [500, 500, 200]
    assert [r.json()["segments"][0]["idx"] for r in submits] == [0, 500, 1000]
    assert len(phrase_mt_sim.jobs) == 3  # the refused submit was resent, not doubled
    assert len(finals) == 3 and all(s.state is JobState.SUCCEEDED for s in finals.values())
    assert sum(s.stats.transient_failures for s in finals.values()) == 4
    assert not phrase_mt_sim.faults


async def test_failed_job_raises_job_failed_with_the_engine_detail(phrase_mt_sim, connect):
    job_id = phrase_mt_sim.add_job(duration=10, outcome="failed", error="model crashed")
    mt = connect(phrase_mt_sim)

    with pytest.raises(jobpoll.JobFailed) as info:
        await mt("wait", job_id)

    assert info.value.errors == ["model crashed"]
    assert info.value.job_id == job_id
    with pytest.raises(jobpoll.APIError):  # the result of a failed job is an engine error
        await mt("result", job_id)


async def test_forgotten_job_is_not_found(phrase_mt_sim, connect, fake_clock):
    job_id = phrase_mt_sim.add_job(duration=10)
    fake_clock.advance(36 * 60)  # the reference adapter forgets jobs after ~35 minutes
    mt = connect(phrase_mt_sim)

    with pytest.raises(jobpoll.JobNotFound, match="forgot") as info:
        await mt("wait", job_id)
    assert info.value.job_id == job_id
    with pytest.raises(jobpoll.JobNotFound):
        await mt("result", job_id)


async def test_wrong_token_is_an_auth_error(phrase_mt_sim, connect):
    job_id = phrase_mt_sim.add_job(duration=5)
    with pytest.raises(jobpoll.AuthError) as info:
        await connect(phrase_mt_sim, credential="mt-wrong-token-4e")("wait", job_id)
    assert "mt-wrong-token-4e" not in str(info.value)


async def test_translate_and_wait_raises_the_failed_chunk_with_its_job_id(phrase_mt_sim, connect):
    phrase_mt_sim.next_job(duration=10)
    phrase_mt_sim.next_job(duration=15, outcome="failed", error="segment too long")
    phrase_mt_sim.next_job(duration=30)
    segments = [f"Line {i}" for i in range(1100)]

    with pytest.raises(jobpoll.JobFailed) as info:
        await connect(phrase_mt_sim)("translate_and_wait", "en", "de", segments)

    second = list(phrase_mt_sim.jobs)[1]
    assert info.value.job_id == second
    assert info.value.errors == ["segment too long"]
