"""Onboarding as people live it: a team, its invite link, joining, several teams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.bot.conftest import Bot
from tests.bot.people_kit import bot, database, link_in, new_team, open_link

__all__ = ["bot"]  # the fast-dialog fixture


async def test_owner_gets_a_link_at_once_and_a_colleague_joins_by_it(bot: Bot) -> None:
    owner = bot.phone("Ольга", username="olga")
    await owner.start()
    created = await owner.say("/team Склад Север")
    assert "«Склад Север» создана" in created and "владелец" in created
    link = link_in(created)
    assert link.startswith(f"https://max.ru/{bot.running.bot.username}?start=")
    assert len(link.split("start=")[1]) <= 128

    ivan = bot.phone("Иван", username="ivan")
    welcome = await open_link(ivan, link)
    assert "Вы в команде «Склад Север»" in welcome and "/tz" in welcome
    again = await open_link(ivan, link)
    assert "уже в команде" in again

    members = await owner.say("/members")
    assert "Ольга (@olga) — владелец" in members and "Иван (@ivan) — участник" in members


async def test_group_invite_with_limits_and_every_unusable_case(bot: Bot) -> None:
    owner, _ = await new_team(bot)
    await owner.say("/group new Водители")
    answer = await owner.say("/invite #водители 7d 1")
    assert "группа «Водители»" in answer and "использовано 0 из 1" in answer
    group_link = link_in(answer)

    anna = bot.phone("Анна")
    assert "группа «Водители»" in await open_link(anna, group_link)
    boris = bot.phone("Борис")
    assert "максимальное число" in await open_link(boris, group_link)
    assert "Водители" in await anna.say("/me")

    # Revoking from the list of invites.
    fresh = link_in(await owner.say("/invite 24ч"))
    listing = await owner.say("/invites")
    assert fresh in listing
    await owner.press("Отозвать 1")
    assert "отозвано" in await open_link(boris, fresh)

    # Expired and unknown codes.
    async with database(bot) as storage:
        team = (await storage.list_teams_of_user(owner.user_id))[0]
        await storage.create_invite(
            "expired-code-0123456789",
            team_id=team.id,
            group_id=None,
            created_by=owner.user_id,
            expires_at=datetime.now(UTC) - timedelta(minutes=1),
            max_uses=None,
        )
    assert "истёк" in await open_link(boris, "expired-code-0123456789")
    assert "нет" in await open_link(boris, "no-such-code-0123456789")
    # Bad options change nothing and show an example.
    bad = await owner.say("/invite #Водители завтра")
    assert "«завтра»" in bad and "/invite #" in bad
    unknown = await owner.say("/invite #Сварщики")
    assert "«Сварщики» нет" in unknown and "#Водители" in unknown


async def test_english_speaker_is_onboarded_in_english(bot: Bot) -> None:
    _, link = await new_team(bot)
    john = bot.phone("John", username="john", locale="en")
    welcome = await open_link(john, link)
    assert "You joined the team “Склад Север”" in welcome
    assert "Your time zone" in await john.say("/me") or "Time zone" in john.last()


async def test_several_teams_are_listed_and_switched_with_buttons(bot: Bot) -> None:
    owner, _ = await new_team(bot, "Склад Север")
    await owner.say("/team Офис")
    teams = await owner.say("/teams")
    assert "Офис — владелец ✅" in teams and "Склад Север — владелец" in teams
    assert "выбрана" in await owner.press("Склад Север")
    assert "Команда «Склад Север»" in await owner.say("/members")
    assert "Склад Север — владелец ✅" in await owner.say("/teams")
