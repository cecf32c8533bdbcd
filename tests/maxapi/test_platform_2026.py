"""The MAX client and models against MAX's 2026 changes: errors classified by their
`code`, bot_added without `user`, update types we do not know, the command menu."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pydantic
import pytest

from maxremind.emulator import Emulator, serve
from maxremind.maxapi.client import MaxClient, RetryPolicy
from maxremind.maxapi.errors import (
    AttachmentNotReady,
    BadRequest,
    Forbidden,
    MaxApiError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
)
from maxremind.maxapi.limiter import RateLimiter
from maxremind.maxapi.models import (
    BotAddedToChatUpdate,
    NewBotCommand,
    NewMessageBody,
    UnknownUpdate,
    UploadedInfo,
    VideoAttachmentRequest,
    parse_update,
)
from tests.harness import TOKEN, running_emulator


def _respond(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body)


@pytest.mark.parametrize(
    ("status", "code", "error_class", "permanent"),
    [
        # The code decides where MAX gave a known one...
        (403, "deprecated.token", Unauthorized, True),
        (400, "chat.denied", Forbidden, True),
        (400, "attachment.not.ready", AttachmentNotReady, False),
        (400, "not.found", NotFound, True),
        (404, "proto.payload", BadRequest, True),
        (403, "VERIFY.TOKEN", Unauthorized, True),
        # ...a 429 or 5xx is transient whatever it says...
        (503, "proto.payload", ServerError, False),
        (429, "chat.denied", RateLimited, False),
        # ...and the status where the code is unknown or missing.
        (404, "something.new", NotFound, True),
        (403, None, Forbidden, True),
        (400, "", BadRequest, True),
    ],
)
async def test_errors_are_classified_by_code_then_status(
    status: int, code: str | None, error_class: type[MaxApiError], permanent: bool
) -> None:
    body: dict[str, object] = {"message": "nope"}
    if code is not None:
        body["code"] = code
    client = MaxClient(
        TOKEN,
        base_url="https://max.test",
        transport=httpx.MockTransport(lambda r: _respond(status, body)),
        limiter=RateLimiter(global_rps=1e6, per_chat_rps=1e6),
        retry=RetryPolicy(max_attempts=1),
    )
    async with client:
        with pytest.raises(error_class) as caught:
            await client.send_message("x", user_id=1)
    assert type(caught.value) is error_class
    assert caught.value.permanent is permanent
    assert (caught.value.status, caught.value.code) == (status, code or None)


def _client(url: str, **kwargs: object) -> MaxClient:
    kwargs.setdefault("retry", RetryPolicy(max_attempts=5, base_delay=0.01, max_total_delay=5))
    return MaxClient(
        TOKEN,
        base_url=url,
        limiter=RateLimiter(global_rps=1e6, per_chat_rps=1e6),
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
async def emulator_client() -> AsyncIterator[tuple[Emulator, MaxClient]]:
    async with running_emulator() as (emu, url), _client(url) as client:
        yield emu, client


async def test_an_attachment_still_processing_is_retried_over_http(
    emulator_client: tuple[Emulator, MaxClient],
) -> None:
    """The emulator answers 400 `attachment.not.ready` until the file is uploaded: by its
    code that is transient, so the send is tried again and goes through."""
    emu, plain = emulator_client
    anna = emu.create_user("Анна")
    emu.start_bot(anna.user_id)
    upload = emu.world.new_upload("video", "http://unused")  # token known before the file
    waits: list[float] = []

    async def sleep(delay: float) -> None:
        waits.append(delay)
        upload.done = True  # the file arrives while the client waits

    video = VideoAttachmentRequest(payload=UploadedInfo(token=upload.token))
    body = NewMessageBody(text="видео", attachments=[video])
    async with _client(plain.base_url, sleep=sleep) as client:
        sent = await client.send_message(body, user_id=anna.user_id)
    assert len(waits) == 1
    assert sent.body.attachments and sent.body.attachments[0].type == "video"
    assert emu.stats.by_status.get(400) == 1


async def test_a_person_who_stopped_the_bot_is_forbidden_over_http(
    emulator_client: tuple[Emulator, MaxClient],
) -> None:
    emu, client = emulator_client
    boris = emu.create_user("Борис")
    emu.start_bot(boris.user_id)
    emu.stop_bot(boris.user_id)
    with pytest.raises(Forbidden) as caught:
        await client.send_message("привет", user_id=boris.user_id)
    assert caught.value.code == "chat.denied" and caught.value.permanent
    with pytest.raises(NotFound) as missing:
        await client.get_chat(-123)
    assert missing.value.code == "chat.not.found"


async def test_set_commands_over_http(emulator_client: tuple[Emulator, MaxClient]) -> None:
    emu, client = emulator_client
    menu = [
        NewBotCommand(name="remind", description="напоминание"),
        NewBotCommand(name="help"),
    ]
    now = await client.set_commands(menu)
    assert [(c.name, c.description) for c in now] == [("remind", "напоминание"), ("help", None)]
    assert emu.world.commands == [
        {"name": "remind", "description": "напоминание"},
        {"name": "help"},
    ]
    assert [c.name for c in (await client.get_me()).commands or []] == ["remind", "help"]
    assert await client.set_commands([]) == []
    assert emu.world.commands == []


def test_a_menu_over_the_schema_limits_is_refused_before_sending() -> None:
    from maxremind.maxapi.models import BotCommandsPatch

    with pytest.raises(pydantic.ValidationError):
        BotCommandsPatch(commands=[NewBotCommand(name=f"c{i}") for i in range(33)])
    with pytest.raises(pydantic.ValidationError):
        NewBotCommand(name="x", description="й" * 129)
    with pytest.raises(pydantic.ValidationError):
        NewBotCommand(name="")


def test_bot_added_parses_without_user() -> None:
    update = parse_update(
        {"update_type": "bot_added", "timestamp": 1, "chat_id": -5, "is_channel": False}
    )
    assert isinstance(update, BotAddedToChatUpdate)
    assert update.user is None and update.chat_id == -5
    assert update.ids() == {"chat_id": -5}


async def test_new_update_types_arrive_as_unknown_updates_over_http() -> None:
    emulator = Emulator(TOKEN)
    async with serve(emulator) as url, _client(url) as client:
        anna = emulator.create_user("Анна")
        chat = emulator.create_chat("Чат", anna.user_id)
        emulator.add_bot_to_chat(chat.chat_id, anna.user_id, with_user=False)
        emulator.send_other_update("bot_admin_permissions_changed", chat_id=chat.chat_id)
        emulator.send_other_update("comment_created", message_id="mid.1", comment={"a": 1})
        batch = await client.get_updates(timeout=0)
    assert batch.failures == []
    kinds = [(type(u), u.update_type) for u in batch.updates]
    assert kinds == [
        (BotAddedToChatUpdate, "bot_added"),
        (UnknownUpdate, "bot_admin_permissions_changed"),
        (UnknownUpdate, "comment_created"),
    ]
    assert batch.updates[2].model_extra == {"message_id": "mid.1", "comment": {"a": 1}}
