"""Real Postgres for tests: a fresh, empty database per use, dropped afterwards.

Selected by MAXREMIND_TEST_POSTGRES_URL (``.ci/run`` sets it to the machine's server);
without it the tests that ask for one skip with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from maxremind.storage import Storage

POSTGRES_URL = os.environ.get("MAXREMIND_TEST_POSTGRES_URL", "")


def need_postgres() -> str:
    if not POSTGRES_URL:
        pytest.skip("MAXREMIND_TEST_POSTGRES_URL is not set (no Postgres to test against)")
    return POSTGRES_URL


def with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path="/" + name).geturl()


@asynccontextmanager
async def fresh_postgres_url() -> AsyncIterator[str]:
    """The URL of a new empty database on the test server; dropped on exit."""
    import asyncpg

    base = need_postgres()
    name = f"mr_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(base)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield with_database(base, name)
    finally:
        admin = await asyncpg.connect(base)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


ADAPTERS = ["sqlite", "postgres"]


@asynccontextmanager
async def adapter_storage(adapter: str, sqlite_file: Path) -> AsyncIterator[Storage]:
    """An open, migrated storage of ``adapter``: a SQLite file at ``sqlite_file``, or a
    fresh Postgres database (skipped without MAXREMIND_TEST_POSTGRES_URL)."""
    from maxremind.storage import open_storage

    if adapter == "sqlite":
        async with open_storage(f"sqlite:///{sqlite_file}") as store:
            yield store
        return
    async with fresh_postgres_url() as url, open_storage(url) as store:
        yield store
