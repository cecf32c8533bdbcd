from __future__ import annotations

import httpx

from maxremind.emulator import Emulator
from maxremind.emulator.models import User

from .conftest import drain


async def test_messaging_a_user_who_never_started_the_bot_is_403(
    bot: httpx.AsyncClient, emulator: Emulator
) -> None:
    stranger = emulator.create_user("Пётр")
    for user_id in (stranger.user_id, 424242):
        answer = await bot.post("/messages", params={"user_id": user_id}, json={"text": "hi"})
        assert answer.status_code == 403
        assert answer.json()["code"] == "chat.denied"


async def test_messaging_a_user_who_stopped_the_bot_is_403(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    assert (
        await bot.post("/messages", params={"user_id": anna.user_id}, json={"text": "1"})
    ).is_success
    emulator.stop_bot(anna.user_id)
    answer = await bot.post("/messages", params={"user_id": anna.user_id}, json={"text": "2"})
    assert answer.status_code == 403
    by_chat = await bot.post(
        "/messages", params={"chat_id": anna.dialog_chat_id}, json={"text": "3"}
    )
    assert by_chat.status_code == 403


async def test_unknown_chat_and_message_are_404(bot: httpx.AsyncClient) -> None:
    assert (await bot.get("/chats/-123456")).status_code == 404
    assert (
        await bot.post("/messages", params={"chat_id": -99}, json={"text": "x"})
    ).status_code == 404
    assert (await bot.get("/messages/mid.0000")).status_code == 404
    answer = await bot.put("/messages", params={"message_id": "mid.0000"}, json={"text": "x"})
    assert answer.status_code == 404
    assert answer.json()["code"] == "not.found"


async def test_sent_message_is_shaped_like_max(bot: httpx.AsyncClient, anna: User) -> None:
    answer = await bot.post("/messages", params={"user_id": anna.user_id}, json={"text": "Привет"})
    message = answer.json()["message"]
    assert message["recipient"] == {
        "chat_id": anna.dialog_chat_id,
        "chat_type": "dialog",
        "user_id": anna.user_id,
    }
    assert message["body"]["mid"].startswith("mid.")
    assert message["body"]["text"] == "Привет"
    assert message["sender"]["is_bot"] is True


async def test_edit_and_delete_show_up_for_the_user(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    sent = await bot.post("/messages", params={"user_id": anna.user_id}, json={"text": "v1"})
    mid = sent.json()["message"]["body"]["mid"]
    await bot.put("/messages", params={"message_id": mid}, json={"text": "v2"})
    view = emulator.dialog_view(anna.user_id)["messages"][-1]
    assert (view["text"], view["edits"]) == ("v2", 1)
    assert (await bot.delete("/messages", params={"message_id": mid})).json() == {"success": True}
    assert emulator.bot_messages(user_id=anna.user_id) == []
    assert (await bot.get(f"/messages/{mid}")).status_code == 404


async def test_get_messages_by_chat_is_newest_first(bot: httpx.AsyncClient, anna: User) -> None:
    for text in ("one", "two"):
        await bot.post("/messages", params={"user_id": anna.user_id}, json={"text": text})
    listed = (await bot.get("/messages", params={"chat_id": anna.dialog_chat_id})).json()
    assert [m["body"]["text"] for m in listed["messages"]] == ["two", "one"]


async def test_group_chat_flow(bot: httpx.AsyncClient, emulator: Emulator, anna: User) -> None:
    boris = emulator.create_user("Борис", locale="en")
    chat = emulator.create_chat("Команда", anna.user_id, [boris.user_id])
    assert (await bot.get(f"/chats/{chat.chat_id}")).status_code == 403  # bot not in it yet
    marker = await drain(bot)
    emulator.add_bot_to_chat(chat.chat_id, anna.user_id)
    emulator.send_chat_message(chat.chat_id, boris.user_id, "hello all")
    updates = (await bot.get("/updates", params={"timeout": 0, "marker": marker})).json()["updates"]
    added, created = updates
    assert added["update_type"] == "bot_added"
    assert (added["chat_id"], added["user"]["user_id"], added["is_channel"]) == (
        chat.chat_id,
        anna.user_id,
        False,
    )
    assert created["message"]["recipient"]["chat_type"] == "chat"
    assert created["user_locale"] == "en"
    info = (await bot.get(f"/chats/{chat.chat_id}")).json()
    assert (info["type"], info["title"], info["participants_count"]) == ("chat", "Команда", 3)
    members = (await bot.get(f"/chats/{chat.chat_id}/members")).json()["members"]
    assert {m["user_id"] for m in members} == {
        anna.user_id,
        boris.user_id,
        emulator.world.bot.user_id,
    }
    me = (await bot.get(f"/chats/{chat.chat_id}/members/me")).json()
    assert me["is_admin"] is True
    sent = await bot.post("/messages", params={"chat_id": chat.chat_id}, json={"text": "Привет"})
    assert sent.status_code == 200
    assert [m.text for m in emulator.bot_messages(chat_id=chat.chat_id)] == ["Привет"]


async def test_membership_changes_produce_updates(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    vera = emulator.create_user("Вера")
    chat = emulator.create_chat("Клуб", anna.user_id)
    emulator.add_bot_to_chat(chat.chat_id, anna.user_id)
    marker = await drain(bot)
    emulator.add_chat_member(chat.chat_id, vera.user_id, by_user_id=anna.user_id)
    emulator.remove_chat_member(chat.chat_id, vera.user_id, by_user_id=anna.user_id)
    emulator.remove_bot_from_chat(chat.chat_id, anna.user_id)
    answer = (await bot.get("/updates", params={"timeout": 0, "marker": marker})).json()
    kinds = [u["update_type"] for u in answer["updates"]]
    assert kinds == ["user_added", "user_removed", "bot_removed"]
    assert answer["updates"][0]["inviter_id"] == anna.user_id
    sent = await bot.post("/messages", params={"chat_id": chat.chat_id}, json={"text": "x"})
    assert sent.status_code == 403


async def test_removing_the_dialog_sends_bot_stopped_and_dialog_removed(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    marker = await drain(bot)
    emulator.remove_dialog(anna.user_id)
    answer = (await bot.get("/updates", params={"timeout": 0, "marker": marker})).json()
    assert [u["update_type"] for u in answer["updates"]] == ["bot_stopped", "dialog_removed"]
