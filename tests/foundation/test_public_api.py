"""The public API, pinned: a change to a name or a signature fails here until
``public_api.txt`` is regenerated on purpose (``JOBPOLL_UPDATE_API=1 pytest this file``) and
the change is in CHANGELOG.md. Users pin this package; breaking them is a reviewed decision."""

from __future__ import annotations

import enum
import inspect
import os
from pathlib import Path

import jobpoll
import jobpoll.testing

SNAPSHOT = Path(__file__).with_name("public_api.txt")


def _describe(prefix: str, module: object) -> list[str]:
    lines = []
    for name in sorted(module.__all__):  # type: ignore[attr-defined]
        obj = getattr(module, name)
        if inspect.isclass(obj):
            if issubclass(obj, enum.Enum):
                lines.append(f"{prefix}{name}: enum {[m.name for m in obj]}")
                continue
            try:
                sig = str(inspect.signature(obj))
            except (TypeError, ValueError):
                sig = "(...)"
            lines.append(f"{prefix}{name}{sig}")
            for attr in sorted(dir(obj)):
                member = getattr(obj, attr)
                if attr.startswith("_") or not callable(member) or inspect.isclass(member):
                    continue
                if getattr(member, "__module__", "").startswith(("builtins", "attr")):
                    continue  # Exception.with_traceback and friends are not ours to pin
                try:
                    sig = str(inspect.signature(member))
                except (TypeError, ValueError):
                    continue
                lines.append(f"{prefix}{name}.{attr}{sig}")
        elif callable(obj):
            lines.append(f"{prefix}{name}{inspect.signature(obj)}")
        else:
            lines.append(f"{prefix}{name}: {type(obj).__name__}")
    return lines


def current() -> str:
    lines = _describe("jobpoll.", jobpoll) + _describe("jobpoll.testing.", jobpoll.testing)
    return "\n".join(lines) + "\n"


def test_public_api_is_pinned():
    text = current()
    if os.environ.get("JOBPOLL_UPDATE_API"):
        SNAPSHOT.write_text(text)
    assert SNAPSHOT.read_text() == text, (
        "the public API changed: if on purpose, regenerate with JOBPOLL_UPDATE_API=1 and "
        "note it in CHANGELOG.md"
    )


def test_all_names_exist_and_private_modules_stay_private():
    for name in jobpoll.__all__:
        assert hasattr(jobpoll, name)
    assert "__version__" in jobpoll.__all__
    assert not [n for n in jobpoll.__all__ if n.startswith("_") and n != "__version__"]


def test_sync_and_async_clients_mirror_each_other():
    pairs = [
        (jobpoll.PhraseTMS, jobpoll.AsyncPhraseTMS),
        (jobpoll.PhraseMT, jobpoll.AsyncPhraseMT),
        (jobpoll.Veza, jobpoll.AsyncVeza),
        (jobpoll.EdenAI, jobpoll.AsyncEdenAI),
        (jobpoll.AlphaSMS, jobpoll.AsyncAlphaSMS),
    ]
    for sync, aio in pairs:
        names = {n for n in dir(sync) if not n.startswith("_")}
        async_only = {"aclose"}  # httpx's name for an async close; close() is on both
        assert names == {n for n in dir(aio) if not n.startswith("_")} - async_only, sync.__name__
        for n in names:
            a, b = getattr(sync, n), getattr(aio, n)
            if callable(a):
                pa = [p for p in inspect.signature(a).parameters.values() if p.name != "self"]
                pb = [p for p in inspect.signature(b).parameters.values() if p.name != "self"]
                assert [(p.name, p.kind, p.default) for p in pa] == [
                    (p.name, p.kind, p.default) for p in pb
                ], f"{sync.__name__}.{n}"
