"""SQL of calendar feeds: their records, and the few statements that read a feed's events,
dates and answers in bulk (ids travel as one JSON parameter, ``json_each``).  Whom an
audience reaches is the overview's SQL twin of ``core.audience.resolve_audience``."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from maxremind.domain.feeds import CalendarFeed, FeedKind, FeedScope
from maxremind.domain.models import (
    Answer,
    Confirmation,
    Occurrence,
)
from maxremind.storage.errors import InvalidValue
from maxremind.storage.ports.calendar import FeedEvent, FeedEventRow, FeedReminder
from maxremind.storage.sql.overview import _in_audience
from maxremind.storage.sql.schedule import _STATUSES, _TARGETS, _occurrence
from maxremind.storage.sqlbase import (
    Row,
    SqlBase,
    from_ms,
    local_text,
    opt_dt,
    opt_td,
    to_local,
    to_ms,
)

_IDS = "(SELECT value FROM json_each(?))"
_FEED_FIELDS = "id, kind, user_id, team_id, group_id, created_at, revoked_at"
# The columns of events a feed shows (FeedEvent), not the whole row.
_SHOWN = (
    "e.id, e.organizer_id, e.title, e.start_local, e.timezone, e.description, e.place,"
    " e.duration_s, e.rrule, e.exdates, e.status, e.created_at, e.updated_at, e.sequence"
)


def _feed(row: Row) -> CalendarFeed:
    return CalendarFeed(
        id=row["id"],
        kind=FeedKind(row["kind"]),
        user_id=row["user_id"],
        team_id=row["team_id"],
        group_id=row["group_id"],
        created_at=from_ms(row["created_at"]),
        revoked_at=opt_dt(row["revoked_at"]),
    )


def _scope_clause(scope: FeedScope, since: datetime) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``events e``) of a scope's events and its parameters."""
    if scope.kind is FeedKind.PERSONAL:
        me = scope.user_id
        clause = (
            "e.kind IN ('event', 'reminder') AND ((e.team_id IS NULL AND e.organizer_id = ?)"
            " OR (e.team_id IN (SELECT team_id FROM members WHERE user_id = ?)"
            f" AND (e.organizer_id = ? OR {_in_audience('?')})))"
        )
        params: list[Any] = [me, me, me, me, me, me, me]
    elif scope.kind is FeedKind.TEAM:
        clause, params = "e.kind = 'event' AND e.team_id = ?", [scope.team_id]
    else:
        clause = (
            "e.kind = 'event' AND e.team_id = ? AND EXISTS (SELECT 1 FROM event_audience a"
            " WHERE a.event_id = e.id AND +a.kind = 'group' AND a.ref_id = ?)"
        )
        params = [scope.team_id, scope.group_id]
    # Local wall times of any zone: a day of slack, the service cuts exactly.
    oldest_local = local_text((since - timedelta(days=1)).replace(tzinfo=None, microsecond=0))
    clause += (
        " AND (e.status != 'cancelled' OR e.updated_at >= ?)"
        " AND (e.rrule IS NOT NULL OR e.start_local >= ?)"
    )
    return clause, [*params, to_ms(since), oldest_local]


def _exdates(text: str) -> tuple[str, ...]:
    return () if text == "[]" else tuple(json.loads(text))


class CalendarSql(SqlBase):
    """Calendar feeds and the bulk reads that render them."""

    async def add_calendar_feed(
        self,
        token_hash: str,
        kind: FeedKind,
        user_id: int,
        *,
        team_id: int | None = None,
        group_id: int | None = None,
        at: datetime,
    ) -> CalendarFeed:
        if (kind is FeedKind.PERSONAL) != (team_id is None) or (kind is FeedKind.GROUP) != (
            group_id is not None
        ):
            raise InvalidValue(f"a {kind.value} feed with team {team_id} and group {group_id}")
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO calendar_feeds (token_hash, kind, user_id, team_id, group_id,"
                f" created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING {_FEED_FIELDS}",
                (token_hash, kind.value, user_id, team_id, group_id, to_ms(at)),
            )
        assert row is not None
        return _feed(row)

    async def find_calendar_feed(self, token_hash: str) -> CalendarFeed | None:
        row = await self._one(
            f"SELECT {_FEED_FIELDS} FROM calendar_feeds WHERE token_hash = ?", (token_hash,)
        )
        return None if row is None else _feed(row)

    async def list_calendar_feeds(self, user_id: int) -> list[CalendarFeed]:
        rows = await self._all(
            f"SELECT {_FEED_FIELDS} FROM calendar_feeds WHERE user_id = ? AND revoked_at IS NULL"
            " ORDER BY created_at DESC, id DESC",
            (user_id,),
        )
        return [_feed(r) for r in rows]

    async def revoke_calendar_feed(self, user_id: int, feed_id: int, *, at: datetime) -> bool:
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE calendar_feeds SET revoked_at = ?"
                " WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                (to_ms(at), feed_id, user_id),
            )
        return changed > 0

    async def feed_events(self, scope: FeedScope, *, since: datetime) -> list[FeedEventRow]:
        clause, params = _scope_clause(scope, since)
        invited, more = "0", []
        if scope.kind is FeedKind.PERSONAL:
            invited, more = _in_audience("?"), [scope.user_id] * 4
        async with self._read() as conn:
            rows = await conn.fetchall(
                f"SELECT {_SHOWN}, {invited} AS invited FROM events e WHERE {clause} ORDER BY e.id",
                [*more, *params],
            )
            steps = await conn.fetchall(
                "SELECT event_id, offset_s, target FROM reminders"
                f" WHERE event_id IN {_IDS} AND offset_s IS NOT NULL ORDER BY event_id, id",
                (json.dumps([r["id"] for r in rows]),),
            )
        reminders: dict[int, list[FeedReminder]] = defaultdict(list)
        kinds: dict[tuple[int, str], FeedReminder] = {}  # a team's events share a few steps
        for step in steps:
            key = (step["offset_s"], step["target"])
            if (reminder := kinds.get(key)) is None:
                reminder = kinds[key] = FeedReminder(timedelta(seconds=key[0]), _TARGETS[key[1]])
            reminders[step["event_id"]].append(reminder)
        return [
            FeedEventRow(
                FeedEvent(
                    row["id"],
                    row["organizer_id"],
                    row["title"],
                    to_local(row["start_local"]),
                    row["timezone"],
                    row["description"],
                    row["place"],
                    opt_td(row["duration_s"]),
                    row["rrule"],
                    _exdates(row["exdates"]),
                    tuple(reminders.get(row["id"], ())),
                    _STATUSES[row["status"]],
                    from_ms(row["created_at"]),
                    from_ms(row["updated_at"]),
                ),
                row["sequence"],
                bool(row["invited"]),
            )
            for row in rows
        ]

    async def feed_occurrences(
        self, event_ids: Sequence[int], *, since: datetime
    ) -> list[Occurrence]:
        rows = await self._all(
            f"SELECT * FROM occurrences WHERE event_id IN {_IDS} AND starts_at >= ?"
            " ORDER BY event_id, starts_at",
            (json.dumps([int(i) for i in event_ids]), to_ms(since)),
        )
        return [_occurrence(r) for r in rows]

    async def feed_answers(
        self, event_ids: Sequence[int], *, since: datetime, user_id: int | None = None
    ) -> list[Confirmation]:
        sql = (
            "SELECT c.* FROM confirmations c JOIN occurrences o ON o.id = c.occurrence_id"
            f" WHERE o.event_id IN {_IDS} AND o.starts_at >= ?"
        )
        params: list[Any] = [json.dumps([int(i) for i in event_ids]), to_ms(since)]
        if user_id is not None:
            sql += " AND c.user_id = ?"
            params.append(user_id)
        rows = await self._all(sql + " ORDER BY c.occurrence_id, c.user_id", params)
        return [
            Confirmation(
                occurrence_id=r["occurrence_id"],
                user_id=r["user_id"],
                answer=Answer(r["answer"]),
                comment=r["comment"],
                answered_at=from_ms(r["answered_at"]),
            )
            for r in rows
        ]

    async def feed_fingerprint(self, scope: FeedScope, *, since: datetime) -> str:
        clause, params = _scope_clause(scope, since)
        mine = " AND c.user_id = ?" if scope.kind is FeedKind.PERSONAL else ""
        row = await self._one(
            f"WITH sel AS (SELECT e.id, e.updated_at, e.sequence FROM events e WHERE {clause})"
            " SELECT (SELECT COUNT(*) || '.' || COALESCE(SUM(id), 0) || '.'"
            " || COALESCE(MAX(updated_at), 0) || '.' || COALESCE(SUM(sequence), 0) FROM sel)"
            " || '/' || (SELECT COUNT(*) || '.' || COALESCE(MAX(c.answered_at), 0)"
            " FROM confirmations c JOIN occurrences o ON o.id = c.occurrence_id"
            f" WHERE o.event_id IN (SELECT id FROM sel) AND o.starts_at >= ?{mine})"
            " || '/' || (SELECT COUNT(*) FROM occurrences o WHERE o.event_id IN"
            " (SELECT id FROM sel) AND o.status = 'cancelled' AND o.starts_at >= ?) AS print",
            [*params, to_ms(since), *([scope.user_id] if mine else []), to_ms(since)],
        )
        assert row is not None
        return str(row["print"])
