"""Redaction: a credential removed from text, in the escapings a server may echo it in.

A server that repeats a request back in an error body rarely repeats it verbatim: JSON writes
``/`` as ``\\/`` or any character as ``\\u0041``, XML writes ``&`` as ``&amp;`` or ``&#38;``,
a URL writes it as ``%26``. Each character of the credential is matched in any of those forms
(mixed freely, hex in either case), so an escaped echo is redacted like a plain one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

_NAMED = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}
_JSON_SHORT = {"/": r"\/", '"': r"\"", "\\": r"\\"}


def _hex(number: int, width: int) -> str:
    """A regex for ``number`` in hex, either case, at least ``width`` digits (more zeros ok)."""
    digits = f"{number:x}"
    return "0*" + "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in digits.zfill(width))


def _forms(char: str) -> str:
    code = ord(char)
    forms = [re.escape(char)]
    if char in _JSON_SHORT:
        forms.append(re.escape(_JSON_SHORT[char]))
    if code <= 0xFFFF:
        forms.append(r"\\[uU]" + _hex(code, 4).removeprefix("0*"))
    if char in _NAMED:
        forms.append(f"&{_NAMED[char]};")
    forms.append(f"&#0*{code};")
    forms.append(f"&#[xX]{_hex(code, 1)};")
    percent = "".join(f"%{_hex(byte, 2).removeprefix('0*')}" for byte in char.encode())
    forms.append(percent)
    if char == " ":
        forms.append(r"\+")
    return "(?:" + "|".join(forms) + ")"


@functools.lru_cache(maxsize=64)
def _pattern(secret: str) -> re.Pattern[str]:
    return re.compile("".join(_forms(c) for c in secret))


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``***``, plain or escaped (JSON, XML, URL)."""
    for secret in secrets:
        if secret:
            text = _pattern(secret).sub("***", text)
    return text
