"""Plain values the simulators keep: jobs, plans for the next submitted jobs, recorded requests."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ._faults import Fault

SimOutcome = Literal[
    "succeeded", "failed", "canceled"
]  # not "Outcome": that is jobpoll.Outcome, wait_all's result
Phase = Literal["queued", "running", "succeeded", "failed", "canceled"]
OUTCOMES: tuple[SimOutcome, ...] = ("succeeded", "failed", "canceled")


def check_outcome(outcome: str) -> SimOutcome:
    for known in OUTCOMES:
        if outcome == known:
            return known
    raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")


@attrs.define(kw_only=True)
class SimJob:
    """A simulated job. Its phase is computed from the clock, never stored.

    ``queued`` seconds after ``created`` it starts running; ``duration`` seconds after
    ``created`` it ends with ``outcome``. ``progress`` grows linearly while it runs.
    """

    id: str
    created: float
    created_wall: float
    duration: float
    outcome: SimOutcome
    queued: float
    error: str | None = None
    result: Any = None
    data: dict[str, Any] = attrs.field(factory=dict)
    starts_when_polled: bool = False
    """Its clock starts at the first poll (``jobpoll simulate``'s samples), not at creation."""

    def phase(self, now: float) -> Phase:
        elapsed = now - self.created
        if elapsed >= self.duration:
            return self.outcome
        return "queued" if elapsed < self.queued else "running"

    def progress(self, now: float) -> float:
        """0.0 while queued, 1.0 once finished (whatever the outcome), linear in between."""
        elapsed = now - self.created
        if elapsed >= self.duration:
            return 1.0
        if elapsed < self.queued:
            return 0.0
        return (elapsed - self.queued) / (self.duration - self.queued)

    def finished(self, now: float) -> bool:
        return now - self.created >= self.duration

    @property
    def finished_wall(self) -> float:
        return self.created_wall + self.duration


@attrs.define(kw_only=True)
class JobPlan:
    """How the next ``times`` jobs created through the vendor's submit endpoint behave."""

    duration: float | None = None
    outcome: SimOutcome | None = None
    error: str | None = None
    result: Any = None
    times: int = 1


@attrs.frozen(kw_only=True)
class RecordedRequest:
    """A request as the simulator received it (``sim.requests``)."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    op: str | None
    fault: Fault | None
    time: float

    @property
    def params(self) -> dict[str, str]:
        """The query string as a dict (last value wins)."""
        return dict(urllib.parse.parse_qsl(self.query, keep_blank_values=True))

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)
