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


class _RecordingClient:
    """Stands in for MAX at the far end of the outbox: records what would be sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[int | None, str | None]] = []

    async def send_message(self, body, *, user_id=None, chat_id=None):  # type: ignore[no-untyped-def]
        self.sent.append((user_id, body.text))

    async def answer_callback(self, callback_id, *, message=None, notification=None):  # type: ignore[no-untyped-def]
        self.sent.append((None, notification))

    async def upload_file(self, kind, filename, data):  # type: ignore[no-untyped-def]
        raise AssertionError("not used")


async def test_a_failing_handler_leaves_no_writes_and_sends_no_replies(tmp_path: Path) -> None:
    from maxremind.intake.outbox import OutboxSender, Replies

    client = _RecordingClient()
    replies = Replies(client)  # type: ignore[arg-type]
    attempts: list[int] = []

    async with open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}") as storage:

        async def feed(update: Update) -> None:
            user_id = update.user.user_id  # type: ignore[union-attr]
            await storage.set_value(f"seen:{user_id}", "1")
            await replies.send_message("Привет", user_id=user_id)
            attempts.append(user_id)
            if len(attempts) == 1:
                raise RuntimeError("crashed after writing and replying")

        inbox = Inbox(storage, feed, OutboxSender(storage, client))  # type: ignore[arg-type]
        await inbox.put(_started(7, 10))
        await inbox.drain()
        # Handled twice (the first run failed after writing and replying), yet one reply:
        # the failed run's reply was dropped with its writes.
        assert attempts == [7, 7]
        assert client.sent == [(7, "Привет")]
        assert await storage.get_value("seen:7") == "1"
        assert await storage.inbox_pending(10) == []
        await inbox.drain()
        assert client.sent == [(7, "Привет")]
