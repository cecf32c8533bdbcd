from __future__ import annotations

import httpx

from maxremind.emulator.models import User


async def test_uploaded_file_token_works_in_a_file_attachment(
    bot: httpx.AsyncClient, anna: User
) -> None:
    endpoint = (await bot.post("/uploads", params={"type": "file"})).json()
    assert "token" not in endpoint
    async with httpx.AsyncClient() as uploader:
        uploaded = await uploader.post(
            endpoint["url"], files={"data": ("invite.ics", b"BEGIN:VCALENDAR")}
        )
    token = uploaded.json()["token"]
    body = {"text": "Файл", "attachments": [{"type": "file", "payload": {"token": token}}]}
    sent = await bot.post("/messages", params={"user_id": anna.user_id}, json=body)
    assert sent.status_code == 200, sent.text
    (attachment,) = sent.json()["message"]["body"]["attachments"]
    assert (attachment["filename"], attachment["size"]) == ("invite.ics", 15)
    async with httpx.AsyncClient() as uploader:
        again = await uploader.post(endpoint["url"], content=b"second")
    assert again.status_code == 400  # one file per upload URL


async def test_image_upload_answers_photo_tokens(bot: httpx.AsyncClient, anna: User) -> None:
    endpoint = (await bot.post("/uploads", params={"type": "image"})).json()
    async with httpx.AsyncClient() as uploader:
        photos = (await uploader.post(endpoint["url"], content=b"\x89PNG")).json()["photos"]
    (token,) = [p["token"] for p in photos.values()]
    body = {"text": None, "attachments": [{"type": "image", "payload": {"token": token}}]}
    assert (await bot.post("/messages", params={"user_id": anna.user_id}, json=body)).is_success


async def test_unknown_or_unfinished_tokens_are_refused(bot: httpx.AsyncClient, anna: User) -> None:
    unknown = {"text": "x", "attachments": [{"type": "file", "payload": {"token": "nope"}}]}
    assert (
        await bot.post("/messages", params={"user_id": anna.user_id}, json=unknown)
    ).status_code == 400
    video = (await bot.post("/uploads", params={"type": "video"})).json()
    early = {"text": "x", "attachments": [{"type": "video", "payload": {"token": video["token"]}}]}
    answer = await bot.post("/messages", params={"user_id": anna.user_id}, json=early)
    assert answer.status_code == 400
    assert answer.json()["code"] == "attachment.not.ready"


async def test_upload_url_needs_its_signature(bot: httpx.AsyncClient) -> None:
    endpoint = (await bot.post("/uploads", params={"type": "file"})).json()
    async with httpx.AsyncClient() as uploader:
        forged = await uploader.post(endpoint["url"].split("?")[0] + "?sig=wrong", content=b"x")
    assert forged.status_code == 404
