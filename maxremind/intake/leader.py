"""Work that one process of a fleet does alone: long polling, calendar refreshes.

Each process runs :func:`run_as_leader`; the one that takes the fleet lock does the
work, the others try again every few seconds.  When the leader dies its lock is freed
with its database connection, so another process takes over within ``retry`` seconds.
On SQLite (one process) the lock is always free and this is a plain call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from maxremind.storage import Storage, StorageError

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0

Work = Callable[[asyncio.Event], Awaitable[None]]


async def run_as_leader(
    storage: Storage,
    name: str,
    work: Work,
    stop: asyncio.Event,
    *,
    retry: float = RETRY_SECONDS,
) -> None:
    """Run ``work(until)`` while this process holds the fleet lock ``name``, until
    ``stop`` is set.  ``until`` is set when ``stop`` is, or when the lock is lost (its
    connection broke): the work must then return, and the lock is tried again."""
    announced = False
    while not stop.is_set():
        try:
            async with storage.fleet_lock(name) as held:
                if held is not None:
                    log.info("this process now leads %s", name)
                    announced = False
                    await _work_while_held(work, stop, held.lost)
                    if not stop.is_set():
                        log.warning("this process stopped leading %s", name)
                elif not announced:
                    log.info("another process leads %s; standing by", name)
                    announced = True
        except StorageError as exc:
            log.warning("cannot take the lead of %s (%s); retrying", name, exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), retry)


async def _work_while_held(work: Work, stop: asyncio.Event, lost: asyncio.Event) -> None:
    until = asyncio.Event()

    async def relay() -> None:
        waits = [asyncio.create_task(stop.wait()), asyncio.create_task(lost.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
        until.set()

    relay_task = asyncio.create_task(relay())
    try:
        await work(until)
    finally:
        relay_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay_task
