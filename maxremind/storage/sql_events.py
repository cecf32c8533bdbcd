"""SQL for events, reminders, occurrences, the delivery ledger and confirmations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from maxremind.domain.models import (
    Answer,
    AudienceKind,
    Confirmation,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Event,
    EventKind,
    EventStatus,
    Job,
    JobStatus,
    NewDelivery,
    NewEvent,
    NewJob,
    Occurrence,
    OccurrenceIn,
    OccurrenceStatus,
    RecipientKind,
    Reminder,
    ReminderSpec,
    ReminderTarget,
)
from maxremind.storage.errors import LeaseLost, NotFound
from maxremind.storage.sqlbase import (
    Conn,
    Row,
    SqlBase,
    audience_entry,
    from_ms,
    local_text,
    opt_dt,
    opt_ms,
    opt_seconds,
    opt_td,
    to_local,
    to_ms,
)


def _now_ms() -> int:
    return to_ms(datetime.now(UTC))


def _reminder(row: Row) -> Reminder:
    return Reminder(
        id=row["id"],
        event_id=row["event_id"],
        offset=opt_td(row["offset_s"]),
        at=opt_dt(row["at"]),
        target=ReminderTarget(row["target"]),
    )


def _occurrence(row: Row) -> Occurrence:
    return Occurrence(
        id=row["id"],
        event_id=row["event_id"],
        starts_at=from_ms(row["starts_at"]),
        local_start=to_local(row["local_start"]),
        adjustment=row["adjustment"],
        status=OccurrenceStatus(row["status"]),
    )


def _delivery(row: Row) -> Delivery:
    return Delivery(
        id=row["id"],
        key=row["key"],
        kind=DeliveryKind(row["kind"]),
        job_id=row["job_id"],
        payload=row["payload"],
        occurrence_id=row["occurrence_id"],
        reminder_id=row["reminder_id"],
        recipient_kind=RecipientKind(row["recipient_kind"]),
        recipient_id=row["recipient_id"],
        due_at=from_ms(row["due_at"]),
        send_at=from_ms(row["send_at"]),
        status=DeliveryStatus(row["status"]),
        attempts=row["attempts"],
        max_message_id=row["max_message_id"],
        last_error=row["last_error"],
        skip_reason=row["skip_reason"],
        note=row["note"],
        lease_owner=row["lease_owner"],
        lease_until=opt_dt(row["lease_until"]),
        sent_at=opt_dt(row["sent_at"]),
        created_at=from_ms(row["created_at"]),
        updated_at=from_ms(row["updated_at"]),
    )


def _job(row: Row) -> Job:
    return Job(
        id=row["id"],
        key=row["key"],
        occurrence_id=row["occurrence_id"],
        reminder_id=row["reminder_id"],
        target=ReminderTarget(row["target"]),
        due_at=from_ms(row["due_at"]),
        expand_at=from_ms(row["expand_at"]),
        status=JobStatus(row["status"]),
        skip_reason=row["skip_reason"],
        planned_recipients=tuple(json.loads(row["planned_recipients"])),
        expected_finish=opt_dt(row["expected_finish"]),
    )


_INSERT_DELIVERY = (
    "INSERT INTO deliveries (key, kind, job_id, payload, occurrence_id, reminder_id,"
    " recipient_kind, recipient_id, due_at, send_at, status, skip_reason, note,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (key) DO NOTHING"
)


def _delivery_params(d: NewDelivery, now: int) -> tuple[Any, ...]:
    return (
        d.key,
        d.kind.value,
        d.job_id,
        d.payload,
        d.occurrence_id,
        d.reminder_id,
        d.recipient_kind.value,
        d.recipient_id,
        to_ms(d.due_at),
        to_ms(d.send_at),
        d.status.value,
        d.skip_reason,
        d.note,
        now,
        now,
    )


def _confirmation(row: Row) -> Confirmation:
    return Confirmation(
        occurrence_id=row["occurrence_id"],
        user_id=row["user_id"],
        answer=Answer(row["answer"]),
        comment=row["comment"],
        answered_at=from_ms(row["answered_at"]),
    )


def _event_params(event: NewEvent) -> tuple[Any, ...]:
    return (
        event.team_id,
        event.organizer_id,
        event.kind.value,
        event.title,
        event.description,
        event.place,
        local_text(event.start_local),
        event.timezone,
        opt_seconds(event.duration),
        event.rrule,
        json.dumps(list(event.exdates)),
        int(event.confirm_required),
        int(event.urgent),
        event.quorum,
    )


_EVENT_COLUMNS = (
    "team_id, organizer_id, kind, title, description, place, start_local, timezone,"
    " duration_s, rrule, exdates, confirm_required, urgent, quorum"
)


class EventsSql(SqlBase):
    """Events and everything the engine derives from them."""

    # --- events ----------------------------------------------------------------------

    async def _load_event(self, conn: Conn, event_id: int) -> Event:
        row = await conn.fetchone("SELECT * FROM events WHERE id = ?", (event_id,))
        if row is None:
            raise NotFound(f"event {event_id}")
        audience = await conn.fetchall(
            "SELECT kind, ref_id FROM event_audience WHERE event_id = ? ORDER BY position",
            (event_id,),
        )
        reminders = await conn.fetchall(
            "SELECT * FROM reminders WHERE event_id = ? ORDER BY id", (event_id,)
        )
        return Event(
            id=row["id"],
            team_id=row["team_id"],
            organizer_id=row["organizer_id"],
            title=row["title"],
            start_local=to_local(row["start_local"]),
            timezone=row["timezone"],
            kind=EventKind(row["kind"]),
            description=row["description"],
            place=row["place"],
            duration=opt_td(row["duration_s"]),
            rrule=row["rrule"],
            exdates=tuple(json.loads(row["exdates"])),
            audience=tuple(audience_entry(a["kind"], a["ref_id"]) for a in audience),
            reminders=tuple(_reminder(r) for r in reminders),
            confirm_required=bool(row["confirm_required"]),
            urgent=bool(row["urgent"]),
            quorum=row["quorum"],
            status=EventStatus(row["status"]),
            status_reason=row["status_reason"],
            created_at=from_ms(row["created_at"]),
            updated_at=from_ms(row["updated_at"]),
        )

    async def _write_children(self, conn: Conn, event_id: int, event: NewEvent) -> None:
        await conn.execute("DELETE FROM event_audience WHERE event_id = ?", (event_id,))
        await conn.executemany(
            "INSERT INTO event_audience (event_id, kind, ref_id, position) VALUES (?, ?, ?, ?)",
            [(event_id, a.kind.value, a.ref_id, i) for i, a in enumerate(event.audience)],
        )
        await self._write_reminders(conn, event_id, event.reminders)

    async def _write_reminders(
        self, conn: Conn, event_id: int, reminders: Sequence[ReminderSpec]
    ) -> None:
        await conn.execute("DELETE FROM reminders WHERE event_id = ?", (event_id,))
        await conn.executemany(
            "INSERT INTO reminders (event_id, offset_s, at, target) VALUES (?, ?, ?, ?)",
            [(event_id, opt_seconds(r.offset), opt_ms(r.at), r.target.value) for r in reminders],
        )

    async def create_event(self, event: NewEvent) -> Event:
        now = _now_ms()
        async with self._tx() as conn:
            row = await conn.fetchone(
                f"INSERT INTO events ({_EVENT_COLUMNS}, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (*_event_params(event), now, now),
            )
            assert row is not None
            await self._write_children(conn, row["id"], event)
            return await self._load_event(conn, row["id"])

    async def get_event(self, event_id: int) -> Event:
        async with self._read() as conn:
            return await self._load_event(conn, event_id)

    async def list_events(
        self,
        *,
        team_id: int | None = None,
        organizer_id: int | None = None,
        status: EventStatus | None = None,
    ) -> list[Event]:
        where: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("team_id", team_id),
            ("organizer_id", organizer_id),
            ("status", None if status is None else status.value),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = "SELECT id FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        async with self._read() as conn:
            rows = await conn.fetchall(sql + " ORDER BY id", params)
            return [await self._load_event(conn, r["id"]) for r in rows]

    async def update_event(self, event_id: int, event: NewEvent) -> Event:
        assignments = ", ".join(f"{c.strip()} = ?" for c in _EVENT_COLUMNS.split(","))
        async with self._tx() as conn:
            changed = await conn.execute(
                f"UPDATE events SET {assignments}, planned_until = NULL, updated_at = ?"
                " WHERE id = ?",
                (*_event_params(event), _now_ms(), event_id),
            )
            if changed == 0:
                raise NotFound(f"event {event_id}")
            await self._write_children(conn, event_id, event)
            return await self._load_event(conn, event_id)

    async def set_event_status(
        self, event_id: int, status: EventStatus, reason: str | None = None
    ) -> Event:
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE events SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?",
                (status.value, reason, _now_ms(), event_id),
            )
            if changed == 0:
                raise NotFound(f"event {event_id}")
            return await self._load_event(conn, event_id)

    async def delete_event(self, event_id: int) -> None:
        async with self._tx() as conn:
            if await conn.execute("DELETE FROM events WHERE id = ?", (event_id,)) == 0:
                raise NotFound(f"event {event_id}")

    async def list_events_with_audience(self, kind: AudienceKind, ref_id: int) -> list[Event]:
        async with self._read() as conn:
            rows = await conn.fetchall(
                "SELECT DISTINCT event_id FROM event_audience WHERE kind = ? AND ref_id = ?"
                " ORDER BY event_id",
                (kind.value, ref_id),
            )
            return [await self._load_event(conn, r["event_id"]) for r in rows]

    async def replace_reminders(
        self, event_id: int, reminders: Sequence[ReminderSpec]
    ) -> list[ReminderSpec]:
        async with self._tx() as conn:
            if await conn.fetchone("SELECT 1 FROM events WHERE id = ?", (event_id,)) is None:
                raise NotFound(f"event {event_id}")
            await self._write_reminders(conn, event_id, reminders)
        return list(reminders)

    # --- occurrences -----------------------------------------------------------------

    async def upsert_occurrences(
        self, event_id: int, occurrences: Sequence[OccurrenceIn]
    ) -> list[Occurrence]:
        async with self._tx() as conn:
            if await conn.fetchone("SELECT 1 FROM events WHERE id = ?", (event_id,)) is None:
                raise NotFound(f"event {event_id}")
            await conn.executemany(
                "INSERT INTO occurrences (event_id, starts_at, local_start, adjustment)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (event_id, starts_at) DO NOTHING",
                [
                    (event_id, to_ms(o.starts_at), local_text(o.local_start), o.adjustment)
                    for o in occurrences
                ],
            )
            wanted = {to_ms(o.starts_at) for o in occurrences}
            if not wanted:
                return []
            rows = await conn.fetchall(
                "SELECT * FROM occurrences WHERE event_id = ? AND starts_at BETWEEN ? AND ?"
                " ORDER BY starts_at",
                (event_id, min(wanted), max(wanted)),
            )
        return [_occurrence(r) for r in rows if r["starts_at"] in wanted]

    async def get_occurrence(self, occurrence_id: int) -> Occurrence:
        row = await self._one("SELECT * FROM occurrences WHERE id = ?", (occurrence_id,))
        if row is None:
            raise NotFound(f"occurrence {occurrence_id}")
        return _occurrence(row)

    async def list_occurrences(
        self,
        event_id: int,
        *,
        after: datetime | None = None,
        before: datetime | None = None,
    ) -> list[Occurrence]:
        rows = await self._all(
            "SELECT * FROM occurrences WHERE event_id = ? AND starts_at >= ? AND starts_at < ?"
            " ORDER BY starts_at",
            (
                event_id,
                -(2**62) if after is None else to_ms(after),
                2**62 if before is None else to_ms(before),
            ),
        )
        return [_occurrence(r) for r in rows]

    async def cancel_occurrences(
        self, event_id: int, *, after: datetime, keep: Sequence[int] = ()
    ) -> int:
        kept = set(keep)
        async with self._tx() as conn:
            rows = await conn.fetchall(
                "SELECT id FROM occurrences"
                " WHERE event_id = ? AND starts_at >= ? AND status = 'planned'",
                (event_id, to_ms(after)),
            )
            doomed = [(r["id"],) for r in rows if r["id"] not in kept]
            await conn.executemany(
                "UPDATE occurrences SET status = 'cancelled' WHERE id = ?", doomed
            )
            await conn.executemany(
                "DELETE FROM jobs WHERE occurrence_id = ? AND status = 'planned'", doomed
            )
            await conn.executemany(
                "UPDATE deliveries SET status = 'skipped', skip_reason = 'occurrence cancelled',"
                " updated_at = ? WHERE occurrence_id = ? AND status IN ('planned', 'held')",
                [(_now_ms(), occurrence_id) for (occurrence_id,) in doomed],
            )
        return len(doomed)

    # --- jobs ------------------------------------------------------------------------

    async def add_jobs(self, jobs: Sequence[NewJob]) -> int:
        if not jobs:
            return 0
        now = _now_ms()
        async with self._tx() as conn:
            return await conn.executemany(
                "INSERT INTO jobs (key, occurrence_id, reminder_id, target, due_at, expand_at,"
                " planned_recipients, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at,"
                " expand_at = excluded.expand_at, reminder_id = excluded.reminder_id,"
                " planned_recipients = excluded.planned_recipients,"
                " updated_at = excluded.updated_at WHERE jobs.status = 'planned'",
                [
                    (
                        j.key,
                        j.occurrence_id,
                        j.reminder_id,
                        j.target.value,
                        to_ms(j.due_at),
                        to_ms(j.expand_at),
                        json.dumps(list(j.planned_recipients)),
                        now,
                        now,
                    )
                    for j in jobs
                ],
            )

    async def due_jobs(self, *, now: datetime, limit: int) -> list[Job]:
        rows = await self._all(
            "SELECT * FROM jobs WHERE status = 'planned' AND expand_at <= ?"
            " ORDER BY due_at, id LIMIT ?",
            (to_ms(now), limit),
        )
        return [_job(r) for r in rows]

    async def list_jobs(self, occurrence_id: int) -> list[Job]:
        rows = await self._all(
            "SELECT * FROM jobs WHERE occurrence_id = ? ORDER BY due_at, id", (occurrence_id,)
        )
        return [_job(r) for r in rows]

    async def get_job(self, job_id: int) -> Job:
        row = await self._one("SELECT * FROM jobs WHERE id = ?", (job_id,))
        if row is None:
            raise NotFound(f"job {job_id}")
        return _job(row)

    async def finish_job(
        self,
        job_id: int,
        *,
        deliveries: Sequence[NewDelivery],
        expected_finish: datetime | None,
    ) -> int:
        now = _now_ms()
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE jobs SET status = 'expanded', expected_finish = ?, updated_at = ?"
                " WHERE id = ? AND status = 'planned'",
                (opt_ms(expected_finish), now, job_id),
            )
            if changed == 0:
                return 0
            return await conn.executemany(
                _INSERT_DELIVERY, [_delivery_params(d, now) for d in deliveries]
            )

    async def skip_job(self, job_id: int, reason: str) -> bool:
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE jobs SET status = 'skipped', skip_reason = ?, updated_at = ?"
                " WHERE id = ? AND status = 'planned'",
                (reason, _now_ms(), job_id),
            )
        return changed > 0

    async def drop_planned_jobs(self, event_id: int, *, keep: Sequence[str] = ()) -> int:
        kept = set(keep)
        async with self._tx() as conn:
            rows = await conn.fetchall(
                "SELECT j.id, j.key FROM jobs j JOIN occurrences o ON o.id = j.occurrence_id"
                " WHERE o.event_id = ? AND j.status = 'planned'",
                (event_id,),
            )
            doomed = [(r["id"],) for r in rows if r["key"] not in kept]
            await conn.executemany("DELETE FROM jobs WHERE id = ?", doomed)
        return len(doomed)

    async def events_needing_plan(self, *, horizon_end: datetime) -> list[int]:
        rows = await self._all(
            "SELECT id FROM events WHERE status = 'active'"
            " AND (planned_until IS NULL OR planned_until < ?) ORDER BY id",
            (to_ms(horizon_end),),
        )
        return [r["id"] for r in rows]

    async def invalidate_plans(
        self, *, user_id: int | None = None, team_id: int | None = None
    ) -> int:
        where = []
        params: list[Any] = []
        if user_id is not None:
            where.append(
                "(team_id IN (SELECT team_id FROM members WHERE user_id = ?) OR organizer_id = ?)"
            )
            params += [user_id, user_id]
        if team_id is not None:
            where.append("team_id = ?")
            params.append(team_id)
        if not where:
            return 0
        async with self._tx() as conn:
            return await conn.execute(
                "UPDATE events SET planned_until = NULL WHERE status = 'active' AND "
                + " AND ".join(where),
                params,
            )

    async def set_planned_until(self, event_id: int, until: datetime) -> None:
        async with self._tx() as conn:
            await conn.execute(
                "UPDATE events SET planned_until = ? WHERE id = ?", (to_ms(until), event_id)
            )

    # --- deliveries ------------------------------------------------------------------

    async def add_deliveries(self, deliveries: Sequence[NewDelivery]) -> int:
        if not deliveries:
            return 0
        now = _now_ms()
        async with self._tx() as conn:
            return await conn.executemany(
                _INSERT_DELIVERY, [_delivery_params(d, now) for d in deliveries]
            )

    async def get_delivery(self, key: str) -> Delivery:
        row = await self._one("SELECT * FROM deliveries WHERE key = ?", (key,))
        if row is None:
            raise NotFound(f"delivery {key}")
        return _delivery(row)

    async def claim_deliveries(
        self, *, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        now_ms = to_ms(now)
        async with self._tx() as conn:
            # A conditional UPDATE inside the write transaction: on SQLite the single
            # writer makes select-then-update atomic; Postgres overrides this with
            # FOR UPDATE SKIP LOCKED.
            rows = await conn.fetchall(
                "UPDATE deliveries SET status = 'claimed', lease_owner = ?, lease_until = ?,"
                " attempts = attempts + 1, updated_at = ?"
                " WHERE id IN (SELECT id FROM deliveries"
                "   WHERE (status IN ('planned', 'held') AND send_at <= ?)"
                "      OR (status = 'claimed' AND lease_until <= ?)"
                "   ORDER BY send_at, id LIMIT ?)"
                " RETURNING *",
                (owner, to_ms(lease_until), now_ms, now_ms, now_ms, limit),
            )
        return sorted((_delivery(r) for r in rows), key=lambda d: (d.send_at, d.id))

    async def extend_leases(self, keys: Sequence[str], *, owner: str, lease_until: datetime) -> int:
        total = 0
        async with self._tx() as conn:
            for chunk in _chunks(keys, 500):
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
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE deliveries SET status = 'sent', max_message_id = ?, sent_at = ?,"
                " lease_owner = NULL, lease_until = NULL, last_error = NULL, updated_at = ?"
                " WHERE key = ? AND status = 'claimed' AND lease_owner = ?",
                (max_message_id, to_ms(sent_at), _now_ms(), key, owner),
            )
        if changed == 0:
            raise LeaseLost(key)

    async def record_sent_many(
        self, items: Sequence[tuple[str, str | None, datetime]], *, owner: str
    ) -> int:
        now = _now_ms()
        async with self._tx() as conn:
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
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE deliveries SET status = ?, last_error = ?,"
                " send_at = COALESCE(?, send_at), lease_owner = NULL, lease_until = NULL,"
                " updated_at = ? WHERE key = ? AND status = 'claimed' AND lease_owner = ?",
                (final.value, error[:1000], opt_ms(retry_at), _now_ms(), key, owner),
            )
        if changed == 0:
            raise LeaseLost(key)

    async def skip_deliveries(self, keys: Sequence[str], reason: str) -> int:
        total = 0
        async with self._tx() as conn:
            for chunk in _chunks(keys, 500):
                marks = ", ".join("?" * len(chunk))
                total += await conn.execute(
                    "UPDATE deliveries SET status = 'skipped', skip_reason = ?, updated_at = ?"
                    f" WHERE status IN ('planned', 'held') AND key IN ({marks})",
                    (reason, _now_ms(), *chunk),
                )
        return total

    async def find_delivery_by_message(self, max_message_id: str) -> Delivery | None:
        row = await self._one(
            "SELECT * FROM deliveries WHERE max_message_id = ? ORDER BY id LIMIT 1",
            (max_message_id,),
        )
        return None if row is None else _delivery(row)

    async def list_job_deliveries(self, job_id: int) -> list[Delivery]:
        rows = await self._all(
            "SELECT * FROM deliveries WHERE job_id = ? ORDER BY recipient_kind, recipient_id",
            (job_id,),
        )
        return [_delivery(r) for r in rows]

    async def list_deliveries(self, occurrence_id: int) -> list[Delivery]:
        rows = await self._all(
            "SELECT * FROM deliveries WHERE occurrence_id = ?"
            " ORDER BY recipient_kind, recipient_id, reminder_id",
            (occurrence_id,),
        )
        return [_delivery(r) for r in rows]

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


def _chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
