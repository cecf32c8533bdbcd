"""SQL of insights (see the port for the contracts): the ledger grouped per recipient and
occurrence, who came, statistics settings and digest subscriptions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from maxremind.storage.errors import InvalidValue
from maxremind.storage.ports.common import UNSET, Unset
from maxremind.storage.ports.insights import (
    AskedRow,
    AttendanceDue,
    DigestTeam,
    InsightLedger,
    InsightSettingsRow,
    OccurrenceRow,
)
from maxremind.storage.sqlbase import Row, SqlBase, from_ms, to_local, to_ms

# Occurrences an insight window covers: not cancelled, of events asking for answers.
_WINDOW = (
    "FROM occurrences o JOIN events e ON e.id = o.event_id"
    " WHERE e.team_id = ? AND e.confirm_required = 1 AND o.status = 'planned'"
    " AND o.starts_at >= ? AND o.starts_at < ?"
)

# A year of a large team's ledger is ~100,000 deliveries.  Rows cost more to read (and
# SQLite's grouping more to run) than the data is worth, so each occurrence's reminder
# deliveries, answers and marks come back as one packed text each (fields and entries
# alike separated by commas), grouped in Python.
_PACKED_DELIVERIES = (
    "SELECT d.occurrence_id AS occ, {concat}(d.recipient_kind || ',' || d.recipient_id"
    " || ',' || d.status || ',' || COALESCE(CAST(d.sent_at AS TEXT), ''), ',') AS packed"
    " FROM deliveries d WHERE d.occurrence_id IN (SELECT id FROM occ) AND d.kind = 'reminder'"
    " GROUP BY d.occurrence_id"
)
_PACKED_ANSWERS = (
    "SELECT c.occurrence_id AS occ, {concat}(c.user_id || ',' || c.answer || ','"
    " || c.answered_at, ',') AS packed FROM confirmations c"
    " WHERE c.occurrence_id IN (SELECT id FROM occ) GROUP BY c.occurrence_id"
)
_PACKED_MARKS = (
    "SELECT a.occurrence_id AS occ, {concat}(a.user_id || ',' || a.came, ',') AS packed"
    " FROM attendance a WHERE a.occurrence_id IN (SELECT id FROM occ) GROUP BY a.occurrence_id"
)
_PENDING = frozenset({"planned", "held", "claimed"})


def _asked_rows(
    occurrence_id: int, deliveries: str | None, answers: str | None, marks: str | None
) -> list[AskedRow]:
    """One occurrence's rows from its packed deliveries, answers and marks (the hot loop
    of a year's statistics: ids stay text until a recipient's row is made)."""
    answered: dict[str, tuple[str, int]] = {}
    if answers:
        it = iter(answers.split(","))
        for uid, text, stamp in zip(it, it, it, strict=True):
            answered[uid] = (text, int(stamp))
    came: dict[str, bool] = {}
    if marks:
        it = iter(marks.split(","))
        for uid, value in zip(it, it, strict=True):
            came[uid] = value == "1"
    # "user123" -> [kind, id, deliveries, unreachable, failed, pending, sent times...]
    grouped: dict[str, list[Any]] = {}
    if deliveries:
        it = iter(deliveries.split(","))
        for kind, rid, status, sent_at in zip(it, it, it, it, strict=True):
            found = grouped.get(kind + rid)
            if found is None:
                found = grouped[kind + rid] = [kind, rid, 0, 0, 0, 0]
            found[2] += 1
            if status == "sent":
                found.append(int(sent_at))
            elif status == "unreachable":
                found[3] += 1
            elif status == "failed":
                found[4] += 1
            elif status in _PENDING:
                found[5] += 1
    rows = []
    for kind, rid, n, unreachable, failed, pending, *sent in grouped.values():
        answer: str | None = None
        at: int | None = None
        mark: bool | None = None
        if kind == "user":
            if rid in answered:
                answer, at = answered[rid]
            mark = came.get(rid)
        # Most people get one or two reminders: count those before the answer cheaply.
        if at is None or (len(sent) == 1 and sent[0] <= at):
            before = len(sent)
        else:
            before = sum(1 for x in sent if x <= at)
        rows.append(
            AskedRow(
                occurrence_id,
                kind,
                int(rid),
                n,
                len(sent),
                before,
                unreachable,
                failed,
                pending,
                (sent[0] if len(sent) == 1 else min(sent)) if sent else None,
                answer,
                at,
                mark,
            )
        )
    for uid, (given, when) in answered.items():
        if "user" + uid not in grouped:  # answered from a chat
            mark = came.get(uid)
            rows.append(
                AskedRow(occurrence_id, "user", int(uid), 0, 0, 0, 0, 0, 0, None, given, when, mark)
            )
    rows.sort()  # by kind and id (one occurrence: no two rows tie on both)
    return rows


# Occurrences of longer events than this are not offered a who-came checklist.
_LONGEST_EVENT = timedelta(days=7)


def _settings(team_id: int, row: Row | None) -> InsightSettingsRow:
    if row is None:
        return InsightSettingsRow(team_id)
    return InsightSettingsRow(
        team_id=team_id,
        member_stats=bool(row["member_stats"]),
        digest_weekday=int(row["digest_weekday"]),
        digest_minute=int(row["digest_minute"]),
    )


class InsightsSql(SqlBase):
    """Statistics reads, who came, statistics settings, digest subscriptions."""

    async def insight_ledger(
        self,
        team_id: int,
        *,
        since: datetime,
        until: datetime,
        event_id: int | None = None,
    ) -> InsightLedger:
        where = _WINDOW
        params: list[Any] = [team_id, to_ms(since), to_ms(until)]
        if event_id is not None:
            where += " AND e.id = ?"
            params.append(event_id)
        concat = (
            "string_agg" if getattr(self, "dialect", "sqlite") == "postgres" else "group_concat"
        )
        packed: dict[int, list[str | None]] = {}
        async with self._read() as conn:
            occurrences = await conn.fetchall(
                "SELECT o.id, o.event_id, e.title, e.organizer_id, e.timezone, e.quorum,"
                f" o.starts_at, o.local_start {where} ORDER BY o.starts_at, o.id",
                params,
            )
            if occurrences:
                packed = {r["id"]: [None, None, None] for r in occurrences}
                for i, sql in enumerate((_PACKED_DELIVERIES, _PACKED_ANSWERS, _PACKED_MARKS)):
                    rows = await conn.fetchall(
                        f"WITH occ AS (SELECT o.id {where}) " + sql.format(concat=concat), params
                    )
                    for r in rows:
                        packed[r["occ"]][i] = r["packed"]
        return InsightLedger(
            occurrences=tuple(
                OccurrenceRow(
                    occurrence_id=r["id"],
                    event_id=r["event_id"],
                    event_title=r["title"],
                    organizer_id=r["organizer_id"],
                    timezone=r["timezone"],
                    quorum=r["quorum"],
                    starts_at=from_ms(r["starts_at"]),
                    local_start=to_local(r["local_start"]),
                )
                for r in occurrences
            ),
            asked=tuple(row for r in occurrences for row in _asked_rows(r["id"], *packed[r["id"]])),
        )

    async def attendance_of(self, occurrence_id: int) -> dict[int, bool]:
        rows = await self._all(
            "SELECT user_id, came FROM attendance WHERE occurrence_id = ?", (occurrence_id,)
        )
        return {r["user_id"]: bool(r["came"]) for r in rows}

    async def set_attendance(
        self, occurrence_id: int, user_id: int, came: bool | None, *, marked_by: int, at: datetime
    ) -> bool:
        async with self._tx() as conn:
            if came is None:
                changed = await conn.execute(
                    "DELETE FROM attendance WHERE occurrence_id = ? AND user_id = ?",
                    (occurrence_id, user_id),
                )
            else:
                changed = await conn.execute(
                    "INSERT INTO attendance (occurrence_id, user_id, came, marked_by, marked_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (occurrence_id, user_id) DO UPDATE"
                    " SET came = excluded.came, marked_by = excluded.marked_by,"
                    " marked_at = excluded.marked_at WHERE attendance.came <> excluded.came",
                    (occurrence_id, user_id, int(came), marked_by, to_ms(at)),
                )
        return changed > 0

    async def get_insight_settings(self, team_id: int) -> InsightSettingsRow:
        row = await self._one("SELECT * FROM insight_settings WHERE team_id = ?", (team_id,))
        return _settings(team_id, row)

    async def set_insight_settings(
        self,
        team_id: int,
        *,
        member_stats: bool | Unset = UNSET,
        digest_weekday: int | Unset = UNSET,
        digest_minute: int | Unset = UNSET,
        at: datetime,
    ) -> InsightSettingsRow:
        if not isinstance(digest_weekday, Unset) and not 0 <= digest_weekday <= 6:
            raise InvalidValue(f"a weekday is 0 (Monday) to 6, not {digest_weekday}")
        if not isinstance(digest_minute, Unset) and not 0 <= digest_minute < 24 * 60:
            raise InvalidValue(f"a time of day is 0 to 1439 minutes, not {digest_minute}")
        async with self._tx() as conn:
            row = await conn.fetchone(
                "SELECT * FROM insight_settings WHERE team_id = ?", (team_id,)
            )
            now = _settings(team_id, row)
            new = InsightSettingsRow(
                team_id=team_id,
                member_stats=now.member_stats if isinstance(member_stats, Unset) else member_stats,
                digest_weekday=(
                    now.digest_weekday if isinstance(digest_weekday, Unset) else digest_weekday
                ),
                digest_minute=(
                    now.digest_minute if isinstance(digest_minute, Unset) else digest_minute
                ),
            )
            await conn.execute(
                "INSERT INTO insight_settings"
                " (team_id, member_stats, digest_weekday, digest_minute, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (team_id) DO UPDATE"
                " SET member_stats = excluded.member_stats,"
                " digest_weekday = excluded.digest_weekday,"
                " digest_minute = excluded.digest_minute, updated_at = excluded.updated_at",
                (
                    team_id,
                    int(new.member_stats),
                    new.digest_weekday,
                    new.digest_minute,
                    to_ms(at),
                ),
            )
        return new

    async def set_digest_subscription(
        self, team_id: int, user_id: int, on: bool, *, at: datetime
    ) -> bool:
        async with self._tx() as conn:
            if on:
                changed = await conn.execute(
                    "INSERT INTO digest_subscribers (team_id, user_id, created_at)"
                    " VALUES (?, ?, ?) ON CONFLICT (team_id, user_id) DO NOTHING",
                    (team_id, user_id, to_ms(at)),
                )
            else:
                changed = await conn.execute(
                    "DELETE FROM digest_subscribers WHERE team_id = ? AND user_id = ?",
                    (team_id, user_id),
                )
        return changed > 0

    async def digest_subscribers(self, team_id: int) -> list[int]:
        rows = await self._all(
            "SELECT user_id FROM digest_subscribers WHERE team_id = ? ORDER BY user_id",
            (team_id,),
        )
        return [r["user_id"] for r in rows]

    async def digest_teams(self) -> list[DigestTeam]:
        rows = await self._all(
            "SELECT t.id, t.timezone, s.digest_weekday, s.digest_minute, d.user_id,"
            " d.created_at FROM digest_subscribers d JOIN teams t ON t.id = d.team_id"
            " LEFT JOIN insight_settings s ON s.team_id = t.id ORDER BY t.id, d.user_id"
        )
        teams: dict[int, DigestTeam] = {}
        for r in rows:
            found = teams.get(r["id"])
            subscriber = (r["user_id"], from_ms(r["created_at"]))
            if found is None:
                defaults = InsightSettingsRow(r["id"])
                teams[r["id"]] = DigestTeam(
                    team_id=r["id"],
                    timezone=r["timezone"],
                    digest_weekday=(
                        defaults.digest_weekday
                        if r["digest_weekday"] is None
                        else int(r["digest_weekday"])
                    ),
                    digest_minute=(
                        defaults.digest_minute
                        if r["digest_minute"] is None
                        else int(r["digest_minute"])
                    ),
                    subscribers=(subscriber,),
                )
            else:
                teams[r["id"]] = DigestTeam(
                    found.team_id,
                    found.timezone,
                    found.digest_weekday,
                    found.digest_minute,
                    (*found.subscribers, subscriber),
                )
        return list(teams.values())

    async def attendance_due(
        self, *, ended_after: datetime, ended_before: datetime
    ) -> list[AttendanceDue]:
        after, before = to_ms(ended_after), to_ms(ended_before)
        rows = await self._all(
            "SELECT o.id, o.event_id, e.organizer_id,"
            " o.starts_at + COALESCE(e.duration_s, 0) * 1000 AS ended"
            " FROM occurrences o JOIN events e ON e.id = o.event_id"
            " WHERE o.starts_at >= ? AND o.starts_at < ? AND o.status = 'planned'"
            " AND e.status = 'active' AND e.confirm_required = 1"
            " AND o.starts_at + COALESCE(e.duration_s, 0) * 1000 >= ?"
            " AND o.starts_at + COALESCE(e.duration_s, 0) * 1000 < ?"
            " AND EXISTS (SELECT 1 FROM confirmations c"
            " WHERE c.occurrence_id = o.id AND c.answer = 'yes')"
            " ORDER BY ended, o.id",
            (after - int(_LONGEST_EVENT.total_seconds() * 1000), before, after, before),
        )
        return [
            AttendanceDue(r["id"], r["event_id"], r["organizer_id"], from_ms(int(r["ended"])))
            for r in rows
        ]
