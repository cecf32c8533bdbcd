"""Long-polling intake: fetch updates, feed them to the bot, then remember how far we got.

Guarantee: the marker is persisted only after every update of its batch was fed (or failed
to parse, or its handler raised — both are logged and skipped), so a restart neither loses
updates nor re-handles a whole batch. A crash in the middle of a batch re-delivers that batch;
the bot's update de-duplication absorbs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from maxremind.maxapi.client import UpdateBatch
from maxremind.maxapi.errors import MaxApiError, Unauthorized
from maxremind.maxapi.models import Update

log = logging.getLogger(__name__)

T = TypeVar("T")

Feed = Callable[[Update], Awaitable[None]]

# A revoked token will not fix itself within seconds; retry slowly and shout.
UNAUTHORIZED_RETRY = 60.0
BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0


class MarkerStore(Protocol):
    """Where the long-poll marker lives between runs (the product keeps it in its DB)."""

    async def get_marker(self) -> int | None: ...

    async def set_marker(self, marker: int) -> None: ...


class UpdatesSource(Protocol):
    """What polling needs from :class:`MaxClient`."""

    async def get_updates(
        self,
        marker: int | None = None,
        limit: int = 100,
        timeout: int = 30,  # noqa: ASYNC109 -- long-poll seconds passed to MAX
        types: Sequence[str] | None = None,
    ) -> UpdateBatch: ...


class _Stopped(Exception):
    pass


class _Backoff:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._failures = 0

    def reset(self) -> None:
        self._failures = 0

    def next_delay(self) -> float:
        self._failures += 1
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** (self._failures - 1))
        # Half fixed, half jitter: never a zero wait in a crash loop.
        return ceiling / 2 + self._rng.uniform(0.0, ceiling / 2)


async def run_polling(
    client: UpdatesSource,
    marker_store: MarkerStore,
    feed: Feed,
    *,
    stop: asyncio.Event,
    types: Sequence[str] | None = None,
    limit: int = 100,
    timeout: int = 30,  # noqa: ASYNC109 -- long-poll seconds passed to MAX
    rng: random.Random | None = None,
) -> None:
    """Poll MAX until ``stop`` is set; never returns on errors, only on ``stop``.

    A long poll in flight is abandoned as soon as ``stop`` is set. A batch already received
    is fed to the end and its marker saved before returning, so nothing is half-handled.
    """
    backoff = _Backoff(rng if rng is not None else random.Random())
    try:
        marker = await _retrying(marker_store.get_marker, "read the polling marker", stop, backoff)
        unsaved = False
        while not stop.is_set():
            if unsaved and marker is not None:
                await _retrying(
                    functools.partial(marker_store.set_marker, marker),
                    "save the polling marker",
                    stop,
                    backoff,
                )
                unsaved = False
            try:
                batch = await _until_stopped(
                    client.get_updates(marker=marker, limit=limit, timeout=timeout, types=types),
                    stop,
                )
            except _Stopped:
                return
            except MaxApiError as exc:
                await _pause_after_error(exc, stop, backoff)
                continue
            except Exception:
                delay = backoff.next_delay()
                log.exception("polling MAX failed unexpectedly; retrying in %.1fs", delay)
                await _sleep_unless_stopped(delay, stop)
                continue
            backoff.reset()
            await _feed_batch(batch, feed)
            if batch.marker is not None and batch.marker != marker:
                marker = batch.marker
                unsaved = True
                try:
                    await marker_store.set_marker(marker)
                    unsaved = False
                except Exception:
                    log.exception("could not save polling marker %s; will retry", marker)
    except _Stopped:
        return


async def _feed_batch(batch: UpdateBatch, feed: Feed) -> None:
    for failure in batch.failures:
        log.error(
            "skipping a MAX update that does not parse (update_type=%s): %s",
            failure.update_type,
            failure.error,
        )
    for update in batch.updates:
        try:
            await feed(update)
        except Exception:
            # Logged and skipped: re-feeding it after a restart would likely fail again.
            log.exception("handler failed for update %s %s", update.update_type, update.ids())


async def _pause_after_error(exc: MaxApiError, stop: asyncio.Event, backoff: _Backoff) -> None:
    if isinstance(exc, Unauthorized):
        log.critical(
            "MAX rejects the bot token (401, code=%s); check the token. Retrying in %.0fs",
            exc.code,
            UNAUTHORIZED_RETRY,
        )
        await _sleep_unless_stopped(UNAUTHORIZED_RETRY, stop)
        return
    delay = backoff.next_delay()
    log.warning("polling MAX failed (%s); retrying in %.1fs", exc, delay)
    await _sleep_unless_stopped(delay, stop)


async def _retrying(
    action: Callable[[], Awaitable[T]], what: str, stop: asyncio.Event, backoff: _Backoff
) -> T:
    """Run a marker-store call until it works; a store outage must not end intake."""
    while True:
        if stop.is_set():
            raise _Stopped
        try:
            result = await action()
        except Exception:
            delay = backoff.next_delay()
            log.exception("could not %s; retrying in %.1fs", what, delay)
            await _sleep_unless_stopped(delay, stop)
            continue
        backoff.reset()
        return result


async def _until_stopped(awaitable: Awaitable[T], stop: asyncio.Event) -> T:
    """Await ``awaitable`` unless ``stop`` is set first; then cancel it and raise _Stopped."""
    work = asyncio.ensure_future(awaitable)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
        if not work.done():
            work.cancel()
            # wait() never raises, so the cancelled poll's outcome is dropped quietly.
            await asyncio.wait({work})
    if work.cancelled() or not work.done():
        raise _Stopped
    return work.result()


async def _sleep_unless_stopped(delay: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=delay)
