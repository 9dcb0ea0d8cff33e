"""The one sync/async harness: a test body written once runs on a vendor's sync client and on
its async one.

* ``flavour`` (the fixture in ``tests/conftest.py``) is ``"sync"`` then ``"async"``; tests that
  parametrize it themselves use :data:`FLAVOURS`.
* :func:`run` awaits what an async client returns and passes a sync client's value through, so
  ``await run(client.wait(job_id))`` reads the same for both.
* :func:`timing` gives a client of either flavour the shared
  :class:`jobpoll.testing.FakeClock` (the only fake clock: ``clock=fc.now`` and
  ``sleep=fc.sleep`` or ``fc.asleep``).
* :class:`Both` wraps a client of either flavour behind one awaitable interface (calls,
  ``watch``, ``close``).
* :func:`outcomes` runs one call on a fresh client of each flavour (each over its own
  scripted server and fake clock) from a plain, synchronous test.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any, Literal

from jobpoll import Error, JobStatus
from jobpoll.testing import FakeClock

from ._toy import Script

Flavour = Literal["sync", "async"]
FLAVOURS: tuple[Flavour, ...] = ("sync", "async")


async def run(value: Any) -> Any:
    """``value`` awaited if it is awaitable (an async client's call), else as it is."""
    return await value if inspect.isawaitable(value) else value


def timing(flavour: str, clock: FakeClock) -> dict[str, Any]:
    """The ``clock=`` and ``sleep=`` arguments that put a ``flavour`` client on ``clock``."""
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour must be 'sync' or 'async', got {flavour!r}")
    return {"clock": clock.now, "sleep": clock.sleep if flavour == "sync" else clock.asleep}


class Both:
    """A sync or async client behind one awaitable interface."""

    def __init__(self, client: Any, *, is_async: bool) -> None:
        self.client = client
        self.is_async = is_async

    async def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return await run(getattr(self.client, method)(*args, **kwargs))

    async def watch(self, job_id: str, **kwargs: Any) -> list[JobStatus]:
        """Every status ``watch`` yields, in order (raises as ``watch`` does)."""
        seen: list[JobStatus] = []
        it = self.client.watch(job_id, **kwargs)
        if self.is_async:
            async for status in it:
                seen.append(status)
        else:
            seen.extend(it)
        return seen

    async def close(self) -> None:
        await run(self.client.close())


def outcomes(
    make: Callable[..., Any], replies: list[Any], call: Callable[[Any], Any], **kw: Any
) -> list[tuple[Any, FakeClock, Script]]:
    """``call(client)`` on a sync and on an async client made by ``make(flavour, script, clock,
    **kw)``, each over a fresh :class:`Script` of ``replies`` and a fresh FakeClock: per flavour,
    the value (or the ``jobpoll.Error``, ``ValueError`` or ``TypeError`` raised), the clock and
    the script. The client is closed after the call."""
    outs = []
    for flavour in FLAVOURS:
        clock, script = FakeClock(), Script(list(replies))
        try:
            client = make(flavour, script, clock, **kw)
            if flavour == "sync":
                with client:
                    out = call(client)
            else:

                async def go(client: Any = client) -> Any:
                    async with client:
                        return await call(client)

                out = asyncio.run(go())
        except (Error, ValueError, TypeError) as err:
            out = err
        outs.append((out, clock, script))
    return outs
