"""Redaction: a credential is removed plain and in the escapings a server may echo it in."""

from __future__ import annotations

import html
import json
import re
import urllib.parse

from hypothesis import given, settings
from hypothesis import strategies as st

from jobpoll._http import redact as reexported
from jobpoll._redact import redact

ESCAPES = [
    lambda s: s,
    lambda s: json.dumps(s)[1:-1],
    lambda s: json.dumps(s).replace("/", "\\/")[1:-1],
    lambda s: json.dumps(s, ensure_ascii=True)[1:-1],
    lambda s: "".join(f"\\u{ord(c):04x}" for c in s),
    html.escape,
    lambda s: "".join(f"&#{ord(c)};" for c in s),
    lambda s: "".join(f"&#X{ord(c):X};" for c in s),
    lambda s: urllib.parse.quote(s, safe=""),
    lambda s: re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), urllib.parse.quote(s, safe="")),
    urllib.parse.quote_plus,
]
secrets = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=8, max_size=40)


@settings(max_examples=200, deadline=None)
@given(secret=secrets, escape=st.sampled_from(ESCAPES), before=st.text(max_size=20))
def test_every_escaping_of_a_secret_is_redacted(secret, escape, before):
    text = f"{before} said {escape(secret)} and more"
    out = redact(text, [secret])
    assert "***" in out
    assert escape(secret) not in out


def test_text_without_the_secret_is_left_alone():
    text = 'HTTP 500 (server said: {"error": "canary/ab&c+d=e is close, but not it"})'
    assert redact(text, ["canary/ab&c+d=ef"]) == text


def test_http_redact_is_the_same_function():
    assert reexported is redact
    assert redact("a&amp;b=c%2Fd", ["a&b=c/d"]) == "***"
