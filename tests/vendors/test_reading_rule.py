"""The reading rule, one property per vendor: a field the status (or result) does not need
never makes a poll fail. Each test takes a documented answer, puts nulls, absences, values of
the wrong type and unknown members into every field the reader does not need (plus, for Veza,
the wrappings the task may come in; for AlphaSMS, what a PHP endpoint emits around the XML),
reads it with the vendor's own reader, and requires the same :class:`JobStatus` (or the same
result) as for the untouched answer. Eden AI is covered with its own module (issue #17).
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from jobpoll import JobStatus, phrase_mt, phrase_tms, veza
from jobpoll._config import Secret
from jobpoll.alphasms import _client as alphasms
from jobpoll.testing import PhraseMTSimulator

ABSENT = object()
"""A perturbation: drop the member."""

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
"""Any JSON value: what a cosmetic member may be replaced with."""

PERTURB = st.one_of(st.just(ABSENT), st.none(), JUNK)
EXTRA = st.dictionaries(st.from_regex(r"x[A-Za-z_]{0,7}", fullmatch=True), JUNK, max_size=3)
"""Unknown members (named so they cannot collide with a documented one)."""

SETTINGS = settings(max_examples=150, deadline=None)


def _parts(path: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in path.split(".")] if path else []


def _at(doc: Any, parts: list[str | int]) -> Any:
    """The member at ``parts`` of ``doc``, or None when there is none."""
    node = doc
    for part in parts:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


def _set(doc: Any, path: str, value: Any) -> None:
    """Set (or, for ABSENT, drop) ``path`` in ``doc`` when its container exists."""
    *parents, last = _parts(path)
    node = _at(doc, parents)
    if not isinstance(node, dict) or not isinstance(last, str):
        return
    if value is ABSENT:
        node.pop(last, None)
    else:
        node[last] = value


def _extend(doc: Any, path: str, extra: dict[str, Any]) -> None:
    node = _at(doc, _parts(path))
    if isinstance(node, dict):
        node.update(extra)


@st.composite
def perturbed(
    draw: st.DrawFn, base: dict[str, Any], cosmetic: list[str], objects: list[str]
) -> dict[str, Any]:
    """``base`` with each ``cosmetic`` member perturbed (or kept) and unknown members added to
    each object at ``objects`` ("" is the root)."""
    doc = copy.deepcopy(base)
    for path in cosmetic:
        if draw(st.booleans()):
            _set(doc, path, draw(PERTURB))
    for path in objects:
        _extend(doc, path, draw(EXTRA))
    return doc


def reply(doc: Any) -> httpx.Response:
    return httpx.Response(200, json=doc)


def same(status: JobStatus, expected: JobStatus) -> None:
    assert status == expected, (status, expected)


# --- Phrase TMS ---------------------------------------------------------------------------------

TMS_COMMON = {
    "id": "42",
    "action": "PRE_TRANSLATE",
    "dateCreated": "2024-11-11T12:00:00+00:00",
    "createdBy": {"id": "7", "userName": "pm", "role": "PROJECT_MANAGER"},
    "project": {"uid": "p1", "name": "Manual"},
    "parent": None,
}
TMS_BASES = [
    {**TMS_COMMON, "asyncResponse": None},
    {**TMS_COMMON, "asyncResponse": {"dateCreated": "2024-11-11T12:01:00Z"}},
    {
        **TMS_COMMON,
        "asyncResponse": {
            "acceptedSegmentsCount": 12,
            "warnings": [{"code": "W1", "message": "fuzzy", "args": {"n": "3"}}],
        },
    },
    {
        **TMS_COMMON,
        "asyncResponse": {
            "errorCode": "E1",
            "errorDesc": "broken",
            "errorDetails": [{"code": "C", "message": "no TM", "args": {"tm": "x"}}],
        },
    },
]
TMS_COSMETIC = [
    "id",
    "dateCreated",
    "createdBy",
    "createdBy.role",
    "project",
    "project.uid",
    "parent",
    "asyncResponse.dateCreated",
    "asyncResponse.acceptedSegmentsCount",
    "asyncResponse.warnings.0.args",
    "asyncResponse.errorDetails.0.args",
]
TMS_OBJECTS = [
    "",
    "createdBy",
    "project",
    "asyncResponse",
    "asyncResponse.warnings.0",
    "asyncResponse.errorDetails.0",
]


def _tms(doc: Any) -> JobStatus:
    source = phrase_tms._Source(phrase_tms._Auth("ApiToken", None))
    return source.interpret("42", reply(doc))[0]


@SETTINGS
@given(
    st.sampled_from(TMS_BASES).flatmap(
        lambda b: st.tuples(st.just(b), perturbed(b, TMS_COSMETIC, TMS_OBJECTS))
    )
)
def test_phrase_tms_status(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    base, doc = case
    same(_tms(doc), _tms(base))


SUBMITTED = {"asyncRequest": {"id": "123", "dateCreated": "2024-11-11T12:00:00Z", "action": "X"}}


@SETTINGS
@given(
    perturbed(SUBMITTED, ["asyncRequest.dateCreated", "asyncRequest.action"], ["", "asyncRequest"])
)
def test_phrase_tms_submit_keeps_the_id(doc: dict[str, Any]) -> None:
    # issue #10: a 201 {"asyncRequest": {"id": "123", "dateCreated": null}} must yield the id
    assert phrase_tms.parse_submitted(httpx.Response(201, json=doc)).id == "123"


# --- Phrase MT ------------------------------------------------------------------------------------

MT_STATUS_BASES = [
    {"status": "running", "detail": "no detail"},
    {"status": "done", "detail": "completed successfully"},
    {"status": "failed", "detail": "model crashed"},
    {"status": "queued"},
]


def _mt(doc: Any) -> JobStatus:
    return phrase_mt._Source(()).interpret("j-1", reply(doc))[0]


@SETTINGS
@given(
    st.sampled_from(MT_STATUS_BASES).flatmap(
        lambda b: st.tuples(st.just(b), perturbed(b, [], [""]))
    )
)
def test_phrase_mt_status(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    base, doc = case
    same(_mt(doc), _mt(base))
    if "detail" not in base:  # no detail and a null detail read alike
        same(_mt({**doc, "detail": None}), _mt(base))


def _idx(i: int) -> st.SearchStrategy[Any]:
    """What an engine may echo as segment ``i``'s idx: the number, its digits, or nothing."""
    return st.sampled_from([i, str(i), f" {i} ", None, ABSENT])


@st.composite
def mt_result(draw: st.DrawFn) -> tuple[Any, list[str], dict[str, Any]]:
    """(a chunk as translate_and_wait sends it, the texts it must yield, an engine's answer)."""
    texts = draw(
        st.lists(st.text(min_size=1, max_size=5).filter(str.strip), min_size=1, max_size=6)
    )
    start = draw(st.sampled_from([0, 500, 1000]))
    body = phrase_mt.translate_body(
        "en", "de", texts, metadata=draw(st.sampled_from([None, {"k": 1}]))
    )
    chunk = phrase_mt.split(body)[0]
    for offset, segment in enumerate(chunk.segments):
        segment.idx = start + offset
    request = chunk.to_dict()
    answer = PhraseMTSimulator(mode=draw(st.sampled_from(["reference", "spec"]))).translate(request)
    expected = [s["translatedText"] for s in answer["segments"]]
    keep_all = draw(st.booleans())
    for i, segment in enumerate(answer["segments"]):
        echoed = draw(st.sampled_from([start + i, str(start + i)]) if keep_all else _idx(start + i))
        if echoed is ABSENT:
            segment.pop("idx", None)
        else:
            segment["idx"] = echoed
        for name in ("text", "metadata"):
            if draw(st.booleans()):
                _set(segment, name, draw(PERTURB))
        segment.update(draw(EXTRA))
    if keep_all:  # every idx is there: the engine may answer in any order
        random.Random(draw(st.integers(0, 99))).shuffle(answer["segments"])
    for name in ("sourceLanguage", "targetLanguage", "metadata"):
        if draw(st.booleans()):
            _set(answer, name, draw(PERTURB))
    answer.update(draw(EXTRA))
    return chunk, expected, answer


@SETTINGS
@given(mt_result())
def test_phrase_mt_result(case: tuple[Any, list[str], dict[str, Any]]) -> None:
    chunk, expected, answer = case
    result = phrase_mt.parse_result(reply(json.loads(json.dumps(answer))))
    assert result is not None
    assert phrase_mt.join([chunk], ["j-1"], [result]) == expected


# --- Veza -----------------------------------------------------------------------------------------

VEZA_BASES = [
    {"id": "t-1", "state": "PENDING"},
    {"id": "t-1", "state": "IN_PROGRESS", "status": "UNKNOWN_STATUS"},
    {"id": "t-1", "state": "COMPLETE", "status": "SUCCEEDED", "result": {"rows": [1, 2]}},
    {
        "id": "t-1",
        "state": "COMPLETE",
        "status": "FAILED",
        "error_reason": "query too wide",
        "error_status": 3,
    },
    {"id": "t-1", "state": "IN_PROGRESS", "status": "CANCELED"},
]
NOT_A_TASK_ID = st.one_of(
    st.just(ABSENT), st.none(), st.just("t-1"), JUNK.filter(lambda v: not isinstance(v, str))
)
"""An ``id`` that does not name another task (one that does is refused: test_veza.py)."""
HARMLESS_STATUS = st.one_of(
    st.just(ABSENT),
    st.none(),
    st.just("UNKNOWN_STATUS"),
    st.floats(allow_nan=False, allow_infinity=False),  # reply() sends strict JSON
    st.lists(st.none(), max_size=1),
)


@st.composite
def veza_task(draw: st.DrawFn) -> tuple[dict[str, Any], Any]:
    base = draw(st.sampled_from(VEZA_BASES))
    task = copy.deepcopy(base)
    if draw(st.booleans()):
        _set(task, "id", draw(NOT_A_TASK_ID))
    if draw(st.booleans()):
        _set(task, "result", draw(PERTURB))
    if task.get("status") != "FAILED":
        for name in ("error_reason", "error_status"):
            if draw(st.booleans()):
                _set(task, name, draw(PERTURB))
    if task.get("state") != "COMPLETE" and task.get("status") != "CANCELED" and draw(st.booleans()):
        _set(task, "status", draw(HARMLESS_STATUS))  # not read before COMPLETE
    task.update(draw(EXTRA))
    wrap = draw(st.sampled_from(["bare", "task", "value"]))
    body: Any = task if wrap == "bare" else {wrap: task, **draw(EXTRA)}
    return base, body


def _veza(doc: Any) -> JobStatus:
    return veza._Source(()).interpret("t-1", reply(doc))[0]


@SETTINGS
@given(veza_task())
def test_veza_status(case: tuple[dict[str, Any], Any]) -> None:
    base, body = case
    same(_veza(body), _veza(base))


# --- AlphaSMS -------------------------------------------------------------------------------------

ALPHA_BASES = [("WAITING", "0"), ("RUNNING", "40"), ("COMPLETE", "100"), ("FAILED", "60")]
NAME = st.from_regex(r"x[a-z]{0,5}", fullmatch=True)
ATTRS = st.dictionaries(NAME, st.from_regex(r"[A-Za-z0-9 ]{0,6}", fullmatch=True), max_size=2)
LEAD = st.lists(st.sampled_from(["\n", "\r\n", " ", "\t", "\ufeff"]), max_size=4).map("".join)


def _attrs(values: dict[str, str]) -> str:
    return "".join(f' {k}="{v}"' for k, v in values.items())


@st.composite
def alpha_doc(draw: st.DrawFn) -> tuple[tuple[str, str], bytes]:
    word, progress = draw(st.sampled_from(ALPHA_BASES))
    gap = draw(st.sampled_from(["", "\n", "\n  "]))

    def extras() -> str:
        out = []
        for _ in range(draw(st.integers(0, 2))):
            name = draw(NAME)
            inner = draw(st.sampled_from(["", "text", "<xy>1</xy>"]))
            out.append(f"<{name}{_attrs(draw(ATTRS))}>{inner}</{name}>" if inner else f"<{name}/>")
        return gap.join(out)

    progress_xml = f"<progress{_attrs(draw(ATTRS))}>{progress}</progress>"
    if word == "COMPLETE" and draw(st.booleans()):  # a finished job's progress is not needed
        progress_xml = draw(st.sampled_from(["", "<progress/>", "<progress>done</progress>"]))
    parts = [extras(), progress_xml, f"<status{_attrs(draw(ATTRS))}>{word}</status>", extras()]
    job = f"<job{_attrs(draw(ATTRS))}>{gap.join(parts)}</job>"
    package = f"<package{_attrs(draw(ATTRS))}>{gap}{extras()}{job}{extras()}{gap}</package>"
    declaration = draw(st.sampled_from(["", '<?xml version="1.0" encoding="utf-8"?>\n']))
    body = (
        draw(LEAD) + declaration + package + draw(st.sampled_from(["", "\n", "\r\n\n"]))
    ).encode()
    return (word, progress), body


def _alpha(body: bytes) -> JobStatus:
    source = alphasms._Source(Secret("k" * 24))
    return source.interpret("J1", httpx.Response(200, content=body))[0]


@SETTINGS
@given(alpha_doc())
def test_alphasms_status(case: tuple[tuple[str, str], bytes]) -> None:
    (word, progress), body = case
    plain = f"<package><job><progress>{progress}</progress><status>{word}</status></job></package>"
    same(_alpha(body), _alpha(plain.encode()))
