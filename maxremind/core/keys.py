"""The instance's secret, kept in the database: the callback signing key and the keys
derived from it for other purposes."""

from __future__ import annotations

import hashlib
import hmac

from maxremind.domain.signing import SECRET_KEY, CallbackSigner
from maxremind.storage.base import Storage


async def load_signer(storage: Storage) -> CallbackSigner:
    """The instance's signer, creating and storing its secret on first use."""
    stored = await storage.get_value(SECRET_KEY)
    if stored is None:
        # Several processes may start on a fresh database at once: all keep the first
        # secret stored, or callbacks signed by one would fail in another.
        stored = await storage.put_value_once(SECRET_KEY, CallbackSigner.new_secret())
    return CallbackSigner(stored.encode())


async def derived_key(storage: Storage, label: bytes) -> bytes:
    """A key for one purpose (``label``), derived from the instance's secret: it survives
    restarts and backups, and no two purposes share a key."""
    await load_signer(storage)  # creates the secret on a fresh instance
    stored = await storage.get_value(SECRET_KEY)
    if stored is None:  # pragma: no cover - load_signer has just stored it
        raise RuntimeError("the instance secret is missing")
    return hmac.new(stored.encode(), label, hashlib.sha256).digest()
