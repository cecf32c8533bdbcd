"""The ledger port's contract: deliveries, leases and confirmations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from maxremind.domain.models import (
    Answer,
    DeliveryStatus,
)
from maxremind.storage import LeaseLost, NotFound, Storage
from tests.storage.kit import NOW, an_occurrence, deliveries_for


async def test_delivery_keys_are_unique(storage: Storage) -> None:
    _, users, occ_id, rem_id = await an_occurrence(storage)
    batch = deliveries_for(occ_id, rem_id, users, NOW)
    assert await storage.add_deliveries(batch) == 3
    assert await storage.add_deliveries(batch) == 0
    assert await storage.add_deliveries(batch + deliveries_for(occ_id, rem_id, [424242], NOW)) == 1
    # A delivery can name an occurrence only if it exists.
    ledger = await storage.list_deliveries(occ_id)
    assert len(ledger) == 4 and len({d.key for d in ledger}) == 4
    assert (await storage.get_delivery(batch[0].key)).status == DeliveryStatus.PLANNED
    with pytest.raises(NotFound):
        await storage.get_delivery("nope")
    with pytest.raises(NotFound):
        await storage.add_deliveries(deliveries_for(424242, rem_id, users, NOW))


async def test_claim_lease_send_and_reclaim(storage: Storage) -> None:
    _, users, occ_id, rem_id = await an_occurrence(storage)
    batch = deliveries_for(occ_id, rem_id, users, NOW)
    await storage.add_deliveries(batch)
    await storage.add_deliveries(
        deliveries_for(occ_id, None, users, NOW + timedelta(hours=1), "j2")
    )
    assert await storage.next_due_at() == NOW

    lease = NOW + timedelta(seconds=30)
    claimed = await storage.claim_deliveries(now=NOW, owner="a", lease_until=lease, limit=2)
    assert len(claimed) == 2 and all(
        d.status == DeliveryStatus.CLAIMED and d.attempts == 1 for d in claimed
    )
    rest = await storage.claim_deliveries(now=NOW, owner="b", lease_until=lease, limit=10)
    assert len(rest) == 1 and {d.key for d in rest}.isdisjoint({d.key for d in claimed})
    assert await storage.claim_deliveries(now=NOW, owner="c", lease_until=lease, limit=10) == []

    await storage.record_sent(claimed[0].key, owner="a", max_message_id="mid.1", sent_at=NOW)
    with pytest.raises(LeaseLost):
        await storage.record_sent(claimed[0].key, owner="a", max_message_id="mid.1", sent_at=NOW)
    with pytest.raises(LeaseLost):
        await storage.record_sent(rest[0].key, owner="a", max_message_id="x", sent_at=NOW)
    assert (
        await storage.extend_leases(
            [claimed[1].key], owner="a", lease_until=lease + timedelta(minutes=5)
        )
        == 1
    )

    # "b" died: once its lease expires another worker takes the row over.
    later = lease + timedelta(seconds=1)
    taken = await storage.claim_deliveries(
        now=later, owner="c", lease_until=later + timedelta(seconds=30), limit=10
    )
    assert [d.key for d in taken] == [rest[0].key] and taken[0].attempts == 2
    with pytest.raises(LeaseLost):
        await storage.record_sent(rest[0].key, owner="b", max_message_id="late", sent_at=later)

    await storage.record_failure(
        claimed[1].key,
        owner="a",
        error="503",
        status=DeliveryStatus.FAILED,
        retry_at=NOW + timedelta(minutes=1),
    )
    retried = await storage.get_delivery(claimed[1].key)
    assert retried.status == DeliveryStatus.PLANNED and retried.last_error == "503"
    assert retried.send_at == NOW + timedelta(minutes=1)
    await storage.record_failure(
        taken[0].key,
        owner="c",
        error="403 dialog.denied",
        status=DeliveryStatus.UNREACHABLE,
        retry_at=None,
    )
    assert (await storage.get_delivery(taken[0].key)).status == DeliveryStatus.UNREACHABLE
    sent = await storage.get_delivery(claimed[0].key)
    assert (
        sent.status == DeliveryStatus.SENT
        and sent.max_message_id == "mid.1"
        and sent.sent_at == NOW
    )

    counts = await storage.count_deliveries()
    assert counts[DeliveryStatus.SENT] == 1 and counts[DeliveryStatus.UNREACHABLE] == 1
    assert counts[DeliveryStatus.PLANNED] == 4


async def test_skip_only_pending_deliveries(storage: Storage) -> None:
    _, users, occ_id, rem_id = await an_occurrence(storage)
    batch = deliveries_for(occ_id, rem_id, users, NOW)
    await storage.add_deliveries(batch)
    claimed = await storage.claim_deliveries(
        now=NOW, owner="a", lease_until=NOW + timedelta(seconds=9), limit=1
    )
    assert await storage.skip_deliveries([d.key for d in batch], "event_over") == 2
    assert (await storage.get_delivery(claimed[0].key)).status == DeliveryStatus.CLAIMED
    skipped = await storage.get_delivery(
        batch[1].key if claimed[0].key == batch[0].key else batch[0].key
    )
    assert skipped.status == DeliveryStatus.SKIPPED and skipped.skip_reason == "event_over"


async def test_deleting_event_cascades_to_ledger_and_answers(storage: Storage) -> None:
    event_id, users, occ_id, rem_id = await an_occurrence(storage)
    await storage.add_deliveries(deliveries_for(occ_id, rem_id, users, NOW))
    await storage.set_confirmation(occ_id, users[1], Answer.YES, comment="", at=NOW)
    await storage.delete_event(event_id)
    assert await storage.list_deliveries(occ_id) == []
    assert await storage.list_confirmations(occ_id) == []
    assert len(await storage.list_members((await storage.list_teams_of_user(users[0]))[0].id)) == 3


async def test_confirmation_can_change(storage: Storage) -> None:
    _, users, occ_id, _ = await an_occurrence(storage)
    assert await storage.get_confirmation(occ_id, users[1]) is None
    await storage.set_confirmation(occ_id, users[1], Answer.YES, comment="", at=NOW)
    changed = await storage.set_confirmation(
        occ_id, users[1], Answer.NO, comment="болею", at=NOW + timedelta(hours=1)
    )
    assert changed.answer == Answer.NO and changed.comment == "болею"
    assert [c.answer for c in await storage.list_confirmations(occ_id)] == [Answer.NO]
    with pytest.raises(NotFound):
        await storage.set_confirmation(424242, users[1], Answer.YES, comment="", at=NOW)


async def test_a_confirmation_changes_only_when_the_answer_differs(storage: Storage) -> None:
    import asyncio

    _, users, occ_id, _ = await an_occurrence(storage)
    later = NOW + timedelta(minutes=1)
    first = await asyncio.gather(
        *(
            storage.change_confirmation(occ_id, users[1], Answer.YES, comment="", at=NOW)
            for _ in range(4)
        )
    )
    assert [c is not None for c in first].count(True) == 1
    assert (
        await storage.change_confirmation(occ_id, users[1], Answer.YES, comment="", at=later)
        is None
    )
    kept = await storage.get_confirmation(occ_id, users[1])
    assert kept is not None and kept.answered_at == NOW  # nothing was written
    changed = await storage.change_confirmation(occ_id, users[1], Answer.NO, comment="", at=later)
    assert changed is not None and changed.answer == Answer.NO and changed.answered_at == later
    with pytest.raises(NotFound):
        await storage.change_confirmation(424242, users[1], Answer.YES, comment="", at=NOW)


async def test_release_claims_makes_claimed_rows_due_again(storage: Storage) -> None:
    _, users, occ_id, rem_id = await an_occurrence(storage)
    batch = deliveries_for(occ_id, rem_id, users, NOW)
    await storage.add_deliveries(batch)
    far = NOW + timedelta(hours=1)
    claimed = await storage.claim_deliveries(now=NOW, owner="dead", lease_until=far, limit=2)
    await storage.record_sent(claimed[0].key, owner="dead", max_message_id="m1", sent_at=NOW)
    third = await storage.claim_deliveries(now=NOW, owner="new", lease_until=far, limit=10)
    assert [d.key for d in third] == [d.key for d in batch if d.key not in {c.key for c in claimed}]

    assert await storage.release_claims() == 2  # "dead"'s second row and "new"'s row
    released = await storage.get_delivery(claimed[1].key)
    assert released.status == DeliveryStatus.PLANNED
    assert (released.lease_owner, released.lease_until) == (None, None)
    assert released.send_at == NOW and released.attempts == 1  # attempts stay counted
    assert (await storage.get_delivery(claimed[0].key)).status == DeliveryStatus.SENT
    # Due at once, not when the dead owner's lease would have run out.
    again = await storage.claim_deliveries(now=NOW, owner="next", lease_until=far, limit=10)
    assert {d.key for d in again} == {claimed[1].key, third[0].key}
    assert await storage.release_claims() == 2
    assert await storage.release_claims() == 0


async def test_a_released_claim_is_planned_again_with_its_attempt_uncounted(
    storage: Storage,
) -> None:
    _, users, occ_id, rem_id = await an_occurrence(storage)
    await storage.add_deliveries(deliveries_for(occ_id, rem_id, users[:1], NOW))
    lease = NOW + timedelta(minutes=1)
    (claimed,) = await storage.claim_deliveries(now=NOW, owner="a", lease_until=lease, limit=5)
    assert claimed.attempts == 1
    later = NOW + timedelta(seconds=10)
    with pytest.raises(LeaseLost):
        await storage.release_claim(claimed.key, owner="b", retry_at=later)
    await storage.release_claim(claimed.key, owner="a", retry_at=later, note="limiter down")
    back = await storage.get_delivery(claimed.key)
    assert back.status.value == "planned" and back.attempts == 0
    assert back.send_at == later and back.last_error == "limiter down"
    assert back.lease_owner is None
    assert await storage.claim_deliveries(now=NOW, owner="a", lease_until=lease, limit=5) == []
