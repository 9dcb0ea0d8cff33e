"""The webhooks a simulator sends: queued when a job is submitted with one, sent once due.

A vendor simulator queues an :class:`~jobpoll.testing._faults.Outgoing` for the moment its job
ends; :meth:`Outbox.send_due` sends what is due by the simulator's clock, each through the
armed webhook faults first (dropped, late, duplicated, forged). With a ``FakeClock`` a test
calls ``sim.send_webhooks(post)`` when it wants (``post(url, headers, body) -> status``, e.g.
a receiver's ``deliver``); on a real clock :meth:`Outbox.pumping` sends them from a thread
over HTTP as they fall due.
"""

from __future__ import annotations

import contextlib
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import httpx

from . import _faults
from ._faults import Outgoing

Post = Callable[[str, tuple[tuple[str, str], ...], bytes], int]


@attrs.frozen
class Sent:
    """A webhook as sent (``sim.webhooks_sent``): when, where, and the receiver's answer."""

    time: float
    url: str
    job_id: str
    status: int | None
    fault: str | None


def http_post(url: str, headers: tuple[tuple[str, str], ...], body: bytes) -> int:
    """Send one webhook over HTTP (what the vendor does); its status, or 0 if none came."""
    try:
        return httpx.post(url, headers=list(headers), content=body, timeout=5.0).status_code
    except httpx.HTTPError:
        return 0


class Outbox:
    """One simulator's pending webhooks and the log of those sent."""

    def __init__(self, sim: Any) -> None:
        self._sim = sim
        self._pending: list[Outgoing] = []
        self.sent: list[Sent] = []

    def queue(self, hook: Outgoing) -> None:
        with self._sim._lock:
            self._pending.append(hook)

    def next_due(self) -> float | None:
        """When the next webhook falls due (simulator clock), None if none is pending."""
        with self._sim._lock:
            return min((h.due for h in self._pending), default=None)

    def _take_due(self) -> list[tuple[Outgoing, str | None]]:
        sim = self._sim
        now = sim.clock.now()
        out: list[tuple[Outgoing, str | None]] = []
        with sim._lock:
            due = [h for h in self._pending if h.due <= now]
            self._pending = [h for h in self._pending if h.due > now]
            for hook in due:
                path = urllib.parse.urlsplit(hook.url).path
                fault = (
                    None
                    if hook.struck
                    else _faults.take(sim.faults, "POST", path, "webhook", webhook=True)
                )
                if fault is None:
                    out.append((hook, None))
                    continue
                copies = _faults.KINDS[fault.kind].outgoing(fault, sim, hook)
                if not copies:  # dropped: logged as never answered
                    self.sent.append(Sent(now, hook.url, hook.job_id, None, fault.kind))
                for copy in copies:
                    if copy.due > now:
                        self._pending.append(copy)
                    else:
                        out.append((copy, fault.kind))
        return out

    def send_due(self, post: Post = http_post) -> int:
        """Send every webhook due now; returns how many were sent."""
        hooks = self._take_due()
        for hook, kind in hooks:
            status = post(hook.url, hook.headers, hook.body)
            with self._sim._lock:
                self.sent.append(Sent(self._sim.clock.now(), hook.url, hook.job_id, status, kind))
        return len(hooks)

    @contextlib.contextmanager
    def pumping(self, post: Post = http_post, interval: float = 0.02) -> Iterator[None]:
        """Send webhooks from a thread as they fall due, until the block ends (real clock)."""
        stop = threading.Event()

        def pump() -> None:
            while not stop.wait(interval):
                self.send_due(post)

        thread = threading.Thread(target=pump, name="jobpoll-sim-webhooks", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(5)


class WebhookSender:
    """What a simulator that sends webhooks adds (Eden AI, Phrase TMS): its outbox."""

    @property
    def outbox(self) -> Outbox:
        box: Outbox | None = self.__dict__.get("_outbox")
        if box is None:
            box = self.__dict__["_outbox"] = Outbox(self)
        return box

    def send_webhooks(self, post: Post | None = None) -> int:
        """Send every webhook due by the simulator's clock (through the armed webhook
        faults); ``post(url, headers, body) -> status`` defaults to an HTTP POST."""
        return self.outbox.send_due(post or http_post)

    def next_webhook_due(self) -> float | None:
        """When the next pending webhook falls due (simulator clock); None: none pending."""
        return self.outbox.next_due()

    @property
    def webhooks_sent(self) -> list[Sent]:
        """Every webhook sent (or dropped by a fault: ``status`` None), in order."""
        return list(self.outbox.sent)

    def pumping_webhooks(
        self, post: Post | None = None, interval: float = 0.02
    ) -> contextlib.AbstractContextManager[None]:
        """Send webhooks from a thread as they fall due (a real clock), until the block ends;
        ``post`` as for :meth:`send_webhooks`."""
        return self.outbox.pumping(post or http_post, interval)
