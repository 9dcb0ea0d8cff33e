"""Text for a terminal: vendor text made harmless, and lines that fit the width."""

from __future__ import annotations

import unicodedata

_UNSAFE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean(text: object) -> str:
    """``text`` with every control, format or separator character written as an escape.

    Vendor text (a failure detail, an error message) reaches the terminal: ``ESC[2K ESC[1G``
    in it would erase the line and forge another. Tabs and newlines are escaped too, so that
    one message stays one line.
    """
    value = str(text)
    if value.isprintable():
        return value
    out = []
    for ch in value:
        if ch == " " or unicodedata.category(ch) not in _UNSAFE:
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with ``…`` (or ``.``) where it was cut."""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    return text[: width - 1] + "…"


def middle(text: str, width: int) -> str:
    """``text`` cut in the middle to ``width`` characters: both ends of an id stay readable."""
    if len(text) <= width:
        return text
    if width < 5:
        return text[:width]
    head = (width - 1) // 2
    tail = width - 1 - head
    return f"{text[:head]}…{text[-tail:]}"


def progress_bar(progress: float | None, width: int = 20) -> str:
    """``[#####...............]  25%`` for a fraction, or an empty string when there is none.
    ``width`` is the number of cells inside the brackets."""
    if progress is None:
        return ""
    cells = max(width, 1)
    filled = round(progress * cells)
    return f"[{'#' * filled}{'.' * (cells - filled)}] {progress:4.0%}"


def duration(seconds: float) -> str:
    """``4.2s``, ``1m05s``, ``2h03m``: short enough for a status line."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
