"""Webhook faults: a wait on a client with a receiver finishes whatever happens to its
webhook. The simulator sends the webhook as its vendor does (Eden AI signed with a key made
here, Phrase TMS with its token header), through the armed fault; the client (sync or async)
waits on a fake clock for a 10 s job on the receiver's fallback policy (120 s, 240 s, then
every 300 s) without jitter. The sync client's fake sleep cannot be cut short, so there the webhook
is delivered just before the sleep it would end (the same moment on the fake clock)."""

from __future__ import annotations

from typing import Any

import attrs
import httpx
import pytest

import jobpoll
from jobpoll import JobState, WebhookReceiver
from jobpoll.testing import EdenAISimulator, Fault, PhraseTMSSimulator
from tests._timeline import Timeline
from tests.webhooks._kit import TOKEN, key_pair, pumped

HOOK = "https://hooks.example.com/jobpoll"
MODEL = "audio/speech_to_text_async/google"
DURATION = 10.0


@attrs.frozen
class WebhookRow:
    id: str
    vendor: str
    fault: Fault | None
    what: str
    ends_at: float  # the one poll's time (simulated seconds)
    answers: tuple[int | None, ...]  # what the receiver answered each copy (None: never sent)

    @property
    def expect(self) -> str:
        late = self.ends_at - DURATION
        how = "at once" if late == 0 else f"{late:g} s after the job ended"
        return f"succeeds, 1 poll, {how}"


WEBHOOK_ROWS = [
    WebhookRow("delivered", "edenai", None, "delivered (signed raw body)", 10, (200,)),
    WebhookRow("dropped", "edenai", Fault.webhook_drop(), "dropped", 120, (None,)),
    WebhookRow("late", "edenai", Fault.webhook_late(25), "25 s late", 35, (200,)),
    WebhookRow(
        "duplicated", "edenai", Fault.webhook_duplicate(3), "sent 3 times", 10, (200, 200, 200)
    ),
    WebhookRow(
        "bad-signature", "edenai", Fault.bad_signature(), "bad signature (401)", 120, (401,)
    ),
    WebhookRow("delivered", "phrase-tms", None, "delivered (token header)", 10, (200,)),
    WebhookRow("dropped", "phrase-tms", Fault.webhook_drop(), "dropped", 120, (None,)),
    WebhookRow("late", "phrase-tms", Fault.webhook_late(5), "5 s late", 15, (200,)),
    WebhookRow("duplicated", "phrase-tms", Fault.webhook_duplicate(), "sent twice", 10, (200, 200)),
    WebhookRow("wrong-token", "phrase-tms", Fault.wrong_token(), "wrong token (401)", 120, (401,)),
]

KEYS = key_pair()


def half() -> float:
    return 0.5


def _setup(row: WebhookRow, clock: Any) -> tuple[Any, WebhookReceiver]:
    if row.vendor == "edenai":
        sim: Any = EdenAISimulator(clock=clock, webhook_key=KEYS[0])
        receiver = WebhookReceiver(url=HOOK, edenai_public_key=KEYS[1], clock=clock.now)
    else:
        sim = PhraseTMSSimulator(clock=clock, webhook_url=HOOK, webhook_token=TOKEN)
        receiver = WebhookReceiver(phrase_tms_token=TOKEN, clock=clock.now)
    if row.fault is not None:
        sim.fault(row.fault)
    sim.next_job(duration=DURATION, result={"text": "hi"} if row.vendor == "edenai" else None)
    return sim, receiver


def _check(row: WebhookRow, sim: Any, status: Any) -> None:
    assert status.state is JobState.SUCCEEDED
    assert [r.time for r in sim.requests if r.op == "poll"] == [row.ends_at]
    assert tuple(s.status for s in sim.webhooks_sent) == row.answers
    assert not sim.faults


def _kw(row: WebhookRow, sim: Any, base_url: str) -> dict[str, Any]:
    if row.vendor == "edenai":
        return {"api_key": sim.api_key, "base_url": base_url}
    return {"token": sim.token, "base_url": base_url + "/web"}


async def _flow(client: Any, row: WebhookRow) -> Any:
    if row.vendor == "edenai":
        job_id = await client.submit(MODEL, {"file": "x"})
        return await client.wait(job_id)
    return await client.pre_translate_and_wait("projUid1", ["jobUidA", "jobUidB"])


def _sync_flow(client: Any, row: WebhookRow) -> Any:
    if row.vendor == "edenai":
        return client.wait(client.submit(MODEL, {"file": "x"}))
    return client.pre_translate_and_wait("projUid1", ["jobUidA", "jobUidB"])


@pytest.mark.parametrize("row", WEBHOOK_ROWS, ids=lambda r: f"{r.vendor}-{r.id}")
async def test_webhook_fault_async(row: WebhookRow) -> None:
    timeline = Timeline()
    sim, receiver = _setup(row, timeline)
    cls = jobpoll.AsyncEdenAI if row.vendor == "edenai" else jobpoll.AsyncPhraseTMS
    client: Any = cls(
        **_kw(row, sim, "http://sim"),
        webhooks=receiver,
        transport=httpx.ASGITransport(app=sim),
        clock=timeline.now,
        sleep=timeline.asleep,
        random=half,
    )
    status = await timeline.run(pumped(timeline, sim, receiver, _flow(client, row)))
    _check(row, sim, status)
    await client.aclose()


@pytest.mark.parametrize("row", WEBHOOK_ROWS, ids=lambda r: f"{r.vendor}-{r.id}")
def test_webhook_fault_sync(row: WebhookRow) -> None:
    clock = jobpoll.testing.FakeClock()
    sim, receiver = _setup(row, clock)

    def post(url: str, headers: Any, body: bytes) -> int:
        return receiver.deliver(headers, body)

    def sleep(seconds: float) -> None:
        """The fake sleep, cut at the next webhook due inside it: deliver it, then let the
        wake skip what is left of the sleep (the receiver's wake path, on a fake clock)."""
        due = sim.next_webhook_due()
        end = clock.now() + seconds
        while due is not None and due <= end:
            clock.advance(max(due - clock.now(), 0.0))
            sim.send_webhooks(post)
            if any(w._event.is_set() for ws in receiver._state.waiters.values() for w in ws):
                return
            due = sim.next_webhook_due()
        clock.advance(max(end - clock.now(), 0.0))

    cls = jobpoll.EdenAI if row.vendor == "edenai" else jobpoll.PhraseTMS
    with sim.serve():
        client: Any = cls(
            **_kw(row, sim, sim.origin),
            webhooks=receiver,
            clock=clock.now,
            sleep=sleep,
            random=half,
        )
        with client:
            _check(row, sim, _sync_flow(client, row))
