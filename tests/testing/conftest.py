"""Helpers for the simulator tests: checking answers against the vendored OpenAPI specs.

The simulator fixtures themselves (``veza_sim``, ``fake_clock``, ...) come from the jobpoll
pytest plugin, which these tests exercise as a user would.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)

SPECS = Path(__file__).resolve().parents[2] / "specs"


def _admit_null(node: Any) -> Any:
    """OAS 3.0: read ``nullable: true`` beside ``allOf``/``oneOf``/``anyOf`` (no ``type``) as
    admitting null, as code generators do. A strict OAS 3.0.3 validator applies ``nullable``
    only with a ``type`` in the same object (see the report on specs/phrase-tms.yaml)."""
    if isinstance(node, list):
        return [_admit_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _admit_null(value) for key, value in node.items()}
    if out.get("nullable") is True and "type" not in out:
        rest = {key: value for key, value in out.items() if key != "nullable"}
        return {"anyOf": [rest, {"enum": [None]}]}
    return out


class Spec:
    """One vendored spec, answering "does this response match operation X, status Y?"."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.doc: dict[str, Any] = yaml.safe_load((SPECS / f"{name}.yaml").read_text())
        self.v31 = str(self.doc["openapi"]).startswith("3.1")
        components = copy.deepcopy(self.doc.get("components", {}))
        self.components = components if self.v31 else _admit_null(components)

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node and not node["$ref"].startswith("#/components/schemas/"):
            target: Any = self.doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def response(self, path: str, method: str, status: int) -> dict[str, Any] | None:
        """The response object documented for ``status`` (or ``default``), or None."""
        responses = self.doc["paths"][path][method.lower()]["responses"]
        found = responses.get(str(status), responses.get("default"))
        return None if found is None else self._resolve(found)

    def validator(self, schema: dict[str, Any]) -> Any:
        root = {"components": self.components, **(schema if self.v31 else _admit_null(schema))}
        if self.v31:
            return OAS31Validator(root, format_checker=oas31_format_checker)
        return OAS30Validator(root, format_checker=oas30_format_checker)

    def errors(self, schema: dict[str, Any], doc: Any) -> list[str]:
        return [
            f"{'/'.join(map(str, error.path)) or '<root>'}: {error.message}"
            for error in self.validator(schema).iter_errors(doc)
        ]

    def check(self, path: str, method: str, response: httpx.Response) -> Any:
        """Assert ``response`` is documented for the operation and matches its schema; returns
        the parsed JSON body (None when the spec documents no body)."""
        documented = self.response(path, method, response.status_code)
        assert documented is not None, (
            f"{self.name}: {method} {path} does not document HTTP {response.status_code}"
        )
        content = documented.get("content", {}).get("application/json")
        if content is None:
            return None
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        problems = self.errors(content["schema"], body)
        assert not problems, f"{self.name} {method} {path} {response.status_code}: {problems}"
        return body

    def check_schema(self, name: str, doc: Any) -> None:
        """Assert ``doc`` matches ``components/schemas/<name>``."""
        problems = self.errors({"$ref": f"#/components/schemas/{name}"}, doc)
        assert not problems, f"{self.name} {name}: {problems}"


@functools.cache
def spec(name: str) -> Spec:
    return Spec(name)


@pytest.fixture(scope="session")
def http() -> Any:
    """One client for the session (building a client's TLS context costs ~50 ms)."""
    with httpx.Client(timeout=5) as client:
        yield client
