"""Helpers for the people tests: invite links, joining, and the product's database."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from maxremind.emulator.limits import Limits
from maxremind.storage import Storage, open_storage
from tests.bot.conftest import Bot, Phone
from tests.harness import product_settings, running_emulator, running_product, wait_for

# Real MAX allows 2 messages a second into one dialog, which would make these flows
# (dozens of answers to one person) slow to test; the rules under test do not depend on
# it, so the emulator and the product agree on a higher per-chat rate here.
FAST_CHAT_RPS = 20

LINK = re.compile(r"https://max\.ru/\S+\?start=[A-Za-z0-9_-]+")


def link_in(text: str) -> str:
    found = LINK.search(text)
    assert found, f"no invite link in {text!r}"
    return found.group(0)


async def open_link(phone: Phone, link: str) -> str:
    """Open a deep link as the person would; returns the bot's first answer."""
    before = len(phone.messages())
    phone.bot.emulator.open_deep_link(phone.user_id, link)
    await wait_for(lambda: len(phone.messages()) > before, what=f"an answer to {link}")
    return phone.texts()[before]


async def new_team(bot: Bot, name: str = "Склад Север") -> tuple[Phone, str]:
    """An owner (Ольга, @olga) with a fresh team; returns the owner and the team link."""
    owner = bot.phone("Ольга", username="olga")
    await owner.start()
    return owner, link_in(await owner.say(f"/team {name}"))


async def join(bot: Bot, link: str, name: str, username: str | None = None) -> Phone:
    phone = bot.phone(name, username=username)
    answer = await open_link(phone, link)
    assert "Вы в команде" in answer, answer
    return phone


async def settle(seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    """Like ``tests.bot.conftest.bot`` with a higher per-chat message rate."""
    limits = Limits(messages_per_chat_per_second=FAST_CHAT_RPS)
    async with running_emulator(limits=limits) as (emulator, url):
        settings = product_settings(
            url, tmp_path, log_level="info", chat_rate_limit_rps=float(FAST_CHAT_RPS)
        )
        async with running_product(settings) as running:
            yield Bot(emulator, running, tmp_path)


@asynccontextmanager
async def database(bot: Bot) -> AsyncIterator[Storage]:
    """A second connection to the running product's database (SQLite, WAL)."""
    url = product_settings("http://127.0.0.1:1", bot.data_dir).database_url
    async with open_storage(url) as storage:
        yield storage
