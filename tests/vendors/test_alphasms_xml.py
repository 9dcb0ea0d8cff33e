"""AlphaSMS's XML layer: request bodies, response parsing, and what the parser refuses."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jobpoll
from jobpoll.alphasms import _xml
from jobpoll.alphasms._models import MESSAGE_CODES, REQUEST_ERRORS, JobProgress, Message

KEY = "canary-KEY-123"


def resp(body: bytes | str, status: int = 200) -> httpx.Response:
    content = body.encode("utf-8") if isinstance(body, str) else body
    return httpx.Response(
        status, content=content, request=httpx.Request("POST", "https://a.test/api/xml.php")
    )


def job_xml(status: str, progress: int | str | None = 0) -> str:
    prog = "" if progress is None else f"<progress>{progress}</progress>"
    return (
        '<?xml version="1.0" encoding="utf-8" ?>'
        f"<package><job>{prog}<status>{status}</status></job></package>"
    )


# --- building ---------------------------------------------------------------------------------

TRICKY = [
    "a < b & c > d \"double\" 'single'",
    "Привіт, світе! 😀🎉 emoji and Cyrillic",
    "]]> <![CDATA[ not cdata ]]>",
    "line one\nline two\ttab",
    "&amp; already escaped &lt;",
]


@pytest.mark.parametrize("text", TRICKY)
def test_send_body_round_trips_any_text(text: str) -> None:
    key = "k\"&<>'y"
    msgs = [Message(1, "+380971234567", text, "SMSTest"), Message(2, "+1", text * 2, "S", 3)]
    body = _xml.build_send(key, msgs)
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    doc = _xml.load(body, strip_whitespace=False)
    package = doc["package"]
    assert isinstance(package, dict)
    assert package["@key"] == key
    items = package["message-async"]["msg"]
    assert [m["#text"] for m in items] == [text, text * 2]
    assert items[0] == {
        "@id": "1",
        "@recipient": "+380971234567",
        "@sender": "SMSTest",
        "@type": "0",
        "#text": text,
    }
    assert items[1]["@type"] == "3"


def test_single_message_send_body() -> None:
    body = _xml.build_send("K", [Message(7, "+380", "hi", "S")]).decode()
    assert (
        '<package key="K"><message-async><msg id="7" recipient="+380" sender="S" type="0">hi</msg>'
        in body
    )


def test_job_status_body() -> None:
    body = _xml.build_job_status("K", "8714ea91e9bb454d25ef42ba6f18ea4e")
    assert _xml.load(body) == {"package": {"@key": "K", "job": "8714ea91e9bb454d25ef42ba6f18ea4e"}}


def test_message_statuses_body() -> None:
    body = _xml.build_message_statuses("K", [1234, 5], ["1234569"])
    assert (
        b'<status><msg id="1234"></msg><msg id="5"></msg><msg sms_id="1234569"></msg></status>'
        in body
    )
    assert _xml.load(body)["package"] == {
        "@key": "K",
        "status": {"msg": [{"@id": "1234"}, {"@id": "5"}, {"@sms_id": "1234569"}]},
    }


# --- checking what goes in --------------------------------------------------------------------

GOOD = {"id": 1, "recipient": "+380971234567", "text": "hi", "sender": "SMSTest"}


def test_check_messages_accepts_messages_and_dicts() -> None:
    batch = _xml.check_messages([Message(1, "+3", "a", "S"), {**GOOD, "id": 2, "type": 1}])
    assert batch == (Message(1, "+3", "a", "S"), Message(2, "+380971234567", "hi", "SMSTest", 1))


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"id": 0}, "messages[1].id"),
        ({"id": -3}, "messages[1].id"),
        ({"id": True}, "messages[1].id"),
        ({"id": "5"}, "messages[1].id"),
        ({"recipient": ""}, "messages[1].recipient"),
        ({"recipient": "1" * 22}, "messages[1].recipient"),
        ({"sender": ""}, "messages[1].sender"),
        ({"sender": "S" * 12}, "messages[1].sender"),
        ({"sender": 5}, "messages[1].sender"),
        ({"text": ""}, "messages[1].text"),
        ({"text": "   "}, "messages[1].text"),
        ({"text": "bad \x00 byte"}, "messages[1].text"),
        ({"text": "lone \ud800"}, "messages[1].text"),
        ({"type": 4}, "messages[1].type"),
        ({"type": -1}, "messages[1].type"),
        ({"type": "0"}, "messages[1].type"),
        ({"id": 1}, "messages[1].id"),  # duplicate of messages[0]
        ({"colour": "red"}, "messages[1] has unknown field"),
    ],
)
def test_check_messages_names_the_bad_field(change: dict[str, object], named: str) -> None:
    with pytest.raises(ValueError, match=named.replace("[", r"\[").replace("]", r"\]")):
        _xml.check_messages([GOOD, {**GOOD, "id": 2, **change}])


def test_check_messages_limits_are_inclusive() -> None:
    at_limits = {**GOOD, "recipient": "1" * 21, "sender": "S" * 11, "type": 3}
    assert _xml.check_messages([at_limits]) == (Message(1, "1" * 21, "hi", "S" * 11, 3),)


def test_check_messages_missing_field_and_containers() -> None:
    with pytest.raises(ValueError, match=r"messages\[0\]\.sender is missing"):
        _xml.check_messages([{"id": 1, "recipient": "+3", "text": "x"}])
    with pytest.raises(ValueError, match="must not be empty"):
        _xml.check_messages([])
    for bad in (GOOD, Message(1, "+3", "a", "S"), "text", 5):
        with pytest.raises(TypeError, match="messages must be a list"):
            _xml.check_messages(bad)
    with pytest.raises(TypeError, match=r"messages\[0\] must be a Message or a dict"):
        _xml.check_messages(["x"])


def test_check_status_ids() -> None:
    assert _xml.check_status_ids([1, 2], ["99"]) == ((1, 2), ("99",))
    with pytest.raises(ValueError, match="at least one"):
        _xml.check_status_ids([], [])
    with pytest.raises(ValueError, match=r"ids\[1\]"):
        _xml.check_status_ids([1, 0], [])
    with pytest.raises(ValueError, match=r"sms_ids\[0\]"):
        _xml.check_status_ids([], ["a b"])
    with pytest.raises(TypeError, match="ids must be a list"):
        _xml.check_status_ids("12", [])


@pytest.mark.parametrize("bad", ["", "x" * 65, "a b", "a\tb", "ab\n", "\x00"])
def test_check_job_id_refuses(bad: str) -> None:
    with pytest.raises(ValueError, match="job_id"):
        _xml.check_job_id(bad)


def test_check_job_id_accepts() -> None:
    assert _xml.check_job_id("x" * 64) == "x" * 64
    assert _xml.check_job_id(12) == "12"
    with pytest.raises(TypeError, match="job_id"):
        _xml.check_job_id(None)


# --- reading responses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "progress"),
    [("WAITING", 0), ("RUNNING", 50), ("COMPLETE", 100), ("FAILED", 30), ("SOMETHING_NEW", 7)],
)
def test_parse_job(status: str, progress: int) -> None:
    assert _xml.parse_job(resp(job_xml(status, progress))) == JobProgress(status, progress)


def test_parse_job_documented_example_with_whitespace() -> None:
    body = """<?xml version="1.0" encoding="utf-8" ?>
    <package>
        <job>
            <progress>50</progress>
            <status>RUNNING</status>
        </job>
    </package>"""
    assert _xml.parse_job(resp(body)) == JobProgress("RUNNING", 50)


def test_parse_job_tolerates_attributes_and_notfound_without_progress() -> None:
    body = (
        '<package><job id="x"><progress unit="%">5</progress>'
        '<status a="1">RUNNING</status></job></package>'
    )
    assert _xml.parse_job(resp(body)) == JobProgress("RUNNING", 5)
    assert _xml.parse_job(resp(job_xml("NOTFOUND", None))) == JobProgress("NOTFOUND", None)


def test_parse_job_id() -> None:
    body = (
        "<package><message-async><job> 8714ea91e9bb454d25ef42ba6f18ea4e </job>"
        "</message-async></package>"
    )
    assert _xml.parse_job_id(resp(body)) == "8714ea91e9bb454d25ef42ba6f18ea4e"


def test_parse_message_statuses_documented_example() -> None:
    body = """<?xml version="1.0" encoding="utf-8" ?>
    <package><status>
      <msg id="1234" sms_id="1234568" sms_count="1" date_completed="2024-11-11T12:00:00">102</msg>
      <msg id="4321" sms_id="1234569" sms_count="1">1</msg>
    </status></package>"""
    first, second = _xml.parse_message_statuses(resp(body))
    assert (first.id, first.sms_id, first.code, first.name, first.sms_count) == (
        1234,
        "1234568",
        102,
        "DELIVERED",
        1,
    )
    assert first.completed_at is not None
    assert first.completed_at.year == 2024
    assert not first.is_error
    assert (second.name, second.date_completed, second.completed_at) == ("RECEIVED", None, None)


@pytest.mark.parametrize("code", sorted(MESSAGE_CODES))
def test_every_message_code_is_named(code: int) -> None:
    body = f'<package><status><msg id="1">{code}</msg></status></package>'
    (status,) = _xml.parse_message_statuses(resp(body))
    assert status.name == MESSAGE_CODES[code]
    assert status.is_error == (code >= 200)


def test_message_status_shapes() -> None:
    assert _xml.parse_message_statuses(resp("<package><status/></package>")) == []
    assert _xml.parse_message_statuses(resp('<package><status n="0"/></package>')) == []
    (bare,) = _xml.parse_message_statuses(
        resp("<package><status><msg>555</msg></status></package>")
    )
    assert (bare.id, bare.code, bare.name) == (None, 555, "UNKNOWN_555")
    (odd,) = _xml.parse_message_statuses(
        resp(
            '<package><status><msg id="3" date_completed="soon" new="x">110</msg>'
            "</status></package>"
        )
    )
    assert (odd.name, odd.date_completed, odd.completed_at) == ("SENDING", "soon", None)


# Every request-level error code: which error, and whether the engine may retry it.
ERRORS: dict[int, tuple[type[jobpoll.Error], bool]] = {
    200: (jobpoll.APIError, True),
    201: (jobpoll.APIError, False),
    202: (jobpoll.AuthError, False),
    205: (jobpoll.AuthError, False),
    209: (jobpoll.AuthError, False),
    210: (jobpoll.AuthError, False),
    212: (jobpoll.RateLimited, True),
    299: (jobpoll.APIError, True),  # a code this release does not know
}


@pytest.mark.parametrize("parse", [_xml.parse_job, _xml.parse_job_id, _xml.parse_message_statuses])
@pytest.mark.parametrize("code", sorted(ERRORS))
def test_request_level_errors(code: int, parse: object) -> None:
    kind, retryable = ERRORS[code]
    assert callable(parse)
    with pytest.raises(kind) as info:
        parse(resp(f"<package><error>{code}</error></package>"), secrets=[KEY])
    err = info.value
    assert type(err) is kind
    assert err.retryable is retryable
    assert err.retry_after is None
    assert REQUEST_ERRORS.get(code, f"UNKNOWN_{code}") in str(err)
    assert str(code) in str(err)
    assert not isinstance(err, jobpoll.MalformedResponse)


def test_all_documented_request_errors_are_covered() -> None:
    assert set(REQUEST_ERRORS) <= set(ERRORS)


@pytest.mark.parametrize(
    ("status", "kind", "retryable"),
    [
        (500, jobpoll.APIError, True),
        (520, jobpoll.APIError, True),
        (401, jobpoll.AuthError, False),
        (403, jobpoll.AuthError, False),
        (429, jobpoll.RateLimited, True),
        (400, jobpoll.APIError, False),
        (404, jobpoll.APIError, False),  # one endpoint: a 404 is a wrong base URL, not a job
        (301, jobpoll.APIError, False),
    ],
)
def test_http_errors(status: int, kind: type[jobpoll.Error], retryable: bool) -> None:
    with pytest.raises(kind) as info:
        _xml.parse_job(resp(f"<html>{KEY}</html>", status), secrets=[KEY])
    assert type(info.value) is kind
    assert info.value.retryable is retryable
    assert not isinstance(info.value, jobpoll.JobNotFound)
    assert KEY not in str(info.value)
    assert KEY not in getattr(info.value, "body_excerpt", "")
    if status == 404:
        assert "base_url" in str(info.value)


MALFORMED_JOB = {
    "garbage": "this is not xml",
    "empty": "",
    "html": "<html><body>502 Bad Gateway</body></html>",
    "truncated": job_xml("RUNNING", 50)[:-12],
    "wrong root": "<pack><job><progress>1</progress><status>RUNNING</status></job></pack>",
    "empty package": "<package/>",
    "text package": "<package>hello</package>",
    "no job": "<package><other/></package>",
    "job is text": "<package><job>RUNNING</job></package>",
    "two jobs": "<package><job><progress>1</progress><status>RUNNING</status></job>"
    "<job><progress>1</progress><status>RUNNING</status></job></package>",
    "no status": "<package><job><progress>1</progress></job></package>",
    "empty status": job_xml("", 5),
    "two statuses": "<package><job><progress>1</progress><status>A</status><status>B</status>"
    "</job></package>",
    "status with children": "<package><job><progress>1</progress><status><x/></status>"
    "</job></package>",
    "non-integer progress": job_xml("RUNNING", "half"),
    "fraction progress": job_xml("RUNNING", "50.5"),
    "negative progress": job_xml("RUNNING", -1),
    "progress above 100": job_xml("RUNNING", 101),
    "unicode digits": job_xml("RUNNING", "\u0665\u0660"),
    "huge progress": job_xml("RUNNING", "9" * 5000),
    "two progresses": "<package><job><progress>1</progress><progress>2</progress>"
    "<status>RUNNING</status></job></package>",
    "long status word": job_xml("X" * 65, 5),
    "undefined entity": "<package><job>&nope;</job></package>",
    "two roots": "<package/><package/>",
    "error not a number": "<package><error>oops</error></package>",
    "two errors": "<package><error>202</error><error>212</error></package>",
    "invalid utf-8": b"<package><job><progress>1</progress><status>\xff\xfe</status>"
    b"</job></package>",
    "unknown encoding": b'<?xml version="1.0" encoding="x-nope"?><package/>',
}


@pytest.mark.parametrize("body", MALFORMED_JOB.values(), ids=MALFORMED_JOB.keys())
def test_malformed_job_bodies(body: str | bytes) -> None:
    with pytest.raises(jobpoll.MalformedResponse) as info:
        _xml.parse_job(resp(body), secrets=[KEY])
    assert info.value.retryable
    assert info.value.response is not None
    assert "the job status" in str(info.value)


MALFORMED_SEND = {
    "no message-async": "<package><job>abc</job></package>",
    "no job": "<package><message-async/></package>",
    "empty job": "<package><message-async><job/></message-async></package>",
    "job with space": "<package><message-async><job>a b</job></message-async></package>",
    "job too long": f"<package><message-async><job>{'x' * 65}</job></message-async></package>",
    "two jobs": "<package><message-async><job>a</job><job>b</job></message-async></package>",
    "two message-async": "<package><message-async><job>a</job></message-async>"
    "<message-async><job>b</job></message-async></package>",
}


@pytest.mark.parametrize("body", MALFORMED_SEND.values(), ids=MALFORMED_SEND.keys())
def test_malformed_send_bodies(body: str) -> None:
    with pytest.raises(jobpoll.MalformedResponse):
        _xml.parse_job_id(resp(body))


MALFORMED_STATUSES = {
    "no status": "<package/>",
    "status text": "<package><status>102</status></package>",
    "two status": "<package><status/><status/></package>",
    "msg without code": '<package><status><msg id="1"/></status></package>',
    "empty msg": "<package><status><msg/></status></package>",
    "one of many empty": '<package><status><msg id="1">102</msg><msg/></status></package>',
    "non-integer code": '<package><status><msg id="1">DELIVERED</msg></status></package>',
    "non-integer id": '<package><status><msg id="one">102</msg></status></package>',
    "non-integer sms_count": '<package><status><msg id="1" sms_count="x">102</msg>'
    "</status></package>",
}


@pytest.mark.parametrize("body", MALFORMED_STATUSES.values(), ids=MALFORMED_STATUSES.keys())
def test_malformed_status_bodies(body: str) -> None:
    with pytest.raises(jobpoll.MalformedResponse):
        _xml.parse_message_statuses(resp(body))


# --- what the parser refuses ------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<package><job><progress>1</progress><status>&lol9;</status></job></package>"""

HOSTILE = {
    "billion laughs": BILLION_LAUGHS,
    "external entity": '<!DOCTYPE package [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<package><job><progress>1</progress><status>&xxe;</status></job></package>",
    "parameter entity": '<!DOCTYPE package [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'
    "<package/>",
    "external DTD": '<!DOCTYPE package SYSTEM "http://127.0.0.1:9/x.dtd">'
    "<package><job><progress>1</progress><status>RUNNING</status></job></package>",
    "bare doctype": "<!DOCTYPE package>"
    "<package><job><progress>1</progress><status>RUNNING</status></job></package>",
    "internal entity": '<!DOCTYPE package [<!ENTITY s "RUNNING">]>'
    "<package><job><progress>1</progress><status>&s;</status></job></package>",
    "unparsed entity": '<!DOCTYPE package [<!ENTITY u SYSTEM "x" NDATA gif>]><package/>',
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_dtds_and_entities_are_refused(body: str) -> None:
    with pytest.raises(jobpoll.MalformedResponse, match="DOCTYPE"):
        _xml.parse_job(resp(body))
    with pytest.raises(_xml.XMLRefused, match="DOCTYPE"):
        _xml.load(body.encode())


def test_size_cap() -> None:
    valid = job_xml("RUNNING", 5).encode()
    at_cap = valid + b" " * (_xml.MAX_RESPONSE_BYTES - len(valid))
    assert _xml.parse_job(resp(at_cap)) == JobProgress("RUNNING", 5)
    with pytest.raises(jobpoll.MalformedResponse, match="byte cap") as info:
        _xml.parse_job(resp(at_cap + b" "))
    assert info.value.retryable


def test_deep_nesting_is_just_malformed() -> None:
    body = "<package>" + "<a>" * 50_000 + "</a>" * 50_000 + "</package>"
    with pytest.raises(jobpoll.MalformedResponse):
        _xml.parse_job(resp(body))


def test_the_key_is_cut_from_excerpts_and_messages() -> None:
    # A body that echoes the key, with the key straddling the excerpt's 160-character cut.
    body = "x" * 150 + KEY + " <package><job>" + KEY + "</job></package>"
    for parse in (_xml.parse_job, _xml.parse_job_id, _xml.parse_message_statuses):
        with pytest.raises(jobpoll.Error) as info:
            parse(resp(body), secrets=[KEY])
        assert KEY not in str(info.value)
        assert KEY[:8] not in getattr(info.value, "body_excerpt", "")
    body = f"<package><job><progress>1</progress><status>{KEY}{'x' * 60}</status></job></package>"
    with pytest.raises(jobpoll.MalformedResponse) as info2:
        _xml.parse_job(resp(body), secrets=[KEY])
    assert KEY not in str(info2.value)
    assert KEY not in info2.value.body_excerpt


# --- fuzzing: only a valid result or a jobpoll.Error may come out -----------------------------

TAGS = ["package", "job", "progress", "status", "error", "msg", "message-async", "x"]
ATTRS = ["id", "sms_id", "sms_count", "date_completed", "key", "type"]
WORDS = st.one_of(
    st.sampled_from(["RUNNING", "COMPLETE", "FAILED", "WAITING", "NOTFOUND", "102", "212", "202"]),
    st.integers(-5, 300).map(str),
    st.text(max_size=12),
)


def _render(tree: object) -> str:
    if isinstance(tree, str):
        return escape("".join(c for c in tree if _xml.xml_text_ok(c)))
    assert isinstance(tree, tuple)
    tag, attrs, children = tree
    attr_text = "".join(
        f" {name}={quoteattr(''.join(c for c in value if _xml.xml_text_ok(c)))}"
        for name, value in attrs.items()
    )
    return f"<{tag}{attr_text}>" + "".join(_render(c) for c in children) + f"</{tag}>"


ELEMENTS = st.recursive(
    WORDS,
    lambda inner: st.tuples(
        st.sampled_from(TAGS),
        st.dictionaries(st.sampled_from(ATTRS), WORDS, max_size=3),
        st.lists(inner, max_size=4),
    ),
    max_leaves=25,
)
DOCUMENTS = st.one_of(
    ELEMENTS.map(lambda t: _render(t).encode("utf-8")),
    st.tuples(st.sampled_from(TAGS[1:]), st.lists(ELEMENTS, max_size=4)).map(
        lambda p: _render(("package", {}, [(p[0], {}, p[1])])).encode()
    ),
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.tuples(st.sampled_from([job_xml("RUNNING", 40), BILLION_LAUGHS]), st.integers(0, 200)).map(
        lambda p: p[0][: p[1]].encode()
    ),
)
PARSERS = [_xml.parse_job, _xml.parse_job_id, _xml.parse_message_statuses]


def _only_results_or_jobpoll_errors(body: bytes, status: int) -> None:
    for parse in PARSERS:
        try:
            result = parse(resp(body, status), secrets=[KEY])
        except jobpoll.Error as err:
            message = str(err)
            result = None
        else:
            message = ""
        assert KEY not in message
        if result is None:
            continue
        if parse is _xml.parse_job:
            assert isinstance(result, JobProgress)
            assert result.progress is None or 0 <= result.progress <= 100
        elif parse is _xml.parse_job_id:
            assert isinstance(result, str)
            assert _xml.check_job_id(result) == result
        else:
            assert isinstance(result, list)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=DOCUMENTS, status=st.sampled_from([200, 200, 200, 201, 302, 404, 429, 500]))
def test_fuzz_parse_layer(body: bytes, status: int) -> None:
    _only_results_or_jobpoll_errors(body, status)


@settings(max_examples=60, deadline=None)
@given(depth=st.integers(1, 3000), tag=st.sampled_from(TAGS))
def test_fuzz_nesting(depth: int, tag: str) -> None:
    body = f"<package>{f'<{tag}>' * depth}7{f'</{tag}>' * depth}</package>".encode()
    _only_results_or_jobpoll_errors(body, 200)


# --- the reading rule (issues #10, #11) -----------------------------------------------------

DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


@pytest.mark.parametrize(
    "lead",
    [b"\n", b"\r\n\r\n", b"  \t\n", b"\xef\xbb\xbf", b"\n\xef\xbb\xbf", b"\xef\xbb\xbf\n\n"],
    ids=["newline", "blank lines", "spaces", "bom", "newline+bom", "bom+newlines"],
)
@pytest.mark.parametrize("declared", [True, False], ids=["declared", "bare"])
def test_blank_lines_and_a_bom_before_the_xml_are_skipped(lead: bytes, declared: bool) -> None:
    # A PHP endpoint (xml.php) easily emits a stray newline or an included file's BOM first.
    bare = job_xml("RUNNING", 40).split("?>", 1)[1]
    body = lead + ((DECLARATION if declared else "") + bare).encode()
    assert _xml.parse_job(resp(body)) == JobProgress("RUNNING", 40)


@pytest.mark.parametrize("lead", [b"\n\n", b"\xef\xbb\xbf"])
def test_what_follows_the_skipped_lead_is_still_refused_if_hostile(lead: bytes) -> None:
    for body in HOSTILE.values():
        with pytest.raises(jobpoll.MalformedResponse, match="DOCTYPE"):
            _xml.parse_job(resp(lead + body.encode()))
    with pytest.raises(jobpoll.MalformedResponse):  # only blanks and BOMs are skipped
        _xml.parse_job(resp(lead + b"x" + job_xml("RUNNING", 4).encode()))


def test_the_size_cap_counts_the_lead_too() -> None:
    valid = job_xml("RUNNING", 5).encode()
    lead = b"\n" * (_xml.MAX_RESPONSE_BYTES - len(valid) + 1)
    with pytest.raises(jobpoll.MalformedResponse, match="byte cap"):
        _xml.parse_job(resp(lead + valid))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (job_xml("RUNNING", None), JobProgress("RUNNING", None)),
        (job_xml("WAITING", ""), JobProgress("WAITING", None)),
        (job_xml("COMPLETE", None), JobProgress("COMPLETE", None)),
        (job_xml("COMPLETE", "done"), JobProgress("COMPLETE", None)),
        (job_xml("COMPLETE", 101), JobProgress("COMPLETE", None)),
    ],
)
def test_progress_the_status_does_not_need_never_fails_a_poll(
    body: str, expected: JobProgress
) -> None:
    assert _xml.parse_job(resp(body)) == expected
