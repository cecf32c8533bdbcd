"""The web app over a real SQLite file, and the product's server on a free port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from maxremind.http.app import WebContext
from maxremind.http.metrics import build_metrics
from maxremind.intake.inbox import Inbox
from maxremind.maxapi.models import Update
from maxremind.storage import Storage, open_storage

SECRET = "hook-secret-123"


@dataclass
class MaxStub:
    """Stands in for ``client.get_me``: counts calls, fails while ``down``."""

    down: bool = False
    calls: int = 0
    delay: float = 0.0

    async def get_me(self) -> object:
        import asyncio

        self.calls += 1
        await asyncio.sleep(self.delay)
        if self.down:
            raise ConnectionError("MAX does not answer")
        return {"user_id": 1}


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    async with open_storage(f"sqlite:///{tmp_path / 'maxremind.db'}") as opened:
        yield opened


MakeContext = Callable[..., WebContext]


@pytest.fixture
def make_context(storage: Storage) -> MakeContext:
    def make(max_check: Callable[[], Awaitable[object]] | None = None, **fields: Any) -> WebContext:
        async def feed(update: Update) -> None:
            return None

        values: dict[str, Any] = {
            "storage": storage,
            "inbox": Inbox(storage, feed),
            "bot_name": "Напоминалка",
            "bot_username": "remind_bot",
            "mode": "webhook",
            "webhook_secret": SECRET,
            "max_check": max_check or MaxStub().get_me,
            "metrics": build_metrics(process=False),
        }
        values.update(fields)
        return WebContext(**values)

    return make
