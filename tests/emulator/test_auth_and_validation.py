from __future__ import annotations

import httpx

from maxremind.emulator import Emulator
from maxremind.emulator.models import User

from .conftest import TOKEN, callback_button, keyboard


async def test_missing_or_wrong_token_is_401_verify_token(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as anon:
        for headers in ({}, {"Authorization": "nope"}, {"Authorization": f"Bearer {TOKEN}"}):
            answer = await anon.get("/me", headers=headers)
            assert answer.status_code == 401
            assert answer.json()["code"] == "verify.token"


async def test_token_in_query_is_refused_as_deprecated(base_url: str, emulator: Emulator) -> None:
    async with httpx.AsyncClient(base_url=base_url) as anon:
        answer = await anon.get("/me", params={"access_token": TOKEN})
    assert answer.status_code == 403
    assert answer.json()["code"] == "deprecated.token"
    assert any("access_token" in v for v in emulator.violations)


async def test_get_me_describes_the_bot(bot: httpx.AsyncClient) -> None:
    me = (await bot.get("/me")).json()
    assert me["is_bot"] is True
    assert me["username"] == "maxremind_bot"


async def test_text_longer_than_4000_is_400_and_a_violation(
    bot: httpx.AsyncClient, anna: User, emulator: Emulator
) -> None:
    answer = await bot.post(
        "/messages", params={"user_id": anna.user_id}, json={"text": "я" * 4001}
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "proto.payload"
    assert any("body.text" in v and "too long" in v for v in emulator.violations)
    ok = await bot.post("/messages", params={"user_id": anna.user_id}, json={"text": "я" * 4000})
    assert ok.status_code == 200


async def test_unknown_button_type_and_missing_callback_payload_are_400(
    bot: httpx.AsyncClient, anna: User, emulator: Emulator
) -> None:
    bad_type = keyboard({"type": "teleport", "text": "Go"})
    no_payload = keyboard({"type": "callback", "text": "Go"})
    for attachment in (bad_type, no_payload):
        answer = await bot.post(
            "/messages",
            params={"user_id": anna.user_id},
            json={"text": "x", "attachments": [attachment]},
        )
        assert answer.status_code == 400
    assert any("'teleport' is not one of" in v for v in emulator.violations)
    assert any("'payload' is a required property" in v for v in emulator.violations)


async def test_callback_payload_over_1024_is_rejected(bot: httpx.AsyncClient, anna: User) -> None:
    body = {"text": "x", "attachments": [keyboard(callback_button("A", "p" * 1025))]}
    answer = await bot.post("/messages", params={"user_id": anna.user_id}, json=body)
    assert answer.status_code == 400


async def test_malformed_bodies_get_a_clean_400_and_the_emulator_keeps_running(
    bot: httpx.AsyncClient, anna: User, emulator: Emulator
) -> None:
    params = {"user_id": anna.user_id}
    headers = {"Content-Type": "application/json"}
    for content in (b"{not json", b"\xff\xfe\xfa", b'"just a string"', b"[1,2]"):
        answer = await bot.post("/messages", params=params, content=content, headers=headers)
        assert answer.status_code == 400, content
        assert answer.json()["code"] == "proto.payload"
    huge = b'{"text": "' + b"a" * 2_000_000 + b'"}'
    answer = await bot.post("/messages", params=params, content=huge, headers=headers)
    assert answer.status_code == 400
    assert (await bot.get("/me")).status_code == 200
    assert len(emulator.violations) == 5


async def test_unknown_query_parameter_and_bad_types_are_violations(
    bot: httpx.AsyncClient, emulator: Emulator
) -> None:
    assert (await bot.get("/updates", params={"timeout": 0, "offset": 3})).status_code == 400
    assert (await bot.get("/updates", params={"timeout": "soon"})).status_code == 400
    assert (await bot.post("/uploads", params={"type": "photo"})).status_code == 400
    joined = "\n".join(emulator.violations)
    assert "query.offset: unknown query parameter" in joined
    assert "query.timeout" in joined
    assert "'photo' is not one of" in joined


async def test_valid_requests_record_no_violations(
    bot: httpx.AsyncClient, anna: User, emulator: Emulator
) -> None:
    body = {
        "text": "Собрание в *15:00*",
        "format": "markdown",
        "notify": False,
        "attachments": [
            {
                "type": "inline_keyboard",
                "payload": {
                    "buttons": [
                        [callback_button("Иду", "yes:1"), callback_button("Не иду", "no:1")],
                        [{"type": "link", "text": "Открыть", "url": "https://example.org/e/1"}],
                        [{"type": "message", "text": "Напомни позже"}],
                    ]
                },
            }
        ],
    }
    sent = await bot.post("/messages", params={"user_id": anna.user_id}, json=body)
    assert sent.status_code == 200, sent.text
    mid = sent.json()["message"]["body"]["mid"]
    assert (await bot.put("/messages", params={"message_id": mid}, json={"text": "ok"})).is_success
    assert (await bot.get("/messages", params={"message_ids": mid})).is_success
    assert (await bot.get(f"/messages/{mid}")).is_success
    types = "message_created,message_callback,bot_started"
    assert (
        await bot.get("/updates", params={"timeout": 0, "limit": 10, "types": types})
    ).is_success
    assert (await bot.get(f"/chats/{anna.dialog_chat_id}")).is_success
    assert (await bot.delete("/messages", params={"message_id": mid})).is_success
    assert emulator.violations == []


async def test_get_chats_is_gone_with_404(bot: httpx.AsyncClient, emulator: Emulator) -> None:
    answer = await bot.get("/chats")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not.found"
    assert any("no longer supported" in v for v in emulator.violations)


async def test_unknown_path_is_404_and_wrong_method_is_405(bot: httpx.AsyncClient) -> None:
    assert (await bot.get("/nothing/here")).status_code == 404
    answer = await bot.patch("/messages", json={})
    assert answer.status_code == 405
    assert answer.json()["code"] == "method.not.allowed"
