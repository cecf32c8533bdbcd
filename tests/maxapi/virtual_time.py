"""A virtual clock for the limiter: sleeps complete instantly, in deadline order."""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable
from typing import Any


class VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        if delay <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + delay, self._seq, future))
        self._seq += 1
        await future

    async def settle(self) -> None:
        """Let every runnable task run until it blocks on a virtual sleep (or finishes)."""
        for _ in range(50):
            await asyncio.sleep(0)

    async def run(self, *awaitables: Awaitable[Any]) -> list[Any]:
        tasks = [asyncio.ensure_future(a) for a in awaitables]
        return await self.drive(tasks)

    async def drive(self, tasks: list[asyncio.Future[Any]]) -> list[Any]:
        while True:
            await self.settle()
            if all(t.done() for t in tasks):
                return [t.result() for t in tasks if not t.cancelled()]
            while self._timers and self._timers[0][2].done():
                heapq.heappop(self._timers)
            if not self._timers:
                raise RuntimeError("tasks are blocked but no virtual timer is pending")
            when, _, future = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            future.set_result(None)
