"""The simulators send webhooks as the vendors do, and their webhook faults. What a wait does
under each fault is the reliability suite's (tests/reliability/test_webhook_faults.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import jobpoll
from jobpoll import WebhookReceiver
from jobpoll.testing import EdenAISimulator, Fault, PhraseTMSSimulator

from ._kit import key_pair

HOOK = "https://hooks.example.com/jobpoll"
MODEL = "audio/speech_to_text_async/google"


@pytest.fixture(scope="module")
def keys():
    return key_pair()


def half() -> float:
    return 0.5


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
