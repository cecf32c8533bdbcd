from __future__ import annotations

import asyncio
import time

import httpx

from maxremind.emulator import Emulator
from maxremind.emulator.models import User


async def test_deep_link_start_carries_payload_and_locale(
    bot: httpx.AsyncClient, emulator: Emulator
) -> None:
    user = emulator.create_user("Ольга", locale="en")
    emulator.open_deep_link(user.user_id, "https://max.ru/maxremind_bot?start=team-42")
    (update,) = (await bot.get("/updates", params={"timeout": 0})).json()["updates"]
    assert update["update_type"] == "bot_started"
    assert (update["payload"], update["user_locale"]) == ("team-42", "en")
    assert update["chat_id"] == user.dialog_chat_id


async def test_marker_semantics(bot: httpx.AsyncClient, emulator: Emulator, anna: User) -> None:
    first = (await bot.get("/updates", params={"timeout": 0})).json()
    assert [u["update_type"] for u in first["updates"]] == ["bot_started"]
    # Not acknowledged yet: asking again without a marker repeats it.
    again = (await bot.get("/updates", params={"timeout": 0})).json()
    assert again == first
    emulator.send_message(anna.user_id, "раз")
    emulator.send_message(anna.user_id, "два")
    page = (
        await bot.get("/updates", params={"timeout": 0, "marker": first["marker"], "limit": 1})
    ).json()
    assert [u["message"]["body"]["text"] for u in page["updates"]] == ["раз"]
    rest = (await bot.get("/updates", params={"timeout": 0, "marker": page["marker"]})).json()
    assert [u["message"]["body"]["text"] for u in rest["updates"]] == ["два"]
    # Passing the last marker acknowledged everything before it.
    unacked = (await bot.get("/updates", params={"timeout": 0})).json()
    assert [u["message"]["body"]["text"] for u in unacked["updates"]] == ["два"]
    done = (await bot.get("/updates", params={"timeout": 0, "marker": rest["marker"]})).json()
    assert done["updates"] == []
    assert done["marker"] == rest["marker"]


async def test_types_filter(bot: httpx.AsyncClient, emulator: Emulator, anna: User) -> None:
    emulator.send_message(anna.user_id, "hi")
    answer = (await bot.get("/updates", params={"timeout": 0, "types": "message_created"})).json()
    assert [u["update_type"] for u in answer["updates"]] == ["message_created"]


async def test_long_poll_wakes_when_a_user_writes(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    marker = (await bot.get("/updates", params={"timeout": 0})).json()["marker"]

    async def write_later() -> None:
        await asyncio.sleep(0.3)
        emulator.send_message(anna.user_id, "проснись")

    started = time.monotonic()
    writer = asyncio.create_task(write_later())
    answer = await bot.get("/updates", params={"timeout": 10, "marker": marker}, timeout=15)
    await writer
    elapsed = time.monotonic() - started
    assert 0.25 < elapsed < 3
    assert answer.json()["updates"][0]["message"]["body"]["text"] == "проснись"


async def test_long_poll_times_out_empty(bot: httpx.AsyncClient, anna: User) -> None:
    marker = (await bot.get("/updates", params={"timeout": 0})).json()["marker"]
    started = time.monotonic()
    answer = (await bot.get("/updates", params={"timeout": 1, "marker": marker})).json()
    assert answer["updates"] == []
    assert 0.9 < time.monotonic() - started < 3
