"""The toy vendor of the benchmarks: the smallest Source over the ``bench._server`` job server.

It does what a vendor module does (``_http.check`` → ``_http.parse_json`` → a shape check →
a :class:`JobStatus` with the server's ``Retry-After``), with no generated model in between.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from jobpoll import JobState, JobStatus, PollPolicy
from jobpoll._client import AsyncClient, Settings, SyncClient
from jobpoll._http import check, malformed, parse_json, retry_after
from jobpoll._transport import Request

TOKEN = "bench-token"  # a dummy credential for a local server
STATES = {
    "queued": JobState.QUEUED,
    "running": JobState.RUNNING,
    "done": JobState.SUCCEEDED,
    "failed": JobState.FAILED,
    "canceled": JobState.CANCELED,
}


class ToySource:
    """Status requests and their reading, as a vendor module writes them."""

    def __init__(self, vendor: str = "toy") -> None:
        self.vendor = vendor

    def status_request(self, job_id: str) -> Request:
        return {"method": "GET", "url": f"/jobs/{job_id}"}

    def interpret(self, job_id: str, response: httpx.Response) -> tuple[JobStatus, float | None]:
        what = f"{self.vendor} job {job_id}"
        check(response, what=what, secrets=(TOKEN,))
        body = parse_json(response, what=what)
        if not isinstance(body, dict) or not isinstance(body.get("state"), str):
            raise malformed(response, what, "no state")
        word = body["state"]
        state = STATES.get(word)
        return (
            JobStatus(
                vendor=self.vendor,
                job_id=job_id,
                state=state or JobState.RUNNING,
                progress=body.get("progress"),
                vendor_status=word,
                recognized=state is not None,
                response=body,
            ),
            retry_after(response),
        )


def _settings(vendor: str, base_url: str) -> Settings:
    return Settings(base_url, {"Authorization": f"Bearer {TOKEN}"}, (TOKEN,), ToySource(vendor))


class Toy(SyncClient):
    vendor = "toy"

    def __init__(
        self,
        base_url: str,
        *,
        policy: PollPolicy | None = None,
        timeout: float | None = 3600.0,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], object] | None = None,
        vendor: str = "toy",
    ) -> None:
        self.vendor = vendor  # type: ignore[misc]  # several toy "vendors" in one run
        super().__init__(
            _settings(vendor, base_url),
            policy=policy,
            timeout=timeout,
            http_client=http_client,
            transport=transport,
            clock=None,
            sleep=sleep,
            random=None,
        )


class AsyncToy(AsyncClient):
    vendor = "toy"

    def __init__(
        self,
        base_url: str,
        *,
        policy: PollPolicy | None = None,
        timeout: float | None = 3600.0,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        vendor: str = "toy",
    ) -> None:
        self.vendor = vendor  # type: ignore[misc]
        super().__init__(
            _settings(vendor, base_url),
            policy=policy,
            timeout=timeout,
            http_client=http_client,
            transport=transport,
            clock=None,
            sleep=sleep,
            random=None,
        )
