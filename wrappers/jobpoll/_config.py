"""Client settings: credentials and base URLs from arguments or the environment, validated."""

from __future__ import annotations

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


def secret(value: str | None, env: str, *, name: str) -> Secret:
    """The credential from ``value`` or the environment variable ``env``; ValueError if neither."""
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
    if any(c in value for c in "\r\n\0"):
        raise ValueError(f"{name} contains a line break or NUL, which cannot travel in a header")
    return Secret(value)


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
    try:
        url = httpx.URL(value.strip())
    except (httpx.InvalidURL, TypeError) as exc:
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
    if url.query or url.fragment:
        raise ValueError(f"{name} must not have a query string or fragment")
    return str(url).rstrip("/")


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


def text_id(value: object, *, name: str = "job_id", max_len: int = 200) -> str:
    """A non-empty string id without whitespace or path characters."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise ValueError(f"{name} must not be empty")
    if len(text) > max_len:
        raise ValueError(f"{name} is longer than {max_len} characters")
    if any(c.isspace() or c in "/?#%\\" or not c.isprintable() for c in text):
        raise ValueError(
            f"{name} must not contain spaces, '/', '?', '#', '%' or control characters"
        )
    return text
