"""Phrase BYO MT end to end, over real HTTP, sync and async, against the engine simulator in
both its modes: Phrase's reference adapter (``reference``: nulls, ``idx`` echoed as a string,
every error a 500, no auth, a held result, an empty result for a failed job) and the strict
spec (``spec``). Every operation of the client must work against both.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import jobpoll
from jobpoll import JobState
from jobpoll.testing import FakeClock, Fault, PhraseMTSimulator

from .conftest import assert_secret_not_in_urls, states


@pytest.fixture(params=["reference", "spec"])
def mt_sim(request: pytest.FixtureRequest, fake_clock: FakeClock) -> Iterator[PhraseMTSimulator]:
    """The engine simulator in each mode, served on 127.0.0.1."""
    with PhraseMTSimulator(clock=fake_clock, mode=request.param).serve() as sim:
        yield sim


@pytest.fixture
def ref_sim(fake_clock: FakeClock) -> Iterator[PhraseMTSimulator]:
    with PhraseMTSimulator(clock=fake_clock).serve() as sim:
        yield sim


def sent(sim: PhraseMTSimulator, op: str) -> list[Any]:
    return [r for r in sim.requests if r.op == op]


async def test_full_cycle_translate_async_watch_result(mt_sim, connect, fake_clock):
    mt_sim.next_job(duration=25)
    mt = connect(mt_sim)

    job_id = await mt("translate_async", "en", "de", ["Hello world", "Good bye"])
    seen = await mt.watch(job_id)
    result = await mt("result", job_id)

    assert states(seen) == ["running", "succeeded"]
    assert [s.vendor_status for s in seen] == ["running", "done"]
    assert [s.translated_text for s in result.segments] == ["[de] Hello world", "[de] Good bye"]
    assert fake_clock.now() >= 25
    submit = mt_sim.requests[0]
    assert (submit.method, submit.path) == ("POST", "/translateAsync")
    body = submit.json()
    assert (body["sourceLanguage"], body["targetLanguage"]) == ("en", "de")
    assert [s["text"] for s in body["segments"]] == ["Hello world", "Good bye"]
    assert {r.path for r in sent(mt_sim, "poll")} == {f"/translateAsyncStatus/{job_id}"}
    for req in mt_sim.requests:
        assert req.headers["x-api-token"] == mt_sim.token
        assert "authorization" not in req.headers
    assert_secret_not_in_urls(mt_sim, mt_sim.token)


async def test_engine_status_and_languages(mt_sim, connect):
    mt = connect(mt_sim)
    assert await mt("engine_status") is True
    mt_sim.engine_status = "not_ok"
    assert await mt("engine_status", metadata={"projectUid": "p"}) is False
    pairs = await mt("languages")
    assert ("en", "zh_tw") in [(p.source_language, p.target_language) for p in pairs]


async def test_bearer_auth_sends_an_authorization_header(mt_sim, connect):
    mt = connect(mt_sim, auth="bearer")
    assert await mt("engine_status") is True
    req = mt_sim.requests[0]
    assert req.headers["authorization"] == f"Bearer {mt_sim.token}"
    assert "x-api-token" not in req.headers


async def test_translate_plain_strings(mt_sim, connect):
    result = await connect(mt_sim)("translate", "en", "de", ["Hello", "World"])
    assert [s.translated_text for s in result.segments] == ["[de] Hello", "[de] World"]
    assert [s.text for s in result.segments] == ["Hello", "World"]
    assert all(s.idx is None for s in result.segments)


async def test_translate_with_idx_metadata_and_glossary(mt_sim, connect):
    segments = [
        {"idx": 7, "text": "Hello world", "metadata": {"seg": 1}},
        {"idx": 3, "text": "Bye world"},
    ]
    result = await connect(mt_sim)(
        "translate",
        "en",
        "de",
        segments,
        glossary={"world": "Welt"},
        metadata={"projectUid": "p"},
    )
    assert [(s.idx, s.translated_text) for s in result.segments] == [
        (7, "[de] Hello Welt"),  # "7" from the reference adapter, read as 7
        (3, "[de] Bye Welt"),
    ]
    assert result.segments[0].metadata == {"seg": 1}
    assert result.metadata == {"projectUid": "p"}
    assert isinstance(result, jobpoll.Translation)
    assert sent(mt_sim, "translate")[0].json()["segments"][0]["idx"] == 7  # sent as a number


async def test_translate_async_wait_result(mt_sim, connect):
    mt = connect(mt_sim)
    job_id = await mt("translate_async", "en", "cs", [{"idx": 0, "text": "One"}, "Two"])
    final = await mt("wait", job_id)
    result = await mt("result", job_id)
    assert final.state is JobState.SUCCEEDED
    assert [(s.idx, s.translated_text) for s in result.segments] == [
        (0, "[cs] One"),
        (None, "[cs] Two"),
    ]


async def test_translate_and_wait_three_segments(mt_sim, connect):
    translated = await connect(mt_sim)("translate_and_wait", "en", "de", ["a", "b", "c"])
    assert translated == ["[de] a", "[de] b", "[de] c"]
    assert [s["idx"] for s in sent(mt_sim, "submit")[0].json()["segments"]] == [0, 1, 2]


async def test_translate_and_wait_1200_segments_in_three_jobs_in_order(mt_sim, connect):
    mt_sim.default_duration = 20
    mt_sim.fault(Fault.rate_limit(), times=4, op="poll")  # the engine is busy a while
    mt_sim.fault(Fault.rate_limit(retry_after=2), times=1, op="submit")
    segments = [f"Segment number {i} of the manual." for i in range(1200)]
    finals: dict[str, jobpoll.JobStatus] = {}

    def on_update(status: jobpoll.JobStatus) -> None:
        finals[status.job_id] = status

    translated = await connect(mt_sim)(
        "translate_and_wait", "en", "de", segments, on_update=on_update
    )

    assert translated == [f"[de] {text}" for text in segments]
    submits = [r for r in sent(mt_sim, "submit") if r.fault is None]
    assert [len(r.json()["segments"]) for r in submits] == [500, 500, 200]
    assert [r.json()["segments"][0]["idx"] for r in submits] == [0, 500, 1000]
    assert len(mt_sim.jobs) == 3  # the refused submit was resent, not doubled
    assert len(finals) == 3 and all(s.state is JobState.SUCCEEDED for s in finals.values())
    assert sum(s.stats.transient_failures for s in finals.values()) == 4
    assert not mt_sim.faults


@pytest.mark.parametrize("fault", [Fault.null_field, Fault.missing_field])
async def test_a_segment_without_idx_keeps_its_place(mt_sim, connect, fault):
    # An engine that drops the idx of a segment: it falls back to its position.
    mt_sim.fault(fault("segments.1.idx"), op="result")
    translated = await connect(mt_sim)("translate_and_wait", "en", "de", ["a", "b", "c", "d"])
    assert translated == ["[de] a", "[de] b", "[de] c", "[de] d"]
    assert not mt_sim.faults


async def test_unknown_id_is_job_not_found_at_once_with_its_status_code(mt_sim, connect):
    mt = connect(mt_sim)
    for call in ("wait", "result", "status"):
        with pytest.raises(jobpoll.JobNotFound) as info:
            await mt(call, "no-such-job")
        assert info.value.status_code == 500
        assert info.value.job_id == "no-such-job"
        assert info.value.vendor == "phrase-mt"
    assert len(mt_sim.requests) == 3  # one request each: nothing retried


async def test_forgotten_job_is_not_found(mt_sim, connect, fake_clock):
    job_id = mt_sim.add_job(duration=10)
    fake_clock.advance(10 + 36 * 60)  # the reference adapter forgets jobs after ~35 minutes
    mt = connect(mt_sim)

    with pytest.raises(jobpoll.JobNotFound, match="forgot") as info:
        await mt("wait", job_id)
    assert info.value.job_id == job_id
    with pytest.raises(jobpoll.JobNotFound):
        await mt("result", job_id)


async def test_failed_job_raises_job_failed_from_wait_and_from_result(mt_sim, connect):
    job_id = mt_sim.add_job(duration=10, outcome="failed", error="model crashed")
    mt = connect(mt_sim)

    with pytest.raises(jobpoll.JobFailed) as info:
        await mt("wait", job_id)
    assert info.value.errors == ("model crashed",)
    assert info.value.job_id == job_id

    with pytest.raises(jobpoll.JobFailed) as again:
        await mt("result", job_id)
    assert again.value.errors == ("model crashed",)
    assert again.value.job_id == job_id
    assert mt_sim.requests[-1].op == "poll"  # the status said why
    if mt_sim.mode == "reference":  # 200 with an empty body: the status is read at once
        assert [r.op for r in mt_sim.requests[-2:]] == ["result", "poll"]
    else:  # the strict mode's 500: retried as a server error, then the status is read
        assert isinstance(again.value.__cause__, jobpoll.APIError)
        assert "model crashed" in str(again.value.__cause__)


@pytest.mark.parametrize(
    ("source", "target", "said"),
    [("en", "xx", "locale"), ("de", "cs", "Unsupported language pair de -> cs")],
)
@pytest.mark.parametrize("call", ["translate", "translate_async", "translate_and_wait"])
async def test_a_refused_request_is_an_api_error_at_once(
    mt_sim, connect, source, target, said, call
):
    with pytest.raises(jobpoll.APIError) as info:
        await connect(mt_sim)(call, source, target, ["Hello"])
    assert not isinstance(info.value, jobpoll.MalformedResponse)
    assert info.value.status_code == (500 if mt_sim.mode == "reference" else 400)
    assert said.lower() in str(info.value).lower()
    assert "tries" not in str(info.value)
    assert len(mt_sim.requests) == 1  # not retried
    assert not mt_sim.jobs


async def test_a_parse_error_500_is_not_retried(ref_sim, connect):
    body = b'{"error": "Application error: JSON parse error: Unexpected end-of-input, null"}'
    ref_sim.fault(Fault.http(500, body=body), op="translate")
    with pytest.raises(jobpoll.APIError, match="JSON parse error") as info:
        await connect(ref_sim)("translate", "en", "de", ["Hello"])
    assert (info.value.status_code, info.value.retryable) == (500, False)
    assert len(ref_sim.requests) == 1


async def test_a_backend_failure_500_is_retried(ref_sim, connect):
    body = b'{"error": "Application error: java.net.SocketTimeoutException: Read timed out, null"}'
    ref_sim.fault(Fault.http(500, body=body), times=2, op="translate")
    result = await connect(ref_sim)("translate", "en", "de", ["Hello"])
    assert [s.translated_text for s in result.segments] == ["[de] Hello"]
    assert len(ref_sim.requests) == 3


async def test_result_fetch_waits_for_an_engine_that_holds_it(ref_sim, connect, fake_clock):
    # The per-request timeout is 0.2 s; the held fetch must outlive it (the call's deadline
    # bounds it), and come back once the job ends.
    job_id = ref_sim.add_job(duration=10)
    mt = connect(ref_sim, policy=jobpoll.PollPolicy(request_timeout=0.2, jitter=0))
    done = threading.Event()

    def finish_the_job_later() -> None:
        if not done.wait(0.8):
            fake_clock.advance(10)

    ender = threading.Thread(target=finish_the_job_later)
    began = time.monotonic()
    ender.start()
    try:
        result = await mt("result", job_id)
    finally:
        done.set()
        ender.join()
    took = time.monotonic() - began
    assert [s.translated_text for s in result.segments] == ["[de] Hello"]
    assert 0.7 <= took < 4, took
    assert len(sent(ref_sim, "result")) == 1  # one held request, not timed out and retried


async def test_the_reference_adapter_checks_no_token(ref_sim, connect):
    job_id = ref_sim.add_job(duration=5)
    final = await connect(ref_sim, credential="any-token-at-all-123")("wait", job_id)
    assert final.state is JobState.SUCCEEDED


async def test_wrong_token_is_an_auth_error(mt_sim, connect):
    mt_sim.rotate()  # configure a token: the reference adapter then refuses others with a 500
    job_id = mt_sim.add_job(duration=5)
    with pytest.raises(jobpoll.AuthError) as info:
        await connect(mt_sim, credential="mt-wrong-token-4e")("wait", job_id)
    assert "mt-wrong-token-4e" not in str(info.value)
    assert len(mt_sim.requests) == 1


async def test_a_busy_engine_is_waited_out_without_retry_after(ref_sim, connect):
    ref_sim.max_running = 1
    mt = connect(ref_sim)
    first = await mt("translate_async", "en", "de", ["a"])
    second = await mt("translate_async", "en", "de", ["b"])  # 429s until the first ends
    assert len(sent(ref_sim, "submit")) > 2 and first != second
    assert len(ref_sim.jobs) == 2  # a refused submit created nothing


async def test_translate_and_wait_raises_the_failed_chunk_with_its_job_id(mt_sim, connect):
    mt_sim.next_job(duration=10)
    mt_sim.next_job(duration=15, outcome="failed", error="segment too long")
    mt_sim.next_job(duration=30)
    segments = [f"Line {i}" for i in range(1100)]

    with pytest.raises(jobpoll.JobFailed) as info:
        await connect(mt_sim)("translate_and_wait", "en", "de", segments)

    second = list(mt_sim.jobs)[1]
    assert info.value.job_id == second
    assert info.value.errors == ("segment too long",)


async def test_concurrent_held_result_fetches(ref_sim, fake_clock):
    # Several held fetches at once on one async client (the engine answers each as its job ends).
    mt = jobpoll.AsyncPhraseMT(
        token=ref_sim.token, base_url=ref_sim.url, clock=fake_clock.now, sleep=fake_clock.asleep
    )
    async with mt:
        ids = [await mt.translate_async("en", "de", [f"s{i}"]) for i in range(3)]
        fetches = [asyncio.ensure_future(mt.result(job_id)) for job_id in ids]

        # Wait (bounded) until all three fetches reached the engine: then they are held there.
        await asyncio.to_thread(
            ref_sim.wait_for_requests,
            lambda r: r.path.startswith("/translateAsyncResult"),
            count=3,
            timeout=5,
        )
        assert not any(f.done() for f in fetches)
        fake_clock.advance(ref_sim.default_duration)
        results = await asyncio.wait_for(asyncio.gather(*fetches), 5)
    assert [r.segments[0].translated_text for r in results] == ["[de] s0", "[de] s1", "[de] s2"]
