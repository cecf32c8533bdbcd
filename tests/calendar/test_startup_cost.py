"""What the calendar features cost an idle instance: the parser, the renderer (and
icalendar behind them) and the subscription client's TLS context come with first use,
not with start-up (docs/benchmarks.md, idle RSS)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from maxremind.calendar.fetch import IcsFetcher
from tests.calendar.conftest import Answer, Server
from tests.calendar.test_import import ics

LOADED_ON_USE = (
    "icalendar",
    "maxremind.calendar.importer",
    "maxremind.calendar.windows_zones",
    "maxremind.calendar.feed",
    "maxremind.calendar.ics",
)


def test_starting_the_app_does_not_load_the_calendar_parser_or_renderer() -> None:
    # A fresh interpreter: this test process has long imported everything.
    code = (
        "import json, sys, maxremind.app, maxremind.cli; "
        f"print(json.dumps([m for m in {list(LOADED_ON_USE)!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == []
    # ... while the bot still registers its calendar handlers without them.
    code = (
        "import json, sys; from maxremind.bot.handlers import register_all; "
        "from maxremind.bot.router import Router; r = Router(None); register_all(r); "
        'assert "/calendar" in r.commands and r.file_handler is not None; '
        f"print(json.dumps([m for m in {list(LOADED_ON_USE)!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == []


async def test_the_fetcher_builds_its_client_on_the_first_fetch(server: Server) -> None:
    server.answers["/feed.ics"] = Answer(body=ics())
    fetcher = IcsFetcher(allow_private=True)
    assert fetcher._client is None  # nothing built (no TLS context) until it is used
    try:
        fetched = await fetcher.fetch(server.url())
        assert fetched.body is not None and b"BEGIN:VCALENDAR" in fetched.body
        client = fetcher._client
        assert client is not None
        await fetcher.fetch(server.url())
        assert fetcher._client is client  # one client, kept
    finally:
        await fetcher.aclose()
    assert client.is_closed


async def test_a_fetcher_closed_unused_refuses_to_fetch(server: Server) -> None:
    server.answers["/feed.ics"] = Answer(body=ics())
    fetcher = IcsFetcher(allow_private=True)
    await fetcher.aclose()
    assert fetcher._client is None
    with pytest.raises(RuntimeError):
        await fetcher.fetch(server.url())
    assert server.seen == []
