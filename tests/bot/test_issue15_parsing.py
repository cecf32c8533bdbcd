"""Issue 15, what people type: a leading emoji is text, "через -5 минут" and "30 февраля"
are refused with a reason, a time error is said once, and /event flags may be parts."""

from __future__ import annotations

from maxremind.domain.models import Role
from tests.bot.conftest import Bot
from tests.bot.test_events_support import events_of, make_team


async def test_a_leading_emoji_stays_in_the_reminder(bot: Bot) -> None:
    olga = bot.phone("Ольга")
    await olga.start()
    answer = await olga.say("/remind через 20 минут 🎂 купить торт")
    assert "🎂 купить торт" in answer, answer
    (event,) = await events_of(bot, olga)
    assert event.title == "🎂 купить торт"
    answer = await olga.say("/remind 🎉 завтра в 10 поздравить Веру")
    assert "🎉 поздравить Веру" in answer, answer


async def test_a_negative_time_is_refused_not_read_as_positive(bot: Bot) -> None:
    olga = bot.phone("Ольга")
    await olga.start()
    answer = await olga.say("/remind через -5 минут позвонить")
    assert "не может быть отрицательным" in answer, answer
    assert "Напомню" not in answer
    answer = await olga.say("/remind через -5 минут")
    assert "не может быть отрицательным" in answer, answer
    assert await events_of(bot, olga) == []


async def test_a_date_that_does_not_exist_is_named(bot: Bot) -> None:
    olga = bot.phone("Ольга")
    await olga.start()
    answer = await olga.say("/remind 30 февраля купить торт")
    assert "Такой даты нет: 30 февраля" in answer, answer
    answer = await olga.say("/remind 31.04 в 10 сдать отчёт")
    assert "Такой даты нет: 31 апреля" in answer, answer
    assert await events_of(bot, olga) == []


async def test_english_users_get_these_answers_in_english(bot: Bot) -> None:
    jane = bot.phone("Jane", locale="en")
    await jane.start()
    answer = await jane.say("/remind in -5 minutes call Bob")
    assert "cannot be negative" in answer, answer
    answer = await jane.say("/remind 30 February buy a cake")
    assert "There is no such date: 30 February" in answer, answer
    answer = await jane.say("/remind in 20 minutes 🎂 buy a cake")
    assert "🎂 buy a cake" in answer, answer


async def test_a_time_error_is_said_once(bot: Bot) -> None:
    team = await make_team(bot, {"Анна": ("anna", Role.ORGANIZER)})
    anna = team.people["Анна"]
    answer = await anna.say("/event Планёрка; когда-нибудь; @all")
    assert answer.count("Не понял время") == 1, answer
    answer = await anna.say("/event Планёрка; 30 февраля в 10; @all")
    assert "Такой даты нет: 30 февраля" in answer, answer
    answer = await anna.say("/event Планёрка; через -1 час; @all")
    assert "отрицательным" in answer, answer


async def test_event_flags_written_as_separate_parts(bot: Bot) -> None:
    team = await make_team(bot, {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)})
    anna = team.people["Анна"]
    answer = await anna.say(
        "/event Планёрка; завтра в 10; @all; за 15 минут; подтверждение; кворум 2"
    )
    assert "Планёрка" in answer and "Не понял" not in answer, answer
    answer = await anna.say("/event Склад; завтра в 11; @all; срочно; подтверждение")
    assert "Не понял" not in answer, answer
    answer = await anna.say("/event Обед; завтра в 12; @all; подтверждение; за 1 час; срочно")
    assert "Не понял" not in answer, answer
    events = {e.title: e for e in await events_of(bot, anna)}
    assert events["Планёрка"].confirm_required and events["Планёрка"].quorum == 2
    assert events["Склад"].urgent and events["Склад"].confirm_required
    assert events["Обед"].urgent and events["Обед"].confirm_required
    answer = await anna.say("/event Ужин; завтра в 19; @all; подтверждение; громко")
    assert "Не понял флаги" in answer, answer
