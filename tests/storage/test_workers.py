"""The worker registry's and the wake signal's contract (every adapter), and the wake
signal between two Postgres storage objects on one database (Postgres only)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from maxremind.domain.models import DeliveryStatus
from maxremind.storage import LeaseLost, Storage, StorageError, open_storage
from maxremind.storage.ports.workers import WorkerInfo
from tests.harness import wait_for as until
from tests.pg import fresh_postgres_url
from tests.storage.kit import NOW, an_occurrence, deliveries_for

STALE = timedelta(seconds=8)
LEASE = NOW + timedelta(minutes=5)


def info(*roles: str, pid: int = 4242) -> WorkerInfo:
    return WorkerInfo(roles=roles or ("web", "bot", "engine"), host="box", pid=pid, started_at=NOW)


async def claimed_by(storage: Storage, owners: list[str], each: int) -> dict[str, list[str]]:
    """``each`` deliveries claimed by every owner; their keys by owner."""
    _, users, occ_id, rem_id = await an_occurrence(storage)
    recipients = [users[0] + 10_000 + i for i in range(each * len(owners))]
    await storage.add_deliveries(deliveries_for(occ_id, rem_id, recipients, NOW))
    keys: dict[str, list[str]] = {}
    for owner in owners:
        got = await storage.claim_deliveries(now=NOW, owner=owner, lease_until=LEASE, limit=each)
        assert len(got) == each
        keys[owner] = [d.key for d in got]
    return keys


async def test_first_heartbeat_registers_later_ones_refresh(storage: Storage) -> None:
    assert await storage.list_workers() == []
    assert await storage.heartbeat("h:1:a", info("engine"), at=NOW) is False
    assert await storage.heartbeat("h:1:a", info("web", "engine"), at=NOW + STALE) is True
    (worker,) = await storage.list_workers()
    assert worker.owner == "h:1:a" and worker.roles == ("web", "engine")
    assert (worker.host, worker.pid) == ("box", 4242)
    assert worker.started_at == NOW and worker.heartbeat_at == NOW + STALE


async def test_workers_are_listed_oldest_start_first(storage: Storage) -> None:
    later = WorkerInfo(roles=("web",), host="b", pid=2, started_at=NOW + timedelta(minutes=1))
    await storage.heartbeat("late", later, at=NOW)
    await storage.heartbeat("early", info(), at=NOW)
    assert [w.owner for w in await storage.list_workers()] == ["early", "late"]


async def test_a_dead_workers_claims_go_back_a_live_ones_stay(storage: Storage) -> None:
    keys = await claimed_by(storage, ["dead", "live"], each=3)
    await storage.heartbeat("dead", info(), at=NOW)
    await storage.heartbeat("live", info(), at=NOW + timedelta(seconds=5))

    later = NOW + timedelta(seconds=10)
    released = await storage.release_dead_workers(now=later, stale_after=STALE)
    assert list(released.owners) == ["dead"] and released.deliveries == 3
    assert [w.owner for w in await storage.list_workers()] == ["live"]

    for key in keys["dead"]:
        d = await storage.get_delivery(key)
        assert d.status == DeliveryStatus.PLANNED and d.lease_owner is None
        assert d.lease_until is None and d.attempts == 1 and d.send_at == NOW
    for key in keys["live"]:
        d = await storage.get_delivery(key)
        assert d.status == DeliveryStatus.CLAIMED and d.lease_owner == "live"

    # Due at once for whoever claims next, long before the dead worker's lease ran out.
    again = await storage.claim_deliveries(now=later, owner="next", lease_until=LEASE, limit=10)
    assert sorted(d.key for d in again) == sorted(keys["dead"])
    assert all(d.attempts == 2 for d in again)
    # Nothing more is dead.
    assert await storage.release_dead_workers(now=later, stale_after=STALE) == ([], 0)


async def test_a_released_owner_recording_later_loses_its_lease(storage: Storage) -> None:
    keys = await claimed_by(storage, ["gone"], each=3)
    await storage.heartbeat("gone", info(), at=NOW)
    await storage.release_dead_workers(now=NOW + timedelta(minutes=1), stale_after=STALE)
    first, second, third = keys["gone"]
    with pytest.raises(LeaseLost):
        await storage.record_sent(first, owner="gone", max_message_id="mid.1", sent_at=NOW)
    with pytest.raises(LeaseLost):
        await storage.record_failure(
            second, owner="gone", error="x", status=DeliveryStatus.FAILED, retry_at=None
        )
    assert await storage.record_sent_many([(third, "mid.3", NOW)], owner="gone") == 0
    assert await storage.extend_leases(keys["gone"], owner="gone", lease_until=LEASE) == 0
    assert {(await storage.get_delivery(k)).status for k in keys["gone"]} == {
        DeliveryStatus.PLANNED
    }


async def test_a_worker_taken_for_dead_hears_it_at_its_next_heartbeat(storage: Storage) -> None:
    await storage.heartbeat("slow", info(), at=NOW)
    assert await storage.heartbeat("slow", info(), at=NOW + timedelta(seconds=2)) is True
    later = NOW + timedelta(seconds=20)
    assert list((await storage.release_dead_workers(now=later, stale_after=STALE)).owners) == [
        "slow"
    ]
    assert await storage.heartbeat("slow", info(), at=later) is False
    assert [w.owner for w in await storage.list_workers()] == ["slow"]


async def test_two_releasers_at_once_release_each_claim_once(storage: Storage) -> None:
    owners = ["d1", "d2", "d3", "d4"]
    keys = await claimed_by(storage, owners, each=5)
    for owner in owners:
        await storage.heartbeat(owner, info(), at=NOW)
    later = NOW + timedelta(seconds=30)
    # On Postgres the two run on two connections at once; the registry's row locks
    # decide who releases which worker.
    first, second = await asyncio.gather(
        storage.release_dead_workers(now=later, stale_after=STALE),
        storage.release_dead_workers(now=later, stale_after=STALE),
    )
    assert set(first.owners).isdisjoint(second.owners)
    assert sorted([*first.owners, *second.owners]) == owners
    assert first.deliveries + second.deliveries == 20
    assert await storage.list_workers() == []
    for key in (k for ks in keys.values() for k in ks):
        assert (await storage.get_delivery(key)).status == DeliveryStatus.PLANNED


async def test_leaving_releases_own_claims_and_forgets_the_worker(storage: Storage) -> None:
    keys = await claimed_by(storage, ["me", "other"], each=2)
    await storage.heartbeat("me", info(), at=NOW)
    await storage.heartbeat("other", info(), at=NOW)
    assert await storage.leave("me") == 2
    assert [w.owner for w in await storage.list_workers()] == ["other"]
    assert {(await storage.get_delivery(k)).status for k in keys["me"]} == {DeliveryStatus.PLANNED}
    assert {(await storage.get_delivery(k)).status for k in keys["other"]} == {
        DeliveryStatus.CLAIMED
    }
    assert await storage.leave("me") == 0  # twice, or never registered: nothing to do
    assert await storage.leave("nobody") == 0


async def test_own_wake_signal_is_not_delivered_back(storage: Storage) -> None:
    woken: list[int] = []
    unregister = storage.on_wake(lambda: woken.append(1))
    await until(lambda: getattr(storage, "listening", True))
    await storage.wake_others()  # a no-op on SQLite; on Postgres, for the others only
    await asyncio.sleep(0.3)
    assert woken == []
    unregister()
    unregister()  # twice is harmless


async def test_listening_on_a_closed_storage_is_an_error(storage: Storage) -> None:
    await storage.close()
    with pytest.raises(StorageError):
        storage.on_wake(lambda: None)


# --- two processes' storage objects on one Postgres -----------------------------------


async def test_a_wake_signal_reaches_the_other_storage_and_survives_a_lost_listener() -> None:
    import asyncpg

    async with fresh_postgres_url() as url, open_storage(url) as one, open_storage(url) as two:
        woken = asyncio.Event()
        count = 0

        def on_wake() -> None:
            nonlocal count
            count += 1
            woken.set()

        two.on_wake(on_wake)
        await until(lambda: getattr(two, "listening", False))

        loop = asyncio.get_running_loop()
        started = loop.time()
        await one.wake_others()
        await asyncio.wait_for(woken.wait(), 1.0)
        assert loop.time() - started < 1.0 and count == 1

        # Kill the listening connection from outside, as a Postgres restart or a
        # network fault would; the listener re-opens it, looks once, and hears again.
        admin = await asyncpg.connect(url)
        try:
            pid = await admin.fetchval(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND application_name = 'maxremind wake listener'"
            )
            assert pid is not None
            woken.clear()
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
            await asyncio.wait_for(woken.wait(), 5.0)  # the look after re-opening
            assert getattr(two, "listening", False) and count == 2
            new_pid = await admin.fetchval(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND application_name = 'maxremind wake listener'"
            )
            assert new_pid not in (None, pid)
        finally:
            await admin.close()

        woken.clear()
        await one.wake_others()
        await asyncio.wait_for(woken.wait(), 1.0)
        assert count == 3


async def test_two_storages_releasing_at_once_release_each_worker_once() -> None:
    async with fresh_postgres_url() as url, open_storage(url) as one, open_storage(url) as two:
        owners = [f"dead{i}" for i in range(6)]
        keys = await claimed_by(one, owners, each=4)
        for owner in owners:
            await one.heartbeat(owner, info(), at=NOW)
        later = NOW + timedelta(seconds=30)
        results = await asyncio.gather(
            *(s.release_dead_workers(now=later, stale_after=STALE) for s in (one, two, one, two))
        )
        released = [o for r in results for o in r.owners]
        assert sorted(released) == owners  # each exactly once
        assert sum(r.deliveries for r in results) == 24
        statuses = {(await two.get_delivery(k)).status for ks in keys.values() for k in ks}
        assert statuses == {DeliveryStatus.PLANNED}
