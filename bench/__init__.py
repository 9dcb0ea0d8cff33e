"""jobpoll's benchmarks: ``python -m bench`` (or ``make bench``) runs them all and writes
``BENCHMARKS.md`` and ``bench/requests_vs_lag.png``; ``python -m bench --quick`` is the short run.

* :mod:`bench.overhead` -- client CPU per status poll, jobpoll ``wait`` versus a raw httpx loop.
* :mod:`bench.scale` -- thousands of jobs on one event loop versus a thread per wait.
* :mod:`bench.lag` -- requests per job versus detection lag, jobpoll's policy versus others.
* :mod:`bench.webhooks` -- the webhook hybrid (wake on the webhook, poll as the safety net) on
  §3's jobs: every webhook delivered, 20 % dropped, all dropped.

Every figure is a ratio against a baseline measured in the same run, the median of several
runs with their min and max.
"""
