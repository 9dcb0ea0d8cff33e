"""A simulator's jobs: the store, the plans for jobs its submit endpoint creates next, and how
long a job is remembered."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ._clock import Clock
from ._model import JobPlan, SimJob, SimOutcome, check_outcome


class JobStore:
    """Jobs by id (``jobs``) and the queue of plans (``plans``), on one clock and lock."""

    def __init__(self, *, clock: Clock, lock: threading.RLock, new_id: Callable[[], str]) -> None:
        self.jobs: dict[str, SimJob] = {}
        self.plans: list[JobPlan] = []
        self._clock = clock
        self._lock = lock
        self._new_id = new_id

    def plan(self, plan: JobPlan) -> None:
        """Queue ``plan`` for the next ``plan.times`` jobs created from a plan."""
        if plan.outcome is not None:
            check_outcome(plan.outcome)
        if plan.times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self.plans.append(plan)

    def take_plan(self) -> JobPlan:
        """The plan for the job being created (an empty one once none is left)."""
        with self._lock:
            if not self.plans:
                return JobPlan()
            plan = self.plans[0]
            if plan.times <= 1:
                self.plans.pop(0)
            else:
                plan.times -= 1
            return plan

    def create(
        self,
        *,
        duration: float,
        outcome: SimOutcome,
        queued: float,
        error: str | None = None,
        result: Any = None,
        data: dict[str, Any] | None = None,
        job_id: str | None = None,
    ) -> SimJob:
        """A new job starting now."""
        check_outcome(outcome)
        if duration < 0:
            raise ValueError("duration must be non-negative")
        with self._lock:
            job = SimJob(
                id=job_id if job_id is not None else self._new_id(),
                created=self._clock.now(),
                created_wall=self._clock.wall(),
                duration=duration,
                outcome=outcome,
                queued=queued,
                error=error,
                result=result,
                data=data or {},
            )
            self.jobs[job.id] = job
            return job

    def lookup(self, job_id: str, *, expire_after: float | None) -> SimJob | None:
        """The job, unless unknown, forgotten or older than ``expire_after`` (a job that
        ``starts_when_polled`` starts now)."""
        with self._lock:
            job = self.jobs.get(job_id)
            if job is None:
                return None
            now = self._clock.now()
            if job.starts_when_polled:
                job.starts_when_polled = False
                job.created, job.created_wall = now, self._clock.wall()
            if expire_after is not None and now - job.created >= expire_after:
                return None
            return job

    def forget(self, job_id: str) -> None:
        with self._lock:
            if self.jobs.pop(job_id, None) is None:
                raise KeyError(job_id)
