"""Update intake over real HTTP: polling survives restarts, the webhook de-duplicates."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from maxremind.domain.models import Language
from maxremind.i18n import TEXTS
from maxremind.storage import open_storage
from tests.harness import free_port, product_settings, running_emulator, running_product, wait_for

NOT_A_COMMAND = TEXTS["not_a_command"][Language.RU]


def _replies(emulator: object, user_id: int, text: str) -> int:
    return sum(1 for m in emulator.bot_messages(user_id=user_id) if m.text == text)  # type: ignore[attr-defined]


async def test_start_gets_a_welcome_over_polling(tmp_path: Path) -> None:
    async with running_emulator() as (emu, url), running_product(product_settings(url, tmp_path)):
        user = emu.create_user("Анна", username="anna")
        emu.start_bot(user.user_id)
        await wait_for(lambda: len(emu.bot_messages(user_id=user.user_id)) == 1, what="welcome")
        assert "MAX Уведомления" in (emu.bot_messages(user_id=user.user_id)[0].text or "")
        english = emu.create_user("John", locale="en")
        emu.start_bot(english.user_id)
        await wait_for(lambda: len(emu.bot_messages(user_id=english.user_id)) == 1, what="welcome")
        assert (emu.bot_messages(user_id=english.user_id)[0].text or "").startswith("Hi!")


async def test_restart_during_polling_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    async with running_emulator() as (emu, url):
        user = emu.create_user("Пётр")
        emu.start_bot(user.user_id)
        settings = product_settings(url, tmp_path)
        sent = 0
        for round_no in range(3):
            async with running_product(settings):
                for i in range(5):
                    emu.send_message(user.user_id, f"привет {round_no}-{i}")
                    sent += 1
                    await asyncio.sleep(0.01)
            # While the product is down, more messages arrive; they must wait for it.
            emu.send_message(user.user_id, f"пока вас не было {round_no}")
            sent += 1
        async with running_product(settings):
            await wait_for(
                lambda: _replies(emu, user.user_id, NOT_A_COMMAND) >= sent, what="replies"
            )
            await asyncio.sleep(0.3)  # anything duplicated would show up by now
        assert _replies(emu, user.user_id, NOT_A_COMMAND) == sent
        async with open_storage(settings.database_url) as storage:
            assert await storage.get_value("polling.marker") is not None


async def test_webhook_handles_redelivery_once_and_checks_secret(tmp_path: Path) -> None:
    port = free_port()
    secret = "hook-secret-123"
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
            webhook_secret=secret,
        )
        async with running_product(settings) as running:
            assert emu.world.subscription is not None
            assert emu.world.subscription.url == running.web_url + "/max/webhook"
            user = emu.create_user("Вера")
            emu.start_bot(user.user_id)  # pushed by the emulator to our webhook
            await wait_for(lambda: len(emu.bot_messages(user_id=user.user_id)) == 1, what="welcome")

            message = emu.send_message(user.user_id, "просто текст")
            update = next(
                u for u in reversed(emu.update_log) if u["update_type"] == "message_created"
            )
            hook = running.web_url + "/max/webhook"
            async with httpx.AsyncClient() as http:
                # MAX retries: the same update arrives again (and again).
                for _ in range(2):
                    r = await http.post(hook, json=update, headers={"X-Max-Bot-Api-Secret": secret})
                    assert r.status_code == 200
                await wait_for(
                    lambda: _replies(emu, user.user_id, NOT_A_COMMAND) >= 1, what="reply"
                )
                await asyncio.sleep(0.3)
                assert _replies(emu, user.user_id, NOT_A_COMMAND) == 1, message.mid

                wrong = await http.post(
                    hook, json=update, headers={"X-Max-Bot-Api-Secret": "nope!"}
                )
                missing = await http.post(hook, json=update)
                assert (wrong.status_code, missing.status_code) == (401, 401)
                as_json = {"X-Max-Bot-Api-Secret": secret, "Content-Type": "application/json"}
                bad_json = await http.post(hook, content=b"{not json", headers=as_json)
                bad_utf8 = await http.post(
                    hook, content=b'{"update_type": "\xff"}', headers=as_json
                )
                not_update = await http.post(hook, content=json.dumps([1, 2]), headers=as_json)
                assert (bad_json.status_code, bad_utf8.status_code, not_update.status_code) == (
                    400,
                    400,
                    400,
                )
                # The product keeps working after bad input.
                emu.send_message(user.user_id, "ещё текст")
                await wait_for(
                    lambda: _replies(emu, user.user_id, NOT_A_COMMAND) == 2, what="reply"
                )
                health = await http.get(running.web_url + "/healthz")
                assert health.status_code == 200


async def test_unknown_and_malformed_updates_do_not_stop_intake(tmp_path: Path) -> None:
    async with running_emulator() as (emu, url), running_product(product_settings(url, tmp_path)):
        user = emu.create_user("Ольга")
        emu.start_bot(user.user_id)
        await wait_for(lambda: len(emu.bot_messages(user_id=user.user_id)) == 1, what="welcome")
        emu.feed.append({"update_type": "message_created", "timestamp": 1})  # no message
        emu.feed.append({"update_type": "brand_new_type", "timestamp": 2, "x": {"y": 1}})
        emu.feed.append({"timestamp": 3})  # no type at all
        emu.send_message(user.user_id, "x" * 4000)
        await wait_for(lambda: _replies(emu, user.user_id, NOT_A_COMMAND) == 1, what="reply")
