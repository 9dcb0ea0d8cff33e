"""AlphaSMS simulator: the XML forms of vendors.md section 5."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import xmltodict

from jobpoll.testing import AlphaSMSSimulator, FakeClock, Fault


def call(http: httpx.Client, sim: AlphaSMSSimulator, inner: str, key: str | None = None) -> Any:
    """POST a package; return the parsed ``<package>`` content of a 200 XML answer."""
    key = sim.api_key if key is None else key
    body = f'<?xml version="1.0" encoding="utf-8" ?>\n<package key="{key}">{inner}</package>'
    response = http.post(f"{sim.url}/api/xml.php", content=body.encode())
    assert response.status_code == 200
    # XML, labelled JSON: as the vendor's documentation labels its answers (vendors.md §5)
    assert response.headers["content-type"] == "application/json"
    assert response.content.lstrip().startswith(b"<?xml")
    return xmltodict.parse(response.content, force_list=("msg",))["package"]


def send(http: httpx.Client, sim: AlphaSMSSimulator, messages: list[tuple[str, str]]) -> str:
    inner = "".join(
        f'<msg id="{mid}" recipient="+380971234567" sender="SMSTest" type="0">{text}</msg>'
        for mid, text in messages
    )
    package = call(http, sim, f"<message-async>{inner}</message-async>")
    job = package["message-async"]["job"]
    assert re.fullmatch(r"[0-9a-f]{32}", job)
    return str(job)


def job_status(http: httpx.Client, sim: AlphaSMSSimulator, job: str) -> tuple[int, str]:
    element = call(http, sim, f"<job>{job}</job>")["job"]
    return int(element["progress"]), element["status"]


def statuses(http: httpx.Client, sim: AlphaSMSSimulator, *refs: str) -> list[dict[str, str]]:
    inner = "".join(f"<msg {ref}/>" for ref in refs)
    return list(call(http, sim, f"<status>{inner}</status>")["status"]["msg"])


def test_job_life_cycle(
    alphasms_sim: AlphaSMSSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = alphasms_sim
    sim.next_job(duration=10)
    job = send(http, sim, [("101", "one"), ("102", "two")])
    assert job_status(http, sim, job) == (0, "WAITING")
    fake_clock.advance(1)  # queued for 10 % of the duration
    assert job_status(http, sim, job) == (0, "RUNNING")
    fake_clock.advance(4.5)
    assert job_status(http, sim, job) == (50, "RUNNING")
    fake_clock.advance(4.5)
    assert job_status(http, sim, job) == (100, "COMPLETE")


def test_failed_job(
    alphasms_sim: AlphaSMSSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = alphasms_sim
    sim.next_job(duration=2, outcome="failed")
    job = send(http, sim, [("201", "a"), ("202", "b"), ("204", "c"), ("205", "d")])
    fake_clock.advance(2)
    assert job_status(http, sim, job) == (50, "FAILED")
    codes = [
        m["#text"] for m in statuses(http, sim, 'id="201"', 'id="202"', 'id="204"', 'id="205"')
    ]
    assert codes == ["102", "102", "200", "200"]  # some messages were still accepted


def test_notfound_for_unknown_and_after_12_hours(
    alphasms_sim: AlphaSMSSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = alphasms_sim
    assert job_status(http, sim, "0" * 32) == (0, "NOTFOUND")
    job = sim.add_job(duration=60)
    fake_clock.advance(12 * 3600 - 1)
    assert job_status(http, sim, job) == (100, "COMPLETE")
    fake_clock.advance(1)
    assert job_status(http, sim, job) == (0, "NOTFOUND")
    other = sim.add_job()
    sim.forget(other)
    assert job_status(http, sim, other)[1] == "NOTFOUND"


def test_message_statuses(
    alphasms_sim: AlphaSMSSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = alphasms_sim
    sim.next_job(duration=10, outcome="succeeded")
    long_text = "x" * 161
    job = send(http, sim, [("1230", "hello"), ("1233", "hi"), ("1237", long_text)])
    first = statuses(http, sim, 'id="1230"')
    assert first[0]["#text"] == "100"  # scheduled
    assert "@date_completed" not in first[0]
    fake_clock.advance(10)
    sms_id = sim.messages[1230].sms_id
    out = statuses(http, sim, 'id="1230"', 'id="1233"', 'id="1237"', f'sms_id="{sms_id}"', 'id="9"')
    assert [m["#text"] for m in out] == ["102", "103", "105", "102", "201"]
    assert out[0]["@id"] == "1230"
    assert out[0]["@sms_id"] == sms_id
    assert out[0]["@sms_count"] == "1"
    assert out[2]["@sms_count"] == "2"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", out[0]["@date_completed"])
    assert out[4] == {"@id": "9", "#text": "201"}
    assert job in sim.jobs


def test_message_validation_codes(
    alphasms_sim: AlphaSMSSimulator, fake_clock: FakeClock, http: httpx.Client
) -> None:
    sim = alphasms_sim
    inner = (
        '<msg id="1" recipient="+380971234567" sender="SMSTest">ok</msg>'
        '<msg id="1" recipient="+380971234567" sender="SMSTest">dup</msg>'
        '<msg id="2" recipient="call me" sender="SMSTest">bad recipient</msg>'
        '<msg id="3" recipient="+380971234567" sender="WayTooLongSender">bad sender</msg>'
        '<msg id="4" recipient="+380971234567" sender="SMSTest"></msg>'
        '<msg id="x" recipient="+380971234567" sender="SMSTest">bad id</msg>'
    )
    job = call(http, sim, f"<message-async>{inner}</message-async>")["message-async"]["job"]
    codes = [m.rejected for m in sim.jobs[job].data["messages"]]
    assert codes == [None, 208, 203, 202, 204, 201]
    fake_clock.advance(sim.default_duration)
    out = statuses(http, sim, 'id="2"', 'id="3"', 'id="4"')
    assert [m["#text"] for m in out] == ["203", "202", "204"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not xml at all", "201"),
        (b"<package key='sim-alphasms-key'><job>1</job>", "201"),
        (
            b'<!DOCTYPE p [<!ENTITY k "sim-alphasms-key">]>'
            b'<package key="&k;"><job>1</job></package>',
            "201",
        ),
        (b"<package><job>1</job></package>", "202"),
        (b'<package key="wrong"><job>1</job></package>', "202"),
        (b'<package key="sim-alphasms-key"><balance/></package>', "201"),
        (b'<package key="sim-alphasms-key"><message-async/></package>', "201"),
    ],
)
def test_request_level_errors(
    alphasms_sim: AlphaSMSSimulator, http: httpx.Client, body: bytes, code: str
) -> None:
    response = http.post(f"{alphasms_sim.url}/api/xml.php", content=body)
    assert response.status_code == 200
    assert xmltodict.parse(response.content) == {"package": {"error": code}}


def test_revoked_key(alphasms_sim: AlphaSMSSimulator, http: httpx.Client) -> None:
    sim = alphasms_sim
    old = sim.api_key
    new = sim.rotate()
    assert call(http, sim, "<job>1</job>", key=old) == {"error": "202"}
    assert call(http, sim, "<job>1</job>", key=new)["job"]["status"] == "NOTFOUND"


def test_throttle_and_error_faults(alphasms_sim: AlphaSMSSimulator, http: httpx.Client) -> None:
    sim = alphasms_sim
    sim.fault(Fault.rate_limit(), times=2, op="poll")
    sim.fault(Fault.alphasms_error(209))
    assert call(http, sim, "<job>1</job>") == {"error": "212"}
    assert call(http, sim, "<job>1</job>") == {"error": "212"}
    assert call(http, sim, "<job>1</job>") == {"error": "209"}
    assert call(http, sim, "<job>1</job>")["job"]["status"] == "NOTFOUND"
    assert [r.op for r in sim.requests] == ["poll"] * 4
    assert not sim.faults


def test_other_paths_are_html_errors(alphasms_sim: AlphaSMSSimulator, http: httpx.Client) -> None:
    sim = alphasms_sim
    assert http.get(f"{sim.url}/api/xml.php").status_code == 405
    missing = http.post(f"{sim.url}/api/json.php", content=b"{}")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")


def test_add_job_default_messages(alphasms_sim: AlphaSMSSimulator, http: httpx.Client) -> None:
    sim = alphasms_sim
    job = sim.add_job(duration=0)
    ids = [m.id for m in sim.jobs[job].data["messages"]]
    assert len(ids) == 3
    out = statuses(http, sim, *(f'id="{i}"' for i in ids))
    assert all(m["#text"] in ("102", "103", "105") for m in out)


@pytest.mark.parametrize("preamble", [b"\n", b"\r\n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n"])
def test_a_preamble_goes_before_every_answer(
    alphasms_sim: AlphaSMSSimulator, http: httpx.Client, preamble: bytes
) -> None:
    alphasms_sim.preamble = preamble  # what a PHP include leaves before <?xml
    job = alphasms_sim.add_job(duration=10)
    body = f'<package key="{alphasms_sim.api_key}"><job>{job}</job></package>'
    response = http.post(f"{alphasms_sim.url}/api/xml.php", content=body.encode())
    assert response.content.startswith(preamble + b"<?xml")
    alphasms_sim.fault(Fault.missing_field("progress"), op="poll")  # faults still apply
    again = http.post(f"{alphasms_sim.url}/api/xml.php", content=body.encode())
    assert again.content.startswith(preamble + b"<?xml") and b"<progress>" not in again.content
