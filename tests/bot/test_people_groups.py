"""Groups and tags, by commands and by buttons; deleting a group puts its events on hold."""

from __future__ import annotations

from datetime import datetime, timedelta

from maxremind.domain.models import AudienceEntry, AudienceKind, EventStatus, NewEvent
from maxremind.engine.planner import Planner
from maxremind.services.events import EventService
from tests.bot.conftest import Bot
from tests.bot.people_kit import bot, database, join, new_team, settle

__all__ = ["bot"]  # the fast-dialog fixture


async def test_groups_by_commands(bot: Bot) -> None:
    owner, link = await new_team(bot)
    anna = await join(bot, link, "Анна", "anna")
    await join(bot, link, "Иван", "ivan")

    assert "«Отдел кадров» создана" in await owner.say("/group new Отдел кадров")
    assert "уже есть" in await owner.say("/group new отдел КАДРОВ")
    added = await owner.say("/group add #отдел кадров @anna @ivan")
    assert "Анна, Иван (новых: 2)" in added
    listing = await owner.say("/groups")
    assert "• Отдел кадров — 2 чел." in listing
    assert "убраны: Анна" in await owner.say("/group remove #Отдел_кадров @anna")
    renamed = await owner.say("/group rename #Отдел кадров Кадры")
    assert "«Отдел кадров» теперь называется «Кадры»" in renamed
    card = await owner.say("/group #кадры")
    assert "Группа «Кадры», 1 чел.\nИван" in card

    # Bad input changes nothing and says what was not understood.
    assert "«Склад» нет. Есть: #Кадры" in await owner.say("/group add #Склад @anna")
    assert "Не понял «frobnicate»" in await owner.say("/group frobnicate")
    assert "Не нашёл «petya»" in await owner.say("/group add #Кадры @petya")
    assert "«администратор»" in await anna.say("/group new Мой отдел")
    assert "Кадры — 1 чел." in await anna.say("/groups")  # members may look


async def test_group_members_by_buttons_with_pages(bot: Bot) -> None:
    owner, link = await new_team(bot)
    for n in range(1, 10):
        await join(bot, link, f"Водитель {n}")
    await owner.say("/group new Смена А")
    picker = await owner.press("Изменить состав")
    assert "Состав группы «Смена А» (0 чел.)" in picker and "(стр. 1/2)" in picker
    assert "✅ Водитель 1 в группе" in await owner.press("▫️ Водитель 1")
    assert any(b["text"] == "✅ Водитель 1" for b in owner.buttons())
    await owner.press("Далее")
    assert "✅ Ольга в группе" in await owner.press("▫️ Ольга")
    await owner.press("Назад")
    assert "▫️ Водитель 1 убран" in await owner.press("✅ Водитель 1")
    await owner.press("Готово")
    assert "Группа «Смена А»: 1 чел. Готово." in owner.last()


async def test_deleting_a_group_asks_first_and_puts_its_events_on_hold(bot: Bot) -> None:
    owner, link = await new_team(bot)
    anna = await join(bot, link, "Анна", "anna")
    await owner.say("/role @anna организатор")
    await owner.say("/group new Водители")
    await owner.say("/group add #Водители @anna @olga")
    async with database(bot) as storage:
        team = (await storage.list_teams_of_user(owner.user_id))[0]
        group = await storage.find_group(team.id, "водители")
        assert group is not None
        events = EventService(storage, Planner(storage, rps=10))
        event = await events.create(
            NewEvent(
                team_id=team.id,
                organizer_id=anna.user_id,
                title="Планёрка",
                start_local=(datetime.now() + timedelta(days=2)).replace(microsecond=0),
                timezone="Europe/Moscow",
                audience=(AudienceEntry(AudienceKind.GROUP, group.id),),
            )
        )
    question = await owner.say("/group delete #Водители")
    assert "Удалить группу «Водители»?" in question
    assert "ничего не меняю" in await owner.press("Не удалять")
    await owner.say("/groups")
    await owner.press("Водители")
    await owner.press("Удалить группу")
    done = await owner.press("Да, удалить")
    assert "«Водители» удалена" in done and "Планёрка" in done
    await settle(0.2)
    assert "событие «Планёрка» приостановлено" in anna.last()
    async with database(bot) as storage:
        assert (await storage.get_event(event.id)).status is EventStatus.FLAGGED
        assert await storage.find_group(team.id, "Водители") is None


async def test_tags(bot: Bot) -> None:
    owner, link = await new_team(bot)
    anna = await join(bot, link, "Анна", "anna")
    await join(bot, link, "Иван", "ivan")
    assert "Новый тег «водитель»: Анна, Иван" in await owner.say("/tag водитель @anna @ivan")
    assert "(новых: 0)" in await owner.say("/tag Водитель @anna")
    assert "• водитель (2): Анна, Иван" in await owner.say("/tags")
    assert "снят: Анна" in await owner.say("/untag водитель @anna")
    assert "Тега «сварщик» нет. Есть: водитель" in await owner.say("/untag сварщик @anna")
    assert "Пример: /tag" in await owner.say("/tag водитель")
    assert "«администратор»" in await anna.say("/tag водитель @anna")
    await owner.say("/tag водитель @olga")
    assert "теги: водитель" in await owner.say("/me")
