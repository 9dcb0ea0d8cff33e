"""The ``jobpoll`` command in-process: ``jobpoll.cli.main([...])`` against served simulators.

Credentials and URLs come from the environment, as for a user. The clients the command makes
are put on the simulators' FakeClock (the command's only seam, ``_vendors.sync_client``), so
a wait through running to done costs no wall time.
"""

from __future__ import annotations

import functools
import json
import socket
import uuid

import pytest

from jobpoll import _vendors
from jobpoll.cli import main
from jobpoll.testing import Fault

RECORD_FIELDS = {"vendor", "job_id", "state", "progress", "detail", "attempts", "elapsed_s"}


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
