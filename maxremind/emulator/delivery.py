"""Getting updates to the bot: the long-polling feed and the webhook pusher."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from maxremind.emulator.models import JSON, Subscription

log = logging.getLogger(__name__)

# Real MAX keeps long-polling events for a limited time; a bounded queue is enough.
FEED_CAPACITY = 10_000


class UpdateFeed:
    """Updates numbered from 1; a marker is the number of the next update wanted.

    Passing marker M acknowledges (and forgets) every update below M. Without a
    marker the caller gets what has not been acknowledged yet.
    """

    def __init__(self) -> None:
        self._items: deque[tuple[int, JSON]] = deque()
        self._next = 1
        self._acked = 1
        self._wakeup = asyncio.Event()
        self.closed = False

    def append(self, update: JSON) -> None:
        self._items.append((self._next, update))
        self._next += 1
        while len(self._items) > FEED_CAPACITY:
            self._items.popleft()
        self._wake()

    def _wake(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    def close(self) -> None:
        """Release every waiting long poll (used on shutdown)."""
        self.closed = True
        self._wake()

    def pending(self) -> int:
        return sum(1 for number, _ in self._items if number >= self._acked)

    def _take(self, start: int, limit: int, types: set[str] | None) -> tuple[list[JSON], int]:
        found: list[JSON] = []
        marker = self._next
        for number, update in self._items:
            if number < start or (types and update["update_type"] not in types):
                continue
            if len(found) == limit:
                marker = number
                break
            found.append(update)
        return found, marker

    async def get(
        self, marker: int | None, limit: int, wait: float, types: set[str] | None
    ) -> tuple[list[JSON], int]:
        if marker is not None:
            self._acked = max(self._acked, min(marker, self._next))
            while self._items and self._items[0][0] < self._acked:
                self._items.popleft()
        # A marker from an earlier emulator run may be ahead of this one's numbering.
        start = self._acked if marker is None else min(marker, self._next)
        deadline = time.monotonic() + wait
        while True:
            found, next_marker = self._take(start, limit, types)
            remaining = deadline - time.monotonic()
            if found or remaining <= 0 or self.closed:
                return found, next_marker
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), remaining)


@dataclass
class WebhookStats:
    delivered: int = 0
    failed_attempts: int = 0
    dropped: int = 0
    unsubscribed: int = 0
    last_error: str | None = None


@dataclass
class _Pending:
    update: JSON
    first_try: float
    attempts: int = 0


Sleep = Callable[[float], Awaitable[None]]


@dataclass
class WebhookPusher:
    """Pushes updates, in order, to one subscription, as the document's webhook section
    says: a failed update (anything but 200) is tried again after 30-60 s (``retry_delay``,
    one number or a (low, high) range) until it is ``max_age`` (8 hours) old, then
    dropped. When deliveries have failed without a success for ``max_age``, MAX ends
    the subscription (``on_give_up``); later updates wait for long polling.

    ``clock`` and ``sleep`` are the time source (tests advance a virtual one)."""

    subscription: Subscription
    client: Callable[[], httpx.AsyncClient]
    retry_delay: float | tuple[float, float]
    max_age: float
    stats: WebhookStats = field(default_factory=WebhookStats)
    clock: Callable[[], float] = time.monotonic
    sleep: Sleep = asyncio.sleep
    on_give_up: Callable[[WebhookPusher], None] | None = None
    rng: random.Random = field(default_factory=random.Random)
    _queue: deque[_Pending] = field(default_factory=deque)
    _task: asyncio.Task[None] | None = None
    _wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    _failing_since: float | None = None

    def wants(self, update: JSON) -> bool:
        types = self.subscription.update_types
        return not types or update["update_type"] in types

    def push(self, update: JSON) -> None:
        self._queue.append(_Pending(update, self.clock()))
        self._wakeup.set()
        self.ensure_running()

    def ensure_running(self) -> None:
        if self._task is None or self._task.done():
            try:
                self._task = asyncio.get_running_loop().create_task(self._run())
            except RuntimeError:
                return  # no loop yet: the next push from inside the loop starts it

    async def stop(self) -> None:
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def take_queue(self) -> list[JSON]:
        """The updates not delivered yet (handed back when the subscription ends)."""
        found = [item.update for item in self._queue]
        self._queue.clear()
        return found

    def _next_delay(self) -> float:
        if isinstance(self.retry_delay, tuple):
            low, high = self.retry_delay
            return self.rng.uniform(low, high)
        return self.retry_delay

    async def _deliver(self, item: _Pending) -> bool:
        headers = {"Content-Type": "application/json"}
        if self.subscription.secret:
            headers["X-Max-Bot-Api-Secret"] = self.subscription.secret
        item.attempts += 1
        try:
            response = await self.client().post(
                self.subscription.url, json=item.update, headers=headers, timeout=30.0
            )
        except httpx.HTTPError as exc:
            self.stats.last_error = f"{type(exc).__name__}: {exc}"
            return False
        if response.status_code == 200:
            return True
        self.stats.last_error = f"HTTP {response.status_code}"
        return False

    async def _run(self) -> None:
        while True:
            if not self._queue:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            item = self._queue[0]
            if await self._deliver(item):
                self._queue.popleft()
                self.stats.delivered += 1
                self._failing_since = None
                continue
            self.stats.failed_attempts += 1
            now = self.clock()
            if self._failing_since is None:
                self._failing_since = now
            if now - self._failing_since >= self.max_age and self.on_give_up is not None:
                log.warning(
                    "webhook: %s failed for %.0f s; ending the subscription",
                    self.subscription.url,
                    now - self._failing_since,
                )
                self.stats.unsubscribed += 1
                self.on_give_up(self)
                return
            if now - item.first_try >= self.max_age:
                log.warning("webhook: dropping %s after %d attempts", item.update, item.attempts)
                self._queue.popleft()
                self.stats.dropped += 1
                continue
            await self.sleep(self._next_delay())

    @property
    def queued(self) -> int:
        return len(self._queue)
