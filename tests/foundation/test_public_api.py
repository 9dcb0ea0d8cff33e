"""The public API, pinned: a change to a name or a signature fails here until
``public_api.txt`` is regenerated on purpose (``JOBPOLL_UPDATE_API=1 pytest this file``) and
the change is in CHANGELOG.md. Users pin this package; breaking them is a reviewed decision."""

from __future__ import annotations

import enum
import inspect
import os
from pathlib import Path

import pytest

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
    """The one mirror test: every public method of a sync client has its async twin with the
    same parameters (names, kinds, defaults, annotations) and return type (``watch``: Iterator
    vs AsyncIterator; ``close``/``__exit__``: None vs an awaitable); the twins of the sync
    methods that do I/O are coroutine functions; ``__init__`` takes the same keywords."""
    pairs = [
        (jobpoll.PhraseTMS, jobpoll.AsyncPhraseTMS),
        (jobpoll.PhraseMT, jobpoll.AsyncPhraseMT),
        (jobpoll.Veza, jobpoll.AsyncVeza),
        (jobpoll.EdenAI, jobpoll.AsyncEdenAI),
        (jobpoll.AlphaSMS, jobpoll.AsyncAlphaSMS),
    ]
    not_io = {"check_job_id", "policy", "watch"}  # pure, or an (async) iterator
    for sync, aio in pairs:
        names = {n for n in dir(sync) if not n.startswith("_")}
        async_only = {"aclose"}  # httpx's name for an async close; close() is on both
        assert names == {n for n in dir(aio) if not n.startswith("_")} - async_only, sync.__name__
        assert {"status", "wait", "watch", "resume", "close"} <= names, sync.__name__
        for n in names:
            a, b = getattr(sync, n), getattr(aio, n)
            if not callable(a):
                continue
            where = f"{sync.__name__}.{n}"
            sa, sb = inspect.signature(a), inspect.signature(b)
            pa = [p for p in sa.parameters.values() if p.name != "self"]
            pb = [p for p in sb.parameters.values() if p.name != "self"]
            shape = [(p.name, p.kind, p.default, str(p.annotation)) for p in pa]
            assert shape == [(p.name, p.kind, p.default, str(p.annotation)) for p in pb], where
            assert not inspect.iscoroutinefunction(a), where
            assert inspect.iscoroutinefunction(b) == (n not in not_io), where
            if n not in ("watch", "close"):
                assert str(sa.return_annotation) == str(sb.return_annotation), where
        watch = [str(inspect.signature(c.watch).return_annotation) for c in (sync, aio)]
        assert watch[0].replace("Iterator", "AsyncIterator") == watch[1], sync.__name__
        init = [inspect.signature(c.__init__).parameters.values() for c in (sync, aio)]
        keywords = [[(p.name, p.kind, p.default) for p in params] for params in init]
        assert keywords[0] == keywords[1], sync.__name__
        assert all(p.kind is p.KEYWORD_ONLY for p in list(init[0])[1:]), sync.__name__


def test_import_jobpoll_leaves_the_generated_clients_until_a_vendor_is_used():
    import subprocess
    import sys

    code = (
        "import sys, jobpoll\n"
        "print(sorted(m for m in sys.modules if m.startswith('jobpoll_generated')"
        " or m in ('jobpoll.veza', 'jobpoll.phrase_tms', 'jobpoll.alphasms')))\n"
        "jobpoll.Veza\n"
        "print('jobpoll.veza' in sys.modules, 'jobpoll.edenai' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["[]", "True False"]
    assert set(jobpoll.__all__) <= set(dir(jobpoll))
    with pytest.raises(AttributeError, match="NoSuchName"):
        jobpoll.NoSuchName  # noqa: B018


def test_vendor_operations_have_one_source():
    """A vendor method is written once, as a flow (docs/ARCHITECTURE.md): no vendor module
    holds a hand-written async twin, nor any async code at all (Phrase TMS's login is a flow
    its channel drives, like httpx's ``auth_flow``)."""
    import jobpoll.alphasms._client
    import jobpoll.edenai
    import jobpoll.phrase_mt
    import jobpoll.phrase_tms
    import jobpoll.veza

    for module in (
        jobpoll.alphasms._client,
        jobpoll.edenai,
        jobpoll.phrase_mt,
        jobpoll.phrase_tms,
        jobpoll.veza,
    ):
        text = inspect.getsource(module)
        assert "async def " not in text, module.__name__
        assert "await " not in text, module.__name__
        # the engine's plumbing, not a copy per vendor (docs/ARCHITECTURE.md, part 3)
        for copied in ("def _read(", "def _is_json(", "def finished(", "_core"):
            assert copied not in text, (module.__name__, copied)
