"""AlphaSMS end to end: SMS batches over the XML API against the served simulator."""

from __future__ import annotations

import pytest
import xmltodict

import jobpoll
from jobpoll import JobState, Message
from jobpoll.testing import Fault

from .conftest import assert_secret_not_in_urls, states


def batch(n: int, start: int = 1) -> list[Message]:
    return [
        Message(id=i, recipient=f"+38097{i:07d}", text=f"Order {i} shipped", sender="Shop")
        for i in range(start, start + n)
    ]


def expected_name(message_id: int) -> str:
    """The simulator's delivery outcome for a message id (see ``delivery_code``)."""
    return {7: "UNDELIVERABLE", 3: "EXPIRED"}.get(message_id % 10, "DELIVERED")


async def test_send_and_wait_1000_messages_then_per_message_statuses(alphasms_sim, connect):
    alphasms_sim.default_duration = 90
    messages = batch(1000)
    updates = []

    final, statuses = await connect(alphasms_sim)(
        "send_and_wait", messages, on_update=updates.append
    )

    assert final.state is JobState.SUCCEEDED and final.progress == 1.0
    assert states(updates) == ["queued", "running", "succeeded"]
    assert [s.id for s in statuses] == [m.id for m in messages]
    assert [s.name for s in statuses] == [expected_name(m.id) for m in messages]
    assert {s.code for s in statuses} == {102, 103, 105}
    assert all(s.sms_id and s.sms_count == 1 and s.completed_at for s in statuses)
    submit = alphasms_sim.requests[0]
    doc = xmltodict.parse(submit.body)["package"]
    assert doc["@key"] == alphasms_sim.api_key
    sent = doc["message-async"]["msg"]
    assert len(sent) == 1000
    assert sent[6] == {
        "@id": "7",
        "@recipient": "+380970000007",
        "@sender": "Shop",
        "@type": "0",
        "#text": "Order 7 shipped",
    }
    for req in alphasms_sim.requests:
        assert (req.method, req.path) == ("POST", "/api/xml.php")
        assert "authorization" not in req.headers
    assert_secret_not_in_urls(alphasms_sim, alphasms_sim.api_key)


async def test_watch_shows_waiting_then_rising_progress(alphasms_sim, connect):
    alphasms_sim.next_job(duration=120)
    sms = connect(alphasms_sim)

    job_id = await sms("send_async", batch(3))
    seen = await sms.watch(job_id)

    assert states(seen) == ["queued", "running", "succeeded"]
    assert seen[0].vendor_status == "WAITING"
    progress = [s.progress for s in seen]
    assert progress == sorted(progress)
    assert progress[-1] == 1.0
    assert any(0 < p < 1 for p in progress)
    polls = [xmltodict.parse(r.body)["package"] for r in alphasms_sim.requests if r.op == "poll"]
    assert {p["job"] for p in polls} == {job_id}


async def test_failed_job_raises_job_failed_and_half_the_messages_went_out(alphasms_sim, connect):
    alphasms_sim.next_job(duration=20, outcome="failed")
    messages = batch(10, start=101)
    sms = connect(alphasms_sim)

    with pytest.raises(jobpoll.JobFailed) as info:
        await sms("send_and_wait", messages)

    err = info.value
    assert err.vendor == "alphasms" and err.job_id in alphasms_sim.jobs
    assert err.errors == ("FAILED",)
    assert "message_statuses" in err.status.detail
    statuses = await sms("message_statuses", [m.id for m in messages])
    assert [s.name for s in statuses[5:]] == ["ERR_UNKNOWN"] * 5
    assert [s.name for s in statuses[:5]] == [expected_name(m.id) for m in messages[:5]]


async def test_a_job_older_than_12_hours_is_not_found(alphasms_sim, connect, fake_clock):
    sms = connect(alphasms_sim)
    job_id = await sms("send_async", batch(2))
    assert (await sms("wait", job_id)).state is JobState.SUCCEEDED

    fake_clock.advance(12 * 3600)

    with pytest.raises(jobpoll.JobNotFound, match="12 hours") as info:
        await sms("wait", job_id)
    assert info.value.job_id == job_id


async def test_wrong_key_is_an_auth_error_without_the_key(alphasms_sim, connect):
    job_id = alphasms_sim.add_job(duration=5)
    wrong = "alpha-wrong-key-61"
    with pytest.raises(jobpoll.AuthError, match="ERR_AUTHORIZATION") as info:
        await connect(alphasms_sim, credential=wrong)("wait", job_id)
    assert wrong not in str(info.value)
    assert wrong not in getattr(info.value, "body_excerpt", "")


async def test_throttled_212_then_success_is_counted(alphasms_sim, connect):
    job_id = alphasms_sim.add_job(duration=30)
    alphasms_sim.fault(Fault.rate_limit(), times=2, op="poll")

    final = await connect(alphasms_sim)("wait", job_id)

    assert final.state is JobState.SUCCEEDED
    assert final.stats.transient_failures == 2
    assert not alphasms_sim.faults


async def test_a_throttled_send_is_resent_and_makes_one_job(alphasms_sim, connect):
    alphasms_sim.fault(Fault.rate_limit(), times=1, op="submit")

    final, statuses = await connect(alphasms_sim)("send_and_wait", batch(4))

    assert final.state is JobState.SUCCEEDED
    assert len(alphasms_sim.jobs) == 1
    assert [s.name for s in statuses] == ["DELIVERED", "DELIVERED", "EXPIRED", "DELIVERED"]


@pytest.mark.parametrize(
    "preamble",
    [b"\n", b"\r\n\r\n", b"\xef\xbb\xbf", b"\n\xef\xbb\xbf"],
    ids=["nl", "crlf", "bom", "nl+bom"],
)
async def test_xml_after_blank_lines_or_a_bom_is_read(alphasms_sim, connect, preamble):
    # A PHP endpoint (xml.php) easily sends a stray newline or a BOM before <?xml (issue #10).
    alphasms_sim.preamble = preamble
    final, statuses = await connect(alphasms_sim)("send_and_wait", batch(4))
    assert final.state is JobState.SUCCEEDED
    assert [s.name for s in statuses] == [expected_name(i) for i in range(1, 5)]
    polls = [r for r in alphasms_sim.requests if r.op == "poll"]
    assert polls and all(r.fault is None for r in polls)
