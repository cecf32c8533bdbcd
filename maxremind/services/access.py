"""Who is at the other end of a web request: sign-in, browser sessions, API tokens.

* **Login links.**  The bot's ``/web`` asks :meth:`AccessService.login_link` for a
  one-time token (256 random bits, expires in 10 minutes); the page redeems it once, by a
  POST, with :meth:`~AccessService.redeem_login`.
* **The mini-app.**  :meth:`~AccessService.sign_in_mini_app` checks MAX's launch data
  (:mod:`maxremind.domain.webapp`) with the bot token and signs its user in.
* **Sessions.**  The cookie is ``<token>.<signature>``: an HMAC of the token with the
  instance's access key, so a forged cookie is refused before any database lookup; the
  database keeps only a SHA-256 hash of the token.  A session carries its CSRF token,
  expires after ``session_ttl`` and can be revoked (one, or all of a person's).
* **API tokens** (``mr_…``) are personal and scoped to one team the person belongs to;
  stored hashed, shown once, revocable; one stops working when its owner leaves the team.

Routes check roles with the other services; this one only says who is asking.  The key
comes from the instance's stored secret (:func:`access_key`); nothing here logs a secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Final

from maxremind.core.keys import derived_key
from maxremind.domain.access import ApiToken, SignInVia, WebSession
from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.models import Role, User
from maxremind.domain.webapp import InitDataRefused, check_init_data
from maxremind.i18n import language_for
from maxremind.services.events import PermissionDenied
from maxremind.services.sharing import Shared
from maxremind.services.users import UserService
from maxremind.storage import NotFound, Storage

__all__ = [
    "API_TOKEN_PREFIX",
    "MAX_API_TOKENS",
    "MAX_TOKEN_NAME",
    "AccessRefused",
    "AccessService",
    "ApiToken",
    "IssuedSession",
    "MiniAppSignIn",
    "SignInVia",
    "WebSession",
    "access_key",
    "secret_hash",
]

API_TOKEN_PREFIX: Final = "mr_"  # noqa: S105 - the visible prefix of every API token
MAX_TOKEN_NAME: Final = 100
MAX_API_TOKENS: Final = 50  # live tokens per person
MAX_USER_AGENT: Final = 200
TOUCH_EVERY: Final = timedelta(minutes=1)  # last_seen / last_used are this coarse
_TOKEN_BYTES: Final = 32  # 256 bits, 43 urlsafe characters
_MAX_SECRET: Final = 256  # longer cookies, links and tokens are refused unread
_COOKIE_LABEL: Final = b"maxremind web session\x00"
_KEY_LABEL: Final = b"maxremind web access v1"


class AccessRefused(ValueError):
    """A sign-in or token request refused; ``reason`` is a machine word.

    Mini-app sign-in refuses with the reasons of
    :class:`~maxremind.domain.webapp.InitDataRefused` (``hash``, ``duplicate``,
    ``expired``, ``no_user``, ``malformed``); creating an API token with ``name`` (empty
    or longer than :data:`MAX_TOKEN_NAME`) or ``too_many`` (:data:`MAX_API_TOKENS` live).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class IssuedSession:
    """A new browser session: set ``cookie`` (HttpOnly) and give the page ``csrf``."""

    cookie: str = field(repr=False)
    csrf: str = field(repr=False)
    user_id: int
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class MiniAppSignIn:
    session: IssuedSession
    start_param: str | None
    """The open_app button's payload (a deep link, e.g. to an event), if any."""


def secret_hash(secret: str) -> str:
    """How a secret is stored: SHA-256, hex.  (The secrets are 256 random bits, so a
    plain hash is enough; no salt or stretching is needed.)"""
    return hashlib.sha256(secret.encode()).hexdigest()


async def access_key(storage: Storage) -> bytes:
    """The instance's key for signing session cookies, derived from its stored secret
    (the one :func:`maxremind.core.keys.load_signer` creates on first use), so it
    survives restarts and backups and differs from the callback key."""
    return await derived_key(storage, _KEY_LABEL)


class AccessService:
    """Sign-in and authorization data.  ``key`` signs cookies (at least 16 bytes; use
    :func:`access_key` or :meth:`create`); ``bot_token`` checks mini-app launch data
    (empty: every launch is refused)."""

    def __init__(
        self,
        storage: Storage,
        *,
        bot_token: str,
        key: bytes,
        clock: Clock = utcnow,
        link_ttl: timedelta = timedelta(minutes=10),
        session_ttl: timedelta = timedelta(days=30),
        miniapp_max_age: timedelta = timedelta(hours=24),
    ) -> None:
        if len(key) < 16:
            raise ValueError("the session key must be at least 16 bytes")
        self.storage = storage
        self.clock = clock
        self.link_ttl = link_ttl
        self.session_ttl = session_ttl
        self.miniapp_max_age = miniapp_max_age
        self._bot_token = bot_token
        self._key = key
        self._users = UserService(storage, clock=clock)
        self._signed_in: Shared[tuple[WebSession, User] | None] = Shared()

    @classmethod
    async def create(
        cls,
        storage: Storage,
        *,
        bot_token: str,
        clock: Clock = utcnow,
        link_ttl: timedelta = timedelta(minutes=10),
        session_ttl: timedelta = timedelta(days=30),
        miniapp_max_age: timedelta = timedelta(hours=24),
    ) -> AccessService:
        """The service with the instance's own key (:func:`access_key`)."""
        return cls(
            storage,
            bot_token=bot_token,
            key=await access_key(storage),
            clock=clock,
            link_ttl=link_ttl,
            session_ttl=session_ttl,
            miniapp_max_age=miniapp_max_age,
        )

    # --- login links ---------------------------------------------------------------------

    async def login_link(self, user_id: int) -> str:
        """A one-time login token for ``user_id`` (put it in the link the bot sends);
        valid for ``link_ttl``.

        :raises NotFound: the person never talked to the bot.
        """
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        now = self.clock()
        await self.storage.add_login_link(
            secret_hash(token), user_id, at=now, expires_at=now + self.link_ttl
        )
        return token

    async def redeem_login(
        self, token: str, *, user_agent: str = "", replacing: str | None = None
    ) -> IssuedSession | None:
        """Sign in with a login token: a new session, or None when the token is unknown,
        used already or expired.  Single use even when two requests race.

        ``replacing`` is the browser's current cookie, if any: that session ends, so
        signing in always rotates the session.
        """
        if not token or len(token) > _MAX_SECRET:
            return None
        async with self.storage.unit_of_work():
            user_id = await self.storage.redeem_login_link(secret_hash(token), at=self.clock())
            if user_id is None:
                return None
            if replacing:
                await self.sign_out(replacing)
            return await self._issue(user_id, SignInVia.LINK, user_agent)

    # --- the mini-app ------------------------------------------------------------------

    async def sign_in_mini_app(
        self, raw_init_data: str, *, user_agent: str = "", replacing: str | None = None
    ) -> MiniAppSignIn:
        """Sign in from MAX's launch data (``window.WebApp.initData``, or the fragment's
        ``WebAppData`` value; see :func:`~maxremind.domain.webapp.check_init_data`).

        The person is remembered (name, username, language) as when they write to the
        bot.  ``replacing`` as in :meth:`redeem_login`.

        :raises AccessRefused: the launch data is not genuine, fresh and complete.
        """
        try:
            data = check_init_data(
                raw_init_data, self._bot_token, now=self.clock(), max_age=self.miniapp_max_age
            )
        except InitDataRefused as exc:
            raise AccessRefused(exc.reason) from None
        async with self.storage.unit_of_work():
            await self._users.remember(
                data.user_id,
                name=data.display_name,
                username=data.username,
                language=language_for(data.language_code) if data.language_code else None,
            )
            if replacing:
                await self.sign_out(replacing)
            session = await self._issue(data.user_id, SignInVia.MINIAPP, user_agent)
        return MiniAppSignIn(session, data.start_param)

    # --- sessions ------------------------------------------------------------------------

    def _sign(self, token: str) -> str:
        mac = hmac.new(self._key, _COOKIE_LABEL + token.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def _token_of(self, cookie: str) -> str | None:
        """The random part of a cookie this instance signed, else None (no I/O)."""
        if not cookie or len(cookie) > _MAX_SECRET:
            return None
        token, _, signature = cookie.rpartition(".")
        if not token or not hmac.compare_digest(signature.encode(), self._sign(token).encode()):
            return None
        return token

    async def _issue(self, user_id: int, via: SignInVia, user_agent: str) -> IssuedSession:
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        csrf = secrets.token_urlsafe(_TOKEN_BYTES)
        now = self.clock()
        stored = await self.storage.add_web_session(
            secret_hash(token),
            user_id,
            csrf=csrf,
            via=via,
            user_agent=user_agent[:MAX_USER_AGENT],
            at=now,
            expires_at=now + self.session_ttl,
        )
        return IssuedSession(f"{token}.{self._sign(token)}", csrf, user_id, stored.expires_at)

    async def _stored(self, cookie: str) -> WebSession | None:
        token = self._token_of(cookie)
        if token is None:
            return None
        return await self.storage.find_web_session(secret_hash(token))

    async def session(self, cookie: str) -> WebSession | None:
        """The live session a cookie stands for, or None (forged, unknown, revoked or
        expired).  Records when it was last seen, at most once a minute."""
        stored = await self._stored(cookie)
        now = self.clock()
        if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
            return None
        if now - stored.last_seen_at >= TOUCH_EVERY:
            await self.storage.touch_web_session(stored.id, at=now)
            stored = replace(stored, last_seen_at=now)
        return stored

    async def signed_in(self, cookie: str) -> tuple[WebSession, User] | None:
        """The live session of a cookie and its person, or None (see :meth:`session`).

        The web's door asks on every request: the answer is shared while nothing is
        written (:mod:`maxremind.services.sharing`).  A sign-out, a revocation or a
        change to the person is a write, so it counts from the next request; expiry is
        checked on every call."""
        now = self.clock()
        found = await self._signed_in.get(
            cookie, self.storage.generation(), now, lambda: self._signed_in_read(cookie)
        )
        if found is None or found[0].expires_at <= now:
            return None
        return found

    async def _signed_in_read(self, cookie: str) -> tuple[WebSession, User] | None:
        session = await self.session(cookie)
        if session is None:
            return None
        user = await self._users.get(session.user_id)
        return None if user is None else (session, user)

    async def sign_out(self, cookie: str) -> bool:
        """End the session of a cookie; False when there was no live one."""
        stored = await self._stored(cookie)
        if stored is None:
            return False
        return await self.storage.revoke_web_session(stored.id, at=self.clock())

    async def sign_out_everywhere(self, user_id: int) -> int:
        """End every session of a person; returns how many were live."""
        return await self.storage.revoke_web_sessions(user_id, at=self.clock())

    async def sessions(self, user_id: int) -> list[WebSession]:
        """A person's live sessions, newest first."""
        return await self.storage.list_web_sessions(user_id, at=self.clock())

    # --- API tokens ----------------------------------------------------------------------

    async def create_api_token(self, user_id: int, team_id: int, name: str) -> tuple[ApiToken, str]:
        """A new personal token for one of the person's teams, and its secret (shown
        once: only its hash is kept).

        :raises PermissionDenied: the person is not a member of that team.
        :raises AccessRefused: ``name`` (empty or too long) or ``too_many``.
        """
        name = " ".join(name.split())
        if not name or len(name) > MAX_TOKEN_NAME:
            raise AccessRefused("name")
        try:
            await self.storage.get_member(team_id, user_id)
        except NotFound:
            raise PermissionDenied(Role.MEMBER) from None
        if len(await self.storage.list_api_tokens(user_id)) >= MAX_API_TOKENS:
            raise AccessRefused("too_many")
        secret = API_TOKEN_PREFIX + secrets.token_urlsafe(_TOKEN_BYTES)
        token = await self.storage.add_api_token(
            secret_hash(secret), user_id, team_id, name, at=self.clock()
        )
        return token, secret

    async def api_tokens(self, user_id: int, *, include_revoked: bool = False) -> list[ApiToken]:
        """The person's tokens, newest first (never their secrets)."""
        return await self.storage.list_api_tokens(user_id, include_revoked=include_revoked)

    async def revoke_api_token(self, user_id: int, token_id: int) -> None:
        """Revoke one of the person's own tokens (again is harmless).

        :raises NotFound: no such token of theirs (another's token looks the same).
        """
        if not await self.storage.revoke_api_token(user_id, token_id, at=self.clock()):
            raise NotFound("no such API token")

    async def authenticate_token(self, secret: str) -> ApiToken | None:
        """The token a bearer secret stands for, or None: unknown, revoked, or its owner
        is no longer in its team.  Records its last use, at most once a minute."""
        if not secret.startswith(API_TOKEN_PREFIX) or len(secret) > _MAX_SECRET:
            return None
        token = await self.storage.find_api_token(secret_hash(secret))
        if token is None or token.revoked_at is not None:
            return None
        try:
            await self.storage.get_member(token.team_id, token.user_id)
        except NotFound:
            return None
        now = self.clock()
        if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
            await self.storage.touch_api_token(token.id, at=now)
            token = replace(token, last_used_at=now)
        return token

    # --- housekeeping --------------------------------------------------------------------

    async def purge(self) -> int:
        """Forget expired login links and ended sessions; returns how many rows went."""
        return await self.storage.purge_access(before=self.clock())
