"""Client-side rate limiting for the MAX Bot API: smooth bursts instead of collecting 429s.

MAX allows 30 requests/s per bot and at most 2 messages/s into one chat or dialog, and
enforces it as a strict sliding window ("refuse if ``limit`` requests were accepted in the
preceding 1.0 s"). Two mechanisms work together:

* **Spacing** (GCRA / virtual scheduling, no burst allowance): the first request goes at
  once, each later one ``interval`` after the previous slot, ``interval`` being ``1/rate``
  stretched by a tiny ``safety_margin`` (0.2 %, so that requests never land exactly on
  the window's edge; the guard below is what keeps us within it).  This keeps the flow
  even.
* **A window guard that mirrors the server's.**  We cannot know when MAX accepted a
  request, but it was after we released it and before we got the answer.  So request
  ``n`` is released only once request ``n - limit`` has completed and a full window has
  passed since: then MAX's acceptance times are at least one window apart, whatever the
  network or event-loop jitter.  On a quiet network the guard never binds and bursts run
  at the limit; on a slow one it costs the round-trip time, never a 429.

Use ``async with limiter.slot(chat_key):`` around the request so its completion is
recorded.  One ``RateLimiter`` must be shared by every sender in the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Protocol

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Limiter(Protocol):
    """What the client needs of a limiter: this one, or the fleet's in Redis
    (:mod:`.fleet_limiter`)."""

    async def acquire(self, chat_key: Hashable | None = None) -> None: ...

    def slot(
        self, chat_key: Hashable | None = None
    ) -> contextlib.AbstractAsyncContextManager[None]: ...

    async def aclose(self) -> None: ...


class _Permit:
    """One released request: when it completed (None while it is in flight)."""

    __slots__ = ("done_at", "finished")

    def __init__(self) -> None:
        self.done_at: float | None = None
        self.finished = asyncio.Event()

    def complete(self, at: float) -> None:
        if self.done_at is None:
            self.done_at = at
            self.finished.set()


class _Window:
    """The guard: at most ``limit`` requests whose completions lie within ``window``."""

    def __init__(self, limit: int, window: float) -> None:
        self.window = window
        self.recent: deque[_Permit] = deque(maxlen=max(1, limit))

    async def admit(self, clock: Clock, sleep: Sleep) -> _Permit:
        # Check and register without an await in between, so it is atomic in asyncio.
        while True:
            if len(self.recent) < (self.recent.maxlen or 1):
                break
            oldest = self.recent[0]
            if oldest.done_at is None:
                await oldest.finished.wait()
                continue
            wait = oldest.done_at + self.window - clock()
            if wait <= 0:
                break
            await sleep(wait)
        permit = _Permit()
        self.recent.append(permit)
        return permit


class _Gate:
    """The global bucket: hands out one slot per ``interval``, best priority first.

    Slots are not reserved ahead: whoever is waiting when a slot frees and has the best
    priority gets it.  Sends to a chat that already has a queue behind them get priority
    0, everything else 1, so a chat held to 2 messages/s is not pushed back by a crowd
    of one-off requests that could go at any time.  That is what lets a burst to one
    chat and a burst to many people, together, finish when the limits allow.
    """

    def __init__(self, interval: float, window: _Window, clock: Clock, sleep: Sleep) -> None:
        self._interval = interval
        self._window = window
        self._clock = clock
        self._sleep = sleep
        self._next_free = -math.inf
        self._waiting: list[tuple[int, int, asyncio.Future[_Permit]]] = []
        self._seq = itertools.count()
        self._runner: asyncio.Task[None] | None = None

    async def admit(self, priority: int) -> _Permit:
        future: asyncio.Future[_Permit] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._seq), future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.get_running_loop().create_task(self._run())
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                # Granted just as we were cancelled: the slot counts as used at once.
                future.result().complete(self._clock())
            raise

    def _drop_cancelled(self) -> None:
        while self._waiting and self._waiting[0][2].done():
            heapq.heappop(self._waiting)

    async def _run(self) -> None:
        while True:
            self._drop_cancelled()
            if not self._waiting:
                return
            wait = self._next_free - self._clock()
            if wait > 0:
                await self._sleep(wait)
                continue
            permit = await self._window.admit(self._clock, self._sleep)
            self._drop_cancelled()
            if not self._waiting:
                self._window.recent.remove(permit)
                return
            _, _, future = heapq.heappop(self._waiting)
            future.set_result(permit)
            self._next_free = self._clock() + self._interval


@dataclass
class _ChatState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = -math.inf
    users: int = 0
    window: _Window | None = None


class RateLimiter:
    """``await limiter.acquire()`` before every API request; pass ``chat_key`` for sends.

    ``chat_key`` names the chat or dialog a message goes to (e.g. ``("user", 42)`` or
    ``("chat", -100)``). Sends to one chat are serialized FIFO and spaced from the moment the
    previous one was actually released (after its global slot), so waiting for the global
    bucket can never squeeze two sends into one chat closer than the per-chat interval.
    Cancelling a waiter is safe: it leaves the queue and, if it was last, frees its slot.
    """

    def __init__(
        self,
        global_rps: float = 30.0,
        per_chat_rps: float = 2.0,
        *,
        safety_margin: float = 0.002,
        window: float = 1.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if global_rps <= 0 or per_chat_rps <= 0:
            raise ValueError("rates must be positive")
        if not 0 <= safety_margin < 1:
            raise ValueError("safety_margin must be in [0, 1)")
        self.global_rps = global_rps
        self.per_chat_rps = per_chat_rps
        self.global_interval = (1.0 + safety_margin) / global_rps
        self.chat_interval = (1.0 + safety_margin) / per_chat_rps
        self._clock = clock
        self._sleep = sleep
        self._global = _Gate(
            self.global_interval,
            _Window(math.floor(global_rps * window), window),
            clock,
            sleep,
        )
        self._chat_limit = math.floor(per_chat_rps * window)
        self._window = window
        self._chats: dict[Hashable, _ChatState] = {}
        self._sweep_above = 1024

    async def aclose(self) -> None:
        """Nothing to release: the state lives in this process."""

    async def acquire(self, chat_key: Hashable | None = None) -> None:
        """Wait for this request's turn, counting it as completed at once.

        Prefer :meth:`slot`, which records the real completion for the window guard.
        """
        permits = await self._acquire(chat_key)
        now = self._clock()
        for permit in permits:
            permit.complete(now)

    @contextlib.asynccontextmanager
    async def slot(self, chat_key: Hashable | None = None) -> AsyncIterator[None]:
        """Wait for this request's turn; the block is the request, its end its completion."""
        permits = await self._acquire(chat_key)
        try:
            yield
        finally:
            now = self._clock()
            for permit in permits:
                permit.complete(now)

    async def _acquire(self, chat_key: Hashable | None) -> list[_Permit]:
        if chat_key is None:
            return [await self._global.admit(1)]
        state = self._chats.get(chat_key)
        if state is None:
            state = self._chats[chat_key] = _ChatState()
        if state.window is None:
            state.window = _Window(self._chat_limit, self._window)
        state.users += 1
        try:
            async with state.lock:
                wait = state.next_at - self._clock()
                backlog = wait > 0 or state.users > 1
                if wait > 0:
                    await self._sleep(wait)
                chat_permit = await state.window.admit(self._clock, self._sleep)
                try:
                    global_permit = await self._global.admit(0 if backlog else 1)
                except BaseException:
                    state.window.recent.remove(chat_permit)
                    raise
                state.next_at = self._clock() + self.chat_interval
                return [chat_permit, global_permit]
        finally:
            state.users -= 1
            if len(self._chats) > self._sweep_above:
                self._sweep()

    def _sweep(self) -> None:
        """Forget idle chats whose spacing has already elapsed, so the map stays small."""
        now = self._clock()
        idle = [
            k
            for k, s in self._chats.items()
            if s.users == 0
            and s.next_at <= now
            and (s.window is None or all(p.done_at is not None for p in s.window.recent))
        ]
        for key in idle:
            del self._chats[key]
        self._sweep_above = max(1024, 2 * len(self._chats))
