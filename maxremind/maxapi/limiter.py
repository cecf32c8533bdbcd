"""Client-side rate limiting for the MAX Bot API: smooth bursts instead of collecting 429s.

MAX allows 30 requests/s per bot and at most 2 messages/s into one chat or dialog, and
enforces it as a strict sliding window ("refuse if ``limit`` requests were accepted in the
preceding 1.0 s"). We space requests evenly (GCRA / virtual scheduling with no burst
allowance): the first request goes at once, each later one at ``interval`` after the
previous slot. ``interval`` is ``1/rate`` stretched by ``safety_margin`` (3 %): then
``limit + 1`` consecutive requests span 1.03 s, so up to 30 ms of jitter between the first
and the last of them cannot squeeze them into one server window, while a long burst still
takes only ~3 % longer than the limits allow (300 sends to one chat: ~154 s; 300 sends to
different users: ~10.3 s).

One ``RateLimiter`` must be shared by every sender in the process.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class _Spacer:
    """Virtual scheduling: each reservation takes the next free slot, in call order."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next_free = -math.inf

    def reserve(self, now: float) -> float:
        slot = max(now, self._next_free)
        self._next_free = slot + self.interval
        return slot

    def give_back(self, slot: float) -> None:
        # Only the newest reservation can be returned; an earlier one is followed by slots
        # others already hold, and leaving a hole only wastes capacity, never exceeds it.
        if self._next_free == slot + self.interval:
            self._next_free = slot


@dataclass
class _ChatState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = -math.inf
    users: int = 0


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
        safety_margin: float = 0.03,
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
        self._global = _Spacer(self.global_interval)
        self._chats: dict[Hashable, _ChatState] = {}
        self._sweep_above = 1024

    async def acquire(self, chat_key: Hashable | None = None) -> None:
        """Wait for this request's turn; returns when it may be sent."""
        if chat_key is None:
            await self._acquire_global()
            return
        state = self._chats.get(chat_key)
        if state is None:
            state = self._chats[chat_key] = _ChatState()
        state.users += 1
        try:
            async with state.lock:
                wait = state.next_at - self._clock()
                if wait > 0:
                    await self._sleep(wait)
                await self._acquire_global()
                state.next_at = self._clock() + self.chat_interval
        finally:
            state.users -= 1
            if len(self._chats) > self._sweep_above:
                self._sweep()

    async def _acquire_global(self) -> None:
        now = self._clock()
        slot = self._global.reserve(now)
        if slot > now:
            try:
                await self._sleep(slot - now)
            except BaseException:
                self._global.give_back(slot)
                raise

    def _sweep(self) -> None:
        """Forget idle chats whose spacing has already elapsed, so the map stays small."""
        now = self._clock()
        idle = [k for k, s in self._chats.items() if s.users == 0 and s.next_at <= now]
        for key in idle:
            del self._chats[key]
        self._sweep_above = max(1024, 2 * len(self._chats))
