"""Who an event reaches right now: people (deduplicated) and linked MAX chats."""

from __future__ import annotations

from dataclasses import dataclass, field

from maxremind.domain.models import AudienceEntry, AudienceKind, Event, QuietHoursSpec, Team, User
from maxremind.storage import NotFound, Storage


@dataclass(frozen=True)
class Resolved:
    """The audience as of now; ``missing`` names entries whose group/tag/chat is gone."""

    users: list[int] = field(default_factory=list)
    chats: list[int] = field(default_factory=list)
    missing: list[AudienceEntry] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.users) + len(self.chats)


async def resolve_audience(storage: Storage, event: Event) -> Resolved:
    """Resolve at send time: a person in two groups (or a group and a tag) appears once."""
    users: dict[int, None] = {}
    chats: dict[int, None] = {}
    missing: list[AudienceEntry] = []
    team_members: set[int] | None = None
    if event.team_id is not None:
        team_members = {m.user_id for m in await storage.list_members(event.team_id)}
    for entry in event.audience:
        try:
            if entry.kind is AudienceKind.TEAM:
                users.update(dict.fromkeys(sorted(team_members or ())))
            elif entry.kind is AudienceKind.GROUP and entry.ref_id is not None:
                await storage.get_group(entry.ref_id)
                users.update(dict.fromkeys(await storage.list_group_members(entry.ref_id)))
            elif entry.kind is AudienceKind.TAG and entry.ref_id is not None:
                await storage.get_tag(entry.ref_id)
                users.update(dict.fromkeys(await storage.list_tag_members(entry.ref_id)))
            elif entry.kind is AudienceKind.MEMBER and entry.ref_id is not None:
                # A member who left the team is no longer reminded (personal reminders
                # have no team and always reach their owner).
                if team_members is None or entry.ref_id in team_members:
                    users[entry.ref_id] = None
            elif entry.kind is AudienceKind.CHAT and entry.ref_id is not None:
                chat = await storage.get_chat(entry.ref_id)
                if chat.active:
                    chats[chat.chat_id] = None
                else:
                    missing.append(entry)
        except NotFound:
            missing.append(entry)
    return Resolved(users=list(users), chats=list(chats), missing=missing)


def member_clock(user: User, team: Team | None, event: Event) -> tuple[str, QuietHoursSpec | None]:
    """The zone and quiet hours a member's reminders follow: their own, else the team's
    (the zone, else the event's).  The planner and the dispatcher must agree on this."""
    zone = user.timezone or (team.timezone if team else event.timezone)
    return zone, user.quiet_hours or (team.quiet_hours if team else None)
