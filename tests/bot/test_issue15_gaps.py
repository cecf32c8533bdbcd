"""Issue 15, defect 9's gaps through the emulator over HTTP: a date dropped by a rule edit
is announced to those already reminded of it; the /event dialog asks for place, duration
and description; tags are renamed and deleted, groups deleted, with what it touched."""

from __future__ import annotations

import re
from datetime import timedelta

from maxremind.domain.models import Role
from tests.bot.conftest import Bot
from tests.bot.test_events_support import database, events_of, make_team, wait_for_text
from tests.harness import wait_for

WEEKLY_RU = (
    "каждый понедельник",
    "каждый вторник",
    "каждую среду",
    "каждый четверг",
    "каждую пятницу",
    "каждую субботу",
    "каждое воскресенье",
)


async def test_a_rule_edit_tells_those_reminded_of_a_dropped_date(bot: Bot) -> None:
    team = await make_team(
        bot,
        {
            "Анна": ("anna", Role.ORGANIZER),
            "Борис": ("boris", Role.MEMBER),
            "Vera": ("vera", Role.MEMBER),
        },
        {"Отдел продаж": ["Борис", "Vera"]},
        locales={"Vera": "en"},
    )
    anna, boris, vera = (team.people[n] for n in ("Анна", "Борис", "Vera"))
    await vera.say("/lang")
    await vera.press("English")
    await anna.say("/event Планёрка; каждый день в 10:00; #Отдел продаж; за 1 час; подтверждение")
    (event,) = await events_of(bot, anna)
    async with database(bot) as db:
        first = (await db.list_occurrences(event.id))[0]

    # Both are reminded of the first date now (the organizer's nudge).
    await anna.say("/who Планёрка")
    await anna.press("Напомнить не ответившим")
    await wait_for_text(anna, "Напомнил")
    await wait_for_text(boris, "Планёрка")
    await wait_for_text(vera, "Please confirm")

    # The rule now falls two days later in the week: the first date is off.
    other_day = WEEKLY_RU[(first.local_start.weekday() + 2) % 7]
    await anna.say("/events")
    await wait_for(lambda: any(b["text"] == "✏️" for b in anna.buttons()), what="✏️")
    await anna.press("✏️")
    await wait_for_text(anna, "Изменение события")
    await anna.press("Изменить")
    await anna.press("Повтор")
    assert "проверьте" in await anna.say(other_day)
    await anna.press("Сохранить")
    await wait_for_text(anna, "Событие изменено")

    day_ru = f"{first.local_start.day} "
    told = await wait_for_text(boris, "Этой даты больше нет")
    assert "Планёрка" in told and day_ru in told and "не состоится" in told
    told_en = await wait_for_text(vera, "This date is off")
    assert "Планёрка" in told_en and "no longer takes place" in told_en
    assert not any("Этой даты" in text for text in anna.texts())  # she made the change
    async with database(bot) as db:
        kept = [o for o in await db.list_occurrences(event.id) if o.status.value == "planned"]
    assert kept and all(o.local_start.date() != first.local_start.date() for o in kept)
    assert kept[0].local_start.date() - first.local_start.date() >= timedelta(days=1)


async def test_event_dialog_asks_place_duration_and_description(bot: Bot) -> None:
    team = await make_team(bot, {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)})
    anna = team.people["Анна"]
    await anna.say_all("/event")
    await anna.say("Планёрка")
    await anna.say_all("завтра в 10:00")
    await anna.press("без повтора")
    await anna.press("вся команда")
    await anna.press("Готово")
    await anna.press("за 15 минут")
    await anna.press("Нет")
    assert "Где?" in anna.last() and any("Пропустить" in b["text"] for b in anna.buttons())
    assert "Сколько продлится?" in await anna.say("Переговорка 3, 2 этаж")
    labels = [b["text"] for b in anna.buttons()]
    assert "1 час 30 минут" in labels and any("Пропустить" in label for label in labels)
    await anna.press("1 час 30 минут")
    assert "Описание" in anna.last()
    summary = await anna.say("Итоги недели и планы")
    assert "📍 Переговорка 3, 2 этаж" in summary and "⏱ 1 час 30 минут" in summary
    assert "📝 Итоги недели и планы" in summary

    # Each of them can be changed from the summary, and a skip leaves it empty.
    await anna.press("Изменить")
    await anna.press("Описание")
    assert "Описание" in anna.last()
    await anna.press("Пропустить")
    assert "📝" not in anna.last() and "Проверьте" in anna.last()
    await anna.press("Изменить")
    await anna.press("Длительность")
    assert "Проверьте" in await anna.say("45 минут")
    await anna.press("Создать")
    created = await wait_for_text(anna, "Событие создано")
    assert "📍 Переговорка 3, 2 этаж" in created and "⏱ 45 минут" in created

    (event,) = await events_of(bot, anna)
    assert event.place == "Переговорка 3, 2 этаж"
    assert event.duration == timedelta(minutes=45)
    assert event.description == ""

    # Editing keeps them, and changes one of them.
    await anna.say("/events")
    await wait_for(lambda: any(b["text"] == "✏️" for b in anna.buttons()), what="✏️")
    await anna.press("✏️")
    summary = await wait_for_text(anna, "Изменение события")
    assert "📍 Переговорка 3, 2 этаж" in summary and "⏱ 45 минут" in summary
    await anna.press("Изменить")
    await anna.press("Место")
    assert "проверьте" in await anna.say("Зал на 5 этаже")
    await anna.press("Сохранить")
    await wait_for_text(anna, "Событие изменено")
    (event,) = await events_of(bot, anna)
    assert event.place == "Зал на 5 этаже" and event.duration == timedelta(minutes=45)


async def test_english_event_dialog_details_and_a_bad_length(bot: Bot) -> None:
    team = await make_team(
        bot,
        {"John": ("john", Role.ORGANIZER), "Mary": ("mary", Role.MEMBER)},
        locales={"John": "en", "Mary": "en"},
    )
    john = team.people["John"]
    await john.say_all("/event")
    await john.say("Standup")
    await john.say_all("tomorrow at 10am")
    await john.press("no repeat")
    await john.press("whole team")
    await john.press("Done")
    await john.press("15 minutes before")
    await john.press("Yes")
    assert "Where?" in john.last()
    await john.press("Skip")
    assert "How long" in john.last()
    assert "did not get the length" in await john.say("forever and a day")
    assert "description" in await john.say("2 hours")
    summary = await john.say("Weekly sync, bring your numbers")
    assert "Please check" in summary and "⏱ 2 hours" in summary and "📍" not in summary
    assert not re.search(r"[А-Яа-яЁё]", summary)
    await john.press("Create")
    await wait_for_text(john, "Event created")
    (event,) = await events_of(bot, john)
    assert event.place == "" and event.duration == timedelta(hours=2)
    assert event.description == "Weekly sync, bring your numbers"
