"""bench/webhooks.py at a tiny size: its rows are there, and the hybrid is the client's path."""

from __future__ import annotations

import random

from bench import lag, webhooks
from jobpoll._webhooks import FALLBACK_POLICY


def test_the_webhook_bench_produces_its_rows_and_targets():
    res = webhooks.run(jobs=200, runs=2)
    names = [r["name"] for r in res["rows"]]
    assert names[:2] == [lag.FIXED_1, lag.DEFAULT]
    by = {r["name"]: r for r in res["rows"]}
    delivered = by["webhook, all delivered"]
    assert 1.0 <= delivered["requests"].median <= 1.5
    assert abs(delivered["lag_p50_s"].median - webhooks.LATENCY) < 1e-9
    assert by["webhook, 20% dropped"]["lag_max_s"] <= res["bound_s"] + webhooks.LATENCY
    assert res["bound_s"] == FALLBACK_POLICY.max_delay * (1 + FALLBACK_POLICY.jitter)
    assert "## 3b." in webhooks.markdown(res)
    assert len(webhooks.headlines(res)) == 3


def test_a_webhook_ends_the_sleep_it_falls_in():
    rnd = random.Random(1).random
    polls, seen = webhooks.via_hybrid(FALLBACK_POLICY, 30.0, 30.1, rnd)
    assert (polls, seen) == (1, 30.1)  # one poll, at the webhook
    polls, seen = webhooks.via_hybrid(FALLBACK_POLICY, 30.0, None, lambda: 0.5)
    assert (polls, seen) == (1, FALLBACK_POLICY.initial_delay)  # dropped: the fallback poll
    polls, seen = webhooks.via_hybrid(FALLBACK_POLICY, 200.0, 200.1, lambda: 0.5)
    assert (polls, seen) == (2, 200.1)  # one fallback poll at 120 s, then the webhook's
