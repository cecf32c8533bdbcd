from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from maxremind.emulator import Emulator, serve
from maxremind.emulator.models import User

TOKEN = "test-token"


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(
        TOKEN,
        check_responses=True,
        webhook_retry_delay=0.05,
        webhook_max_age=5.0,
        allow_local_http_webhooks=True,
    )


@pytest.fixture
async def base_url(emulator: Emulator) -> AsyncIterator[str]:
    async with serve(emulator) as url:
        yield url
    # Every answer the emulator gave during the test must match the official schema.
    assert emulator.response_violations == []


@pytest.fixture
async def bot(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client holding the bot token, as the product's MAX client would."""
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": TOKEN}) as client:
        yield client


@pytest.fixture
async def control(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url + "/_emulator") as client:
        yield client


@pytest.fixture
def anna(emulator: Emulator) -> User:
    """A user who has started the bot."""
    user = emulator.create_user("Анна", "Иванова", username="anna", locale="ru")
    emulator.start_bot(user.user_id)
    return user


def keyboard(*buttons: dict[str, object]) -> dict[str, object]:
    return {"type": "inline_keyboard", "payload": {"buttons": [list(buttons)]}}


def callback_button(text: str, payload: str) -> dict[str, object]:
    return {"type": "callback", "text": text, "payload": payload}


async def drain(bot: httpx.AsyncClient) -> int:
    """Acknowledge every pending update; the marker to use next."""
    answer = (await bot.get("/updates", params={"timeout": 0})).json()
    marker = answer["marker"]
    await bot.get("/updates", params={"timeout": 0, "marker": marker})
    return int(marker)
