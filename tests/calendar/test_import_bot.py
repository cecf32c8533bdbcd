"""An .ics file sent to the bot as an attachment is imported into the sender's team,
through the emulator and the whole product; the file is fetched from where MAX keeps it
(here a local server, so the instance allows private addresses)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from maxremind.emulator import render
from tests.bot.conftest import Bot, Phone
from tests.calendar.conftest import Answer, Server
from tests.harness import product_settings, running_emulator, running_product, wait_for

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    async with (
        running_emulator() as (emulator, url),
        running_product(
            product_settings(url, tmp_path, log_level="info", calendar_allow_private=True)
        ) as running,
    ):
        yield Bot(emulator, running, tmp_path)


async def send_file(phone: Phone, url: str, filename: str) -> str:
    """What MAX sends the bot when a person attaches a file in their dialog with it."""
    world = phone.bot.emulator.world
    user = world.user(phone.user_id)
    assert user.dialog_chat_id is not None
    message = world._new_message(world.chats[user.dialog_chat_id], user.user_id, None)
    message.attachments = [
        {"type": "file", "payload": {"url": url, "token": "f1"}, "filename": filename, "size": 1}
    ]
    before = len(phone.messages())
    world._update("message_created", message=render.message(world, message), user_locale="ru")
    await wait_for(lambda: len(phone.messages()) > before, what="a reply to the file")
    return phone.texts()[before]


async def test_an_ics_file_sent_to_the_bot_is_imported(bot: Bot, server: Server) -> None:
    server.answers["/files/google.ics"] = Answer(body=(FIXTURES / "google.ics").read_bytes())
    anna = bot.phone("Анна", username="anna")
    await anna.start()
    await anna.say("/team Отдел продаж")
    reply = await send_file(anna, server.url("/files/google.ics"), "Календарь.ics")
    assert "📅 Календарь импортирован в команду «Отдел продаж»." in reply
    assert "Новых: 6" in reply
    assert any("/events/import" in b.get("url", "") for b in anna.buttons())

    # Not a calendar file: said so, nothing fetched.
    seen = len(server.seen)
    reply = await send_file(anna, server.url("/files/photo.jpg"), "photo.jpg")
    assert "только файлы календаря .ics" in reply
    assert len(server.seen) == seen

    # Someone in no team yet is asked to choose one.
    boris = bot.phone("Борис", username="boris")
    await boris.start()
    reply = await send_file(boris, server.url("/files/google.ics"), "cal.ics")
    assert "команд" in reply  # no team yet: asked to choose one

    server.answers["/files/broken.ics"] = Answer(
        200, b"<html>login</html>", {"content-type": "text/html"}
    )
    reply = await send_file(anna, server.url("/files/broken.ics"), "broken.ics")
    assert reply.startswith("Календарь не импортирован: По ссылке веб-страница")
