"""State in Redis (scale mode): shared by every maxremind process of one bot.

Unlike the database adapter, a save here is not part of the update's unit of work: if
handling fails after it and the inbox hands the update over again, the dialog has
already moved on a step.  Updates themselves are de-duplicated by the inbox in the
database, not here.  Needs Redis 6.2 or newer (GETDEL).
"""

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
        from redis.asyncio.retry import Retry
        from redis.backoff import ExponentialBackoff

        # A Redis that is gone fails the update's handling within seconds (the inbox
        # retries it later) instead of holding it for the client's default retries.
        self._redis = Redis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=2.0,
            socket_timeout=2.0,
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 2),
        )
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
        ms = max(1, round(ttl.total_seconds() * 1000))
        pipe = self._redis.pipeline()
        pipe.set(self._prefix + key, json.dumps(value, ensure_ascii=False), px=ms)
        # Appears only once the value itself has expired (it lives longer).
        pipe.set(
            self._prefix + "expired:" + key,
            "1",
            px=ms + round(_EXPIRED_MARK_TTL.total_seconds() * 1000),
        )
        await pipe.execute()

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._prefix + key, self._prefix + "expired:" + key)

    async def close(self) -> None:
        await self._redis.aclose()
