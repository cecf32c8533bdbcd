"""One contract suite for every storage adapter: SQLite always, Postgres when
MAXREMIND_TEST_POSTGRES_URL is set (``.ci/run`` sets it), skipped otherwise."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from maxremind.storage import Storage
from tests.pg import ADAPTERS, adapter_storage


@pytest.fixture(params=ADAPTERS)
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    async with adapter_storage(request.param, tmp_path / "contract.db") as store:
        yield store
