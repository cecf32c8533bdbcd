"""Issue 15, defect 6: switching the current team is never silent, answers that depend on
it name it (for someone in several teams), /team alone switches with buttons, an owner's
/events shows what other organizers created, and a long /events pages."""

from __future__ import annotations

import re

from maxremind.domain.models import Role
from tests.bot.conftest import Bot
from tests.bot.people_kit import bot, database, join, new_team, settle
from tests.bot.test_events_support import make_team, wait_for_text

__all__ = ["bot"]  # the fixture with a higher per-chat rate


async def test_a_new_team_says_it_is_now_the_current_one(bot: Bot) -> None:
    olga, _ = await new_team(bot, "Склад Север")
    assert "👥 Команда «Склад Север»" in await olga.say("/members")
    answer = await olga.say("/team Второй отдел")
    assert "Команда «Второй отдел» создана" in answer, answer
    assert "Текущая команда теперь «Второй отдел» (была «Склад Север»)" in answer, answer
    assert "👥 Команда «Второй отдел»" in await olga.say("/members")
    # The name of a team one is in switches to it instead of founding another.
    answer = await olga.say("/team склад север")
    assert "Текущая команда теперь «Склад Север» (была «Второй отдел»)" in answer, answer
    assert "👥 Команда «Склад Север»" in await olga.say("/members")
    assert "и так текущая" in await olga.say("/team Склад Север")
    async with database(bot) as db:
        assert sorted(t.name for t in await db.list_teams_of_user(olga.user_id)) == [
            "Второй отдел",
            "Склад Север",
        ]


async def test_team_alone_switches_with_buttons(bot: Bot) -> None:
    olga, _ = await new_team(bot, "Склад Север")
    await olga.say("/team Второй отдел")
    answer = await olga.say("/team")
    assert "Сейчас команды относятся к «Второй отдел»" in answer, answer
    labels = [b["text"] for b in olga.buttons()]
    assert labels == ["Склад Север", "✅ Второй отдел"] or labels == [
        "✅ Второй отдел",
        "Склад Север",
    ], labels
    await olga.press("Склад Север")
    said = await wait_for_text(olga, "Текущая команда теперь «Склад Север»")
    assert "(была «Второй отдел»)" in said and "/members" in said, said
    assert "👥 Команда «Склад Север»" in await olga.say("/members")


async def test_joining_a_second_team_says_it_became_current(bot: Bot) -> None:
    _, link = await new_team(bot, "Склад Север")
    ivan = bot.phone("Иван", username="ivan")
    await ivan.start()
    await ivan.say("/team Своя команда")
    before = len(ivan.messages())
    bot.emulator.open_deep_link(ivan.user_id, link)
    said = await wait_for_text(ivan, "Вы в команде «Склад Север»")
    assert len(ivan.messages()) > before
    assert "Текущая команда теперь «Склад Север»" in said, said
    # Someone in one team only is not told about switching (nothing switched).
    await join(bot, link, "Пётр")
    await settle()


async def test_the_owner_sees_other_organizers_events_and_their_team(bot: Bot) -> None:
    team = await make_team(
        bot,
        {
            "Ольга": ("olga", Role.OWNER),
            "Анна": ("anna", Role.ORGANIZER),
            "Борис": ("boris", Role.MEMBER),
        },
        {"продажи": ["Борис"]},
    )
    olga, anna = team.people["Ольга"], team.people["Анна"]
    await anna.say("/event Обход склада; завтра в 10:00; #продажи; за 15 минут")
    listing = await olga.say("/events")
    assert "Обход склада" in listing and "👤 Анна" in listing, listing
    assert "Команда" not in listing  # one team: no need to say which
    # In a second team, each line and the event's card name the team.
    await olga.say("/team Второй отдел")
    listing = await olga.say("/events")
    assert "Обход склада" in listing and "👥 Команда «Ромашка»" in listing, listing
    echo = await olga.say("/event Планёрка; завтра в 11:00; @all; за 15 минут")
    assert "👥 Команда «Второй отдел»" in echo, echo
    intro = await olga.say("/event")
    assert "👥 Команда «Второй отдел»" in intro, intro


async def test_a_long_events_list_pages(bot: Bot) -> None:
    team = await make_team(bot, {"Ольга": ("olga", Role.OWNER), "Анна": ("anna", Role.ORGANIZER)})
    olga, anna = team.people["Ольга"], team.people["Анна"]
    for day in range(1, 13):
        await anna.say(f"/event Смена {day:02d}; через {day} дня в 10:00; @all; за 15 минут")
    listing = await olga.say("/events")
    assert "стр. 1 из 2" in listing, listing
    assert "Смена 10" in listing and "Смена 11" not in listing, listing
    labels = [b["text"] for b in olga.buttons()]
    assert "Дальше ▶️" in labels and "◀️ Назад" not in labels, labels
    await olga.press("Дальше ▶️")
    page = olga.last()
    assert "стр. 2 из 2" in page and "Смена 11" in page and "Смена 12" in page, page
    assert "Смена 01" not in page
    labels = [b["text"] for b in olga.buttons()]
    assert "◀️ Назад" in labels and "Дальше ▶️" not in labels, labels
    await olga.press("◀️ Назад")
    assert "стр. 1 из 2" in olga.last()


CYRILLIC = re.compile("[а-яёА-ЯЁ]")


async def test_an_english_owner_is_told_in_english(bot: Bot) -> None:
    jane = bot.phone("Jane", username="jane", locale="en")
    await jane.start()
    await jane.say("/team North")
    answer = await jane.say("/team South")
    assert "Your current team is now “South” (was “North”)" in answer, answer
    answer = await jane.say("/team")
    assert "Commands now apply to “South”" in answer, answer
    await jane.press("North")
    said = await wait_for_text(jane, "Your current team is now “North”")
    assert "(was “South”)" in said, said
    assert "already your current team" in await jane.say("/team north")
    for text in jane.texts():
        assert not CYRILLIC.search(text), text
