"""Durable intake: store every update first, then hand it to ``feed_update`` once.

Polling and the webhook both call :meth:`Inbox.put`.  Each update is stored under a
hash of its content, so a webhook redelivery or a batch fetched again after a crash
(before the marker was saved) is recognised and dropped.  A worker hands stored
updates to the router in arrival order; a handler that raises is retried a few
times and then abandoned with its error recorded, never retried forever.

Guarantee: every update MAX gave us is handled, and its effects happen once.  The
handler runs inside one unit of work with the "done" mark and the replies it collected
(:mod:`.outbox`): a crash before that commit undoes everything and the update is handled
again; after it, only the replies are left to send (at the next start if need be).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from maxremind.domain.clock import utcnow
from maxremind.intake.outbox import OutboxSender, collecting
from maxremind.maxapi.models import Update, parse_update
from maxremind.storage import Storage

log = logging.getLogger(__name__)

MARKER_KEY = "polling.marker"
MAX_ATTEMPTS = 3
BATCH = 50
KEEP_HANDLED = timedelta(days=2)  # longer than MAX's 8 hours of webhook retries
PURGE_EVERY = timedelta(hours=1)
# A button pressed once answers "already done" for this long; buttons older than that
# belong to events long over, whose handlers refuse them anyway.
KEEP_PRESSES = timedelta(days=180)

Feed = Callable[[Update], Awaitable[None]]


def update_payload(update: Update) -> str:
    """Canonical JSON of an update: the same event always gives the same text."""
    data = update.model_dump(mode="json", exclude_unset=True, by_alias=True)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dedupe_key(payload: str) -> str:
    return hashlib.sha256(payload.encode()).hexdigest()


def _now() -> datetime:
    return utcnow()


class StorageMarker:
    """Keeps the long-polling marker in the database (``MarkerStore`` protocol)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def get_marker(self) -> int | None:
        value = await self._storage.get_value(MARKER_KEY)
        return None if value is None else int(value)

    async def set_marker(self, marker: int) -> None:
        await self._storage.set_value(MARKER_KEY, str(marker))


class Inbox:
    """Stores updates durably and feeds them to the bot one by one."""

    def __init__(self, storage: Storage, feed: Feed, outbox: OutboxSender | None = None) -> None:
        self._storage = storage
        self._feed = feed
        self._outbox = outbox
        self._wake = asyncio.Event()
        self.received = 0  # updates accepted (new), for metrics
        self.duplicates = 0
        self.on_update: Callable[[str], None] | None = None

    async def put(self, update: Update) -> bool:
        """Store one update; returns False when it was already known."""
        payload = update_payload(update)
        added = await self._storage.inbox_add(
            [(dedupe_key(payload), update.update_type, payload)], at=_now()
        )
        if added:
            self.received += 1
            if self.on_update is not None:
                self.on_update(update.update_type)
            self._wake.set()
        else:
            self.duplicates += 1
            log.info("dropping a duplicate %s update", update.update_type)
        return bool(added)

    async def receive(self, update: Update) -> None:
        """The polling loop's feed: store and move on."""
        await self.put(update)

    async def put_raw(self, raw: Any) -> bool:
        """Parse and store an update from the webhook.

        :raises ValueError: it is not an update object at all.
        """
        if not isinstance(raw, dict) or not isinstance(raw.get("update_type"), str):
            raise ValueError("an update must be a JSON object with a string update_type")
        try:
            update = parse_update(raw)
        except Exception as exc:  # pydantic reports schema violations in many shapes
            raise ValueError(f"malformed {raw['update_type']} update: {exc}") from None
        return await self.put(update)

    async def run(self, stop: asyncio.Event) -> None:
        """Feed stored updates until ``stop`` is set; survives every handler error.

        Where several processes share the database, one at a time handles updates and
        sends replies (the fleet lock ``inbox``, taken only when there is work): updates
        of one person are handled in the order they came, and a reply is sent once,
        whichever process received the update.
        """
        next_purge = _now()
        while not stop.is_set():
            try:
                if _now() >= next_purge:
                    await self._purge()
                    next_purge = _now() + PURGE_EVERY
                handled = 0
                if await self._has_work():
                    async with self._storage.fleet_lock("inbox") as held:
                        if held is not None:
                            if self._outbox is not None:
                                await self._outbox.flush()  # left by a crash, or a due retry
                            handled = await self.drain()
            except Exception:
                log.exception("inbox worker failed to read the database; retrying")
                handled = 0
                await asyncio.sleep(1.0)
            if handled == 0:
                self._wake.clear()
                waiter = asyncio.create_task(self._wake.wait())
                stopper = asyncio.create_task(stop.wait())
                await asyncio.wait(
                    {waiter, stopper}, timeout=1.0, return_when=asyncio.FIRST_COMPLETED
                )
                waiter.cancel()
                stopper.cancel()

    async def _has_work(self) -> bool:
        if await self._storage.inbox_pending(1):
            return True
        return self._outbox is not None and bool(await self._storage.outbox_pending(1))

    async def drain(self) -> int:
        """Handle everything pending now; returns how many updates were handed out."""
        total = 0
        while True:
            items = await self._storage.inbox_pending(BATCH)
            if not items:
                return total
            for item in items:
                total += 1
                try:
                    update = parse_update(json.loads(item.payload))
                    await self._handle(item.id, update)
                except Exception as exc:
                    give_up = item.attempts + 1 >= MAX_ATTEMPTS
                    log.exception(
                        "handling %s update (inbox id %s, attempt %s) failed%s",
                        item.update_type,
                        item.id,
                        item.attempts + 1,
                        "; giving up on it" if give_up else "",
                    )
                    await self._storage.inbox_failed(
                        item.id, error=repr(exc), give_up=give_up, at=_now()
                    )
                else:
                    if self._outbox is not None:
                        await self._outbox.flush()

    async def _handle(self, item_id: int, update: Update) -> None:
        """The handler's writes, its replies and the "done" mark, in one transaction."""
        async with self._storage.unit_of_work():
            if not await self._storage.inbox_take(item_id):
                return  # handled meanwhile, or being handled by another process
            if self._outbox is None:
                await self._feed(update)
            else:
                with collecting() as replies:
                    await self._feed(update)
                await self._outbox.store(replies, inbox_id=item_id, at=_now())
            await self._storage.inbox_done(item_id, at=_now())

    async def _purge(self) -> None:
        removed = await self._storage.inbox_purge(before=_now() - KEEP_HANDLED)
        if removed:
            log.info("forgot %s handled updates older than %s", removed, KEEP_HANDLED)
        await self._storage.presses_purge(before=_now() - KEEP_PRESSES)
