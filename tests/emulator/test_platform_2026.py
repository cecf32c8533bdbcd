"""The emulator against what real clients (the official JS SDK, the `maxapi` library) and
MAX's 2026 changes need: photos from an upload, extra body fields, the command menu,
the chat operations, bot_added without `user`, new update types, webhook rules."""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from maxremind.emulator import Emulator, api_schema, serve, serve_app
from maxremind.emulator.models import User
from tests.emulator.conftest import TOKEN, callback_button, drain, keyboard


async def _upload_image(bot: httpx.AsyncClient) -> dict[str, Any]:
    """What the SDKs do for an image from a file: ask for a URL, post the file there."""
    endpoint = (await bot.post("/uploads", params={"type": "image"})).json()
    assert "token" not in endpoint  # images get their token from the upload answer
    async with httpx.AsyncClient() as media:
        answer = await media.post(endpoint["url"], files={"data": ("cat.png", b"\x89PNG...")})
    assert answer.status_code == 200, answer.text
    uploaded: dict[str, Any] = answer.json()
    return uploaded


async def test_an_uploaded_image_is_sent_with_payload_photos(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    uploaded = await _upload_image(bot)
    assert list(uploaded) == ["photos"]
    sent = await bot.post(
        "/messages",
        params={"user_id": anna.user_id},
        json={"text": "котик", "attachments": [{"type": "image", "payload": uploaded}]},
    )
    assert sent.status_code == 200, sent.text
    image = sent.json()["message"]["body"]["attachments"][0]
    token = next(iter(uploaded["photos"].values()))["token"]
    assert image["type"] == "image" and image["payload"]["token"] == token
    assert emulator.violations == [] and emulator.warnings == []


async def test_fields_the_document_does_not_list_are_accepted_as_warnings(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User
) -> None:
    button = {**callback_button("Да", "yes"), "intent": "positive"}
    sent = await bot.post(
        "/messages",
        params={"user_id": anna.user_id},
        json={"text": "Придёте?", "attachments": [keyboard(button)]},
    )
    assert sent.status_code == 200, sent.text
    assert emulator.violations == []
    assert emulator.warnings and "'intent' was unexpected" in emulator.warnings[0]
    # The button works as any other.
    mid = sent.json()["message"]["body"]["mid"]
    emulator.press_button(anna.user_id, mid, "yes")
    # A wrong type next to an extra field is still refused: only extra keys are forgiven.
    bad = await bot.post(
        "/messages",
        params={"user_id": anna.user_id},
        json={"text": 5, "extra": 1},
    )
    assert bad.status_code == 400 and emulator.violations
    emulator.violations.clear()
    emulator.warnings.clear()
    emulator.response_violations.clear()  # the answer echoed the stored `intent`


async def _leave_a_warning() -> None:
    from tests.harness import TOKEN as HARNESS_TOKEN
    from tests.harness import running_emulator

    async with running_emulator() as (emu, url):
        user = emu.create_user("Анна")
        emu.start_bot(user.user_id)
        auth = {"Authorization": HARNESS_TOKEN}
        button = {**callback_button("a", "b"), "intent": "default"}
        body = {"text": "x", "attachments": [keyboard(button)]}
        async with httpx.AsyncClient(base_url=url, headers=auth) as bot:
            sent = await bot.post("/messages", params={"user_id": user.user_id}, json=body)
            assert sent.status_code == 200


async def test_the_harness_fails_a_test_that_leaves_warnings() -> None:
    with pytest.raises(AssertionError, match="request fields the MAX schema lacks"):
        await _leave_a_warning()


async def test_patch_me_commands_sets_the_menu(
    bot: httpx.AsyncClient, emulator: Emulator, control: httpx.AsyncClient
) -> None:
    commands = [
        {"name": "remind", "description": "напоминание"},
        {"name": "help", "description": None},
    ]
    answer = await bot.patch("/me/commands", json={"commands": commands})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"commands": commands}
    me = (await bot.get("/me")).json()
    assert me["commands"] == commands
    # The phone page offers them as one types "/".
    assert (await control.get("/state")).json()["bot"]["commands"] == commands
    # No `commands` leaves them; an empty list removes them all.
    assert (await bot.patch("/me/commands", json={})).json() == {"commands": commands}
    assert (await bot.patch("/me/commands", json={"commands": []})).json() == {"commands": []}
    assert (await bot.get("/me")).json()["commands"] is None
    assert emulator.violations == []
    # Checked against the document's BotCommand: at most 32, a name, descriptions <= 128.
    too_many = [{"name": f"c{i}"} for i in range(33)]
    long_text = [{"name": "x", "description": "й" * 129}]
    for wrong in (too_many, long_text, [{"description": "no name"}], [{"name": ""}]):
        refused = await bot.patch("/me/commands", json={"commands": wrong})
        assert refused.status_code == 400, wrong
        assert refused.json()["code"] == "proto.payload"
    assert len(emulator.violations) == 4
    emulator.violations.clear()


@pytest.fixture
def group(emulator: Emulator, anna: User) -> tuple[int, User]:
    """A group chat Anna owns with Boris in it and the bot as an admin."""
    boris = emulator.create_user("Борис")
    emulator.start_bot(boris.user_id)
    chat = emulator.create_chat("Отдел продаж", anna.user_id, [boris.user_id])
    emulator.add_bot_to_chat(chat.chat_id, anna.user_id)
    return chat.chat_id, boris


async def test_every_documented_chat_operation_works(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User, group: tuple[int, User]
) -> None:
    chat_id, boris = group
    base = f"/chats/{chat_id}"
    edited = await bot.patch(base, json={"title": "Продажи"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["title"] == "Продажи" == emulator.world.chats[chat_id].title

    sent = await bot.post("/messages", params={"chat_id": chat_id}, json={"text": "Важно"})
    mid = sent.json()["message"]["body"]["mid"]
    assert (await bot.get(f"{base}/pin")).json() == {"message": None}
    assert (await bot.put(f"{base}/pin", json={"message_id": mid})).json()["success"]
    assert (await bot.get(f"{base}/pin")).json()["message"]["body"]["mid"] == mid
    assert (await bot.delete(f"{base}/pin")).json()["success"]
    assert (await bot.get(f"{base}/pin")).json() == {"message": None}

    admins = (await bot.get(f"{base}/members/admins")).json()["members"]
    assert {a["user_id"] for a in admins} == {anna.user_id, emulator.world.bot.user_id}
    granted = await bot.post(
        f"{base}/members/admins",
        json={"admins": [{"user_id": boris.user_id, "permissions": ["pin_message"]}]},
    )
    assert granted.json()["success"], granted.text
    admins = (await bot.get(f"{base}/members/admins")).json()["members"]
    assert [a["permissions"] for a in admins if a["user_id"] == boris.user_id] == [["pin_message"]]
    assert (await bot.delete(f"{base}/members/admins/{boris.user_id}")).json()["success"]
    admins = (await bot.get(f"{base}/members/admins")).json()["members"]
    assert boris.user_id not in {a["user_id"] for a in admins}

    vera = emulator.create_user("Вера")
    marker = await drain(bot)
    added = await bot.post(f"{base}/members", json={"user_ids": [vera.user_id, 999]})
    assert added.json() == {
        "success": False,
        "failed_user_ids": [999],
        "failed_user_details": [{"error_code": "add.participant.not.found", "user_ids": [999]}],
    }
    removed = await bot.delete(f"{base}/members", params={"user_id": boris.user_id})
    assert removed.json()["success"]
    members = {m.user_id for m in emulator.world.chats[chat_id].members.values()}
    assert vera.user_id in members and boris.user_id not in members
    updates = (await bot.get("/updates", params={"timeout": 0, "marker": marker})).json()
    kinds = [(u["update_type"], u["user"]["user_id"]) for u in updates["updates"]]
    assert kinds == [("user_added", vera.user_id), ("user_removed", boris.user_id)]
    # The owner stays; a chat where the bot is no admin refuses.
    owner_out = await bot.delete(f"{base}/members", params={"user_id": anna.user_id})
    assert owner_out.status_code == 403
    plain = emulator.create_chat("Без админки", anna.user_id)
    emulator.add_bot_to_chat(plain.chat_id, anna.user_id, admin=False)
    denied = await bot.patch(f"/chats/{plain.chat_id}", json={"title": "x"})
    assert (denied.status_code, denied.json()["code"]) == (403, "chat.denied")
    assert emulator.stats.by_status.get(501) is None
    assert emulator.violations == []


async def test_bot_added_can_come_without_user(
    bot: httpx.AsyncClient, emulator: Emulator, anna: User, control: httpx.AsyncClient
) -> None:
    marker = await drain(bot)
    chat = emulator.create_chat("Чат", anna.user_id)
    emulator.add_bot_to_chat(chat.chat_id, anna.user_id, with_user=False)
    other = emulator.create_chat("Другой", anna.user_id)
    answer = await control.post(f"/chats/{other.chat_id}/bot", json={"by_user_id": anna.user_id, "with_user": False})  # fmt: skip
    assert answer.status_code == 200, answer.text
    updates = (await bot.get("/updates", params={"timeout": 0, "marker": marker})).json()
    added = [u for u in updates["updates"] if u["update_type"] == "bot_added"]
    assert [u["chat_id"] for u in added] == [chat.chat_id, other.chat_id]
    assert all("user" not in u for u in added)
    assert all(api_schema().check("Update", u) == [] for u in added)


async def test_the_switch_leaves_user_out_of_every_bot_added() -> None:
    emulator = Emulator(TOKEN, bot_added_without_user=True)
    anna = emulator.create_user("Анна")
    chat = emulator.create_chat("Чат", anna.user_id)
    update = emulator.add_bot_to_chat(chat.chat_id, anna.user_id)
    assert "user" not in update and update["chat_id"] == chat.chat_id
    assert (
        emulator.add_bot_to_chat(
            emulator.create_chat("Ещё", anna.user_id).chat_id, anna.user_id, with_user=True
        )["user"]["user_id"]
        == anna.user_id
    )


async def test_new_update_types_are_delivered_by_polling_and_webhook(
    bot: httpx.AsyncClient, emulator: Emulator, control: httpx.AsyncClient
) -> None:
    marker = await drain(bot)
    emulator.send_other_update("bot_admin_permissions_changed", chat_id=-5, permissions=["write"])
    comment = {"update_type": "comment_created", "message_id": "mid.1", "comment": {"text": "ок"}}
    answer = await control.post("/updates", json=comment)
    assert answer.status_code == 200, answer.text
    bad = await control.post("/updates", json={"update_type": "no spaces please"})
    assert bad.status_code == 400
    polled = (await bot.get("/updates", params={"timeout": 0, "marker": marker})).json()
    assert [u["update_type"] for u in polled["updates"]] == [
        "bot_admin_permissions_changed",
        "comment_created",
    ]
    assert polled["updates"][1]["comment"] == {"text": "ок"}
    assert all(isinstance(u["timestamp"], int) for u in polled["updates"])
    # The document's Update lists only the types it knows: not an emulator fault.
    emulator.response_violations.clear()

    got: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def hook(request: Request) -> Response:
        await got.put(await request.json())
        return Response(status_code=200)

    async with serve_app(Starlette(routes=[Route("/h", hook, methods=["POST"])])) as url:
        assert (await bot.post("/subscriptions", json={"url": url + "/h"})).status_code == 200
        emulator.send_other_update("comment_removed", message_id="mid.1", comment_id="c1")
        pushed = await asyncio.wait_for(got.get(), 5)
    assert pushed["update_type"] == "comment_removed" and pushed["comment_id"] == "c1"


async def test_error_answers_carry_a_code(bot: httpx.AsyncClient, anna: User) -> None:
    answers = [
        await bot.get("/chats/123"),
        await bot.post("/messages", params={"user_id": 42}, json={"text": "x"}),
        await bot.get("/no/such/path"),
        await bot.post("/answers", params={"callback_id": "nope"}, json={"notification": "x"}),
    ]
    for answer in answers:
        assert answer.status_code >= 400
        body = answer.json()
        assert isinstance(body["code"], str) and body["code"] and isinstance(body["message"], str)


# --- webhooks: https on 443 only, retries every 30-60 s, unsubscribed after 8 hours ---


@pytest.fixture
async def strict() -> AsyncIterator[tuple[Emulator, httpx.AsyncClient]]:
    """An emulator as MAX is: no http webhooks, even to this machine."""
    emulator = Emulator(TOKEN)
    async with (
        serve(emulator) as url,
        httpx.AsyncClient(base_url=url, headers={"Authorization": TOKEN}) as client,
    ):
        yield emulator, client


async def test_webhooks_must_be_https_on_port_443(
    strict: tuple[Emulator, httpx.AsyncClient],
) -> None:
    emulator, bot = strict
    refused = {
        "http://127.0.0.1:8080/max/webhook": "https:// on port 443",
        "http://bot.example.org/max/webhook": "https:// on port 443",
        "https://bot.example.org:8443/max/webhook": "only to port 443, not 8443",
    }
    for url, why in refused.items():
        answer = await bot.post("/subscriptions", json={"url": url})
        assert answer.status_code == 400, url
        assert why in answer.json()["message"], answer.json()
    for url in ("https://bot.example.org/max/webhook", "https://bot.example.org:443/h"):
        assert (await bot.post("/subscriptions", json={"url": url})).status_code == 200, url
    assert emulator.world.subscription is not None


async def test_the_test_switch_takes_local_http(bot: httpx.AsyncClient, emulator: Emulator) -> None:
    assert emulator.allow_local_http_webhooks
    ok = await bot.post("/subscriptions", json={"url": "http://127.0.0.1:9/h"})
    assert ok.status_code == 200
    remote = await bot.post("/subscriptions", json={"url": "http://example.org/h"})
    assert remote.status_code == 400


class ManualTime:
    """A clock tests move forward by hand; sleepers wake when it passes their time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + delay, self._seq, future))
        self._seq += 1
        await future

    def advance(self, seconds: float) -> None:
        self.now += seconds
        while self._timers and self._timers[0][0] <= self.now:
            _, _, future = heapq.heappop(self._timers)
            if not future.done():
                future.set_result(None)

    @property
    def waiting(self) -> int:
        return sum(1 for _, _, f in self._timers if not f.done())


async def _until(predicate: Any, what: str) -> None:
    for _ in range(500):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


async def test_failed_webhooks_are_retried_every_30_to_60_s_and_dropped_after_8_hours() -> None:
    time = ManualTime()
    emulator = Emulator(
        TOKEN, webhook_clock=time.clock, webhook_sleep=time.sleep, allow_local_http_webhooks=True
    )
    status = {"code": 503}
    seen: list[str] = []

    async def hook(request: Request) -> Response:
        seen.append((await request.json())["update_type"])
        return Response(status_code=status["code"])

    app = Starlette(routes=[Route("/h", hook, methods=["POST"])])
    async with serve(emulator) as api, serve_app(app) as hook_url:
        async with httpx.AsyncClient(base_url=api, headers={"Authorization": TOKEN}) as bot:
            assert (await bot.post("/subscriptions", json={"url": hook_url + "/h"})).is_success
        anna = emulator.create_user("Анна")
        emulator.start_bot(anna.user_id)
        await _until(lambda: time.waiting == 1, "the first retry to be scheduled")
        for _ in range(5):
            time.advance(60)
            await _until(lambda: time.waiting == 1, "the next retry")
        assert len(seen) == 6 and all(30 <= d <= 60 for d in time.sleeps)
        # The receiver comes back: the update arrives, and the next goes straight away.
        status["code"] = 200
        time.advance(60)
        await _until(lambda: emulator.webhook_stats.delivered == 1, "the delivery")
        emulator.send_message(anna.user_id, "привет")
        await _until(lambda: emulator.webhook_stats.delivered == 2, "the second delivery")
        assert emulator.world.subscription is not None


async def test_eight_hours_of_failures_end_the_subscription() -> None:
    time = ManualTime()
    emulator = Emulator(
        TOKEN, webhook_clock=time.clock, webhook_sleep=time.sleep, allow_local_http_webhooks=True
    )

    async def hook(request: Request) -> Response:
        return Response(status_code=500)

    app = Starlette(routes=[Route("/h", hook, methods=["POST"])])
    async with (
        serve(emulator) as api,
        serve_app(app) as hook_url,
        httpx.AsyncClient(base_url=api, headers={"Authorization": TOKEN}) as bot,
    ):
        assert (await bot.post("/subscriptions", json={"url": hook_url + "/h"})).is_success
        anna = emulator.create_user("Анна")
        emulator.start_bot(anna.user_id)
        await _until(lambda: time.waiting == 1, "the first retry")
        hours = 0.0
        while emulator.world.subscription is not None and hours < 9:
            time.advance(60)
            hours += 60 / 3600
            await _until(
                lambda: time.waiting == 1 or emulator.world.subscription is None, "a retry"
            )
        assert 7.99 <= hours < 8.05, hours
        assert emulator.webhook_stats.unsubscribed == 1
        assert (await bot.get("/subscriptions")).json() == {"subscriptions": []}
        # Without a webhook the update waits for long polling.
        polled = (await bot.get("/updates", params={"timeout": 0})).json()
        assert [u["update_type"] for u in polled["updates"]] == ["bot_started"]


async def test_video_details_for_an_uploaded_video(bot: httpx.AsyncClient) -> None:
    endpoint = (await bot.post("/uploads", params={"type": "video"})).json()
    token = endpoint["token"]
    assert (await bot.get(f"/videos/{token}")).status_code == 404  # not uploaded yet
    async with httpx.AsyncClient() as media:
        await media.post(endpoint["url"], files={"data": ("clip.mp4", b"\x00" * 64)})
    details = (await bot.get(f"/videos/{token}")).json()
    assert details["token"] == token and details["urls"]["mp4_720"] == endpoint["url"]
    assert (await bot.get("/videos/unknown")).status_code == 404


def test_every_documented_operation_has_a_handler() -> None:
    from maxremind.emulator.api import HANDLERS

    operations = {op.operation_id for op in api_schema().operations}
    assert operations - set(HANDLERS) == set()
