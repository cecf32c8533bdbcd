"""An .ics file sent to the bot as an attachment is imported into the sender's team,
through the emulator and the whole product; the file is fetched from where MAX keeps it
(here a local server, so the instance allows private addresses).

The bot answers at once that the file is on its way; the import loop downloads it
outside the update's transaction and the result comes as a message of its own.  So a
slow file server holds up nobody else, and a file still waiting at a stop is imported
at the next start."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from maxremind.emulator import render
from tests.bot.conftest import Bot, Phone
from tests.calendar.conftest import Answer, Server
from tests.harness import product_settings, running_emulator, running_product, wait_for

FIXTURES = Path(__file__).parent / "fixtures"
ACCEPTED_RU = "📥 Файл получен, импортирую его в команду «{team}»"
DONE_RU = "📅 Календарь импортирован в команду «{team}»."


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    async with (
        running_emulator() as (emulator, url),
        running_product(
            product_settings(url, tmp_path, log_level="info", calendar_allow_private=True)
        ) as running,
    ):
        yield Bot(emulator, running, tmp_path)


async def send_file(phone: Phone, url: str, filename: str, locale: str = "ru") -> str:
    """What MAX sends the bot when a person attaches a file in their dialog with it;
    returns the bot's first answer."""
    world = phone.bot.emulator.world
    user = world.user(phone.user_id)
    assert user.dialog_chat_id is not None
    message = world._new_message(world.chats[user.dialog_chat_id], user.user_id, None)
    message.attachments = [
        {"type": "file", "payload": {"url": url, "token": "f1"}, "filename": filename, "size": 1}
    ]
    before = len(phone.messages())
    world._update("message_created", message=render.message(world, message), user_locale=locale)
    await wait_for(lambda: len(phone.messages()) > before, what="a reply to the file")
    return phone.texts()[before]


async def next_text(phone: Phone, after: int, timeout: float = 10.0) -> str:  # noqa: ASYNC109
    """The bot's message number ``after`` to this person, once it arrives."""
    await wait_for(lambda: len(phone.messages()) > after, timeout, what="the import's result")
    return phone.texts()[after]


async def test_an_ics_file_sent_to_the_bot_is_imported(bot: Bot, server: Server) -> None:
    server.answers["/files/google.ics"] = Answer(body=(FIXTURES / "google.ics").read_bytes())
    anna = bot.phone("Анна", username="anna")
    await anna.start()
    await anna.say("/team Отдел продаж")
    count = len(anna.messages())
    reply = await send_file(anna, server.url("/files/google.ics"), "Календарь.ics")
    assert reply.startswith(ACCEPTED_RU.format(team="Отдел продаж"))
    result = await next_text(anna, count + 1)
    assert DONE_RU.format(team="Отдел продаж") in result
    assert "Новых: 6" in result
    assert any("/events/import" in b.get("url", "") for b in anna.buttons())

    # Sent again: the same report, nothing new (imported once, then unchanged).
    count = len(anna.messages())
    await send_file(anna, server.url("/files/google.ics"), "Календарь.ics")
    again = await next_text(anna, count + 1)
    assert "Новых: 0" in again and "без изменений: 6" in again
    await asyncio.sleep(0.5)
    assert len(anna.messages()) == count + 2  # one answer and one result, no more

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
    assert len(server.seen) == seen

    # A web page instead of a calendar: the failure comes with its reason.
    server.answers["/files/broken.ics"] = Answer(
        200, b"<html>login</html>", {"content-type": "text/html"}
    )
    count = len(anna.messages())
    await send_file(anna, server.url("/files/broken.ics"), "broken.ics")
    failed = await next_text(anna, count + 1)
    assert failed.startswith("Календарь не импортирован: По ссылке веб-страница")


async def test_the_answer_and_the_result_in_english(bot: Bot, server: Server) -> None:
    server.answers["/files/google.ics"] = Answer(body=(FIXTURES / "google.ics").read_bytes())
    john = bot.phone("John", username="john", locale="en")
    await john.start()
    await john.say("/team Sales")
    count = len(john.messages())
    reply = await send_file(john, server.url("/files/google.ics"), "work.ics", locale="en")
    assert reply.startswith("📥 Got the file, importing it into “Sales”…")
    result = await next_text(john, count + 1)
    assert "📅 The calendar was imported into “Sales”." in result
    assert "New: 6" in result


async def test_a_slow_file_server_holds_up_nobody_else(bot: Bot, server: Server) -> None:
    server.answers["/files/slow.ics"] = Answer(
        body=(FIXTURES / "google.ics").read_bytes(), delay=4.0
    )
    anna = bot.phone("Анна", username="anna")
    boris = bot.phone("Борис", username="boris")
    await anna.start()
    await anna.say("/team Отдел продаж")
    await boris.start()
    count = len(anna.messages())

    started = time.monotonic()
    reply = await send_file(anna, server.url("/files/slow.ics"), "slow.ics")
    assert reply.startswith(ACCEPTED_RU.format(team="Отдел продаж"))
    assert time.monotonic() - started < 1.0  # answered at once, not after the download
    await wait_for(lambda: bool(server.seen), what="the download to start")

    # While MAX's file server takes its time, another person's command (a write: a new
    # team) is answered well within the delay (a loaded CI machine has taken a second:
    # the bound is half the delay).
    asked = time.monotonic()
    answer = await boris.say("/team Склад")
    assert time.monotonic() - asked < 2.0
    assert "Склад" in answer
    assert len(anna.messages()) == count + 1  # the import is still under way

    result = await next_text(anna, count + 1)
    assert DONE_RU.format(team="Отдел продаж") in result and "Новых: 6" in result
    assert time.monotonic() - started >= 4.0


async def test_a_file_waiting_at_a_stop_is_imported_at_the_next_start(
    tmp_path: Path, server: Server
) -> None:
    body = (FIXTURES / "google.ics").read_bytes()
    server.answers["/files/slow.ics"] = Answer(body=body, delay=5.0)
    async with running_emulator() as (emulator, url):
        settings = product_settings(url, tmp_path, log_level="info", calendar_allow_private=True)
        async with running_product(settings) as running:
            bot = Bot(emulator, running, tmp_path)
            anna = bot.phone("Анна", username="anna")
            await anna.start()
            await anna.say("/team Отдел продаж")
            count = len(anna.messages())
            await send_file(anna, server.url("/files/slow.ics"), "slow.ics")
            await wait_for(lambda: bool(server.seen), what="the download to start")
            stopping = time.monotonic()
        assert time.monotonic() - stopping < 4.0  # the stop did not wait for the download
        assert len(anna.messages()) == count + 1  # "importing…", no result yet
        with sqlite3.connect(tmp_path / "maxremind.db") as db:
            # Left waiting, and as if a run had died holding it (kill -9): the next start
            # takes the claim back.
            assert db.execute("SELECT count(*) FROM calendar_uploads").fetchone() == (1,)
            db.execute("UPDATE calendar_uploads SET claimed_until = 4102444800000")

        server.answers["/files/slow.ics"] = Answer(body=body)
        fetched = len(server.seen)
        async with running_product(settings):
            result = await next_text(anna, count + 1)
            assert DONE_RU.format(team="Отдел продаж") in result and "Новых: 6" in result
            await asyncio.sleep(0.5)
            assert len(anna.messages()) == count + 2
        assert len(server.seen) == fetched + 1
        with sqlite3.connect(tmp_path / "maxremind.db") as db:
            assert db.execute("SELECT count(*) FROM calendar_uploads").fetchone() == (0,)
