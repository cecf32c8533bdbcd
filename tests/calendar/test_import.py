"""Importing calendars: exports in the style of Google, Outlook and Yandex read right
(overrides, EXDATEs, RDATEs, Windows zone names, all-day events, cancellations), bad
files refused, and the service applying them to a real SQLite file: created, changed,
cancelled, removed from the source (cancelled with a notice to those already reminded),
read-only while a feed owns them, and our own export imported back the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from maxremind.calendar.fetch import Fetched
from maxremind.calendar.ics import event_to_ics
from maxremind.calendar.importer import (
    ALL_DAY_TIME,
    MAX_INSTANCES,
    ImportedItem,
    ImportRejected,
    parse_calendar,
    zone_for,
)
from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    DeliveryKind,
    DeliveryStatus,
    EventStatus,
    Language,
    NewEvent,
    ReminderSpec,
    ReminderTarget,
)
from maxremind.domain.recurrence import expand
from maxremind.domain.rrule import Recurrence, parse_exdates
from maxremind.services.calendar_import import CalendarImport, ImportRefused
from maxremind.services.errors import EventRejected, NotFound, PermissionDenied
from tests.engine.conftest import Env

FIXTURES = Path(__file__).parent / "fixtures"
MARCH = datetime(2031, 3, 1, 6, 0, tzinfo=UTC)  # the fixtures' "now": 09:00 in Moscow


def read(name: str, now: datetime = MARCH, zone: str = "Europe/Moscow") -> Any:
    return parse_calendar((FIXTURES / name).read_bytes(), zone=zone, now=now)


def by_title(items: tuple[ImportedItem, ...], title: str) -> list[ImportedItem]:
    return [i for i in items if i.title == title]


def one(items: tuple[ImportedItem, ...], title: str, *, cancelled: bool = False) -> ImportedItem:
    found = [i for i in by_title(items, title) if i.cancelled is cancelled]
    assert len(found) == 1, [i.title for i in items]
    return found[0]


def ics(*events: str, name: str = "Тест") -> bytes:
    """A calendar of VEVENTs given as their lines (indentation and line ends free)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", f"X-WR-CALNAME:{name}"]
    for event in events:
        body = [line.strip() for line in event.strip().splitlines() if line.strip()]
        lines += ["BEGIN:VEVENT", *body, "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


# --- reading exports ---------------------------------------------------------------------


def test_google_series_with_a_moved_and_a_cancelled_date() -> None:
    parsed = read("google.ics")
    assert parsed.name == "Отдел продаж"
    assert parsed.problems == ()
    series = one(parsed.items, "Планёрка")
    assert series.key == ""
    assert series.rrule == "FREQ=WEEKLY;BYDAY=MO"
    assert (series.start_local, series.timezone) == (datetime(2031, 3, 3, 10), "Europe/Moscow")
    assert series.duration == timedelta(hours=1)
    assert series.place == "Переговорная 3"
    assert series.description == "Еженедельная планёрка.\nПовестка в чате."
    # Google writes the overrides without an EXDATE: both dates leave the series.
    assert series.exdates == ("2031-03-17", "2031-03-24")
    assert series.alarms == (timedelta(minutes=30),)
    moved = one(parsed.items, "Планёрка (перенесена на вторник)")
    assert moved.uid == series.uid and moved.key == "20310317T070000Z"
    assert moved.start_local == datetime(2031, 3, 18, 12) and moved.rrule is None
    assert moved.sequence == 3
    cancelled = [i for i in parsed.items if i.uid == series.uid and i.cancelled]
    assert [i.key for i in cancelled] == ["20310324T070000Z"]


def test_google_zones_all_day_and_cancelled_events() -> None:
    parsed = read("google.ics")
    holiday = one(parsed.items, "Поздравить коллег с 8 Марта")
    assert holiday.all_day and holiday.rrule == "FREQ=YEARLY"
    assert holiday.start_local == datetime.combine(date(2031, 3, 8), ALL_DAY_TIME)
    assert holiday.timezone == "Europe/Moscow" and holiday.duration is None
    berlin = one(parsed.items, "Стендап с берлинским офисом")
    assert berlin.timezone == "Europe/Berlin"
    assert berlin.exdates == ("2031-03-22", "2031-03-23")
    new_york = one(parsed.items, "Созвон с Нью-Йорком")
    assert new_york.timezone == "America/New_York"
    assert new_york.rrule == "FREQ=WEEKLY;BYDAY=WE;UNTIL=20310402T125959Z"
    utc = one(parsed.items, "Звонок поставщику")  # 07:00Z is 10:00 in the team's Moscow
    assert (utc.start_local, utc.timezone) == (datetime(2031, 3, 5, 10), "Europe/Moscow")
    assert one(parsed.items, "Встреча с клиентом", cancelled=True)


@pytest.mark.parametrize("title", ["Стендап с берлинским офисом", "Созвон с Нью-Йорком"])
def test_series_across_dst_match_an_independent_expansion(title: str) -> None:
    """Our recurrence, fed what was imported, gives the instants dateutil gives from the
    source itself (the Berlin series crosses 30 March, New York's 9 March)."""
    from icalendar import Calendar

    item = one(read("google.ics").items, title)
    source = next(
        e
        for e in Calendar.from_ical((FIXTURES / "google.ics").read_bytes()).walk("VEVENT")
        if str(e["summary"]) == title
    )
    start = source["dtstart"].dt
    parts = dict(source["rrule"])
    until = parts.pop("UNTIL", [datetime.max.replace(tzinfo=UTC)])[0]  # applied below
    rule = rrulestr(type(source["rrule"])(parts).to_ical().decode(), dtstart=start)
    skipped = {d.dt for x in source.get("exdate", []) for d in x.dts}
    theirs = [w.astimezone(UTC) for w in rule.between(start, until, inc=True) if w not in skipped]
    theirs = theirs[:15]
    tz = ZoneInfo(item.timezone)
    ours = [
        o.at
        for o in expand(
            item.start_local,
            tz,
            item.rrule,
            parse_exdates(item.exdates),
            after=MARCH,
            before=MARCH + timedelta(days=60),
        )
    ][:15]
    assert ours == theirs
    assert len({t.utcoffset() for t in ours}) == 1  # all UTC; the local offset moved
    assert len({o.astimezone(tz).utcoffset() for o in ours}) == 2  # across the DST switch


def test_outlook_windows_zone_names_and_custom_zones() -> None:
    parsed = read("outlook.ics")
    meeting = one(parsed.items, "Совещание отдела")
    assert meeting.timezone == "Europe/Moscow"  # "Russian Standard Time"
    assert meeting.rrule == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20310429T110000Z"
    # Outlook's EXDATE list, and the date its override moved.
    assert meeting.exdates == ("2031-03-11", "2031-03-18", "2031-03-25")
    assert meeting.alarms == (timedelta(minutes=15),)
    moved = one(parsed.items, "Совещание отдела (в среду)")
    assert moved.start_local == datetime(2031, 3, 26, 16) and moved.timezone == "Europe/Moscow"
    frankfurt = one(parsed.items, "Обзор с франкфуртским офисом")
    assert frankfurt.timezone == "Europe/Berlin"  # "W. Europe Standard Time"
    seminar = one(parsed.items, "Выездной семинар")
    assert seminar.all_day and seminar.start_local == datetime(2031, 3, 10, 9)
    # A custom VTIMEZONE that keeps Moscow's offsets is the team's zone, rule kept.
    custom = one(parsed.items, "Разбор заявок")
    assert (custom.timezone, custom.rrule) == ("Europe/Moscow", "FREQ=DAILY;COUNT=3")
    # One that does not: a one-off event still lands at its exact instant.
    yekaterinburg = one(parsed.items, "Звонок в Екатеринбург")
    assert yekaterinburg.start_local == datetime(2031, 3, 7, 8)  # 10:00 +05 = 08:00 MSK
    # An unknown zone: that event is reported, the others are imported.
    [problem] = parsed.problems
    assert (problem.title, problem.reason) == ("Встреча на Марсе", "unknown_timezone")
    assert problem.detail == "Mars Standard Time"
    assert not by_title(parsed.items, "Встреча на Марсе")


def test_yandex_rdates_overrides_and_a_rule_we_expand() -> None:
    parsed = read("yandex.ics")
    assert parsed.name == "Волонтёры"
    food = one(parsed.items, "Раздача продуктов")
    assert food.rrule == "FREQ=MONTHLY;BYDAY=1SA"
    assert food.exdates == ("2031-04-05", "2031-05-03")
    assert food.place == "ул. Ленина, 1"
    sunday = one(parsed.items, "Раздача продуктов (воскресенье)")
    assert sunday.start_local == datetime(2031, 4, 6, 12)
    training = by_title(parsed.items, "Обучение новичков")
    assert [(i.start_local, i.timezone) for i in training] == [
        (datetime(2031, 3, 10, 18), "Asia/Yekaterinburg"),
        (datetime(2031, 3, 17, 18), "Asia/Yekaterinburg"),
        (datetime(2031, 3, 24, 19), "Asia/Yekaterinburg"),
    ]
    assert len({i.key for i in training}) == 3
    # BYMONTHDAY=1,15 is outside our model: one-off dates up to the horizon, noted.
    reports = by_title(parsed.items, "Отчёт координатору")
    assert [i.start_local.day for i in reports[:4]] == [1, 15, 1, 15]
    assert all(i.rrule is None for i in reports)
    assert reports[-1].start_local < datetime(2031, 9, 1)
    [note] = parsed.notes
    assert note.reason == "expanded" and note.title == "Отчёт координатору"
    floating = one(parsed.items, "Уборка склада")
    assert (floating.start_local, floating.timezone) == (datetime(2031, 3, 12, 10), "Europe/Moscow")
    assert one(parsed.items, "Отменённая акция", cancelled=True)


def test_floating_times_follow_the_team_zone() -> None:
    parsed = read("yandex.ics", zone="Asia/Yekaterinburg")
    assert one(parsed.items, "Уборка склада").timezone == "Asia/Yekaterinburg"


@pytest.mark.parametrize(
    ("tzid", "zone"),
    [
        ("Europe/Moscow", "Europe/Moscow"),
        ("Russian Standard Time", "Europe/Moscow"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Eastern Standard Time", "America/New_York"),
        ("Ekaterinburg Standard Time", "Asia/Yekaterinburg"),
        ("India Standard Time", "Asia/Kolkata"),
        ("/mozilla.org/20050126_1/Europe/Moscow", "Europe/Moscow"),
        ("Mars Standard Time", None),
        ("Europe", None),
    ],
)
def test_zone_names(tzid: str, zone: str | None) -> None:
    assert zone_for(tzid) == zone


def test_an_endless_rule_we_cannot_keep_stops_at_the_horizon() -> None:
    parsed = parse_calendar(
        ics(
            """UID:twice-a-day
            SUMMARY:Обход
            DTSTART;TZID=Europe/Moscow:20310301T090000
            RRULE:FREQ=DAILY;BYHOUR=9,18"""
        ),
        zone="Europe/Moscow",
        now=MARCH,
    )
    assert len(parsed.items) == MAX_INSTANCES
    assert parsed.items[0].start_local == datetime(2031, 3, 1, 9)
    assert parsed.items[1].start_local == datetime(2031, 3, 1, 18)
    assert parsed.notes[0].reason == "expanded"


def test_rules_more_often_than_daily_are_refused_per_event() -> None:
    parsed = parse_calendar(
        ics(
            """UID:minutely
            SUMMARY:Каждую минуту
            DTSTART:20310301T090000Z
            RRULE:FREQ=MINUTELY""",
            """UID:fine
            SUMMARY:Нормальное
            DTSTART:20310302T090000Z""",
        ),
        zone="Europe/Moscow",
        now=MARCH,
    )
    assert [(p.uid, p.reason) for p in parsed.problems] == [("minutely", "too_frequent")]
    assert [i.uid for i in parsed.items] == ["fine"]


def test_a_broken_date_is_reported_and_the_rest_imported() -> None:
    parsed = parse_calendar(
        ics(
            "UID:broken\r\nSUMMARY:Сломано\r\nDTSTART:2031031", "UID:ok\r\nDTSTART:20310302T090000Z"
        ),
        zone="Europe/Moscow",
        now=MARCH,
    )
    assert [(p.title, p.reason) for p in parsed.problems] == [("Сломано", "bad_date")]
    assert [i.uid for i in parsed.items] == ["ok"]


def test_bad_files_are_refused_whole() -> None:
    with pytest.raises(ImportRejected) as caught:
        parse_calendar(b"<!DOCTYPE html><html>Sign in</html>", zone="UTC", now=MARCH)
    assert caught.value.reason == "not_calendar"
    with pytest.raises(ImportRejected) as caught:
        parse_calendar(b"BEGIN:VCALENDAR\r\n" + b"x" * 100, zone="UTC", now=MARCH, max_bytes=50)
    assert caught.value.reason == "too_large"
    many = ics(*(f"UID:{n}\r\nDTSTART:20310302T090000Z" for n in range(11)))
    with pytest.raises(ImportRejected) as caught:
        parse_calendar(many, zone="UTC", now=MARCH, max_events=10)
    assert caught.value.reason == "too_many_events"
    assert len(parse_calendar(many, zone="UTC", now=MARCH, max_events=11).items) == 11


# --- the service on a real database --------------------------------------------------------


class Feed:
    """A fetcher that answers what the test put in it."""

    def __init__(self) -> None:
        self.body = b""

    async def fetch(self, url: str, **_: Any) -> Fetched:
        return Fetched(self.body, etag=None)


def importer(env: Env, feed: Feed | None = None) -> CalendarImport:
    return CalendarImport(env.storage, env.events, feed or Feed(), clock=env.clock)


async def test_upload_creates_events_with_the_team_defaults(env: Env) -> None:
    env.clock.now = MARCH
    calendar = importer(env)
    source, report = await calendar.upload(
        env.team_id, env.owner, (FIXTURES / "google.ics").read_bytes()
    )
    assert source.name == "Отдел продаж"
    # Series, moved date, all-day, Berlin, New York, UTC one-off; cancelled ones are not made.
    assert (report.created, report.cancelled, report.problems) == (6, 0, [])
    events = {e.title: e for e in await env.storage.list_events(team_id=env.team_id)}
    series = events["Планёрка"]
    assert series.rrule == "FREQ=WEEKLY;BYDAY=MO" and series.exdates == ("2031-03-17", "2031-03-24")
    assert series.organizer_id == env.owner
    # The team has no defaults of its own: a day before and an hour before.
    assert sorted(r.offset for r in series.reminders) == [timedelta(hours=1), timedelta(days=1)]
    assert "Встреча с клиентом" not in events
    # The same file again changes nothing.
    _, again = await calendar.upload(env.team_id, env.owner, (FIXTURES / "google.ics").read_bytes())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)


async def test_imported_events_take_the_team_defaults_when_set(env: Env) -> None:
    env.clock.now = MARCH
    await env.storage.update_team(
        env.team_id,
        default_reminders=(timedelta(hours=3),),
        default_escalation=(
            ReminderSpec(offset=timedelta(hours=1), target=ReminderTarget.UNANSWERED),
        ),
    )
    await importer(env).upload(env.team_id, env.owner, (FIXTURES / "yandex.ics").read_bytes())
    [event] = [
        e for e in await env.storage.list_events(team_id=env.team_id) if e.title == "Уборка склада"
    ]
    assert sorted((r.offset, r.target) for r in event.reminders) == [
        (timedelta(hours=1), ReminderTarget.UNANSWERED),
        (timedelta(hours=3), ReminderTarget.ALL),
    ]
    assert event.confirm_required


async def test_a_changed_and_a_cancelled_event_in_a_new_upload(env: Env) -> None:
    env.clock.now = MARCH
    calendar = importer(env)
    first = ics(
        "UID:a\r\nSUMMARY:Склад\r\nDTSTART;TZID=Europe/Moscow:20310310T100000",
        "UID:b\r\nSUMMARY:Обучение\r\nDTSTART;TZID=Europe/Moscow:20310311T100000",
    )
    await calendar.upload(env.team_id, env.owner, first)
    second = ics(
        "UID:a\r\nSUMMARY:Склад (перенос)\r\nDTSTART;TZID=Europe/Moscow:20310312T150000\r\nSEQUENCE:1",
        "UID:b\r\nSUMMARY:Обучение\r\nDTSTART;TZID=Europe/Moscow:20310311T100000\r\nSTATUS:CANCELLED",
    )
    _, report = await calendar.upload(env.team_id, env.owner, second)
    assert (report.updated, report.cancelled, report.created) == (1, 1, 0)
    events = {e.title: e for e in await env.storage.list_events(team_id=env.team_id)}
    assert events["Склад (перенос)"].start_local == datetime(2031, 3, 12, 15)
    assert events["Обучение"].status is EventStatus.CANCELLED
    # An upload owns nothing: the team may edit what it brought.
    edited = await env.events.update(
        events["Склад (перенос)"].id,
        _spec_of(events["Склад (перенос)"], title="Склад, своими словами"),
        actor_id=env.owner,
    )
    assert edited.title == "Склад, своими словами"


async def test_only_organizers_import_and_only_into_their_own_groups(env: Env) -> None:
    data = (FIXTURES / "yandex.ics").read_bytes()
    with pytest.raises(PermissionDenied):
        await importer(env).upload(env.team_id, env.members[0], data)
    other = await env.storage.create_team(
        "Чужая", timezone="UTC", language=Language.RU, created_by=env.owner
    )
    group = await env.storage.create_group(other.id, "Их группа")
    with pytest.raises(NotFound):
        await importer(env).upload(env.team_id, env.owner, data, group_id=group.id)
    with pytest.raises(ImportRefused) as caught:
        await importer(env).upload(env.team_id, env.owner, b"not a calendar")
    assert caught.value.reason == "not_calendar"


async def test_feed_changes_apply_and_removed_events_are_cancelled_with_a_notice(env: Env) -> None:
    """The feed's event tomorrow: people get the hour-before reminder, then the event
    vanishes from the feed; it is cancelled and those reminded are told."""
    feed = Feed()
    calendar = importer(env, feed)
    tomorrow = "DTSTART;TZID=Europe/Moscow:20261126T100000\r\nDURATION:PT1H"
    feed.body = ics(
        f"UID:meet\r\nSUMMARY:Планёрка\r\n{tomorrow}",
        f"UID:other\r\nSUMMARY:Обучение\r\n{tomorrow}",
    )
    refresh = await calendar.subscribe(env.team_id, env.owner, "https://calendar.example/feed.ics")
    assert refresh.status == "applied" and refresh.report is not None
    assert refresh.report.created == 2
    source = refresh.source
    events = {e.title: e for e in await env.storage.list_events(team_id=env.team_id)}
    meet = events["Планёрка"]

    # Read-only while the feed owns it, for its organizer too.
    with pytest.raises(EventRejected) as caught:
        await env.events.update(meet.id, _spec_of(meet, title="Моё"), actor_id=env.owner)
    assert caught.value.reason == "from_calendar"
    with pytest.raises(EventRejected):
        await env.events.cancel(meet.id, actor_id=env.owner)
    assert (await calendar.source_of(meet.id)) == source

    # A change in the feed comes through.
    feed.body = ics(
        f"UID:meet\r\nSUMMARY:Планёрка у директора\r\n{tomorrow}\r\nSEQUENCE:1",
        f"UID:other\r\nSUMMARY:Обучение\r\n{tomorrow}",
    )
    changed = await calendar.refresh(source.id, actor_id=env.owner)
    assert changed.report is not None and (changed.report.updated, changed.report.unchanged) == (
        1,
        1,
    )
    assert (await env.storage.get_event(meet.id)).title == "Планёрка у директора"

    # The hour-before reminder goes out (09:00 MSK = 06:00 UTC).
    await env.run_until(datetime(2026, 11, 26, 6, 5, tzinfo=UTC))
    reminded = {s.user_id for s in env.sender.sent}
    assert set(env.members) <= reminded
    env.sender.sent.clear()

    # Gone from the feed: cancelled, and everyone reminded is told (the one who
    # subscribed, as the canceller, is not).
    feed.body = ics(f"UID:other\r\nSUMMARY:Обучение\r\n{tomorrow}")
    gone = await calendar.refresh(source.id)
    assert gone.report is not None
    assert (gone.report.cancelled, gone.report.notified) == (1, len(env.members))
    assert (await env.storage.get_event(meet.id)).status is EventStatus.CANCELLED
    await env.run()
    told = {s.user_id for s in env.sender.sent}
    assert told == set(env.members)
    occurrence = (await env.storage.list_occurrences(meet.id))[0]
    notices = [
        d
        for d in await env.storage.list_deliveries(occurrence.id)
        if d.kind is DeliveryKind.CANCELLED
    ]
    assert {d.status for d in notices} == {DeliveryStatus.SENT}
    # The other event is untouched; the removed one is not brought back or re-cancelled.
    again = await calendar.refresh(source.id)
    assert again.report is not None and (again.report.cancelled, again.report.created) == (0, 0)

    # Removing the subscription hands the events back to the team.
    await calendar.remove(env.team_id, source.id, env.owner)
    other = events["Обучение"]
    saved = await env.events.update(other.id, _spec_of(other, title="Своё"), actor_id=env.owner)
    assert saved.title == "Своё"


async def test_an_empty_feed_is_taken_as_broken(env: Env) -> None:
    feed = Feed()
    calendar = importer(env, feed)
    feed.body = ics("UID:meet\r\nSUMMARY:Планёрка\r\nDTSTART;TZID=Europe/Moscow:20261126T100000")
    refresh = await calendar.subscribe(env.team_id, env.owner, "webcal://calendar.example/x")
    assert refresh.source.url == "https://calendar.example/x"
    feed.body = ics()
    broken = await calendar.refresh(refresh.source.id)
    assert broken.status == "failed" and broken.source.last_error == "empty"
    [event] = await env.storage.list_events(team_id=env.team_id)
    assert event.status is EventStatus.ACTIVE


async def test_an_unreadable_event_keeps_what_it_imported_before(env: Env) -> None:
    feed = Feed()
    calendar = importer(env, feed)
    feed.body = ics("UID:meet\r\nSUMMARY:Планёрка\r\nDTSTART;TZID=Europe/Moscow:20261126T100000")
    refresh = await calendar.subscribe(env.team_id, env.owner, "https://calendar.example/x")
    feed.body = ics("UID:meet\r\nSUMMARY:Планёрка\r\nDTSTART;TZID=Mars/Base:20261126T100000")
    after = await calendar.refresh(refresh.source.id)
    assert after.report is not None
    assert [p["reason"] for p in after.report.problems] == ["unknown_timezone"]
    assert after.report.cancelled == 0
    [event] = await env.storage.list_events(team_id=env.team_id)
    assert event.status is EventStatus.ACTIVE


async def test_our_own_export_imports_back_the_same(env: Env) -> None:
    made = await env.events.create(
        NewEvent(
            team_id=env.team_id,
            organizer_id=env.owner,
            title="Планёрка",
            description="Повестка: планы недели",
            place="Переговорная 3",
            start_local=datetime(2026, 11, 30, 10, 0),
            timezone="Europe/Moscow",
            duration=timedelta(minutes=45),
            rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=10",
            exdates=("2026-12-07",),
            audience=TEAM,
            reminders=(
                ReminderSpec(offset=timedelta(days=1)),
                ReminderSpec(offset=timedelta(minutes=15)),
            ),
        )
    )
    berlin = await env.events.create(
        NewEvent(
            team_id=env.team_id,
            organizer_id=env.owner,
            title="Berlin",
            start_local=datetime(2027, 3, 20, 9, 0),
            timezone="Europe/Berlin",
            rrule="FREQ=DAILY;UNTIL=20270405",
            audience=TEAM,
            reminders=(ReminderSpec(offset=timedelta(hours=2)),),
        )
    )
    data = event_to_ics(made)
    calendar = importer(env)
    for original, exported in ((made, data), (berlin, event_to_ics(berlin))):
        _, report = await calendar.upload(env.team_id, env.owner, exported, use_alarms=True)
        assert report.created == 1, report
        copy = max(await env.storage.list_events(team_id=env.team_id), key=lambda e: e.id)
        for name in ("title", "description", "place", "start_local", "timezone", "duration"):
            assert getattr(copy, name) == getattr(original, name), name
        assert copy.exdates == original.exdates
        assert Recurrence.from_rrule(copy.rrule or "").to_rrule(ZoneInfo(copy.timezone)) == (
            Recurrence.from_rrule(original.rrule or "").to_rrule(ZoneInfo(original.timezone))
        )
        assert sorted(r.offset for r in copy.reminders) == sorted(
            r.offset for r in original.reminders
        )
        tz = ZoneInfo(copy.timezone)
        window = {"after": env.clock.now, "before": env.clock.now + timedelta(days=400)}
        assert [
            o.at
            for o in expand(copy.start_local, tz, copy.rrule, parse_exdates(copy.exdates), **window)
        ] == [
            o.at
            for o in expand(
                original.start_local, tz, original.rrule, parse_exdates(original.exdates), **window
            )
        ]


# --- helpers ---------------------------------------------------------------------------------


TEAM = (AudienceEntry(AudienceKind.TEAM),)


def _spec_of(event: Any, **changes: Any) -> NewEvent:
    spec = NewEvent(
        team_id=event.team_id,
        organizer_id=event.organizer_id,
        title=event.title,
        start_local=event.start_local,
        timezone=event.timezone,
        description=event.description,
        place=event.place,
        duration=event.duration,
        rrule=event.rrule,
        exdates=event.exdates,
        audience=event.audience,
        reminders=tuple(ReminderSpec(r.offset, r.at, r.target) for r in event.reminders),
    )
    return replace(spec, **changes)
