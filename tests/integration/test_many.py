"""Many-job waits: jobs of all five vendors at once, async clients on one event loop."""

from __future__ import annotations

import contextlib

import jobpoll
from jobpoll import JobState

from .conftest import make_client


async def test_wait_all_over_five_vendors_reports_one_failure_for_its_job_only(
    fake_clock, phrase_tms_sim, phrase_mt_sim, veza_sim, edenai_sim, alphasms_sim
):
    sims = [phrase_tms_sim, phrase_mt_sim, veza_sim, edenai_sim, alphasms_sim]
    async with contextlib.AsyncExitStack() as stack:
        clients = {
            sim.VENDOR: await stack.enter_async_context(make_client("async", sim, fake_clock))
            for sim in sims
        }
        tms, mt, veza, eden, sms = clients.values()
        edenai_sim.next_job(duration=25, outcome="failed", error="provider quota exceeded")
        jobs = [
            (tms, (await tms.pre_translate("simProjectUid01", ["job1"])).id),
            (mt, await mt.translate_async("en", "de", ["Hello"])),
            (veza, await veza.create_query_task({"node_type": "User"})),
            (eden, await eden.submit("audio/speech_to_text_async/google", {"file": "a.mp3"})),
            (sms, await sms.send_async([jobpoll.Message(1, "+380971234567", "Hi", "Shop")])),
            (veza, veza_sim.add_job(duration=50)),
            (tms, phrase_tms_sim.add_job(duration=70)),
        ]

        outcomes = await jobpoll.wait_all(jobs, rate=2.0, concurrency=4)

    assert [(o.vendor, o.job_id, o.index) for o in outcomes] == [
        (client.vendor, str(job_id), i) for i, (client, job_id) in enumerate(jobs)
    ]
    failed = [o for o in outcomes if not o.ok]
    assert [o.index for o in failed] == [3]
    err = failed[0].error
    assert isinstance(err, jobpoll.JobFailed)
    assert err.errors == ("ProviderError: provider quota exceeded",)
    assert (err.vendor, err.job_id) == ("edenai", jobs[3][1])
    for outcome in outcomes:
        if outcome.ok:
            assert outcome.status.state is JobState.SUCCEEDED
            assert outcome.status.job_id == outcome.job_id
            assert outcome.error is None
    assert fake_clock.now() >= 70


async def test_as_completed_yields_in_finishing_order(fake_clock, veza_sim, alphasms_sim):
    async with (
        make_client("async", veza_sim, fake_clock) as veza,
        make_client("async", alphasms_sim, fake_clock) as sms,
    ):
        jobs = [
            (veza, veza_sim.add_job(duration=600)),
            (sms, alphasms_sim.add_job(duration=20)),
            (veza, veza_sim.add_job(duration=150, outcome="canceled")),
        ]
        order = [
            (o.index, type(o.error).__name__ if o.error else "ok")
            async for o in jobpoll.as_completed(jobs)
        ]

    assert order == [(1, "ok"), (2, "JobCanceled"), (0, "ok")]
