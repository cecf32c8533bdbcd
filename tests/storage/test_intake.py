"""The intake port's contract: key/value, inbox and outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from maxremind.storage import Storage
from tests.storage.kit import NOW


async def test_key_value_roundtrip_and_overwrite(storage: Storage) -> None:
    assert await storage.get_value("marker") is None
    await storage.set_value("marker", "41")
    await storage.set_value("marker", "42")
    assert await storage.get_value("marker") == "42"


async def test_a_value_put_once_keeps_the_first_of_concurrent_writers(storage: Storage) -> None:
    import asyncio

    stored = await asyncio.gather(*(storage.put_value_once("secret", f"s{i}") for i in range(5)))
    assert len(set(stored)) == 1 and stored[0] == await storage.get_value("secret")
    assert await storage.put_value_once("secret", "later") == stored[0]


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


async def test_outbox_hands_out_pending_items_by_id(storage: Storage) -> None:
    ids = await storage.outbox_add(['{"n": 1}', '{"n": 2}', '{"n": 3}'], inbox_id=7, at=NOW)
    assert ids == sorted(ids) and len(set(ids)) == 3
    pending = await storage.outbox_pending(10)
    assert [(p.id, p.payload, p.inbox_id, p.attempts) for p in pending] == [
        (ids[0], '{"n": 1}', 7, 0),
        (ids[1], '{"n": 2}', 7, 0),
        (ids[2], '{"n": 3}', 7, 0),
    ]
    assert pending[0].created_at == NOW
    assert [p.id for p in await storage.outbox_pending(2)] == ids[:2]
    assert await storage.outbox_add([], inbox_id=None, at=NOW) == []


async def test_outbox_failure_counts_attempts_and_done_items_leave(storage: Storage) -> None:
    first, second = await storage.outbox_add(["a", "b"], inbox_id=None, at=NOW)
    await storage.outbox_failed(first, error="429", at=NOW)
    await storage.outbox_failed(first, error="429", at=NOW)
    assert [(p.id, p.attempts) for p in await storage.outbox_pending(10)] == [
        (first, 2),
        (second, 0),
    ]
    await storage.outbox_done(first, at=NOW)
    await storage.outbox_done(second, at=NOW, error="chat deleted: given up")
    assert await storage.outbox_pending(10) == []


async def test_outbox_purge_forgets_done_items_and_never_reuses_ids(storage: Storage) -> None:
    done, pending = await storage.outbox_add(["a", "b"], inbox_id=None, at=NOW)
    await storage.outbox_done(done, at=NOW)
    assert await storage.outbox_purge(before=NOW) == 0  # done at NOW, not before
    assert await storage.outbox_purge(before=NOW + timedelta(seconds=1)) == 1
    assert [p.id for p in await storage.outbox_pending(10)] == [pending]
    await storage.outbox_done(pending, at=NOW)
    # The inbox purge takes done outbox items along.
    assert await storage.inbox_purge(before=NOW + timedelta(seconds=1)) == 0
    assert await storage.outbox_purge(before=NOW + timedelta(days=1)) == 0
    (again,) = await storage.outbox_add(["c"], inbox_id=None, at=NOW)
    assert again > pending


async def test_outbox_written_in_a_rolled_back_unit_is_never_handed_out(
    storage: Storage,
) -> None:
    await storage.inbox_add([("k1", "message_created", "{}")], at=NOW)
    (item,) = await storage.inbox_pending(1)

    async def handle() -> None:
        async with storage.unit_of_work():
            await storage.outbox_add(['{"reply": "hi"}'], inbox_id=item.id, at=NOW)
            await storage.inbox_done(item.id, at=NOW)
            raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError):
        await handle()
    # The update is handed out again and no reply waits: handling starts over.
    assert await storage.outbox_pending(10) == []
    assert [i.id for i in await storage.inbox_pending(10)] == [item.id]


async def test_a_button_press_is_claimed_once_even_by_concurrent_claims(storage: Storage) -> None:
    import asyncio

    claims = await asyncio.gather(
        *(storage.claim_press("7:mid.1:c:1:yes:nonce", user_id=7, at=NOW) for _ in range(5))
    )
    assert sorted(claims) == [False, False, False, False, True]
    assert await storage.claim_press("7:mid.1:c:1:yes:nonce", user_id=7, at=NOW) is False
    assert await storage.claim_press("8:mid.1:c:1:yes:nonce", user_id=8, at=NOW) is True
    assert await storage.presses_purge(before=NOW) == 0
    assert await storage.presses_purge(before=NOW + timedelta(seconds=1)) == 2
    assert await storage.claim_press("7:mid.1:c:1:yes:nonce", user_id=7, at=NOW) is True


async def test_a_press_claimed_in_a_rolled_back_unit_can_be_claimed_again(
    storage: Storage,
) -> None:
    async def failing_press() -> None:
        async with storage.unit_of_work():
            assert await storage.claim_press("k", user_id=1, at=NOW) is True
            raise RuntimeError("the press's handler failed")

    with pytest.raises(RuntimeError):
        await failing_press()
    async with storage.unit_of_work():
        assert await storage.claim_press("k", user_id=1, at=NOW) is True
        assert await storage.claim_press("k", user_id=1, at=NOW) is False


async def test_two_units_pressing_one_button_at_once_let_one_through(storage: Storage) -> None:
    """A double tap handled by two processes at once: the second unit's claim waits for
    the first unit and then finds the press recorded."""
    import asyncio

    results: list[bool] = []

    async def press(hold: float) -> None:
        async with storage.unit_of_work():
            results.append(await storage.claim_press("tap", user_id=1, at=NOW))
            await asyncio.sleep(hold)  # the press's work, before the commit

    await asyncio.gather(press(0.3), press(0.0))
    assert sorted(results) == [False, True]
