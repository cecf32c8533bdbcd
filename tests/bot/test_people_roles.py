"""Roles and members: who may do what, refusals that name the role, finding people."""

from __future__ import annotations

from tests.bot.conftest import Bot
from tests.bot.people_kit import bot, join, new_team, settle

__all__ = ["bot"]  # the fast-dialog fixture


async def test_roles_follow_the_rules_and_refusals_name_the_role(bot: Bot) -> None:
    owner, link = await new_team(bot)
    anna = await join(bot, link, "Анна", "anna")
    ivan = await join(bot, link, "Иван", "ivan")

    assert "«администратор»" in await ivan.say("/role @anna организатор")
    assert "Готово: Анна — администратор" in await owner.say("/role @anna admin")
    await settle(0.2)
    assert "теперь: администратор" in anna.last()

    assert "Готово: Иван — организатор" in await anna.say("/role @ivan organizer")
    # Only an owner touches admins and owners; the last owner stays one.
    assert "«владелец»" in await anna.say("/role @olga участник")
    assert "единственный владелец" in await owner.say("/role @olga member")
    assert "Пример: /role @anna" in await owner.say("/role @anna начальник")

    assert "Владельца убрать нельзя" in await anna.say("/remove @olga")
    assert "Иван больше не в команде" in await anna.say("/remove ivan")
    await settle(0.2)
    assert "Вас убрали из команды «Склад Север»" in ivan.last()
    assert "не в команде" in await ivan.say("/members")

    await owner.say("/leave")
    assert "единственный владелец" in await owner.press("Выйти")
    await anna.say("/leave")
    assert "Вы вышли из команды" in await anna.press("Выйти")


async def test_people_are_found_by_name_and_namesakes_are_asked_with_buttons(bot: Bot) -> None:
    owner, link = await new_team(bot)
    await join(bot, link, "Иван Петров")
    await join(bot, link, "Иван Сидоров", "sid")
    await join(bot, link, "Мария")

    assert "Мария — организатор" in await owner.say("/role мар организатор")
    question = await owner.say("/role @Иван организатор")
    assert "несколько" in question
    assert [b["text"] for b in owner.buttons()] == ["Иван Петров", "Иван Сидоров (@sid)"]
    await owner.press("Сидоров")
    await settle(0.2)
    assert "Иван Сидоров — организатор" in owner.last()
    assert "Иван Сидоров (@sid)" in await owner.say("/role @sidd member")  # did you mean
    assert "Не нашёл «Зоя»" in await owner.say("/remove Зоя")


async def test_members_are_paged_and_stopped_bots_are_marked_until_start(bot: Bot) -> None:
    owner, link = await new_team(bot)
    people = [await join(bot, link, f"Сотрудник {n:02}") for n in range(1, 18)]
    first = await owner.say("/members")
    assert "18 чел. (стр. 1/2)" in first and "Сотрудник 14" in first
    assert "Сотрудник 15" not in first
    second = await owner.press("Далее")
    assert "(стр. 2/2)" in second and "16. Сотрудник 15" in second
    assert "Сотрудник 01" not in second
    assert "стр. 1/2" in await owner.press("Назад")

    bot.emulator.stop_bot(people[0].user_id)
    await settle(0.3)
    assert "Сотрудник 01 — участник ⛔ бот остановлен" in await owner.say("/members")
    assert "С возвращением" in await people[0].start()
    assert "⛔" not in await owner.say("/members")
