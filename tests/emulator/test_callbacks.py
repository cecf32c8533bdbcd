from __future__ import annotations

import httpx
import pytest

from maxremind.emulator import Emulator, NotFound
from maxremind.emulator.models import User

from .conftest import callback_button, drain, keyboard


async def _send_poll(bot: httpx.AsyncClient, user: User) -> str:
    body = {
        "text": "Придёте?",
        "attachments": [
            keyboard(callback_button("Да", "rsvp:yes"), callback_button("Нет", "rsvp:no"))
        ],
    }
    answer = await bot.post("/messages", params={"user_id": user.user_id}, json=body)
    return str(answer.json()["message"]["body"]["mid"])


async def test_pressing_a_button_sends_message_callback(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    mid = await _send_poll(bot, anna)
    marker = await drain(bot)
    callback = emulator.press_button(anna.user_id, mid, "rsvp:yes")
    (update,) = (await bot.get("/updates", params={"timeout": 0, "marker": marker})).json()[
        "updates"
    ]
    assert update["update_type"] == "message_callback"
    assert update["callback"]["callback_id"] == callback.callback_id
    assert update["callback"]["payload"] == "rsvp:yes"
    assert update["callback"]["user"]["user_id"] == anna.user_id
    assert update["message"]["body"]["mid"] == mid
    assert update["user_locale"] == "ru"
    assert [p.payload for p in emulator.world.messages[mid].presses] == ["rsvp:yes"]


async def test_only_existing_callback_buttons_can_be_pressed(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    mid = await _send_poll(bot, anna)
    with pytest.raises(NotFound):
        emulator.press_button(anna.user_id, mid, "rsvp:maybe")
    other = emulator.create_user("Чужой")
    emulator.start_bot(other.user_id)
    with pytest.raises(PermissionError):
        emulator.press_button(other.user_id, mid, "rsvp:yes")


async def test_answer_edits_the_message_and_notifies_the_user(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    mid = await _send_poll(bot, anna)
    callback = emulator.press_button(anna.user_id, mid, "rsvp:no")
    answer = await bot.post(
        "/answers",
        params={"callback_id": callback.callback_id},
        json={
            "message": {"text": "Вы ответили: нет", "attachments": []},
            "notification": "Записал",
        },
    )
    assert answer.json() == {"success": True}
    view = emulator.dialog_view(anna.user_id)
    assert view["messages"][-1]["text"] == "Вы ответили: нет"
    assert view["messages"][-1]["buttons"] is None
    assert [n["text"] for n in view["notifications"]] == ["Записал"]
    fetched = (await bot.get(f"/messages/{mid}")).json()
    assert fetched["body"]["text"] == "Вы ответили: нет"


async def test_answer_to_unknown_callback_is_404_and_empty_answer_is_400(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    unknown = await bot.post(
        "/answers", params={"callback_id": "cb.nope"}, json={"notification": "x"}
    )
    assert unknown.status_code == 404
    mid = await _send_poll(bot, anna)
    callback = emulator.press_button(anna.user_id, mid, "rsvp:yes")
    empty = await bot.post("/answers", params={"callback_id": callback.callback_id}, json={})
    assert empty.status_code == 400
