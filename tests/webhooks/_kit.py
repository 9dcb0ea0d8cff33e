"""Shared by the webhook tests: a test key pair (generated here, never a vendor's), Eden AI's
signing as vendors.md §4 describes it, Phrase TMS's token header, and a stub Eden AI API."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from jobpoll.testing import EdenAISimulator, FakeClock

TOKEN = "phrase-webhook-secret-token"


def key_pair() -> tuple[rsa.RSAPrivateKey, bytes]:
    """A fresh RSA key and its public half as PEM (what the user configures)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, pem


def sign(private: rsa.RSAPrivateKey, data: bytes) -> str:
    return private.sign(data, padding.PKCS1v15(), hashes.SHA256()).hex()


def edenai_body(job_id: str, status: str = "success", **extra: Any) -> bytes:
    doc = {"event": "async_job_completed", "job_id": job_id, "status": status, "output": None}
    return json.dumps({**doc, **extra}, separators=(",", ":")).encode()


def edenai_headers(signature: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Edenai-Webhook": "true",
        "X-Edenai-Signature": signature,
        "X-Edenai-Hash-Algorithm": "SHA256",
    }


def edenai_delivery(
    private: rsa.RSAPrivateKey, job_id: str, **extra: Any
) -> tuple[dict[str, str], bytes]:
    body = edenai_body(job_id, **extra)
    return edenai_headers(sign(private, body)), body


def phrase_delivery(
    token: str, *uids: str, header: str = "x-memsource-token"
) -> tuple[dict[str, str], bytes]:
    body = json.dumps(
        {
            "event": "PRE_TRANSLATION_FINISHED",
            "timestamp": 1735689600,
            "project": {"uid": uids[0] if uids else "p0"},
            "jobParts": [{"uid": uid, "status": "NEW"} for uid in uids[1:]],
        }
    ).encode()
    return {header: token, "content-type": "application/json"}, body


def edenai_stub(clock: FakeClock) -> tuple[EdenAISimulator, httpx.MockTransport, list[float]]:
    """Eden AI's poll answered in-process by the simulator's own documents (not served);
    the times of the polls are recorded."""
    sim = EdenAISimulator(clock=clock)
    polls: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        job_id = request.url.path.rsplit("/", 1)[-1]
        if request.method == "POST":
            job = sim._create_planned(data={"model": "audio/speech_to_text_async/google"})
            return httpx.Response(202, json=sim.response(job))
        polls.append(clock.now())
        job = sim.lookup(job_id)
        if job is None:
            return httpx.Response(404, json={"error": {"code": 404, "message": "Not Found"}})
        return httpx.Response(200, json=sim.response(job))

    return sim, httpx.MockTransport(handler), polls


async def pumped(timeline: Any, sim: Any, receiver: Any, work: Any) -> Any:
    """Run ``work`` on a Timeline while the simulator's webhooks are delivered to
    ``receiver`` as they fall due (``sim.send_webhooks``); returns what ``work`` returns."""

    def post(url: str, headers: Any, body: bytes) -> int:
        status: int = receiver.deliver(headers, body)
        return status

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
