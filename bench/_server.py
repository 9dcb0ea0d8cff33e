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
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections import Counter
from typing import ClassVar

RUNNING = b'{"state":"running","progress":null}'
DONE = b'{"state":"done","progress":null}'


def _reply(status: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 "
        + status
        + b"\r\ncontent-type: application/json\r\ncontent-length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


class JobServer(asyncio.Protocol):
    polls: ClassVar[Counter[str]] = Counter()
    served: ClassVar[int] = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buf = b""

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head, self.buf = self.buf[:end], self.buf[end + 4 :]
            # A GET carries no body; skip one if a client sent it anyway.
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    self.buf = self.buf[int(value.strip() or 0) :]
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


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(JobServer, "127.0.0.1", port, backlog=4096)
    host, bound = server.sockets[0].getsockname()[:2]
    print(json.dumps({"url": f"http://{host}:{bound}", "pid": os.getpid()}), flush=True)
    # Answer {"stats": ...} lines; exit when the parent closes our stdin (or dies).
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        if b"stats" in line:
            print(json.dumps({"requests": JobServer.served}), flush=True)
    server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(main(parser.parse_args().port))
