"""A toy vendor for engine tests: the smallest Source and a scripted server (the clock is
``jobpoll.testing.FakeClock``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import httpx

from jobpoll import JobState, JobStatus
from jobpoll._client import AsyncClient, Settings, SyncClient
from jobpoll._http import check, malformed, parse_json, retry_after
from jobpoll._policy import PollPolicy
from jobpoll._transport import Request
from jobpoll.testing import FakeClock

STATES = {
    "queued": JobState.QUEUED,
    "running": JobState.RUNNING,
    "done": JobState.SUCCEEDED,
    "failed": JobState.FAILED,
    "canceled": JobState.CANCELED,
}


class ToySource:
    vendor = "toy"

    def status_request(self, job_id: str) -> Request:
        return {"method": "GET", "url": f"/jobs/{quote(job_id, safe='')}"}

    def interpret(self, job_id: str, response: httpx.Response) -> tuple[JobStatus, float | None]:
        check(response, what=f"toy job {job_id}", secrets=("toy-secret",))
        body = parse_json(response, what=f"toy job {job_id}")
        if not isinstance(body, dict) or not isinstance(body.get("state"), str):
            raise malformed(response, f"toy job {job_id}", "no state")
        word = body["state"]
        state = STATES.get(word)
        return (
            JobStatus(
                vendor="toy",
                job_id=job_id,
                state=state or JobState.RUNNING,
                progress=body.get("progress"),
                detail=body.get("detail"),
                vendor_status=word,
                recognized=state is not None,
                errors=tuple(body.get("errors", ())),
                response=body,
            ),
            retry_after(response),
        )


Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def ok(state: str, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"state": state, **extra})


class Script:
    """Answers requests in order from a list; the last entry repeats."""

    def __init__(self, replies: Iterable[Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply) and not isinstance(reply, httpx.Response):
            return reply(request)
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)


FAST = PollPolicy(initial_delay=1.0, multiplier=2.0, max_delay=8.0, min_delay=0.5, jitter=0.0)


def _settings() -> Settings:
    return Settings(
        "http://toy.test", {"Authorization": "Bearer toy-secret"}, ("toy-secret",), ToySource()
    )


class Toy(SyncClient):
    vendor = "toy"

    def __init__(
        self, script: Script, clock: FakeClock, policy: PollPolicy = FAST, **kw: Any
    ) -> None:
        super().__init__(
            _settings(),
            policy=policy,
            timeout=kw.pop("timeout", 60.0),
            http_client=None,
            transport=httpx.MockTransport(script),
            clock=clock.now,
            sleep=clock.sleep,
            random=kw.pop("random", lambda: 0.5),
        )


class AsyncToy(AsyncClient):
    vendor = "toy"

    def __init__(
        self, script: Script, clock: FakeClock, policy: PollPolicy = FAST, **kw: Any
    ) -> None:
        super().__init__(
            _settings(),
            policy=policy,
            timeout=kw.pop("timeout", 60.0),
            http_client=None,
            transport=httpx.MockTransport(script),
            clock=clock.now,
            sleep=clock.asleep,
            random=kw.pop("random", lambda: 0.5),
        )


def dumps(obj: Any) -> bytes:
    return json.dumps(obj).encode()
