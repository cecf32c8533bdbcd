"""/calendar: the personal feed's address in the dialog (https and webcal), which a calendar
app can fetch; a new address and turning it off by buttons; never in a group chat; in
/help in both languages.  The product runs against the emulator over real HTTP."""

from __future__ import annotations

import re

import httpx
from icalendar import Calendar

from tests.bot.conftest import Bot
from tests.harness import wait_for

URL = re.compile(r"(https?://\S+/cal/[A-Za-z0-9_-]+\.ics)")


async def test_calendar_gives_my_feed_and_buttons_renew_and_turn_it_off(bot: Bot) -> None:
    anna = bot.phone("Анна", username="anna")
    await anna.start()
    await anna.say("/team Отдел продаж")
    made = await anna.say("/event Планёрка; каждый понедельник в 10:00; @всем; за 1 час")
    assert "Планёрка" in made
    text = await anna.say("/calendar")
    (url,) = set(URL.findall(text))
    assert url.startswith(bot.running.web_url)
    assert "webcal://" + url.split("://", 1)[1] in text
    assert "как пароль" in text
    labels = [b["text"] for b in anna.buttons()]
    assert labels == ["Открыть ссылку", "🔄 Новая ссылка", "🚫 Отключить"]
    assert (await anna.say("/calendar")).count(url) >= 1  # the same address each time

    async with httpx.AsyncClient() as app:
        feed = await app.get(url)
        assert feed.status_code == 200
        assert feed.headers["content-type"].startswith("text/calendar")
        summaries = [str(v["SUMMARY"]) for v in Calendar.from_ical(feed.content).walk("VEVENT")]
        assert summaries == ["Планёрка"]
        assert (
            await app.get(url, headers={"if-none-match": feed.headers["etag"]})
        ).status_code == 304

        await anna.press("🔄 Новая ссылка")
        await wait_for(lambda: "больше не работает" in anna.last(), what="the new link")
        renewed = anna.last()
        (new_url,) = set(URL.findall(renewed))
        assert new_url != url
        assert (await app.get(url)).status_code == 404
        assert (await app.get(new_url)).status_code == 200

        await anna.press("🚫 Отключить")
        await wait_for(lambda: "Календарь отключён" in anna.last(), what="the feed turned off")
        assert (await app.get(new_url)).status_code == 404


async def test_never_in_a_group_chat_and_listed_in_help(bot: Bot) -> None:
    anna = bot.phone("Анна")
    await anna.start()
    assert "/calendar — ваши события в календаре" in await anna.say("/help")
    chat = bot.emulator.create_chat("Команда", anna.user_id)
    bot.emulator.add_bot_to_chat(chat.chat_id, anna.user_id)
    bot.emulator.send_chat_message(chat.chat_id, anna.user_id, "/calendar")
    await wait_for(
        lambda: any(
            "личном диалоге" in (m.text or "")
            for m in bot.emulator.bot_messages(chat_id=chat.chat_id)
        ),
        what="the bot's answer in the chat",
    )
    assert not any(
        "/cal/" in (m.text or "") for m in bot.emulator.bot_messages(chat_id=chat.chat_id)
    )

    john = bot.phone("John", locale="en")
    await john.start()
    assert "/calendar — your events in your phone's" in await john.say("/help")
    text = await john.say("/calendar")
    assert "like a password" in text and URL.search(text)
    assert [b["text"] for b in john.buttons()] == ["Open the link", "🔄 New link", "🚫 Turn off"]
