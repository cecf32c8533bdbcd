"""Who an event reaches right now: people (deduplicated) and linked MAX chats — and
so whose answers count.

Only the audience answers.  A person in ``users`` may answer; so may a member of the
event's team pressing the buttons of a reminder posted in a chat that is part of the
audience (the chat's people are reached through the chat, not one by one).  Anybody
else — a removed member, a stranger pressing a forwarded button — is refused and
their presses are neither stored nor counted; answers stored before someone left the
audience stop counting too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    Event,
    EventKind,
    QuietHoursSpec,
    Team,
    User,
)
from maxremind.storage import NotFound, Storage


@dataclass(frozen=True)
class Resolved:
    """The audience as of now; ``missing`` names entries whose group/tag/chat is gone."""

    users: list[int] = field(default_factory=list)
    chats: list[int] = field(default_factory=list)
    missing: list[AudienceEntry] = field(default_factory=list)
    # Team members, when a chat of the audience lets them answer from the chat.
    chat_answerers: frozenset[int] = frozenset()

    @property
    def size(self) -> int:
        return len(self.users) + len(self.chats)

    @cached_property
    def user_set(self) -> frozenset[int]:
        """``users`` as a set: a big team's audience is thousands of ids, and an answer
        is checked against it (the resolution is shared between requests, so is this)."""
        return frozenset(self.users)

    def may_answer(self, user_id: int, *, chat_id: int | None = None) -> bool:
        """Whether a press by ``user_id`` (in chat ``chat_id``, if it came from a chat)
        is an answer of this audience."""
        if user_id in self.user_set:
            return True
        return chat_id is not None and chat_id in self.chats and user_id in self.chat_answerers

    def counted(self, answers: Mapping[int, Answer]) -> dict[int, Answer]:
        """The answers that count: those of people who may answer now."""
        return {
            user_id: answer
            for user_id, answer in answers.items()
            if user_id in self.user_set or user_id in self.chat_answerers
        }

    def roster(self, answers: Mapping[int, Answer]) -> list[int]:
        """Everybody whose answer is awaited or counted: the people of the audience, then
        those who answered from one of its chats."""
        if not self.chat_answerers:
            return list(self.users)  # unique already
        people = dict.fromkeys(self.users)
        people.update(dict.fromkeys(u for u in answers if u in self.chat_answerers))
        return list(people)


async def resolve_audience(storage: Storage, event: Event) -> Resolved:
    """Resolve at send time: a person in two groups (or a group and a tag) appears once."""
    users: dict[int, None] = {}
    chats: dict[int, None] = {}
    missing: list[AudienceEntry] = []
    team_members: set[int] | None = None
    if event.team_id is not None:
        team_members = set(await storage.member_ids(event.team_id))
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
    answerers = frozenset(team_members or ()) if chats else frozenset()
    return Resolved(users=list(users), chats=list(chats), missing=missing, chat_answerers=answerers)


def member_clock(user: User, team: Team | None, event: Event) -> tuple[str, QuietHoursSpec | None]:
    """The zone and quiet hours a member's reminders follow: their own, else the team's
    (the zone, else the event's).  The planner and the dispatcher must agree on this.

    A quick reminder reaches the one who wrote it at the time they wrote, quiet hours
    or not: they asked for that moment themselves."""
    zone = user.timezone or (team.timezone if team else event.timezone)
    if event.kind is EventKind.REMINDER and user.user_id == event.organizer_id:
        return zone, None
    return zone, user.quiet_hours or (team.quiet_hours if team else None)
