"""Fixtures every test directory shares (the sync/async harness is :mod:`tests._both`)."""

from __future__ import annotations

import pytest

from ._both import FLAVOURS


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> str:
    """Run the test with the sync client, then with the async one."""
    return str(request.param)
