"""SQL of intake: key/value, dialog state, the inbox and the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from maxremind.domain.models import InboxItem, OutboxItem
from maxremind.storage.sqlbase import (
    Conn,
    SqlBase,
    from_ms,
    now_ms,
    to_ms,
)


class IntakeSql(SqlBase):
    """Durable intake of updates and small state."""

    # --- key/value -------------------------------------------------------------------

    async def get_value(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM kv WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    async def set_value(self, key: str, value: str) -> None:
        async with self._tx() as conn:
            await conn.execute(
                "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (key, value, now_ms()),
            )

    async def put_value_once(self, key: str, value: str) -> str:
        async with self._tx() as conn:
            await conn.execute(
                "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                (key, value, now_ms()),
            )
            row = await conn.fetchone("SELECT value FROM kv WHERE key = ?", (key,))
        assert row is not None  # inserted or found, in this transaction
        return str(row["value"])

    # --- button presses --------------------------------------------------------------

    async def claim_press(self, key: str, *, user_id: int, at: datetime) -> bool:
        async with self._tx() as conn:
            # The primary key decides: a second insert of one key inserts nothing (on
            # Postgres it first waits for the transaction holding that key to end).
            inserted = await conn.execute(
                "INSERT INTO button_presses (press_key, user_id, pressed_at) VALUES (?, ?, ?)"
                " ON CONFLICT (press_key) DO NOTHING",
                (key, user_id, to_ms(at)),
            )
        return inserted == 1

    async def presses_purge(self, *, before: datetime) -> int:
        async with self._tx() as conn:
            return await conn.execute(
                "DELETE FROM button_presses WHERE pressed_at < ?", (to_ms(before),)
            )

    # --- dialog state ----------------------------------------------------------------

    async def state_get(self, key: str) -> tuple[str, int] | None:
        row = await self._one("SELECT value, expires_at FROM dialog_state WHERE key = ?", (key,))
        return None if row is None else (str(row["value"]), int(row["expires_at"]))

    async def state_set(self, key: str, value: str, expires_at_ms: int) -> None:
        async with self._tx() as conn:
            await conn.execute(
                "INSERT INTO dialog_state (key, value, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " expires_at = excluded.expires_at",
                (key, value, expires_at_ms),
            )

    async def state_delete(self, key: str) -> None:
        async with self._tx() as conn:
            await conn.execute("DELETE FROM dialog_state WHERE key = ?", (key,))
            # Keep expired entries a day so their owners can still be told they expired.
            await conn.execute(
                "DELETE FROM dialog_state WHERE expires_at < ?", (now_ms() - 86_400_000,)
            )

    # --- inbox -----------------------------------------------------------------------

    async def inbox_add(self, items: Sequence[tuple[str, str, str]], *, at: datetime) -> int:
        async with self._tx() as conn:
            return await conn.executemany(
                "INSERT INTO inbox (dedupe_key, update_type, payload, received_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
                [(key, kind, payload, to_ms(at)) for key, kind, payload in items],
            )

    async def inbox_pending(self, limit: int) -> list[InboxItem]:
        rows = await self._all(
            "SELECT * FROM inbox WHERE state = 'new' ORDER BY id LIMIT ?", (limit,)
        )
        return [
            InboxItem(
                id=r["id"],
                dedupe_key=r["dedupe_key"],
                update_type=r["update_type"],
                payload=r["payload"],
                received_at=from_ms(r["received_at"]),
                attempts=r["attempts"],
            )
            for r in rows
        ]

    async def inbox_take(self, item_id: int) -> bool:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "SELECT id FROM inbox WHERE id = ? AND state = 'new'"
                " /*postgres: FOR UPDATE SKIP LOCKED*/",
                (item_id,),
            )
        return row is not None

    async def inbox_done(self, item_id: int, *, at: datetime) -> None:
        async with self._tx() as conn:
            await conn.execute(
                "UPDATE inbox SET state = 'done', handled_at = ? WHERE id = ?",
                (to_ms(at), item_id),
            )

    async def inbox_failed(self, item_id: int, *, error: str, give_up: bool, at: datetime) -> None:
        async with self._tx() as conn:
            await conn.execute(
                "UPDATE inbox SET attempts = attempts + 1, last_error = ?, state = ?,"
                " handled_at = ? WHERE id = ?",
                (error[:1000], "failed" if give_up else "new", to_ms(at), item_id),
            )

    async def inbox_purge(self, *, before: datetime) -> int:
        async with self._tx() as conn:
            await self._purge_outbox(conn, before)
            return await conn.execute(
                "DELETE FROM inbox WHERE state IN ('done', 'failed') AND handled_at < ?",
                (to_ms(before),),
            )

    # --- outbox ----------------------------------------------------------------------

    async def outbox_add(
        self, payloads: Sequence[str], *, inbox_id: int | None, at: datetime
    ) -> list[int]:
        ids: list[int] = []
        async with self._tx() as conn:
            # One statement per item: RETURNING promises no order over several rows,
            # and the caller pairs ids with its payloads by position.
            for payload in payloads:
                row = await conn.fetchone(
                    "INSERT INTO outbox (inbox_id, payload, created_at) VALUES (?, ?, ?)"
                    " RETURNING id",
                    (inbox_id, payload, to_ms(at)),
                )
                assert row is not None
                ids.append(int(row["id"]))
        return ids

    async def outbox_pending(self, limit: int) -> list[OutboxItem]:
        rows = await self._all(
            "SELECT id, inbox_id, payload, attempts, created_at FROM outbox"
            " WHERE done_at IS NULL ORDER BY id LIMIT ?",
            (limit,),
        )
        return [
            OutboxItem(
                id=r["id"],
                inbox_id=r["inbox_id"],
                payload=r["payload"],
                attempts=r["attempts"],
                created_at=from_ms(r["created_at"]),
            )
            for r in rows
        ]

    async def outbox_done(self, item_id: int, *, at: datetime, error: str | None = None) -> None:
        async with self._tx() as conn:
            await conn.execute(
                "UPDATE outbox SET done_at = ?, last_error = COALESCE(?, last_error)"
                " WHERE id = ? AND done_at IS NULL",
                (to_ms(at), None if error is None else error[:1000], item_id),
            )

    async def outbox_failed(self, item_id: int, *, error: str, at: datetime) -> None:
        async with self._tx() as conn:
            await conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?"
                " WHERE id = ? AND done_at IS NULL",
                (error[:1000], item_id),
            )

    async def outbox_purge(self, *, before: datetime) -> int:
        async with self._tx() as conn:
            return await self._purge_outbox(conn, before)

    @staticmethod
    async def _purge_outbox(conn: Conn, before: datetime) -> int:
        return await conn.execute(
            "DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < ?", (to_ms(before),)
        )
