from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest

from maxremind.intake import polling
from maxremind.intake.polling import run_polling
from maxremind.maxapi.client import UpdateBatch, UpdateParseFailure
from maxremind.maxapi.errors import ServerError, Unauthorized
from maxremind.maxapi.models import Update, parse_update
from tests.maxapi import samples


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setattr(polling, "BACKOFF_BASE", 0.001)
    monkeypatch.setattr(polling, "UNAUTHORIZED_RETRY", 0.01)


class Journal:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []


class ScriptedSource:
    """Plays back batches/errors, then long-polls forever (until cancelled)."""

    def __init__(self, journal: Journal, script: list[UpdateBatch | Exception]) -> None:
        self.journal = journal
        self.script = list(script)
        self.markers: list[int | None] = []
        self.cancelled = False
        self.waiting = asyncio.Event()

    async def get_updates(
        self,
        marker=None,
        limit=100,
        timeout=30,  # noqa: ASYNC109 -- mirrors MaxClient.get_updates
        types=None,
    ) -> UpdateBatch:
        self.markers.append(marker)
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        self.waiting.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        raise AssertionError("unreachable")


class MemoryMarkerStore:
    def __init__(self, journal: Journal, marker: int | None = None, fail_sets: int = 0) -> None:
        self.journal = journal
        self.marker = marker
        self.fail_sets = fail_sets

    async def get_marker(self) -> int | None:
        return self.marker

    async def set_marker(self, marker: int) -> None:
        if self.fail_sets:
            self.fail_sets -= 1
            raise OSError("database is locked")
        self.marker = marker
        self.journal.events.append(("marker", marker))


def bot_started(user_id: int) -> Update:
    return parse_update(samples.bot_started(user_id=user_id))


def batch(
    marker: int, *user_ids: int, failures: list[UpdateParseFailure] | None = None
) -> UpdateBatch:
    return UpdateBatch(
        updates=[bot_started(u) for u in user_ids], failures=failures or [], marker=marker
    )


async def run_until_idle(source: ScriptedSource, store, feed) -> None:
    """Run polling until the script is used up and a long poll is pending, then stop."""
    stop = asyncio.Event()
    task = asyncio.ensure_future(run_polling(source, store, feed, stop=stop))
    await asyncio.wait_for(source.waiting.wait(), timeout=2.0)
    stop.set()
    await asyncio.wait_for(task, timeout=1.0)


def recording_feed(journal: Journal, fail_for: set[int] = frozenset()):
    async def feed(update: Update) -> None:
        user_id = update.ids()["user_id"]
        journal.events.append(("fed", user_id))
        if user_id in fail_for:
            raise RuntimeError("handler bug")

    return feed


async def test_marker_is_saved_after_each_batch_is_fed():
    journal = Journal()
    source = ScriptedSource(journal, [batch(10, 1, 2), batch(20, 3)])
    store = MemoryMarkerStore(journal, marker=5)
    await run_until_idle(source, store, recording_feed(journal))
    assert journal.events == [("fed", 1), ("fed", 2), ("marker", 10), ("fed", 3), ("marker", 20)]
    assert source.markers == [5, 10, 20]
    assert source.cancelled  # the pending long poll was abandoned on stop


async def test_handler_exception_is_logged_and_does_not_stop_the_loop(caplog):
    journal = Journal()
    source = ScriptedSource(journal, [batch(10, 1, 2), batch(20, 3)])
    store = MemoryMarkerStore(journal)
    await run_until_idle(source, store, recording_feed(journal, fail_for={1}))
    assert journal.events == [("fed", 1), ("fed", 2), ("marker", 10), ("fed", 3), ("marker", 20)]
    assert "handler failed for update bot_started" in caplog.text
    assert "'user_id': 1" in caplog.text


async def test_malformed_update_is_skipped_and_logged(caplog):
    journal = Journal()
    failure = UpdateParseFailure(raw={"update_type": "message_created"}, error="message: missing")
    source = ScriptedSource(journal, [batch(10, 1, failures=[failure])])
    store = MemoryMarkerStore(journal)
    await run_until_idle(source, store, recording_feed(journal))
    assert journal.events == [("fed", 1), ("marker", 10)]
    assert "does not parse (update_type=message_created)" in caplog.text


async def test_errors_are_retried_with_backoff_and_401_is_loud(caplog):
    journal = Journal()
    script = [
        ServerError("down", status=502),
        Unauthorized("Invalid access_token", status=401, code="verify.token"),
        RuntimeError("surprise"),
        batch(10, 1),
    ]
    source = ScriptedSource(journal, script)
    store = MemoryMarkerStore(journal)
    await run_until_idle(source, store, recording_feed(journal))
    assert journal.events == [("fed", 1), ("marker", 10)]
    assert source.markers == [None, None, None, None, 10]
    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert critical
    assert "401" in critical[0].getMessage()


async def test_failed_marker_save_is_retried_before_polling_on():
    journal = Journal()
    source = ScriptedSource(journal, [batch(10, 1), batch(20, 2)])
    store = MemoryMarkerStore(journal, fail_sets=2)
    await run_until_idle(source, store, recording_feed(journal))
    assert journal.events == [("fed", 1), ("marker", 10), ("fed", 2), ("marker", 20)]
    assert source.markers == [None, 10, 20]


async def test_stop_returns_promptly_during_a_long_poll():
    journal = Journal()
    source = ScriptedSource(journal, [])
    stop = asyncio.Event()
    task = asyncio.ensure_future(
        run_polling(source, MemoryMarkerStore(journal), recording_feed(journal), stop=stop)
    )
    await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(task, timeout=0.5)
    assert source.cancelled


async def test_polls_through_a_real_client(make_client, recorder):
    pages = iter(
        [
            {
                "updates": [samples.bot_started(user_id=7), {"update_type": "bot_started"}],
                "marker": 3,
            },
            {"updates": [samples.message_created()], "marker": 4},
        ]
    )
    stop = asyncio.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        try:
            return httpx.Response(200, json=next(pages))
        except StopIteration:
            stop.set()
            return httpx.Response(200, json={"updates": [], "marker": 4})

    client = make_client(handler)
    journal = Journal()
    store = MemoryMarkerStore(journal)
    seen: list[str] = []

    async def feed(update: Update) -> None:
        seen.append(update.update_type)

    await asyncio.wait_for(
        run_polling(client, store, feed, stop=stop, types=["bot_started", "message_created"]),
        timeout=2,
    )
    assert seen == ["bot_started", "message_created"]
    assert store.marker == 4
    params = [dict(r.url.params) for r in recorder.requests]
    assert "marker" not in params[0]
    assert params[1]["marker"] == "3"
    assert params[2]["marker"] == "4"
    assert params[0]["types"] == "bot_started,message_created"
