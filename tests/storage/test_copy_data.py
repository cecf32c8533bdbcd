"""copy-data: a SQLite database holding every kind of row, built through the services and
the storage port, copied into a real Postgres database; both adapters then give the same
answers to the same reads, ids are kept and sequences moved past them, an interrupted copy
goes on where it stopped, a non-empty target is refused unless told, a changed row is
found by the checksums, and the source file is never changed."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from maxremind.domain.calendar_sources import (
    FetchRecord,
    NewCalendarSource,
    NewCalendarUpload,
    SourceKind,
)
from maxremind.domain.feeds import FeedKind
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    Delivery,
    DeliveryStatus,
    EventKind,
    EventStatus,
    Language,
    QuietHoursSpec,
    ReminderSpec,
    ReminderTarget,
    Role,
)
from maxremind.domain.signing import SECRET_KEY
from maxremind.maxapi.errors import Forbidden, ServerError
from maxremind.services.access import AccessService, secret_hash
from maxremind.services.agenda import AgendaService
from maxremind.services.answers import AnswerService
from maxremind.services.calendar import CalendarService
from maxremind.services.calendar_import import CalendarImport
from maxremind.services.overview import OverviewService
from maxremind.services.teams import TeamService
from maxremind.storage import Storage, open_storage
from maxremind.storage.copy import (
    COPIED,
    NOT_COPIED,
    PROGRESS_KEY,
    CopyRefused,
    ProgressBar,
    copy_data,
    verify_copy,
)
from maxremind.storage.migrations import latest_version
from tests.engine.conftest import START, Clock, assemble
from tests.engine.test_engine import spec
from tests.pg import fresh_postgres_url

ROOT = Path(__file__).resolve().parents[2]


def ics(*events: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "X-WR-CALNAME:Внешний"]
    for event in events:
        body = [line.strip() for line in event.strip().splitlines() if line.strip()]
        lines += ["BEGIN:VEVENT", *body, "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


CALENDAR = ics(
    """
    UID:series-1@example.org
    DTSTAMP:20261101T000000Z
    DTSTART;TZID=Europe/Moscow:20261201T150000
    DTEND;TZID=Europe/Moscow:20261201T160000
    RRULE:FREQ=WEEKLY;COUNT=4
    SUMMARY:Совещание из календаря
    LOCATION:Переговорная 2
    """,
    """
    UID:series-1@example.org
    DTSTAMP:20261101T000000Z
    RECURRENCE-ID;TZID=Europe/Moscow:20261208T150000
    DTSTART;TZID=Europe/Moscow:20261208T170000
    DTEND;TZID=Europe/Moscow:20261208T180000
    SUMMARY:Совещание из календаря (перенесено)
    """,
    """
    UID:once-1@example.org
    DTSTAMP:20261101T000000Z
    DTSTART;TZID=Europe/Moscow:20261203T120000
    SUMMARY:Разовая встреча
    """,
)


@dataclass
class Built:
    """What the reads need to know about the database that was built."""

    team_ids: list[int]
    user_ids: list[int]
    event_ids: list[int]
    feed_tokens: list[str]
    api_secret: str
    message_id: str
    source_ids: list[int]
    owner: int
    member: int


async def build_everything(storage: Storage) -> Built:
    """Every table non-empty, filled the way the product fills it."""
    clock = Clock(START)
    env = await assemble(storage, clock)
    for i in range(1, 6):
        user = await storage.upsert_user(100 + i, name=f"Участник {i}", username=f"m{i}")
        await storage.add_member(env.team_id, user.user_id, Role.MEMBER)
        env.members.append(user.user_id)
    m1, m2, m3, m4, m5 = env.members
    people = TeamService(storage, env.events, clock=clock)
    await people.set_role(env.team_id, env.owner, m1, Role.ADMIN)
    await people.set_role(env.team_id, env.owner, m2, Role.ORGANIZER)
    await storage.update_user(
        m1,
        language=Language.EN,
        timezone="Asia/Yekaterinburg",
        quiet_hours=QuietHoursSpec("22:00", "08:00"),
        current_team_id=env.team_id,
    )
    await storage.set_user_reachable(m5, False, "dialog.denied")
    await storage.update_team(
        env.team_id,
        quiet_hours=QuietHoursSpec("23:00", "07:00"),
        default_reminders=[timedelta(hours=2)],
        default_escalation=[
            ReminderSpec(offset=timedelta(hours=1), target=ReminderTarget.UNANSWERED)
        ],
    )
    other = (
        await people.create_team(
            900, "Другая команда", timezone="Asia/Vladivostok", language=Language.EN
        )
        if await storage.upsert_user(900, name="Someone Else", username=None)
        else None
    )
    assert other is not None

    drivers = await people.create_group(env.team_id, env.owner, "Водители")
    await people.add_to_group(env.team_id, env.owner, drivers.id, [m1, m2, m3])
    store = await people.create_group(env.team_id, env.owner, "Склад")
    await people.add_to_group(env.team_id, env.owner, store.id, [m4])
    duty, _, _ = await people.tag(env.team_id, env.owner, "дежурный", [m3, m4])

    await storage.upsert_chat(-7001, title="Общий чат", chat_type="chat", added_by=env.owner)
    await storage.link_chat(-7001, env.team_id, None)
    await storage.upsert_chat(-7002, title="Чат водителей", chat_type="chat", added_by=m1)
    await storage.link_chat(-7002, env.team_id, drivers.id)
    await storage.upsert_chat(-7003, title="Ушедший чат", chat_type="chat", added_by=m1)
    await storage.deactivate_chat(-7003)

    weekly = await env.events.create(
        spec(
            env,
            title="Планёрка",
            rrule="FREQ=WEEKLY;BYDAY=TH",
            confirm_required=True,
            reminders=(
                ReminderSpec(offset=timedelta(hours=1)),
                ReminderSpec(offset=timedelta(minutes=30), target=ReminderTarget.UNANSWERED),
                ReminderSpec(offset=timedelta(minutes=10), target=ReminderTarget.ORGANIZER_SUMMARY),
            ),
        )
    )
    await env.events.create(
        spec(
            env,
            title="Рейс",
            place="Гараж",
            description="Взять путевые листы",
            duration=timedelta(hours=2),
            audience=(
                AudienceEntry(AudienceKind.GROUP, drivers.id),
                AudienceEntry(AudienceKind.CHAT, -7002),
            ),
        )
    )
    await env.events.create(
        spec(
            env,
            title="Срочно: проверка",
            urgent=True,
            quorum=2,
            confirm_required=True,
            audience=(
                AudienceEntry(AudienceKind.TAG, duty.id),
                AudienceEntry(AudienceKind.MEMBER, m5),
            ),
            reminders=(ReminderSpec(at=START + timedelta(hours=3)),),
        )
    )
    await env.events.create(
        spec(
            env,
            team_id=None,
            organizer_id=m1,
            kind=EventKind.REMINDER,
            title="Позвонить врачу",
            audience=(AudienceEntry(AudienceKind.MEMBER, m1),),
        )
    )
    await env.events.create(
        spec(env, title="Инвентаризация", audience=(AudienceEntry(AudienceKind.GROUP, store.id),))
    )
    called_off = await env.events.create(spec(env, title="Отменённое"))
    await env.events.cancel(called_off.id, actor_id=env.owner)

    env.sender.fail[m4] = Forbidden("dialog.denied", status=403, code="dialog.denied")
    env.sender.fail[m3] = ServerError("boom", status=503)
    await env.run_until(START + timedelta(days=1, hours=1))
    del env.sender.fail[m3]
    await env.run_until(START + timedelta(days=1, hours=2))

    occurrences = await storage.list_occurrences(weekly.id)
    await env.events.cancel_occurrence(weekly.id, occurrences[2].id, actor_id=env.owner)
    await people.delete_group(env.team_id, env.owner, store.id)  # flags "Инвентаризация"

    answers = AnswerService(
        storage, render=env.dispatcher.render, poke=env.engine.poke, clock=clock
    )
    upcoming = occurrences[1].id
    await answers.answer(upcoming, m1, Answer.YES)
    await answers.answer(upcoming, m2, Answer.NO)
    await answers.answer(upcoming, m3, Answer.MAYBE)
    await answers.snooze(upcoming, m2, "15")
    # Insights: a who-came mark, the team's statistics settings, a digest subscriber.
    await storage.set_attendance(upcoming, m1, True, marked_by=env.owner, at=clock())
    await storage.set_insight_settings(
        env.team_id, member_stats=False, digest_weekday=4, at=clock()
    )
    await storage.set_digest_subscription(env.team_id, m2, True, at=clock())

    invite = await people.create_invite(env.team_id, env.owner, group_id=drivers.id, max_uses=3)
    await storage.upsert_user(110, name="Новичок", username="newbie")
    await people.join(110, invite.code)
    spare = await people.create_invite(env.team_id, env.owner, valid_for=timedelta(days=7))
    await people.revoke_invite(env.owner, spare.code)
    await storage.add_audit(
        team_id=None,
        actor_id=None,
        action="instance.note",
        subject="copy",
        details={"ё": 1},
        at=clock(),
    )

    await storage.inbox_add(
        [
            (f"update-{i}", "message_created", json.dumps({"n": i, "text": "привет"}))
            for i in range(4)
        ],
        at=clock(),
    )
    first, second, *_ = await storage.inbox_pending(10)
    await storage.inbox_done(first.id, at=clock())
    await storage.inbox_failed(second.id, error="boom", give_up=True, at=clock())
    out = await storage.outbox_add(
        ['{"a": 1}', '{"b": 2}', '{"c": 3}'], inbox_id=first.id, at=clock()
    )
    await storage.outbox_done(out[1], at=clock(), error="chat gone")
    await storage.outbox_done(out[2], at=clock())
    # Purging the newest outbox rows leaves AUTOINCREMENT's counter above the largest id:
    # the copy must not hand those ids out again.
    await storage.outbox_purge(before=clock() + timedelta(seconds=1))
    await storage.state_set(
        f"dialog:{m1}", json.dumps({"step": "title"}), int(clock().timestamp() * 1000) + 3_600_000
    )
    await storage.set_value("note", "значение")
    assert await storage.claim_press("a-pressed-button", user_id=m1, at=clock())

    access = await AccessService.create(storage, bot_token="bot-token", clock=clock)
    token = await access.login_link(m1)
    await access.redeem_login(token, user_agent="Firefox")
    await access.login_link(m2)  # never used
    _, api_secret = await access.create_api_token(env.owner, env.team_id, "скрипт")
    spare_token, _ = await access.create_api_token(env.owner, env.team_id, "старый")
    await access.revoke_api_token(env.owner, spare_token.id)

    calendar = CalendarService(storage, clock=clock)
    feeds = [
        await calendar.link(m1, FeedKind.PERSONAL),
        await calendar.link(env.owner, FeedKind.TEAM, team_id=env.team_id),
        await calendar.link(m1, FeedKind.GROUP, group_id=drivers.id),
    ]
    importer = CalendarImport(storage, env.events, None, clock=clock)
    upload_source, _ = await importer.upload(env.team_id, env.owner, CALENDAR)
    url_source = await storage.add_calendar_source(
        NewCalendarSource(
            team_id=env.team_id,
            kind=SourceKind.URL,
            created_by=m2,
            group_id=drivers.id,
            name="Рейсы",
            url="https://calendar.example.org/feed.ics",
            refresh_minutes=30,
        ),
        at=clock(),
    )
    await storage.record_calendar_fetch(
        url_source.id,
        FetchRecord(at=clock(), ok=False, error="unreachable", error_detail="timed out"),
    )
    await storage.add_calendar_upload(
        NewCalendarUpload(
            team_id=env.team_id,
            actor_id=env.owner,
            url="https://files.example.org/x.ics",
            language=Language.RU,
            filename="x.ics",
            chat_id=-7001,
        ),
        at=clock(),
    )

    sent = [d for d in await storage.list_deliveries(occurrences[0].id) if d.max_message_id]
    events = await storage.list_events()
    return Built(
        team_ids=[env.team_id, other.id],
        user_ids=sorted({env.owner, *env.members, 110, 900}),
        event_ids=[e.id for e in events],
        feed_tokens=[f.token for f in feeds],
        api_secret=api_secret,
        message_id=sent[0].max_message_id or "",
        source_ids=[upload_source.id, url_source.id],
        owner=env.owner,
        member=m1,
    )


def by_recipient(deliveries: list[Delivery]) -> list[Delivery]:
    """A ledger as its port promises it: by recipient.  Deliveries to one recipient come in
    no promised order (SQLite happens to give them by id, Postgres not), so they are put
    in id order here to be compared."""
    recipients = [(d.recipient_kind, d.recipient_id) for d in deliveries]
    assert recipients == sorted(recipients)
    return sorted(deliveries, key=lambda d: (d.recipient_kind, d.recipient_id, d.id))


async def reads(storage: Storage, built: Built) -> dict[str, Any]:
    """The answers of the storage port and of the services to the same questions."""
    now = START + timedelta(days=1, hours=2)
    clock = Clock(now)
    out: dict[str, Any] = {}
    teams, users = built.team_ids, built.user_ids
    out["teams"] = [await storage.get_team(t) for t in teams]
    out["users"] = await storage.get_users(users)
    out["user names"] = await storage.user_names(users)
    out["by username"] = await storage.find_user_by_username("m3")
    out["teams of"] = {u: await storage.list_teams_of_user(u) for u in users}
    for t in teams:
        out[f"members {t}"] = await storage.list_members(t)
        out[f"member ids {t}"] = await storage.member_ids(t)
        groups = await storage.list_groups(t)
        out[f"groups {t}"] = groups
        out[f"group members {t}"] = [await storage.list_group_members(g.id) for g in groups]
        tags = await storage.list_tags(t)
        out[f"tags {t}"] = tags
        out[f"tag members {t}"] = [await storage.list_tag_members(g.id) for g in tags]
        out[f"groups of {t}"] = [await storage.list_groups_of_member(t, u) for u in users]
        out[f"tags of {t}"] = [await storage.list_tags_of_member(t, u) for u in users]
        out[f"chats {t}"] = await storage.list_chats(t)
        out[f"invites {t}"] = await storage.list_invites(t)
        out[f"audit {t}"] = await storage.list_audit(t)
        out[f"events of team {t}"] = await storage.list_events(team_id=t)
        out[f"sources {t}"] = await storage.list_calendar_sources(t)
        out[f"uploads {t}"] = await storage.list_calendar_uploads(t)
    out["chat"] = await storage.get_chat(-7003)
    out["events"] = await storage.list_events()
    out["flagged"] = await storage.list_events(status=EventStatus.FLAGGED)
    occurrence_ids: list[int] = []
    for e in built.event_ids:
        out[f"event {e}"] = await storage.get_event(e)
        occurrences = await storage.list_occurrences(e)
        out[f"occurrences {e}"] = occurrences
        out[f"audience {e}"] = await storage.audience_people(e)
        out[f"source of {e}"] = await storage.event_calendar_source(e)
        for o in occurrences:
            occurrence_ids.append(o.id)
            jobs = await storage.list_jobs(o.id)
            out[f"jobs {o.id}"] = jobs
            out[f"job deliveries {o.id}"] = [
                by_recipient(await storage.list_job_deliveries(j.id)) for j in jobs
            ]
            out[f"deliveries {o.id}"] = by_recipient(await storage.list_deliveries(o.id))
            out[f"confirmations {o.id}"] = await storage.list_confirmations(o.id)
            out[f"attendance {o.id}"] = await storage.attendance_of(o.id)
    out["with group audience"] = await storage.list_events_with_audience(AudienceKind.TEAM, None)
    out["audience sizes"] = await storage.audience_sizes(built.event_ids)
    out["occurrence counts"] = await storage.occurrence_counts(occurrence_ids)
    out["answers of"] = await storage.answers_of(built.member, occurrence_ids)
    out["count deliveries"] = await storage.count_deliveries()
    out["next due"] = await storage.next_due_at()
    out["due jobs"] = await storage.due_jobs(now=now + timedelta(days=30), limit=1000)
    out["needing plan"] = await storage.events_needing_plan(horizon_end=now + timedelta(days=60))
    out["by message"] = await storage.find_delivery_by_message(built.message_id)
    out["search"] = await storage.search_events(teams, now=now, limit=100)
    out["search text"] = await storage.search_events(teams, now=now, text="ПЛАНЁР", limit=100)
    out["search viewer"] = await storage.search_events(
        teams, now=now, viewer_id=built.member, limit=100
    )
    out["upcoming"] = await storage.upcoming_occurrences(
        teams, after=now, before=now + timedelta(days=30), limit=100
    )
    out["fanouts"] = await storage.fanouts(teams, due_before=now + timedelta(days=30))
    out["problems"] = await storage.problems(teams, now=now, since=START - timedelta(days=1))
    for e in built.event_ids:
        out[f"ledger {e}"] = await storage.ledger(event_id=e, limit=1000)
        out[f"ledger unreachable {e}"] = await storage.ledger(
            event_id=e, status=DeliveryStatus.UNREACHABLE, limit=100
        )
    out["sent per hour"] = await storage.sent_per_hour(since=START - timedelta(days=1))
    for t in teams:
        out[f"insights {t}"] = await storage.insight_ledger(
            t, since=START - timedelta(days=30), until=now + timedelta(days=60)
        )
        out[f"insight settings {t}"] = await storage.get_insight_settings(t)
    out["digest teams"] = await storage.digest_teams()
    out["last update"] = await storage.last_update_at()
    out["kv"] = [await storage.get_value(k) for k in ("note", SECRET_KEY)]
    out["dialog"] = await storage.state_get(f"dialog:{built.member}")
    out["inbox"] = await storage.inbox_pending(100)
    out["outbox"] = await storage.outbox_pending(100)
    out["web sessions"] = await storage.list_web_sessions(built.member, at=now)
    out["api tokens"] = await storage.list_api_tokens(built.owner, include_revoked=True)
    out["api token"] = await storage.find_api_token(secret_hash(built.api_secret))
    out["feeds"] = {u: await storage.list_calendar_feeds(u) for u in users}
    out["due sources"] = await storage.list_due_calendar_sources(now + timedelta(days=1))
    for s in built.source_ids:
        out[f"source {s}"] = await storage.get_calendar_source(s)
        out[f"imported {s}"] = await storage.list_imported(s)
    # The services, as the bot and the web pages call them.
    overview = OverviewService(storage, clock=clock)
    out["dashboard"] = await overview.dashboard(built.owner, teams[0])
    out["events page"] = await overview.events(built.owner, teams[0])
    out["events page member"] = await overview.events(built.member, teams[0])
    out["event pages"] = [await overview.event_detail(built.owner, e) for e in built.event_ids]
    agenda = AgendaService(storage, clock=clock)
    out["agenda"] = [await agenda.upcoming(u, (EventKind.EVENT, EventKind.REMINDER)) for u in users]
    out["roster"] = await TeamService(storage, clock=clock).roster(teams[0])
    calendar = CalendarService(storage, clock=clock)
    feeds = [await calendar.serve(token) for token in built.feed_tokens]
    out["feed bodies"] = [f.body for f in feeds]
    out["feed etags"] = [f.etag for f in feeds]
    return out


def source_digest(path: Path) -> dict[str, str]:
    """The bytes of the database file and of whatever lies beside it."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.parent.iterdir())
        if p.name.startswith(path.name)
    }


@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Built]:
    """One database of every kind of row for the module (building it runs the engine)."""
    path = tmp_path_factory.mktemp("copy") / "maxremind.db"

    async def build() -> Built:
        async with open_storage(f"sqlite:///{path}") as storage:
            return await build_everything(storage)

    return path, asyncio.run(build())


@pytest.fixture
async def target() -> AsyncIterator[str]:
    async with fresh_postgres_url() as url:
        yield url


def reading(path: Path) -> contextlib.closing[sqlite3.Connection]:
    """A connection that reads the file and leaves nothing beside it."""
    return contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True))


def counts(path: Path) -> dict[str, int]:
    with reading(path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COPIED}


def test_the_source_database_holds_every_kind_of_row(built_db: tuple[Path, Built]) -> None:
    empty = [t for t, n in counts(built_db[0]).items() if n == 0]
    assert empty == [], f"tables the test database leaves empty: {empty}"


async def test_both_adapters_answer_alike_after_a_copy(
    built_db: tuple[Path, Built], target: str
) -> None:
    path, built = built_db
    before = source_digest(path)
    report = await copy_data(f"sqlite:///{path}", target, batch_size=7)
    assert report.ok and report.copied == sum(counts(path).values())
    assert [t.table for t in report.tables] == list(COPIED)
    assert all(t.source_rows > 0 for t in report.tables)
    assert source_digest(path) == before  # not a byte changed, nothing created beside it

    async with open_storage(f"sqlite:///{path}") as lite:
        expected = await reads(lite, built)
    async with open_storage(target) as pg:
        got = await reads(pg, built)
    assert got.keys() == expected.keys()
    differ = [key for key in expected if got[key] != expected[key]]
    assert differ == []
    # Spot checks that the reads above are not trivially equal.
    assert len(expected["events"]) >= 7 and expected["flagged"]
    assert expected["count deliveries"][DeliveryStatus.SENT] > 0
    assert expected["count deliveries"][DeliveryStatus.UNREACHABLE] > 0
    assert all(b.startswith(b"BEGIN:VCALENDAR") for b in expected["feed bodies"])


async def test_ids_are_kept_and_new_rows_get_new_ones(
    built_db: tuple[Path, Built], target: str
) -> None:
    path, _ = built_db
    await copy_data(f"sqlite:///{path}", target)
    conn = await asyncpg.connect(target)
    try:
        with reading(path) as db:
            identity_tables = [
                r["table_name"]
                for r in await conn.fetch(
                    "SELECT table_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND is_identity = 'YES'"
                )
            ]
            assert {"teams", "events", "deliveries", "outbox"} <= set(identity_tables)
            for table in identity_tables:
                ids = [r[0] for r in db.execute(f"SELECT id FROM {table} ORDER BY id")]
                copied = [r["id"] for r in await conn.fetch(f"SELECT id FROM {table} ORDER BY id")]
                assert copied == ids, table
            outbox_counter = db.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"
            ).fetchone()[0]
            outbox_max = db.execute("SELECT max(id) FROM outbox").fetchone()[0]
            largest = {
                t: db.execute(f"SELECT max(id) FROM {t}").fetchone()[0] for t in identity_tables
            }
    finally:
        await conn.close()
    assert outbox_counter > outbox_max  # the build purged the newest outbox rows
    async with open_storage(target) as pg:
        team = await pg.create_team("Новая", timezone="UTC", language=Language.RU, created_by=None)
        assert team.id == largest["teams"] + 1
        (item,) = await pg.outbox_add(["{}"], inbox_id=None, at=START)
        assert item == outbox_counter + 1  # never an id SQLite handed out before
        entry = await pg.add_audit(
            team_id=team.id, actor_id=None, action="x", subject="y", at=START
        )
        assert entry.id == largest["audit_log"] + 1


def test_copied_tables_come_after_the_tables_they_refer_to() -> None:
    async def edges() -> list[tuple[str, str]]:
        async with fresh_postgres_url() as url, open_storage(url):
            conn = await asyncpg.connect(url)
            try:
                rows = await conn.fetch(
                    "SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text"
                    " AS parent FROM pg_constraint c WHERE c.contype = 'f'"
                )
            finally:
                await conn.close()
        return [(r["child"], r["parent"]) for r in rows]

    found = asyncio.run(edges())
    assert found
    for child, parent in found:
        assert child in COPIED or child in NOT_COPIED, child
        if child in COPIED and child != parent:
            assert COPIED.index(parent) < COPIED.index(child), (child, parent)


async def test_every_table_of_both_schemas_is_copied_or_left_out_on_purpose(
    tmp_path: Path, target: str
) -> None:
    async with open_storage(f"sqlite:///{tmp_path / 'm.db'}"), open_storage(target):
        pass
    with reading(tmp_path / "m.db") as db:
        lite = {
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
    conn = await asyncpg.connect(target)
    try:
        pg = {
            r[0]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            )
        }
    finally:
        await conn.close()
    known = set(COPIED) | set(NOT_COPIED)
    assert lite <= known and pg <= known, (lite | pg) - known
    assert set(COPIED) <= lite & pg


class Crash(Exception):
    pass


class CrashAfter:
    """Progress that stops the copy after ``batches`` committed batches, like a kill."""

    def __init__(self, batches: int) -> None:
        self.left = batches
        self.rows = 0

    def start(self, phase: str, total: int, done: int = 0) -> None:
        pass

    def advance(self, rows: int, table: str) -> None:
        self.rows += rows
        self.left -= 1
        if self.left == 0:
            raise Crash(table)

    def finish(self) -> None:
        pass


async def test_an_interrupted_copy_goes_on_where_it_stopped(
    built_db: tuple[Path, Built], target: str
) -> None:
    path, _ = built_db
    url = f"sqlite:///{path}"
    total = sum(counts(path).values())
    crash = CrashAfter(batches=9)
    with pytest.raises(Crash) as stopped:
        await copy_data(url, target, batch_size=5, progress=crash)
    assert str(stopped.value) != "kv"  # it stopped in the middle of the tables
    with pytest.raises(CopyRefused, match="--resume"):
        await copy_data(url, target)
    halfway = await verify_copy(url, target)
    assert not halfway.ok and "--resume" in "\n".join(halfway.lines())

    report = await copy_data(url, target, resume=True, batch_size=5)
    assert report.ok and report.resumed
    assert report.copied == total - crash.rows  # nothing copied twice, nothing skipped
    conn = await asyncpg.connect(target)
    try:
        assert await conn.fetchval("SELECT count(*) FROM kv WHERE key = $1", PROGRESS_KEY) == 0
    finally:
        await conn.close()
    with pytest.raises(CopyRefused, match="no interrupted copy"):
        await copy_data(url, target, resume=True)


async def test_a_non_empty_target_is_refused_unless_forced(
    built_db: tuple[Path, Built], target: str
) -> None:
    path, _ = built_db
    url = f"sqlite:///{path}"
    async with open_storage(target) as pg:
        await pg.set_value("already", "here")
    with pytest.raises(CopyRefused, match=r"not empty .*kv.*--force"):
        await copy_data(url, target)
    told: list[str] = []
    report = await copy_data(url, target, force=True, notice=told.append)
    assert report.ok
    assert told and "deleting 1 rows" in told[0] and "kv" not in told[0].split("before")[1]
    async with open_storage(target) as pg:
        assert await pg.get_value("already") is None


async def test_a_changed_row_is_found_by_the_checksums(
    built_db: tuple[Path, Built], target: str
) -> None:
    path, built = built_db
    url = f"sqlite:///{path}"
    assert (await copy_data(url, target)).ok
    conn = await asyncpg.connect(target)
    try:
        await conn.execute("UPDATE users SET name = 'Подмена' WHERE user_id = $1", built.member)
        await conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    finally:
        await conn.close()
    report = await verify_copy(url, target)
    assert not report.ok
    bad = {t.table: t for t in report.tables if not t.ok}
    assert set(bad) == {"users", "audit_log"}
    assert bad["users"].source_rows == bad["users"].target_rows
    assert bad["audit_log"].target_rows == bad["audit_log"].source_rows - 1
    assert "verification FAILED: 2 of" in report.lines()[-1]


async def test_a_source_at_an_older_schema_is_refused_and_left_alone(
    tmp_path: Path, target: str
) -> None:
    path = tmp_path / "old.db"
    async with open_storage(f"sqlite:///{path}"):
        pass
    db = sqlite3.connect(path)
    with db:
        db.execute("DELETE FROM schema_migrations WHERE version = ?", (latest_version("sqlite"),))
    db.close()
    before = source_digest(path)
    with pytest.raises(CopyRefused, match="maxremind migrate --db-url sqlite:///"):
        await copy_data(f"sqlite:///{path}", target)
    assert source_digest(path) == before


async def test_unknown_tables_are_refused_and_runtime_tables_are_not_copied(
    tmp_path: Path, target: str
) -> None:
    path = tmp_path / "m.db"
    async with open_storage(f"sqlite:///{path}") as lite:
        await lite.set_value("k", "v")
    async with open_storage(target):
        pass
    conn = await asyncpg.connect(target)
    try:
        # The worker registry (its own migration; made here if this tree has none yet).
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS workers (owner TEXT PRIMARY KEY, host TEXT NOT NULL,"
            " pid BIGINT NOT NULL, started_at BIGINT NOT NULL, heartbeat_at BIGINT NOT NULL)"
        )
        await conn.execute(
            "INSERT INTO workers (owner, host, pid, started_at, heartbeat_at)"
            " VALUES ('host:1', 'host', 1, 1, 1)"
        )
        report = await copy_data(f"sqlite:///{path}", target, force=True)
        assert report.ok and "workers" not in {t.table for t in report.tables}
        assert await conn.fetchval("SELECT count(*) FROM workers") == 1  # left as it was
        await conn.execute("CREATE TABLE reminders_archive (id BIGINT PRIMARY KEY)")
        with pytest.raises(CopyRefused, match="Postgres database has tables copy-data does not"):
            await copy_data(f"sqlite:///{path}", target, force=True)
        await conn.execute("DROP TABLE reminders_archive")
    finally:
        await conn.close()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    db.close()
    with pytest.raises(CopyRefused, match=r"SQLite database has tables .*\(notes\)"):
        await copy_data(f"sqlite:///{path}", target, force=True)


async def test_bad_urls_and_missing_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CopyRefused, match="--from must be a SQLite URL"):
        await copy_data("postgresql://x@127.0.0.1/db", "postgresql://x@127.0.0.1/db")
    with pytest.raises(CopyRefused, match="--to must be a PostgreSQL URL"):
        await copy_data(f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}")
    with pytest.raises(CopyRefused, match="there is no SQLite database at"):
        await copy_data(f"sqlite:///{tmp_path / 'none.db'}", "postgresql://x@127.0.0.1:1/db")
    (tmp_path / "text.db").write_text("hello")
    with pytest.raises(CopyRefused, match="is not a SQLite database"):
        await copy_data(f"sqlite:///{tmp_path / 'text.db'}", "postgresql://x@127.0.0.1:1/db")


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "maxremind", "copy-data", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("MAXREMIND_")} | (env or {}),
    )


def test_the_command_copies_and_prints_the_report(
    built_db: tuple[Path, Built], tmp_path: Path
) -> None:
    path, _ = built_db

    async def run() -> None:
        async with fresh_postgres_url() as url:
            proc = cli("--from", f"sqlite:///{path}", "--to", url)
            out, err = await asyncio.to_thread(proc.communicate, timeout=120)
            assert proc.returncode == 0, err
            lines = out.splitlines()
            assert lines[0].split() == ["table", "rows", "checksum"]
            assert len(lines) == len(COPIED) + 2
            assert all(line.endswith(" ok") for line in lines[1:-1])
            assert lines[-1].startswith(f"verified: {len(COPIED)} tables")
            assert "copying: " in err and "verifying: " in err  # progress, not a terminal
            again = cli("--from", f"sqlite:///{path}", "--to", url)
            _, err = await asyncio.to_thread(again.communicate, timeout=60)
            assert again.returncode == 1
            assert err.count("\n") == 1 and "not empty" in err
            check = cli("--from", f"sqlite:///{path}", "--to", url, "--verify-only")
            out, _ = await asyncio.to_thread(check.communicate, timeout=60)
            assert check.returncode == 0 and out.splitlines()[-1].startswith("verified")

    asyncio.run(run())


def test_a_killed_copy_resumes_from_where_it_died(tmp_path: Path) -> None:
    path = tmp_path / "big.db"

    async def run() -> None:
        async with open_storage(f"sqlite:///{path}") as lite:
            for chunk in range(6):
                await lite.inbox_add(
                    [(f"u{chunk}-{i}", "message_created", "{}") for i in range(1000)], at=START
                )
            await lite.add_audit(team_id=None, actor_id=None, action="a", subject="b", at=START)
        async with fresh_postgres_url() as url:
            proc = cli("--from", f"sqlite:///{path}", "--to", url, "--batch-size", "20")
            conn = await asyncpg.connect(url)
            try:
                copied = 0
                for _ in range(1500):
                    await asyncio.sleep(0.01)
                    if await conn.fetchval("SELECT to_regclass('inbox') IS NOT NULL"):
                        copied = await conn.fetchval("SELECT count(*) FROM inbox")
                        if copied >= 100:
                            break
                assert 100 <= copied < 6000, copied
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                mark = json.loads(
                    await conn.fetchval("SELECT value FROM kv WHERE key = $1", PROGRESS_KEY)
                )
                assert "inbox" in mark["last"]
            finally:
                await conn.close()
            refused = cli("--from", f"sqlite:///{path}", "--to", url)
            _, err = await asyncio.to_thread(refused.communicate, timeout=60)
            assert refused.returncode == 1 and "--resume" in err
            resumed = cli("--from", f"sqlite:///{path}", "--to", url, "--resume")
            out, err = await asyncio.to_thread(resumed.communicate, timeout=120)
            assert resumed.returncode == 0, err
            assert "resuming the copy" in err
            assert "inbox" in out and out.splitlines()[-1].startswith("verified")

    asyncio.run(run())


async def test_committed_writes_still_in_the_write_ahead_log_are_copied(
    tmp_path: Path, target: str
) -> None:
    path = tmp_path / "m.db"
    async with open_storage(f"sqlite:///{path}") as lite:
        await lite.set_value("checkpointed", "1")
    # A maxremind killed with writes not yet folded into the file: they live in -wal.
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("INSERT INTO kv VALUES ('only in the log', 'значение', 0)")
        assert (tmp_path / "m.db-wal").stat().st_size > 0
        kept = {n: d for n, d in source_digest(path).items() if not n.endswith("-shm")}
        report = await copy_data(f"sqlite:///{path}", target)
        assert report.ok
        assert {n: d for n, d in source_digest(path).items() if not n.endswith("-shm")} == kept
    finally:
        writer.close()
    async with open_storage(target) as pg:
        assert await pg.get_value("only in the log") == "значение"


async def test_a_value_postgres_cannot_take_is_named_and_the_copy_stops_before_it(
    tmp_path: Path, target: str
) -> None:
    path = tmp_path / "m.db"
    async with open_storage(f"sqlite:///{path}") as lite:
        for i in range(3):
            await lite.upsert_user(500 + i, name=f"U{i}", username=None)
    db = sqlite3.connect(path)
    with db:  # SQLite keeps what it is given, whatever the column's type says
        db.execute("UPDATE users SET reachable = 'yes' WHERE user_id = 502")
    db.close()
    with pytest.raises(CopyRefused) as refused:
        await copy_data(f"sqlite:///{path}", target, batch_size=2)
    message = str(refused.value)
    assert "table users, row [502]: column reachable holds 'yes'" in message
    assert "an integer" in message
    conn = await asyncpg.connect(target)
    try:  # the batch before it is in, the record says so
        assert await conn.fetchval("SELECT count(*) FROM users") == 2
        mark = json.loads(await conn.fetchval("SELECT value FROM kv WHERE key = $1", PROGRESS_KEY))
        assert mark["last"] == {"users": [501]}
    finally:
        await conn.close()


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_elsewhere() -> None:
    clock = Ticks()
    out = io.StringIO()
    bar = ProgressBar(out, tty=True, clock=clock)
    bar.start("copying", 1000)
    for _ in range(4):
        clock.now += 0.2
        bar.advance(250, "deliveries")
    bar.finish()
    frames = out.getvalue().split("\r")[1:]
    assert frames[0].startswith("copying   [" + "." * 30 + "]   0%  0/1,000")
    assert "[" + "#" * 15 + "." * 15 + "]  50%  500/1,000  deliveries" in frames[2]
    assert frames[-1].startswith("copying   [" + "#" * 30 + "] 100%  1,000/1,000  0.8 s")
    assert out.getvalue().endswith("\n") and out.getvalue().count("\n") == 1

    clock.now = 0.0
    out = io.StringIO()
    lines = ProgressBar(out, tty=False, every=5.0, clock=clock)
    lines.start("verifying", 10_000)
    for _ in range(10):
        clock.now += 1.0
        lines.advance(1000, "inbox")
    lines.finish()
    assert out.getvalue().splitlines() == [
        "verifying: 5,000 of 10,000 rows (50%), now inbox",
        "verifying: 10,000 of 10,000 rows (100%), now inbox",
        "verifying: 10,000 of 10,000 rows (100%) in 10.0 s",
    ]
