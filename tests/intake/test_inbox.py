"""The inbox: handler errors are logged and retried a bounded number of times."""

from __future__ import annotations

from pathlib import Path

import pytest

from maxremind.intake.inbox import MAX_ATTEMPTS, Inbox
from maxremind.maxapi.models import Update, parse_update
from maxremind.storage import open_storage


def _started(user_id: int, ts: int) -> Update:
    return parse_update(
        {
            "update_type": "bot_started",
            "timestamp": ts,
            "chat_id": user_id,
            "user": {
                "user_id": user_id,
                "first_name": "U",
                "is_bot": False,
                "last_activity_time": ts,
            },
        }
    )


async def test_failing_handler_is_abandoned_after_bounded_attempts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    handled: list[int] = []
    calls: dict[int, int] = {}

    async def feed(update: Update) -> None:
        user_id = update.user.user_id  # type: ignore[union-attr]
        calls[user_id] = calls.get(user_id, 0) + 1
        if user_id == 1:
            raise RuntimeError("handler bug")
        handled.append(user_id)

    async with open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}") as storage:
        inbox = Inbox(storage, feed)
        assert await inbox.put(_started(1, 10)) is True
        assert await inbox.put(_started(2, 11)) is True
        assert await inbox.put(_started(2, 11)) is False  # a duplicate
        await inbox.drain()
        await inbox.drain()
        assert handled == [2]
        assert calls[1] == MAX_ATTEMPTS
        assert await storage.inbox_pending(10) == []
    assert "bot_started" in caplog.text and "giving up" in caplog.text
