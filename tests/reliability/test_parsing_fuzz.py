"""Hypothesis throws random bodies, status codes and headers at each vendor's reader.

``_Source.interpret(job_id, httpx.Response(...))`` is the whole parsing layer of a poll. The
only outcomes allowed are a valid :class:`jobpoll.JobStatus` (with a sane delay hint) or a
typed :class:`jobpoll.Error`: never another exception, never a hang. The one-shot paths that
read the same documents (``status()``) are held to the same rule over real HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import signal
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jobpoll
from jobpoll import edenai, phrase_mt, phrase_tms, veza
from jobpoll._config import Secret
from jobpoll.alphasms import _client as alphasms
from jobpoll.testing import FakeClock, Fault

from .._both import FLAVOURS, Flavour
from ._kit import KITS, VENDORS

KEY = "fuzz-secret-key"
JOB_IDS = {
    "phrase-tms": "700000123",
    "phrase-mt": "job-1",
    "veza": "task-1",
    "edenai": "5b6f2d1e-8c3a-4c55-9e0d-2b8f1a7c9d41",
    "alphasms": "8714ea91e9bb454d25ef42ba6f18ea4e",
}


def source(vendor: str) -> Any:
    if vendor == "phrase-tms":
        return phrase_tms._source(phrase_tms._Auth("ApiToken", Secret(KEY)))
    if vendor == "phrase-mt":
        return phrase_mt._source((KEY,))
    if vendor == "veza":
        return veza._source((KEY,))
    if vendor == "edenai":
        return edenai._source((KEY,))
    return alphasms._Source(Secret(KEY))


class Hang(Exception):
    pass


@contextlib.contextmanager
def no_hang(seconds: float = 5.0) -> Iterator[None]:
    """Fail (instead of hanging the run) when the block takes longer than ``seconds``."""

    def alarm(*_: object) -> None:
        raise Hang(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read(vendor: str, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    """Interpret one response; assert the outcome is a valid status or a jobpoll.Error."""
    job_id = JOB_IDS[vendor]
    response = httpx.Response(
        status,
        headers=headers,
        content=body,
        request=httpx.Request("GET", f"https://vendor.test/jobs/{job_id}"),
    )
    failure: jobpoll.Error | None = None
    with no_hang():
        try:
            got, hint = source(vendor).interpret(job_id, response)
        except jobpoll.Error as err:
            failure = err
    if failure is not None:
        assert KEY not in str(failure)
        assert KEY not in getattr(failure, "body_excerpt", "")
        return
    assert isinstance(got, jobpoll.JobStatus)
    assert (got.vendor, got.job_id) == (vendor, job_id)
    assert isinstance(got.state, jobpoll.JobState)
    assert got.progress is None or 0.0 <= got.progress <= 1.0
    assert hint is None or (math.isfinite(hint) and hint >= 0)


# --- strategies --------------------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids, max_size=4)
    ),
    max_leaves=20,
)
words = st.sampled_from(
    [
        "processing",
        "success",
        "fail",
        "running",
        "done",
        "failed",
        "PENDING",
        "IN_PROGRESS",
        "COMPLETE",
        "SUCCEEDED",
        "FAILED",
        "CANCELED",
        "UNKNOWN_STATE",
        "",
        " ",
        "PAUSED",
    ]
)
field_values = json_values | words | st.integers(min_value=-2, max_value=20)


def shaped(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Documents with the vendor's own field names (some left out) holding random values."""
    return st.dictionaries(st.sampled_from(fields), field_values, max_size=len(fields)).flatmap(
        lambda doc: st.dictionaries(st.text(max_size=8), json_values, max_size=2).map(
            lambda extra: {**extra, **doc}
        )
    )


TMS_RESPONSE = ["errorCode", "errorDesc", "errorDetails", "warnings", "dateCreated"]
SHAPES: dict[str, st.SearchStrategy[Any]] = {
    "phrase-tms": shaped(["id", "action", "dateCreated", "createdBy", "project", "parent"]).flatmap(
        lambda doc: (st.none() | field_values | shaped(TMS_RESPONSE)).map(
            lambda inner: {**doc, "asyncResponse": inner}
        )
    ),
    "phrase-mt": shaped(["status", "detail"]),
    "veza": shaped(["id", "state", "status", "result", "error_reason", "error_status"]).flatmap(
        lambda task: st.sampled_from(["bare", "task", "value"]).map(
            lambda wrap: task if wrap == "bare" else {wrap: task}
        )
    ),
    "edenai": shaped(
        [
            "status",
            "cost",
            "provider",
            "feature",
            "subfeature",
            "public_id",
            "created_at",
            "output",
            "error",
            "model",
        ]
    ).map(
        lambda doc: {
            "status": "success",
            "cost": "0",
            "provider": "p",
            "feature": "f",
            "subfeature": "s",
            "public_id": JOB_IDS["edenai"],
            "created_at": "2025-01-01T00:00:00Z",
            **doc,
        }
    ),
}

xml_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
xml_names = st.sampled_from(["package", "job", "progress", "status", "error", "msg", "x", "job"])


def _element(name: str, inner: str) -> str:
    return f"<{name}>{inner}</{name}>"


xml_leaf = st.tuples(xml_names, xml_text | words | st.integers(-5, 300).map(str)).map(
    lambda pair: _element(pair[0], pair[1].replace("<", "&lt;").replace("&", "&amp;"))
)
xml_trees = st.recursive(
    xml_leaf,
    lambda kids: st.tuples(xml_names, st.lists(kids, max_size=4)).map(
        lambda pair: _element(pair[0], "".join(pair[1]))
    ),
    max_leaves=12,
)
XML_DOCS = st.one_of(
    xml_trees.map(
        lambda tree: '<?xml version="1.0" encoding="utf-8"?>' + _element("package", tree)
    ),
    st.tuples(st.integers(-3, 300).map(str) | xml_text, words | xml_text).map(
        lambda pair: (
            f"<package><job><progress>{pair[0]}</progress><status>{pair[1]}</status></job>"
            "</package>"
        )
    ),
    xml_trees,
)


def nested(depth: int, kind: str) -> bytes:
    opening, closing = {
        "array": (b"[", b"]"),
        "object": (b'{"a":', b"}"),
        "xml": (b"<a>", b"</a>"),
    }[kind]
    return opening * depth + b"1" + closing * depth


bodies: dict[str, st.SearchStrategy[bytes]] = {
    vendor: st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
        json_values.map(lambda v: json.dumps(v).encode()),
        (XML_DOCS if vendor == "alphasms" else SHAPES[vendor]).map(
            lambda doc: (doc if isinstance(doc, str) else json.dumps(doc)).encode(
                "utf-8", "surrogatepass"
            )
        ),
        st.tuples(st.integers(1, 3_000), st.sampled_from(["array", "object", "xml"])).map(
            lambda pair: nested(*pair)
        ),
    )
    for vendor in VENDORS
}

status_codes = st.one_of(
    st.sampled_from([200, 200, 200, 201, 202, 204, 400, 401, 403, 404, 410, 422, 429, 500, 520]),
    st.integers(min_value=100, max_value=999),
)
header_values = st.one_of(
    st.sampled_from(
        [
            b"5",
            b"0",
            b"-3",
            b"1e400",
            b"nan",
            b"inf",
            b"Wed, 21 Oct 2015 07:28:00 GMT",
            b"Fri, 31 Dec 9999 23:59:59 GMT",
            b"Mon, 01 Jan 0001 00:00:00 +2359",
            b"Thu, 01 Jan 1970 00:00:00 -0000",
            b"",
        ]
    ),
    st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")),
    st.floats().map(lambda f: repr(f).encode()),
)
headers = st.lists(
    st.tuples(
        st.sampled_from([b"retry-after", b"date", b"content-type", b"content-length"]),
        header_values,
    ),
    max_size=3,
)


@pytest.mark.parametrize("vendor", VENDORS)
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_response_reads_as_a_status_or_a_jobpoll_error(
    vendor: str, data: st.DataObject
) -> None:
    read(
        vendor,
        data.draw(status_codes, label="status"),
        data.draw(bodies[vendor], label="body"),
        data.draw(headers, label="headers"),
    )


@pytest.mark.parametrize("vendor", VENDORS)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_documents_of_the_right_shape_with_wrong_values(vendor: str, data: st.DataObject) -> None:
    """200 answers shaped like the vendor's own, every value random: the likeliest garbage."""
    strategy = XML_DOCS if vendor == "alphasms" else SHAPES[vendor]
    doc = data.draw(strategy, label="document")
    body = (doc if isinstance(doc, str) else json.dumps(doc)).encode("utf-8", "surrogatepass")
    read(vendor, 200, body, [])


DEEP: list[tuple[str, Callable[[], bytes]]] = [
    ("deep JSON array", lambda: nested(100_000, "array")),
    ("deep JSON object", lambda: nested(100_000, "object")),
    ("deep XML", lambda: nested(30_000, "xml")),
]


@pytest.mark.parametrize(("label", "make"), DEEP, ids=[d[0] for d in DEEP])
@pytest.mark.parametrize("vendor", VENDORS)
def test_deep_nesting_is_a_malformed_response(
    vendor: str, label: str, make: Callable[[], bytes]
) -> None:
    with pytest.raises(jobpoll.MalformedResponse):
        source(vendor).interpret(
            JOB_IDS[vendor],
            httpx.Response(200, content=make(), request=httpx.Request("GET", "https://v.test/")),
        )


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_status_of_a_deeply_nested_answer_is_a_malformed_response(
    vendor: str, flavour: Flavour
) -> None:
    """``client.status()`` (one poll, no retries) over real HTTP: the typed error too."""
    kit = KITS[vendor]
    clock = FakeClock()
    sim = kit.simulator(clock)
    job = sim.add_job()  # type: ignore[attr-defined]
    sim.fault(Fault.raw(nested(50_000, "array"), content_type=kit.content_type), op="poll")

    async def poll_async(url: str) -> Any:
        async with kit.client("async", url, sim.credential, clock=clock) as client:
            return await client.status(job)

    def poll(url: str) -> Any:
        if flavour == "async":
            return asyncio.run(poll_async(url))
        with kit.client("sync", url, sim.credential, clock=clock) as client:
            return client.status(job)

    with sim.serve(), pytest.raises(jobpoll.MalformedResponse) as caught:
        poll(sim.url)
    assert (caught.value.vendor, caught.value.job_id) == (vendor, job)
