"""/event step by step: buttons and typing, ambiguous and past times, change, restart."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from maxremind.domain.models import AudienceEntry, AudienceKind, ReminderTarget, Role
from maxremind.storage import open_storage
from tests.bot.conftest import Bot
from tests.bot.test_events_support import events_of, make_team, wait_for_text
from tests.harness import product_settings, running_emulator, running_product

MSK = ZoneInfo("Europe/Moscow")


def tomorrow() -> datetime:
    return datetime.now(MSK) + timedelta(days=1)


async def test_event_dialog_end_to_end_in_russian(bot: Bot) -> None:
    team = await make_team(
        bot,
        {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)},
        {"Отдел продаж": ["Борис"]},
    )
    anna = team.people["Анна"]
    replies = await anna.say_all("/event")
    assert "/cancel" in replies[0] and "Как назовём" in replies[-1]
    assert "Когда?" in await anna.say("Планёрка")

    # A past time is refused and asked again; "в 3" is morning or afternoon: buttons.
    assert "уже прошло" in await anna.say("вчера в 10:00")
    assert "утро или вечер" in await anna.say("завтра в 3")
    labels = [b["text"] for b in anna.buttons()]
    assert len(labels) == 2 and "03:00" in labels[0] and "15:00" in labels[1]
    await anna.press("15:00")
    assert "Повторять?" in anna.last() and "15:00 МСК" in anna.last()

    await anna.press("каждую неделю")
    assert "Кому напоминать?" in anna.last()
    await anna.press("#Отдел продаж")
    assert any(b["text"].startswith("✅ #Отдел продаж") for b in anna.buttons())
    await anna.press("Готово")
    assert "Когда напомнить?" in anna.last()
    await anna.press("за 1 день и за 1 час")
    assert "подтвердить" in anna.last()
    await anna.press("Да")
    for _ in range(3):  # place, duration, description: skipped
        await anna.press("Пропустить")
    summary = anna.last()
    assert "Проверьте" in summary and "Планёрка" in summary and "#Отдел продаж" in summary
    assert "за 1 день, за 1 час" in summary and "с подтверждением" in summary

    # Change the name from the summary, then come straight back to it.
    await anna.press("Изменить")
    await anna.press("Название")
    assert "Как назовём" in anna.last()
    assert "Проверьте" in await anna.say("Планёрка отдела")

    await anna.press("Создать")
    created = await wait_for_text(anna, "Событие создано")
    assert "Событие создано" in created and "Планёрка отдела" in created
    assert "15:00 МСК" in created and "🔁 кажд" in created

    (event,) = await events_of(bot, anna)
    day = tomorrow()
    assert event.start_local == datetime(day.year, day.month, day.day, 15, 0)
    days = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    assert event.rrule == f"FREQ=WEEKLY;BYDAY={days[day.weekday()]}"
    assert event.audience == (AudienceEntry(AudienceKind.GROUP, team.groups["Отдел продаж"]),)
    assert event.confirm_required
    assert sorted((r.offset, r.target.value) for r in event.reminders) == [
        (timedelta(hours=1), ReminderTarget.ORGANIZER_SUMMARY.value),
        (timedelta(hours=1), ReminderTarget.UNANSWERED.value),
        (timedelta(days=1), ReminderTarget.ALL.value),
    ]
    # The dialog is over: plain text is no longer an answer.
    assert "команды" in await anna.say("ещё что-то")


async def test_typed_answers_and_a_rule_in_the_time_skip_the_repeat_step(bot: Bot) -> None:
    team = await make_team(bot, {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)})
    anna = team.people["Анна"]
    await anna.say_all("/event")
    await anna.say("Планёрка")
    replies = await anna.say_all("каждый понедельник в 10:00")
    assert "каждый понедельник" in replies[0]
    assert "Кому напоминать?" in replies[-1]  # no "repeat?" question
    assert "Когда напомнить?" in await anna.say("@boris")
    assert "подтвердить" in await anna.say("за 1 день, за 15 минут")
    assert "Ответьте" in await anna.say("может быть")
    assert "Где?" in await anna.say("нет")
    assert "Сколько продлится?" in await anna.say("-")
    assert "Описание" in await anna.say("пропустить")
    summary = await anna.say("-")
    assert "Борис" in summary and "без подтверждения" in summary
    await anna.press("Создать")
    await wait_for_text(anna, "Событие создано")
    (event,) = await events_of(bot, anna)
    assert event.rrule == "FREQ=WEEKLY;BYDAY=MO" and not event.confirm_required
    assert event.audience == (AudienceEntry(AudienceKind.MEMBER, team.people["Борис"].user_id),)


async def test_cancel_leaves_the_dialog_and_its_buttons_go_stale(bot: Bot) -> None:
    team = await make_team(bot, {"Анна": ("anna", Role.ORGANIZER)})
    anna = team.people["Анна"]
    await anna.say_all("/event")
    await anna.say("Планёрка")
    await anna.say("завтра в 10:00")
    assert "отменил" in await anna.say("/cancel")
    note = await anna.press("каждый день")
    assert "закрыт" in note
    assert await events_of(bot, anna) == []


async def test_members_cannot_create_events(bot: Bot) -> None:
    team = await make_team(bot, {"Борис": ("boris", Role.MEMBER)})
    assert "организатор" in await team.people["Борис"].say("/event")


async def test_english_event_dialog(bot: Bot) -> None:
    team = await make_team(
        bot,
        {"John": ("john", Role.ORGANIZER), "Mary": ("mary", Role.MEMBER)},
        locales={"John": "en", "Mary": "en"},
    )
    john = team.people["John"]
    replies = await john.say_all("/event")
    assert "What is the event called?" in replies[-1]
    assert "When?" in await john.say("Standup")
    await john.say_all("tomorrow at 10am")
    assert "Repeat it?" in john.last()
    await john.press("no repeat")
    await john.press("whole team")
    await john.press("Done")
    await john.press("15 minutes before")
    await john.press("Yes")
    for _ in range(3):
        await john.press("Skip")
    assert "Please check" in john.last() and "whole team" in john.last()
    await john.press("Create")
    assert "Standup" in await wait_for_text(john, "Event created")
    (event,) = await events_of(bot, john)
    assert event.rrule is None and event.start_local.hour == 10


async def test_the_draft_survives_a_restart(tmp_path: Path) -> None:
    async with running_emulator() as (emulator, url):
        settings = product_settings(url, tmp_path)
        async with running_product(settings) as running:
            bot = Bot(emulator, running, tmp_path)
            team = await make_team(bot, {"Анна": ("anna", Role.ORGANIZER)})
            anna = team.people["Анна"]
            await anna.say_all("/event")
            assert "Когда?" in await anna.say("Планёрка после рестарта")
        async with running_product(settings):
            assert "Повторять?" in (await anna.say_all("завтра в 10:00"))[-1]
            await anna.press("без повтора")
            await anna.press("вся команда")
            await anna.press("Готово")
            await anna.press("за 15 минут")
            await anna.press("Нет")
            for _ in range(3):
                await anna.press("Пропустить")
            await anna.press("Создать")
            await wait_for_text(anna, "Событие создано")
        async with open_storage(settings.database_url) as db:
            (event,) = await db.list_events(organizer_id=anna.user_id)
            assert event.title == "Планёрка после рестарта"
