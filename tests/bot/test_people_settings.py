"""Personal settings: time zone, quiet hours, and /me; team defaults for admins."""

from __future__ import annotations

from tests.bot.conftest import Bot
from tests.bot.people_kit import bot, join, new_team

__all__ = ["bot"]  # the fast-dialog fixture


async def test_time_zone_by_button_city_name_and_offset(bot: Bot) -> None:
    owner, _ = await new_team(bot)
    shown = await owner.say("/tz")
    assert "действует пояс команды" in shown and "Москва (МСК)" in shown
    assert len(owner.buttons()) == 12
    assert "Новосибирск (МСК+4), сейчас" in await owner.press("Новосибирск")
    assert "Europe/Berlin" in await owner.say("/tz europe/berlin")
    assert "Екатеринбург (МСК+2)" in await owner.say("/tz UTC+5")
    assert "Камчатка (МСК+9)" in await owner.say("/tz мск+9")
    assert "Владивосток" in await owner.say("/tz Хабаровск")
    bad = await owner.say("/tz Марс")
    assert "Не знаю пояс «Марс»" in bad and "/tz +5" in bad
    assert "Ваш часовой пояс: Владивосток" in await owner.say("/tz")


async def test_quiet_hours_are_validated_and_shown(bot: Bot) -> None:
    owner, _ = await new_team(bot)
    assert "не заданы" in await owner.say("/quiet")
    assert "Тихие часы: 22:00-08:00" in await owner.say("/quiet 22:00-08:00")
    bad = await owner.say("/quiet 25:00-08:00")
    assert "Не понял «25:00-08:00»" in bad and "/quiet 22:00-08:00" in bad
    assert "22:00-08:00" in await owner.say("/quiet")
    assert "отключены" in await owner.say("/quiet off")
    assert "Тихие часы команды «Склад Север»: 23:00-07:00" in await owner.say(
        "/teamquiet 23:00-07:00"
    )
    assert "действуют часы команды" in await owner.say("/quiet")
    assert "Пояс команды «Склад Север»: Самара" in await owner.say("/teamtz Самара")
    # Bad team values get the same answers as personal ones and change nothing.
    assert "Не знаю пояс «Марс»" in await owner.say("/teamtz Марс")
    assert "Не понял «25:00-08:00»" in await owner.say("/teamquiet 25:00-08:00")
    assert "Самара" in await owner.say("/teamtz")
    assert "23:00-07:00" in await owner.say("/teamquiet")


async def test_me_shows_teams_role_groups_tags_and_settings(bot: Bot) -> None:
    owner, link = await new_team(bot)
    anna = await join(bot, link, "Анна", "anna")
    await owner.say("/group new Водители")
    await owner.say("/group add #Водители @anna")
    await owner.say("/tag стажёр @anna")
    await anna.say("/quiet 22:30-07:00")
    me = await anna.say("/me")
    for part in (
        "👤 Анна (@anna)",
        "🏢 Склад Север — участник ✅",
        "группы: Водители",
        "теги: стажёр",
        "Часовой пояс (как у команды): Москва (МСК)",
        "Тихие часы: 22:30-07:00",
        "Язык: Русский",
    ):
        assert part in me, part
    assert "«администратор»" in await anna.say("/teamtz Омск")
