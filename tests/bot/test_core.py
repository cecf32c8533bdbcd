"""Core bot behaviour every feature relies on: start, help, cancel, language, bad input."""

from __future__ import annotations

from tests.bot.conftest import Bot
from tests.harness import wait_for


async def test_start_explains_in_a_few_lines_and_help_lists_commands(bot: Bot) -> None:
    anna = bot.phone("Анна")
    welcome = await anna.start()
    assert "MAX Уведомления" in welcome and 2 <= len(welcome.splitlines()) <= 4
    help_text = await anna.say("/help")
    assert "/cancel" in help_text and "/lang" in help_text


async def test_unknown_command_suggests_the_closest(bot: Bot) -> None:
    anna = bot.phone("Анна")
    await anna.start()
    assert "/help" in await anna.say("/hepl")


async def test_language_switch_by_button(bot: Bot) -> None:
    anna = bot.phone("Анна")
    await anna.start()
    await anna.say("/lang")
    note = await anna.press("English")
    assert "English" in note
    assert "What I can do" in await anna.say("/help")


async def test_english_locale_gets_english(bot: Bot) -> None:
    john = bot.phone("John", locale="en")
    assert (await john.start()).startswith("Hi!")


async def test_forged_button_payload_is_stale_and_changes_nothing(bot: Bot) -> None:
    anna = bot.phone("Анна")
    await anna.start()
    await anna.say("/lang")
    target = anna.messages()[-1]
    button = target.buttons()[1]
    forged = button["payload"].replace("en", "ru", 1)
    bot.emulator.press_button(anna.user_id, target.mid, button["payload"])  # genuine first
    import asyncio

    await wait_for(lambda: len(anna.notifications()) >= 1, what="the genuine press's answer")
    await asyncio.sleep(0.3)
    # A payload the bot never signed (the emulator only checks it is a button of the message,
    # so we edit the stored button to carry a forged payload).
    button["payload"] = forged
    bot.emulator.press_button(anna.user_id, target.mid, forged)
    await wait_for(lambda: len(anna.notifications()) >= 2, what="the forged press's answer")
    assert "устарела" in anna.notifications()[-1] or "out of date" in anna.notifications()[-1]
