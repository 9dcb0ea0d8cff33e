"""Run the reliability suite and write RELIABILITY.md from what the run found.

    .venv/bin/python -m tests.reliability.report            # writes RELIABILITY.md
    .venv/bin/python -m tests.reliability.report --check    # also exit 1 if a test failed

The matrix table comes from ``_matrix.ROWS`` (the same table the tests run), each cell marked
with how its sync and async cases did in this run; the counts and the runtime are this run's.
Extra arguments after ``--`` go to pytest.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET  # our own pytest's junit file
from pathlib import Path
from typing import Any

import attrs

from ._kit import KITS, VENDORS
from ._matrix import ROWS, Row
from .test_hostile import BEHAVIOURS, BOUND, TIMEOUT
from .test_webhook_faults import WEBHOOK_ROWS

ROOT = Path(__file__).resolve().parents[2]
SUITE = "tests/reliability"
CASE = re.compile(
    r"test_fault_matrix\[(?P<vendor>" + "|".join(map(re.escape, VENDORS)) + r")-"
    r"(?P<row>.+)-(?P<flavour>sync|async)\]"
)
FILES = {
    "test_fault_matrix.py": "fault matrix (vendor x fault x sync/async, real HTTP)",
    "test_deadlines.py": "deadline promises (late wake-ups)",
    "test_bad_input.py": "bad input refused before any request",
    "test_parsing_fuzz.py": "hypothesis: random responses into every vendor's reader",
    "test_xml_safety.py": "XML safety end to end (DTDs, entities, size cap)",
    "test_secrets.py": "secrets: canary credential never shows (logs, errors, tokens, CLI)",
    "test_hygiene.py": "resource hygiene (1,000 waits; closed clients)",
    "test_hostile.py": "hostile servers (trickles, bombs, lying framing, redirects; real clock)",
    "test_webhook_faults.py": "webhook faults (dropped, late, duplicated, forged; sync/async)",
}
WEBHOOK_CASE = re.compile(r"test_webhook_fault_(?P<flavour>sync|async)\[(?P<row>.+)\]")
HOSTILE_CASE = re.compile(
    r"test_(?:hostile|a_redirect_is_never_followed)\[(?:(?P<behaviour>[a-z-]+)-)?"
    r"(?P<vendor>" + "|".join(map(re.escape, VENDORS)) + r")-(?P<flavour>sync|async)\]"
)
HOSTILE_ROWS = [(b.name, b.what) for b in BEHAVIOURS] + [
    ("redirect", "307 to another port, on a `follow_redirects=True` client"),
]
VENDOR_NAMES = {
    "phrase-tms": "Phrase TMS",
    "phrase-mt": "Phrase MT",
    "veza": "Veza",
    "edenai": "Eden AI",
    "alphasms": "AlphaSMS",
}


@attrs.frozen
class Case:
    file: str
    name: str
    outcome: str  # passed, failed, error, skipped
    seconds: float


Records = dict[tuple[str, str, str], dict[str, Any]]


def run_pytest(extra: list[str]) -> tuple[list[Case], float, int, Records]:
    """Run the suite with a junit report; the cases, the wall time, pytest's exit code and
    what the hostile-server cases recorded."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        record = Path(tmp) / "hostile.jsonl"
        command = [
            sys.executable,
            "-m",
            "pytest",
            SUITE,
            "-q",
            f"--junitxml={junit}",
            "-o",
            "junit_family=xunit2",
            *extra,
        ]
        started = time.monotonic()
        env = {**os.environ, "JOBPOLL_HOSTILE_RECORD": str(record)}
        done = subprocess.run(command, cwd=ROOT, check=False, env=env)
        took = time.monotonic() - started
        if not junit.exists():
            raise SystemExit(f"pytest wrote no report (exit code {done.returncode})")
        records: Records = {}
        if record.exists():
            for line in record.read_text(encoding="utf-8").splitlines():
                case = json.loads(line)
                records[(case["behaviour"], case["vendor"], case["flavour"])] = case
        return read_junit(junit), took, done.returncode, records


def read_junit(path: Path) -> list[Case]:
    cases = []
    for node in ET.parse(path).iter("testcase"):
        outcome = "passed"
        for child in node:
            if child.tag in ("failure", "error", "skipped"):
                outcome = "failed" if child.tag == "failure" else child.tag
        module = node.get("classname", "").rsplit(".", 1)[-1]
        cases.append(
            Case(module + ".py", node.get("name", ""), outcome, float(node.get("time", 0)))
        )
    return cases


def cell(row: Row, vendor: str, results: dict[tuple[str, str, str], str]) -> str:
    expect = row.expect_for(vendor)
    words = expect.words(row.policy_for(KITS[vendor]))
    got = [results.get((vendor, row.id, flavour), "missing") for flavour in ("sync", "async")]
    if got == ["passed", "passed"]:
        return f"✅ {words}"
    failing = [f for f, outcome in zip(("sync", "async"), got, strict=True) if outcome != "passed"]
    return f"❌ {words} — **{'/'.join(failing)} {'/'.join(sorted(set(got) - {'passed'}))}**"


def matrix(results: dict[tuple[str, str, str], str]) -> list[str]:
    header = "| fault | " + " | ".join(VENDOR_NAMES[v] for v in VENDORS) + " |"
    lines = []
    group = None
    for row in ROWS:
        if row.group != group:
            group = row.group
            lines += [
                "",
                f"**{group.capitalize()}**",
                "",
                header,
                "|---" * (len(VENDORS) + 1) + "|",
            ]
        cells = " | ".join(cell(row, v, results) for v in VENDORS)
        lines.append(f"| {row.fault} | {cells} |")
    return lines


def hostile_cell(behaviour: str, vendor: str, cases: list[Case], records: Records) -> str:
    outcomes, overruns, peaks, ends = [], [], [], set()
    for flavour in ("sync", "async"):
        outcome = next(
            (
                c.outcome
                for c in cases
                if (found := HOSTILE_CASE.fullmatch(c.name))
                and (found["behaviour"] or "redirect", found["vendor"], found["flavour"])
                == (behaviour, vendor, flavour)
            ),
            "missing",
        )
        outcomes.append(outcome)
        record = records.get((behaviour, vendor, flavour))
        if record is None:
            continue
        ends.add(str(record["outcome"]))
        overruns.append(f"{float(record['overrun']):+.2f}")
        peaks.append(f"{int(record['peak']) / 2**20:.1f}")
    mark = "✅" if outcomes == ["passed", "passed"] else "❌"
    if not overruns:
        return f"{mark} {'/'.join(outcomes)}"
    return f"{mark} {'/'.join(sorted(ends))}, {'/'.join(overruns)} s, {'/'.join(peaks)} MiB"


def hostile(cases: list[Case], records: Records) -> list[str]:
    header = "| server | " + " | ".join(VENDOR_NAMES[v] for v in VENDORS) + " |"
    lines = [header, "|---" * (len(VENDORS) + 1) + "|"]
    for behaviour, what in HOSTILE_ROWS:
        cells = " | ".join(hostile_cell(behaviour, v, cases, records) for v in VENDORS)
        lines.append(f"| {what} | {cells} |")
    return lines


def webhooks(cases: list[Case]) -> list[str]:
    results = {
        (found["row"], found["flavour"]): case.outcome
        for case in cases
        if (found := WEBHOOK_CASE.fullmatch(case.name))
    }
    lines = ["| vendor | the webhook | the wait |", "|---|---|---|"]
    for row in WEBHOOK_ROWS:
        got = [results.get((f"{row.vendor}-{row.id}", f), "missing") for f in ("sync", "async")]
        mark = "✅" if got == ["passed", "passed"] else f"❌ **{'/'.join(got)}**"
        lines.append(f"| {VENDOR_NAMES[row.vendor]} | {row.what} | {mark} {row.expect} |")
    return lines


def policies() -> list[str]:
    lines = [
        "| vendor | first delay | x | max delay | min delay | jitter | max_retries |",
        "|---|---|---|---|---|---|---|",
    ]
    for vendor in VENDORS:
        p = KITS[vendor].policy
        lines.append(
            f"| {VENDOR_NAMES[vendor]} | {p.initial_delay:g} s | {p.multiplier:g} | "
            f"{p.max_delay:g} s | {p.min_delay:g} s | ±{p.jitter:.0%} | {p.max_retries} |"
        )
    return lines


CRASHES = [
    "## Crashes",
    "",
    "What a process crash costs a wait. The Temporal rows run on a real dev server",
    "(`tests/temporal/`, not part of this suite's counts; `make test` runs them).",
    "",
    "| crash | what survives | what does not | tested by |",
    "|---|---|---|---|",
    "| the process running a plain `wait` dies | the job (the vendor's); a stored"
    " `status.resume_token()` / `err.resume_token` / `step()` token: attempts, backoff, run of"
    " failures, absolute deadline | the wait itself, unless you stored a token |"
    " `tests/integration/test_resume.py`, `tests/integration/test_step.py` |",
    "| a Temporal worker is SIGKILLed mid-wait (activity polling inline) | the wait: another"
    " worker process carries it on from the last heartbeated token after the heartbeat"
    " timeout, with the attempts, the backoff (the capped delay, not a fresh one) and the same"
    " absolute deadline; the job is submitted once | polls after the last heartbeat the"
    " server recorded (at most 80 % of the heartbeat timeout's worth) are not counted |"
    " `tests/temporal/test_crash.py` |",
    "| a Temporal worker dies between polls (a long delay handed back) | everything: no"
    " activity is running; the server starts the next attempt on any worker at"
    " `next_retry_delay` | nothing | by construction (the outcome tests pass through it; no"
    " test kills a worker then) |",
    "| a Temporal worker is SIGKILLed during a submit | the workflow (it fails with"
    " `CallTimeout` once the submit's start-to-close timeout, the cycle's, has passed: \"whether"
    ' a job was created is unknown"); another worker does not submit again | whether the'
    " vendor created the job: the submit is not retried, so look before submitting again |"
    " `tests/temporal/test_crash.py` |",
]
"""Crash rows: what survives a process crash (RELIABILITY.md "Crashes")."""


def render(cases: list[Case], took: float, records: Records | None = None) -> str:
    results: dict[tuple[str, str, str], str] = {}
    for case in cases:
        found = CASE.fullmatch(case.name)
        if found:
            results[(found["vendor"], found["row"], found["flavour"])] = case.outcome
    by_file: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    seconds: dict[str, float] = collections.defaultdict(float)
    for case in cases:
        by_file[case.file][case.outcome] += 1
        seconds[case.file] += case.seconds
    totals = collections.Counter(case.outcome for case in cases)
    failed = [c for c in cases if c.outcome in ("failed", "error")]
    matrix_cases = [c for c in cases if c.file == "test_fault_matrix.py"]
    matrix_failed = sum(c.outcome != "passed" for c in matrix_cases)
    when = datetime.datetime.now(tz=datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    verdict = (
        f"**All {len(cases)} tests passed**"
        if not failed
        else f"**{len(failed)} of {len(cases)} tests failed** (listed at the end)"
    )

    out = [
        "# Reliability",
        "",
        "How jobpoll behaves when the vendor, the network or the caller misbehaves, as the",
        "reliability suite (`tests/reliability/`) proves it against the five simulators over real",
        "HTTP on 127.0.0.1. This file is written by `tests/reliability/report.py` from a run of",
        "that suite: the table, the counts and the runtime below are that run's.",
        "",
        f"Last run: {when}, Python {platform.python_version()} on {platform.system()}, "
        f"{os.cpu_count()} CPU(s): {verdict}, in {took:.1f} s wall time "
        f"({totals['passed']} passed, {totals['failed'] + totals['error']} failed, "
        f"{totals['skipped']} skipped).",
        "",
        "## The fault matrix",
        "",
        f"{len(ROWS)} faults x {len(VENDORS)} vendors x sync/async = {len(matrix_cases)} cases, "
        f"{len(matrix_cases) - matrix_failed} passing. ✅: the sync and the async client",
        "both ended as stated; ❌: at least one did not. Each case waits for a 10 s job",
        "(simulated time) with a 300 s deadline on the vendor's default policy without",
        "jitter, on a `FakeClock` shared with the simulator; the fault hits the status",
        "endpoint. *Once*: the first poll; *every poll*: a burst longer than the retry bound.",
        "Besides the outcome, every case checks: the exact error type; `vendor` and `job_id`",
        "on the error; the number of polls where stated; the fake time at the end <= the",
        "deadline (real-clock rows: within one request timeout of it); no connection left busy",
        "in the httpx pool, and none open on the simulator after `close()`. The 50 MiB rows",
        "also bound the memory traced while waiting (24 MiB).",
        *matrix(results),
        "",
        "Polls counted *after N polls* are `max_retries + 1` of the vendor's default policy:",
        "",
        *policies(),
        "",
        "## The hostile-server matrix",
        "",
        "`test_hostile.py`: a raw HTTP server on 127.0.0.1 (a child process, so that what is",
        f"measured is the client's) misbehaves; each case runs `wait(job, timeout={TIMEOUT:g})`",
        "on the real clock with the vendor's client, sync and async. ✅: the call ended with the",
        "typed error shown (with `vendor` and `job_id`, no credential), within "
        f"{BOUND:g} s, and with",
        "its peak traced memory under three times the cap plus 4 MiB (cap: 1 MiB for a status,",
        "8 MiB where the status carries the result: Veza, Eden AI). Each cell: outcome,",
        "overrun past the deadline sync/async (0: ended before it), peak memory",
        "sync/async (`tracemalloc`). Trickling servers send one byte every 0.2 s; the other rows",
        "use a fast policy (two polls 50 ms apart) so they show the failure was retried.",
        "",
        *hostile(cases, records or {}),
        "",
        "Besides the matrix, the suite checks `watch` and one-shot `status()` calls against",
        "trickling servers, a client passed in (`http_client=`), transports jobpoll cannot see",
        "into (async: `asyncio.timeout`; sync: between body chunks), a cancelled async request",
        "(closed by its deadline, its connection released), and a `wait_all` of 100 jobs with",
        "five trickling and one undecodable among them (every outcome reported, on time).",
        "",
        "## Webhook faults",
        "",
        "`test_webhook_faults.py`: a client given `webhooks=WebhookReceiver(...)` submits a 10 s",
        "job (Eden AI `submit`, Phrase TMS `pre_translate_and_wait`) and waits, sync and async,",
        "on a fake clock; the simulator sends the job's webhook as its vendor does (Eden AI:",
        "RSA-signed with a key made by the test; Phrase TMS: the account webhook's token header)",
        "through the armed fault. The wait sleeps the fallback policy's first delay (120 s) unless",
        "a verified webhook ends that sleep; the one poll then decides. ✅: it succeeded with the",
        "one poll at the time stated, and the receiver answered each copy as expected (401 for",
        "a forgery, which wakes nothing). A lost webhook costs at most the fallback's",
        "`max_delay` (300 s, +10 % jitter) of lag.",
        "",
        *webhooks(cases),
        "",
        "## Promises",
        "",
        "* **Deadline.** A wait never runs past its `timeout`: each poll's request timeout is",
        "  clamped to the time left, and a sleep ends `min_poll_time` before the deadline. On an",
        "  injected clock the time at the end is <= the deadline; on the real clock a wait ends",
        "  within one request timeout of it. A `Retry-After` longer than the time left does not",
        "  stretch the wait. `WaitTimeout` keeps the last status and a resume token.",
        "* **Retries.** Transient failures — 429, 408, 425, every status >= 500 (520 included),",
        "  connection refused/reset, timeouts, bodies that do not parse or lack the documented",
        "  shape, AlphaSMS ERR_THROTTLE — are retried up to `max_retries` in a row (5; Eden AI",
        "  6), then the last one is raised with its own type (`RateLimited`, `APIError`,",
        "  `TransportError`, `MalformedResponse`): a burst costs exactly `max_retries + 1` polls.",
        "  A successful poll resets the count.",
        "* **Retry-After** (seconds, or an HTTP-date measured against the response's `Date`)",
        "  replaces the backoff, kept within `[min_delay, max_delay]` and the deadline.",
        "* **Permanent failures raise at once**: 401/403 and AlphaSMS key errors (`AuthError`),",
        '  404/410, Phrase MT\'s "No translation job found" 500 and AlphaSMS `NOTFOUND`',
        "  (`JobNotFound`), other 4xx (`APIError`). Errors from a wait carry `vendor` and",
        "  `job_id`.",
        "* **Writes** (submits) are retried only on a rate limit or a connection never made.",
        "* **Deadline, end to end.** A request's time holds over every byte (connect, headers,",
        "  body, decoding): a trickling server is cut off at the deadline, sync and async, and a",
        "  cancelled async request is closed by it (hostile-server matrix above).",
        "* **Bodies** are capped on decoded bytes as they inflate: 1 MiB for a status, 8 MiB for",
        "  an answer that carries a result; stacked encodings and a `Content-Length` the framing",
        "  contradicts stop at the cap; a declared length over it is refused unread. AlphaSMS XML",
        "  is parsed only under 2 MiB and without any DTD or entity.",
        "* **Every failure typed**: whatever httpx, a decoder or a parser raises is a",
        "  `TransportError` or `MalformedResponse` with vendor and job id. **No redirect** is",
        "  followed, whatever the client: a 3xx is an `APIError`.",
        "* **Secrets** never show in logs (any level, httpx included), errors, resume tokens,",
        "  reprs or CLI output; echoed credentials are cut out of body excerpts as `***`.",
        "* **Bad input** raises `ValueError`/`TypeError` naming the argument before any request.",
        "",
        *CRASHES,
        "",
        "## The suite",
        "",
        "| file | what | tests | passed | failed | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for name, what in FILES.items():
        counts = by_file.get(name, collections.Counter())
        out.append(
            f"| `{name}` | {what} | {sum(counts.values())} | {counts['passed']} | "
            f"{counts['failed'] + counts['error']} | {seconds[name]:.1f} |"
        )
    out += [
        "",
        "## Running it",
        "",
        "```sh",
        "make test                                          # all CI runs, this suite included",
        ".venv/bin/python -m pytest tests/reliability -q    # just this suite",
        ".venv/bin/python -m pytest tests/reliability -q -m 'not slow'  # minus 1,000 waits",
        ".venv/bin/python -m tests.reliability.report      # run it, rewrite this file",
        "```",
        "",
        "The fault table is `tests/reliability/_matrix.py`: add a `row(...)` there and it runs",
        "for every vendor, sync and async, and shows up here at the next regeneration.",
    ]
    if failed:
        out += ["", "## Failing in this run", ""]
        out += [f"* `{c.file}::{c.name}`" for c in failed]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "RELIABILITY.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if any test failed")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args(argv)
    cases, took, code, records = run_pytest(args.pytest_args)
    args.output.write_text(render(cases, took, records), encoding="utf-8")
    print(f"wrote {args.output} ({len(cases)} tests, {took:.1f} s, pytest exit code {code})")
    return 1 if args.check and code else 0


if __name__ == "__main__":
    raise SystemExit(main())
