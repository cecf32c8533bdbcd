"""Conversation state behind one port: storage-backed by default, Redis in scale mode."""

from __future__ import annotations

from maxremind.state.base import Loaded, StateStore
from maxremind.storage import Storage

__all__ = ["Loaded", "StateStore", "open_state"]


def open_state(storage: Storage, redis_url: str) -> StateStore:
    """Redis when ``redis_url`` is set, else the product's own database."""
    if redis_url:
        from maxremind.state.redis import RedisState

        return RedisState(redis_url)
    from maxremind.state.sqlite import StorageState

    return StorageState(storage)
