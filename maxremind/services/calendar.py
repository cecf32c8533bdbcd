"""Calendar subscription feeds: a person's own, a group's and a team's, each at an
unguessable, revocable address ``/cal/<token>.ics`` (also offered as ``webcal://``).

* **Who may have one.**  A personal feed: anyone, for themselves.  A group feed: the
  group's members (the group's events reach them) and the team's admins and owner.  A
  team feed: the team's admins and owner — they see every event of the team; anybody
  else sees only the events that reach them (:mod:`maxremind.services.agenda`'s rule),
  which is their personal feed.  The rule is checked again on every fetch: someone who
  left the group or the team, or lost the role, gets 404 like a revoked feed.
* **Tokens.**  A feed's token is an HMAC of its record with the instance's key, so its
  owner can be shown the link again (in the bot, the web UI, the API) while the database
  keeps only the token's hash; revoking the feed kills the link for good.
* **Serving.**  The body depends only on the data (no clock inside), so its hash is a
  strong ETag.  A rendered feed is reused for up to five minutes while a cheap
  fingerprint of its events and answers (one statement) stands still, so a conditional
  GET answered 304 costs a token lookup, the rule and that statement; changes the
  fingerprint does not see (group membership, names) show within those minutes.
  ``Last-Modified`` is when this process first rendered those bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time as monotonic
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

from maxremind.core.keys import derived_key
from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.feeds import CalendarFeed, FeedKind, FeedScope
from maxremind.domain.models import Answer, Language, Occurrence, Role
from maxremind.i18n import add_texts, language_for, t
from maxremind.services.access import secret_hash
from maxremind.services.events import PermissionDenied
from maxremind.storage import AlreadyExists, NotFound, Storage

__all__ = ["FEED_PATH", "CalendarService", "FeedLink", "RenderedFeed"]

FEED_PATH: Final = "/cal/{token}.ics"
MAX_FEEDS: Final = 20  # live feeds per person
CACHE_SIZE: Final = 256
# Seconds a rendered feed is reused while its fingerprint stands still; what the
# fingerprint does not see (someone joining a group, a renamed person) shows after this.
CACHE_TTL: Final = 300.0
_KEY_LABEL: Final = b"maxremind calendar feeds v1"

RU, EN = Language.RU, Language.EN
add_texts(
    {
        "calendar_feed_personal": {RU: "MAX: мои события — {name}", EN: "MAX: my events — {name}"},
        "calendar_feed_team": {RU: "MAX: {team}", EN: "MAX: {team}"},
        "calendar_feed_group": {RU: "MAX: {team} · {group}", EN: "MAX: {team} · {group}"},
        "calendar_feed_about": {
            RU: "События из MAX Уведомлений. Ответить «буду / не смогу» можно в MAX.",
            EN: "Events from MAX Reminders. Answer “going / can't go” in MAX.",
        },
    }
)


class FeedRefused(ValueError):
    """A feed cannot be made: ``too_many`` live feeds already."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FeedLink:
    """A feed with its token and what it is called; ``path`` is ``/cal/<token>.ics``
    (front ends put their own address before it)."""

    feed: CalendarFeed
    token: str
    title: str

    @property
    def path(self) -> str:
        return FEED_PATH.format(token=self.token)

    def url(self, base: str) -> str:
        return base.rstrip("/") + self.path

    def webcal(self, base: str) -> str:
        """The same address for calendar apps: ``webcal://host/cal/<token>.ics``."""
        return "webcal://" + self.url(base).split("://", 1)[-1]


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    etag: str  # quoted, strong
    last_modified: datetime  # whole seconds, UTC


@dataclass
class _Cached:
    fingerprint: str
    coverage: date
    rendered: RenderedFeed
    checked: float


class CalendarService:
    def __init__(self, storage: Storage, *, clock: Clock = utcnow) -> None:
        self.storage = storage
        self.clock = clock
        self._key: bytes | None = None
        self._cache: OrderedDict[str, _Cached] = OrderedDict()

    # --- feeds and their links -------------------------------------------------------

    async def link(
        self,
        user_id: int,
        kind: FeedKind,
        *,
        team_id: int | None = None,
        group_id: int | None = None,
    ) -> FeedLink:
        """The person's live feed of this kind (for this team or group), made if there
        is none yet.

        :raises PermissionDenied: the rules in the module docstring.
        :raises NotFound: no such team or group (or the group is of another team).
        :raises FeedRefused: ``too_many`` live feeds.
        """
        team_id, group_id = await self._check(user_id, kind, team_id, group_id)
        for feed in await self.storage.list_calendar_feeds(user_id):
            if (feed.kind, feed.team_id, feed.group_id) == (kind, team_id, group_id):
                return await self._link(feed)
        return await self._create(user_id, kind, team_id, group_id)

    async def renew(
        self,
        user_id: int,
        kind: FeedKind,
        *,
        team_id: int | None = None,
        group_id: int | None = None,
    ) -> FeedLink:
        """Revoke the person's feed of this kind (if any) and make a new one: the old
        address stops working at once."""
        team_id, group_id = await self._check(user_id, kind, team_id, group_id)
        for feed in await self.storage.list_calendar_feeds(user_id):
            if (feed.kind, feed.team_id, feed.group_id) == (kind, team_id, group_id):
                await self.revoke(user_id, feed.id)
        return await self._create(user_id, kind, team_id, group_id)

    async def links(self, user_id: int) -> list[FeedLink]:
        """The person's live feeds, newest first (those they may no longer read left out)."""
        found = []
        for feed in await self.storage.list_calendar_feeds(user_id):
            if await self._allowed(feed):
                found.append(await self._link(feed))
        return found

    async def revoke(self, user_id: int, feed_id: int) -> None:
        """:raises NotFound: the person has no such live feed."""
        if not await self.storage.revoke_calendar_feed(user_id, feed_id, at=self.clock()):
            raise NotFound(f"calendar feed {feed_id}")
        self._cache.clear()

    async def _create(
        self, user_id: int, kind: FeedKind, team_id: int | None, group_id: int | None
    ) -> FeedLink:
        if len(await self.storage.list_calendar_feeds(user_id)) >= MAX_FEEDS:
            raise FeedRefused("too_many")
        at = self.clock().replace(microsecond=self.clock().microsecond // 1000 * 1000)
        for _ in range(5):
            token = await self._token(kind, user_id, team_id, group_id, at)
            try:
                feed = await self.storage.add_calendar_feed(
                    _hash(token), kind, user_id, team_id=team_id, group_id=group_id, at=at
                )
            except AlreadyExists:  # the same feed made twice in one millisecond
                at += timedelta(milliseconds=1)
                continue
            return FeedLink(feed, token, await self._title(feed))
        raise AlreadyExists("calendar feed")  # pragma: no cover - five milliseconds in a row

    async def _link(self, feed: CalendarFeed) -> FeedLink:
        token = await self._token(
            feed.kind, feed.user_id, feed.team_id, feed.group_id, feed.created_at
        )
        return FeedLink(feed, token, await self._title(feed))

    async def _token(
        self,
        kind: FeedKind,
        user_id: int,
        team_id: int | None,
        group_id: int | None,
        at: datetime,
    ) -> str:
        if self._key is None:
            self._key = await derived_key(self.storage, _KEY_LABEL)
        record = f"{kind.value}:{user_id}:{team_id}:{group_id}:{int(at.timestamp() * 1000)}"
        digest = hmac.new(self._key, record.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    # --- the rule ----------------------------------------------------------------------

    async def _check(
        self, user_id: int, kind: FeedKind, team_id: int | None, group_id: int | None
    ) -> tuple[int | None, int | None]:
        if kind is FeedKind.PERSONAL:
            return None, None
        if kind is FeedKind.GROUP:
            if group_id is None:
                raise NotFound("group")
            group = await self.storage.get_group(group_id)
            if team_id is not None and group.team_id != team_id:
                raise NotFound(f"group {group_id} of team {team_id}")
            team_id = group.team_id
        elif team_id is None:
            raise NotFound("team")
        else:
            group_id = None
        probe = CalendarFeed(0, kind, user_id, team_id, group_id, self.clock())
        if not await self._allowed(probe):
            raise PermissionDenied(Role.ADMIN)
        return team_id, group_id

    async def _allowed(self, feed: CalendarFeed) -> bool:
        if feed.kind is FeedKind.PERSONAL:
            return True
        assert feed.team_id is not None
        try:
            member = await self.storage.get_member(feed.team_id, feed.user_id)
        except NotFound:
            return False
        if member.role.at_least(Role.ADMIN):
            return True
        if feed.kind is FeedKind.GROUP and feed.group_id is not None:
            groups = await self.storage.list_groups_of_member(feed.team_id, feed.user_id)
            return any(g.id == feed.group_id for g in groups)
        return False

    async def _title(self, feed: CalendarFeed) -> str:
        user = await self.storage.get_user(feed.user_id)
        lang = language_for(None, user.language)
        if feed.kind is FeedKind.PERSONAL:
            return t("calendar_feed_personal", lang, name=user.name)
        assert feed.team_id is not None
        team = await self.storage.get_team(feed.team_id)
        if feed.kind is FeedKind.TEAM:
            return t("calendar_feed_team", lang, team=team.name)
        assert feed.group_id is not None
        group = await self.storage.get_group(feed.group_id)
        return t("calendar_feed_group", lang, team=team.name, group=group.name)

    # --- serving -----------------------------------------------------------------------

    async def serve(self, token: str) -> RenderedFeed:
        """The feed behind a token, rendered (or as rendered a moment ago).

        :raises NotFound: no such feed, revoked, or its owner may no longer read it.
        """
        if not 20 <= len(token) <= 100:
            raise NotFound("calendar feed")
        key = _hash(token)
        feed = await self.storage.find_calendar_feed(key)
        if feed is None or not feed.live or not await self._allowed(feed):
            self._cache.pop(key, None)
            raise NotFound("calendar feed")
        now = self.clock()
        since, until = _coverage(now)
        scope = FeedScope.of(feed)
        cached = self._cache.get(key)
        fingerprint = await self._fingerprint(scope, since)
        if (
            cached is not None
            and cached.coverage == since
            and cached.fingerprint == fingerprint
            and monotonic.monotonic() - cached.checked < CACHE_TTL
        ):
            self._cache.move_to_end(key)
            return cached.rendered
        body = await self._render(feed, scope, since, until)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        modified = now.astimezone(UTC).replace(microsecond=0)
        if cached is not None and cached.rendered.etag == etag:
            modified = cached.rendered.last_modified
        rendered = RenderedFeed(body, etag, modified)
        self._cache[key] = _Cached(fingerprint, since, rendered, monotonic.monotonic())
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return rendered

    async def _fingerprint(self, scope: FeedScope, since: date) -> str:
        return await self.storage.feed_fingerprint(scope, since=_instant(since))

    async def _render(
        self, feed: CalendarFeed, scope: FeedScope, since: date, until: date
    ) -> bytes:
        # The renderer (and icalendar behind it) is loaded by the first feed asked for.
        from maxremind.calendar.feed import Feed, FeedItem, render_feed

        start = _instant(since)
        rows = await self.storage.feed_events(scope, since=start)
        ids = [row.event.id for row in rows]
        occurrences = await self.storage.feed_occurrences(ids, since=start) if ids else []
        personal = feed.kind is FeedKind.PERSONAL
        answers = (
            await self.storage.feed_answers(
                ids, since=start, user_id=feed.user_id if personal else None
            )
            if ids
            else []
        )
        dates: dict[int, list[Occurrence]] = {}
        for occurrence in occurrences:
            dates.setdefault(occurrence.event_id, []).append(occurrence)
        given: dict[int, dict[int, Answer]] = {}
        for answer in answers:
            given.setdefault(answer.occurrence_id, {})[answer.user_id] = answer.answer
        people = {row.event.organizer_id for row in rows} | {a.user_id for a in answers}
        names = await self.storage.user_names(sorted(people))
        items = []
        for row in rows:
            own = dates.get(row.event.id, [])
            items.append(
                FeedItem(
                    row.event,
                    sequence=row.sequence,
                    occurrences=own,
                    answers={o.id: given[o.id] for o in own if o.id in given},
                    invited=[feed.user_id] if personal and row.invited else [],
                )
            )
        user = await self.storage.get_user(feed.user_id)
        lang = language_for(None, user.language)
        title = (
            t("calendar_feed_personal", lang, name=user.name)
            if personal
            else await self._title(feed)
        )
        return render_feed(
            Feed(
                items=items,
                people=names,
                name=title,
                description=t("calendar_feed_about", lang),
                since=since,
                until=until,
            )
        )


def _coverage(now: datetime) -> tuple[date, date]:
    """The years a feed covers: from the start of last year to the end of next year."""
    return date(now.year - 1, 1, 1), date(now.year + 1, 12, 31)


def _instant(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


_hash = secret_hash  # stored like sessions and API tokens: SHA-256 of the secret
