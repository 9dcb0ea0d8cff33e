"""Editing a decoded JSON (or XML-as-dict) document at a dotted path (``"task.id"``,
``"content.0.id"``): what the transforming faults do to a vendor's answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class _Missing:
    pass


_MISSING = _Missing()


def join(*parts: str | None) -> str:
    """Dotted paths joined, empty parts left out."""
    return ".".join(part for part in parts if part)


def _split(path: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in path.split(".") if part]


def _node(doc: Any, parts: Sequence[str | int]) -> Any:
    node = doc
    for part in parts:
        if isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return _MISSING
    return node


def set_at(doc: Any, path: str, value: Any) -> None:
    """Set the member or item at ``path`` (a missing parent: nothing happens)."""
    *parents, last = _split(path)
    parent = _node(doc, parents)
    if isinstance(parent, dict):
        parent[str(last)] = value
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        parent[last] = value


def delete_at(doc: Any, path: str) -> None:
    """Delete the member or item at ``path``, if there is one."""
    *parents, last = _split(path)
    parent = _node(doc, parents)
    if isinstance(parent, dict):
        parent.pop(str(last), None)
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        del parent[last]


def merge_at(doc: Any, path: str, fields: Mapping[str, Any]) -> None:
    """Merge ``fields`` into the object at ``path`` (the root for ``""``), if it is one."""
    target = _node(doc, _split(path))
    if isinstance(target, dict):
        target.update(fields)
