"""Conversation state behind one port: storage-backed by default, Redis in scale mode."""

from __future__ import annotations

from maxremind.state.base import Loaded, StateStore
from maxremind.storage import Storage

__all__ = ["Loaded", "StateStore", "open_state"]


def open_state(storage: Storage, redis_url: str, *, bot_key: str = "") -> StateStore:
    """Redis when ``redis_url`` is set, else the product's own database.  ``bot_key``
    keeps the dialogs of two bots sharing one Redis apart (it must not be the token)."""
    if redis_url:
        from maxremind.state.redis import RedisState

        prefix = f"maxremind:state:{bot_key}:" if bot_key else "maxremind:state:"
        return RedisState(redis_url, prefix=prefix)
    from maxremind.state.sqlite import StorageState

    return StorageState(storage)
