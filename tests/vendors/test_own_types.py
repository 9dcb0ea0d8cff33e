"""Issue #13 item 6: every public method of a vendor client returns jobpoll's own types or
precise standard ones, never ``Any`` or a class of the generated clients (which are not
pinned and would change with a regeneration); so do the fields of the vendors' own classes."""

from __future__ import annotations

import inspect
import sys
import typing

import attrs
import pytest

import jobpoll
from jobpoll._client import AsyncClient, SyncClient
from jobpoll._generated import TranslateResponse
from jobpoll._status import JSON

CLIENTS = [
    getattr(jobpoll, name)
    for name in jobpoll.__all__
    if inspect.isclass(getattr(jobpoll, name))
    and issubclass(getattr(jobpoll, name), SyncClient | AsyncClient)
]


def _leaks(annotation: object, namespace: dict[str, object], seen: set[int]) -> list[str]:
    """What in ``annotation`` is ``Any`` or generated (a string is evaluated in ``namespace``)."""
    if annotation is JSON:  # the JSON alias: a string at run time, precise for a type checker
        return []
    if isinstance(annotation, str):
        return _leaks(eval(annotation, namespace), namespace, seen)
    if id(annotation) in seen:
        return []
    seen.add(id(annotation))
    if annotation is typing.Any:
        return ["Any"]
    if inspect.isclass(annotation) and annotation.__module__.startswith("jobpoll_generated"):
        return [annotation.__qualname__]
    found = []
    for arg in typing.get_args(annotation):
        found += _leaks(arg, namespace, seen)
    # JobStatus.response is the vendor's answer as read, typed Any on purpose (documented).
    own = inspect.isclass(annotation) and annotation.__module__ != "jobpoll._status"
    if own and attrs.has(annotation):
        hints = vars(sys.modules[annotation.__module__])
        for field in attrs.fields(annotation):
            leaks = _leaks(field.type, hints, seen)
            found += [f"{annotation.__name__}.{field.name}: {leak}" for leak in leaks]
    return found


def _returns(cls: type) -> dict[str, list[str]]:
    out = {}
    for name in dir(cls):
        if name.startswith("_"):
            continue
        member = getattr(cls, name)
        if not callable(member):
            continue
        static = inspect.getattr_static(cls, name)
        function = getattr(static, "flow", None) or member
        namespace = dict(vars(inspect.getmodule(function)))
        namespace.setdefault("typing", typing)
        returns = inspect.signature(member).return_annotation
        out[name] = _leaks(returns, namespace, set())
    return out


@pytest.mark.parametrize("cls", CLIENTS, ids=lambda c: c.__name__)
def test_no_public_method_returns_any_or_a_generated_class(cls: type) -> None:
    returns = _returns(cls)
    assert len(returns) >= 6
    assert {name: leaks for name, leaks in returns.items() if leaks} == {}


@attrs.frozen
class _Ref:  # as if a vendor's own class held a generated one
    id: str
    response: TranslateResponse | None


def test_the_check_sees_a_leak() -> None:
    namespace: dict[str, object] = {**globals(), "typing": typing}
    assert _leaks("list[TranslateResponse] | None", namespace, set()) == ["TranslateResponse"]
    assert _leaks("typing.Any", namespace, set()) == ["Any"]
    assert _leaks("dict[str, _Ref]", namespace, set()) == ["_Ref.response: TranslateResponse"]
    assert _leaks("JSON", namespace, set()) == []
