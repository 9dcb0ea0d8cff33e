"""A minimal job server for the benchmarks, run in its own process: ``python -m bench._server``.

It speaks just enough HTTP/1.1 (keep-alive, ``Content-Length``) on a bare asyncio protocol, so
that the server costs little next to the client being measured. A job id says when the job
ends, so the server keeps no state that a benchmark has to set up:

* ``GET /jobs/n<N>-<tag>``: ``running`` for the first N-1 polls of that id, then ``done``;
* ``GET /jobs/t<epoch_ms>-<tag>``: ``running`` until the wall clock reaches epoch_ms, then
  ``done``;
* ``GET /stats``: the requests served so far (also printed for a ``{"stats": true}`` line on
  stdin).

The body is the toy vendor's: ``{"state": "running"}``. The process prints one JSON line,
``{"url": ..., "pid": ...}``, once it listens, and exits when its stdin closes.

``--vendor V`` makes it a *replay* server for a real vendor client: at start it records the
status request and the running and finished answers of V's ``jobpoll.testing`` simulator
(``bench.overhead._recorded``), then answers any request in that shape (the job id is the last
path segment, or AlphaSMS's ``<job>`` element) with the recorded bytes, the id swapped in. The
id says when the job ends (:func:`replay_id`), so there is no state either. It costs a fraction
of the simulator's CPU per request (the scale benchmark measures both), which matters when the
servers share two cores with the watcher they serve. It prints ``credential`` too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import time
from collections import Counter
from typing import ClassVar

RUNNING = b'{"state":"running","progress":null}'
DONE = b'{"state":"done","progress":null}'


def _reply(status: bytes, body: bytes, content_type: bytes = b"application/json") -> bytes:
    return (
        b"HTTP/1.1 "
        + status
        + b"\r\ncontent-type: "
        + content_type
        + b"\r\ncontent-length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


def replay_id(vendor: str, ends_at: float, serial: int) -> str:
    """A job id the vendor's client accepts that tells the replay server when the job ends:
    Phrase TMS's are decimal (epoch ms, then a serial), the others 32 hex digits (UUID-shaped
    where the vendor wants a UUID)."""
    ms = math.ceil(ends_at * 1000)
    if vendor == "phrase-tms":
        return f"{ms:013d}{serial % 10**6:06d}"
    digits = f"{ms:012x}{serial:020x}"[:32]
    if vendor == "alphasms":
        return digits
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def _ends_ms(job: bytes) -> int:
    digits = job.replace(b"-", b"")
    return int(digits[:12], 16) if len(digits) == 32 else int(digits[:13])


class Replay:
    """One vendor's recorded status answers, running and finished, with the job id swapped."""

    def __init__(self, vendor: str) -> None:
        from jobpoll import _vendors

        from .overhead import _recorded

        case = _recorded(vendor)
        self.credential = os.environ[_vendors.ENV[vendor][0]]  # what the recording used
        self.recorded = case.job_id.encode()
        self.type = case.content_type.encode()
        self.running, self.done = case.running, case.done

    def answer(self, head: bytes, body: bytes) -> bytes:
        if body:  # AlphaSMS: the id is in the XML body
            job = body.partition(b"<job>")[2].partition(b"</job>")[0]
        else:
            job = head.split(b" ", 2)[1].rpartition(b"/")[2].partition(b"?")[0]
        try:
            done = time.time() * 1000 >= _ends_ms(job)
        except ValueError:
            return _reply(b"404 Not Found", b'{"error":"no such job"}')
        text = (self.done if done else self.running).replace(self.recorded, job)
        return _reply(b"200 OK", text, self.type)


class JobServer(asyncio.Protocol):
    polls: ClassVar[Counter[str]] = Counter()
    served: ClassVar[int] = 0
    connections: ClassVar[int] = 0
    replay: ClassVar[Replay | None] = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        JobServer.connections += 1
        self.transport = transport
        self.buf = b""

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip() or 0)
            if len(self.buf) < end + 4 + length:
                return  # the body is still on its way
            body = self.buf[end + 4 : end + 4 + length]
            self.buf = self.buf[end + 4 + length :]
            if self.replay is not None and not head.startswith(b"GET /stats "):
                JobServer.served += 1
                self.transport.write(self.replay.answer(head, body))
            else:
                self.transport.write(self.answer(head.split(b" ", 2)[1].decode()))

    def answer(self, path: str) -> bytes:
        JobServer.served += 1
        if path == "/stats":
            return _reply(b"200 OK", json.dumps({"served": JobServer.served}).encode())
        if not path.startswith("/jobs/"):
            return _reply(b"404 Not Found", b'{"error":"no such path"}')
        job = path[6:]
        spec = job.partition("-")[0]
        kind, rest = spec[:1], spec[1:]
        try:
            when = int(rest)
        except ValueError:
            return _reply(b"404 Not Found", b'{"error":"no such job"}')
        if kind == "n":
            JobServer.polls[job] += 1
            done = JobServer.polls[job] >= when
            if done:
                del JobServer.polls[job]
        elif kind == "t":
            done = time.time() * 1000 >= when
        else:
            return _reply(b"404 Not Found", b'{"error":"no such job"}')
        return _reply(b"200 OK", DONE if done else RUNNING)


async def main(port: int, vendor: str | None = None) -> None:
    loop = asyncio.get_running_loop()
    facts: dict[str, object] = {}
    if vendor:
        JobServer.replay = Replay(vendor)
        facts = {"credential": JobServer.replay.credential, "vendor": vendor}
    server = await loop.create_server(JobServer, "127.0.0.1", port, backlog=4096)
    host, bound = server.sockets[0].getsockname()[:2]
    facts |= {"url": f"http://{host}:{bound}", "pid": os.getpid()}
    print(json.dumps(facts), flush=True)
    # Answer {"stats": ...} lines; exit when the parent closes our stdin (or dies).
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        if b"stats" in line:
            print(
                json.dumps({"requests": JobServer.served, "connections": JobServer.connections}),
                flush=True,
            )
    server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--vendor", help="replay this vendor's simulator answers")
    args = parser.parse_args()
    asyncio.run(main(args.port, args.vendor))
