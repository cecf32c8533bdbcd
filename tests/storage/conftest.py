"""One contract suite for every storage adapter (SQLite always; others when configured)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from maxremind.storage import Storage, open_storage

ADAPTERS = ["sqlite"]


@pytest.fixture(params=ADAPTERS)
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'contract.db'}"
    else:  # pragma: no cover - more adapters join later
        raise AssertionError(request.param)
    async with open_storage(url) as store:
        yield store
