"""Resume across clients: a wait gives up, and a brand-new client finishes it from the token."""

from __future__ import annotations

import pytest

import jobpoll
from jobpoll import JobState, PollPolicy
from jobpoll.testing import SIMULATORS, FakeClock

from .conftest import make_client

VENDORS = list(SIMULATORS)


@pytest.fixture
def served(request: pytest.FixtureRequest, fake_clock: FakeClock):
    """A fresh served simulator of the vendor named by the test's ``vendor`` parameter."""
    sim = SIMULATORS[request.getfixturevalue("vendor")](clock=fake_clock)
    with sim.serve():
        yield sim


async def finish(flavour: str, sim, clock: FakeClock, token: str, **kw) -> jobpoll.JobStatus:
    client = make_client(flavour, sim, clock)
    if flavour == "sync":
        with client:
            return client.resume(token, **kw)
    async with client:
        return await client.resume(token, **kw)


@pytest.mark.parametrize("target", ["sync", "async"])
@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_wait_out_of_attempts_is_finished_by_a_new_client(
    vendor, target, served, fake_clock
):
    job_id = served.add_job(duration=300)
    first = make_client("sync", served, fake_clock, policy=PollPolicy(max_attempts=3))

    with first, pytest.raises(jobpoll.WaitTimeout) as info:
        first.wait(job_id)
    token = info.value.resume_token
    assert token is not None
    assert job_id in str(info.value)
    assert jobpoll.parse_token(token).job_id == job_id
    assert served.credential not in token

    final = await finish(target, served, fake_clock, token)

    assert final.state is JobState.SUCCEEDED and final.job_id == job_id
    assert final.stats.attempts > 3  # the count carried on from the first client
    assert fake_clock.now() >= 300


@pytest.mark.parametrize("vendor", ["veza"])
async def test_a_token_from_one_vendor_is_refused_by_another(vendor, served, fake_clock):
    job_id = served.add_job(duration=100)
    client = make_client("sync", served, fake_clock, policy=PollPolicy(max_attempts=1))
    with client, pytest.raises(jobpoll.WaitTimeout) as info:
        client.wait(job_id)

    other = jobpoll.EdenAI(api_key="k" * 8, base_url="http://127.0.0.1:9")
    with other, pytest.raises(jobpoll.InvalidToken):
        other.resume(info.value.resume_token)


@pytest.mark.parametrize("target", ["sync", "async"])
@pytest.mark.parametrize("vendor", ["veza", "alphasms"])
async def test_a_wait_past_its_deadline_is_finished_by_a_new_client_with_a_new_timeout(
    vendor, target, served, fake_clock
):
    """The usual case: a request handler waits 10 s, hands the token to a worker, which
    finishes the job with a deadline of its own. The token's budget is spent by then, so
    resume must accept a fresh ``timeout`` (as wait does)."""
    job_id = served.add_job(duration=120)
    first = make_client("sync", served, fake_clock, timeout=10)
    with first, pytest.raises(jobpoll.WaitTimeout) as info:
        first.wait(job_id)
    token = info.value.resume_token
    assert token is not None

    final = await finish(target, served, fake_clock, token, timeout=600)

    assert final.state is JobState.SUCCEEDED and final.job_id == job_id
