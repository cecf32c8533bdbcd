"""Drive the bot as MAX users would: the emulator over real HTTP and the product against it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from maxremind.app import Running
from maxremind.emulator.app import Emulator
from maxremind.emulator.models import Message
from tests.harness import product_settings, running_emulator, running_product, wait_for


@dataclass
class Phone:
    """One emulated MAX user talking to the bot."""

    bot: Bot
    user_id: int

    def messages(self) -> list[Message]:
        return self.bot.emulator.bot_messages(user_id=self.user_id)

    def texts(self) -> list[str]:
        return [m.text or "" for m in self.messages()]

    def last(self) -> str:
        texts = self.texts()
        return texts[-1] if texts else ""

    async def start(self, payload: str | None = None) -> str:
        return await self._expect_reply(lambda: self.bot.emulator.start_bot(self.user_id, payload))

    async def say(self, text: str) -> str:
        """Send a message and return the bot's first new reply."""
        return await self._expect_reply(lambda: self.bot.emulator.send_message(self.user_id, text))

    async def say_all(self, text: str, settle: float = 0.3) -> list[str]:
        """Send a message and return every reply that arrives within ``settle`` seconds."""
        before = len(self.messages())
        self.bot.emulator.send_message(self.user_id, text)
        await wait_for(lambda: len(self.messages()) > before, what=f"a reply to {text!r}")
        await asyncio.sleep(settle)
        return self.texts()[before:]

    def buttons(self, message: Message | None = None) -> list[dict[str, Any]]:
        target = message or self.messages()[-1]
        return target.buttons()

    async def press(self, label: str, message: Message | None = None) -> str:
        """Press the button whose text contains ``label`` on the last (or given) message;
        returns the callback notification or the new reply, whichever comes."""
        target = message or next(
            m
            for m in reversed(self.messages())
            if any(label in b.get("text", "") for b in m.buttons())
        )
        button = next(b for b in target.buttons() if label in b.get("text", ""))
        before_count = len(self.messages())
        before_notes = len(self.notifications())
        callback = self.bot.emulator.press_button(self.user_id, target.mid, button["payload"])
        await wait_for(
            lambda: self.bot.emulator.world.callbacks[callback.callback_id].answers > 0,
            what=f"an answer to pressing {label!r}",
        )
        await asyncio.sleep(0.15)
        notes = self.notifications()[before_notes:]
        if notes:
            return notes[-1]
        return self.texts()[before_count] if len(self.messages()) > before_count else self.last()

    def notifications(self) -> list[str]:
        """Callback notifications (toasts) this user was shown, oldest first."""
        return [n.text for n in self.bot.emulator.world.notifications if n.user_id == self.user_id]

    async def _expect_reply(self, action: Any) -> str:
        before = len(self.messages())
        action()
        await wait_for(lambda: len(self.messages()) > before, what="a reply from the bot")
        return self.texts()[before]


@dataclass
class Bot:
    emulator: Emulator
    running: Running
    data_dir: Path

    def phone(self, name: str, *, username: str | None = None, locale: str = "ru") -> Phone:
        user = self.emulator.create_user(name, username=username, locale=locale)
        return Phone(self, user.user_id)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    async with (
        running_emulator() as (emulator, url),
        running_product(product_settings(url, tmp_path, log_level="info")) as running,
    ):
        yield Bot(emulator, running, tmp_path)
