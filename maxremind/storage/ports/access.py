"""The access port: one-time login links, browser sessions and personal API tokens.

Secrets never reach this port: callers pass a hash of each secret (``token_hash``,
SHA-256 hex in :mod:`maxremind.services.access`) and look records up by it.  The
port keeps no rule of its own beyond single use and expiry of login links; who may
sign in, for how long, and what a token may do are the service's.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from maxremind.domain.access import ApiToken, SignInVia, WebSession


class AccessStore(ABC):
    """Sign-in and authorization data of the web interface and the JSON API."""

    # --- one-time login links ---------------------------------------------------------

    @abstractmethod
    async def add_login_link(
        self, token_hash: str, user_id: int, *, at: datetime, expires_at: datetime
    ) -> None:
        """Store an unused login link for ``user_id``, valid until ``expires_at``.

        :raises NotFound: no such user.
        :raises AlreadyExists: the hash is stored already.
        """

    @abstractmethod
    async def redeem_login_link(self, token_hash: str, *, at: datetime) -> int | None:
        """Use a login link: the user it signs in, or None when it is unknown, used
        already or expired at ``at``.

        Single use even under races: of two concurrent calls for one link, exactly one
        gets the user (a conditional UPDATE marks it used in the same statement).
        """

    # --- browser sessions --------------------------------------------------------------

    @abstractmethod
    async def add_web_session(
        self,
        token_hash: str,
        user_id: int,
        *,
        csrf: str,
        via: SignInVia,
        user_agent: str,
        at: datetime,
        expires_at: datetime,
    ) -> WebSession:
        """Store a new session; ``last_seen_at`` starts at ``at``.

        :raises NotFound: no such user.
        :raises AlreadyExists: the hash is stored already.
        """

    @abstractmethod
    async def find_web_session(self, token_hash: str) -> WebSession | None:
        """The session stored under ``token_hash``, revoked or expired ones included
        (the caller decides); None when there is none."""

    @abstractmethod
    async def touch_web_session(self, session_id: int, *, at: datetime) -> None:
        """Record that the session was used at ``at``.  An unknown id is ignored."""

    @abstractmethod
    async def revoke_web_session(self, session_id: int, *, at: datetime) -> bool:
        """End one session; False when it is unknown or was revoked already (the first
        revocation time is kept)."""

    @abstractmethod
    async def revoke_web_sessions(self, user_id: int, *, at: datetime) -> int:
        """End every live session of a person ("sign out everywhere"); returns how many
        were live (not revoked, not expired at ``at``)."""

    @abstractmethod
    async def list_web_sessions(self, user_id: int, *, at: datetime) -> list[WebSession]:
        """The person's live sessions at ``at`` (not revoked, not expired), newest first."""

    # --- personal API tokens ------------------------------------------------------------

    @abstractmethod
    async def add_api_token(
        self, token_hash: str, user_id: int, team_id: int, name: str, *, at: datetime
    ) -> ApiToken:
        """Store a new token.

        :raises NotFound: no such user or team.
        :raises AlreadyExists: the hash is stored already.
        """

    @abstractmethod
    async def find_api_token(self, token_hash: str) -> ApiToken | None:
        """The token stored under ``token_hash``, revoked ones included; None when there
        is none."""

    @abstractmethod
    async def touch_api_token(self, token_id: int, *, at: datetime) -> None:
        """Record that the token was used at ``at``.  An unknown id is ignored."""

    @abstractmethod
    async def list_api_tokens(
        self, user_id: int, *, include_revoked: bool = False
    ) -> list[ApiToken]:
        """The person's tokens, newest first; revoked ones only with ``include_revoked``."""

    @abstractmethod
    async def revoke_api_token(self, user_id: int, token_id: int, *, at: datetime) -> bool:
        """Revoke one of ``user_id``'s own tokens; False when ``token_id`` is not theirs
        (or does not exist).  Revoking twice keeps the first time and answers True."""

    # --- housekeeping -------------------------------------------------------------------

    @abstractmethod
    async def purge_access(self, *, before: datetime) -> int:
        """Forget login links and sessions that expired (or sessions revoked) before
        ``before``; returns how many rows went.  API tokens, revoked ones too, are kept
        (the person's list can show them)."""
