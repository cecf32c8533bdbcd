"""The storage lifecycle contract: migrations, connections, driver errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from maxremind.storage import InvalidValue, Storage, StorageError, open_storage
from maxremind.storage.migrations import latest_version
from tests.storage.kit import NOW, an_occurrence, deliveries_for


async def test_fresh_database_is_at_latest_schema(storage: Storage) -> None:
    assert await storage.schema_version() == latest_version(storage.dialect)
    await storage.ping()


async def test_integer_beyond_int64_is_invalid_value_not_overflow(storage: Storage) -> None:
    too_big = 2**63
    with pytest.raises(InvalidValue) as caught:
        await storage.upsert_user(too_big, name="X", username=None)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, StorageError)
    with pytest.raises(InvalidValue):  # a read binds it too
        await storage.get_user(-(2**64))
    _, users, occ_id, rem_id = await an_occurrence(storage)
    with pytest.raises(InvalidValue):  # and a batch written with executemany
        await storage.add_deliveries(deliveries_for(occ_id, rem_id, [*users, too_big], NOW))
    assert await storage.list_deliveries(occ_id) == []  # the batch left nothing behind
    assert (await storage.upsert_user(2**63 - 1, name="Max", username=None)).name == "Max"


async def test_close_releases_every_connection_and_can_repeat(tmp_path: Path) -> None:
    store = open_storage(f"sqlite:///{tmp_path / 'c.db'}")
    async with store:
        await store.set_value("k", "v")
    with pytest.raises(StorageError):
        await store.get_value("k")
    with pytest.raises(StorageError):
        await store.set_value("k", "w")
    await store.close()
    async with open_storage(f"sqlite:///{tmp_path / 'c.db'}") as again:
        assert await again.get_value("k") == "v"


async def test_database_at_an_older_version_gains_the_outbox(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with open_storage(f"sqlite:///{path}") as store:
        await store.set_value("kept", "yes")
    # Take the file back to schema 3, as a previous release left it.
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE jobs DROP COLUMN short_notice")  # 0012: short notice
        db.execute("ALTER TABLE teams DROP COLUMN skip_short_notice")
        db.execute("DROP TABLE button_presses")  # 0010: button presses
        db.execute("DROP INDEX audit_subject")
        db.execute("ALTER TABLE events DROP COLUMN roster_visible")  # 0013: roster option
        for table in ("attendance", "insight_settings", "digest_subscribers"):  # 0011: insights
            db.execute(f"DROP TABLE {table}")
        db.execute("DROP INDEX occurrences_starts")
        db.execute("DROP INDEX deliveries_recipient")  # 0014: insights index
        db.execute("DROP TABLE workers")  # 0009: worker registry
        for table in ("outbox", "login_links", "web_sessions", "api_tokens"):
            db.execute(f"DROP TABLE {table}")
        db.execute("DROP TABLE calendar_uploads")  # 0008: calendar import
        db.execute("DROP TABLE calendar_imported")
        db.execute("DROP TABLE calendar_sources")
        db.execute("DROP TRIGGER events_sequence")  # 0007: calendar feeds
        db.execute("DROP TABLE calendar_feeds")
        db.execute("ALTER TABLE events DROP COLUMN sequence")
        db.execute("ALTER TABLE teams DROP COLUMN default_reminders")  # 0006: team defaults
        db.execute("ALTER TABLE teams DROP COLUMN default_escalation")
        db.execute("DELETE FROM schema_migrations WHERE version >= 4")
    db.close()
    async with open_storage(f"sqlite:///{path}") as store:
        assert await store.schema_version() == latest_version("sqlite")
        assert await store.get_value("kept") == "yes"
        assert len(await store.outbox_add(["x"], inbox_id=None, at=NOW)) == 1
