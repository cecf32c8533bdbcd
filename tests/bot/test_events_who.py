"""/who: the roster of the next occurrence, nudging the silent, ✅/❌ presses changing it."""

from __future__ import annotations

from maxremind.domain.models import Role
from tests.bot.conftest import Bot
from tests.bot.test_events_support import make_team, wait_for_text
from tests.harness import wait_for


async def test_roster_nudge_and_answers_in_both_languages(bot: Bot) -> None:
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
    await anna.say("/event Планёрка; завтра в 10:00; #Отдел продаж; за 1 час; подтверждение")

    roster = await anna.say("/who Планёрка")
    assert "Будут (0)" in roster and "Нет ответа (2): Борис, Vera" in roster
    await anna.press("Напомнить не ответившим")
    assert "2" in await wait_for_text(anna, "Напомнил")

    # Both get the reminder with ✅/❌ now, each in their own language.
    await wait_for_text(boris, "Планёрка")
    await wait_for(lambda: any(b["text"] == "✅ Буду" for b in boris.buttons()), what="buttons")
    assert "Записал" in await boris.press("✅ Буду")
    await wait_for_text(vera, "Please confirm")
    assert "Noted" in await vera.press("❌ Can't make it")
    assert "Your answer: ❌" in vera.last()

    roster = await anna.say("/who")  # no argument: pick the event by button
    assert "Какое событие" in roster
    await anna.press("Планёрка")
    roster = await wait_for_text(anna, "👥 Планёрка")
    assert "Будут (1): Борис" in roster and "Не смогут (1): Vera" in roster
    assert "Нет ответа (0)" in roster
    assert not any("Напомнить" in b["text"] for b in anna.messages()[-1].buttons())


async def test_who_is_only_for_those_who_run_events(bot: Bot) -> None:
    team = await make_team(bot, {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)})
    assert "Нет предстоящих событий" in await team.people["Борис"].say("/who")
    await team.people["Анна"].say("/event Отчёт; завтра в 18:00; @all")
    assert "Не нашёл событие «Обед»" in await team.people["Анна"].say("/who Обед")


async def test_english_event_confirmation_from_the_events_view(bot: Bot) -> None:
    team = await make_team(
        bot,
        {"John": ("john", Role.ORGANIZER), "Mary": ("mary", Role.MEMBER)},
        locales={"John": "en", "Mary": "en"},
    )
    john, mary = team.people["John"], team.people["Mary"]
    for phone in (john, mary):
        await phone.say("/lang")
        await phone.press("English")
    echo = await john.say("/event Standup; tomorrow at 10am; @all; 15 minutes before; confirm")
    assert "Event created" in echo and "15 minutes before" in echo
    assert "Standup" in await mary.say("/events")
    await mary.press("🔎 1.")
    assert "Your answer: —" in await wait_for_text(mary, "Next dates")
    assert "Noted" in await mary.press("✅ I'll be there")
    roster = await john.say("/who standup")
    assert "Attending (1): Mary" in roster
