"""Small promises about names (issue 12): a str enum, httpx's aclose(), one Outcome."""

from __future__ import annotations

import json

import pytest

import jobpoll
import jobpoll.testing
from jobpoll import AsyncVeza, ClientClosed, JobState


def test_job_state_is_its_value_string():
    assert JobState.RUNNING == "running" and str(JobState.SUCCEEDED) == "succeeded"
    assert f"{JobState.FAILED}" == "failed" and JobState("canceled") is JobState.CANCELED
    assert json.dumps({"state": JobState.QUEUED}) == '{"state": "queued"}'
    assert {JobState.RUNNING: 1}["running"] == 1


@pytest.mark.parametrize("name", ["aclose", "close"])
async def test_async_clients_close_with_aclose_or_close(name):
    client = AsyncVeza(api_key="veza-names-key-1234", base_url="http://127.0.0.1:9")
    await getattr(client, name)()
    with pytest.raises(ClientClosed):
        await client.status("t-1")


def test_one_outcome_name():
    assert "Outcome" in jobpoll.__all__
    assert "Outcome" not in jobpoll.testing.__all__ and "SimOutcome" in jobpoll.testing.__all__
