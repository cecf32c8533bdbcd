"""The emulator opens the bot's mini-app as MAX does: the registered URL with signed
launch data in the fragment, for the phone's user and the open_app button's payload."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest

from maxremind.domain.webapp import InitData, InitDataRefused, check_init_data
from maxremind.emulator import Emulator
from maxremind.emulator.models import User
from tests.harness import free_port, product_settings

from .conftest import TOKEN, keyboard

APP = "http://127.0.0.1:9/app?from=max"


def fragment(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    return parse_qs(parts.fragment, keep_blank_values=True)


def check(init_data: str, token: str = TOKEN) -> InitData:
    return check_init_data(init_data, token, now=datetime.now(UTC), max_age=timedelta(minutes=5))


async def test_launch_gives_the_registered_url_with_signed_data_for_the_user(
    control: httpx.AsyncClient, anna: User
) -> None:
    registered = await control.put("/miniapp", json={"url": APP})
    assert registered.status_code == 200 and registered.json() == {"url": APP}
    assert (await control.get("/state")).json()["bot"]["mini_app_url"] == APP

    answer = await control.post(
        "/miniapp-launch",
        json={"user_id": anna.user_id, "web_app": "maxremind_bot", "payload": "event-42"},
    )
    assert answer.status_code == 200, answer.text
    url = answer.json()["url"]
    assert url.startswith(APP + "#")
    launch = fragment(url)
    assert launch["WebAppPlatform"] == ["web"] and launch["WebAppVersion"][0]
    # parse_qs decoded the fragment value once: that is window.WebApp.initData.
    (init_data,) = launch["WebAppData"]
    data = check(init_data)
    assert data.user_id == anna.user_id
    assert data.first_name == "Анна" and data.last_name == "Иванова"
    assert data.username == "anna" and data.language_code == "ru"
    assert data.start_param == "event-42" and data.chat is None
    # The still-encoded fragment value is accepted too, and only our token signs it.
    raw = urlsplit(url).fragment.split("&")[0].removeprefix("WebAppData=")
    assert check(raw).user_id == anna.user_id
    with pytest.raises(InitDataRefused) as refused:
        check(init_data, token="another-bot-token")
    assert refused.value.reason == "hash"


async def test_each_launch_is_fresh_and_payload_is_optional(
    emulator: Emulator, control: httpx.AsyncClient, anna: User
) -> None:
    emulator.register_mini_app(APP)
    first = await control.post("/miniapp-launch", json={"user_id": anna.user_id})
    second = await control.post("/miniapp-launch", json={"user_id": anna.user_id})
    a, b = (fragment(r.json()["url"])["WebAppData"][0] for r in (first, second))
    assert a != b  # a new query_id each time
    assert check(a).start_param is None


async def test_launch_from_a_group_chat_says_which_chat(
    emulator: Emulator, control: httpx.AsyncClient, anna: User
) -> None:
    emulator.register_mini_app(APP)
    chat = emulator.create_chat("Команда", anna.user_id)
    answer = await control.post(
        "/miniapp-launch", json={"user_id": anna.user_id, "chat_id": chat.chat_id}
    )
    data = check(fragment(answer.json()["url"])["WebAppData"][0])
    assert data.chat == {"id": chat.chat_id, "type": "chat"}
    outsider = emulator.create_user("Борис")
    refused = await control.post(
        "/miniapp-launch", json={"user_id": outsider.user_id, "chat_id": chat.chat_id}
    )
    assert refused.status_code == 403


async def test_an_unregistered_bot_gets_a_clear_error(
    control: httpx.AsyncClient, anna: User
) -> None:
    answer = await control.post("/miniapp-launch", json={"user_id": anna.user_id})
    assert answer.status_code == 404
    body = answer.json()
    assert body["code"] == "miniapp.not.registered"
    assert "@maxremind_bot" in body["message"] and "/_emulator/miniapp" in body["message"]
    # Registered, then removed again: the same error.
    await control.put("/miniapp", json={"url": APP})
    assert (await control.delete("/miniapp")).json() == {"url": None}
    again = await control.post("/miniapp-launch", json={"user_id": anna.user_id})
    assert again.json()["code"] == "miniapp.not.registered"


@pytest.mark.parametrize(
    "target",
    [
        {"web_app": "maxremind_bot"},
        {"web_app": "@MaxRemind_Bot"},
        {"web_app": "https://max.ru/maxremind_bot"},
        {"contact_id": 5_000_001},
    ],
)
async def test_the_button_may_name_the_bot_by_username_link_or_id(
    emulator: Emulator, control: httpx.AsyncClient, anna: User, target: dict[str, object]
) -> None:
    emulator.register_mini_app(APP)
    answer = await control.post("/miniapp-launch", json={"user_id": anna.user_id, **target})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    "target",
    [
        {"web_app": "other_bot"},
        {"web_app": "https://evil.example/maxremind_bot"},
        {"contact_id": 1},
    ],
)
async def test_another_bots_mini_app_is_refused(
    emulator: Emulator, control: httpx.AsyncClient, anna: User, target: dict[str, object]
) -> None:
    emulator.register_mini_app(APP)
    answer = await control.post("/miniapp-launch", json={"user_id": anna.user_id, **target})
    assert answer.status_code == 400
    assert "only @maxremind_bot" in answer.json()["message"]


@pytest.mark.parametrize(
    "url", ["ftp://x.example/app", "/app", "https://x.example/app#frag", "not a url"]
)
async def test_registering_a_bad_url_is_refused(control: httpx.AsyncClient, url: str) -> None:
    answer = await control.put("/miniapp", json={"url": url})
    assert answer.status_code == 400
    assert (await control.get("/miniapp")).json() == {"url": None}


async def test_unknown_user_and_bad_fields(emulator: Emulator, control: httpx.AsyncClient) -> None:
    emulator.register_mini_app(APP)
    assert (await control.post("/miniapp-launch", json={"user_id": 42})).status_code == 404
    bad = await control.post("/miniapp-launch", json={"user_id": "x"})
    assert bad.status_code == 400


def test_registered_at_construction() -> None:
    emulator = Emulator(TOKEN, mini_app_url=APP)
    user = emulator.create_user("Анна", locale="en")
    url = emulator.launch_mini_app(user.user_id, "p 1&2")
    init_data = unquote(urlsplit(url).fragment.split("&")[0].removeprefix("WebAppData="))
    data = check(init_data)
    assert data.start_param == "p 1&2" and data.language_code == "en"
    with pytest.raises(ValueError, match="http"):
        Emulator(TOKEN, mini_app_url="javascript:alert(1)")


async def test_open_app_buttons_pass_the_official_schema(
    emulator: Emulator, bot: httpx.AsyncClient, anna: User
) -> None:
    body = {
        "text": "Открыть приложение",
        "attachments": [
            keyboard(
                {"type": "open_app", "text": "Приложение", "web_app": "maxremind_bot"},
                {
                    "type": "open_app",
                    "text": "Событие",
                    "web_app": "maxremind_bot",
                    "payload": "e1",
                },
                {"type": "open_app", "text": "По id", "contact_id": 5_000_001},
            )
        ],
    }
    sent = await bot.post("/messages", params={"user_id": anna.user_id}, json=body)
    assert sent.status_code == 200, sent.text
    assert emulator.violations == []
    buttons = emulator.bot_messages(user_id=anna.user_id)[-1].buttons()
    assert [b.get("payload") for b in buttons] == [None, "e1", None]
    # A field the schema does not list is accepted, as MAX does, and reported as a warning.
    wrong: dict[str, object] = {
        "type": "open_app",
        "text": "x",
        "web_app": "maxremind_bot",
        "url": "https://x",
    }
    refused = await bot.post(
        "/messages",
        params={"user_id": anna.user_id},
        json={"text": "x", "attachments": [keyboard(wrong)]},
    )
    assert refused.status_code == 200 and not emulator.violations
    assert any("'url' was unexpected" in w for w in emulator.warnings)
    emulator.warnings.clear()
    # The stored button keeps the extra field, so the answer echoes it back.
    emulator.response_violations.clear()


async def test_demo_registers_the_products_mini_app(tmp_path: Path) -> None:
    """`maxremind demo` registers `<web UI>/app`, so open_app buttons open the product."""
    from maxremind.demo import run_demo  # the whole product: only this test needs it

    port = free_port()
    stop = asyncio.Event()
    settings = product_settings("http://unused", tmp_path, log_level="warning")
    demo = asyncio.create_task(
        run_demo(settings, emulator_port=port, data_dir=str(tmp_path / "data"), stop=stop)
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/_emulator") as control:
            registered: str | None = None
            for _ in range(200):
                with contextlib.suppress(httpx.TransportError):
                    registered = (await control.get("/miniapp")).json()["url"]
                if registered or demo.done():
                    break
                await asyncio.sleep(0.05)
            assert registered is not None and registered.endswith("/app")
            assert urlsplit(registered).hostname == "127.0.0.1"
            user = (await control.post("/users", json={"name": "Анна"})).json()
            launched = await control.post("/miniapp-launch", json={"user_id": user["user_id"]})
            assert launched.json()["url"].startswith(registered + "#WebAppData=")
    finally:
        stop.set()
        assert await asyncio.wait_for(demo, 15) == 0
