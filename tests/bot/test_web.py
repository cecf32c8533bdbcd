"""/web: a one-time sign-in link and the mini-app button, through the emulator over HTTP."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

import maxremind.app as app_module
from maxremind.bot.context import Services
from maxremind.services.access import AccessService
from tests.bot.conftest import Bot, Phone
from tests.harness import TOKEN, product_settings, running_emulator, running_product, wait_for


@pytest.fixture
async def web(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Bot, Services]]:
    """The product against the emulator, and the bot's services (to redeem links with).

    The bot's services are captured as app.py builds them; an app that does not hand the
    bot an access service or the web UI's address yet gets them here.
    """
    built: list[Services] = []

    def services(**fields: Any) -> Services:
        if "access" not in fields:
            storage = fields["users"].storage
            fields["access"] = AccessService(storage, bot_token=TOKEN, key=secrets.token_bytes(32))
        fields.setdefault("web_url", "")
        made = Services(**fields)
        built.append(made)
        return made

    monkeypatch.setattr(app_module, "BotServices", services)
    async with (
        running_emulator() as (emulator, url),
        running_product(product_settings(url, tmp_path, log_level="info")) as running,
    ):
        (bot_services,) = built
        if not bot_services.web_url:
            bot_services.web_url = running.web_url
        yield Bot(emulator, running, tmp_path), bot_services


def by_type(phone: Phone, kind: str) -> list[dict[str, Any]]:
    return [b for b in phone.buttons() if b.get("type") == kind]


async def test_web_sends_a_one_time_link_and_the_mini_app_button(
    web: tuple[Bot, Services],
) -> None:
    bot, services = web
    anna = bot.phone("Анна", username="anna")
    await anna.start()
    text = await anna.say("/web")
    assert "одноразовая" in text and "один раз" in text and "10 минут" in text
    (link,) = by_type(anna, "link")
    (app,) = by_type(anna, "open_app")
    assert link["text"] == "Войти в браузере" and app["text"] == "Открыть в MAX"
    assert app["web_app"] == "maxremind_bot" and app.get("payload") is None
    prefix = f"{services.web_url}/login#"
    assert link["url"].startswith(prefix) and services.web_url.startswith("http")
    token = link["url"].removeprefix(prefix)
    assert len(token) >= 22  # at least 128 random bits, URL-safe

    session = await services.access.redeem_login(token)
    assert session is not None and session.user_id == anna.user_id
    assert await services.access.redeem_login(token) is None  # once only

    await anna.say("/web")
    (again,) = by_type(anna, "link")
    assert again["url"] != link["url"]  # every /web makes a new link


async def test_the_mini_app_button_signs_in_the_person_who_pressed_it(
    web: tuple[Bot, Services],
) -> None:
    bot, services = web
    anna = bot.phone("Анна", username="anna")
    await anna.start()
    await anna.say("/web")
    (app,) = by_type(anna, "open_app")
    bot.emulator.register_mini_app(f"{services.web_url}/app")
    url = bot.emulator.launch_mini_app(anna.user_id, app.get("payload"), web_app=app["web_app"])
    assert url.startswith(f"{services.web_url}/app#")
    (init_data,) = parse_qs(urlsplit(url).fragment)["WebAppData"]
    signed_in = await services.access.sign_in_mini_app(init_data)
    assert signed_in.session.user_id == anna.user_id and signed_in.start_param is None


async def test_no_link_in_a_group_chat(web: tuple[Bot, Services]) -> None:
    bot, _ = web
    anna = bot.phone("Анна")
    await anna.start()
    chat = bot.emulator.create_chat("Команда", anna.user_id)
    bot.emulator.add_bot_to_chat(chat.chat_id, anna.user_id)
    bot.emulator.send_chat_message(chat.chat_id, anna.user_id, "/web")
    await wait_for(
        lambda: any(
            "/web" in (m.text or "") for m in bot.emulator.bot_messages(chat_id=chat.chat_id)
        ),
        what="the bot's answer in the chat",
    )
    (answer,) = [
        m for m in bot.emulator.bot_messages(chat_id=chat.chat_id) if "/web" in (m.text or "")
    ]
    assert "личном диалоге" in (answer.text or "")
    assert answer.buttons() == []
    # Nothing went to the dialog either.
    assert not any(b.get("type") == "link" for m in anna.messages() for b in m.buttons())


async def test_in_english(web: tuple[Bot, Services]) -> None:
    bot, _ = web
    john = bot.phone("John", locale="en")
    await john.start()
    text = await john.say("/web")
    assert "one-time link" in text and "works once" in text and "10 minutes" in text
    assert [b["text"] for b in john.buttons()] == ["Sign in (browser)", "Open in MAX"]
    assert "/web — sign in to the web UI" in await john.say("/help")
    chat = bot.emulator.create_chat("Team", john.user_id)
    bot.emulator.add_bot_to_chat(chat.chat_id, john.user_id)
    bot.emulator.send_chat_message(chat.chat_id, john.user_id, "/web")
    await wait_for(
        lambda: any(
            "private dialog" in (m.text or "")
            for m in bot.emulator.bot_messages(chat_id=chat.chat_id)
        ),
        what="the English answer in the chat",
    )


async def test_help_lists_web_in_russian(web: tuple[Bot, Services]) -> None:
    bot, _ = web
    anna = bot.phone("Анна")
    await anna.start()
    assert "/web — вход в веб-интерфейс" in await anna.say("/help")
