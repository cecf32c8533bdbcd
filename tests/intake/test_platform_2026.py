"""MAX's 2026 changes, through the emulator over HTTP and the whole product: bot_added
without `user`, update types the bot does not know (polling and webhook), and the
command menu registered at start-up."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from maxremind.bot.handlers import register_all
from maxremind.bot.menu import command_menu
from maxremind.bot.router import Router
from maxremind.domain.models import Language
from maxremind.emulator import api
from maxremind.emulator.app import Emulator
from maxremind.emulator.models import BadRequest
from maxremind.i18n import TEXTS, t
from maxremind.storage import open_storage
from tests.harness import free_port, product_settings, running_emulator, running_product, wait_for

NOT_A_COMMAND = TEXTS["not_a_command"][Language.RU]
NEW_TYPES = ("bot_admin_permissions_changed", "comment_created", "comment_removed")


def _chat_texts(emu: Emulator, chat_id: int) -> list[str]:
    return [m.text or "" for m in emu.bot_messages(chat_id=chat_id)]


async def _team_owner(emu: Emulator) -> int:
    owner = emu.create_user("Ольга", username="olga")
    emu.start_bot(owner.user_id)
    emu.send_message(owner.user_id, "/team Склад Север")
    await wait_for(lambda: len(emu.bot_messages(user_id=owner.user_id)) >= 2, what="team")
    return owner.user_id


def _last(emu: Emulator, user_id: int) -> str:
    return emu.bot_messages(user_id=user_id)[-1].text or ""


async def test_bot_added_without_user_says_in_the_chat_how_to_link_it(tmp_path: Path) -> None:
    async with (
        running_emulator(bot_added_without_user=True) as (emu, url),
        running_product(product_settings(url, tmp_path)),
    ):
        olga = await _team_owner(emu)
        # The chat's owner started the bot but organizes no team; MAX does not say who
        # added the bot: nobody can be asked privately.
        petr = emu.create_user("Пётр")
        emu.start_bot(petr.user_id)
        await wait_for(lambda: len(emu.bot_messages(user_id=petr.user_id)) == 1, what="hi")
        chat = emu.create_chat("Водители смены", petr.user_id, [olga])
        update = emu.add_bot_to_chat(chat.chat_id, olga)
        assert "user" not in update
        await wait_for(lambda: _chat_texts(emu, chat.chat_id) != [], what="the chat's hint")
        hint = _chat_texts(emu, chat.chat_id)[0]
        for lang in Language:
            assert t("ppl_chat_added_anonymous", lang) in hint
        assert "/link" in hint
        assert len(emu.bot_messages(user_id=olga)) == 2
        assert len(emu.bot_messages(user_id=petr.user_id)) == 1
        # An organizer follows the hint: /link in the chat asks them privately.
        emu.send_chat_message(chat.chat_id, olga, "/link")
        await wait_for(lambda: "К какой команде" in _last(emu, olga), what="the question")
        async with open_storage(product_settings(url, tmp_path).database_url) as storage:
            stored = await storage.get_chat(chat.chat_id)
        assert stored.title == "Водители смены"


async def test_bot_added_without_user_asks_the_chats_owner_when_they_organize(
    tmp_path: Path,
) -> None:
    async with (
        running_emulator() as (emu, url),
        running_product(product_settings(url, tmp_path)),
    ):
        olga = await _team_owner(emu)
        chat = emu.create_chat("Склад: смена", olga)
        emu.add_bot_to_chat(chat.chat_id, olga, with_user=False)
        await wait_for(lambda: "К какой команде" in _last(emu, olga), what="the question")
        assert "«Склад: смена»" in _last(emu, olga)
        await asyncio.sleep(0.3)
        assert _chat_texts(emu, chat.chat_id) == []  # asked privately, the chat is quiet


async def _no_errors_after(caplog: pytest.LogCaptureFixture, emu: Emulator, user_id: int) -> None:
    """The bot still answers, and nothing was logged as an error on the way."""
    emu.send_message(user_id, "просто текст")
    await wait_for(
        lambda: any(m.text == NOT_A_COMMAND for m in emu.bot_messages(user_id=user_id)),
        what="the answer after the new update types",
    )
    await asyncio.sleep(0.2)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert not any("update" in w and "refused" in w for w in warnings), warnings


async def _assert_stored_and_done(database_url: str) -> None:
    async with open_storage(database_url) as storage:
        assert await storage.inbox_pending(10) == []


async def test_update_types_the_bot_does_not_know_are_ignored_over_polling(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with running_emulator() as (emu, url):
        settings = product_settings(url, tmp_path)
        async with running_product(settings):
            user = emu.create_user("Вера")
            emu.start_bot(user.user_id)
            await wait_for(lambda: len(emu.bot_messages(user_id=user.user_id)) == 1, what="hi")
            emu.send_other_update(NEW_TYPES[0], chat_id=-70_000_000_001, user_id=user.user_id)
            emu.send_other_update(NEW_TYPES[1], message_id="mid.1", comment={"text": "ок"})
            emu.send_other_update(NEW_TYPES[2], message_id="mid.1", comment_id="c1")
            await _no_errors_after(caplog, emu, user.user_id)
        await _assert_stored_and_done(settings.database_url)


async def test_update_types_the_bot_does_not_know_are_ignored_over_the_webhook(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    port = free_port()
    async with running_emulator(webhook_retry_delay=0.05, allow_local_http_webhooks=True) as (
        emu,
        url,
    ):
        settings = product_settings(
            url,
            tmp_path,
            mode="webhook",
            web_port=port,
            public_url=f"http://127.0.0.1:{port}",
            webhook_secret="hook-secret-123",
        )
        async with running_product(settings):
            assert emu.world.subscription is not None
            user = emu.create_user("Вера")
            emu.start_bot(user.user_id)
            await wait_for(lambda: len(emu.bot_messages(user_id=user.user_id)) == 1, what="hi")
            for kind in NEW_TYPES:
                emu.send_other_update(kind, chat_id=-70_000_000_001, message_id="mid.1")
            await _no_errors_after(caplog, emu, user.user_id)
            # Each was taken with 200 at the first try: none retried, none dropped.
            assert emu.webhook_stats.failed_attempts == 0
            assert emu.webhook_stats.delivered == len(NEW_TYPES) + 2
        await _assert_stored_and_done(settings.database_url)


def _expected_menu() -> list[dict[str, str]]:
    router = Router(None)  # type: ignore[arg-type]
    register_all(router)
    return [c.to_request() for c in command_menu(router)]


async def test_the_command_menu_is_registered_at_start_up(tmp_path: Path) -> None:
    expected = _expected_menu()
    async with running_emulator() as (emu, url), running_product(product_settings(url, tmp_path)):
        await wait_for(lambda: emu.world.commands != [], what="the command menu")
        assert emu.world.commands == expected
    names = [c["name"] for c in expected]
    router = Router(None)  # type: ignore[arg-type]
    register_all(router)
    # Every command /help lists is in the menu, without its slash, with its help text.
    helped = [n.lstrip("/") for n, c in router.commands.items() if c.help_key]
    assert names == helped[:32]
    for name, command in router.commands.items():
        if command.help_key and name.lstrip("/") in names:
            item = expected[names.index(name.lstrip("/"))]
            both = f"{t(command.help_key, Language.RU)} · {t(command.help_key, Language.EN)}"
            assert both.startswith(item["description"].rstrip("…"))
    assert all(1 <= len(c["description"]) <= 128 for c in expected)


async def test_a_refused_command_menu_does_not_stop_the_bot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def refuse(emu: Emulator, call: api.Call) -> tuple[int, dict[str, object]]:
        raise BadRequest("commands: refused for the test")

    monkeypatch.setitem(api.HANDLERS, "editMyCommands", refuse)
    caplog.set_level(logging.INFO)
    async with running_emulator() as (emu, url), running_product(product_settings(url, tmp_path)):
        user = emu.create_user("Пётр")
        emu.start_bot(user.user_id)
        await wait_for(lambda: len(emu.bot_messages(user_id=user.user_id)) == 1, what="welcome")
        lines = [r.getMessage() for r in caplog.records if "command menu" in r.getMessage()]
        assert len(lines) == 1 and "could not register" in lines[0], lines
        assert "\n" not in lines[0]
        assert emu.world.commands == []


async def test_a_slow_command_menu_does_not_hold_up_the_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    asked, release = asyncio.Event(), asyncio.Event()

    async def hang(emu: Emulator, call: api.Call) -> tuple[int, dict[str, object]]:
        asked.set()
        await asyncio.wait_for(release.wait(), 60)
        return 200, {"commands": []}

    monkeypatch.setitem(api.HANDLERS, "editMyCommands", hang)
    caplog.set_level(logging.INFO)
    async with running_emulator() as (_, url):
        async with running_product(product_settings(url, tmp_path)):
            await asyncio.wait_for(asked.wait(), 15)
            stopping = asyncio.get_running_loop().time()
        assert asyncio.get_running_loop().time() - stopping < 5
        release.set()
    assert not any("did not stop" in r.getMessage() for r in caplog.records)


def test_the_menu_language_is_the_instances_choice() -> None:
    router = Router(None)  # type: ignore[arg-type]
    register_all(router)
    help_key = router.commands["/remind"].help_key
    assert help_key is not None
    by_name = {
        language: {c.name: c.description for c in command_menu(router, language)}
        for language in ("ru", "en", "both")
    }
    ru, en = t(help_key, Language.RU), t(help_key, Language.EN)
    assert by_name["ru"]["remind"] == ru
    assert by_name["en"]["remind"] == en
    assert not any("а" <= ch.lower() <= "я" for d in by_name["en"].values() for ch in d or "")
    joined = f"{ru} · {en}"
    expected = joined if len(joined) <= 128 else joined[:127] + "…"
    assert by_name["both"]["remind"] == expected
    assert all(len(d or "") <= 128 for d in by_name["both"].values())


async def test_an_english_menu_is_registered_when_chosen(tmp_path: Path) -> None:
    async with (
        running_emulator() as (emu, url),
        running_product(product_settings(url, tmp_path, menu_language="en")),
    ):
        await wait_for(lambda: emu.world.commands != [], what="the command menu")
        help_text = next(c for c in emu.world.commands if c["name"] == "help")
        assert help_text["description"] == t("help_help", Language.EN)


async def test_the_menu_speaks_both_languages_by_default(tmp_path: Path) -> None:
    # One list per bot: by default each description reads in Russian and in English.
    async with (
        running_emulator() as (emu, url),
        running_product(product_settings(url, tmp_path)),
    ):
        await wait_for(lambda: emu.world.commands != [], what="the command menu")
        help_text = next(c for c in emu.world.commands if c["name"] == "help")
        assert help_text["description"] == (
            f"{t('help_help', Language.RU)} · {t('help_help', Language.EN)}"
        )
