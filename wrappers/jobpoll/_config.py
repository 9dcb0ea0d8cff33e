"""Client settings: credentials and base URLs from arguments or the environment, validated."""

from __future__ import annotations

import json
import math
import os
from typing import Final

import httpx


class Secret:
    """A credential that never shows itself in a repr, a str or a log line."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The credential itself, for the one place that sends it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


MIN_SECRET_LEN: Final = 8
"""The shortest credential accepted. Redaction replaces a credential wherever it appears;
a shorter one would match ordinary words and ids in vendor text (blanking them out, and
showing by the gaps where the credential's letters occur), and no vendor issues one that
short (their keys and tokens are 32 characters or more)."""


def secret(value: str | None, env: str, *, name: str, xml: bool = False) -> Secret:
    """The credential from ``value`` or the environment variable ``env``; ValueError if neither.

    It must be able to travel as it is: in an HTTP header (printable ASCII), or with ``xml``
    in an XML attribute (any character XML 1.0 allows); and be long enough to redact.
    """
    if value is None:
        value = os.environ.get(env)
    if value is None:
        raise ValueError(
            f"{name} is required: pass {name}=... or set the environment variable {env}"
        )
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    value = value.strip()
    if not value:
        raise ValueError(f"{name} must not be empty")
    if xml:
        if any(_xml_illegal(c) for c in value):
            raise ValueError(f"{name} contains a character that XML cannot carry")
    elif not all(" " <= c <= "~" for c in value):
        raise ValueError(
            f"{name} contains a control or non-ASCII character, which cannot travel in a header"
        )
    if len(value) < MIN_SECRET_LEN:
        raise ValueError(
            f"{name} is shorter than {MIN_SECRET_LEN} characters: too short to be a real "
            "credential, or to be kept out of error messages"
        )
    return Secret(value)


def _xml_illegal(c: str) -> bool:
    # XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF];
    # of those, the C0/C1 controls are refused too (a key has no business holding them).
    code = ord(c)
    return (
        code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)
    )


def base_url(value: str | None, env: str, default: str | None, *, name: str = "base_url") -> str:
    """The base URL from ``value``, the environment variable ``env`` or ``default``, validated."""
    if value is None:
        value = os.environ.get(env) or default
    if value is None:
        raise ValueError(
            f"{name} is required: pass {name}=... or set the environment variable {env}"
        )
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    text = value.strip()
    try:
        url = httpx.URL(text)
        port = url.port
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https"):
        raise ValueError(
            f"{name} must start with http:// or https://, got {url.scheme or 'no scheme'}"
        )
    if not url.host:
        raise ValueError(f"{name} has no host")
    if url.userinfo:
        raise ValueError(
            f"{name} must not carry credentials (user:password@); pass them as arguments"
        )
    # An empty "?" or "#" leaves url.query/fragment empty: look at the text as well.
    if url.query or url.fragment or "?" in text or "#" in text:
        raise ValueError(f"{name} must not have a query string or fragment")
    if port is not None and not 1 <= port <= _MAX_PORT:
        raise ValueError(f"{name} has port {port}, outside 1-{_MAX_PORT}")
    return str(url).rstrip("/")


_MAX_PORT: Final = 65535


DEFAULT_TIMEOUT: Final = 900.0
"""The default deadline of a wait, in seconds (15 minutes)."""


def timeout(value: float | None, *, name: str = "timeout") -> float | None:
    """A wait deadline in seconds: a finite number > 0, or None for no deadline."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds or None, got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number of seconds > 0 (or None), got {value!r}")
    return float(value)


MAX_ID_LEN: Final = 512


def text_id(value: object, *, name: str = "job_id", max_len: int = MAX_ID_LEN) -> str:
    """An id as a vendor returned it, to be path-quoted into a URL.

    Anything that can be quoted is accepted (``queue/17``, base64 with ``/+=``): refusing an
    id the vendor issued would lose a job that exists. Refused are only ids that cannot be
    real: empty, ``.`` and ``..`` (which the URL would resolve to another endpoint), control
    characters and lone surrogates (which cannot be quoted).
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise ValueError(f"{name} must not be empty")
    if text in (".", ".."):
        raise ValueError(f"{name} {text!r} is a path step, not an id")
    if len(text) > max_len:
        raise ValueError(f"{name} is longer than {max_len} characters")
    if not all(c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise ValueError(f"{name} must not contain control characters")
    return text


def is_json(value: object) -> bool:
    """True when ``json.dumps`` takes ``value`` (a request body's free-form part)."""
    try:
        json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        return False
    return True
