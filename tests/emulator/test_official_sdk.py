"""The official MAX SDK (`@maxhub/max-bot-api` 0.3.1, npm) against the emulator: a small
echo bot written with it (js_sdk/echo_bot.js) starts, sets its commands, replies with a
keyboard, answers a press and edits the message, uploads an image from a file and sends
it. Skipped when node or the package (`npm ci --prefix tests/emulator/js_sdk`) is absent."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from maxremind.emulator import Emulator, Limits, serve
from tests.harness import wait_for

HERE = Path(__file__).parent / "js_sdk"
SDK = HERE / "node_modules" / "@maxhub" / "max-bot-api" / "package.json"
TOKEN = "sdk-token-0123456789"
# The smallest valid PNG (1x1): the SDK reads it from disk as a real bot would.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(
        not SDK.exists(),
        reason="the official SDK is not installed: npm ci --prefix tests/emulator/js_sdk",
    ),
]


@contextlib.asynccontextmanager
async def echo_bot(api_url: str, image: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {**os.environ, "BOT_TOKEN": TOKEN, "MAX_API_URL": api_url, "IMAGE_PATH": str(image)}
    proc = await asyncio.create_subprocess_exec(
        "node",
        str(HERE / "echo_bot.js"),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), 30)
        if not line.startswith(b"ready"):
            err = await asyncio.wait_for(proc.stderr.read(), 5)
            raise AssertionError(f"the SDK bot did not start: {line!r} {err.decode()}")
        yield proc
    finally:
        if proc.returncode is None:
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
        err = (await proc.stderr.read()).decode()
        if "handler failed" in err or "Unhandled" in err:
            print(err, file=sys.stderr)


async def test_an_echo_bot_written_with_the_official_sdk(tmp_path: Path) -> None:
    image = tmp_path / "cat.png"
    image.write_bytes(PNG)
    # The test talks faster than a person: MAX's per-chat limit would answer 429.
    emulator = Emulator(TOKEN, limits=Limits(messages_per_chat_per_second=50))
    async with serve(emulator) as url, echo_bot(url, image) as proc:
        assert emulator.world.commands == [
            {"name": "start", "description": "Начать"},
            {"name": "echo", "description": "Повторить текст"},
        ]
        anna = emulator.create_user("Анна")
        emulator.start_bot(anna.user_id)
        sent = lambda: emulator.bot_messages(user_id=anna.user_id)  # noqa: E731
        await wait_for(lambda: len(sent()) == 1, what="the greeting")
        assert sent()[0].text == "Привет! Напишите что-нибудь."

        emulator.send_message(anna.user_id, "эхо")
        await wait_for(lambda: len(sent()) == 2, what="the echo")
        echo = sent()[1]
        assert echo.text == "эхо"
        assert [(b["text"], b["payload"]) for b in echo.buttons()] == [("Да", "yes"), ("Нет", "no")]

        callback = emulator.press_button(anna.user_id, echo.mid, "yes")
        await wait_for(lambda: echo.edits == 1, what="the edit after the press")
        assert emulator.world.callbacks[callback.callback_id].answers == 1
        toasts = [n.text for n in emulator.world.notifications if n.user_id == anna.user_id]
        assert toasts == ["Принято: yes"]
        assert echo.text == "Выбрано: yes" and echo.buttons() == []

        emulator.send_message(anna.user_id, "фото")
        await wait_for(lambda: len(sent()) == 3, what="the photo")
        photo = sent()[2]
        assert photo.text == "Вот фото"
        [attachment] = photo.attachments
        assert attachment["type"] == "image"
        upload = emulator.world.uploads_by_token[attachment["payload"]["token"]]
        assert upload.done and upload.filename == "cat.png" and upload.size == len(PNG)
        assert proc.returncode is None
    # Everything the SDK sent matched the document; the one extra field it carried
    # (the button's `intent`) was taken, as MAX takes it, and reported.
    assert emulator.violations == []
    assert len(emulator.warnings) >= 1
    assert all("'intent' was unexpected" in w or "'payload' was unexpected" in w for w in emulator.warnings)  # fmt: skip
