"""The intake port: inbox, outbox, key/value markers and dialog state."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from maxremind.domain.models import (
    InboxItem,
    OutboxItem,
)


class IntakeStore(ABC):
    """Durable intake and small state: updates in, work out, markers, dialogs."""

    # --- key/value (long-polling marker, housekeeping state) -------------------------

    @abstractmethod
    async def get_value(self, key: str) -> str | None:
        """The stored string for ``key``, or None."""

    @abstractmethod
    async def set_value(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``, replacing any previous one."""

    @abstractmethod
    async def put_value_once(self, key: str, value: str) -> str:
        """Store ``value`` under ``key`` unless a value is there already; returns the
        stored one.  Of several processes creating the same secret at once, all end up
        with the first one stored."""

    # --- button presses (each drawn button does its work once) -----------------------

    @abstractmethod
    async def claim_press(self, key: str, *, user_id: int, at: datetime) -> bool:
        """Record a press of one drawn button under ``key``; True for the first press,
        False when ``key`` was recorded already (nothing changes then).

        Inside a unit of work the record commits or rolls back with the press's
        effects; of two units claiming one key at once, one gets True and the other
        waits for it and gets False (or True, if the first rolled back).
        """

    @abstractmethod
    async def presses_purge(self, *, before: datetime) -> int:
        """Forget presses recorded before ``before``; returns how many."""

    # --- dialog state (used by state.sqlite.StorageState) ---------------------------

    @abstractmethod
    async def state_get(self, key: str) -> tuple[str, int] | None:
        """The stored JSON text and its expiry (ms since the epoch), or None."""

    @abstractmethod
    async def state_set(self, key: str, value: str, expires_at_ms: int) -> None:
        """Store JSON text under ``key`` until ``expires_at_ms``."""

    @abstractmethod
    async def state_delete(self, key: str) -> None:
        """Forget ``key``; also drops every expired entry (cheap housekeeping)."""

    # --- inbox (durable intake of updates) --------------------------------------------

    @abstractmethod
    async def inbox_add(self, items: Sequence[tuple[str, str, str]], *, at: datetime) -> int:
        """Store updates given as ``(dedupe_key, update_type, payload_json)``.

        Keys already stored are skipped: MAX redelivers webhooks, and a crash between
        storing a polled batch and saving the marker fetches the batch again.
        Returns how many were new.
        """

    @abstractmethod
    async def inbox_pending(self, limit: int) -> list[InboxItem]:
        """Updates not yet handled, oldest first."""

    @abstractmethod
    async def inbox_take(self, item_id: int) -> bool:
        """Inside the unit of work that handles an update: whether this task may
        handle it -- it is still new, and no other process is handling it now (on
        Postgres its row stays locked until the unit ends, so another process that
        tries at the same time gets False and skips it)."""

    @abstractmethod
    async def inbox_done(self, item_id: int, *, at: datetime) -> None:
        """Mark an update handled."""

    @abstractmethod
    async def inbox_failed(self, item_id: int, *, error: str, give_up: bool, at: datetime) -> None:
        """Count a failed attempt; with ``give_up`` it is never handed out again."""

    @abstractmethod
    async def inbox_purge(self, *, before: datetime) -> int:
        """Forget handled or abandoned updates handled before ``before``; returns how many.

        Outbox items done before ``before`` go too (see :meth:`outbox_purge`; they are
        not counted here).
        """

    # --- outbox (work decided while handling an update, done after it commits) --------

    @abstractmethod
    async def outbox_add(
        self, payloads: Sequence[str], *, inbox_id: int | None, at: datetime
    ) -> list[int]:
        """Store work items (``payloads`` are JSON texts), pending; returns their ids in
        the order given.  ``inbox_id`` names the update they came from, if any.

        Ids are never reused, even after a purge, so a consumer may key on them.
        """

    @abstractmethod
    async def outbox_pending(self, limit: int) -> list[OutboxItem]:
        """Items not yet done, by id (oldest first)."""

    @abstractmethod
    async def outbox_done(self, item_id: int, *, at: datetime, error: str | None = None) -> None:
        """Mark an item done (with ``error`` when it was given up); it is never handed
        out again.  An unknown id is ignored."""

    @abstractmethod
    async def outbox_failed(self, item_id: int, *, error: str, at: datetime) -> None:
        """Count a failed attempt and keep ``error``; the item stays pending.  An
        unknown id is ignored.  (The table keeps no attempt time; ``at`` mirrors
        :meth:`inbox_failed`.)"""

    @abstractmethod
    async def outbox_purge(self, *, before: datetime) -> int:
        """Forget items done before ``before``; returns how many.

        :meth:`inbox_purge` does this too, so housekeeping needs only that call.
        """
