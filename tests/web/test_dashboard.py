"""The dashboard: problems first, the next 14 days with counts that the live JSON keeps
current, fan-outs in flight, and who sees what."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryKind,
    DeliveryStatus,
    Event,
    Language,
    NewDelivery,
    NewEvent,
    RecipientKind,
    ReminderSpec,
    delivery_key,
)
from tests.web.conftest import IDS, WebWorld

MOSCOW = ZoneInfo("Europe/Moscow")


async def an_event(
    web: WebWorld, title: str, *, hours: int = 30, audience: tuple[AudienceEntry, ...] = ()
) -> tuple[Event, int]:
    """An event of team A by the organizer, ``hours`` from now; returns it and its date."""
    start = (datetime.now(UTC) + timedelta(hours=hours)).astimezone(MOSCOW)
    event = await web.services.events.create(
        NewEvent(
            team_id=web.team.id,
            organizer_id=IDS["organizer"],
            title=title,
            start_local=start.replace(tzinfo=None, second=0, microsecond=0),
            timezone="Europe/Moscow",
            audience=audience or (AudienceEntry(AudienceKind.TEAM),),
            reminders=(ReminderSpec(offset=timedelta(hours=1)),),
            confirm_required=True,
        )
    )
    (occurrence,) = await web.storage.list_occurrences(event.id)
    return event, occurrence.id


async def live(browser: Any, team_id: int, query: str = "") -> dict[str, Any]:
    answer = await browser.get(f"/t/{team_id}/live{query}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    values: dict[str, Any] = answer.json()["values"]
    return values


async def live_within(
    browser: Any, team_id: int, query: str, key: str, expected: object
) -> dict[str, Any]:
    """The live values once ``key`` shows ``expected``, which must happen within the
    sharing window of a second (plus slack for a slow machine)."""
    deadline = time.monotonic() + 1.5
    while (values := await live(browser, team_id, query))[key] != expected:
        assert time.monotonic() < deadline, f"{key} still {values[key]!r}, not {expected!r}"
        await asyncio.sleep(0.1)
    return values


async def test_counts_change_after_an_answer_on_the_page_and_in_the_live_json(
    web: WebWorld,
) -> None:
    event, occ = await an_event(web, "Планёрка отдела")
    organizer = await web.client("organizer")
    page = await organizer.get(f"/t/{web.team.id}/")
    assert page.status_code == 200
    assert "Планёрка отдела" in page.text
    assert f'href="/t/{web.team.id}/events/{event.id}?date={occ}"' in page.text
    assert f'data-live="/t/{web.team.id}/live"' in page.text
    assert f'data-live-key="o{occ}-yes">0<' in page.text
    assert f'data-live-key="o{occ}-none">4<' in page.text  # the whole team, nobody answered
    before = await live(organizer, web.team.id)
    assert (before[f"o{occ}-yes"], before[f"o{occ}-no"], before[f"o{occ}-none"]) == (0, 0, 4)
    assert before[f"o{occ}-sent"] == "0 / 4"

    await web.services.answers.answer(occ, IDS["member"], Answer.YES)
    await web.services.answers.answer(occ, IDS["admin"], Answer.NO)
    after = await live(organizer, web.team.id)
    assert (after[f"o{occ}-yes"], after[f"o{occ}-no"], after[f"o{occ}-none"]) == (1, 1, 2)
    page = await organizer.get(f"/t/{web.team.id}/")
    assert f'data-live-key="o{occ}-yes">1<' in page.text
    assert f'data-live-key="o{occ}-none">2<' in page.text


async def test_members_see_only_their_events_and_no_counts(web: WebWorld) -> None:
    _, team_occ = await an_event(web, "Общее собрание")
    private, private_occ = await an_event(
        web, "Разбор для организатора",
        audience=(AudienceEntry(AudienceKind.MEMBER, IDS["organizer"]),),
    )  # fmt: skip
    await web.services.answers.answer(team_occ, IDS["member"], Answer.MAYBE)

    member = await web.client("member")
    page = await member.get(f"/t/{web.team.id}/")
    assert page.status_code == 200
    assert "Общее собрание" in page.text and "Разбор для организатора" not in page.text
    assert "❔ возможно" in page.text  # their own answer
    assert 'data-live-key="o' not in page.text  # counts are for those who manage
    values = await live(member, web.team.id)
    assert not any(key.startswith("o") for key in values)

    for who in ("organizer", "admin"):
        browser = await web.client(who)
        page = await browser.get(f"/t/{web.team.id}/")
        assert "Разбор для организатора" in page.text, who
        values = await live(browser, web.team.id)
        assert values[f"o{private_occ}-none"] == 1, who
        assert values[f"o{team_occ}-maybe"] == 1, who
    assert private.organizer_id == IDS["organizer"]


async def test_problems_come_first_and_members_problems_only_to_admins(web: WebWorld) -> None:
    await an_event(web, "Планёрка")
    await web.services.users.set_reachable(IDS["member"], False, "bot_stopped")
    admin = await web.client("admin")
    page = await admin.get(f"/t/{web.team.id}/")
    text = page.text
    assert "Бот не может написать участнику" in text and "остановил бота" in text
    assert "Мария Участник" in text
    assert text.index("Требует внимания") < text.index("Ближайшие 14 дней")
    assert text.index("Мария Участник") < text.index("Планёрка")
    assert (await live(admin, web.team.id))["problems"] == 1

    # The organizer sees the problems of their own events only, not the team's members.
    organizer = await web.client("organizer")
    page = await organizer.get(f"/t/{web.team.id}/")
    assert "Бот не может написать участнику" not in page.text
    assert "ничего не требует внимания" in page.text
    assert (await live(organizer, web.team.id))["problems"] == 0


async def test_a_fan_out_in_flight_shows_progress_and_finishes_live(web: WebWorld) -> None:
    event, occ = await an_event(web, "Срочный сбор", hours=2)
    (job,) = await web.storage.list_jobs(occ)
    now = datetime.now(UTC)
    people = [IDS[who] for who in ("owner", "admin", "organizer", "member")]
    await web.storage.finish_job(
        job.id,
        deliveries=[
            NewDelivery(
                delivery_key(job.key, RecipientKind.USER, uid), RecipientKind.USER, uid,
                due_at=now, send_at=now, kind=DeliveryKind.REMINDER, job_id=job.id,
                occurrence_id=occ,
            )
            for uid in people
        ],
        expected_finish=now,
    )  # fmt: skip
    owner = await web.client("owner")
    page = await owner.get(f"/t/{web.team.id}/")
    assert "Рассылки сейчас" in page.text and "напоминание всем" in page.text
    assert f'data-live-key="f{job.id}-progress"' in page.text
    assert f'data-live="/t/{web.team.id}/live?jobs={job.id}"' in page.text
    assert "0 из 4" in page.text

    lease = now + timedelta(minutes=1)
    claimed = await web.storage.claim_deliveries(now=now, owner="t", lease_until=lease, limit=1)
    await web.storage.record_sent(claimed[0].key, owner="t", max_message_id=None, sent_at=now)
    # Sends do not end a shared read (Storage.generation): the counts follow within the
    # dashboard's sharing window, a second.
    values = await live_within(owner, web.team.id, f"?jobs={job.id}", f"f{job.id}-text", "1 из 4")
    assert values[f"f{job.id}-text"] == "1 из 4"
    assert values[f"f{job.id}-progress"] == 0.25
    assert values[f"o{occ}-sent"] == "1 / 4"

    rest = await web.storage.claim_deliveries(now=now, owner="t", lease_until=lease, limit=10)
    for delivery in rest:
        await web.storage.record_sent(delivery.key, owner="t", max_message_id=None, sent_at=now)
    values = await live_within(owner, web.team.id, f"?jobs={job.id}", f"o{occ}-sent", "4 / 4")
    assert values[f"f{job.id}-progress"] == 1.0
    assert values[f"f{job.id}-text"] == "рассылка завершена"
    assert values[f"o{occ}-sent"] == "4 / 4"
    assert event.id > 0


async def test_outsiders_get_404_and_strangers_are_sent_to_sign_in(web: WebWorld) -> None:
    outsider = await web.client("outsider")
    for path in ("/", "/live"):
        answer = await outsider.get(f"/t/{web.team.id}{path}")
        assert answer.status_code == 404, path
    other = await web.client("other_owner")
    assert (await other.get(f"/t/{web.team.id}/")).status_code == 404
    assert (await other.get(f"/t/{web.other_team.id}/")).status_code == 200
    anonymous = web.anonymous()
    answer = await anonymous.get(f"/t/{web.team.id}/")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


async def test_the_dashboard_speaks_english_to_an_english_speaker(web: WebWorld) -> None:
    await an_event(web, "Standup")
    await web.services.users.set_language(IDS["organizer"], Language.EN)
    organizer = await web.client("organizer")
    page = await organizer.get(f"/t/{web.team.id}/")
    assert "Needs attention" in page.text and "Next 14 days" in page.text
    assert "Confirmed" in page.text and "No answer" in page.text


async def test_a_failed_send_is_a_problem_with_its_reason_for_the_events_organizer(
    web: WebWorld,
) -> None:
    event, occ = await an_event(web, "Инвентаризация")
    now = datetime.now(UTC)
    await web.storage.add_deliveries(
        [
            NewDelivery(
                "failing", RecipientKind.USER, IDS["member"], due_at=now, send_at=now,
                occurrence_id=occ,
            )
        ]
    )  # fmt: skip
    await web.storage.claim_deliveries(
        now=now, owner="t", lease_until=now + timedelta(minutes=1), limit=1
    )
    await web.storage.record_failure(
        "failing", owner="t", error="MAX 503: service unavailable",
        status=DeliveryStatus.FAILED, retry_at=None,
    )  # fmt: skip
    for who in ("organizer", "owner"):
        browser = await web.client(who)
        text = (await browser.get(f"/t/{web.team.id}/")).text
        problems = text.split("Требует внимания", 1)[1].split("Ближайшие 14 дней", 1)[0]
        assert "Напоминание не доставлено" in problems, who
        assert "Причина: MAX 503: service unavailable" in problems, who
        link = f'href="/t/{web.team.id}/events/{event.id}?date={occ}">Инвентаризация'
        assert link in problems, who
    member = await web.client("member")
    text = (await member.get(f"/t/{web.team.id}/")).text
    assert "Напоминание не доставлено" not in text
