"""Issue 15: tags are renamed and deleted from the bot (typed or with the buttons of
/tags, after a confirmation), by admins as they are created; deleting a tag or a group
says how many people and events it touched, and an event put on hold is fixed by
picking whom to remind in the /event dialog."""

from __future__ import annotations

import re

from maxremind.domain.models import EventStatus
from tests.bot.conftest import Bot
from tests.bot.people_kit import bot, database, join, new_team, open_link, settle
from tests.bot.test_events_support import wait_for_text
from tests.harness import wait_for

__all__ = ["bot"]  # the fast-dialog fixture


async def test_tags_renamed_and_deleted_with_their_events_on_hold(bot: Bot) -> None:
    owner, link = await new_team(bot)
    boris = await join(bot, link, "Борис", "boris")
    await join(bot, link, "Вера", "vera")
    await owner.say("/tag водитель @boris @vera")
    await owner.say("/tag кладовщик @vera")
    created = await owner.say("/event Развоз; завтра в 9:00; #водитель; за 1 час")
    assert "#водитель" in created

    # Members see the list, without the buttons, and may not change tags.
    listing = await boris.say("/tags")
    assert "• водитель (2)" in listing and boris.buttons() == []
    assert "«администратор»" in await boris.say("/tags delete водитель")
    assert "«администратор»" in await boris.say("/tags rename водитель шофёр")

    # Rename with the buttons: the tag's card, then the new name typed.
    listing = await owner.say("/tags")
    assert "нажмите" in listing
    assert {b["text"] for b in owner.buttons()} == {"🏷 водитель", "🏷 кладовщик"}
    await owner.press("🏷 водитель")
    card = await wait_for_text(owner, "Тег «водитель»")
    assert "2 чел." in card and "Борис" in card
    await owner.press("Переименовать")
    assert "Как теперь назвать тег «водитель»" in owner.last()
    assert "уже есть" in await owner.say("Кладовщик")  # the dialog stays: another try
    renamed = await owner.say("шофёр")
    assert "«водитель» теперь называется «шофёр»" in renamed
    await owner.say("/events")
    await owner.press("🔎 1.")
    assert "#шофёр" in await wait_for_text(owner, "Ближайшие даты")  # the event follows

    # Typed rename with an arrow and delete: asked first, then what it touched.
    assert "«шофёр» теперь называется «водитель-экспедитор»" in await owner.say(
        "/tags rename шофёр → водитель-экспедитор"
    )
    assert "Тега «сварщик» нет" in await owner.say("/tags delete сварщик")
    question = await owner.say("/tags delete водитель-экспедитор")
    assert "Удалить тег «водитель-экспедитор»?" in question and "2 чел." in question
    await owner.press("Да, удалить")
    done = await wait_for_text(owner, "удалён: снят с 2 чел.")
    assert "Приостановлено событий: 1 (Развоз)" in done
    await wait_for_text(owner, "событие «Развоз» приостановлено")
    assert "водитель" not in await owner.say("/tags")
    assert "Вера" in await owner.say("/members")  # people stay

    async with database(bot) as storage:
        (event,) = await storage.list_events(organizer_id=owner.user_id)
        assert event.status is EventStatus.FLAGGED

    # The organizer picks whom to remind: the gone tag is not kept unseen.
    assert "⏸ на паузе" in await owner.say("/events")
    await wait_for(lambda: any(b["text"] == "✏️" for b in owner.buttons()), what="✏️")
    await owner.press("✏️")
    assert "(удалено)" in await wait_for_text(owner, "Изменение события")
    await owner.press("Изменить")
    await owner.press("Участники")
    await owner.press("🏷 кладовщик")
    await owner.press("Готово")
    assert "#кладовщик" in owner.last() and "(удалено)" not in owner.last()
    await owner.press("Сохранить")
    await wait_for_text(owner, "Событие изменено")
    async with database(bot) as storage:
        (event,) = await storage.list_events(organizer_id=owner.user_id)
        assert event.status is EventStatus.ACTIVE


async def test_a_group_renamed_from_its_card_and_deleted_says_how_many_it_had(bot: Bot) -> None:
    owner, link = await new_team(bot)
    boris = await join(bot, link, "Борис", "boris")
    await owner.say("/group new Смена")
    await owner.say("/group new Склад")
    await owner.say("/group add #Смена @boris @olga")
    await owner.say("/groups")
    await owner.press("Смена")
    await wait_for_text(owner, "Группа «Смена»")
    await owner.press("Переименовать")
    assert "Как теперь назвать группу «Смена»" in owner.last()
    assert "уже есть" in await owner.say("склад")  # the dialog stays: another try
    assert "«Смена» теперь называется «Смена А»" in await owner.say("Смена А")
    await boris.say("/groups")
    await boris.press("Смена А")
    card = await wait_for_text(boris, "Группа «Смена А»")
    assert "2 чел." in card and not any("Переименовать" in b["text"] for b in boris.buttons())
    await owner.say("/group delete #Смена А")
    done = await owner.press("Да, удалить")
    assert "«Смена А» удалена" in done and "было 2 чел." in done
    assert "Событий для этой группы не было." in done


async def test_tags_rename_and_delete_in_english(bot: Bot) -> None:
    john = bot.phone("John", username="john", locale="en")
    await john.start()
    team = await john.say("/team Depot")
    link = re.search(r"https://max\.ru/\S+\?start=[A-Za-z0-9_-]+", team)
    assert link is not None
    mary = bot.phone("Mary", username="mary", locale="en")
    await open_link(mary, link.group(0))
    await settle()
    await john.say("/tag driver @mary")
    listing = await john.say("/tags")
    assert "To rename or delete a tag, tap it." in listing
    await john.press("🏷 driver")
    card = await wait_for_text(john, "Tag “driver”")
    assert "1 person" in card
    await john.press("Rename")
    assert "What should the tag “driver” be called now?" in john.last()
    assert "is now called “chauffeur”" in await john.say("chauffeur")
    question = await john.say("/tags delete chauffeur")
    assert "Delete the tag “chauffeur”?" in question
    done = await john.press("Yes, delete")
    assert "came off 1 person" in done and "No event used this tag." in done
    assert "Example: /tags rename" in await john.say("/tags frobnicate")
    for text in john.texts():
        assert not re.search(r"[А-Яа-яЁё]", text.replace("русский", "")), text


async def test_buttons_and_the_rename_dialog_of_a_deleted_tag_or_group_say_it_is_gone(
    bot: Bot,
) -> None:
    owner, link = await new_team(bot)
    await join(bot, link, "Борис", "boris")
    await owner.say("/tag водитель @boris")
    await owner.say("/tags")
    await owner.press("🏷 водитель")
    await wait_for_text(owner, "Тег «водитель»")
    tag_card = owner.messages()[-1]
    await owner.say("/group new Смена")
    await owner.say("/groups")
    await owner.press("Смена")
    await wait_for_text(owner, "Группа «Смена»")
    group_card = owner.messages()[-1]

    # The rename dialog is open when the tag goes: the typed name says so, nothing else.
    await owner.press("Переименовать", tag_card)
    assert "Как теперь назвать тег «водитель»" in owner.last()
    async with database(bot) as storage:
        (team,) = await storage.list_teams_of_user(owner.user_id)
        (tag,) = await storage.list_tags(team.id)
        await storage.delete_tag(tag.id)
        (group,) = await storage.list_groups(team.id)
        await storage.delete_group(group.id)
    assert "Этого тега уже нет" in await owner.say("шофёр")
    # Each kind's buttons on the old cards: a tag's say the tag is gone, a group's that
    # the button is out of date.
    assert "Этого тега уже нет" in await owner.press("Удалить тег", tag_card)
    assert "Эта кнопка устарела" in await owner.press("Переименовать", group_card)
    assert "Эта кнопка устарела" in await owner.press("Удалить группу", group_card)
