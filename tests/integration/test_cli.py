"""The ``jobpoll`` command in-process: ``jobpoll.cli.main([...])`` against served simulators.

Credentials and URLs come from the environment, as for a user. The clients the command makes
are put on the simulators' FakeClock (the command's only seam, ``_vendors.sync_client``), so
a wait through running to done costs no wall time.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import re
import socket
import threading
import time
import uuid

import pytest

import jobpoll
from jobpoll import Error, PollStats, _vendors
from jobpoll._token import decode, token_from
from jobpoll.cli import main
from jobpoll.phrase_tms import MEMSOURCE_ENV
from jobpoll.testing import Fault, serve_forever

RECORD_FIELDS = {
    "vendor",
    "job_id",
    "state",
    "progress",
    "detail",
    "attempts",
    "elapsed_s",
    "resume_token",
}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``jobpoll ARGV``: (exit code, stdout, stderr)."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own exits (usage errors, --help)
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str, secret: str | None = None) -> str:
    """The single ``jobpoll: ...`` line an error prints on stderr (no traceback)."""
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert lines[0].startswith("jobpoll: ")
    assert "Traceback" not in err
    if secret is not None:
        assert secret not in err
    return lines[0]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, fake_clock):
    """``env(sim)``: point the command at ``sim`` (its credential and URL variables)."""
    for cred, url in _vendors.ENV.values():
        monkeypatch.delenv(cred, raising=False)
        monkeypatch.delenv(url, raising=False)
    for name in ("PHRASE_TMS_USERNAME", "PHRASE_TMS_PASSWORD", *MEMSOURCE_ENV):
        monkeypatch.delenv(name, raising=False)
    real = _vendors.sync_client

    def on_fake_clock(name: str):
        return functools.partial(real(name), clock=fake_clock.now, sleep=fake_clock.sleep)

    monkeypatch.setattr(_vendors, "sync_client", on_fake_clock)

    def point(sim) -> None:
        cred, url = _vendors.ENV[sim.VENDOR]
        monkeypatch.setenv(cred, sim.credential)
        monkeypatch.setenv(url, sim.url)

    return point


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- exit 0 ------------------------------------------------------------------------------------


def test_wait_json_prints_one_record_and_exits_0(veza_sim, env, capsys, fake_clock):
    env(veza_sim)
    task_id = veza_sim.add_job(duration=20)

    code, out, err = run(["wait", "veza", task_id, "--json"], capsys)

    assert code == 0, err
    record = json.loads(out)
    assert set(record) == RECORD_FIELDS
    assert record["vendor"] == "veza" and record["job_id"] == task_id
    assert record["state"] == "succeeded" and record["detail"] is None
    assert record["attempts"] >= 3 and record["elapsed_s"] >= 20
    assert err == ""
    assert veza_sim.api_key not in out


def test_wait_json_carries_alphasms_progress(alphasms_sim, env, capsys):
    env(alphasms_sim)
    job_id = alphasms_sim.add_job(duration=30)

    code, out, _ = run(["wait", "alphasms", job_id, "--json"], capsys)

    assert code == 0
    assert json.loads(out)["progress"] == 1.0


def test_wait_plain_prints_a_summary_line(phrase_tms_sim, env, capsys):
    env(phrase_tms_sim)
    job_id = phrase_tms_sim.add_job(duration=10)

    code, out, err = run(["wait", "phrase-tms", job_id], capsys)

    assert code == 0
    assert out.startswith(f"phrase-tms {job_id}: succeeded")
    assert "polls=" in out
    assert err == ""  # stderr is not a terminal: no live progress


def test_base_url_option_overrides_the_environment(phrase_mt_sim, env, capsys, monkeypatch):
    env(phrase_mt_sim)
    monkeypatch.setenv("PHRASE_MT_URL", f"http://127.0.0.1:{closed_port()}")
    job_id = phrase_mt_sim.add_job(duration=5)

    code, out, _ = run(["wait", "phrase-mt", job_id, "--base-url", phrase_mt_sim.url], capsys)

    assert code == 0 and "succeeded" in out


def test_status_polls_once(edenai_sim, env, capsys):
    env(edenai_sim)
    job_id = edenai_sim.add_job(duration=60)

    code, out, _ = run(["status", "edenai", job_id, "--json"], capsys)

    assert code == 0
    record = json.loads(out)
    assert record["state"] == "running"
    assert len(edenai_sim.requests) == 1
    assert record["attempts"] == 1  # "attempts": status requests sent, and one was


# --- exit 1 and 5: the job ended badly ----------------------------------------------------------


def test_failed_job_exits_1_with_the_reason(edenai_sim, env, capsys):
    env(edenai_sim)
    job_id = edenai_sim.add_job(duration=10, outcome="failed", error="bad audio")

    code, out, err = run(["wait", "edenai", job_id], capsys)

    assert code == 1
    line = one_error_line(err, edenai_sim.api_key)
    assert job_id in line and "ProviderError: bad audio" in line
    assert out == ""


def test_failed_job_with_json_prints_the_record_and_the_error(veza_sim, env, capsys):
    env(veza_sim)
    task_id = veza_sim.add_job(duration=5, outcome="failed", error_reason="boom")

    code, out, err = run(["wait", "veza", task_id, "--json"], capsys)

    assert code == 1
    record = json.loads(out)
    assert set(record) == {*RECORD_FIELDS, "error"}
    assert (record["state"], record["error"]) == ("failed", "JobFailed")
    assert record["detail"].startswith("boom")
    one_error_line(err, veza_sim.api_key)


def test_a_wait_that_only_saw_failures_reports_its_attempts_and_a_token(
    veza_sim, env, capsys, fake_clock
):
    # #10 observation 10: every poll failed, yet --json said attempts 0 and had no token.
    env(veza_sim)
    task_id = veza_sim.add_job(duration=600)
    veza_sim.fault(503, times=None, op="poll")

    code, out, err = run(["wait", "veza", task_id, "--timeout", "4", "--json"], capsys)

    assert code == 3, err
    record = json.loads(out)
    polls = [r for r in veza_sim.requests if r.method == "GET"]
    assert record["error"] == "WaitTimeout" and record["state"] is None
    assert record["attempts"] == len(polls) >= 2
    assert 0 < record["elapsed_s"] <= 4
    state = jobpoll.parse_token(record["resume_token"])
    assert (state.job_id, state.attempts) == (task_id, len(polls))
    one_error_line(err, veza_sim.api_key)


def test_status_of_a_failed_job_exits_1(phrase_tms_sim, env, capsys):
    env(phrase_tms_sim)
    job_id = phrase_tms_sim.add_job(duration=0, outcome="failed")

    code, out, _ = run(["status", "phrase-tms", job_id], capsys)

    assert code == 1 and ": failed" in out


def test_canceled_task_exits_5(veza_sim, env, capsys):
    env(veza_sim)
    task_id = veza_sim.add_job(duration=8, outcome="canceled")

    code, _, err = run(["wait", "veza", task_id], capsys)
    assert code == 5
    assert "canceled" in one_error_line(err, veza_sim.api_key)

    code, out, _ = run(["status", "veza", task_id], capsys)
    assert code == 5 and "canceled" in out


# --- exit 2: usage -------------------------------------------------------------------------------


def test_unknown_vendor_is_a_usage_error(capsys):
    code, out, err = run(["wait", "acme", "123"], capsys)
    assert code == 2
    assert "invalid choice" in err and out == ""


@pytest.mark.parametrize("vendor", list(_vendors.NAMES))
def test_missing_credentials_are_a_usage_error_naming_the_variable(
    vendor, env, capsys, monkeypatch
):
    cred_env, url_env = _vendors.ENV[vendor]
    monkeypatch.setenv(url_env, "http://127.0.0.1:9")  # the URL is there, the key is not
    job = str(uuid.uuid4()) if vendor == "edenai" else "12345"

    code, out, err = run(["wait", vendor, job], capsys)

    assert code == 2
    assert cred_env in one_error_line(err)
    assert out == ""


@pytest.mark.parametrize("timeout", ["abc", "-1", "0", "nan"])
def test_bad_timeout_is_a_usage_error(timeout, veza_sim, env, capsys):
    env(veza_sim)
    task_id = veza_sim.add_job(duration=5)

    code, _, err = run(["wait", "veza", task_id, f"--timeout={timeout}"], capsys)

    assert code == 2
    assert "timeout" in err
    assert not veza_sim.requests


def test_malformed_job_id_is_a_usage_error(phrase_tms_sim, env, capsys):
    env(phrase_tms_sim)
    code, _, err = run(["wait", "phrase-tms", "not-a-number"], capsys)
    assert code == 2
    assert "job_id" in one_error_line(err)


# --- exit 4: not found ---------------------------------------------------------------------------


def test_unknown_veza_task_exits_4(veza_sim, env, capsys):
    env(veza_sim)
    code, _, err = run(["wait", "veza", "no-such-task"], capsys)
    assert code == 4
    assert "no-such-task" in one_error_line(err, veza_sim.api_key)


def test_expired_alphasms_job_exits_4(alphasms_sim, env, capsys, fake_clock):
    env(alphasms_sim)
    job_id = alphasms_sim.add_job(duration=5)
    fake_clock.advance(13 * 3600)

    code, _, err = run(["status", "alphasms", job_id], capsys)

    assert code == 4
    assert "12 hours" in one_error_line(err, alphasms_sim.api_key)


def test_forgotten_phrase_mt_job_exits_4(phrase_mt_sim, env, capsys):
    env(phrase_mt_sim)
    job_id = phrase_mt_sim.add_job(duration=5)
    phrase_mt_sim.forget(job_id)

    code, _, err = run(["wait", "phrase-mt", job_id, "--json"], capsys)

    assert code == 4
    one_error_line(err, phrase_mt_sim.token)


# --- exit 6: authentication ----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["wait", "status"])
def test_wrong_key_exits_6_and_never_prints_it(command, edenai_sim, env, capsys, monkeypatch):
    env(edenai_sim)
    wrong = "eden-cli-wrong-key-9d0"
    monkeypatch.setenv("EDENAI_API_KEY", wrong)
    job_id = edenai_sim.add_job(duration=5)

    code, out, err = run([command, "edenai", job_id, "--json"], capsys)

    assert code == 6
    one_error_line(err, wrong)
    assert wrong not in out
    assert json.loads(out)["error"] == "AuthError"


# --- exit 7: other API and network errors --------------------------------------------------------


def test_status_where_nothing_listens_exits_7(env, capsys, monkeypatch):
    monkeypatch.setenv("VEZA_API_KEY", "veza-cli-key-3a")
    monkeypatch.setenv("VEZA_URL", f"http://127.0.0.1:{closed_port()}")

    code, out, err = run(["status", "veza", "t-1"], capsys)

    assert code == 7
    assert "veza-cli-key-3a" not in one_error_line(err)
    assert out == ""


def test_server_errors_outliving_the_retries_exit_7(veza_sim, env, capsys):
    env(veza_sim)
    task_id = veza_sim.add_job(duration=5)
    veza_sim.fault(Fault.http(503), times=None, op="poll")

    code, _, err = run(["wait", "veza", task_id], capsys)

    assert code == 7
    assert "gave up after 6 failed polls" in one_error_line(err, veza_sim.api_key)


def test_a_permanent_api_error_exits_7(veza_sim, env, capsys):
    env(veza_sim)
    veza_sim.fault(Fault.http(400), times=1, op="poll")

    code, _, err = run(["wait", "veza", "t-1"], capsys)

    assert code == 7
    assert "400" in one_error_line(err, veza_sim.api_key)


# --- help ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--help"], ["wait", "--help"], ["status", "--help"]])
def test_help_lists_every_exit_code(argv, capsys):
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert "exit codes:" in out
    for n in range(8):
        assert f"\n  {n}  " in out, f"exit code {n} is not listed"


def test_top_level_help_names_the_environment_variables(capsys):
    _, out, _ = run(["--help"], capsys)
    for cred, url in _vendors.ENV.values():
        assert cred in out and url in out


# --- resume, deadlines, interruption ------------------------------------------------------------


def test_a_timed_out_wait_prints_a_token_that_resume_carries_on(veza_sim, env, capsys):
    env(veza_sim)
    task_id = veza_sim.add_job(duration=40)

    code, out, err = run(["wait", "veza", task_id, "--timeout", "10", "--json"], capsys)
    assert code == 3
    first = json.loads(out)
    assert first["error"] == "WaitTimeout" and first["state"] in ("queued", "running")
    assert "jobpoll resume TOKEN" in one_error_line(err, veza_sim.api_key)
    token = first["resume_token"]
    assert token.startswith("jobpoll1.") and veza_sim.api_key not in token

    code, out, err = run(["resume", token, "--timeout", "none", "--json"], capsys)

    assert code == 0, err
    record = json.loads(out)
    assert (record["vendor"], record["job_id"], record["state"]) == ("veza", task_id, "succeeded")
    assert record["attempts"] > first["attempts"]  # the count carries on from the token
    assert record["resume_token"] is None  # nothing left to carry on


def test_resume_keeps_the_exit_codes(edenai_sim, env, capsys):
    env(edenai_sim)
    job_id = edenai_sim.add_job(duration=30, outcome="failed", error="no speech")
    code, out, _ = run(["wait", "edenai", job_id, "--timeout", "5", "--json"], capsys)
    assert code == 3

    code, out, err = run(["resume", json.loads(out)["resume_token"], "--timeout", "60"], capsys)

    assert code == 1
    assert "no speech" in one_error_line(err, edenai_sim.api_key)


@pytest.mark.parametrize("token", ["garbage", "jobpoll1.e30.0000"])
def test_an_invalid_token_is_a_usage_error(token, capsys):
    code, out, err = run(["resume", token, "--json"], capsys)
    assert code == 2
    assert "invalid resume token" in one_error_line(err)
    assert out == ""


def test_timeout_none_waits_past_the_default_deadline(alphasms_sim, env, capsys):
    env(alphasms_sim)
    job_id = alphasms_sim.add_job(duration=2 * 3600)  # the client's default gives up at 15 min

    code, out, err = run(["wait", "alphasms", job_id, "--timeout", "none", "--json"], capsys)

    assert code == 0, err
    assert json.loads(out)["elapsed_s"] >= 2 * 3600


def sleeps_then_ctrl_c(fake_clock, monkeypatch, after: int) -> None:
    """The command's clients sleep on the FakeClock; the ``after``-th sleep is a Ctrl+C."""
    real = _vendors.sync_client
    slept = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) >= after:
            raise KeyboardInterrupt
        fake_clock.sleep(seconds)

    def client(name: str):
        return functools.partial(real(name), clock=fake_clock.now, sleep=sleep)

    monkeypatch.setattr(_vendors, "sync_client", client)


def test_ctrl_c_with_json_prints_the_state_so_far(veza_sim, env, capsys, fake_clock, monkeypatch):
    env(veza_sim)
    task_id = veza_sim.add_job(duration=60)
    sleeps_then_ctrl_c(fake_clock, monkeypatch, after=3)

    code, out, err = run(["wait", "veza", task_id, "--json"], capsys)

    assert code == 130
    assert one_error_line(err).startswith("jobpoll: interrupted after ")
    record = json.loads(out)
    assert set(record) == {*RECORD_FIELDS, "error"}
    assert (record["job_id"], record["error"]) == (task_id, "Interrupted")
    assert record["state"] in ("queued", "running") and record["attempts"] >= 1
    assert record["resume_token"].startswith("jobpoll1.")


@pytest.mark.parametrize("command", ["wait", "resume"])
def test_ctrl_c_before_any_status_still_gives_a_token(
    command, veza_sim, env, capsys, fake_clock, monkeypatch
):
    # The first poll fails (503) and Ctrl+C lands in the retry's sleep: no status was seen,
    # yet the wait can go on, so --json still prints a token for it.
    env(veza_sim)
    task_id = veza_sim.add_job(duration=60)
    veza_sim.fault(Fault.http(503), times=None, op="poll")
    sleeps_then_ctrl_c(fake_clock, monkeypatch, after=1)
    given = token_from("veza", task_id, PollStats(attempts=4, remaining_s=500.0))
    argv = ["wait", "veza", task_id] if command == "wait" else ["resume", given]

    code, out, err = run([*argv, "--timeout", "600", "--json"], capsys)

    assert code == 130, err
    record = json.loads(out)
    assert (record["job_id"], record["state"], record["error"]) == (task_id, None, "Interrupted")
    state = decode(record["resume_token"], vendor="veza")
    assert state.job_id == task_id
    if command == "resume":
        assert record["resume_token"] == given  # what it carried (4 attempts) still holds
    else:
        assert state.attempts == 0
        assert state.deadline_at is not None and state.deadline_at - time.time() <= 600


def test_ctrl_c_without_json_prints_one_line(veza_sim, env, capsys, fake_clock, monkeypatch):
    env(veza_sim)
    task_id = veza_sim.add_job(duration=60)
    sleeps_then_ctrl_c(fake_clock, monkeypatch, after=1)

    code, out, err = run(["wait", "veza", task_id], capsys)

    assert (code, out) == (130, "")
    one_error_line(err)


# --- what reaches the terminal -------------------------------------------------------------------


def test_vendor_text_cannot_move_the_cursor(edenai_sim, env, capsys):
    env(edenai_sim)
    forged = "bad audio\x1b[2K\x1b[1Gjobpoll: all good\r\x07"
    job_id = edenai_sim.add_job(duration=5, outcome="failed", error=forged)

    code, _, err = run(["wait", "edenai", job_id, "--progress", "lines"], capsys)

    assert code == 1
    assert "\x1b" not in err and "\r" not in err and "\x07" not in err
    last = err.splitlines()[-1]
    assert last.startswith("jobpoll: ") and "bad audio\\x1b[2K\\x1b[1Gjobpoll: all good" in last


def test_progress_lines_are_one_plain_line_per_change(alphasms_sim, env, capsys):
    env(alphasms_sim)
    job_id = alphasms_sim.add_job(duration=30, queued=5)

    code, out, err = run(["wait", "alphasms", job_id, "--progress", "lines"], capsys)

    assert code == 0
    lines = err.splitlines()
    assert "\x1b" not in err and "\r" not in err
    assert all(line.startswith(f"alphasms {job_id}: ") for line in lines)
    assert len(lines) == len(set(lines)) >= 3  # queued, some progress, the final line
    assert lines[0].startswith(f"alphasms {job_id}: queued")
    assert lines[-1] == out.strip()  # stdout is not the terminal: the result stays on stderr


def test_verbose_prints_handled_retries_at_info(veza_sim, env, capsys):
    env(veza_sim)
    task_id = veza_sim.add_job(duration=5)
    veza_sim.fault(Fault.http(503), times=2, op="poll")

    code, out, err = run(["wait", "veza", task_id, "-v", "--json"], capsys)

    assert code == 0
    lines = err.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"jobpoll: INFO veza job {task_id}: poll ") for line in lines)
    assert json.loads(out)["attempts"] >= 3  # the failed polls are counted


def test_retries_log_at_info_and_warn_only_before_giving_up(veza_sim, env, capsys, caplog):
    env(veza_sim)
    task_id = veza_sim.add_job(duration=5)
    veza_sim.fault(Fault.http(503), times=None, op="poll")
    caplog.set_level(logging.DEBUG, logger="jobpoll")
    from jobpoll import Veza

    with Veza(api_key=veza_sim.api_key, base_url=veza_sim.url) as veza, pytest.raises(Error):
        veza.wait(task_id, timeout=None, policy=veza.policy.replace(initial_delay=0, min_delay=0))

    retries = [r for r in caplog.records if "will retry" in r.getMessage()]
    assert [r.levelname for r in retries] == ["INFO"] * 4 + ["WARNING"]
    assert {r.name for r in retries} == {"jobpoll.veza"}


def test_an_unexpected_error_is_one_line_and_exit_7(veza_sim, env, capsys, monkeypatch):
    env(veza_sim)

    def broken(name: str):
        raise RuntimeError("something nobody planned for\nsecond line")

    monkeypatch.setattr(_vendors, "sync_client", broken)

    code, out, err = run(["wait", "veza", "t-1"], capsys)

    assert (code, out) == (7, "")
    assert one_error_line(err) == "jobpoll: unexpected RuntimeError: something nobody planned for"


# --- small things --------------------------------------------------------------------------------


def test_version(capsys):
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.strip() == f"jobpoll {jobpoll.__version__}"


def test_bare_jobpoll_prints_help_and_exits_2(capsys):
    code, out, err = run([], capsys)
    assert code == 2 and out == ""
    assert err.startswith("usage: jobpoll") and "resume" in err and "exit codes:" in err


@pytest.mark.parametrize("port", ["70000", "-5", "65535"])
def test_simulate_port_out_of_range_is_one_line(port, capsys):
    code, _, err = run(["simulate", "--port", port], capsys)  # 65535: five ports go past it
    assert code == 2
    assert "out of range" in one_error_line(err)


def test_simulate_on_a_port_in_use_is_one_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run(["simulate", "veza", "--port", str(port)], capsys)
    assert code == 2
    assert f"cannot serve on port {port}" in one_error_line(err)


def test_sample_jobs_start_their_clock_at_the_first_poll(fake_clock):
    from jobpoll import Veza

    out, stop = io.StringIO(), threading.Event()
    server = threading.Thread(
        target=serve_forever,
        args=(["veza"],),
        kwargs={"clock": fake_clock, "out": out, "stop": stop},
    )
    server.start()
    try:
        deadline = time.monotonic() + 10
        while "Serving" not in out.getvalue():
            assert time.monotonic() < deadline, out.getvalue()
            time.sleep(0.01)
        text = out.getvalue()
        url = re.search(r"VEZA_URL=(\S+)", text)[1]
        job = next(line.split()[-1] for line in text.splitlines() if "succeeds after 10 s" in line)
        fake_clock.advance(60)  # a person reads the output and copies the id

        with Veza(api_key="sim-veza-api-key", base_url=url) as veza:
            assert not veza.status(job).done
            fake_clock.advance(9)
            assert not veza.status(job).done
            fake_clock.advance(1.5)
            assert veza.status(job).state.value == "succeeded"
    finally:
        stop.set()
        server.join(timeout=10)


def test_phrase_tms_reads_memsource_variables(phrase_tms_sim, env, capsys, monkeypatch):
    env(phrase_tms_sim)
    for name in ("PHRASE_TMS_TOKEN", "PHRASE_TMS_URL"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("MEMSOURCE_URL", phrase_tms_sim.url)
    monkeypatch.setenv("MEMSOURCE_TOKEN", phrase_tms_sim.token)
    job_id = phrase_tms_sim.add_job(duration=5)

    code, out, err = run(["wait", "phrase-tms", job_id], capsys)
    assert code == 0, err

    monkeypatch.delenv("MEMSOURCE_TOKEN")  # no token: the user name and password log in
    monkeypatch.setenv("MEMSOURCE_USERNAME", phrase_tms_sim.user_name)
    monkeypatch.setenv("PHRASE_TMS_PASSWORD", phrase_tms_sim.password)
    code, out, err = run(["status", "phrase-tms", job_id, "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["state"] == "succeeded"
    assert any(r.path.endswith("/auth/login") for r in phrase_tms_sim.requests)
    assert phrase_tms_sim.password not in out + err


def test_phrase_tms_without_any_credential_names_the_variable(env, capsys, monkeypatch):
    for name in ("MEMSOURCE_TOKEN", "MEMSOURCE_USERNAME", "MEMSOURCE_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEMSOURCE_URL", "http://127.0.0.1:9/web")
    code, _, err = run(["status", "phrase-tms", "1"], capsys)
    assert code == 2 and "PHRASE_TMS_TOKEN" in one_error_line(err)
