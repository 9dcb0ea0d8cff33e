#!/usr/bin/env python3
"""Copy the OpenAPI YAML block out of a vendor documentation page, byte for byte.

Usage: python specs/extract_upstream.py SEED_FILE OUTPUT_FILE

The vendor pages (see /work/shared/seeds/) embed the spec in a Markdown code
fence whose info string starts with ``yaml``, e.g.::

    ````yaml /openapi/phrase-tms-latest.json get /api2/v1/async/{asyncRequestId}
    openapi: 3.0.0
    ...
    ````

Everything between the opening fence line and the closing fence line (a line of
at least as many backticks and nothing else, as in CommonMark) is written to
OUTPUT_FILE unchanged: no decoding, no newline conversion, nothing added.
Exactly one such block must exist. Standard library only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

OPEN = re.compile(rb"^(?P<fence>`{3,})[ \t]*yaml(?:[ \t].*)?$")


def extract(data: bytes) -> tuple[bytes, bytes]:
    """Return (block, opening info line) of the only ```yaml block in ``data``."""
    lines = data.splitlines(keepends=True)
    blocks: list[tuple[bytes, bytes]] = []
    i = 0
    while i < len(lines):
        m = OPEN.match(lines[i].rstrip(b"\r\n"))
        if not m:
            i += 1
            continue
        width = len(m.group("fence"))
        close = re.compile(rb"^`{%d,}[ \t]*$" % width)
        for j in range(i + 1, len(lines)):
            if close.match(lines[j].rstrip(b"\r\n")):
                blocks.append((b"".join(lines[i + 1 : j]), lines[i].rstrip(b"\r\n")))
                i = j + 1
                break
        else:
            raise ValueError(f"unterminated yaml fence opened on line {i + 1}")
    if len(blocks) != 1:
        raise ValueError(f"expected exactly one yaml code block, found {len(blocks)}")
    return blocks[0]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    src, dst = Path(argv[1]), Path(argv[2])
    try:
        block, header = extract(src.read_bytes())
    except ValueError as exc:
        print(f"{src}: {exc}", file=sys.stderr)
        return 1
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(block)
    print(f"{src} -> {dst}: {len(block)} bytes from {header.decode('utf-8', 'replace')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
