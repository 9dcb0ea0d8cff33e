"""Test workflows: they wait for a job (or run a whole cycle) and report the jobpoll error they
met, as the workflow saw it (type, vendor, job id), so a test can check how errors surface
inside a workflow."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    import jobpoll
    from jobpoll import temporal


def reported(err: jobpoll.Error) -> dict[str, Any]:
    """What a workflow saw of a jobpoll error."""
    return {
        "raised": type(err).__name__,
        "vendor": err.vendor,
        "job_id": err.job_id,
        "message": err.message,
        "errors": list(getattr(err, "errors", ())),
        "is_jobpoll": isinstance(err, jobpoll.Error),
    }


@workflow.defn(name="jobpoll.tests.Probe")
class Probe:
    @workflow.run
    async def run(self, vendor: str, job_id: str, timeout: float) -> dict[str, Any]:
        try:
            done = await temporal.wait_for_job(
                vendor, job_id, timeout=timeout, heartbeat_timeout=2.0, retry_interval=0.2
            )
        except jobpoll.Error as err:
            return reported(err)
        return {"raised": None, "state": done.state, "attempts": done.attempts}


@workflow.defn(name="jobpoll.tests.Cycle")
class Cycle:
    """Submit a Veza query task, wait for it, fetch its result (heartbeats every 2 s)."""

    @workflow.run
    async def run(self, spec: dict[str, Any], timeout: float) -> dict[str, Any]:
        out = await temporal.run_job(
            temporal.JobRequest("veza", "create_query_task", [spec]),
            timeout=timeout,
            heartbeat_timeout=2.0,
            retry_interval=0.2,
        )
        return {
            "job_id": out.finished.job_id,
            "attempts": out.finished.attempts,
            "result": out.result,
        }


@workflow.defn(name="jobpoll.tests.CycleProbe")
class CycleProbe:
    """:class:`Cycle`, reporting the jobpoll error it met instead of failing."""

    @workflow.run
    async def run(self, spec: dict[str, Any], timeout: float) -> dict[str, Any]:
        try:
            out = await temporal.run_job(
                temporal.JobRequest("veza", "create_query_task", [spec]),
                timeout=timeout,
                heartbeat_timeout=2.0,
                retry_interval=0.2,
            )
        except jobpoll.Error as err:
            return reported(err)
        return {"raised": None, "job_id": out.finished.job_id}
