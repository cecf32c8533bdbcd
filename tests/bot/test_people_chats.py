"""MAX group chats: linking one to a team and group, and keeping the group in step."""

from __future__ import annotations

from tests.bot.conftest import Bot
from tests.bot.people_kit import bot, database, join, new_team, settle
from tests.harness import wait_for

__all__ = ["bot"]  # the fast-dialog fixture


def chat_texts(bot: Bot, chat_id: int) -> list[str]:
    return [m.text or "" for m in bot.emulator.bot_messages(chat_id=chat_id)]


async def test_chat_is_linked_by_buttons_and_follows_who_joins_and_leaves(bot: Bot) -> None:
    owner, link = await new_team(bot)
    anna = await join(bot, link, "Анна", "anna")
    petr = bot.phone("Пётр", username="petr")  # never opened the bot
    chat = bot.emulator.create_chat("Водители смены", owner.user_id, [anna.user_id])

    bot.emulator.add_bot_to_chat(chat.chat_id, owner.user_id)
    await wait_for(lambda: "К какой команде" in owner.last(), what="the link question")
    assert "чат «Водители смены»" in owner.last()
    assert "какая группа" in await owner.press("Склад Север")
    linked = await owner.press("Новая группа «Водители смены»")
    assert "привязан к команде «Склад Север», группа «Водители смены»" in linked
    assert "Сейчас в группе 2 чел." in linked  # who was in the chat already
    await wait_for(lambda: any("Здравствуйте" in t for t in chat_texts(bot, chat.chat_id)))

    bot.emulator.add_chat_member(chat.chat_id, petr.user_id, by_user_id=owner.user_id)
    await settle()
    assert "• Водители смены — 3 чел." in await owner.say("/groups")
    assert "Пётр (@petr) — участник" in await owner.say("/members")
    bot.emulator.remove_chat_member(chat.chat_id, anna.user_id, by_user_id=owner.user_id)
    await settle()
    assert "• Водители смены — 2 чел." in await owner.say("/groups")

    # Commands in the chat: organizers get answers there, others learn the role needed.
    before = len(chat_texts(bot, chat.chat_id))
    bot.emulator.send_chat_message(chat.chat_id, petr.user_id, "/members")
    bot.emulator.send_chat_message(chat.chat_id, owner.user_id, "/members")
    await wait_for(lambda: len(chat_texts(bot, chat.chat_id)) >= before + 2)
    answers = chat_texts(bot, chat.chat_id)[before:]
    assert "«организатор»" in answers[0] and "Команда «Склад Север»" in answers[1]

    bot.emulator.remove_bot_from_chat(chat.chat_id, owner.user_id)
    await wait_for(lambda: "удалили из чата «Водители смены»" in owner.last())
    async with database(bot) as storage:
        stored = await storage.get_chat(chat.chat_id)
        assert not stored.active and stored.team_id is None


async def test_chat_added_by_someone_without_a_role_gets_told_how(bot: Bot) -> None:
    owner, link = await new_team(bot)
    anna = await join(bot, link, "Анна", "anna")
    chat = bot.emulator.create_chat("Болталка", anna.user_id, [owner.user_id])
    bot.emulator.add_bot_to_chat(chat.chat_id, anna.user_id)
    await wait_for(lambda: "организатор" in anna.last(), what="how to link")
    assert "/link" in anna.last()

    # An organizer links it from the chat with /link, choosing an existing group.
    await owner.say("/group new Болтуны")
    before = len(owner.messages())
    bot.emulator.send_chat_message(chat.chat_id, owner.user_id, "/link")
    await wait_for(lambda: len(owner.messages()) > before)
    await owner.press("Склад Север")
    linked = await owner.press("Болтуны")
    assert "группа «Болтуны»" in linked
