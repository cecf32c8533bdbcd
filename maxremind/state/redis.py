"""State in Redis (scale mode): shared by every maxremind process of one bot."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from maxremind.state.base import Loaded, StateStore

# Expiry is Redis's own; a short-lived marker remembers that something expired so the
# person can be told once, like the other adapters do.
_EXPIRED_MARK_TTL = timedelta(days=2)


class RedisState(StateStore):
    def __init__(self, url: str, prefix: str = "maxremind:state:") -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url, decode_responses=True)
        self._prefix = prefix

    async def load(self, key: str) -> Loaded:
        raw = await self._redis.get(self._prefix + key)
        if raw is not None:
            value: dict[str, Any] = json.loads(raw)
            return Loaded(value)
        if await self._redis.getdel(self._prefix + "expired:" + key):
            return Loaded(None, expired=True)
        return Loaded(None)

    async def save(self, key: str, value: dict[str, Any], ttl: timedelta) -> None:
        seconds = max(1, int(ttl.total_seconds()))
        pipe = self._redis.pipeline()
        pipe.set(self._prefix + key, json.dumps(value, ensure_ascii=False), ex=seconds)
        # Appears only once the value itself has expired (it lives longer).
        pipe.set(
            self._prefix + "expired:" + key,
            "1",
            ex=seconds + int(_EXPIRED_MARK_TTL.total_seconds()),
        )
        await pipe.execute()

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._prefix + key, self._prefix + "expired:" + key)

    async def close(self) -> None:
        await self._redis.aclose()
