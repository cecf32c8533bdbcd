"""What an idle instance does not load: the web pages' services, the insights code and the
/event dialog come with their first use, not with start-up (issue 12: idle RSS before the
first page view; docs/benchmarks.md, "Idle memory").  The bot still registers their
commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LOADED_ON_USE = (
    "maxremind.http.web.visit",
    "maxremind.services.overview",
    "maxremind.services.instance",
    "maxremind.services.insights",
    "maxremind.core.insights",
    "maxremind.bot.handlers.insights_views",
    "maxremind.bot.handlers.events_dialog",
    "uvicorn.protocols.http.h11_impl",  # httptools serves
    "tomllib",  # only with a config file
    "difflib",  # "did you mean", with the first typo
)


def loaded_after(code: str) -> list[str]:
    # A fresh interpreter: this test process has long imported everything.
    probe = f"{code}\nprint(json.dumps([m for m in {list(LOADED_ON_USE)!r} if m in sys.modules]))"
    out = subprocess.run(
        [sys.executable, "-c", "import json, sys; " + probe],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return list(json.loads(out))


def test_starting_the_app_loads_neither_the_pages_services_nor_insights() -> None:
    assert loaded_after("import maxremind.app, maxremind.cli") == []


def test_the_bot_registers_commands_without_loading_their_views() -> None:
    code = (
        "from maxremind.bot.handlers import register_all; "
        "from maxremind.bot.router import Router; from maxremind.domain.models import Language; "
        "r = Router(None); register_all(r); "
        'assert {"/stats", "/digest", "/event"} <= set(r.commands); '
        'assert "/stats" in r.help_text(Language.EN)'
    )
    assert loaded_after(code) == []


def test_the_engine_plans_digests_without_loading_the_numbers(tmp_path: Path) -> None:
    # The engine looks for due digests and checklists every round; core.insights (what
    # computes them) comes only when one is drawn.
    code = (
        "import asyncio; from datetime import UTC, datetime; "
        "from maxremind.domain.signing import CallbackSigner; "
        "from maxremind.engine.insights import InsightsMessages; "
        "from maxremind.storage import open_storage\n"
        "async def main():\n"
        f"    async with open_storage('sqlite:///{tmp_path}/db.sqlite') as storage:\n"
        "        plans = InsightsMessages(storage, CallbackSigner(b'k' * 32), 'Europe/Moscow')\n"
        "        assert await plans.plan(datetime.now(UTC)) == 0\n"
        "asyncio.run(main())"
    )
    assert loaded_after(code) == []
