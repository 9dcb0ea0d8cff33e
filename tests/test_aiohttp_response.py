"""The aiohttp channel's complete responses are what ``httpx.Response(...)`` would build."""

from __future__ import annotations

import pickle

import httpx
import pytest

from jobpoll._aiohttp import complete

CASES = [
    (200, [("Content-Type", "application/json")], b'{"state":"running"}'),
    (429, [("Retry-After", "3"), ("X-A", "1"), ("x-a", "2")], b""),
    (500, [("Content-Type", "text/plain; charset=latin-1")], "caf\u00e9".encode("latin-1")),
    (200, [("Content-Length", "2"), ("Content-Type", "text/xml")], b"<a/>"),
]


def _seen(r: httpx.Response) -> dict[str, object]:
    return {
        "status_code": r.status_code,
        "headers": r.headers.multi_items(),
        "raw_headers": r.headers.raw,
        "content": r.content,
        "text": r.text,
        "encoding": r.encoding,
        "is_closed": r.is_closed,
        "is_stream_consumed": r.is_stream_consumed,
        "extensions": r.extensions,
        "history": r.history,
        "next_request": r.next_request,
        "reason_phrase": r.reason_phrase,
        "http_version": r.http_version,
        "num_bytes_downloaded": r.num_bytes_downloaded,
        "is_success": r.is_success,
        "iter_bytes": b"".join(r.iter_bytes()),
        "read": r.read(),
        "repr": repr(r),
        "vars": sorted(k for k in vars(r) if k != "_decoder"),
    }


@pytest.mark.parametrize(("status", "headers", "content"), CASES)
def test_complete_is_what_httpx_builds(
    status: int, headers: list[tuple[str, str]], content: bytes
) -> None:
    made = complete(status, headers, content)
    built = httpx.Response(status, headers=headers, content=content)
    assert _seen(made) == _seen(built)
    made.close()  # closing twice does nothing, as for a read response
    with pytest.raises(RuntimeError):
        _ = made.request  # no request attached, as httpx's own
    assert pickle.loads(pickle.dumps(made)).content == content
