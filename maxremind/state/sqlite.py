"""State in the product's own database (the default): survives restarts."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from maxremind.state.base import Loaded, StateStore
from maxremind.storage import Storage


class StorageState(StateStore):
    """Keeps state through the storage port, so it works on SQLite and Postgres alike."""

    def __init__(self, storage: Storage, clock: Callable[[], float] = time.time) -> None:
        self._storage = storage
        self._clock = clock

    async def load(self, key: str) -> Loaded:
        found = await self._storage.state_get(key)
        if found is None:
            return Loaded(None)
        value, expires_ms = found
        if expires_ms <= self._clock() * 1000:
            await self._storage.state_delete(key)
            return Loaded(None, expired=True)
        loaded: dict[str, Any] = json.loads(value)
        return Loaded(loaded)

    async def save(self, key: str, value: dict[str, Any], ttl: timedelta) -> None:
        expires = int((self._clock() + ttl.total_seconds()) * 1000)
        await self._storage.state_set(key, json.dumps(value, ensure_ascii=False), expires)

    async def delete(self, key: str) -> None:
        await self._storage.state_delete(key)
