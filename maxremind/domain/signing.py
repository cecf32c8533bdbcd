"""Signed callback payloads: a button's payload says what it does and proves we made it.

Format: ``<action>:<arg>:<arg>…:<nonce><signature>``, the nonce being 6 random
characters and the signature the first 12 characters of an HMAC-SHA256 (urlsafe
base64) over the rest with a per-instance secret kept in the database
(``maxremind.core.keys`` loads it; this module does no I/O).  A forged or mangled
payload fails verification and is answered "устарело", changing nothing.

The nonce makes every drawn button unique, even when a message is redrawn with the
same choices (a ticked list, an answer changed back): the router records each press
of a payload once (in the database, see ``IntakeStore.claim_press``), so a double tap
or a redelivered press of one drawn button does its work once.  Payloads signed
before nonces existed (a 12-character tail) still verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_KEY = "callbacks.secret"  # noqa: S105 - the name of a stored value
MAX_PAYLOAD = 1024
_SIG_LEN = 12
_NONCE_LEN = 6


class CallbackSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @staticmethod
    def new_secret() -> str:
        """A fresh secret for an instance that has none yet (the caller stores it)."""
        return secrets.token_urlsafe(32)

    def _sig(self, body: str) -> str:
        mac = hmac.new(self._secret, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode()[:_SIG_LEN]

    def sign(self, action: str, *args: str | int) -> str:
        parts = [action, *(str(a) for a in args)]
        if any(":" in p for p in parts):
            raise ValueError("callback parts must not contain ':'")
        body = ":".join(parts)
        nonce = secrets.token_urlsafe(_NONCE_LEN)[:_NONCE_LEN]  # urlsafe: never ':'
        payload = f"{body}:{nonce}{self._sig(f'{body}:{nonce}')}"
        if len(payload) > MAX_PAYLOAD:
            raise ValueError("callback payload longer than MAX allows")
        return payload

    def verify(self, payload: str) -> list[str] | None:
        """The parts (action first) of a genuine payload, or None."""
        body, _, tail = payload.rpartition(":")
        if len(tail) == _NONCE_LEN + _SIG_LEN:
            signed, sig = f"{body}:{tail[:_NONCE_LEN]}", tail[_NONCE_LEN:]
        else:  # signed before nonces
            signed, sig = body, tail
        if not body or not hmac.compare_digest(sig, self._sig(signed)):
            return None
        return body.split(":")
