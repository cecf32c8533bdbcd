"""In-memory state, for tests and single-shot tools."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from maxremind.state.base import Loaded, StateStore


class MemoryState(StateStore):
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._data: dict[str, tuple[dict[str, Any], float]] = {}
        self._clock = clock

    async def load(self, key: str) -> Loaded:
        found = self._data.get(key)
        if found is None:
            return Loaded(None)
        value, expires = found
        if expires <= self._clock():
            del self._data[key]
            return Loaded(None, expired=True)
        return Loaded(value)

    async def save(self, key: str, value: dict[str, Any], ttl: timedelta) -> None:
        self._data[key] = (value, self._clock() + ttl.total_seconds())

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)
