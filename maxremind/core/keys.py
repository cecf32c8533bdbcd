"""The instance's callback signing key, kept in the database."""

from __future__ import annotations

from maxremind.domain.signing import SECRET_KEY, CallbackSigner
from maxremind.storage.base import Storage


async def load_signer(storage: Storage) -> CallbackSigner:
    """The instance's signer, creating and storing its secret on first use."""
    stored = await storage.get_value(SECRET_KEY)
    if stored is None:
        stored = CallbackSigner.new_secret()
        await storage.set_value(SECRET_KEY, stored)
    return CallbackSigner(stored.encode())
