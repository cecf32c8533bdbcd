"""Composition root: builds storage, client, bot, engine and web on one AsyncExitStack."""

from __future__ import annotations

from maxremind.config import Settings
from maxremind.storage import open_storage


async def migrate_database(settings: Settings) -> tuple[int, int]:
    """Apply pending migrations; returns the schema version before and after."""
    storage = open_storage(settings.database_url)
    await storage.open(migrate=False)
    try:
        before = await storage.schema_version()
        await storage.migrate()
        return before, await storage.schema_version()
    finally:
        await storage.close()
