"""The intake port's contract: key/value, inbox and outbox."""

from __future__ import annotations

from datetime import timedelta

from maxremind.storage import Storage
from tests.storage.kit import NOW


async def test_key_value_roundtrip_and_overwrite(storage: Storage) -> None:
    assert await storage.get_value("marker") is None
    await storage.set_value("marker", "41")
    await storage.set_value("marker", "42")
    assert await storage.get_value("marker") == "42"


async def test_inbox_dedupes_updates(storage: Storage) -> None:
    items = [("k1", "bot_started", '{"a": 1}'), ("k2", "message_created", '{"b": 2}')]
    assert await storage.inbox_add(items, at=NOW) == 2
    assert await storage.inbox_add(items[:1], at=NOW) == 0
    pending = await storage.inbox_pending(10)
    assert [p.dedupe_key for p in pending] == ["k1", "k2"] and pending[0].payload == '{"a": 1}'
    await storage.inbox_done(pending[0].id, at=NOW)
    await storage.inbox_failed(pending[1].id, error="boom", give_up=False, at=NOW)
    again = await storage.inbox_pending(10)
    assert [(p.dedupe_key, p.attempts) for p in again] == [("k2", 1)]
    await storage.inbox_failed(pending[1].id, error="boom", give_up=True, at=NOW)
    assert await storage.inbox_pending(10) == []
    assert await storage.inbox_add(items, at=NOW) == 0  # still remembered for de-duplication
    assert await storage.inbox_purge(before=NOW + timedelta(seconds=1)) == 2
    assert await storage.inbox_add(items[:1], at=NOW) == 1
