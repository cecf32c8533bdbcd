"""Records of web access: browser sessions and personal API tokens.

Neither ever holds the secret it stands for: the database keeps only a hash of the
secret, and these records are what the storage port hands back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class SignInVia(StrEnum):
    """How a browser session began."""

    LINK = "link"  # a one-time login link from the bot's /web
    MINIAPP = "miniapp"  # launch data of the MAX mini-app


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in browser.  Live while ``revoked_at`` is None and ``expires_at`` ahead."""

    id: int
    user_id: int
    csrf: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    via: SignInVia
    user_agent: str = ""
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A personal API token, scoped to one team.  The secret itself is shown once, at
    creation, and never stored."""

    id: int
    user_id: int
    team_id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
