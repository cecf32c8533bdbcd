"""Helpers for the crash and fault tests: seed a product database, run the product.

As a module: :func:`seed_announcement` writes a team and a due announcement into a
fresh SQLite file through the storage port and ``EventService`` (what the bot or the
web would do), and :func:`emulator_users` creates and starts people in an emulator
over its control API.

As a script it *is* the product: ``python tests/engine/crashrun.py`` behaves exactly
like ``python -m maxremind run`` (same settings from ``MAXREMIND_*``), except that the
dispatcher's lease is ``CRASHRUN_LEASE_S`` seconds instead of 60, so a test that
kills the process does not have to wait a minute for the dead owner's claims.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ANNOUNCEMENT = "Пожарная тревога: учения в 15:00"


async def emulator_users(
    url: str, token: str, user_ids: Sequence[int], *, parallel: int = 16
) -> None:
    """Create the users in the emulator, press Start for each, then acknowledge the
    resulting ``bot_started`` updates (the test is about reminders, not welcomes)."""
    import httpx

    limit = asyncio.Semaphore(parallel)

    async with httpx.AsyncClient(base_url=url, timeout=30) as http:

        async def post(path: str, body: dict[str, Any], ok: int) -> None:
            # On a CI loaded beyond its two cores the emulator's loop can stall past its
            # keep-alive timeout and drop a connection a request was just sent on: try
            # again on a fresh one ("taken" means the lost attempt had gone through).
            for attempt in range(3):
                try:
                    answer = await http.post(path, json=body)
                except httpx.TransportError:
                    if attempt == 2:
                        raise
                    continue
                if attempt and answer.status_code == 400 and "is taken" in answer.text:
                    return
                assert answer.status_code == ok, answer.text
                return

        async def one(uid: int) -> None:
            async with limit:
                await post("/_emulator/users", {"name": f"Сотрудник {uid}", "user_id": uid}, 201)
                await post(f"/_emulator/users/{uid}/start", {}, 200)

        await asyncio.gather(*(one(uid) for uid in user_ids))
        # A marker past the end acknowledges everything queued so far.
        drained = await http.get(
            "/updates", params={"marker": 10**12, "timeout": 0}, headers={"Authorization": token}
        )
        assert drained.status_code == 200, drained.text


async def seed_announcement(
    db_path: Path, user_ids: Sequence[int], *, title: str = ANNOUNCEMENT, rps: float = 400
) -> int:
    """A team of ``user_ids`` (the first one owns it) and an announcement due now.

    Returns the number of recipients planned.
    """
    from maxremind.domain.models import (
        AudienceEntry,
        AudienceKind,
        EventKind,
        Language,
        NewEvent,
        Role,
    )
    from maxremind.engine.planner import Planner
    from maxremind.services.events import EventService
    from maxremind.storage import open_storage

    async with open_storage(f"sqlite:///{db_path}") as storage:
        owner = user_ids[0]
        for uid in user_ids:
            await storage.upsert_user(uid, name=f"Сотрудник {uid}", username=None)
        team = await storage.create_team(
            "Завод", timezone="Europe/Moscow", language=Language.RU, created_by=owner
        )
        await storage.add_member(team.id, owner, Role.OWNER)
        for uid in user_ids[1:]:
            await storage.add_member(team.id, uid, Role.MEMBER)
        events = EventService(storage, Planner(storage, rps=rps))
        await events.create(
            NewEvent(
                team_id=team.id,
                organizer_id=owner,
                title=title,
                start_local=datetime.now(UTC).replace(tzinfo=None),  # replaced: "now"
                timezone="Europe/Moscow",
                kind=EventKind.ANNOUNCEMENT,
                audience=(AudienceEntry(AudienceKind.TEAM),),
            )
        )
    return len(user_ids)


def ledger(db_path: Path) -> dict[str, int]:
    """Deliveries per status, read straight from the file (works while the product runs)."""
    import sqlite3

    with sqlite3.connect(db_path, timeout=10) as db:
        rows: list[Any] = db.execute(
            "SELECT status, COUNT(*) FROM deliveries GROUP BY status"
        ).fetchall()
    return {str(status): int(n) for status, n in rows}


def _run_product() -> int:
    import maxremind.app as app
    from maxremind.cli import main

    lease = timedelta(seconds=float(os.environ.get("CRASHRUN_LEASE_S", "60")))
    build = app.build_engine

    def build_engine(*args: Any, **kwargs: Any) -> Any:
        engine = build(*args, **kwargs)
        engine.dispatcher.config = replace(engine.dispatcher.config, lease=lease)
        return engine

    app.build_engine = build_engine  # type: ignore[assignment]
    return main(["run"])


if __name__ == "__main__":
    sys.exit(_run_product())
