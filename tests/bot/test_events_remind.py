"""/remind for oneself and for a group, /reminders with cancel, /notify delivered now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.domain.models import AudienceEntry, AudienceKind, EventKind, EventStatus, Role
from tests.bot.conftest import Bot
from tests.bot.test_events_support import events_of, make_team, wait_for_text


async def test_personal_reminder_works_without_a_team(bot: Bot) -> None:
    olga = bot.phone("Ольга", username="olga")
    await olga.start()
    answer = await olga.say("/remind через 2 часа позвонить в бухгалтерию")
    assert answer.startswith("⏰ Напомню") and "позвонить в бухгалтерию" in answer
    (event,) = await events_of(bot, olga)
    assert event.kind is EventKind.REMINDER and event.team_id is None
    assert event.audience == (AudienceEntry(AudienceKind.MEMBER, olga.user_id),)
    assert event.title == "позвонить в бухгалтерию"
    start = event.start_local.replace(tzinfo=ZoneInfo(event.timezone))
    assert abs(start - (datetime.now(UTC) + timedelta(hours=2))) < timedelta(minutes=1)
    assert [r.offset for r in event.reminders] == [timedelta(0)]


async def test_reminder_questions_and_errors(bot: Bot) -> None:
    olga = bot.phone("Ольга")
    await olga.start()
    assert "утро или вечер" in await olga.say("/remind завтра в 3 позвонить")
    await olga.press("15:00")
    assert "15:00" in await wait_for_text(olga, "Напомню")
    assert "О чём напомнить" in await olga.say("/remind завтра в 10")
    assert "Не понял время" in await olga.say("/remind позвонить маме")
    assert "прошло" in await olga.say("/remind вчера в 10 позвонить")
    (event,) = await events_of(bot, olga)
    assert event.title == "позвонить" and event.start_local.hour == 15


async def test_reminders_list_and_cancel(bot: Bot) -> None:
    olga = bot.phone("Ольга")
    await olga.start()
    assert "Напоминаний нет" in await olga.say("/reminders")
    await olga.say("/remind завтра в 9:00 отправить отчёт")
    await olga.say("/remind послезавтра в 18:00 забрать посылку")
    listing = await olga.say("/reminders")
    assert listing.index("отправить отчёт") < listing.index("забрать посылку")
    await olga.press("✖️ 1.")
    await wait_for_text(olga, "отменено")
    statuses = {e.title: e.status for e in await events_of(bot, olga)}
    assert statuses == {
        "отправить отчёт": EventStatus.CANCELLED,
        "забрать посылку": EventStatus.ACTIVE,
    }
    assert "отправить отчёт" not in await olga.say("/reminders")


async def test_group_reminder_needs_an_organizer(bot: Bot) -> None:
    team = await make_team(
        bot,
        {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)},
        {"продажи": ["Борис"]},
    )
    anna, boris = team.people["Анна"], team.people["Борис"]
    answer = await anna.say("/remind #продажи завтра в 9 принести отчёты")
    assert "#продажи" in answer and "принести отчёты" in answer
    (event,) = await events_of(bot, anna)
    assert event.team_id == team.id
    assert event.audience == (AudienceEntry(AudienceKind.GROUP, team.groups["продажи"]),)
    assert "организатор" in await boris.say("/remind #продажи завтра в 9 принести отчёты")
    assert "Не нашёл «#склад»" in await anna.say("/remind #склад завтра в 9 инвентаризация")


async def test_notify_sends_an_announcement_now(bot: Bot) -> None:
    team = await make_team(
        bot,
        {
            "Анна": ("anna", Role.ORGANIZER),
            "Борис": ("boris", Role.MEMBER),
            "Вера": ("vera", Role.MEMBER),
        },
        {"Отдел продаж": ["Борис"]},
    )
    anna, boris, vera = (team.people[n] for n in ("Анна", "Борис", "Вера"))
    answer = await anna.say("/notify #Отдел продаж; Собрание переносится на 15:00")
    assert "получателей — 1" in answer
    assert (await wait_for_text(boris, "Собрание переносится")).startswith("📣")
    await anna.say("/notify @all Пятница — короткий день")
    await wait_for_text(vera, "короткий день")
    await wait_for_text(boris, "короткий день")
    assert not any("Собрание" in t for t in vera.texts())
    assert "организатор" in await boris.say("/notify @all Привет всем")
    assert "Кому и что" in await anna.say("/notify")
