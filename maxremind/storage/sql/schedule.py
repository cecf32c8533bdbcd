"""SQL of the schedule: events, reminders, occurrences, jobs and planning marks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from maxremind.domain.models import (
    AudienceKind,
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
    Reminder,
    ReminderSpec,
    ReminderTarget,
)
from maxremind.storage.errors import NotFound, VersionMismatch
from maxremind.storage.sqlbase import (
    INSERT_DELIVERY,
    Conn,
    Row,
    SqlBase,
    audience_entry,
    by_value,
    delivery_params,
    from_ms,
    local_text,
    now_ms,
    opt_dt,
    opt_ms,
    opt_seconds,
    opt_td,
    to_local,
    to_ms,
)

_TARGETS = by_value(ReminderTarget)
_OCCURRENCE_STATUSES = by_value(OccurrenceStatus)


_KINDS = by_value(EventKind)
_STATUSES = by_value(EventStatus)


# An event's audience entries and reminders come with its row, as JSON arrays (one
# statement, one trip to the database, for an event or a list of them; the pages and the
# engine read events on every request and batch): ``[[position, kind, ref_id], ...]``
# and ``[[id, offset_s, at, target], ...]``, sorted here (an aggregate keeps no order).
_CHILDREN = {
    "sqlite": (
        "(SELECT json_group_array(json_array(a.position, a.kind, a.ref_id))"
        " FROM event_audience a WHERE a.event_id = e.id) AS audience_json,"
        " (SELECT json_group_array(json_array(r.id, r.offset_s, r.at, r.target))"
        " FROM reminders r WHERE r.event_id = e.id) AS reminders_json"
    ),
    "postgres": (
        "(SELECT COALESCE(json_agg(json_build_array(a.position, a.kind, a.ref_id)),"
        " CAST('[]' AS json))::text FROM event_audience a WHERE a.event_id = e.id)"
        " AS audience_json,"
        " (SELECT COALESCE(json_agg(json_build_array(r.id, r.offset_s, r.at, r.target)),"
        " CAST('[]' AS json))::text FROM reminders r WHERE r.event_id = e.id)"
        " AS reminders_json"
    ),
}


def event_of(row: Row) -> Event:
    """An event from its row with its ``audience_json`` and ``reminders_json``."""
    event_id = row["id"]
    audience = sorted(json.loads(row["audience_json"]))
    reminders = sorted(json.loads(row["reminders_json"]))
    return Event(
        id=event_id,
        team_id=row["team_id"],
        organizer_id=row["organizer_id"],
        title=row["title"],
        start_local=to_local(row["start_local"]),
        timezone=row["timezone"],
        kind=_KINDS[row["kind"]],
        description=row["description"],
        place=row["place"],
        duration=opt_td(row["duration_s"]),
        rrule=row["rrule"],
        exdates=tuple(json.loads(row["exdates"])),
        audience=tuple(audience_entry(kind, ref_id) for _, kind, ref_id in audience),
        reminders=tuple(
            Reminder(
                id=rid,
                event_id=event_id,
                offset=opt_td(offset_s),
                at=opt_dt(at),
                target=_TARGETS[target],
            )
            for rid, offset_s, at, target in reminders
        ),
        confirm_required=bool(row["confirm_required"]),
        urgent=bool(row["urgent"]),
        quorum=row["quorum"],
        status=_STATUSES[row["status"]],
        status_reason=row["status_reason"],
        created_at=from_ms(row["created_at"]),
        updated_at=from_ms(row["updated_at"]),
        roster_visible=bool(row["roster_visible"]),
    )


def _occurrence(row: Row) -> Occurrence:
    return Occurrence(
        id=row["id"],
        event_id=row["event_id"],
        starts_at=from_ms(row["starts_at"]),
        local_start=to_local(row["local_start"]),
        adjustment=row["adjustment"],
        status=_OCCURRENCE_STATUSES[row["status"]],
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
        short_notice=bool(row["short_notice"]),
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
        int(event.roster_visible),
    )


_EVENT_COLUMNS = (
    "team_id, organizer_id, kind, title, description, place, start_local, timezone,"
    " duration_s, rrule, exdates, confirm_required, urgent, quorum, roster_visible"
)


class ScheduleSql(SqlBase):
    """Events and the steps the planner derives from them."""

    # --- events ----------------------------------------------------------------------

    def _events_sql(self, where: str) -> str:
        """One statement reading events with their audience and reminders."""
        children = _CHILDREN[getattr(self, "dialect", "sqlite")]
        return f"SELECT e.*, {children} FROM events e WHERE {where}"

    async def _load_event(self, conn: Conn, event_id: int) -> Event:
        row = await conn.fetchone(self._events_sql("e.id = ?"), (event_id,))
        if row is None:
            raise NotFound(f"event {event_id}")
        return event_of(row)

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
        now = now_ms()
        async with self._tx() as conn:
            row = await conn.fetchone(
                f"INSERT INTO events ({_EVENT_COLUMNS}, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (*_event_params(event), now, now),
            )
            assert row is not None
            await self._write_children(conn, row["id"], event)
            return await self._load_event(conn, row["id"])

    async def get_event(self, event_id: int) -> Event:
        # One statement: its own snapshot, no read transaction to open and close.
        row = await self._one(self._events_sql("e.id = ?"), (event_id,))
        if row is None:
            raise NotFound(f"event {event_id}")
        return event_of(row)

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
        sql = self._events_sql(" AND ".join(f"e.{w}" for w in where) or "1 = 1")
        return [event_of(r) for r in await self._all(sql + " ORDER BY e.id", params)]

    async def update_event(
        self, event_id: int, event: NewEvent, *, if_updated_at: datetime | None = None
    ) -> Event:
        assignments = ", ".join(f"{c.strip()} = ?" for c in _EVENT_COLUMNS.split(","))
        guard, guard_params = "", tuple[int, ...]()
        if if_updated_at is not None:
            guard, guard_params = " AND updated_at = ?", (to_ms(if_updated_at),)
        async with self._tx() as conn:
            changed = await conn.execute(
                f"UPDATE events SET {assignments}, planned_until = NULL,"
                " updated_at = MAX(?, updated_at + 1) WHERE id = ?" + guard,
                (*_event_params(event), now_ms(), event_id, *guard_params),
            )
            if changed == 0:
                found = await conn.fetchone("SELECT 1 FROM events WHERE id = ?", (event_id,))
                if found is None:
                    raise NotFound(f"event {event_id}")
                raise VersionMismatch(f"event {event_id} changed since {if_updated_at}")
            await self._write_children(conn, event_id, event)
            return await self._load_event(conn, event_id)

    async def set_event_status(
        self, event_id: int, status: EventStatus, reason: str | None = None
    ) -> Event:
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE events SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?",
                (status.value, reason, now_ms(), event_id),
            )
            if changed == 0:
                raise NotFound(f"event {event_id}")
            return await self._load_event(conn, event_id)

    async def delete_event(self, event_id: int) -> None:
        async with self._tx() as conn:
            if await conn.execute("DELETE FROM events WHERE id = ?", (event_id,)) == 0:
                raise NotFound(f"event {event_id}")

    async def list_events_with_audience(self, kind: AudienceKind, ref_id: int) -> list[Event]:
        rows = await self._all(
            self._events_sql(
                "e.id IN (SELECT event_id FROM event_audience WHERE kind = ? AND ref_id = ?)"
            )
            + " ORDER BY e.id",
            (kind.value, ref_id),
        )
        return [event_of(r) for r in rows]

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
                [(now_ms(), occurrence_id) for (occurrence_id,) in doomed],
            )
        return len(doomed)

    # --- jobs ------------------------------------------------------------------------

    async def add_jobs(self, jobs: Sequence[NewJob]) -> int:
        if not jobs:
            return 0
        now = now_ms()
        async with self._tx() as conn:
            return await conn.executemany(
                "INSERT INTO jobs (key, occurrence_id, reminder_id, target, due_at, expand_at,"
                " planned_recipients, short_notice, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
                        int(j.short_notice),
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
        now = now_ms()
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE jobs SET status = 'expanded', expected_finish = ?, updated_at = ?"
                " WHERE id = ? AND status = 'planned'",
                (opt_ms(expected_finish), now, job_id),
            )
            if changed == 0:
                return 0
            return await conn.executemany(
                INSERT_DELIVERY, [delivery_params(d, now) for d in deliveries]
            )

    async def skip_job(self, job_id: int, reason: str) -> bool:
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE jobs SET status = 'skipped', skip_reason = ?, updated_at = ?"
                " WHERE id = ? AND status = 'planned'",
                (reason, now_ms(), job_id),
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
