"""Numbers people type are bounded: a huge one gets a clear answer and changes nothing
(it used to overflow the database, and the command was dropped after three retries)."""

from __future__ import annotations

from tests.bot.conftest import Bot
from tests.bot.people_kit import bot, database, new_team

__all__ = ["bot"]  # the fast-dialog fixture


async def test_a_huge_quorum_is_refused_with_a_message_and_nothing_is_saved(bot: Bot) -> None:
    owner, _ = await new_team(bot)
    answer = await owner.say(
        "/event Планёрка; завтра в 10:00; @all; за 1 час; кворум 99999999999999999999"
    )
    assert "Кворум — это число от 1 до 10 000" in answer
    answer = await owner.say(
        "/event Планёрка; завтра в 10:00; @all; за 1 час; кворум " + "9" * 3900
    )
    assert "Кворум — это число от 1 до 10 000" in answer
    async with database(bot) as db:
        assert await db.list_events() == []


async def test_an_invite_limit_in_odd_digits_is_not_taken_for_a_number(bot: Bot) -> None:
    owner, _ = await new_team(bot)
    answer = await owner.say("/invite 7d ²")
    assert "²" in answer  # named as the word not understood, not a crash
    answer = await owner.say("/invite 7d " + "9" * 3900)
    assert "https://max.ru/" not in answer
    answer = await owner.say("/members " + "9" * 3900)
    assert "Ольга" in answer  # the first page, not a dropped command
