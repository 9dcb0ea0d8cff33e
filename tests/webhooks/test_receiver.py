"""The receiver alone: what it verifies, what it answers, what it remembers, what it logs."""

from __future__ import annotations

import json
import logging
import tracemalloc
import uuid

import httpx
import pytest

from jobpoll import WebhookReceiver
from jobpoll._webhooks import FALLBACK_POLICY, MAX_BODY
from jobpoll.testing import FakeClock

from ._kit import (
    TOKEN,
    edenai_body,
    edenai_delivery,
    edenai_headers,
    key_pair,
    phrase_delivery,
    sign,
)

JOB = str(uuid.UUID(int=7))


@pytest.fixture(scope="module")
def keys():
    return key_pair()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def receiver(keys, clock):
    return WebhookReceiver(
        url="https://hooks.example.com/jobpoll",
        edenai_public_key=keys[1],
        phrase_tms_token=TOKEN,
        clock=clock.now,
    )


def woken_by(receiver: WebhookReceiver, vendor: str, job_id: str, headers, body) -> tuple[int, int]:
    waker = receiver._listen(vendor, job_id)
    try:
        return receiver.deliver(headers, body), waker.woken
    finally:
        receiver._unlisten(waker, vendor, job_id)


# -- Eden AI: the signature --------------------------------------------------------------------


def test_a_good_signature_over_the_raw_body_wakes_the_wait(receiver, keys):
    assert woken_by(receiver, "edenai", JOB, *edenai_delivery(keys[0], JOB)) == (200, 1)


def test_a_signature_over_the_json_re_serialised_with_indent_2_is_accepted(receiver, keys):
    body = edenai_body(JOB)
    signed = json.dumps(json.loads(body), indent=2).encode()  # vendors.md §4, the older page
    assert signed != body
    assert woken_by(receiver, "edenai", JOB, edenai_headers(sign(keys[0], signed)), body) == (
        200,
        1,
    )


def test_a_signature_over_another_form_is_refused(receiver, keys):
    body = edenai_body(JOB)
    sorted_form = json.dumps(json.loads(body), sort_keys=True, indent=4).encode()
    headers = edenai_headers(sign(keys[0], sorted_form))
    assert woken_by(receiver, "edenai", JOB, headers, body) == (401, 0)


def test_a_bad_signature_wakes_nothing(receiver, keys):
    headers, body = edenai_delivery(keys[0], JOB)
    tampered = body.replace(b"success", b"fail\x20\x20\x20")
    assert woken_by(receiver, "edenai", JOB, headers, tampered) == (401, 0)
    other, _ = key_pair()
    assert woken_by(receiver, "edenai", JOB, edenai_headers(sign(other, body)), body) == (401, 0)
    assert woken_by(receiver, "edenai", JOB, edenai_headers("zz-not-hex"), body) == (401, 0)
    assert receiver.remembered == 0


def test_another_hash_algorithm_is_refused(receiver, keys):
    headers, body = edenai_delivery(keys[0], JOB)
    headers["X-Edenai-Hash-Algorithm"] = "SHA1"
    assert woken_by(receiver, "edenai", JOB, headers, body) == (401, 0)


def test_an_eden_ai_delivery_without_a_configured_key_is_refused(keys):
    assert WebhookReceiver().deliver(*edenai_delivery(keys[0], JOB)) == 401


def test_a_verified_body_that_names_no_job_is_400(receiver, keys):
    body = b'{"event": "async_job_completed"}'
    assert receiver.deliver(edenai_headers(sign(keys[0], body)), body) == 400
    body = b"not json"
    assert receiver.deliver(edenai_headers(sign(keys[0], body)), body) == 400


def test_a_delivery_of_no_known_kind_is_401(receiver):
    assert receiver.deliver({"content-type": "application/json"}, b"{}") == 401


def test_a_bad_public_key_is_refused_at_construction():
    with pytest.raises(ValueError, match="not a PEM public key"):
        WebhookReceiver(edenai_public_key=b"-----BEGIN PUBLIC KEY-----\nnope\n")


# -- Phrase TMS: the token --------------------------------------------------------------------


@pytest.mark.parametrize("header", ["x-memsource-token", "X-Phrase-Token"])
def test_the_right_token_in_either_header_wakes_the_tied_wait(receiver, header):
    receiver.tie("phrase-tms", "991", ["proj1", "job1", "job2"])
    headers, body = phrase_delivery(TOKEN, "proj1", "job2", header=header)
    assert woken_by(receiver, "phrase-tms", "991", headers, body) == (200, 1)


def test_a_wrong_token_wakes_nothing(receiver):
    receiver.tie("phrase-tms", "991", ["proj1"])
    for token in ("wrong-token-value", TOKEN[:-1], TOKEN + "x", ""):
        headers, body = phrase_delivery(token, "proj1")
        assert woken_by(receiver, "phrase-tms", "991", headers, body) == (401, 0)


def test_a_delivery_for_other_uids_does_not_wake(receiver):
    receiver.tie("phrase-tms", "991", ["proj1"])
    assert woken_by(receiver, "phrase-tms", "991", *phrase_delivery(TOKEN, "proj2")) == (200, 0)


def test_a_short_token_is_refused():
    with pytest.raises(ValueError, match="at least 8"):
        WebhookReceiver(phrase_tms_token="short")


# -- memory, replays, size ---------------------------------------------------------------------


def test_duplicates_and_replays_are_harmless(receiver, keys):
    headers, body = edenai_delivery(keys[0], JOB)
    waker = receiver._listen("edenai", JOB)
    for _ in range(5):
        assert receiver.deliver(headers, body) == 200
    assert waker.woken == 5
    assert waker.take() is True  # one pending wake, however many deliveries
    assert waker.take() is False
    receiver._unlisten(waker, "edenai", JOB)
    assert receiver.remembered == 1


def test_an_early_delivery_is_remembered_for_a_bounded_time(receiver, keys, clock):
    receiver.deliver(*edenai_delivery(keys[0], JOB))
    clock.advance(59)
    waker = receiver._listen("edenai", JOB)
    assert waker.take() is True  # the wait that starts now is woken at once
    receiver._unlisten(waker, "edenai", JOB)
    clock.advance(2)  # 61 s after it: forgotten
    waker = receiver._listen("edenai", JOB)
    assert waker.take() is False


def test_memory_stays_bounded_under_a_flood(receiver):
    small = WebhookReceiver(phrase_tms_token=TOKEN, max_remembered=1_000)

    def flood(n: int) -> None:
        for i in range(n):
            assert small.deliver(*phrase_delivery(TOKEN, f"p{i}-{uuid.uuid4().hex}")) == 200

    tracemalloc.start()
    try:
        flood(2_000)  # full, and every entry traced
        before = tracemalloc.take_snapshot()
        flood(20_000)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert small.remembered == 1_000
    assert len(small._state.waiters) == 0
    assert grown < 50_000, grown  # ten times the deliveries, no growth to speak of


def test_ties_are_bounded_too():
    small = WebhookReceiver(phrase_tms_token=TOKEN, max_remembered=100)
    for i in range(1_000):
        small.tie("phrase-tms", str(i), [f"u{i}"])
    assert len(small._state.ties) == 100
    assert small.tied("phrase-tms", "999")
    assert not small.tied("phrase-tms", "0")


def test_a_body_over_the_cap_is_413_and_wakes_nothing(receiver, keys):
    headers, _ = edenai_delivery(keys[0], JOB)
    assert MAX_BODY == 8 * 1024 * 1024
    assert woken_by(receiver, "edenai", JOB, headers, b" " * (MAX_BODY + 1)) == (413, 0)


def test_the_default_fallback_policy():
    assert FALLBACK_POLICY.initial_delay == 120
    assert FALLBACK_POLICY.max_delay == 300
    assert WebhookReceiver().fallback is FALLBACK_POLICY


# -- logs --------------------------------------------------------------------------------------


def test_a_refusal_is_logged_without_the_body_or_the_secret(receiver, keys, caplog):
    canary = "CANARY-body-7f3a"
    caplog.set_level(logging.DEBUG, logger="jobpoll")
    headers, body = phrase_delivery("wrong-token-123456", "proj1", canary)
    assert receiver.deliver(headers, body) == 401
    eheaders, ebody = edenai_delivery(keys[0], JOB, note=canary)
    eheaders["X-Edenai-Signature"] = sign(keys[0], b"something else")
    assert receiver.deliver(eheaders, ebody) == 401
    assert receiver.deliver(*phrase_delivery(TOKEN, "proj1", canary)) == 200
    assert "refused" in caplog.text
    for secret in (canary, TOKEN, "wrong-token-123456", eheaders["X-Edenai-Signature"]):
        assert secret not in caplog.text
    assert TOKEN not in repr(receiver)
    assert "BEGIN PUBLIC KEY" not in repr(receiver)


# -- the ASGI app ------------------------------------------------------------------------------


async def test_the_asgi_app_answers_what_deliver_decides(receiver, keys):
    transport = httpx.ASGITransport(app=receiver.app)
    waker = receiver._listen("edenai", JOB)
    async with httpx.AsyncClient(transport=transport, base_url="http://hooks") as client:
        headers, body = edenai_delivery(keys[0], JOB)
        assert (await client.post("/jobpoll", headers=headers, content=body)).status_code == 200
        assert waker.woken == 1
        headers["X-Edenai-Signature"] = sign(keys[0], b"other")
        assert (await client.post("/jobpoll", headers=headers, content=body)).status_code == 401
        assert (await client.get("/jobpoll")).status_code == 405
        big = {"content-length": str(MAX_BODY + 1), **headers}
        answer = await client.post("/x", headers=big, content=b"x" * (MAX_BODY + 1))
        assert answer.status_code == 413
    assert waker.woken == 1
    receiver._unlisten(waker, "edenai", JOB)
