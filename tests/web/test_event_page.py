"""An event's page: what each viewer sees, answering, nudging, live counts, downloads."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    Event,
    NewEvent,
    ReminderSpec,
)
from maxremind.http.web.pages import event_page
from tests.web.conftest import IDS, NAMES, WebWorld


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
