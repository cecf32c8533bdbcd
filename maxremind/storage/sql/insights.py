"""SQL of insights (see the port for the contracts): the ledger packed per occurrence,
who came, statistics settings and digest subscriptions."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from maxremind.storage.errors import InvalidValue
from maxremind.storage.ports.common import UNSET, Unset
from maxremind.storage.ports.insights import (
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
# SQLite's grouping per recipient far more to run) than the data is worth, and so does
# gluing columns into one text in SQL.  So each occurrence's reminder deliveries,
# answers and marks come back as a few lists of plain values (comma-separated), one
# list per column, entry i of each from the same row: SQLite steps every aggregate of a
# group over the rows in one order; Postgres is told the order (by id).  No value is
# NULL (an aggregate skips those, which would shift a list).  A delivery is its
# recipient (a chat's id marked with a "c": they are rare) and one number: when MAX
# accepted it, else the port's code of how it ended.
_HOW = (
    "CASE d.status WHEN 'sent' THEN COALESCE(d.sent_at, d.updated_at)"
    " WHEN 'unreachable' THEN -1 WHEN 'failed' THEN -2 WHEN 'skipped' THEN -4 ELSE -3 END"
)
_PACKED = {
    "sqlite": (
        "SELECT d.occurrence_id AS occ, group_concat(CASE d.recipient_kind WHEN 'user'"
        f" THEN d.recipient_id ELSE 'c' || d.recipient_id END) AS who, group_concat({_HOW})"
        " AS how FROM deliveries d WHERE d.occurrence_id IN (SELECT id FROM occ)"
        " AND d.kind = 'reminder' GROUP BY d.occurrence_id",
        "SELECT c.occurrence_id AS occ, group_concat(c.user_id) AS who,"
        " group_concat(c.answer) AS what, group_concat(c.answered_at) AS at"
        " FROM confirmations c WHERE c.occurrence_id IN (SELECT id FROM occ)"
        " GROUP BY c.occurrence_id",
        "SELECT a.occurrence_id AS occ, group_concat(a.user_id) AS who,"
        " group_concat(a.came) AS came FROM attendance a"
        " WHERE a.occurrence_id IN (SELECT id FROM occ) GROUP BY a.occurrence_id",
    ),
    "postgres": (
        "SELECT d.occurrence_id AS occ, string_agg(CASE d.recipient_kind WHEN 'user'"
        " THEN d.recipient_id::text ELSE 'c' || d.recipient_id::text END, ',' ORDER BY d.id)"
        f" AS who, string_agg(({_HOW})::text, ',' ORDER BY d.id) AS how FROM deliveries d"
        " WHERE d.occurrence_id IN (SELECT id FROM occ) AND d.kind = 'reminder'"
        " GROUP BY d.occurrence_id",
        "SELECT c.occurrence_id AS occ, string_agg(c.user_id::text, ',' ORDER BY c.user_id)"
        " AS who, string_agg(c.answer, ',' ORDER BY c.user_id) AS what,"
        " string_agg(c.answered_at::text, ',' ORDER BY c.user_id) AS at"
        " FROM confirmations c WHERE c.occurrence_id IN (SELECT id FROM occ)"
        " GROUP BY c.occurrence_id",
        "SELECT a.occurrence_id AS occ, string_agg(a.user_id::text, ',' ORDER BY a.user_id)"
        " AS who, string_agg(a.came::text, ',' ORDER BY a.user_id) AS came"
        " FROM attendance a WHERE a.occurrence_id IN (SELECT id FROM occ)"
        " GROUP BY a.occurrence_id",
    ),
}


class _Reminded(NamedTuple):
    people: dict[int, int]
    later: dict[int, tuple[int, ...]]
    chats: dict[int, int]


def _reminded(who: str | None, how: str | None) -> _Reminded:
    """People's and chats' reminders of one occurrence from its packed lists (see the
    port's :class:`OccurrenceRow`)."""
    if not who or not how:
        return _Reminded({}, {}, {})
    values = _numbers(how)
    if "c" not in who:
        return _Reminded(*_grouped(_numbers(who), values), {})
    keys = who.split(",")
    chat = [(int(k[1:]), v) for k, v in zip(keys, values, strict=True) if k[0] == "c"]
    person = [(int(k), v) for k, v in zip(keys, values, strict=True) if k[0] != "c"]
    return _Reminded(
        *_grouped([k for k, _ in person], [v for _, v in person]),
        _grouped([k for k, _ in chat], [v for _, v in chat])[0],
    )


def _numbers(packed: str) -> list[int]:
    """A packed list of integers (JSON's parser reads them about twice as fast as
    ``int`` one by one)."""
    found = json.loads(f"[{packed}]")
    assert isinstance(found, list)
    return found


def _grouped(
    keys: list[int], values: list[int]
) -> tuple[dict[int, int], dict[int, tuple[int, ...]]]:
    """Each recipient's first accepted reminder (or the best code) and their later
    accepted ones, in one pass: most have one or two (a reminder and a chase), and a
    dict of plain numbers costs the collector nothing."""
    first: dict[int, int] = {}
    later: dict[int, tuple[int, ...]] = {}
    get = first.get
    for k, v in zip(keys, values, strict=True):
        had = get(k)
        if had is None:
            first[k] = v
        elif v > 0:  # accepted: among the times, in order
            if had < 0:
                first[k] = v
            elif (rest := later.get(k)) is None:
                if had <= v:
                    later[k] = (v,)
                else:
                    first[k], later[k] = v, (had,)
            else:
                ordered = sorted((had, *rest, v))
                first[k], later[k] = ordered[0], tuple(ordered[1:])
        elif had < v:  # none accepted so far: the better code
            first[k] = v
    return first, later


def _answers(
    who: str | None, what: str | None, at: str | None
) -> tuple[dict[int, str], dict[int, int]]:
    if not who or not what or not at:
        return {}, {}
    people = _numbers(who)
    return (
        dict(zip(people, what.split(","), strict=True)),
        dict(zip(people, _numbers(at), strict=True)),
    )


def _marks(who: str | None, came: str | None) -> dict[int, bool]:
    if not who or not came:
        return {}
    return dict(zip(_numbers(who), map(bool, _numbers(came)), strict=True))


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
        packed = _PACKED[
            "postgres" if getattr(self, "dialect", "sqlite") == "postgres" else "sqlite"
        ]
        deliveries: dict[int, Row] = {}
        answers: dict[int, Row] = {}
        marks: dict[int, Row] = {}
        async with self._read() as conn:
            occurrences = await conn.fetchall(
                "SELECT o.id, o.event_id, e.title, e.organizer_id, e.timezone, e.quorum,"
                f" o.starts_at, o.local_start {where} ORDER BY o.starts_at, o.id",
                params,
            )
            if occurrences:
                for found, sql in zip((deliveries, answers, marks), packed, strict=True):
                    for r in await conn.fetchall(
                        f"WITH occ AS (SELECT o.id {where}) {sql}", params
                    ):
                        found[r["occ"]] = r
        rows = []
        for r in occurrences:
            d, a, m = deliveries.get(r["id"]), answers.get(r["id"]), marks.get(r["id"])
            reminded = _reminded(d["who"], d["how"]) if d else _Reminded({}, {}, {})
            given, at = _answers(a["who"], a["what"], a["at"]) if a else ({}, {})
            rows.append(
                OccurrenceRow(
                    occurrence_id=r["id"],
                    event_id=r["event_id"],
                    event_title=r["title"],
                    organizer_id=r["organizer_id"],
                    timezone=r["timezone"],
                    quorum=r["quorum"],
                    starts_at=from_ms(r["starts_at"]),
                    local_start=to_local(r["local_start"]),
                    people=reminded.people,
                    later=reminded.later,
                    chats=reminded.chats,
                    answers=given,
                    answered_at=at,
                    came=_marks(m["who"], m["came"]) if m else {},
                )
            )
        return InsightLedger(occurrences=tuple(rows))

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
