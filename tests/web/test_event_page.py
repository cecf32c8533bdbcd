"""An event's page: what each viewer sees, answering, nudging, live counts, downloads."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    Event,
    Language,
    NewEvent,
    ReminderSpec,
)
from maxremind.http.web.charts import ANSWER_COLOURS
from maxremind.http.web.pages import event_page
from maxremind.i18n import t
from maxremind.services.overview import AnswerPoint
from tests.web.conftest import IDS, NAMES, WebWorld

SVG = "{http://www.w3.org/2000/svg}"


async def _event(web: WebWorld, **fields: object) -> Event:
    values: dict[str, object] = {
        "team_id": web.team.id,
        "organizer_id": IDS["organizer"],
        "title": "Планёрка <отдела>",
        "start_local": (datetime.now() + timedelta(days=2)).replace(
            hour=10, minute=0, second=0, microsecond=0
        ),
        "timezone": "Europe/Moscow",
        "place": "Переговорная 2",
        "audience": (AudienceEntry(AudienceKind.TEAM),),
        "reminders": (ReminderSpec(offset=timedelta(hours=1)),),
        "confirm_required": True,
        "quorum": 3,
    }
    values.update(fields)
    return await web.services.events.create(NewEvent(**values))  # type: ignore[arg-type]


async def test_a_member_sees_the_event_and_answers_but_not_the_roster(web: WebWorld) -> None:
    event = await _event(web)
    member = await web.client("member")
    url = f"/t/{web.team.id}/events/{event.id}"
    page = await member.get(url)
    assert page.status_code == 200
    assert "Планёрка &lt;отдела&gt;" in page.text  # escaped
    assert "Переговорная 2" in page.text
    assert "Кто ответил" not in page.text and "Журнал доставки" not in page.text
    assert (await member.get(url + "/roster.csv")).status_code == 403
    occurrence = (await web.services.agenda.future_occurrences(event.id))[0]
    answer = await member.post_form(
        url + "/answer", {"occurrence_id": occurrence.id, "answer": "yes"}
    )
    assert answer.status_code == 303 and "done=answered" in answer.headers["location"]
    stored = await web.services.agenda.answer_of(occurrence.id, IDS["member"])
    assert stored is Answer.YES
    again = await member.get(answer.headers["location"])
    assert "Ответ сохранён" in again.text
    bad = await member.post_form(url + "/answer", {"occurrence_id": occurrence.id, "answer": "x"})
    assert bad.status_code == 400


async def test_the_organizer_sees_counts_roster_and_live_numbers(web: WebWorld) -> None:
    event = await _event(web)
    occurrence = (await web.services.agenda.future_occurrences(event.id))[0]
    organizer = await web.client("organizer")
    url = f"/t/{web.team.id}/events/{event.id}"
    page = await organizer.get(url)
    assert page.status_code == 200
    assert (
        "Кто ответил" in page.text and f'data-live="{url}/live?date={occurrence.id}"' in page.text
    )
    assert "Кворум: 3, сейчас 0" in page.text
    live = (await organizer.get(f"{url}/live?date={occurrence.id}")).json()["values"]
    assert live["yes"] == 0 and live["no_answer"] == 4
    await web.services.answers.answer(occurrence.id, IDS["member"], Answer.NO)
    live = (await organizer.get(f"{url}/live?date={occurrence.id}")).json()["values"]
    assert live["no"] == 1 and live["no_answer"] == 3
    roster = await organizer.get(f"{url}/roster.csv?date={occurrence.id}")
    assert roster.status_code == 200 and roster.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(roster.text.lstrip("\ufeff"))))
    assert rows[0] == ["Имя", "Ответ"]
    assert ["Мария Участник", "не придут"] in rows and len(rows) == 5
    ledger = await organizer.get(f"{url}/ledger.csv?date={occurrence.id}")
    assert ledger.status_code == 200 and ledger.text.lstrip("\ufeff").startswith("Получатель,")


async def test_the_page_names_the_first_people_of_each_answer_and_counts_the_rest(
    web: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = await _event(web)
    occurrence = (await web.services.agenda.future_occurrences(event.id))[0]
    monkeypatch.setattr(event_page, "ROSTER_NAMES", 2)
    organizer = await web.client("organizer")
    url = f"/t/{web.team.id}/events/{event.id}?date={occurrence.id}"
    page = (await organizer.get(url)).text
    roster = page[page.index('id="roster"') :]
    assert "нет ответа (4)" in roster and "… +2" in roster
    assert sum(name in roster for name in NAMES.values()) == 2
    everyone = await organizer.get(f"/t/{web.team.id}/events/{event.id}/roster.csv")
    assert all(NAMES[who] in everyone.text for who in ("owner", "admin", "organizer", "member"))


async def test_nudging_queues_a_reminder_for_the_silent_only(web: WebWorld) -> None:
    event = await _event(web)
    occurrence = (await web.services.agenda.future_occurrences(event.id))[0]
    await web.services.answers.answer(occurrence.id, IDS["member"], Answer.YES)
    url = f"/t/{web.team.id}/events/{event.id}"
    member = await web.client("member")
    refused = await member.post_form(url + "/nudge", {"occurrence_id": occurrence.id})
    assert refused.status_code == 403
    organizer = await web.client("organizer")
    done = await organizer.post_form(url + "/nudge", {"occurrence_id": occurrence.id})
    assert done.status_code == 303 and "done=nudged&n=3" in done.headers["location"]
    ledger = await web.services.overview.event_detail(IDS["organizer"], event.id, occurrence.id)
    assert ledger is not None and ledger.ledger is not None
    nudged = {r.recipient_id for r in ledger.ledger.items if r.kind.value == "reminder"}
    assert IDS["member"] not in nudged and IDS["owner"] in nudged


async def test_a_repeating_event_says_its_rule_in_words(web: WebWorld) -> None:
    event = await _event(web, rrule="FREQ=WEEKLY;BYDAY=MO")
    page = await (await web.client("member")).get(f"/t/{web.team.id}/events/{event.id}")
    assert "FREQ=" not in page.text and "понедельник" in page.text


async def test_ics_download_and_other_teams_cannot_reach_the_event(web: WebWorld) -> None:
    event = await _event(web)
    member = await web.client("member")
    url = f"/t/{web.team.id}/events/{event.id}"
    ics = await member.get(url + "/event.ics")
    assert ics.status_code == 200 and ics.text.startswith("BEGIN:VCALENDAR")
    assert "attachment" in ics.headers["content-disposition"]
    other = await web.client("other_owner")
    assert (await other.get(url)).status_code == 404
    # The event's number under the other team's path does not exist either.
    assert (await other.get(f"/t/{web.other_team.id}/events/{event.id}")).status_code == 404


async def test_a_member_not_invited_does_not_see_the_event(web: WebWorld) -> None:
    event = await _event(
        web, audience=(AudienceEntry(AudienceKind.MEMBER, IDS["admin"]),), title="Один на один"
    )
    member = await web.client("member")
    assert (await member.get(f"/t/{web.team.id}/events/{event.id}")).status_code == 404
    owner = await web.client("owner")
    assert (await owner.get(f"/t/{web.team.id}/events/{event.id}")).status_code == 200


def _dots(root: ET.Element) -> dict[str, list[str]]:
    """The chart's dots' titles by colour (one colour a series)."""
    found: dict[str, list[str]] = {}
    for dot in root.iter(SVG + "circle"):
        found.setdefault(dot.get("fill", ""), []).append(dot.findtext(SVG + "title") or "")
    return found


def test_the_answer_chart_samples_the_counts_over_time_in_the_events_zone() -> None:
    start = datetime(2027, 3, 12, 15, 0, tzinfo=UTC)  # 18:00 in Moscow
    points = (
        AnswerPoint(start, 1, 0, 0),
        AnswerPoint(start + timedelta(minutes=5), 1, 1, 0),
        AnswerPoint(start + timedelta(minutes=50), 2, 1, 1),
        AnswerPoint(start + timedelta(hours=2), 3, 1, 1),
    )
    svg = event_page.answer_chart(Language.RU, points, "Europe/Moscow")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("id") == "event-timeline"
    assert root.get("aria-labelledby") == "event-timeline-t event-timeline-d"
    assert "style" not in svg and "<script" not in svg
    assert root.findtext(SVG + "title") == t("web_event_chart_label", Language.RU)
    assert (
        root.findtext(SVG + "desc")
        == "12.03 18:00 – 12.03 20:00: 3 придут, 1 не придут, 1 может быть"
    )
    # 13 moments 10 minutes apart; each series its answer's colour and name.
    dots = _dots(root)
    assert set(dots) == {ANSWER_COLOURS[a] for a in ("yes", "no", "maybe")}
    yes = dots[ANSWER_COLOURS["yes"]]
    assert len(yes) == 13 and all(len(d) == 13 for d in dots.values())
    assert yes[0] == "придут, 12.03 18:00: 1"
    assert yes[5] == "придут, 12.03 18:50: 2"  # the answer given at 18:50 counts from then
    assert yes[4] == "придут, 12.03 18:40: 1"
    assert yes[-1] == "придут, 12.03 20:00: 3"
    assert dots[ANSWER_COLOURS["no"]][:2] == [
        "не придут, 12.03 18:00: 0",
        "не придут, 12.03 18:10: 1",
    ]
    legend = [e.text for e in root.iter(SVG + "text")]
    assert {"придут", "не придут", "может быть"} <= set(legend)
    assert {"0", "1", "2", "3", "4"} <= set(legend)  # the axis in whole people


def test_the_answer_chart_of_one_minute_is_one_moment_and_none_without_answers() -> None:
    at = datetime(2027, 3, 12, 15, 0, 10, tzinfo=UTC)
    points = (AnswerPoint(at, 1, 0, 0), AnswerPoint(at + timedelta(seconds=30), 1, 0, 2))
    root = ET.fromstring(event_page.answer_chart(Language.EN, points, "UTC"))
    assert root.findtext(SVG + "title") == t("web_event_chart_label", Language.EN)
    assert root.findtext(SVG + "desc") == "Mar 12 15:00: 1 coming, 0 not coming, 2 maybe"
    assert _dots(root)[ANSWER_COLOURS["maybe"]] == ["maybe, Mar 12 15:00: 2"]
    assert event_page.answer_chart(Language.EN, (), "UTC") == ""


async def test_the_organizer_sees_the_answers_over_time_once_someone_answered(
    web: WebWorld,
) -> None:
    event = await _event(web)
    occurrence = (await web.services.agenda.future_occurrences(event.id))[0]
    organizer = await web.client("organizer")
    url = f"/t/{web.team.id}/events/{event.id}?date={occurrence.id}"
    assert 'id="event-timeline"' not in (await organizer.get(url)).text
    await web.services.answers.answer(occurrence.id, IDS["member"], Answer.YES)
    await web.services.answers.answer(occurrence.id, IDS["organizer"], Answer.NO)
    page = (await organizer.get(url)).text
    section = page[page.index('<section class="card" aria-labelledby="chart">') :]
    section = section[: section.index("</section>")]
    charts = re.findall(r"<svg\b.*?</svg>", section, re.S)
    assert len(charts) == 1  # the chart names itself: no wrapper around it
    root = ET.fromstring(charts[0])
    assert root.get("id") == "event-timeline"
    assert root.findtext(SVG + "title") == t("web_event_chart_label", Language.RU)
    assert (root.findtext(SVG + "desc") or "").endswith(": 1 придут, 1 не придут, 0 может быть")
