"""Issue 15, defect 9's gaps through the emulator over HTTP: a date dropped by a rule edit
is announced to those already reminded of it; the /event dialog asks for place, duration
and description; tags are renamed and deleted, groups deleted, with what it touched."""

from __future__ import annotations

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
