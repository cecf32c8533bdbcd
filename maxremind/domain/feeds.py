"""Calendar subscription feeds: who may read which events at ``/cal/<token>.ics``.

A feed record never holds its token: the database keeps only a hash of it, and the
token itself is shown to its owner (in the bot, the web UI or the API) when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FeedKind(StrEnum):
    PERSONAL = "personal"  # the events that target one person, with their own answers
    GROUP = "group"  # the events of one group of a team
    TEAM = "team"  # every event of a team


@dataclass(frozen=True, slots=True)
class CalendarFeed:
    """One subscription URL.  Live while ``revoked_at`` is None."""

    id: int
    kind: FeedKind
    user_id: int  # who made it (and, for a personal feed, whose events it shows)
    team_id: int | None
    group_id: int | None
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def live(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class FeedScope:
    """Which events a feed shows: a person's (``user_id``), a team's, or a group's."""

    kind: FeedKind
    user_id: int | None = None
    team_id: int | None = None
    group_id: int | None = None

    @classmethod
    def of(cls, feed: CalendarFeed) -> FeedScope:
        if feed.kind is FeedKind.PERSONAL:
            return cls(FeedKind.PERSONAL, user_id=feed.user_id)
        return cls(feed.kind, team_id=feed.team_id, group_id=feed.group_id)
