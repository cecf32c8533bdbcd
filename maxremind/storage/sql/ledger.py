"""SQL of the ledger: deliveries and confirmations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from maxremind.domain.models import (
    Answer,
    Confirmation,
    Delivery,
    DeliveryStatus,
    NewDelivery,
)
from maxremind.storage.errors import LeaseLost, NotFound
from maxremind.storage.sqlbase import (
    INSERT_DELIVERY,
    Row,
    SqlBase,
    chunks,
    delivery_from_row,
    delivery_params,
    from_ms,
    now_ms,
    opt_ms,
    to_ms,
)


def _confirmation(row: Row) -> Confirmation:
    return Confirmation(
        occurrence_id=row["occurrence_id"],
        user_id=row["user_id"],
        answer=Answer(row["answer"]),
        comment=row["comment"],
        answered_at=from_ms(row["answered_at"]),
    )


class LedgerSql(SqlBase):
    """The delivery ledger and the answers to it."""

    # --- deliveries ------------------------------------------------------------------

    async def add_deliveries(self, deliveries: Sequence[NewDelivery]) -> int:
        if not deliveries:
            return 0
        now = now_ms()
        async with self._tx() as conn:
            return await conn.executemany(
                INSERT_DELIVERY, [delivery_params(d, now) for d in deliveries]
            )

    async def get_delivery(self, key: str) -> Delivery:
        row = await self._one("SELECT * FROM deliveries WHERE key = ?", (key,))
        if row is None:
            raise NotFound(f"delivery {key}")
        return delivery_from_row(row)

    async def claim_deliveries(
        self, *, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        now_ms = to_ms(now)
        async with self._tx(progress=True) as conn:
            # A conditional UPDATE inside the write transaction: on SQLite the single
            # writer makes select-then-update atomic; on Postgres, where processes claim
            # at once, each skips the rows another is claiming (SKIP LOCKED), so a due
            # delivery goes to one of them.
            rows = await conn.fetchall(
                "UPDATE deliveries SET status = 'claimed', lease_owner = ?, lease_until = ?,"
                " attempts = attempts + 1, updated_at = ?"
                " WHERE id IN (SELECT id FROM deliveries"
                "   WHERE (status IN ('planned', 'held') AND send_at <= ?)"
                "      OR (status = 'claimed' AND lease_until <= ?)"
                "   ORDER BY send_at, id LIMIT ? /*postgres: FOR UPDATE SKIP LOCKED*/)"
                " RETURNING *",
                (owner, to_ms(lease_until), now_ms, now_ms, now_ms, limit),
            )
        return sorted((delivery_from_row(r) for r in rows), key=lambda d: (d.send_at, d.id))

    async def release_claims(self) -> int:
        async with self._tx() as conn:
            return await conn.execute(
                "UPDATE deliveries SET status = 'planned', lease_owner = NULL,"
                " lease_until = NULL, updated_at = ? WHERE status = 'claimed'",
                (now_ms(),),
            )

    async def extend_leases(self, keys: Sequence[str], *, owner: str, lease_until: datetime) -> int:
        total = 0
        async with self._tx(progress=True) as conn:
            for chunk in chunks(keys, 500):
                marks = ", ".join("?" * len(chunk))
                total += await conn.execute(
                    "UPDATE deliveries SET lease_until = ? WHERE status = 'claimed'"
                    f" AND lease_owner = ? AND key IN ({marks})",
                    (to_ms(lease_until), owner, *chunk),
                )
        return total

    async def record_sent(
        self, key: str, *, owner: str, max_message_id: str | None, sent_at: datetime
    ) -> None:
        async with self._tx(progress=True) as conn:
            changed = await conn.execute(
                "UPDATE deliveries SET status = 'sent', max_message_id = ?, sent_at = ?,"
                " lease_owner = NULL, lease_until = NULL, last_error = NULL, updated_at = ?"
                " WHERE key = ? AND status = 'claimed' AND lease_owner = ?",
                (max_message_id, to_ms(sent_at), now_ms(), key, owner),
            )
        if changed == 0:
            raise LeaseLost(key)

    async def record_sent_many(
        self, items: Sequence[tuple[str, str | None, datetime]], *, owner: str
    ) -> int:
        now = now_ms()
        async with self._tx(progress=True) as conn:
            return await conn.executemany(
                "UPDATE deliveries SET status = 'sent', max_message_id = ?, sent_at = ?,"
                " lease_owner = NULL, lease_until = NULL, last_error = NULL, updated_at = ?"
                " WHERE key = ? AND status = 'claimed' AND lease_owner = ?",
                [(mid, to_ms(at), now, key, owner) for key, mid, at in items],
            )

    async def record_failure(
        self,
        key: str,
        *,
        owner: str,
        error: str,
        status: DeliveryStatus,
        retry_at: datetime | None,
    ) -> None:
        final = DeliveryStatus.PLANNED if retry_at is not None else status
        async with self._tx(progress=True) as conn:
            changed = await conn.execute(
                "UPDATE deliveries SET status = ?, last_error = ?,"
                " send_at = COALESCE(?, send_at), lease_owner = NULL, lease_until = NULL,"
                " updated_at = ? WHERE key = ? AND status = 'claimed' AND lease_owner = ?",
                (final.value, error[:1000], opt_ms(retry_at), now_ms(), key, owner),
            )
        if changed == 0:
            raise LeaseLost(key)

    async def release_claim(
        self, key: str, *, owner: str, retry_at: datetime, note: str | None = None
    ) -> None:
        async with self._tx(progress=True) as conn:
            changed = await conn.execute(
                "UPDATE deliveries SET status = 'planned', attempts = MAX(attempts - 1, 0),"
                " send_at = ?, last_error = COALESCE(?, last_error), lease_owner = NULL,"
                " lease_until = NULL, updated_at = ?"
                " WHERE key = ? AND status = 'claimed' AND lease_owner = ?",
                (to_ms(retry_at), None if note is None else note[:1000], now_ms(), key, owner),
            )
        if changed == 0:
            raise LeaseLost(key)

    async def skip_deliveries(self, keys: Sequence[str], reason: str) -> int:
        total = 0
        async with self._tx() as conn:
            for chunk in chunks(keys, 500):
                marks = ", ".join("?" * len(chunk))
                total += await conn.execute(
                    "UPDATE deliveries SET status = 'skipped', skip_reason = ?, updated_at = ?"
                    f" WHERE status IN ('planned', 'held') AND key IN ({marks})",
                    (reason, now_ms(), *chunk),
                )
        return total

    async def find_delivery_by_message(self, max_message_id: str) -> Delivery | None:
        row = await self._one(
            "SELECT * FROM deliveries WHERE max_message_id = ? ORDER BY id LIMIT 1",
            (max_message_id,),
        )
        return None if row is None else delivery_from_row(row)

    async def list_job_deliveries(self, job_id: int) -> list[Delivery]:
        rows = await self._all(
            "SELECT * FROM deliveries WHERE job_id = ? ORDER BY recipient_kind, recipient_id, id",
            (job_id,),
        )
        return [delivery_from_row(r) for r in rows]

    async def list_deliveries(self, occurrence_id: int) -> list[Delivery]:
        rows = await self._all(
            "SELECT * FROM deliveries WHERE occurrence_id = ?"
            " ORDER BY recipient_kind, recipient_id, reminder_id NULLS FIRST, id",
            (occurrence_id,),
        )
        return [delivery_from_row(r) for r in rows]

    async def count_deliveries(self) -> dict[DeliveryStatus, int]:
        rows = await self._all("SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status")
        return {DeliveryStatus(r["status"]): int(r["n"]) for r in rows}

    async def next_due_at(self) -> datetime | None:
        row = await self._one(
            "SELECT MIN(t) AS t FROM ("
            " SELECT MIN(send_at) AS t FROM deliveries WHERE status IN ('planned', 'held')"
            " UNION ALL"
            " SELECT MIN(lease_until) AS t FROM deliveries WHERE status = 'claimed'"
            " UNION ALL"
            " SELECT MIN(expand_at) AS t FROM jobs WHERE status = 'planned') AS due"
        )
        return None if row is None or row["t"] is None else from_ms(row["t"])

    # --- confirmations ---------------------------------------------------------------

    async def set_confirmation(
        self, occurrence_id: int, user_id: int, answer: Answer, *, comment: str, at: datetime
    ) -> Confirmation:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO confirmations (occurrence_id, user_id, answer, comment, answered_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (occurrence_id, user_id) DO UPDATE SET"
                " answer = excluded.answer, comment = excluded.comment,"
                " answered_at = excluded.answered_at RETURNING *",
                (occurrence_id, user_id, answer.value, comment, to_ms(at)),
            )
        assert row is not None
        return _confirmation(row)

    async def change_confirmation(
        self, occurrence_id: int, user_id: int, answer: Answer, *, comment: str, at: datetime
    ) -> Confirmation | None:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO confirmations (occurrence_id, user_id, answer, comment, answered_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (occurrence_id, user_id) DO UPDATE SET"
                " answer = excluded.answer, comment = excluded.comment,"
                " answered_at = excluded.answered_at"
                " WHERE confirmations.answer <> excluded.answer"
                " OR confirmations.comment <> excluded.comment RETURNING *",
                (occurrence_id, user_id, answer.value, comment, to_ms(at)),
            )
        return None if row is None else _confirmation(row)

    async def get_confirmation(self, occurrence_id: int, user_id: int) -> Confirmation | None:
        row = await self._one(
            "SELECT * FROM confirmations WHERE occurrence_id = ? AND user_id = ?",
            (occurrence_id, user_id),
        )
        return None if row is None else _confirmation(row)

    async def list_confirmations(self, occurrence_id: int) -> list[Confirmation]:
        rows = await self._all(
            "SELECT * FROM confirmations WHERE occurrence_id = ? ORDER BY user_id",
            (occurrence_id,),
        )
        return [_confirmation(r) for r in rows]
