"""The insights pages: the team's (charts, tables, CSV) as organizers and as a member,
empty states, one event's dates with the "who came" checklist, and the owner's switch
for per-member statistics."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import httpx

from maxremind.domain.models import Answer, Event, Language
from maxremind.i18n import t
from tests.web.conftest import IDS, NAMES, WebWorld
from tests.web.insights_kit import Reply, past_event

SVG = "{http://www.w3.org/2000/svg}"
CYRILLIC = re.compile("[а-яА-ЯёЁ]")
_SVG_BLOCK = re.compile(r"<svg\b.*?</svg>", re.S)


def replies(week: int, uid: int) -> Reply:
    """The member answers yes within 10 minutes, the admin no after two hours every other
    week, the organizer maybe in the first week only, the owner never."""
    if uid == IDS["member"]:
        return (Answer.YES, 10)
    if uid == IDS["admin"] and week % 2 == 0:
        return (Answer.NO, 120)
    if uid == IDS["organizer"] and week == 0:
        return (Answer.MAYBE, 30)
    return None


async def history(web: WebWorld, weeks: int = 4, quorum: int | None = 2) -> tuple[Event, list[int]]:
    people = [IDS[w] for w in ("owner", "admin", "organizer", "member")]
    return await past_event(
        web.storage,
        web.team.id,
        IDS["organizer"],
        people,
        title="Планёрка склада",
        weeks=weeks,
        replies=replies,
        quorum=quorum,
    )


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(block) for block in _SVG_BLOCK.findall(html)]


def read_csv(answer: httpx.Response) -> list[list[str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


async def test_organizer_sees_charts_tables_and_every_member(web: WebWorld) -> None:
    event, dates = await history(web)
    organizer = await web.client("organizer")
    page = await organizer.get(f"/t/{web.team.id}/insights")
    assert page.status_code == 200, page.text
    html = page.text
    charts = svgs(html)
    assert {c.get("id") for c in charts} == {"team-rate", "team-time", "team-hours"}
    for chart in charts:
        assert chart.get("role") == "img" and chart.find(SVG + "title") is not None
    # 4 dates x 4 people asked; answered: member 4, admin 2, organizer 1 -> 7 of 16.
    assert "(7 / 16)" in html
    assert "44 %" in html  # 7/16
    for who in ("member", "admin", "organizer", "owner"):
        assert NAMES[who] in html
    assert f'href="/t/{web.team.id}/events/{event.id}/insights"' in html
    assert "Кворум не набран" in html  # one yes a week, quorum 2
    assert "Организаторы команды видят статистику ответов" in html  # the privacy note
    # The nav leads here from every team page.
    dashboard = await organizer.get(f"/t/{web.team.id}/")
    assert f'href="/t/{web.team.id}/insights"' in dashboard.text
    assert len(dates) == 4


async def test_member_sees_only_their_own_numbers(web: WebWorld) -> None:
    await history(web)
    member = await web.client("member")
    page = await member.get(f"/t/{web.team.id}/insights")
    assert page.status_code == 200, page.text
    assert "Организаторы команды видят статистику ответов" in page.text
    assert "100 %" in page.text and "(4 / 4)" in page.text  # always answered
    assert "10 мин" in page.text
    for who in ("admin", "organizer", "owner"):
        assert NAMES[who] not in page.text.replace(NAMES["member"], "")
    assert svgs(page.text) == []
    rows = read_csv(await member.get(f"/t/{web.team.id}/insights/members.csv"))
    assert len(rows) == 2 and rows[1][0] == NAMES["member"]
    # The team's own tables are for organizers.
    for name in ("weeks", "hours", "events", "dates"):
        refused = await member.get(f"/t/{web.team.id}/insights/{name}.csv")
        assert refused.status_code == 403, name


async def test_a_team_without_events_gets_an_empty_state(web: WebWorld) -> None:
    owner = await web.client("owner")
    page = await owner.get(f"/t/{web.team.id}/insights")
    assert page.status_code == 200, page.text
    assert "пока нечего показать" in page.text
    assert svgs(page.text) == []
    rows = read_csv(await owner.get(f"/t/{web.team.id}/insights/weeks.csv?weeks=4"))
    assert rows[0][0] == "Неделя с"
    assert len(rows) in (5, 6)  # every week of the window, even empty ones
    assert all(r[1] == "0" and r[3] == "" for r in rows[1:])
    member = await web.client("member")
    mine = await member.get(f"/t/{web.team.id}/insights")
    assert mine.status_code == 200 and "пока нечего показать" in mine.text


async def test_csv_exports_have_a_header_and_defuse_formulas(web: WebWorld) -> None:
    await web.storage.upsert_user(IDS["member"], name='=HYPERLINK("http://x","y")', username=None)
    await history(web)
    owner = await web.client("owner")
    base = f"/t/{web.team.id}/insights"
    members = read_csv(await owner.get(base + "/members.csv"))
    assert members[0][:3] == ["Человек", "ушёл из команды", "Запросов ответа"]
    names = {r[0] for r in members[1:]}
    assert '\'=HYPERLINK("http://x","y")' in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in members for cell in r)
    dates = read_csv(await owner.get(base + "/dates.csv"))
    assert len(dates) == 1 + 4 and dates[1][0] == "Планёрка склада"
    events = read_csv(await owner.get(base + "/events.csv"))
    assert events[1][:3] == ["Планёрка склада", "4", "16"]
    hours = read_csv(await owner.get(base + "/hours.csv"))
    assert len(hours) == 2  # one weekday and hour: 15:00 on the event's day
    assert hours[1][1] == "15:00" and hours[1][2] == "16"


async def test_english_pages_and_files_say_nothing_in_russian(web: WebWorld) -> None:
    event, _ = await history(web)
    for who in ("organizer", "member", "owner"):
        await web.services.users.set_language(IDS[who], Language.EN)
    allowed = [*NAMES.values(), web.team.name, "Планёрка склада"]

    def strip(text: str) -> str:
        for name in allowed:
            text = text.replace(name, "")
        return text

    organizer = await web.client("organizer")
    page = await organizer.get(f"/t/{web.team.id}/insights")
    assert "Answer insights" in page.text
    assert CYRILLIC.findall(strip(page.text)) == []
    for name in ("weeks", "hours", "members", "events", "dates"):
        answer = await organizer.get(f"/t/{web.team.id}/insights/{name}.csv")
        assert CYRILLIC.findall(strip(answer.content.decode("utf-8-sig"))) == [], name
    member = await web.client("member")
    mine = await member.get(f"/t/{web.team.id}/insights")
    assert CYRILLIC.findall(strip(mine.text)) == []
    owner = await web.client("owner")  # the event's page with the who-came list, settings
    for path in (f"/t/{web.team.id}/events/{event.id}/insights", f"/t/{web.team.id}/settings"):
        page = await owner.get(path)
        assert page.status_code == 200, path
        found = CYRILLIC.findall(strip(page.text))
        assert found == [], (path, "".join(found)[:200])


async def test_event_insights_and_who_came(web: WebWorld) -> None:
    event, dates = await history(web)
    organizer = await web.client("organizer")
    base = f"/t/{web.team.id}/events/{event.id}/insights"
    event_page = await organizer.get(f"/t/{web.team.id}/events/{event.id}")
    assert f'href="{base}"' in event_page.text  # the event's page leads here
    page = await organizer.get(base)
    assert page.status_code == 200, page.text
    assert {c.get("id") for c in svgs(page.text)} == {"event-answers", "event-rate"}
    # The latest date is chosen; only the member said yes.
    assert f'name="listed" value="{IDS["member"]}"' in page.text
    assert f'name="listed" value="{IDS["admin"]}"' not in page.text
    latest = dates[-1]
    saved = await organizer.post_form(
        base + "/attendance", {"occurrence_id": str(latest), "listed": str(IDS["member"])}
    )
    assert saved.status_code == 303, saved.text
    assert "done=attendance" in saved.headers["location"]
    checklist = await web.services.insights.checklist(latest, IDS["organizer"])
    assert [(r.user_id, r.came) for r in checklist.rows] == [(IDS["member"], False)]
    saved = await organizer.post_form(
        base + "/attendance",
        {"occurrence_id": str(latest), "listed": str(IDS["member"]), "came": str(IDS["member"])},
    )
    assert saved.status_code == 303
    after = await organizer.get(saved.headers["location"])
    assert "Отметки сохранены: пришли 1." in after.text
    assert f'value="{IDS["member"]}" checked' in after.text
    rows = read_csv(await organizer.get(base + "/dates.csv"))
    assert rows[1][-2:] == ["1", "0"]  # newest first: came 1, no-shows 0
    # Without the page's CSRF token nothing is saved.
    forged = await organizer.post(
        base + "/attendance",
        data={"occurrence_id": str(latest)},
        headers={"origin": "http://testserver"},
    )
    assert forged.status_code == 403
    # A member may not see an event's numbers.
    member = await web.client("member")
    assert (await member.get(base)).status_code == 403


async def test_owner_turns_per_member_statistics_off(web: WebWorld) -> None:
    await history(web)
    owner = await web.client("owner")
    settings = await owner.get(f"/t/{web.team.id}/settings")
    assert 'name="member_stats" value="on" checked' in settings.text
    admin = await web.client("admin")
    refused = await admin.post_form(f"/t/{web.team.id}/settings/insights", {})
    assert refused.status_code == 403
    off = await owner.post_form(f"/t/{web.team.id}/settings/insights", {})
    assert off.status_code == 303
    settings = await owner.get(off.headers["location"])
    assert "Настройка статистики сохранена." in settings.text
    assert 'name="member_stats" value="on" checked' not in settings.text
    organizer = await web.client("organizer")
    page = await organizer.get(f"/t/{web.team.id}/insights")
    assert "Статистика по людям в этой команде выключена владельцем." in page.text
    assert NAMES["member"] not in page.text
    assert len(read_csv(await organizer.get(f"/t/{web.team.id}/insights/members.csv"))) == 1
    # A member still sees their own numbers.
    member = await web.client("member")
    mine = await member.get(f"/t/{web.team.id}/insights")
    assert "(4 / 4)" in mine.text
    on = await owner.post_form(f"/t/{web.team.id}/settings/insights", {"member_stats": "on"})
    assert on.status_code == 303
    page = await organizer.get(f"/t/{web.team.id}/insights")
    assert NAMES["member"] in page.text


async def test_group_and_period_filters(web: WebWorld) -> None:
    await history(web, weeks=6)
    group = await web.services.people.create_group(web.team.id, IDS["owner"], "Склад")
    await web.services.people.add_to_group(web.team.id, IDS["owner"], group.id, [IDS["member"]])
    owner = await web.client("owner")
    page = await owner.get(f"/t/{web.team.id}/insights?group={group.id}&weeks=26")
    assert page.status_code == 200, page.text
    assert "(6 / 6)" in page.text  # only the member, who always answered
    assert f'<option value="{group.id}" selected>' in page.text
    assert '<option value="26" selected>' in page.text
    short = await owner.get(f"/t/{web.team.id}/insights?weeks=4")
    assert "(7 / 16)" in short.text or "/ 16)" in short.text
    other = await web.services.people.create_group(web.other_team.id, IDS["other_owner"], "Чужая")
    assert (await owner.get(f"/t/{web.team.id}/insights?group={other.id}")).status_code == 404
    # Unknown values fall back to the defaults.
    assert (await owner.get(f"/t/{web.team.id}/insights?weeks=7&group=x")).status_code == 200


def test_an_events_weeks_start_at_its_first_date() -> None:
    from datetime import date, timedelta

    from maxremind.http.web.pages.insights import from_first
    from maxremind.services.insights import Durations, WeekBucket

    monday = date(2026, 1, 5)
    weeks = [
        WeekBucket(monday + timedelta(weeks=i), asked, 0, Durations())
        for i, asked in enumerate([0] * 40 + [3, 0, 4] + [0] * 9)
    ]
    assert [w.asked for w in from_first(weeks)] == [3, 0, 4] + [0] * 9
    assert len(from_first(weeks[:2] + weeks[-9:])) == 4  # nothing asked: the last four
    assert len(from_first(weeks[-9:], least=12)) == 9
    assert from_first([]) == []


async def test_each_csv_has_its_columns_and_a_file_name_of_its_window(web: WebWorld) -> None:
    event, _ = await history(web)
    group = await web.services.people.create_group(web.team.id, IDS["owner"], "Склад")
    owner = await web.client("owner")
    team, day = web.team.id, f"{web.services.insights.period(4)[1]:%Y%m%d}"
    base = f"/t/{team}/insights"

    def ru(*keys: str) -> list[str]:
        timed = ("median", "p90")
        texts = [t(f"web_insights_{k}", Language.RU) for k in keys]
        return [text + (", min" if k in timed else "") for k, text in zip(keys, texts, strict=True)]

    def file_name(answer: httpx.Response) -> str:
        return answer.headers["content-disposition"].split('filename="')[1].rstrip('"')

    weeks = await owner.get(base + "/weeks.csv?weeks=4")
    assert file_name(weeks) == f"insights-{team}-weeks-{day}.csv"
    rows = read_csv(weeks)
    assert rows[0] == ru("week", "asked", "answered", "answer_rate", "median", "p90")
    assert rows[0][-2:] == ["Медиана до ответа, min", "90 % ответили за, min"]
    answered = [r for r in rows[1:] if r[1] != "0"]
    assert answered and all(r[1] == "4" and r[4] != "" and r[5] != "" for r in answered)
    hours = await owner.get(base + f"/hours.csv?weeks=4&group={group.id}")
    assert file_name(hours) == f"insights-{team}-group{group.id}-hours-{day}.csv"
    assert read_csv(hours)[0] == ru("weekday", "hour", "asked", "answered", "answer_rate", "median")
    for what in ("events", "dates", "members"):
        assert file_name(await owner.get(base + f"/{what}.csv?weeks=4")).startswith(
            f"insights-{team}-{what}-"
        )
    for what in ("dates", "members"):
        answer = await owner.get(f"/t/{team}/events/{event.id}/insights/{what}.csv")
        assert file_name(answer).startswith(f"insights-event-{event.id}-{what}-")
        assert len(read_csv(answer)) > 1
