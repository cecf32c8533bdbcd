"""SQL of calendar import: sources and the links from source events to our events."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from maxremind.domain.calendar_sources import (
    CalendarSource,
    CalendarUpload,
    FetchRecord,
    ImportedLink,
    LinkState,
    NewCalendarSource,
    NewCalendarUpload,
    SourceKind,
)
from maxremind.domain.models import Language
from maxremind.storage.errors import NotFound
from maxremind.storage.sqlbase import Row, SqlBase, from_ms, opt_dt, to_ms


def _source(row: Row) -> CalendarSource:
    return CalendarSource(
        id=row["id"],
        team_id=row["team_id"],
        group_id=row["group_id"],
        kind=SourceKind(row["kind"]),
        name=row["name"],
        url=row["url"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_fetched_at=opt_dt(row["last_fetched_at"]),
        last_ok_at=opt_dt(row["last_ok_at"]),
        last_error=row["last_error"],
        last_error_detail=row["last_error_detail"],
        refresh_minutes=row["refresh_minutes"],
        use_alarms=bool(row["use_alarms"]),
        created_by=row["created_by"],
        created_at=from_ms(row["created_at"]),
        active=bool(row["active"]),
        last_report=json.loads(row["last_report"] or "{}"),
    )


def _link(row: Row) -> ImportedLink:
    return ImportedLink(
        source_id=row["source_id"],
        source_uid=row["source_uid"],
        recurrence_key=row["recurrence_key"],
        event_id=row["event_id"],
        fingerprint=row["fingerprint"],
        state=LinkState(row["state"]),
        sequence=row["sequence"],
        last_modified=opt_dt(row["last_modified"]),
        updated_at=opt_dt(row["updated_at"]),
    )


def _upload(row: Row) -> CalendarUpload:
    return CalendarUpload(
        id=row["id"],
        team_id=row["team_id"],
        group_id=row["group_id"],
        actor_id=row["actor_id"],
        url=row["url"],
        filename=row["filename"],
        chat_id=row["chat_id"],
        language=Language(row["language"]),
        page_url=row["page_url"],
        use_alarms=bool(row["use_alarms"]),
        created_at=from_ms(row["created_at"]),
        claimed_until=opt_dt(row["claimed_until"]),
    )


class CalendarImportSql(SqlBase):
    """Calendar sources and imported-event links."""

    async def add_calendar_source(
        self, source: NewCalendarSource, *, at: datetime
    ) -> CalendarSource:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO calendar_sources (team_id, group_id, kind, name, url,"
                " refresh_minutes, use_alarms, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (
                    source.team_id,
                    source.group_id,
                    source.kind.value,
                    source.name,
                    source.url,
                    source.refresh_minutes,
                    int(source.use_alarms),
                    source.created_by,
                    to_ms(at),
                ),
            )
        assert row is not None
        return _source(row)

    async def get_calendar_source(self, source_id: int) -> CalendarSource:
        row = await self._one("SELECT * FROM calendar_sources WHERE id = ?", (source_id,))
        if row is None:
            raise NotFound(f"calendar source {source_id}")
        return _source(row)

    async def find_upload_source(self, team_id: int, group_id: int | None) -> CalendarSource | None:
        row = await self._one(
            "SELECT * FROM calendar_sources WHERE team_id = ? AND group_id IS ?"
            " AND kind = 'upload' ORDER BY id LIMIT 1",
            (team_id, group_id),
        )
        return None if row is None else _source(row)

    async def list_calendar_sources(self, team_id: int) -> list[CalendarSource]:
        rows = await self._all(
            "SELECT * FROM calendar_sources WHERE team_id = ? ORDER BY id", (team_id,)
        )
        return [_source(r) for r in rows]

    async def list_due_calendar_sources(self, now: datetime) -> list[CalendarSource]:
        rows = await self._all(
            "SELECT * FROM calendar_sources WHERE kind = 'url' AND active = 1"
            " AND (last_fetched_at IS NULL OR last_fetched_at + refresh_minutes * 60000 <= ?)"
            " ORDER BY COALESCE(last_fetched_at, 0), id",
            (to_ms(now),),
        )
        return [_source(r) for r in rows]

    async def record_calendar_fetch(self, source_id: int, record: FetchRecord) -> CalendarSource:
        at = to_ms(record.at)
        report = None if record.report is None else json.dumps(record.report, ensure_ascii=False)
        async with self._tx() as conn:
            if record.ok:
                row = await conn.fetchone(
                    "UPDATE calendar_sources SET last_fetched_at = ?, last_ok_at = ?,"
                    " etag = ?, last_modified = ?, name = COALESCE(?, name),"
                    " last_error = NULL, last_error_detail = NULL,"
                    " last_report = COALESCE(?, last_report)"
                    " WHERE id = ? RETURNING *",
                    (at, at, record.etag, record.last_modified, record.name, report, source_id),
                )
            else:
                row = await conn.fetchone(
                    "UPDATE calendar_sources SET last_fetched_at = ?, last_error = ?,"
                    " last_error_detail = ?, last_report = COALESCE(?, last_report)"
                    " WHERE id = ? RETURNING *",
                    (at, record.error, record.error_detail, report, source_id),
                )
        if row is None:
            raise NotFound(f"calendar source {source_id}")
        return _source(row)

    async def delete_calendar_source(self, source_id: int) -> None:
        async with self._tx() as conn:
            changed = await conn.execute("DELETE FROM calendar_sources WHERE id = ?", (source_id,))
        if not changed:
            raise NotFound(f"calendar source {source_id}")

    async def list_imported(self, source_id: int) -> list[ImportedLink]:
        rows = await self._all(
            "SELECT * FROM calendar_imported WHERE source_id = ?"
            " ORDER BY source_uid, recurrence_key",
            (source_id,),
        )
        return [_link(r) for r in rows]

    async def save_imported(self, links: Sequence[ImportedLink], *, at: datetime) -> None:
        if not links:
            return
        async with self._tx() as conn:
            await conn.executemany(
                "INSERT INTO calendar_imported (source_id, source_uid, recurrence_key,"
                " event_id, sequence, last_modified, fingerprint, state, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (source_id, source_uid, recurrence_key) DO UPDATE SET"
                " event_id = excluded.event_id, sequence = excluded.sequence,"
                " last_modified = excluded.last_modified, fingerprint = excluded.fingerprint,"
                " state = excluded.state, updated_at = excluded.updated_at",
                [
                    (
                        link.source_id,
                        link.source_uid,
                        link.recurrence_key,
                        link.event_id,
                        link.sequence,
                        None if link.last_modified is None else to_ms(link.last_modified),
                        link.fingerprint,
                        link.state.value,
                        to_ms(at),
                    )
                    for link in links
                ],
            )

    async def event_calendar_source(self, event_id: int) -> CalendarSource | None:
        row = await self._one(
            "SELECT s.* FROM calendar_imported i JOIN calendar_sources s ON s.id = i.source_id"
            " WHERE i.event_id = ? AND i.state != 'removed' ORDER BY s.id LIMIT 1",
            (event_id,),
        )
        return None if row is None else _source(row)

    async def add_calendar_upload(
        self, upload: NewCalendarUpload, *, at: datetime
    ) -> CalendarUpload:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO calendar_uploads (team_id, group_id, actor_id, url, filename,"
                " chat_id, language, page_url, use_alarms, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (
                    upload.team_id,
                    upload.group_id,
                    upload.actor_id,
                    upload.url,
                    upload.filename,
                    upload.chat_id,
                    upload.language.value,
                    upload.page_url,
                    int(upload.use_alarms),
                    to_ms(at),
                ),
            )
        assert row is not None
        return _upload(row)

    async def claim_calendar_upload(
        self, *, now: datetime, until: datetime
    ) -> CalendarUpload | None:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "UPDATE calendar_uploads SET claimed_until = ? WHERE id = ("
                " SELECT id FROM calendar_uploads"
                " WHERE claimed_until IS NULL OR claimed_until <= ? ORDER BY id LIMIT 1"
                " /*postgres: FOR UPDATE SKIP LOCKED*/) RETURNING *",
                (to_ms(until), to_ms(now)),
            )
        return None if row is None else _upload(row)

    async def release_calendar_upload(self, upload_id: int) -> None:
        async with self._tx() as conn:
            await conn.execute(
                "UPDATE calendar_uploads SET claimed_until = NULL WHERE id = ?", (upload_id,)
            )

    async def release_calendar_uploads(self) -> int:
        async with self._tx() as conn:
            return await conn.execute(
                "UPDATE calendar_uploads SET claimed_until = NULL WHERE claimed_until IS NOT NULL",
                (),
            )

    async def finish_calendar_upload(self, upload_id: int) -> None:
        async with self._tx() as conn:
            changed = await conn.execute("DELETE FROM calendar_uploads WHERE id = ?", (upload_id,))
        if not changed:
            raise NotFound(f"calendar upload {upload_id}")

    async def list_calendar_uploads(self, team_id: int) -> list[CalendarUpload]:
        rows = await self._all(
            "SELECT * FROM calendar_uploads WHERE team_id = ? ORDER BY id", (team_id,)
        )
        return [_upload(r) for r in rows]
