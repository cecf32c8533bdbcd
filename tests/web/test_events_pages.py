"""The events pages in-process: the list (who sees what, search, filters), the form
(create a repeating event for a group, bad input, preview, concurrent edits), the head
count, cancelling one date or the series, and the door (CSRF, roles)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    Event,
    EventKind,
    EventStatus,
    JobStatus,
    Language,
    NewEvent,
    OccurrenceStatus,
    ReminderSpec,
    ReminderTarget,
)
from maxremind.http.web.pages.events_form import Choices, EventForm, form_of, to_spec
from tests.web.conftest import BASE, IDS, Browser, WebWorld

MOSCOW = ZoneInfo("Europe/Moscow")
_VERSION = re.compile(r'name="version" value="([^"]*)"')


def _days_ahead(n: int) -> date:
    return datetime.now(MOSCOW).date() + timedelta(days=n)


async def _event(
    web: WebWorld,
    title: str,
    *,
    audience: tuple[AudienceEntry, ...] = (AudienceEntry(AudienceKind.TEAM),),
    organizer: str = "organizer",
    days: int = 3,
    place: str = "",
    rrule: str | None = None,
) -> Event:
    spec = NewEvent(
        team_id=web.team.id,
        organizer_id=IDS[organizer],
        title=title,
        start_local=datetime.combine(_days_ahead(days), datetime.min.time()).replace(hour=10),
        timezone="Europe/Moscow",
        place=place,
        rrule=rrule,
        audience=audience,
        reminders=(ReminderSpec(offset=timedelta(hours=1)),),
    )
    return await web.services.events.create(spec)


async def _group(web: WebWorld, name: str, *who: str) -> int:
    group = await web.services.people.create_group(web.team.id, IDS["owner"], name)
    await web.services.people.add_to_group(
        web.team.id, IDS["owner"], group.id, [IDS[w] for w in who]
    )
    return group.id


def _form(**fields: object) -> dict[str, object]:
    """A filled-in form as the page posts it; ``fields`` replace or add."""
    values: dict[str, object] = {
        "title": "Планёрка",
        "description": "Итоги недели",
        "place": "Переговорная 3",
        "date": _days_ahead(2).isoformat(),
        "time": "10:00",
        "duration": "1 час",
        "timezone": "Europe/Moscow",
        "repeat": "none",
        "interval": "1",
        "ends": "never",
        "audience_team": "1",
        "offsets": "1 день, 15 минут",
        "action": "save",
    }
    values.update(fields)
    return {k: v for k, v in values.items() if v is not None}


def _titles(page: str) -> set[str]:
    return set(re.findall(r'<a href="/t/\d+/events/\d+">([^<]+)</a>', page))


async def _count_events(web: WebWorld) -> int:
    return len(await web.storage.list_events(team_id=web.team.id))


# --- the list --------------------------------------------------------------------------------


async def test_a_member_lists_only_what_they_may_see_an_organizer_more(web: WebWorld) -> None:
    board = await _group(web, "Правление", "admin")
    await _event(web, "Для всех")
    await _event(
        web,
        "Для правления",
        organizer="admin",
        audience=(AudienceEntry(AudienceKind.GROUP, board),),
    )
    await _event(web, "Для Марии", audience=(AudienceEntry(AudienceKind.MEMBER, IDS["member"]),))
    url = f"/t/{web.team.id}/events"

    member = await (await web.client("member")).get(url)
    assert member.status_code == 200
    assert _titles(member.text) == {"Для всех", "Для Марии"}
    assert f'href="/t/{web.team.id}/events/new"' not in member.text  # no role, no button
    assert "/edit" not in member.text

    organizer = await (await web.client("organizer")).get(url)
    assert _titles(organizer.text) == {"Для всех", "Для Марии"}  # organizes both
    assert f'href="/t/{web.team.id}/events/new"' in organizer.text
    assert organizer.text.count("/edit") == 2
    owner = await (await web.client("owner")).get(url)  # an owner sees every event
    assert _titles(owner.text) == {"Для всех", "Для правления", "Для Марии"}

    outsider = await (await web.client("outsider")).get(url)
    assert outsider.status_code == 404


async def test_search_and_filters_narrow_the_list(web: WebWorld) -> None:
    await _event(web, "Планёрка отдела", place="Зал А", days=2)
    await _event(web, "Обучение", place="Онлайн", days=20)
    cancelled = await _event(web, "Старое собрание", days=5)
    await web.services.events.cancel(cancelled.id, actor_id=IDS["organizer"])
    await _event(web, "Созвон админа", organizer="admin", days=4)
    browser = await web.client("admin")
    url = f"/t/{web.team.id}/events"

    everything = await browser.get(url)
    assert _titles(everything.text) == {"Планёрка отдела", "Обучение", "Созвон админа"}
    by_title = await browser.get(url, params={"q": "планерка"})  # ё = е, any case
    assert _titles(by_title.text) == {"Планёрка отдела"}
    assert 'value="планерка"' in by_title.text  # the search stays in the box
    by_place = await browser.get(url, params={"q": "онлайн"})
    assert _titles(by_place.text) == {"Обучение"}
    gone = await browser.get(url, params={"status": "cancelled"})
    assert _titles(gone.text) == {"Старое собрание"}
    mine = await browser.get(url, params={"mine": "1"})
    assert _titles(mine.text) == {"Созвон админа"}
    window = {"from": _days_ahead(1).isoformat(), "to": _days_ahead(10).isoformat()}
    soon = await browser.get(url, params=window)
    assert _titles(soon.text) == {"Планёрка отдела", "Созвон админа"}
    reminders = await browser.get(url, params={"kind": "reminder"})
    assert _titles(reminders.text) == set()
    assert "Событий не найдено" in reminders.text
    junk = await browser.get(url, params={"status": "x", "kind": "y", "from": "z", "page": "q"})
    assert junk.status_code == 200


async def test_the_list_pages(web: WebWorld) -> None:
    for n in range(27):
        await _event(web, f"Событие {n:02d}", days=2 + n)
    browser = await web.client("organizer")
    first = await browser.get(f"/t/{web.team.id}/events", params={"q": "Событие"})
    assert len(_titles(first.text)) == 25
    assert "Страница 1 из 2" in first.text
    found = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert found
    second = await browser.get(html.unescape(found.group(1)))
    assert _titles(second.text) == {"Событие 25", "Событие 26"}
    assert 'rel="prev"' in second.text


# --- creating --------------------------------------------------------------------------------


async def test_an_organizer_creates_a_weekly_event_for_a_group(web: WebWorld) -> None:
    sales = await _group(web, "Продажи", "member", "admin")
    browser = await web.client("organizer")
    new = await browser.get(f"/t/{web.team.id}/events/new")
    assert new.status_code == 200
    assert "Продажи" in new.text and 'name="csrf"' in new.text
    answer = await browser.post_form(
        f"/t/{web.team.id}/events/new",
        _form(
            title="Планёрка продаж",
            audience_team=None,
            groups=str(sales),
            repeat="weekly",
            weekdays=["MO", "WE"],
            ends="count",
            count="10",
            confirm="1",
            chase="3 часа",
            summary="1 час",
            quorum="2",
        ),
    )
    assert answer.status_code == 303, answer.text
    event_id = int(answer.headers["location"].rsplit("/", 1)[1])
    assert answer.headers["location"] == f"/t/{web.team.id}/events/{event_id}"
    event = await web.storage.get_event(event_id)
    assert event.title == "Планёрка продаж" and event.place == "Переговорная 3"
    assert event.rrule == "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"
    assert event.start_local.weekday() in (0, 2) and event.start_local.hour == 10
    assert event.audience == (AudienceEntry(AudienceKind.GROUP, sales),)
    assert event.duration == timedelta(hours=1)
    assert event.confirm_required and event.quorum == 2 and not event.urgent
    assert sorted((r.offset, r.target) for r in event.reminders) == [
        (timedelta(minutes=15), ReminderTarget.ALL),
        (timedelta(hours=1), ReminderTarget.ORGANIZER_SUMMARY),
        (timedelta(hours=3), ReminderTarget.UNANSWERED),
        (timedelta(days=1), ReminderTarget.ALL),
    ]
    dates = await web.storage.list_occurrences(event_id)
    assert len(dates) >= 2
    assert all(d.local_start.weekday() in (0, 2) for d in dates)
    jobs = await web.storage.list_jobs(dates[0].id)
    assert len(jobs) == 4 and all(j.status is JobStatus.PLANNED for j in jobs)
    assert set(jobs[0].planned_recipients) == {IDS["member"], IDS["admin"]}

    edit = await browser.get(f"/t/{web.team.id}/events/{event_id}/edit")  # reads back
    assert edit.status_code == 200
    assert 'value="weekly" selected' in edit.text
    assert 'id="wd-MO" name="weekdays" value="MO" checked' in edit.text
    assert 'value="за 3 часа"' in edit.text and 'value="за 1 день, за 15 минут"' in edit.text


async def test_bad_input_comes_back_filled_in_with_messages_and_saves_nothing(
    web: WebWorld,
) -> None:
    browser = await web.client("organizer")
    before = await _count_events(web)
    answer = await browser.post_form(
        f"/t/{web.team.id}/events/new",
        _form(
            title="",
            place="Зал <Б>",
            date="31.12.2030",
            offsets="когда-нибудь",
            chase="1 час",  # without confirmation
            repeat="weekly",
            interval="0",
            audience_team=None,
        ),
    )
    assert answer.status_code == 400
    page = answer.text
    assert 'value="Зал &lt;Б&gt;"' in page  # what was typed stays, escaped
    assert 'value="31.12.2030"' in page and 'value="когда-нибудь"' in page
    for field, message in (
        ("title", "Укажите название."),
        ("date", "Укажите дату в виде ГГГГ-ММ-ДД."),
        ("offsets", "Не понял."),
        ("chase", "Просить подтвердить участие"),
        ("audience", "Выберите, кому напоминать"),
    ):
        found = re.search(rf'<p class="field-error" id="err-{field}">([^<]*)</p>', page)
        assert found and message in html.unescape(found.group(1)), field
        assert re.search(rf'aria-describedby="[^"]*err-{field}"', page), field
    assert 'role="alert"' in page
    assert (
        'id="ev-title" name="title" value="" maxlength="200" required aria-invalid="true"' in page
    )
    assert await _count_events(web) == before


async def test_what_the_service_refuses_lands_next_to_its_field(web: WebWorld) -> None:
    browser = await web.client("organizer")
    before = await _count_events(web)
    past = await browser.post_form(
        f"/t/{web.team.id}/events/new", _form(date=_days_ahead(-3).isoformat())
    )
    assert past.status_code == 400
    assert re.search(r'id="err-date">[^<]*прошло', past.text)
    empty = await _group(web, "Пустая")
    nobody = await browser.post_form(
        f"/t/{web.team.id}/events/new", _form(audience_team=None, groups=str(empty))
    )
    assert nobody.status_code == 400
    assert re.search(r'id="err-audience">[^<]*некому', nobody.text)
    assert await _count_events(web) == before


# --- preview ---------------------------------------------------------------------------------


def _next_clock_change(zone: ZoneInfo, after: date) -> date:
    day = after
    while True:
        start = datetime.combine(day, datetime.min.time())
        if zone.utcoffset(start) != zone.utcoffset(start + timedelta(days=1)):
            return day
        day += timedelta(days=1)


async def test_preview_shows_dates_other_zones_and_dst_without_saving(web: WebWorld) -> None:
    await web.services.people.set_user_timezone(IDS["member"], "Asia/Vladivostok")
    berlin = ZoneInfo("Europe/Berlin")
    change = _next_clock_change(berlin, _days_ahead(2))
    browser = await web.client("organizer")
    before = await _count_events(web)
    answer = await browser.post_form(
        f"/t/{web.team.id}/events/new",
        _form(
            date=change.isoformat(),
            timezone="Europe/Berlin",
            repeat="weekly",
            action="preview",
        ),
    )
    assert answer.status_code == 200, answer.text
    page = answer.text
    assert 'id="preview"' in page and "Предпросмотр" in page
    section = page[page.index('id="preview"') : page.index('id="event-form"')]
    assert section.count("<h3>") == 5  # the next five dates
    first = section.split("<h3>")[1]
    assert "в этот день переводят часы" in first  # the first date is the DST day
    assert "Asia/Vladivostok" in section  # when the member far east gets it
    assert "Europe/Moscow" in section
    assert f"{change:%d.%m.%Y}" in first
    assert 'value="Планёрка"' in page  # the form stays filled in below
    assert await _count_events(web) == before


# --- editing ---------------------------------------------------------------------------------


async def test_an_edit_saves_and_a_stale_one_is_a_conflict(web: WebWorld) -> None:
    event = await _event(web, "Ретро")
    url = f"/t/{web.team.id}/events/{event.id}/edit"
    alice, bob = await web.client("organizer"), await web.client("owner")
    alice_form = await alice.get(url)
    bob_form = await bob.get(url)
    assert alice_form.status_code == bob_form.status_code == 200
    version = _VERSION.search(alice_form.text)
    assert version and version.group(1) == event.updated_at.isoformat()
    assert _VERSION.search(bob_form.text)

    saved = await alice.post_form(
        url, _form(title="Ретро спринта", version=html.unescape(version.group(1)))
    )
    assert saved.status_code == 303, saved.text
    assert (await web.storage.get_event(event.id)).title == "Ретро спринта"

    stale = _VERSION.search(bob_form.text)
    assert stale
    conflict = await bob.post_form(
        url, _form(title="Ретро (Боб)", version=html.unescape(stale.group(1)))
    )
    assert conflict.status_code == 409
    assert "событие изменили" in conflict.text and 'id="conflict"' in conflict.text
    assert 'value="Ретро (Боб)"' in conflict.text  # Bob's text is not lost
    assert (await web.storage.get_event(event.id)).title == "Ретро спринта"


async def test_who_may_open_the_editor(web: WebWorld) -> None:
    event = await _event(web, "Встреча")
    url = f"/t/{web.team.id}/events/{event.id}/edit"
    assert (await (await web.client("admin")).get(url)).status_code == 200
    assert (await (await web.client("member")).get(url)).status_code == 403  # invited, no more
    assert (await (await web.client("other_owner")).get(url)).status_code == 404
    other = f"/t/{web.team.id}/events/999999/edit"
    assert (await (await web.client("owner")).get(other)).status_code == 404
    # An organizer may change only their own events (or an admin anybody's).
    theirs = await _event(web, "Чужое", organizer="admin")
    organizer = await web.client("organizer")
    assert (await organizer.get(f"/t/{web.team.id}/events/{theirs.id}/edit")).status_code == 403
    board = await _group(web, "Совет", "owner")
    hidden = await _event(
        web, "Совет", organizer="admin", audience=(AudienceEntry(AudienceKind.GROUP, board),)
    )
    assert (await organizer.get(f"/t/{web.team.id}/events/{hidden.id}/edit")).status_code == 404
    refused = await organizer.post_form(f"/t/{web.team.id}/events/{theirs.id}/cancel")
    assert refused.status_code == 403
    assert (await web.storage.get_event(theirs.id)).status is EventStatus.ACTIVE


# --- the head count --------------------------------------------------------------------------


async def test_the_head_count_follows_the_picked_audience(web: WebWorld) -> None:
    pair = await _group(web, "Двое", "member", "admin")
    browser = await web.client("organizer")
    url = f"/t/{web.team.id}/events/headcount"
    team = await browser.post_form(url, {"audience_team": "1"})
    assert team.status_code == 200
    assert team.json()["values"]["people"] == 4
    group = await browser.post_form(url, {"groups": str(pair), "people": str(IDS["owner"])})
    assert group.json()["values"]["people"] == 3
    assert "3" in group.json()["values"]["headcount"]
    nobody = await browser.post_form(url, {"groups": "424242"})  # not the team's: ignored
    assert nobody.json()["values"]["people"] == 0
    page = await browser.get(f"/t/{web.team.id}/events/new")
    assert "Получат напоминание: 4 чел." in page.text  # counted on the server at first


# --- cancelling ------------------------------------------------------------------------------


async def test_cancel_one_date_then_the_series(web: WebWorld) -> None:
    event = await _event(web, "Йога", rrule="FREQ=DAILY")
    dates = await web.storage.list_occurrences(event.id)
    base = f"/t/{web.team.id}/events/{event.id}"
    browser = await web.client("organizer")
    edit = await browser.get(f"{base}/edit")
    assert f'action="{base}/occurrences/{dates[1].id}/cancel"' in edit.text
    assert "data-confirm=" in edit.text

    one = await browser.post_form(f"{base}/occurrences/{dates[1].id}/cancel")
    assert one.status_code == 303 and one.headers["location"] == base
    assert (await web.storage.get_occurrence(dates[1].id)).status is OccurrenceStatus.CANCELLED
    assert await web.storage.list_jobs(dates[1].id) == []
    assert (await web.storage.get_occurrence(dates[2].id)).status is OccurrenceStatus.PLANNED
    assert (await web.storage.get_event(event.id)).status is EventStatus.ACTIVE
    again = await browser.post_form(f"{base}/occurrences/{dates[1].id}/cancel")
    assert again.status_code == 409

    member = await web.client("member")
    refused = await member.post_form(f"{base}/cancel")
    assert refused.status_code == 403
    assert (await web.storage.get_event(event.id)).status is EventStatus.ACTIVE

    back = f"/t/{web.team.id}/events"
    series = await browser.post_form(f"{base}/cancel", {"next": back})
    assert series.status_code == 303 and series.headers["location"] == back
    assert (await web.storage.get_event(event.id)).status is EventStatus.CANCELLED
    assert (await web.storage.get_occurrence(dates[2].id)).status is OccurrenceStatus.CANCELLED
    offsite = await browser.post_form(f"{base}/cancel", {"next": "https://evil.example/"})
    assert offsite.status_code == 409  # cancelled already; never sent off-site


# --- the door --------------------------------------------------------------------------------


async def test_without_the_csrf_token_nothing_changes(web: WebWorld) -> None:
    event = await _event(web, "Под защитой")
    browser: Browser = await web.client("owner")
    before = await _count_events(web)
    origin = {"origin": BASE}
    fields = _form()
    create = await browser.post(f"/t/{web.team.id}/events/new", data=fields, headers=origin)
    assert create.status_code == 403
    cancel = await browser.post(f"/t/{web.team.id}/events/{event.id}/cancel", headers=origin)
    assert cancel.status_code == 403
    forged = await browser.post_form(
        f"/t/{web.team.id}/events/{event.id}/cancel", headers={"origin": "https://evil.example"}
    )
    assert forged.status_code == 403
    assert await _count_events(web) == before
    assert (await web.storage.get_event(event.id)).status is EventStatus.ACTIVE


async def test_a_member_may_not_create(web: WebWorld) -> None:
    member = await web.client("member")
    before = await _count_events(web)
    assert (await member.get(f"/t/{web.team.id}/events/new")).status_code == 403
    posted = await member.post_form(f"/t/{web.team.id}/events/new", _form())
    assert posted.status_code == 403
    assert await _count_events(web) == before


# --- the repeat editor reads what the bot writes ---------------------------------------------


def _saved(rrule: str | None, start: datetime) -> Event:
    now = datetime.now(MOSCOW)
    return Event(
        id=1, team_id=1, organizer_id=1, title="x", start_local=start, timezone="Europe/Moscow",
        kind=EventKind.EVENT, description="", place="", duration=None, rrule=rrule, exdates=(),
        audience=(AudienceEntry(AudienceKind.TEAM),), reminders=(), confirm_required=False,
        urgent=False, quorum=None, status=EventStatus.ACTIVE, status_reason=None,
        created_at=now, updated_at=now,
    )  # fmt: skip


def test_rules_the_bot_writes_open_in_the_editor_and_save_back_unchanged() -> None:
    tuesday = datetime(2030, 1, 8, 10, 0)  # the 2nd Tuesday of January 2030
    cases = {
        None: "none",
        "FREQ=DAILY": "daily",
        "FREQ=DAILY;INTERVAL=3;COUNT=5": "daily",
        "FREQ=WEEKLY;BYDAY=TU": "weekly",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,FR": "weekly",
        "FREQ=MONTHLY;BYMONTHDAY=8;UNTIL=20301231": "monthly",
        "FREQ=MONTHLY;BYDAY=2TU": "monthly",
        "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=8": "custom",
        "FREQ=MONTHLY;BYDAY=-1FR": "custom",
    }
    choices = Choices(groups=[], tags=[], people=[], chats=[])
    for rrule, editor in cases.items():
        form = form_of(_saved(rrule, tuesday), Language.RU)
        assert form.repeat == editor, rrule
        spec = to_spec(form, team_id=1, organizer_id=1, choices=choices, lang=Language.RU)
        assert spec is not None, (rrule, form.errors)
        assert spec.rrule == rrule, rrule
        assert spec.start_local == tuesday or rrule == "FREQ=MONTHLY;BYDAY=-1FR", rrule


def test_a_weekly_rule_starts_on_its_first_matching_day() -> None:
    form = EventForm(
        title="x", date="2030-01-06", time="09:30", timezone="Europe/Moscow",  # a Sunday
        repeat="weekly", weekdays=["WE", "MO"], audience_team=True,
    )  # fmt: skip
    choices = Choices(groups=[], tags=[], people=[], chats=[])
    spec = to_spec(form, team_id=1, organizer_id=1, choices=choices, lang=Language.EN)
    assert spec is not None and spec.rrule == "FREQ=WEEKLY;BYDAY=MO,WE"
    assert spec.start_local == datetime(2030, 1, 7, 9, 30)  # the Monday after
    bad = EventForm(title="x", date="2030-01-06", repeat="custom", rrule="FREQ=HOURLY")
    assert to_spec(bad, team_id=1, organizer_id=1, choices=choices, lang=Language.EN) is None
    assert "HOURLY" in bad.errors["rrule"]


async def test_an_edit_keeps_reminders_at_a_fixed_time(web: WebWorld) -> None:
    start = datetime.combine(_days_ahead(5), datetime.min.time()).replace(hour=10)
    fixed_at = datetime.combine(_days_ahead(4), datetime.min.time(), MOSCOW).replace(hour=18)
    event = await web.services.events.create(
        NewEvent(
            team_id=web.team.id,
            organizer_id=IDS["organizer"],
            title="Сдача отчёта",
            start_local=start,
            timezone="Europe/Moscow",
            audience=(AudienceEntry(AudienceKind.TEAM),),
            reminders=(ReminderSpec(offset=timedelta(hours=2)), ReminderSpec(at=fixed_at)),
        )
    )
    browser = await web.client("organizer")
    url = f"/t/{web.team.id}/events/{event.id}/edit"
    version = _VERSION.search((await browser.get(url)).text)
    assert version
    fields = _form(date=start.date().isoformat(), offsets="за 2 часа", title="Сдача отчёта!")
    saved = await browser.post_form(url, {**fields, "version": html.unescape(version.group(1))})
    assert saved.status_code == 303, saved.text
    stored = await web.storage.get_event(event.id)
    assert stored.title == "Сдача отчёта!"
    assert {r.offset for r in stored.reminders} == {timedelta(hours=2), None}
    assert [r.at for r in stored.reminders if r.at is not None] == [fixed_at]


async def test_a_new_event_starts_with_the_team_defaults(web: WebWorld) -> None:
    from datetime import timedelta

    from maxremind.domain.models import ReminderSpec, ReminderTarget

    organizer = await web.client("organizer")
    plain = await organizer.get(f"/t/{web.team.id}/events/new")
    assert 'name="offsets" value="за 1 час"' in plain.text  # no defaults: an hour before
    await web.services.people.set_team_defaults(
        web.team.id,
        IDS["owner"],
        [timedelta(days=1), timedelta(minutes=15)],
        [ReminderSpec(offset=timedelta(hours=3), target=ReminderTarget.UNANSWERED)],
    )
    page = await organizer.get(f"/t/{web.team.id}/events/new")
    assert 'name="offsets" value="за 1 день, за 15 минут"' in page.text
    assert 'name="chase" value="за 3 часа"' in page.text
