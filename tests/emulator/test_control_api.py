from __future__ import annotations

import httpx

from maxremind.emulator import Emulator

from .conftest import callback_button, keyboard


async def test_phone_page_is_served(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as browser:
        for path in ("/", "/phone"):
            page = await browser.get(path)
            assert page.status_code == 200
            assert "text/html" in page.headers["content-type"]
            assert "/_emulator" in page.text


async def test_a_user_session_over_http(
    bot: httpx.AsyncClient, control: httpx.AsyncClient, emulator: Emulator
) -> None:
    created = await control.post(
        "/users", json={"name": "Дина", "username": "dina", "locale": "en"}
    )
    assert created.status_code == 201
    uid = created.json()["user_id"]
    early = await control.post(f"/users/{uid}/messages", json={"text": "hi"})
    assert early.status_code == 403  # must press Start first
    started = await control.post(
        f"/users/{uid}/start", json={"link": "https://max.ru/maxremind_bot?start=abc"}
    )
    assert started.json()["payload"] == "abc"
    assert (await control.post(f"/users/{uid}/messages", json={"text": "привет"})).is_success
    body = {"text": "Выбор", "attachments": [keyboard(callback_button("A", "pick:a"))]}
    sent = (await bot.post("/messages", params={"user_id": uid}, json=body)).json()
    mid = sent["message"]["body"]["mid"]
    pressed = await control.post(f"/users/{uid}/press", json={"mid": mid, "payload": "pick:a"})
    callback_id = pressed.json()["callback_id"]
    await bot.post("/answers", params={"callback_id": callback_id}, json={"notification": "Готово"})
    dialog = (await control.get(f"/users/{uid}")).json()
    assert dialog["user"]["started"] is True
    assert [m["text"] for m in dialog["messages"]] == ["привет", "Выбор"]
    assert dialog["messages"][1]["buttons"] == [[callback_button("A", "pick:a")]]
    assert dialog["notifications"][0]["text"] == "Готово"
    kinds = [u["update_type"] for u in (await control.get("/updates")).json()["updates"]]
    assert kinds == ["bot_started", "message_created", "message_callback"]


async def test_group_chat_over_http(control: httpx.AsyncClient, emulator: Emulator) -> None:
    owner = (await control.post("/users", json={"name": "Ира"})).json()["user_id"]
    guest = (await control.post("/users", json={"name": "Лев"})).json()["user_id"]
    chat = (await control.post("/chats", json={"title": "Дача", "owner_id": owner})).json()
    cid = chat["chat_id"]
    assert cid < 0
    assert (await control.post(f"/chats/{cid}/bot", json={"by_user_id": owner})).is_success
    added = await control.post(
        f"/chats/{cid}/members", json={"user_id": guest, "by_user_id": owner}
    )
    assert added.json()["member_ids"] == sorted([owner, guest])
    assert (
        await control.post(f"/chats/{cid}/messages", json={"user_id": guest, "text": "я тут"})
    ).is_success
    view = (await control.get(f"/chats/{cid}")).json()
    assert view["chat"]["bot_member"] is True
    assert [m["text"] for m in view["messages"]] == ["я тут"]
    assert (await control.delete(f"/chats/{cid}/members/{guest}")).is_success
    assert (await control.delete(f"/chats/{cid}/bot", params={"by_user_id": owner})).is_success
    state = (await control.get("/state")).json()
    assert state["chats"][0]["bot_member"] is False


async def test_control_errors_are_clean(control: httpx.AsyncClient) -> None:
    assert (await control.post("/users", content=b"{oops")).status_code == 400
    assert (await control.post("/users", json={"name": ""})).status_code == 400
    assert (await control.post("/users", json={"name": "X", "locale": "de"})).status_code == 400
    assert (await control.get("/users/999")).status_code == 404
    assert (await control.get("/users/abc")).status_code == 400
    uid = (await control.post("/users", json={"name": "Y"})).json()["user_id"]
    too_long = await control.post(f"/users/{uid}/start", json={"payload": "x" * 513})
    assert too_long.status_code == 400
    wrong_bot = await control.post(
        f"/users/{uid}/start", json={"link": "https://max.ru/other_bot?start=1"}
    )
    assert wrong_bot.status_code == 400


async def test_violations_and_stats_endpoints(
    bot: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await bot.get("/me", params={"bogus": 1})
    violations = (await control.get("/violations")).json()["violations"]
    assert violations == ["GET /me: query.bogus: unknown query parameter"]
    stats = (await control.get("/stats")).json()
    assert stats["requests"] == 1
    assert stats["by_status"] == {"400": 1}
    assert stats["violations"] == 1
    assert (await control.delete("/violations")).json()["violations"] == []
