"""The simulators send webhooks as the vendors do, with faults; a wait finishes whatever
happens to its webhook: delivered (at once), dropped or forged (the fallback poll), late,
duplicated. On a Timeline (fake time); the simulator is called in-process over ASGI."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

import jobpoll
from jobpoll import JobState, WebhookReceiver
from jobpoll.testing import EdenAISimulator, Fault, PhraseTMSSimulator
from tests._timeline import Timeline

from ._kit import TOKEN, key_pair

HOOK = "https://hooks.example.com/jobpoll"
MODEL = "audio/speech_to_text_async/google"


@pytest.fixture(scope="module")
def keys():
    return key_pair()


def half() -> float:
    return 0.5


async def _pumped(timeline: Timeline, sim: Any, receiver: WebhookReceiver, work: Any) -> Any:
    """Run ``work`` while the simulator's webhooks are delivered to ``receiver`` as they fall
    due; returns what ``work`` returns."""
    answers: list[int] = []

    def post(url: str, headers: Any, body: bytes) -> int:
        answers.append(receiver.deliver(headers, body))
        return answers[-1]

    async def pump() -> None:
        while True:
            due = sim.next_webhook_due()
            await timeline.asleep(1.0 if due is None else max(due - timeline.now(), 0.0))
            sim.send_webhooks(post)

    pumping = asyncio.ensure_future(pump())
    try:
        return await work
    finally:
        pumping.cancel()
        await asyncio.gather(pumping, return_exceptions=True)


EDENAI_CASES = {
    "delivered": (None, 10.0, 1),
    "dropped": (Fault.webhook_drop(), 60.0, 1),
    "late": (Fault.webhook_late(25), 35.0, 1),
    "duplicated": (Fault.webhook_duplicate(3), 10.0, 1),
    "bad signature": (Fault.bad_signature(), 60.0, 1),
}


@pytest.mark.parametrize("case", list(EDENAI_CASES))
async def test_edenai_wait_finishes_whatever_happens_to_its_webhook(keys, case):
    fault, ends_at, polls = EDENAI_CASES[case]
    timeline = Timeline()
    sim = EdenAISimulator(clock=timeline, webhook_key=keys[0])
    receiver = WebhookReceiver(url=HOOK, edenai_public_key=keys[1], clock=timeline.now)
    if fault is not None:
        sim.fault(fault)
    sim.next_job(duration=10, result={"text": "hi"})
    eden = jobpoll.AsyncEdenAI(
        api_key=sim.api_key,
        webhooks=receiver,
        transport=httpx.ASGITransport(app=sim),
        clock=timeline.now,
        sleep=timeline.asleep,
        random=half,
    )

    async def run() -> Any:
        job_id = await eden.submit(MODEL, {"file": "x"}, user_webhook_parameters={"k": 1})
        return await eden.wait(job_id), job_id

    status, job_id = await timeline.run(_pumped(timeline, sim, receiver, run()))
    assert status.state is JobState.SUCCEEDED
    assert [r.time for r in sim.requests if r.op == "poll"] == [ends_at] * polls
    sent = sim.webhooks_sent
    assert {s.job_id for s in sent} == {job_id}
    assert not sim.faults  # the armed fault was met
    if case == "duplicated":
        assert [s.status for s in sent] == [200, 200, 200]
    if case == "bad signature":
        assert [s.status for s in sent] == [401]
    if case == "dropped":
        assert [s.status for s in sent] == [None]
    await eden.aclose()


def test_the_edenai_webhook_is_what_vendors_md_describes(keys):
    clock = jobpoll.testing.FakeClock()
    for signs in ("raw", "indent2"):
        sim = EdenAISimulator(clock=clock, webhook_key=keys[0], webhook_signs=signs)
        receiver = WebhookReceiver(edenai_public_key=keys[1])
        job = sim._create_planned(data={"model": MODEL})
        sim.outbox.queue(sim._webhook(job, HOOK, {"mine": True}))
        clock.advance(10)
        got: list[tuple[Any, bytes]] = []
        sim.send_webhooks(lambda url, h, b: got.append((dict(h), b)) or receiver.deliver(h, b))
        headers, body = got[0]
        assert headers["x-edenai-webhook"] == "true"
        assert headers["x-edenai-hash-algorithm"] == "SHA256"
        doc = json.loads(body)
        assert doc["event"] == "async_job_completed"
        assert doc["job_id"] == job.id
        assert doc["status"] == "success"
        assert doc["user_parameters"] == {"mine": True}
        assert sim.webhooks_sent[0].status == 200


PHRASE_CASES = {
    "delivered": (None, 10.0),
    "dropped": (Fault.webhook_drop(), 60.0),
    "late": (Fault.webhook_late(5), 15.0),
    "duplicated": (Fault.webhook_duplicate(), 10.0),
    "wrong token": (Fault.wrong_token(), 60.0),
}


@pytest.mark.parametrize("case", list(PHRASE_CASES))
@pytest.mark.parametrize("header", ["x-memsource-token", "x-phrase-token"])
async def test_phrase_tms_wait_tied_to_the_account_webhook(case, header):
    fault, ends_at = PHRASE_CASES[case]
    timeline = Timeline()
    sim = PhraseTMSSimulator(
        clock=timeline, webhook_url=HOOK, webhook_token=TOKEN, webhook_header=header
    )
    receiver = WebhookReceiver(phrase_tms_token=TOKEN, clock=timeline.now)
    if fault is not None:
        sim.fault(fault)
    sim.next_job(duration=10)
    tms = jobpoll.AsyncPhraseTMS(
        token=sim.token,
        base_url="http://sim/web",
        webhooks=receiver,
        transport=httpx.ASGITransport(app=sim),
        clock=timeline.now,
        sleep=timeline.asleep,
        random=half,
    )
    work = tms.pre_translate_and_wait("projUid1", ["jobUidA", "jobUidB"])
    status = await timeline.run(_pumped(timeline, sim, receiver, work))
    assert status.state is JobState.SUCCEEDED
    assert [r.time for r in sim.requests if r.op == "poll"] == [ends_at]
    assert not sim.faults
    await tms.aclose()


def test_webhook_faults_are_refused_where_the_vendor_cannot_express_them(keys):
    with pytest.raises(ValueError, match="not a token"):
        EdenAISimulator(webhook_key=keys[0]).fault(Fault.wrong_token())
    with pytest.raises(ValueError, match="not signed"):
        PhraseTMSSimulator().fault(Fault.bad_signature())
    with pytest.raises(ValueError, match="sends no webhooks"):
        jobpoll.testing.VezaSimulator().fault(Fault.webhook_drop())
    assert Fault.parse("webhook_late:30") == Fault.webhook_late(30)
    assert Fault.parse("webhook_duplicate") == Fault.webhook_duplicate()
    assert Fault.parse("bad_signature").kind == "bad_signature"


def test_request_faults_never_hit_a_webhook_and_webhook_faults_never_a_request(keys):
    clock = jobpoll.testing.FakeClock()
    sim = EdenAISimulator(clock=clock, webhook_key=keys[0])
    sim.fault(503, times=None)  # every request, but not the webhook
    sim.fault(Fault.webhook_drop())
    job = sim._create_planned(data={"model": MODEL})
    sim.outbox.queue(sim._webhook(job, HOOK, None))
    clock.advance(10)
    assert sim.send_webhooks(lambda url, h, b: 200) == 0
    assert [s.fault for s in sim.webhooks_sent] == ["webhook_drop"]
    assert [f.kind for f in sim.faults] == ["http"]
