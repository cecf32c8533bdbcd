"""MAX mini-app launch data: checking what MAX signed, and signing it like MAX does.

MAX opens a mini-app with ``#WebAppData=<init data>&WebAppPlatform=…`` in the URL
fragment (the bridge script offers the same string as ``window.WebApp.initData``).
The init data is a query string, ``query_id=…&auth_date=…&user=<JSON>&hash=…``, its
values URL-encoded.  MAX signs it with the bot's token:

1. every key appears once, ``hash`` exactly once; ``hash`` is set aside;
2. the other pairs, values URL-decoded, are sorted by key and joined as ``k=v`` lines
   (``"\\n"`` between them) — the *launch params*;
3. ``secret = HMAC_SHA256(key=b"WebAppData", msg=bot_token)``;
4. genuine iff ``hash == hex(HMAC_SHA256(key=secret, msg=launch params))``.

:func:`check_init_data` takes the init data string itself, i.e. the ``WebAppData``
value of the fragment URL-decoded once (what ``window.WebApp.initData`` holds).  It
also accepts the fragment's value still encoded (no ``=`` in it: init data always has
one, its encoded form never), decoding it once first.

This module does no I/O; the caller passes "now".
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal
from urllib.parse import quote, unquote, unquote_plus

__all__ = [
    "FUTURE_SKEW",
    "MAX_INIT_DATA",
    "InitData",
    "InitDataRefused",
    "RefusalReason",
    "check_init_data",
    "sign_init_data",
]

RefusalReason = Literal["hash", "duplicate", "expired", "no_user", "malformed"]
"""Why launch data was refused: a missing or wrong ``hash``; a key given twice; an
``auth_date`` too old or too far ahead; no ``user``; anything unreadable."""

MAX_INIT_DATA: Final = 16 * 1024
"""Longer launch data is refused unread (MAX's is a few hundred characters)."""

FUTURE_SKEW: Final = timedelta(minutes=1)
"""How far ahead of our clock an ``auth_date`` may be (the two clocks differ a little)."""

_SECRET_LABEL: Final = b"WebAppData"
# auth_date is Unix seconds; a value this large can only be milliseconds (in seconds it
# would be the year 5138), so both are understood.
_MS_THRESHOLD: Final = 100_000_000_000
_MAX_ID: Final = 2**63 - 1


class InitDataRefused(ValueError):
    """Launch data that must not be trusted; ``reason`` is a short machine word."""

    def __init__(self, reason: RefusalReason) -> None:
        super().__init__(reason)
        self.reason: RefusalReason = reason


@dataclass(frozen=True, slots=True)
class InitData:
    """What genuine launch data says: who opened the mini-app, when, and from where."""

    user_id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    auth_date: datetime
    start_param: str | None
    """The ``payload`` of the open_app button (MAX's field name), if any."""
    query_id: str | None
    chat: dict[str, Any] | None
    """The ``chat`` object as MAX sent it, when the app was opened from a chat."""

    @property
    def display_name(self) -> str:
        """The name to remember, built like a bot update's sender name."""
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.username or str(self.user_id)


def _secret(bot_token: str) -> bytes:
    return hmac.new(_SECRET_LABEL, bot_token.encode(), hashlib.sha256).digest()


def _launch_params(pairs: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={pairs[key]}" for key in sorted(pairs))


def _signature(pairs: Mapping[str, str], bot_token: str) -> str:
    return hmac.new(_secret(bot_token), _launch_params(pairs).encode(), hashlib.sha256).hexdigest()


def _parse(raw: str) -> tuple[dict[str, str], list[str]]:
    """The pairs (decoded) and the hashes given; refuses a key given twice."""
    if "=" not in raw:  # the fragment's value, still encoded once
        raw = unquote(raw)
    pairs: dict[str, str] = {}
    hashes: list[str] = []
    for part in raw.split("&"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise InitDataRefused("malformed")
        key, value = unquote_plus(key), unquote_plus(value)
        if not key:
            raise InitDataRefused("malformed")
        if key == "hash":
            hashes.append(value)
        elif key in pairs:
            raise InitDataRefused("duplicate")
        else:
            pairs[key] = value
    if len(hashes) > 1:
        raise InitDataRefused("duplicate")
    return pairs, hashes


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise InitDataRefused("malformed") from None
    if not isinstance(value, dict):
        raise InitDataRefused("malformed")
    return value


def _auth_date(text: str | None, *, now: datetime, max_age: timedelta) -> datetime:
    if text is None or not text.isascii() or not text.isdigit():
        raise InitDataRefused("malformed")
    stamp = int(text)
    seconds = stamp / 1000 if stamp >= _MS_THRESHOLD else float(stamp)
    try:
        at = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, ValueError, OSError):
        raise InitDataRefused("malformed") from None
    if at < now - max_age or at > now + FUTURE_SKEW:
        raise InitDataRefused("expired")
    return at


def _text(value: object) -> str | None:
    """An optional string field: missing or empty is None; another type is refused."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InitDataRefused("malformed")
    return value


def check_init_data(raw: str, bot_token: str, *, now: datetime, max_age: timedelta) -> InitData:
    """Check launch data MAX signed with ``bot_token`` and read it.

    ``raw`` is the init data string (see the module's docstring for the forms accepted);
    ``now`` an aware datetime; ``max_age`` how old ``auth_date`` may be.  The signature is
    checked before anything inside is believed.

    :raises InitDataRefused: with ``reason`` ``"malformed"`` (unreadable, too long, no or
        a non-numeric ``auth_date``, a bad ``user``), ``"duplicate"`` (a key or ``hash``
        twice), ``"hash"`` (no ``hash``, a wrong one, or no bot token to check it with),
        ``"expired"`` (``auth_date`` older than ``max_age`` or more than a minute ahead),
        ``"no_user"`` (genuine, but says nothing of who opened the app).
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if len(raw) > MAX_INIT_DATA:
        raise InitDataRefused("malformed")
    pairs, hashes = _parse(raw)
    if not hashes or not bot_token:
        raise InitDataRefused("hash")
    expected = _signature(pairs, bot_token)
    if not hmac.compare_digest(expected.encode(), hashes[0].lower().encode()):
        raise InitDataRefused("hash")
    auth_date = _auth_date(pairs.get("auth_date"), now=now, max_age=max_age)
    if not pairs.get("user"):
        raise InitDataRefused("no_user")
    user = _json_object(pairs["user"])
    user_id = user.get("id")
    if isinstance(user_id, bool) or not isinstance(user_id, int) or not 0 < user_id <= _MAX_ID:
        raise InitDataRefused("malformed")
    chat = _json_object(pairs["chat"]) if pairs.get("chat") else None
    return InitData(
        user_id=user_id,
        first_name=_text(user.get("first_name")) or "",
        last_name=_text(user.get("last_name")),
        username=_text(user.get("username")),
        language_code=_text(user.get("language_code")),
        auth_date=auth_date,
        start_param=_text(pairs.get("start_param")),
        query_id=_text(pairs.get("query_id")),
        chat=chat,
    )


def sign_init_data(fields: Mapping[str, str], bot_token: str) -> str:
    """Launch data carrying ``fields`` (values as plain text, ``user`` as JSON text),
    signed with ``bot_token`` as MAX signs it; :func:`check_init_data` accepts it.

    Values are percent-encoded (a space as ``%20``), so any URL decoder reads them.

    :raises ValueError: ``fields`` has a ``hash`` of its own, or no bot token is given.
    """
    if "hash" in fields:
        raise ValueError("the fields must not carry a hash: it is computed here")
    if not bot_token:
        raise ValueError("launch data cannot be signed without a bot token")
    pairs = dict(fields)
    encoded = [f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs.items()]
    encoded.append(f"hash={_signature(pairs, bot_token)}")
    return "&".join(encoded)
