"""The ledger port: every delivery (claimed, sent, failed, skipped) and the answers to them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from maxremind.domain.models import (
    Answer,
    Confirmation,
    Delivery,
    DeliveryStatus,
    NewDelivery,
)


class LedgerStore(ABC):
    """What was (or is to be) sent to whom, and what people answered."""

    # --- deliveries (the ledger) -----------------------------------------------------

    @abstractmethod
    async def add_deliveries(self, deliveries: Sequence[NewDelivery]) -> int:
        """Insert deliveries in one transaction, skipping keys that already exist.

        Returns how many were new.  Existing rows are never changed: this is what
        makes re-planning safe.  :raises NotFound: an occurrence does not exist.
        """

    @abstractmethod
    async def get_delivery(self, key: str) -> Delivery:
        """:raises NotFound:"""

    @abstractmethod
    async def claim_deliveries(
        self, *, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        """Claim up to ``limit`` due deliveries for ``owner``, oldest ``send_at`` first.

        Due means planned/held with ``send_at <= now``, or claimed with an expired
        lease (the previous owner died).  Claimed rows get status ``claimed``, the
        lease and one more attempt.  Two concurrent callers never get the same row.
        """

    @abstractmethod
    async def release_claims(self) -> int:
        """Put every ``claimed`` delivery back to ``planned``; returns how many.

        For start-up only, once the instance lock proves that whoever held the
        leases is dead: their rows are due again at once instead of when the lease
        runs out.  The lease is cleared, ``send_at`` and ``attempts`` stay as they
        are: the claim counted an attempt that may have reached MAX before the crash,
        and the count is what stops a message that kills the process from looping.
        """

    @abstractmethod
    async def extend_leases(self, keys: Sequence[str], *, owner: str, lease_until: datetime) -> int:
        """Heartbeat: push the lease of rows still held by ``owner``; returns how many."""

    @abstractmethod
    async def record_sent(
        self, key: str, *, owner: str, max_message_id: str | None, sent_at: datetime
    ) -> None:
        """Mark a claimed delivery sent.

        :raises LeaseLost: the row is no longer claimed by ``owner``.
        """

    @abstractmethod
    async def record_sent_many(
        self, items: Sequence[tuple[str, str | None, datetime]], *, owner: str
    ) -> int:
        """:meth:`record_sent` for ``(key, max_message_id, sent_at)`` items in one
        transaction; rows no longer claimed by ``owner`` are skipped.  Returns how many
        were recorded."""

    @abstractmethod
    async def record_failure(
        self,
        key: str,
        *,
        owner: str,
        error: str,
        status: DeliveryStatus,
        retry_at: datetime | None,
    ) -> None:
        """Record a failed attempt.

        With ``retry_at`` the row goes back to ``planned`` due at that time;
        otherwise it takes ``status`` (failed or unreachable) for good.
        :raises LeaseLost: the row is no longer claimed by ``owner``.
        """

    @abstractmethod
    async def release_claim(
        self, key: str, *, owner: str, retry_at: datetime, note: str | None = None
    ) -> None:
        """Give a claimed delivery back unsent, through no fault of its own (a clean
        stop, the fleet's rate limiter unreachable): ``planned`` again, due at
        ``retry_at``, and the claim's attempt uncounted, so a long outage never uses up
        the attempts of a delivery that was never tried.  ``note`` goes to last_error.

        :raises LeaseLost: the row is no longer claimed by ``owner``.
        """

    @abstractmethod
    async def skip_deliveries(self, keys: Sequence[str], reason: str) -> int:
        """Mark not-yet-sent deliveries skipped with ``reason``; returns how many."""

    @abstractmethod
    async def find_delivery_by_message(self, max_message_id: str) -> Delivery | None:
        """The delivery MAX accepted as message ``max_message_id``, or None."""

    @abstractmethod
    async def list_job_deliveries(self, job_id: int) -> list[Delivery]:
        """Deliveries of one job, by recipient."""

    @abstractmethod
    async def list_deliveries(self, occurrence_id: int) -> list[Delivery]:
        """The ledger of one occurrence, by recipient."""

    @abstractmethod
    async def count_deliveries(self) -> dict[DeliveryStatus, int]:
        """How many deliveries are in each status (statuses with none are omitted)."""

    @abstractmethod
    async def next_due_at(self) -> datetime | None:
        """The earliest ``send_at`` of planned/held work, or the earliest lease expiry."""

    # --- confirmations ---------------------------------------------------------------

    @abstractmethod
    async def set_confirmation(
        self, occurrence_id: int, user_id: int, answer: Answer, *, comment: str, at: datetime
    ) -> Confirmation:
        """Record (or change) a user's answer. :raises NotFound: no occurrence or user."""

    @abstractmethod
    async def change_confirmation(
        self, occurrence_id: int, user_id: int, answer: Answer, *, comment: str, at: datetime
    ) -> Confirmation | None:
        """Record (or change) a user's answer unless it is already ``answer`` with
        ``comment``; None then, and nothing is written.  One statement decides, so of
        two presses of one answer at once exactly one changes it.
        :raises NotFound: no occurrence or user."""

    @abstractmethod
    async def get_confirmation(self, occurrence_id: int, user_id: int) -> Confirmation | None:
        """The user's answer, or None."""

    @abstractmethod
    async def list_confirmations(self, occurrence_id: int) -> list[Confirmation]:
        """All answers for an occurrence, by user id."""
