"""SQL of the overview: aggregated reads for pages (see the port for the contracts).

Every method is a read on the reader connections (one snapshot when it takes several
statements).  Lists of ids travel as one JSON parameter (``json_each``), so a page of
any size is one statement, not one per id.  The audience rule is written once here, in
:func:`_in_audience`, ``_ANSWER_COUNTS``, ``_AUDIENCE_PEOPLE``/``_CHATS`` and
``_REACHES_ANYONE``, as the SQL twin
of ``core.audience.resolve_audience`` (a contract test holds them together).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from maxremind.domain.models import (
    Answer,
    DeliveryKind,
    DeliveryStatus,
    EventKind,
    EventStatus,
    RecipientKind,
    ReminderTarget,
)
from maxremind.storage.ports.overview import (
    AudienceSize,
    ChatRemoved,
    EmptyAudience,
    EventSummary,
    FailedDelivery,
    FanOut,
    LedgerRow,
    OccurrenceCounts,
    Problems,
    UnreachableMember,
    UpcomingOccurrence,
)
from maxremind.storage.sqlbase import Row, SqlBase, from_ms, name_key, opt_dt, to_local, to_ms

_IDS = "(SELECT value FROM json_each(?))"
# ``+a.kind`` keeps SQLite on an event's own audience rows (the primary key) instead of
# the index on (kind, ref_id), which would read every event's entries of that kind.


# The fields of OccurrenceCounts, as occurrence_counts selects them.
_COUNTS = tuple(f.name for f in fields(OccurrenceCounts))


def _ids(values: Sequence[int]) -> str:
    return json.dumps([int(v) for v in values])


def _in_audience(user: str, event: str = "e") -> str:
    """SQL true when the person ``user`` (a column or ``?``) is one of the people the
    audience of ``event`` reaches (``Resolved.users``).  ``user`` appears four times:
    pass its parameter four times when it is a ``?``."""
    return (
        f"EXISTS (SELECT 1 FROM event_audience a WHERE a.event_id = {event}.id AND ("
        f"(+a.kind = 'team' AND EXISTS (SELECT 1 FROM members m"
        f" WHERE m.team_id = {event}.team_id AND m.user_id = {user}))"
        f" OR (+a.kind = 'group' AND EXISTS (SELECT 1 FROM group_members g"
        f" WHERE g.group_id = a.ref_id AND g.user_id = {user}))"
        f" OR (+a.kind = 'tag' AND EXISTS (SELECT 1 FROM tag_members t"
        f" WHERE t.tag_id = a.ref_id AND t.user_id = {user}))"
        f" OR (+a.kind = 'member' AND a.ref_id = {user} AND ({event}.team_id IS NULL"
        f" OR EXISTS (SELECT 1 FROM members m WHERE m.team_id = {event}.team_id"
        f" AND m.user_id = a.ref_id)))))"
    )


# The audience names a chat the bot is still in: the team's members may answer from it.
_HAS_CHAT = (
    "EXISTS (SELECT 1 FROM event_audience a JOIN chats c ON c.chat_id = a.ref_id"
    " WHERE a.event_id = e.id AND +a.kind = 'chat' AND c.active = 1)"
)

# An answer by c.user_id counts (``Resolved.counted``).
_ANSWER_COUNTS = (
    f"({_in_audience('c.user_id')} OR ({_HAS_CHAT} AND EXISTS (SELECT 1 FROM members m"
    " WHERE m.team_id = e.team_id AND m.user_id = c.user_id)))"
)

# ``len(Resolved.users)`` (a team entry reaches the whole team, counted once per
# statement in ``team_size``) and ``len(Resolved.chats)``.
_AUDIENCE_PEOPLE = (
    "(CASE WHEN e.team_id IS NOT NULL AND EXISTS (SELECT 1 FROM event_audience a"
    " WHERE a.event_id = e.id AND +a.kind = 'team')"
    " THEN (SELECT n FROM team_size WHERE team_size.team_id = e.team_id)"
    " ELSE (SELECT COUNT(*) FROM ("
    " SELECT g.user_id AS u FROM event_audience a JOIN group_members g ON g.group_id = a.ref_id"
    " WHERE a.event_id = e.id AND +a.kind = 'group'"
    " UNION SELECT t.user_id FROM event_audience a JOIN tag_members t ON t.tag_id = a.ref_id"
    " WHERE a.event_id = e.id AND +a.kind = 'tag'"
    " UNION SELECT a.ref_id FROM event_audience a WHERE a.event_id = e.id"
    " AND +a.kind = 'member' AND (e.team_id IS NULL OR EXISTS (SELECT 1 FROM members m"
    " WHERE m.team_id = e.team_id AND m.user_id = a.ref_id))) AS people) END)"
)
_AUDIENCE_CHATS = (
    "(SELECT COUNT(DISTINCT c.chat_id) FROM event_audience a JOIN chats c"
    " ON c.chat_id = a.ref_id WHERE a.event_id = e.id AND +a.kind = 'chat' AND c.active = 1)"
)

# The audience reaches at least one person or chat (short-circuits, unlike the size).
_REACHES_ANYONE = (
    "EXISTS (SELECT 1 FROM event_audience a WHERE a.event_id = e.id AND ("
    "(+a.kind = 'team' AND EXISTS (SELECT 1 FROM members m WHERE m.team_id = e.team_id))"
    " OR (+a.kind = 'group' AND EXISTS (SELECT 1 FROM group_members g"
    " WHERE g.group_id = a.ref_id))"
    " OR (+a.kind = 'tag' AND EXISTS (SELECT 1 FROM tag_members t WHERE t.tag_id = a.ref_id))"
    " OR (+a.kind = 'member' AND (e.team_id IS NULL OR EXISTS (SELECT 1 FROM members m"
    " WHERE m.team_id = e.team_id AND m.user_id = a.ref_id)))"
    " OR (+a.kind = 'chat' AND EXISTS (SELECT 1 FROM chats c"
    " WHERE c.chat_id = a.ref_id AND c.active = 1))))"
)


def _viewer_clause(viewer_id: int) -> tuple[str, list[Any]]:
    """Events the person organizes, or active ones they are invited to."""
    return (
        f"(e.organizer_id = ? OR (e.status = 'active' AND {_in_audience('?')}))",
        [viewer_id] * 5,
    )


_SUMMARY_COLUMNS = (
    "e.id, e.team_id, e.organizer_id, u.name AS organizer_name, e.kind, e.title, e.place,"
    " e.start_local, e.timezone, e.rrule, e.confirm_required, e.urgent, e.quorum, e.status,"
    " e.status_reason, n.id AS next_id, n.starts_at AS next_at, n.local_start AS next_local"
)

# The next planned occurrence at or after the first parameter.
_NEXT_JOIN = (
    " LEFT JOIN users u ON u.user_id = e.organizer_id"
    " LEFT JOIN occurrences n ON n.id = (SELECT o2.id FROM occurrences o2"
    " WHERE o2.event_id = e.id AND o2.status = 'planned' AND o2.starts_at >= ?"
    " ORDER BY o2.starts_at LIMIT 1)"
)


def _summary(row: Row) -> EventSummary:
    return EventSummary(
        id=row["id"],
        team_id=row["team_id"],
        organizer_id=row["organizer_id"],
        organizer_name=row["organizer_name"],
        kind=EventKind(row["kind"]),
        title=row["title"],
        place=row["place"],
        start_local=to_local(row["start_local"]),
        timezone=row["timezone"],
        rrule=row["rrule"],
        confirm_required=bool(row["confirm_required"]),
        urgent=bool(row["urgent"]),
        quorum=row["quorum"],
        status=EventStatus(row["status"]),
        status_reason=row["status_reason"],
        next_occurrence_id=row["next_id"],
        next_starts_at=opt_dt(row["next_at"]),
        next_local_start=None if row["next_local"] is None else to_local(row["next_local"]),
    )


class OverviewSql(SqlBase):
    """Read models for the web's pages."""

    async def search_events(
        self,
        team_ids: Sequence[int],
        *,
        now: datetime,
        text: str | None = None,
        kind: EventKind | None = None,
        status: EventStatus | None = None,
        starts_from: datetime | None = None,
        starts_to: datetime | None = None,
        organizer_id: int | None = None,
        viewer_id: int | None = None,
        limit: int,
        offset: int = 0,
    ) -> tuple[list[EventSummary], int]:
        after = now if starts_from is None else max(now, starts_from)
        where = [f"e.team_id IN {_IDS}"]
        params: list[Any] = [_ids(team_ids)]
        if kind is not None:
            where.append("e.kind = ?")
            params.append(kind.value)
        if status is not None:
            where.append("e.status = ?")
            params.append(status.value)
        if organizer_id is not None:
            where.append("e.organizer_id = ?")
            params.append(organizer_id)
        if starts_from is not None or starts_to is not None:
            where.append("n.id IS NOT NULL")
        if starts_to is not None:
            where.append("n.starts_at < ?")
            params.append(to_ms(starts_to))
        if viewer_id is not None:
            clause, more = _viewer_clause(viewer_id)
            where.append(clause)
            params += more
        base = f" FROM events e{_NEXT_JOIN} WHERE " + " AND ".join(where)
        async with self._read() as conn:
            if text is not None and text.strip():
                # SQLite folds only ASCII case: titles are matched in Python (one
                # narrow statement), then the page is read by id.
                wanted = name_key(text)
                rows = await conn.fetchall(
                    f"SELECT e.id, e.title, e.place{base}", [to_ms(after), *params]
                )
                ids = [
                    r["id"]
                    for r in rows
                    if wanted in name_key(r["title"]) or wanted in name_key(r["place"])
                ]
                where.append(f"e.id IN {_IDS}")
                params.append(_ids(ids))
                base = f" FROM events e{_NEXT_JOIN} WHERE " + " AND ".join(where)
            rows = await conn.fetchall(
                f"SELECT {_SUMMARY_COLUMNS}, COUNT(*) OVER () AS total{base}"
                " ORDER BY n.starts_at IS NULL, n.starts_at, e.id LIMIT ? OFFSET ?",
                [to_ms(after), *params, limit, offset],
            )
            if rows:
                total = int(rows[0]["total"])
            else:
                found = await conn.fetchone(f"SELECT COUNT(*) AS n{base}", [to_ms(after), *params])
                total = 0 if found is None else int(found["n"])
        return [_summary(r) for r in rows], total

    async def upcoming_occurrences(
        self,
        team_ids: Sequence[int],
        *,
        after: datetime,
        before: datetime,
        viewer_id: int | None = None,
        limit: int,
    ) -> list[UpcomingOccurrence]:
        where = [
            f"e.team_id IN {_IDS}",
            "e.status = 'active'",
            "o.status = 'planned'",
            "o.starts_at >= ?",
            "o.starts_at < ?",
        ]
        params: list[Any] = [_ids(team_ids), to_ms(after), to_ms(before)]
        if viewer_id is not None:
            clause, more = _viewer_clause(viewer_id)
            where.append(clause)
            params += more
        rows = await self._all(
            f"SELECT {_SUMMARY_COLUMNS}, o.id AS occ_id, o.starts_at AS occ_at,"
            " o.local_start AS occ_local, o.adjustment AS occ_adjustment"
            f" FROM events e JOIN occurrences o ON o.event_id = e.id{_NEXT_JOIN}"
            " WHERE " + " AND ".join(where) + " ORDER BY o.starts_at, e.id LIMIT ?",
            [to_ms(after), *params, limit],
        )
        return [
            UpcomingOccurrence(
                event=_summary(r),
                occurrence_id=r["occ_id"],
                starts_at=from_ms(r["occ_at"]),
                local_start=to_local(r["occ_local"]),
                adjustment=r["occ_adjustment"],
            )
            for r in rows
        ]

    async def audience_sizes(self, event_ids: Sequence[int]) -> dict[int, AudienceSize]:
        if not event_ids:
            return {}
        ids = _ids(event_ids)
        rows = await self._all(
            "WITH team_size AS MATERIALIZED (SELECT team_id, COUNT(*) AS n FROM members"
            f" WHERE team_id IN (SELECT team_id FROM events WHERE id IN {_IDS})"
            " GROUP BY team_id)"
            f" SELECT e.id, {_AUDIENCE_PEOPLE} AS people, {_AUDIENCE_CHATS} AS chats"
            f" FROM events e WHERE e.id IN {_IDS}",
            (ids, ids),
        )
        return {r["id"]: AudienceSize(int(r["people"]), int(r["chats"])) for r in rows}

    async def audience_people(self, event_id: int) -> list[int]:
        rows = await self._all(
            "SELECT m.user_id AS u FROM events e JOIN members m ON m.team_id = e.team_id"
            " WHERE e.id = ? AND EXISTS (SELECT 1 FROM event_audience a"
            " WHERE a.event_id = e.id AND +a.kind = 'team')"
            " UNION SELECT g.user_id FROM event_audience a JOIN group_members g"
            " ON g.group_id = a.ref_id WHERE a.event_id = ? AND +a.kind = 'group'"
            " UNION SELECT t.user_id FROM event_audience a JOIN tag_members t"
            " ON t.tag_id = a.ref_id WHERE a.event_id = ? AND +a.kind = 'tag'"
            " UNION SELECT a.ref_id FROM event_audience a JOIN events e ON e.id = a.event_id"
            " WHERE a.event_id = ? AND +a.kind = 'member' AND (e.team_id IS NULL"
            " OR EXISTS (SELECT 1 FROM members m WHERE m.team_id = e.team_id"
            " AND m.user_id = a.ref_id)) ORDER BY 1",
            (event_id, event_id, event_id, event_id),
        )
        return [r["u"] for r in rows]

    async def occurrence_counts(self, occurrence_ids: Sequence[int]) -> dict[int, OccurrenceCounts]:
        if not occurrence_ids:
            return {}
        ids = _ids(occurrence_ids)
        # One statement (its own snapshot, one trip): the occurrences that exist, their
        # deliveries' counts and their answers' counts.
        rows = await self._all(
            "SELECT o.id AS occ, s.*, a.* FROM occurrences o LEFT JOIN ("
            "SELECT occurrence_id AS sent_occ,"
            " COUNT(*) FILTER (WHERE status = 'planned') AS planned,"
            " COUNT(*) FILTER (WHERE status = 'held') AS held,"
            " COUNT(*) FILTER (WHERE status = 'claimed') AS claimed,"
            " COUNT(*) FILTER (WHERE status = 'sent') AS sent,"
            " COUNT(*) FILTER (WHERE status = 'failed') AS failed,"
            " COUNT(*) FILTER (WHERE status = 'unreachable') AS unreachable,"
            " COUNT(*) FILTER (WHERE status = 'skipped') AS skipped,"
            " COUNT(DISTINCT CASE WHEN status = 'sent'"
            " THEN recipient_kind || ':' || recipient_id END) AS reached"
            f" FROM deliveries WHERE occurrence_id IN {_IDS} AND kind = 'reminder'"
            " GROUP BY occurrence_id) s ON s.sent_occ = o.id LEFT JOIN ("
            "SELECT c.occurrence_id AS answer_occ,"
            " COUNT(*) FILTER (WHERE c.answer = 'yes') AS yes,"
            " COUNT(*) FILTER (WHERE c.answer = 'no') AS no,"
            " COUNT(*) FILTER (WHERE c.answer = 'maybe') AS maybe,"
            f" COUNT(*) FILTER (WHERE {_in_audience('c.user_id')}) AS people_answered"
            " FROM confirmations c JOIN occurrences o ON o.id = c.occurrence_id"
            f" JOIN events e ON e.id = o.event_id WHERE c.occurrence_id IN {_IDS}"
            f" AND {_ANSWER_COUNTS} GROUP BY c.occurrence_id) a ON a.answer_occ = o.id"
            f" WHERE o.id IN {_IDS}",
            (ids, ids, ids),
        )
        parts = {r["occ"]: {k: int(r[k]) for k in _COUNTS if r[k] is not None} for r in rows}
        return {occ: OccurrenceCounts(**values) for occ, values in parts.items()}

    async def answers_of(self, user_id: int, occurrence_ids: Sequence[int]) -> dict[int, Answer]:
        if not occurrence_ids:
            return {}
        rows = await self._all(
            "SELECT occurrence_id, answer FROM confirmations"
            f" WHERE user_id = ? AND occurrence_id IN {_IDS}",
            (user_id, _ids(occurrence_ids)),
        )
        return {r["occurrence_id"]: Answer(r["answer"]) for r in rows}

    async def fanouts(
        self,
        team_ids: Sequence[int],
        *,
        due_before: datetime,
        viewer_id: int | None = None,
        limit: int = 20,
    ) -> list[FanOut]:
        where = [f"e.team_id IN {_IDS}"]
        params: list[Any] = [to_ms(due_before), _ids(team_ids)]
        if viewer_id is not None:
            clause, more = _viewer_clause(viewer_id)
            where.append(clause)
            params += more
        # The jobs shown first, then their deliveries counted job by job along the job
        # index: grouping the joined rows instead sorted every delivery of a fan-out
        # with its event's columns (3,000 deliveries: 5 ms -> 3 ms).
        rows = await self._all(
            "WITH going AS (SELECT DISTINCT job_id FROM deliveries"
            " WHERE status IN ('planned', 'claimed') AND send_at < ? AND job_id IS NOT NULL"
            " AND kind <> 'report'),"
            " shown AS MATERIALIZED (SELECT j.id, j.occurrence_id, j.target, j.due_at,"
            " j.expected_finish, o.starts_at, e.id AS event_id, e.title, e.team_id,"
            " e.organizer_id FROM going JOIN jobs j ON j.id = going.job_id"
            " JOIN occurrences o ON o.id = j.occurrence_id JOIN events e ON e.id = o.event_id"
            " WHERE " + " AND ".join(where) + " ORDER BY j.due_at, j.id LIMIT ?),"
            " counted AS (SELECT d.job_id, COUNT(*) AS total,"
            " COUNT(*) FILTER (WHERE d.status = 'sent') AS sent,"
            " COUNT(*) FILTER (WHERE d.status IN ('planned', 'claimed')) AS pending,"
            " COUNT(*) FILTER (WHERE d.status = 'held') AS held,"
            " COUNT(*) FILTER (WHERE d.status IN ('failed', 'unreachable')) AS failed,"
            " COUNT(*) FILTER (WHERE d.status = 'skipped') AS skipped FROM deliveries d"
            " WHERE d.job_id IN (SELECT id FROM shown) AND d.kind <> 'report' GROUP BY d.job_id)"
            " SELECT s.*, c.total, c.sent, c.pending, c.held, c.failed, c.skipped"
            " FROM shown s JOIN counted c ON c.job_id = s.id ORDER BY s.due_at, s.id",
            [*params, limit],
        )
        return [
            FanOut(
                job_id=r["id"],
                event_id=r["event_id"],
                event_title=r["title"],
                team_id=r["team_id"],
                organizer_id=r["organizer_id"],
                occurrence_id=r["occurrence_id"],
                starts_at=from_ms(r["starts_at"]),
                target=ReminderTarget(r["target"]),
                due_at=from_ms(r["due_at"]),
                expected_finish=opt_dt(r["expected_finish"]),
                total=int(r["total"]),
                sent=int(r["sent"]),
                pending=int(r["pending"]),
                held=int(r["held"]),
                failed=int(r["failed"]),
                skipped=int(r["skipped"]),
            )
            for r in rows
        ]

    async def problems(
        self,
        team_ids: Sequence[int],
        *,
        now: datetime,
        since: datetime,
        organizer_id: int | None = None,
        limit: int = 50,
    ) -> Problems:
        teams = _ids(team_ids)
        mine = "" if organizer_id is None else " AND e.organizer_id = ?"
        who: list[Any] = [] if organizer_id is None else [organizer_id]
        async with self._read() as conn:
            failed = await conn.fetchall(
                "SELECT d.id, d.recipient_kind, d.recipient_id, d.last_error, d.updated_at,"
                " d.occurrence_id, o.starts_at, e.id AS event_id, e.title, e.team_id,"
                " COALESCE(u.name, c.title) AS recipient_name"
                " FROM deliveries d JOIN occurrences o ON o.id = d.occurrence_id"
                " JOIN events e ON e.id = o.event_id"
                " LEFT JOIN users u ON d.recipient_kind = 'user' AND u.user_id = d.recipient_id"
                " LEFT JOIN chats c ON d.recipient_kind = 'chat' AND c.chat_id = d.recipient_id"
                f" WHERE d.status = 'failed' AND d.updated_at >= ? AND e.team_id IN {_IDS}{mine}"
                " ORDER BY d.updated_at DESC, d.id DESC LIMIT ?",
                [to_ms(since), teams, *who, limit],
            )
            empty = await conn.fetchall(
                "SELECT e.id, e.team_id, e.title, e.organizer_id, e.status, e.status_reason"
                f" FROM events e WHERE e.team_id IN {_IDS}{mine} AND (e.status = 'flagged'"
                " OR (e.status = 'active' AND EXISTS (SELECT 1 FROM occurrences o"
                " WHERE o.event_id = e.id AND o.status = 'planned' AND o.starts_at >= ?)"
                f" AND NOT {_REACHES_ANYONE})) ORDER BY e.id LIMIT ?",
                [teams, *who, to_ms(now), limit],
            )
            members: list[Row] = []
            chats: list[Row] = []
            if organizer_id is None:
                members = await conn.fetchall(
                    "SELECT m.team_id, u.user_id, u.name, u.unreachable_reason"
                    " FROM members m JOIN users u ON u.user_id = m.user_id"
                    f" WHERE m.team_id IN {_IDS} AND u.reachable = 0"
                    " ORDER BY u.name, u.user_id LIMIT ?",
                    (teams, limit),
                )
                # Removing the bot unlinks the chat (chats.team_id goes NULL): the team
                # is found again through the audit entry of the unlink or an event
                # that still names the chat.
                chats = await conn.fetchall(
                    "SELECT c.chat_id, MIN(t.team_id) AS team_id, c.title, c.updated_at"
                    " FROM chats c JOIN ("
                    f" SELECT team_id, chat_id FROM chats WHERE team_id IN {_IDS}"
                    " UNION SELECT e.team_id, a.ref_id FROM event_audience a"
                    " JOIN events e ON e.id = a.event_id"
                    f" WHERE a.kind = 'chat' AND e.team_id IN {_IDS} AND e.status <> 'cancelled'"
                    " UNION SELECT team_id, CAST(substr(subject, 6) AS BIGINT) FROM audit_log"
                    f" WHERE team_id IN {_IDS} AND action = 'chat.unlink' AND at >= ?"
                    ") t ON t.chat_id = c.chat_id WHERE c.active = 0"
                    " GROUP BY c.chat_id ORDER BY c.updated_at DESC, c.chat_id LIMIT ?",
                    (teams, teams, teams, to_ms(since), limit),
                )
        return Problems(
            unreachable_members=tuple(
                UnreachableMember(r["team_id"], r["user_id"], r["name"], r["unreachable_reason"])
                for r in members
            ),
            failed_deliveries=tuple(
                FailedDelivery(
                    delivery_id=r["id"],
                    event_id=r["event_id"],
                    event_title=r["title"],
                    team_id=r["team_id"],
                    occurrence_id=r["occurrence_id"],
                    starts_at=from_ms(r["starts_at"]),
                    recipient_kind=RecipientKind(r["recipient_kind"]),
                    recipient_id=r["recipient_id"],
                    recipient_name=r["recipient_name"],
                    error=r["last_error"],
                    at=from_ms(r["updated_at"]),
                )
                for r in failed
            ),
            empty_audiences=tuple(
                EmptyAudience(
                    event_id=r["id"],
                    team_id=r["team_id"],
                    title=r["title"],
                    organizer_id=r["organizer_id"],
                    status=EventStatus(r["status"]),
                    status_reason=r["status_reason"],
                )
                for r in empty
            ),
            chats_removed=tuple(
                ChatRemoved(r["chat_id"], r["team_id"], r["title"], from_ms(r["updated_at"]))
                for r in chats
            ),
        )

    async def ledger(
        self,
        *,
        occurrence_id: int | None = None,
        event_id: int | None = None,
        status: DeliveryStatus | None = None,
        limit: int,
        offset: int = 0,
    ) -> tuple[list[LedgerRow], int]:
        if (occurrence_id is None) == (event_id is None):
            raise ValueError("the ledger of one occurrence or of one event, not both or none")
        params: list[Any]
        if occurrence_id is not None:
            where, params = ["d.occurrence_id = ?"], [occurrence_id]
        else:
            where = ["d.occurrence_id IN (SELECT id FROM occurrences WHERE event_id = ?)"]
            params = [event_id]
        if status is not None:
            where.append("d.status = ?")
            params.append(status.value)
        base = (
            " FROM deliveries d LEFT JOIN occurrences o ON o.id = d.occurrence_id"
            " LEFT JOIN users u ON d.recipient_kind = 'user' AND u.user_id = d.recipient_id"
            " LEFT JOIN chats c ON d.recipient_kind = 'chat' AND c.chat_id = d.recipient_id"
            " WHERE " + " AND ".join(where)
        )
        # The page with the total beside each row: one statement, unless a page past
        # the end has to count apart.
        rows = await self._all(
            "SELECT d.*, o.starts_at AS occ_at, COALESCE(u.name, c.title) AS recipient_name,"
            f" COUNT(*) OVER () AS total{base}"
            " ORDER BY o.starts_at, d.due_at, recipient_name, d.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        if rows:
            total = int(rows[0]["total"])
        elif offset == 0:
            total = 0
        else:
            found = await self._one(f"SELECT COUNT(*) AS n{base}", params)
            total = 0 if found is None else int(found["n"])
        return [
            LedgerRow(
                delivery_id=r["id"],
                occurrence_id=r["occurrence_id"],
                occurrence_starts_at=opt_dt(r["occ_at"]),
                job_id=r["job_id"],
                kind=DeliveryKind(r["kind"]),
                recipient_kind=RecipientKind(r["recipient_kind"]),
                recipient_id=r["recipient_id"],
                recipient_name=r["recipient_name"],
                status=DeliveryStatus(r["status"]),
                due_at=from_ms(r["due_at"]),
                send_at=from_ms(r["send_at"]),
                sent_at=opt_dt(r["sent_at"]),
                attempts=r["attempts"],
                last_error=r["last_error"],
                skip_reason=r["skip_reason"],
                note=r["note"],
                updated_at=from_ms(r["updated_at"]),
            )
            for r in rows
        ], total

    async def sent_per_hour(self, *, since: datetime) -> dict[datetime, int]:
        rows = await self._all(
            "SELECT sent_at / 3600000 AS hour, COUNT(*) AS n FROM deliveries"
            " WHERE status = 'sent' AND sent_at >= ? GROUP BY sent_at / 3600000",
            (to_ms(since),),
        )
        return {from_ms(int(r["hour"]) * 3_600_000): int(r["n"]) for r in rows}

    async def last_update_at(self) -> datetime | None:
        row = await self._one("SELECT received_at FROM inbox ORDER BY id DESC LIMIT 1")
        return None if row is None else from_ms(row["received_at"])
