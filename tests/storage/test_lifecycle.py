"""The storage lifecycle contract: migrations, connections, driver errors."""

from __future__ import annotations

from maxremind.storage import Storage


async def test_fresh_database_is_at_latest_schema(storage: Storage) -> None:
    from maxremind.storage.migrations import latest_version

    assert await storage.schema_version() == latest_version("sqlite")
    await storage.ping()
