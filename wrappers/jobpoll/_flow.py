"""Vendor operations written once, for the sync and the async client alike.

An operation is a sans-I/O generator (a *flow*): it yields steps — a one-shot call
(:class:`~jobpoll._client.Call`), a repeated read (:class:`~jobpoll._client.Until`), a wait
(:class:`~jobpoll._client.Wait`) — and is sent back what each gave, or has its error thrown in.
:func:`operation` binds one flow as a method of both clients: on a
:class:`~jobpoll._client.SyncClient` it runs under the sync driver and returns the value, on an
:class:`~jobpoll._client.AsyncClient` under the async driver and returns an awaitable. The
same way httpx drives one ``auth_flow`` generator from ``Client`` and ``AsyncClient``.
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable, Coroutine, Generator
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, Self, TypeVar, overload

if TYPE_CHECKING:
    from ._client import AsyncClient, Step, SyncClient

P = ParamSpec("P")
T = TypeVar("T")

Flow = Generator["Step", Any, T]
"""An operation's body: yields steps for a driver, returns the operation's value."""

_FLOW = re.compile(r"Flow\[(.*)\]")


def _public_signature(flow: Callable[..., object]) -> inspect.Signature:
    """The flow's signature as the user sees the method: returning what the flow returns."""
    sig = inspect.signature(flow)
    returns = sig.return_annotation
    if isinstance(returns, str) and (match := _FLOW.fullmatch(returns)):
        returns = match.group(1)
    return sig.replace(return_annotation=returns)


class operation(Generic[P, T]):
    """A vendor method written once as a flow: ``client.name(...)`` runs it under the
    client's driver (sync: the value; async: an awaitable of it)."""

    def __init__(self, flow: Callable[Concatenate[Any, P], Flow[T]]) -> None:
        self.flow = flow
        self.__name__: str = flow.__name__
        self.__qualname__: str = flow.__qualname__
        self.__doc__: str | None = flow.__doc__
        self.__module__: str = flow.__module__
        self.__signature__: inspect.Signature = _public_signature(flow)
        self._made: dict[bool, Callable[..., Any]] = {}

    @overload
    def __get__(
        self, client: None, owner: type[SyncClient]
    ) -> Callable[Concatenate[Any, P], T]: ...
    @overload
    def __get__(
        self, client: None, owner: type[AsyncClient]
    ) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]: ...
    @overload
    def __get__(self, client: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, client: SyncClient, owner: type[Any] | None = None) -> Callable[P, T]: ...
    @overload
    def __get__(
        self, client: AsyncClient, owner: type[Any] | None = None
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, client: Any, owner: type[Any] | None = None) -> Any:
        drive = getattr(owner if client is None else type(client), "_drive", None)
        if drive is None:  # the class of operations itself: the flow, to compose with
            return self
        method = self._method(inspect.iscoroutinefunction(drive))
        return method if client is None else types.MethodType(method, client)

    def _method(self, awaited: bool) -> Callable[..., Any]:
        """The method on a sync (``awaited`` False) or async client class."""
        made = self._made.get(awaited)
        if made is not None:
            return made
        flow = self.flow

        async def awaited_method(client: Any, /, *args: Any, **kwargs: Any) -> Any:
            return await client._drive(flow(client, *args, **kwargs))

        def sync_method(client: Any, /, *args: Any, **kwargs: Any) -> Any:
            return client._drive(flow(client, *args, **kwargs))

        method: Callable[..., Any] = awaited_method if awaited else sync_method
        method.__name__ = self.__name__
        method.__qualname__ = self.__qualname__
        method.__doc__ = self.__doc__
        method.__module__ = self.__module__
        method.__signature__ = self.__signature__  # type: ignore[attr-defined]
        self._made[awaited] = method
        return method

    def __call__(self, client: Any, *args: Any, **kwargs: Any) -> Any:
        """``Ops.name(client, ...)``: the same as ``client.name(...)``."""
        return self.__get__(client, type(client))(*args, **kwargs)
