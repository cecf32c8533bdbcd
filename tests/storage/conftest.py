"""One contract suite for every storage adapter: SQLite always, Postgres when
MAXREMIND_TEST_POSTGRES_URL is set (``.ci/run`` sets it), skipped otherwise."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from maxremind.storage import Storage, open_storage
from tests.pg import fresh_postgres_url

ADAPTERS = ["sqlite", "postgres"]


@pytest.fixture(params=ADAPTERS)
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    if request.param == "sqlite":
        async with open_storage(f"sqlite:///{tmp_path / 'contract.db'}") as store:
            yield store
        return
    async with fresh_postgres_url() as url, open_storage(url) as store:
        yield store
