"""A hostile HTTP/1.1 server on 127.0.0.1, in a child process of its own.

The first path segment of a request picks how the server misbehaves (a client's ``base_url``
is ``http://127.0.0.1:PORT/<behaviour>``), so one server serves the whole suite and every
vendor path lands on it. It runs in its own process so that what the tests measure (memory,
time) is the client's alone, and so that the server's own writes never hold up the client.

    python -m tests.reliability._hostile     # prints "PORT TARGET_PORT", serves until stdin closes

A second port, the *target*, is where ``redirect`` sends clients: it records every request it
gets, and ``GET /_seen`` on the main port returns (and forgets) what it recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import os
import socket
import struct
import subprocess
import sys
import zlib
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import attrs

INTERVAL = 0.2
"""Seconds between the bytes a trickling server sends: far below any read timeout."""

GIB = 1024**3
MIB = 1024**2


def gzip_bomb(size: int = GIB) -> bytes:
    """A valid gzip stream of ``size`` zero bytes (``size`` a multiple of 1 MiB), built without
    compressing all of it: one fully flushed deflate block of 1 MiB of zeros, repeated."""
    zeros = bytes(MIB)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = raw.compress(zeros) + raw.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    crc = 0
    for _ in range(size // MIB):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, size % 2**32)
    return header + block * (size // MIB) + end + trailer


@attrs.define
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


Writer = asyncio.StreamWriter
Behaviour = Callable[[Writer, Request], Awaitable[bool]]
"""Answer (or not) one request; True keeps the connection for the next one."""

BEHAVIOURS: dict[str, Behaviour] = {}
SEEN: list[dict[str, str]] = []
PORTS: dict[str, int] = {}


def behaviour(name: str) -> Callable[[Behaviour], Behaviour]:
    def register(fn: Behaviour) -> Behaviour:
        BEHAVIOURS[name] = fn
        return fn

    return register


def head(status: str, *headers: str) -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status}", *headers]) + "\r\n\r\n").encode()


async def trickle(writer: Writer, data: bytes) -> None:
    for i in range(len(data)):
        writer.write(data[i : i + 1])
        await writer.drain()
        await asyncio.sleep(INTERVAL)


@behaviour("trickle-headers")
async def _trickle_headers(writer: Writer, request: Request) -> bool:
    writer.write(b"HTTP/1.1 200 OK\r\n")
    await trickle(writer, b"X-Slow: a\r\n" * 10_000)
    return False


@behaviour("trickle-body")
async def _trickle_body(writer: Writer, request: Request) -> bool:
    writer.write(head("200 OK", "Content-Type: application/json", "Content-Length: 100000"))
    await trickle(writer, b" " * 100_000)
    return False


@behaviour("endless-chunked")
async def _endless_chunked(writer: Writer, request: Request) -> bool:
    writer.write(head("200 OK", "Content-Type: application/json", "Transfer-Encoding: chunked"))
    while True:
        writer.write(b"1\r\n \r\n")
        await writer.drain()
        await asyncio.sleep(INTERVAL)


BOMB = gzip_bomb() if __name__ == "__main__" else b""
"""The 1 GiB gzip bomb (about 1 MiB), built in the server's process only."""


@behaviour("gzip-bomb")
async def _gzip_bomb(writer: Writer, request: Request) -> bool:
    writer.write(head("200 OK", "Content-Encoding: gzip", f"Content-Length: {len(BOMB)}"))
    writer.write(BOMB)
    await writer.drain()
    return True


@behaviour("gzip-gzip")
async def _gzip_gzip(writer: Writer, request: Request) -> bool:
    body = gzip.compress(BOMB)  # the bomb compressed again: a few KB for 1 GiB
    writer.write(head("200 OK", "Content-Encoding: gzip, gzip", f"Content-Length: {len(body)}"))
    writer.write(body)
    await writer.drain()
    return True


@behaviour("cl-and-chunked")
async def _cl_and_chunked(writer: Writer, request: Request) -> bool:
    writer.write(head("200 OK", "Content-Length: 10", "Transfer-Encoding: chunked"))
    chunk = b"%x\r\n" % (64 * 1024) + b"0" * (64 * 1024) + b"\r\n"
    for _ in range(300 * 16):  # 300 MiB
        writer.write(chunk)
        await writer.drain()
    writer.write(b"0\r\n\r\n")
    await writer.drain()
    return True


@behaviour("bad-gzip")
async def _bad_gzip(writer: Writer, request: Request) -> bool:
    body = b'{"this": "is not gzip"}'
    writer.write(head("200 OK", "Content-Encoding: gzip", f"Content-Length: {len(body)}"))
    writer.write(body)
    await writer.drain()
    return True


@behaviour("reset")
async def _reset(writer: Writer, request: Request) -> bool:
    writer.write(head("200 OK", "Content-Type: application/json", "Content-Length: 1000"))
    writer.write(b'{"status": "' + b"x" * 100)
    await writer.drain()
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()  # RST, not FIN
    return False


HUGE = b"[" + b",".join([b'{"a":0}'] * (1_048_000)) + b"]"
"""About 8 MiB of small JSON objects: under the old 8 MiB cap, costly to parse."""


@behaviour("huge-status")
async def _huge(writer: Writer, request: Request) -> bool:
    writer.write(head("200 OK", "Content-Type: application/json", f"Content-Length: {len(HUGE)}"))
    writer.write(HUGE)
    await writer.drain()
    return True


@behaviour("redirect")
async def _redirect(writer: Writer, request: Request) -> bool:
    where = f"http://127.0.0.1:{PORTS['target']}{request.target}"
    writer.write(head("307 Temporary Redirect", f"Location: {where}", "Content-Length: 0"))
    await writer.drain()
    return True


@behaviour("_seen")
async def _seen(writer: Writer, request: Request) -> bool:
    body = json.dumps(SEEN).encode()
    SEEN.clear()
    writer.write(head("200 OK", "Content-Type: application/json", f"Content-Length: {len(body)}"))
    writer.write(body)
    await writer.drain()
    return True


async def _record(writer: Writer, request: Request) -> bool:
    SEEN.append(
        {
            "target": request.target,
            "headers": json.dumps(request.headers),
            "body": request.body.decode("latin-1"),
        }
    )
    writer.write(head("200 OK", "Content-Type: application/json", "Content-Length: 2"))
    writer.write(b"{}")
    await writer.drain()
    return True


async def read_request(reader: asyncio.StreamReader) -> Request:
    raw = await reader.readuntil(b"\r\n\r\n")
    lines = raw.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Request(method, target, headers, body)


def serving(pick: Callable[[Request], Behaviour]) -> Callable[..., Awaitable[None]]:
    async def handle(reader: asyncio.StreamReader, writer: Writer) -> None:
        try:
            while True:
                request = await read_request(reader)
                if not await pick(request)(writer, request):
                    break
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            with contextlib.suppress(OSError):
                writer.close()

    return handle


def _by_path(request: Request) -> Behaviour:
    name = request.target.split("/")[1]
    return BEHAVIOURS[name]


async def main() -> None:
    server = await asyncio.start_server(serving(_by_path), "127.0.0.1", 0)
    target = await asyncio.start_server(serving(lambda r: _record), "127.0.0.1", 0)
    PORTS["main"] = server.sockets[0].getsockname()[1]
    PORTS["target"] = target.sockets[0].getsockname()[1]
    print(PORTS["main"], PORTS["target"], flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes our stdin


@attrs.frozen
class Hostile:
    """The running server, as the tests see it."""

    port: int
    target_port: int

    def url(self, name: str) -> str:
        assert name in BEHAVIOURS, name
        return f"http://127.0.0.1:{self.port}/{name}"

    def seen(self) -> list[dict[str, str]]:
        """What the redirect target received since the last call."""
        import httpx

        return list(httpx.get(f"http://127.0.0.1:{self.port}/_seen/").json())


@contextlib.contextmanager
def serve() -> Iterator[Hostile]:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability._hostile"],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        assert proc.stdout is not None
        port, target = map(int, proc.stdout.readline().split())
        yield Hostile(port, target)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    asyncio.run(main())
