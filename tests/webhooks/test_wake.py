"""A verified delivery ends the wait's sleep; the poll that follows decides the outcome."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid

import httpx
import pytest

import jobpoll
from jobpoll import JobState, PollPolicy, WebhookReceiver
from jobpoll._webhooks import FALLBACK_POLICY
from jobpoll.testing import FakeClock
from tests._timeline import Timeline

from ._kit import TOKEN, edenai_delivery, edenai_stub, key_pair, phrase_delivery

MODEL = "audio/speech_to_text_async/google"
AUDIO = {"file": "https://example.com/a.mp3"}
KEY = "sim-edenai-api-key"
HOOK = "https://hooks.example.com/jobpoll"


@pytest.fixture(scope="module")
def keys():
    return key_pair()


def half() -> float:
    return 0.5


def test_a_client_with_a_receiver_polls_on_the_fallback_policy(keys):
    receiver = WebhookReceiver(url=HOOK, edenai_public_key=keys[1])
    assert jobpoll.EdenAI(api_key=KEY, webhooks=receiver).policy is FALLBACK_POLICY
    assert jobpoll.PhraseTMS(token="tok-12345678", webhooks=receiver).policy is FALLBACK_POLICY
    mine = PollPolicy(initial_delay=5)
    assert jobpoll.EdenAI(api_key=KEY, webhooks=receiver, policy=mine).policy is mine
    with pytest.raises(TypeError, match="WebhookReceiver"):
        jobpoll.EdenAI(api_key=KEY, webhooks="https://hooks.example.com")  # type: ignore[arg-type]


def test_submit_sends_the_receiver_url_and_ties_the_job(keys):
    clock = FakeClock()
    _sim, transport, _ = edenai_stub(clock)
    receiver = WebhookReceiver(url="https://hooks.example.com/j", edenai_public_key=keys[1])
    sent = []

    def spy(request):
        sent.append(request)
        return transport.handle_request(request)

    eden = jobpoll.EdenAI(
        api_key=KEY,
        webhooks=receiver,
        transport=httpx.MockTransport(spy),
        clock=clock.now,
        sleep=clock.sleep,
    )
    job_id = eden.submit(MODEL, AUDIO, user_webhook_parameters={"mine": 1})
    assert receiver.tied("edenai", job_id)
    body = json.loads(sent[0].content)
    assert body["webhook_receiver"] == "https://hooks.example.com/j"
    assert body["user_webhook_parameters"] == {"mine": 1}
    plain = jobpoll.EdenAI(api_key=KEY, transport=httpx.MockTransport(spy))
    plain.submit(MODEL, AUDIO)
    assert "webhook_receiver" not in json.loads(sent[-1].content)


def test_a_tied_wait_sleeps_first_and_a_webhook_ends_that_sleep_real_clock(keys):
    """Real time is the point: a 60 s sleep that a delivery from another thread ends."""
    clock = FakeClock()
    sim, transport, polls = edenai_stub(clock)
    receiver = WebhookReceiver(url=HOOK, edenai_public_key=keys[1])
    eden = jobpoll.EdenAI(api_key=KEY, webhooks=receiver, transport=transport)
    sim.next_job(duration=5)
    job_id = eden.submit(MODEL, AUDIO)

    def vendor() -> None:
        time.sleep(0.2)
        clock.advance(10)  # the job is done on the vendor's side
        receiver.deliver(*edenai_delivery(keys[0], job_id))

    threading.Thread(target=vendor, daemon=True).start()
    started = time.monotonic()
    status = eden.wait(job_id)
    took = time.monotonic() - started
    assert status.state is JobState.SUCCEEDED
    assert 0.15 < took < 3.0, took
    assert len(polls) == 1  # slept until the webhook, then one poll saw the end
    assert not receiver.tied("edenai", job_id)  # the wait is over: forgotten
    assert receiver._state.waiters == {}


async def test_async_wake_then_the_poll_decides_not_the_body(keys):
    """On a Timeline (fake time): an untied wait polls at 0, sleeps 120 s; a webhook at 5 s
    claims the job failed but the poll finds it running, so the wait goes on; the second
    webhook at 20 s comes after the end, and the poll there sees success."""
    timeline = Timeline()
    sim, transport, polls = edenai_stub(timeline)
    receiver = WebhookReceiver(edenai_public_key=keys[1], clock=timeline.now)
    job_id = sim.add_job(duration=18)
    eden = jobpoll.AsyncEdenAI(
        api_key=KEY,
        webhooks=receiver,
        transport=transport,
        clock=timeline.now,
        sleep=timeline.asleep,
        random=half,
    )

    async def vendor() -> None:
        await timeline.asleep(5)
        receiver.deliver(*edenai_delivery(keys[0], job_id, status="fail"))
        await timeline.asleep(15)
        receiver.deliver(*edenai_delivery(keys[0], job_id))

    async def both():
        sender = asyncio.ensure_future(vendor())
        status = await eden.wait(job_id)
        await sender
        return status

    status = await timeline.run(both())
    assert status.state is JobState.SUCCEEDED
    assert polls == [0, 5, 20]
    await eden.aclose()


async def test_an_unverified_delivery_wakes_nothing(keys):
    timeline = Timeline()
    sim, transport, polls = edenai_stub(timeline)
    receiver = WebhookReceiver(edenai_public_key=keys[1], clock=timeline.now)
    job_id = sim.add_job(duration=3)
    eden = jobpoll.AsyncEdenAI(
        api_key=KEY,
        webhooks=receiver,
        transport=transport,
        clock=timeline.now,
        sleep=timeline.asleep,
        random=half,
    )
    other, _ = key_pair()

    async def vendor() -> None:
        await timeline.asleep(5)
        assert receiver.deliver(*edenai_delivery(other, job_id)) == 401

    async def both():
        sender = asyncio.ensure_future(vendor())
        status = await eden.wait(job_id)
        await sender
        return status

    status = await timeline.run(both())
    assert status.state is JobState.SUCCEEDED
    assert polls == [0, 120]  # the fallback's first delay, not the forged wake at 5 s


def test_a_remembered_delivery_skips_the_first_sleep_of_a_tied_wait_fake_clock(keys):
    clock = FakeClock()
    sim, transport, polls = edenai_stub(clock)
    receiver = WebhookReceiver(url=HOOK, edenai_public_key=keys[1], clock=clock.now)
    eden = jobpoll.EdenAI(
        api_key=KEY,
        webhooks=receiver,
        transport=transport,
        clock=clock.now,
        sleep=clock.sleep,
        random=half,
    )
    sim.next_job(duration=0)
    early = eden.submit(MODEL, AUDIO)
    receiver.deliver(*edenai_delivery(keys[0], early))  # before anyone waits on it
    assert eden.wait(early).state is JobState.SUCCEEDED
    assert polls == [0.0]
    sim.next_job(duration=0)
    late = eden.submit(MODEL, AUDIO)  # no webhook: the tied wait sleeps the fallback's delay
    status = eden.wait(late)
    assert status.state is JobState.SUCCEEDED
    assert polls == [0.0, 120.0]
    assert (status.stats.elapsed_s, status.stats.slept_s) == (120.0, 120.0)  # the first sleep


def test_the_first_sleep_keeps_room_for_the_deadline(keys):
    clock = FakeClock()
    sim, transport, polls = edenai_stub(clock)
    receiver = WebhookReceiver(url=HOOK, edenai_public_key=keys[1], clock=clock.now)
    eden = jobpoll.EdenAI(
        api_key=KEY,
        webhooks=receiver,
        transport=transport,
        clock=clock.now,
        sleep=clock.sleep,
        random=half,
    )
    sim.next_job(duration=100)
    job_id = eden.submit(MODEL, AUDIO)
    with pytest.raises(jobpoll.WaitTimeout) as caught:
        eden.wait(job_id, timeout=20)
    assert polls[0] == 10.0  # half the deadline, not the fallback's 120 s
    assert caught.value.stats.slept_s >= 10.0  # the error counts the first sleep too
    assert clock.now() <= 20.0


def test_phrase_tms_pre_translate_ties_the_request_to_its_uids():
    receiver = WebhookReceiver(phrase_tms_token=TOKEN)
    receiver.tie("phrase-tms", "42", ["projA", "jobB"])
    waker = receiver._listen("phrase-tms", "42")
    assert receiver.deliver(*phrase_delivery(TOKEN, "projZ", "jobB")) == 200
    assert waker.woken == 1
    receiver._unlisten(waker, "phrase-tms", "42")
    assert not receiver.tied("phrase-tms", "42")


def test_an_id_is_the_key_whatever_its_case(keys):
    receiver = WebhookReceiver(url=HOOK, edenai_public_key=keys[1])
    job_id = str(uuid.uuid4())
    waker = receiver._listen("edenai", job_id)
    assert receiver.deliver(*edenai_delivery(keys[0], job_id.upper())) == 200
    assert waker.woken == 1


async def test_an_async_wait_is_woken_from_another_thread_real_clock(keys):
    """Real time is the point: an ASGI server usually delivers from its own thread or loop;
    the wake crosses to the wait's loop and ends its 120 s timer at once."""
    clock = FakeClock()
    sim, transport, polls = edenai_stub(clock)
    receiver = WebhookReceiver(url=HOOK, edenai_public_key=keys[1])
    sim.next_job(duration=5)
    async with jobpoll.AsyncEdenAI(api_key=KEY, webhooks=receiver, transport=transport) as eden:
        job_id = await eden.submit(MODEL, AUDIO)

        def vendor() -> None:
            time.sleep(0.2)
            clock.advance(10)
            receiver.deliver(*edenai_delivery(keys[0], job_id))

        threading.Thread(target=vendor, daemon=True).start()
        started = time.monotonic()
        status = await eden.wait(job_id)
        took = time.monotonic() - started
    assert status.state is JobState.SUCCEEDED
    assert 0.15 < took < 3.0, took
    assert polls == [10.0]
