"""XML safety end to end: an AlphaSMS simulator answering with hostile XML (the ``raw`` fault).

The parser must refuse DTDs, external entities (files and URLs, never fetched), entity
expansion ("billion laughs", quadratic blow-up) and bodies over its 2 MiB cap: each answer is a
:class:`jobpoll.MalformedResponse` (retried by a wait, then raised), quickly and in little
memory, on every AlphaSMS operation, sync and async.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import jobpoll
from jobpoll.alphasms import _xml
from jobpoll.testing import AlphaSMSSimulator, FakeClock, Fault, VezaSimulator

from .._both import FLAVOURS, Flavour
from ._kit import KITS, SSL_CONTEXT, busy_connections, canary

KIT = KITS["alphasms"]
XML = "text/xml; charset=utf-8"
MB = 1024 * 1024

LOLS = "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE package [<!ENTITY lol0 "lol">'
    + LOLS
    + "]><package><job><progress>1</progress><status>&lol9;</status></job></package>"
)
QUADRATIC = (
    '<?xml version="1.0"?><!DOCTYPE package [<!ENTITY a "'
    + "x" * 50_000
    + '">]><package><job><progress>1</progress><status>'
    + "&a;" * 20_000
    + "</status></job></package>"
)


def hostile(secret_file: Path, fetch_url: str) -> dict[str, str]:
    """Hostile bodies: each would leak ``secret_file`` or fetch ``fetch_url`` if obeyed."""
    job = "<package><job><progress>1</progress><status>{}</status></job></package>"
    return {
        "billion laughs": BILLION_LAUGHS,
        "quadratic blow-up": QUADRATIC,
        "external entity (file)": (
            f'<!DOCTYPE package [<!ENTITY x SYSTEM "file://{secret_file}">]>' + job.format("&x;")
        ),
        "external entity (http)": (
            f'<!DOCTYPE package [<!ENTITY x SYSTEM "{fetch_url}/x">]>' + job.format("&x;")
        ),
        "parameter entity": (
            f'<!DOCTYPE package [<!ENTITY % p SYSTEM "{fetch_url}/p.dtd"> %p;]>'
            + job.format("COMPLETE")
        ),
        "external DTD": (
            f'<!DOCTYPE package SYSTEM "{fetch_url}/evil.dtd">' + job.format("COMPLETE")
        ),
        "DTD after a comment": "<!-- hi --><!DOCTYPE package []>" + job.format("COMPLETE"),
        "UTF-16 DTD": "\ufeff"
        + f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE package [<!ENTITY x SYSTEM '
        f'"file://{secret_file}">]>' + job.format("&x;"),
        "undeclared entity": job.format("&lol;"),
        "over the 2 MiB cap": job.format("COMPLETE").replace(
            "</job>", "<pad>" + "x" * (3 * MB) + "</pad></job>"
        ),
    }


def encode(body: str) -> bytes:
    return body.encode("utf-16") if 'encoding="UTF-16"' in body else body.encode()


@pytest.fixture
def secret_file(tmp_path: Path) -> tuple[Path, str]:
    token = canary("file-content")
    path = tmp_path / "secret.txt"
    path.write_text(token)
    return path, token


CASE_IDS = list(hostile(Path("/x"), "http://x"))


@pytest.mark.parametrize("case", CASE_IDS)
def test_the_parser_refuses(case: str, secret_file: tuple[Path, str]) -> None:
    body = encode(hostile(secret_file[0], "http://127.0.0.1:9")[case])
    started = time.monotonic()
    with pytest.raises(_xml.XMLRefused) as caught:
        _xml.load(body)
    assert time.monotonic() - started < 1.0
    assert secret_file[1] not in str(caught.value)


def _calls(job_id: str) -> dict[str, tuple[str, Callable[[Any], Any]]]:
    """op -> (what is armed, the call on a client that meets it)."""
    message = [{"id": 1, "recipient": "+380971234567", "text": "hi", "sender": "SMSTest"}]
    return {
        "status": ("poll", lambda c: c.status(job_id)),
        "wait": ("poll", lambda c: c.wait(job_id)),
        "send_async": ("submit", lambda c: c.send_async(message)),
        "message_statuses": ("messages", lambda c: c.message_statuses([1])),
    }


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("call", ["status", "wait", "send_async", "message_statuses"])
@pytest.mark.parametrize("case", CASE_IDS)
def test_hostile_answers_are_malformed_responses(
    case: str, call: str, flavour: Flavour, secret_file: tuple[Path, str]
) -> None:
    clock = FakeClock()
    sim = AlphaSMSSimulator(clock=clock)
    job = sim.add_job(duration=1000)
    lure = VezaSimulator(clock=clock)  # an HTTP server the entities point at: must stay unasked
    op, make = _calls(job)[call]
    with sim.serve(), lure.serve():
        body = encode(hostile(secret_file[0], lure.origin)[case])
        sim.fault(Fault.raw(body, content_type=XML), times=None, op=op)
        http: Any = httpx.Client(verify=SSL_CONTEXT) if flavour == "sync" else None
        tracemalloc.start()
        started = time.monotonic()
        try:
            if flavour == "sync":
                with (
                    KIT.client("sync", sim.url, sim.credential, clock=clock, http_client=http) as c,
                    pytest.raises(jobpoll.MalformedResponse) as caught,
                ):
                    make(c)
                busy = busy_connections(http)
                http.close()
            else:

                async def go() -> tuple[jobpoll.MalformedResponse, int]:
                    async with httpx.AsyncClient(verify=SSL_CONTEXT) as ahttp:
                        client = KIT.client(
                            "async", sim.url, sim.credential, clock=clock, http_client=ahttp
                        )
                        async with client:
                            with pytest.raises(jobpoll.MalformedResponse) as got:
                                await make(client)
                        return got.value, busy_connections(ahttp)

                err, busy = asyncio.run(go())
                caught = pytest.ExceptionInfo.from_exc_info((type(err), err, err.__traceback__))
            elapsed = time.monotonic() - started
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    err = caught.value
    polls = len([r for r in sim.requests if r.op == op])
    if call in ("wait", "message_statuses"):
        assert polls == KIT.policy.max_retries + 1  # reads are retried, then raise
    else:
        assert polls == 1  # status() is one poll; a send is never resent on a garbled answer
    assert not lure.requests, "an entity or DTD was fetched"
    for text in (str(err), repr(err), err.body_excerpt):
        assert secret_file[1] not in text
        assert "lollollol" not in text
    assert err.vendor == "alphasms"
    if call in ("status", "wait"):
        assert err.job_id == job
    assert busy == 0
    assert elapsed < 5.0
    assert peak < 40 * MB, f"{peak} bytes traced: was something expanded?"
