"""Teams and the people in them: roles, invites, groups, tags and linked chats.

These are the rules the bot and the web share.  Every method that changes something
checks the actor's role first and raises :class:`PermissionDenied` (the one from
``services.events``, so a refusal always names the role needed); a request that breaks
a rule no role can lift raises :class:`PeopleRefused` with a machine ``reason``.
Nothing changes when either is raised.  Changes to roles, membership, groups and tags
are written to the audit log.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.escalation import MAX_OFFSET, EscalationStep, format_ladder, normalize_ladder
from maxremind.domain.models import (
    Event,
    Group,
    Invite,
    Language,
    Member,
    QuietHoursSpec,
    ReminderSpec,
    ReminderTarget,
    Role,
    Tag,
    Team,
    User,
)
from maxremind.i18n import t
from maxremind.services import texts_roles as _texts  # noqa: F401 (registers its texts)
from maxremind.services.events import EventService, PermissionDenied
from maxremind.services.sharing import Shared
from maxremind.storage import AlreadyExists, InviteUnusable, NotFound, Storage

MAX_NAME = 100
Tell = Callable[[int, str], Awaitable[None]]
"""Say ``text`` to the person ``user_id`` in MAX (sent once the change commits)."""
INVITE_CODE_BYTES: Final = 16  # 22 urlsafe characters: unguessable, well under MAX's 128
MAX_INVITE_USES: Final = 100_000
MAX_INVITE_VALIDITY: Final = timedelta(days=365)
MAX_DEFAULT_STEPS: Final = 10  # default reminders, and default escalation steps, per team

__all__ = [
    "Deleted",
    "JoinResult",
    "PeopleRefused",
    "PermissionDenied",
    "RosterEntry",
    "TeamService",
    "assignable_roles",
    "close_members",
    "find_members",
    "invite_link",
    "normalize",
    "removal_refusal",
]


class PeopleRefused(ValueError):
    """A request breaks a rule; ``reason`` says which (e.g. ``last_owner``)."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True, slots=True)
class JoinResult:
    team: Team
    group: Group | None
    already_member: bool  # nothing changed: the person was in the team (and group) already
    role: Role


@dataclass(frozen=True, slots=True)
class Deleted:
    """What deleting a group or tag touched: how many members were in it (they stay in
    the team) and the events that named it, now on hold until their organizer picks
    whom to remind (each organizer is to be told)."""

    name: str
    members: int
    flagged: list[Event]


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """A member with what a people list shows next to them."""

    member: Member
    groups: tuple[Group, ...]
    tags: tuple[Tag, ...]
    unreachable_reason: str | None  # why the bot cannot reach them, when it cannot


def assignable_roles(actor: Role, target: Role) -> tuple[Role, ...]:
    """The roles someone with the role ``actor`` may give a member who has ``target``.

    Admins manage organizers and members; only an owner grants or takes away admin and
    owner.  (That the last owner keeps the role is a rule of the team, checked apart.)
    """
    if actor is Role.OWNER:
        return tuple(Role)
    if actor is Role.ADMIN and not target.at_least(Role.ADMIN):
        return (Role.ORGANIZER, Role.MEMBER)
    return ()


def removal_refusal(actor: Member, target: Member) -> PeopleRefused | PermissionDenied | None:
    """Why ``actor`` may not remove ``target`` from the team, or None when they may:
    admins and owners remove people, admins only by an owner, never an owner or oneself."""
    if not actor.role.at_least(Role.ADMIN):
        return PermissionDenied(Role.ADMIN)
    if target.user_id == actor.user_id:
        return PeopleRefused("remove_self")
    if target.role is Role.OWNER:
        return PeopleRefused("remove_owner")
    if target.role is Role.ADMIN and actor.role is not Role.OWNER:
        return PermissionDenied(Role.OWNER)
    return None


def normalize(text: str) -> str:
    """How names compare: case-insensitive, "ё" as "е", spaces collapsed."""
    return " ".join(text.casefold().replace("ё", "е").split())


async def find_members(storage: Storage, team_id: int, token: str) -> list[Member]:
    """The members of a team that ``token`` may mean, best matches only.

    ``token`` is what a person typed: ``@username``, a full name or the start of one
    (any word of it), with or without ``@``.  Comparison ignores case and "ё".
    Returns one member when the token is unambiguous, several when the caller has to
    ask which one (say, with buttons), and ``[]`` when nobody matches — then
    :func:`close_members` suggests near misses.  The first tier that matches wins:
    exact @username, exact full name, a whole word of the name, then the start of
    the name, of any word of it, or of the username.
    """
    key = normalize(token.strip().lstrip("@"))
    if not key:
        return []
    members = await storage.list_members(team_id)
    by_username = [m for m in members if m.username and normalize(m.username) == key]
    if by_username:
        return by_username
    exact = [m for m in members if normalize(m.name) == key]
    if exact:
        return exact
    # "Иван" means the Ivans, not also Ivanova: a whole word beats a word's start.
    by_word = [m for m in members if key in normalize(m.name).split()]
    if by_word:
        return by_word
    return [
        m
        for m in members
        if normalize(m.name).startswith(key)
        or any(word.startswith(key) for word in normalize(m.name).split())
        or (m.username is not None and normalize(m.username).startswith(key))
    ]


def close_members(members: Sequence[Member], token: str, limit: int = 3) -> list[Member]:
    """Members whose name or username looks like ``token`` (for "did you mean")."""
    key = normalize(token.strip().lstrip("@"))
    spellings: dict[str, Member] = {}
    for member in members:
        spellings.setdefault(normalize(member.name), member)
        for word in normalize(member.name).split():
            spellings.setdefault(word, member)
        if member.username:
            spellings.setdefault(normalize(member.username), member)
    import difflib  # with the first misspelt name, not at start-up (idle memory, issue 12)

    found: list[Member] = []
    for spelling in difflib.get_close_matches(key, list(spellings), n=limit * 3, cutoff=0.5):
        member = spellings[spelling]
        if member not in found:
            found.append(member)
    return found[:limit]


def invite_link(bot_username: str, code: str) -> str:
    """The deep link that opens the bot with ``code`` as the start payload."""
    return f"https://max.ru/{bot_username}?start={code}"


def check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise PeopleRefused("name_empty")
    if len(cleaned) > MAX_NAME:
        raise PeopleRefused("name_too_long", limit=MAX_NAME)
    return cleaned


class TeamService:
    """Use cases of the people side; cheap to build (its only state: the reads it shares,
    :mod:`maxremind.services.sharing`)."""

    def __init__(
        self,
        storage: Storage,
        events: EventService | None = None,
        *,
        clock: Clock = utcnow,
        tell: Tell | None = None,
    ) -> None:
        self.storage = storage
        self.events = events
        self.clock = clock
        self.tell = tell  # messages a person in MAX (app.py: through the outbox)
        self._seats: Shared[tuple[Role, Team] | None] = Shared()
        self._teams_of: Shared[list[Team]] = Shared()

    # --- helpers -----------------------------------------------------------------

    async def require_role(self, team_id: int, user_id: int, role: Role) -> Member:
        """The actor's membership. :raises PermissionDenied: not a member or role too low."""
        try:
            member = await self.storage.get_member(team_id, user_id)
        except NotFound:
            raise PermissionDenied(role) from None
        if not member.role.at_least(role):
            raise PermissionDenied(role)
        return member

    async def record_change(
        self, team_id: int, actor_id: int | None, action: str, subject: str, **details: object
    ) -> None:
        """Log a change to a team; it may change who is reminded when, so re-plan too."""
        await self.storage.add_audit(
            team_id=team_id,
            actor_id=actor_id,
            action=action,
            subject=subject,
            details=dict(details),
            at=self.clock(),
        )
        await self._replan(team_id=team_id)

    async def _replan(self, *, user_id: int | None = None, team_id: int | None = None) -> None:
        if await self.storage.invalidate_plans(user_id=user_id, team_id=team_id) and self.events:
            self.events.poke()

    async def team_group(self, team_id: int, group_id: int) -> Group:
        """The group if it belongs to the team. :raises NotFound:"""
        group = await self.storage.get_group(group_id)
        if group.team_id != team_id:
            raise NotFound(f"group {group_id} of team {team_id}")
        return group

    async def _owners(self, team_id: int) -> list[Member]:
        return [m for m in await self.storage.list_members(team_id) if m.role is Role.OWNER]

    # --- reads (what handlers and pages show) --------------------------------------

    async def team(self, team_id: int) -> Team:
        """:raises NotFound:"""
        return await self.storage.get_team(team_id)

    async def teams_of(self, user_id: int) -> list[Team]:
        """The person's teams, by name.  Every page asks (the header's team switcher):
        shared while nothing is written (:mod:`maxremind.services.sharing`)."""
        generation = self.storage.generation()
        teams = await self._teams_of.get(
            user_id, generation, self.clock(), lambda: self.storage.list_teams_of_user(user_id)
        )
        return list(teams)

    async def seat(self, team_id: int, user_id: int) -> tuple[Role, Team] | None:
        """The person's role in the team and the team, or None when they are not in it.

        The web's door asks on every request for a team's page: shared while nothing is
        written (:mod:`maxremind.services.sharing`), so a change of role or a removal
        counts from the next request."""
        generation = self.storage.generation()
        return await self._seats.get(
            (team_id, user_id), generation, self.clock(), lambda: self._seat(team_id, user_id)
        )

    async def _seat(self, team_id: int, user_id: int) -> tuple[Role, Team] | None:
        member = await self.member(team_id, user_id)
        if member is None:
            return None
        return member.role, await self.storage.get_team(team_id)

    async def member(self, team_id: int, user_id: int) -> Member | None:
        try:
            return await self.storage.get_member(team_id, user_id)
        except NotFound:
            return None

    async def role_of(self, team_id: int, user_id: int) -> Role | None:
        """The person's role in the team, or None when they are not in it."""
        member = await self.member(team_id, user_id)
        return None if member is None else member.role

    async def members(self, team_id: int) -> list[Member]:
        return await self.storage.list_members(team_id)

    async def groups(self, team_id: int) -> list[Group]:
        return await self.storage.list_groups(team_id)

    async def group(self, group_id: int) -> Group:
        """:raises NotFound:"""
        return await self.storage.get_group(group_id)

    async def group_members(self, group_id: int) -> list[int]:
        return await self.storage.list_group_members(group_id)

    async def groups_of(self, team_id: int, user_id: int) -> list[Group]:
        return await self.storage.list_groups_of_member(team_id, user_id)

    async def find_group(self, team_id: int, name: str) -> Group | None:
        """``#name`` as typed, with ``_`` standing for spaces when that is what matches."""
        group = await self.storage.find_group(team_id, name)
        if group is None and "_" in name:
            group = await self.storage.find_group(team_id, name.replace("_", " "))
        return group

    async def tags(self, team_id: int) -> list[Tag]:
        return await self.storage.list_tags(team_id)

    async def tag_by_id(self, tag_id: int) -> Tag:
        """:raises NotFound:"""
        return await self.storage.get_tag(tag_id)

    async def find_tag(self, team_id: int, name: str) -> Tag | None:
        return await self.storage.find_tag(team_id, name)

    async def tag_members(self, tag_id: int) -> list[int]:
        return await self.storage.list_tag_members(tag_id)

    async def tags_of(self, team_id: int, user_id: int) -> list[Tag]:
        return await self.storage.list_tags_of_member(team_id, user_id)

    async def usable_invites(self, team_id: int) -> list[Invite]:
        """Invites that still work, newest first."""
        now = self.clock()
        return [i for i in await self.storage.list_invites(team_id) if not i.unusable_reason(now)]

    async def roster(self, team_id: int) -> list[RosterEntry]:
        """Every member by name, with their groups, tags and why the bot cannot reach
        them (a few queries, whatever the team's size)."""
        members = await self.storage.list_members(team_id)
        groups: dict[int, list[Group]] = {}
        for group in await self.storage.list_groups(team_id):
            for user_id in await self.storage.list_group_members(group.id):
                groups.setdefault(user_id, []).append(group)
        tags: dict[int, list[Tag]] = {}
        for tag in await self.storage.list_tags(team_id):
            for user_id in await self.storage.list_tag_members(tag.id):
                tags.setdefault(user_id, []).append(tag)
        unreachable = await self.storage.get_users([m.user_id for m in members if not m.reachable])
        return [
            RosterEntry(
                member=m,
                groups=tuple(groups.get(m.user_id, ())),
                tags=tuple(tags.get(m.user_id, ())),
                unreachable_reason=(
                    unreachable[m.user_id].unreachable_reason if m.user_id in unreachable else None
                ),
            )
            for m in members
        ]

    async def find_members(self, team_id: int, token: str) -> list[Member]:
        """See :func:`find_members`."""
        return await find_members(self.storage, team_id, token)

    # --- teams and invites -------------------------------------------------------

    async def create_team(
        self, user_id: int, name: str, *, timezone: str, language: Language
    ) -> Team:
        """A new team owned by ``user_id``, who now works in it. :raises PeopleRefused:"""
        cleaned = check_name(name)
        team = await self.storage.create_team(
            cleaned, timezone=timezone, language=language, created_by=user_id
        )
        await self.storage.add_member(team.id, user_id, Role.OWNER)
        await self.storage.update_user(user_id, current_team_id=team.id)
        await self.record_change(team.id, user_id, "team.create", f"team:{team.id}", name=cleaned)
        return team

    async def create_invite(
        self,
        team_id: int,
        actor_id: int,
        *,
        group_id: int | None = None,
        valid_for: timedelta | None = None,
        max_uses: int | None = None,
    ) -> Invite:
        """A fresh unguessable invite (admins+). :raises PermissionDenied: :raises PeopleRefused:"""
        await self.require_role(team_id, actor_id, Role.ADMIN)
        if group_id is not None:
            await self.team_group(team_id, group_id)
        if valid_for is not None and not timedelta(0) < valid_for <= MAX_INVITE_VALIDITY:
            raise PeopleRefused("bad_validity")
        if max_uses is not None and not 0 < max_uses <= MAX_INVITE_USES:
            raise PeopleRefused("bad_uses")
        expires_at = None if valid_for is None else self.clock() + valid_for
        invite = await self.storage.create_invite(
            secrets.token_urlsafe(INVITE_CODE_BYTES),
            team_id=team_id,
            group_id=group_id,
            created_by=actor_id,
            expires_at=expires_at,
            max_uses=max_uses,
        )
        await self.record_change(team_id, actor_id, "invite.create", f"group:{group_id or 0}")
        return invite

    async def revoke_invite(self, actor_id: int, code: str) -> Invite:
        """Revoke an invite of a team the actor administers.

        :raises NotFound: :raises PermissionDenied:
        """
        invite = await self.storage.get_invite(code)
        await self.require_role(invite.team_id, actor_id, Role.ADMIN)
        await self.storage.revoke_invite(code)
        await self.record_change(
            invite.team_id, actor_id, "invite.revoke", f"group:{invite.group_id or 0}"
        )
        return await self.storage.get_invite(code)

    async def join(self, user_id: int, code: str) -> JoinResult:
        """Join the invite's team (and group); the team becomes the person's current one.

        A person already in the team (and group) changes nothing and uses up nothing.
        :raises NotFound: unknown code. :raises InviteUnusable: revoked, expired, used up.
        """
        invite = await self.storage.get_invite(code)
        reason = invite.unusable_reason(self.clock())
        if reason is not None:
            raise InviteUnusable(reason)
        team = await self.storage.get_team(invite.team_id)
        group = None if invite.group_id is None else await self.storage.get_group(invite.group_id)
        try:
            member: Member | None = await self.storage.get_member(team.id, user_id)
        except NotFound:
            member = None
        in_group = group is not None and user_id in await self.storage.list_group_members(group.id)
        await self.storage.update_user(user_id, current_team_id=team.id)
        if member is not None and (group is None or in_group):
            return JoinResult(team, group, already_member=True, role=member.role)
        await self.storage.use_invite(code, now=self.clock())
        if member is None:
            try:
                member = await self.storage.add_member(team.id, user_id, Role.MEMBER)
            except AlreadyExists:  # a double tap raced us: the person is in, that's all
                member = await self.storage.get_member(team.id, user_id)
            await self.storage.update_user(user_id, current_team_id=team.id)
            await self.record_change(team.id, user_id, "member.join", f"user:{user_id}")
        if group is not None:
            await self.storage.add_to_group(group.id, [user_id])
            await self.record_change(team.id, user_id, "group.join", f"group:{group.id}")
        return JoinResult(team, group, already_member=False, role=member.role)

    # --- roles and membership ----------------------------------------------------

    async def set_role(self, team_id: int, actor_id: int, target_id: int, role: Role) -> Member:
        """Give ``target_id`` the role ``role``.

        Admins manage organizers and members; only an owner grants or takes away
        admin and owner; the last owner keeps the role.
        :raises PermissionDenied: :raises PeopleRefused: ``last_owner`` :raises NotFound:
        """
        actor = await self.require_role(team_id, actor_id, Role.ADMIN)
        target = await self.storage.get_member(team_id, target_id)
        if target.role is role:
            return target
        if role not in assignable_roles(actor.role, target.role):
            raise PermissionDenied(Role.OWNER)
        if target.role is Role.OWNER and len(await self._owners(team_id)) == 1:
            raise PeopleRefused("last_owner")
        updated = await self.storage.set_member_role(team_id, target_id, role)
        await self.record_change(
            team_id,
            actor_id,
            "member.role",
            f"user:{target_id}",
            old=target.role.value,
            new=role.value,
        )
        await self._tell_role(team_id, actor_id, target, role)
        return updated

    async def _tell_role(self, team_id: int, actor_id: int, target: Member, role: Role) -> None:
        """Tell the person whose role changed (whoever changed it: bot, web or API), in
        their language; not someone who changed their own, nor one who stopped the bot."""
        if self.tell is None or actor_id == target.user_id:
            return
        try:
            person = await self.storage.get_user(target.user_id)
        except NotFound:
            return
        if not person.reachable:
            return
        team = await self.storage.get_team(team_id)
        try:
            by = (await self.storage.get_user(actor_id)).name
        except NotFound:
            by = "—"
        lang = person.language or team.language
        text = t(
            "role_changed_told",
            lang,
            by=by,
            team=team.name,
            old=t(f"role_{target.role.value}", lang),
            role=t(f"role_{role.value}", lang),
        )
        await self.tell(target.user_id, text)

    async def remove_member(self, team_id: int, actor_id: int, target_id: int) -> Member:
        """Remove someone (admins+; admins only by an owner; never an owner).

        :raises PermissionDenied: :raises PeopleRefused: ``remove_self``/``remove_owner``
        :raises NotFound: not a member.
        """
        actor = await self.require_role(team_id, actor_id, Role.ADMIN)
        target = await self.storage.get_member(team_id, target_id)
        refusal = removal_refusal(actor, target)
        if refusal is not None:
            raise refusal
        await self.storage.remove_member(team_id, target_id)
        await self.record_change(
            team_id, actor_id, "member.remove", f"user:{target_id}", name=target.name
        )
        return target

    async def leave(self, team_id: int, user_id: int) -> Member:
        """Leave a team. :raises PeopleRefused: ``last_owner`` :raises NotFound: not a member."""
        member = await self.storage.get_member(team_id, user_id)
        if member.role is Role.OWNER and len(await self._owners(team_id)) == 1:
            raise PeopleRefused("last_owner")
        await self.storage.remove_member(team_id, user_id)
        await self.record_change(team_id, user_id, "member.leave", f"user:{user_id}")
        return member

    # --- groups ------------------------------------------------------------------

    async def create_group(self, team_id: int, actor_id: int, name: str) -> Group:
        """:raises PermissionDenied: :raises PeopleRefused: ``group_exists``, bad name."""
        await self.require_role(team_id, actor_id, Role.ADMIN)
        cleaned = check_name(name)
        try:
            group = await self.storage.create_group(team_id, cleaned)
        except AlreadyExists:
            raise PeopleRefused("group_exists", name=cleaned) from None
        await self.record_change(
            team_id, actor_id, "group.create", f"group:{group.id}", name=cleaned
        )
        return group

    async def rename_group(self, team_id: int, actor_id: int, group_id: int, name: str) -> Group:
        """:raises PermissionDenied: :raises PeopleRefused: :raises NotFound:"""
        await self.require_role(team_id, actor_id, Role.ADMIN)
        old = await self.team_group(team_id, group_id)
        cleaned = check_name(name)
        try:
            group = await self.storage.rename_group(group_id, cleaned)
        except AlreadyExists:
            raise PeopleRefused("group_exists", name=cleaned) from None
        await self.record_change(
            team_id, actor_id, "group.rename", f"group:{group_id}", old=old.name, new=cleaned
        )
        return group

    async def delete_group(self, team_id: int, actor_id: int, group_id: int) -> list[Event]:
        """Delete a group; returns the events now flagged because they used it.

        :raises PermissionDenied: :raises NotFound:
        """
        await self.require_role(team_id, actor_id, Role.ADMIN)
        group = await self.team_group(team_id, group_id)
        await self.storage.delete_group(group_id)
        flagged = [] if self.events is None else await self.events.group_deleted(group_id)
        await self.record_change(
            team_id,
            actor_id,
            "group.delete",
            f"group:{group_id}",
            name=group.name,
            flagged_events=[e.id for e in flagged],
        )
        return flagged

    async def add_to_group(
        self, team_id: int, actor_id: int, group_id: int, user_ids: Sequence[int]
    ) -> int:
        """Add team members to a group; returns how many were new."""
        await self.require_role(team_id, actor_id, Role.ADMIN)
        await self.team_group(team_id, group_id)
        added = await self.storage.add_to_group(group_id, user_ids)
        if added:
            await self.record_change(
                team_id, actor_id, "group.add", f"group:{group_id}", users=list(user_ids)
            )
        return added

    async def remove_from_group(
        self, team_id: int, actor_id: int, group_id: int, user_ids: Sequence[int]
    ) -> int:
        """Take members out of a group (they stay in the team); returns how many."""
        await self.require_role(team_id, actor_id, Role.ADMIN)
        await self.team_group(team_id, group_id)
        removed = await self.storage.remove_from_group(group_id, user_ids)
        if removed:
            await self.record_change(
                team_id, actor_id, "group.remove", f"group:{group_id}", users=list(user_ids)
            )
        return removed

    async def toggle_in_group(
        self, team_id: int, actor_id: int, group_id: int, user_id: int
    ) -> bool:
        """Put a member in the group or take them out; True when they are in it now."""
        if user_id in await self.storage.list_group_members(group_id):
            await self.remove_from_group(team_id, actor_id, group_id, [user_id])
            return False
        await self.add_to_group(team_id, actor_id, group_id, [user_id])
        return True

    # --- tags --------------------------------------------------------------------

    async def tag(
        self, team_id: int, actor_id: int, name: str, user_ids: Sequence[int]
    ) -> tuple[Tag, bool, int]:
        """Tag members, creating the tag if needed; returns (tag, created, newly tagged)."""
        await self.require_role(team_id, actor_id, Role.ADMIN)
        cleaned = check_name(name.lstrip("#"))
        tag = await self.storage.find_tag(team_id, cleaned)
        created = tag is None
        if tag is None:
            tag = await self.storage.create_tag(team_id, cleaned)
            await self.record_change(team_id, actor_id, "tag.create", f"tag:{tag.id}", name=cleaned)
        added = await self.storage.tag_members(tag.id, user_ids)
        if added:
            await self.record_change(
                team_id, actor_id, "tag.add", f"tag:{tag.id}", users=list(user_ids)
            )
        return tag, created, added

    async def team_tag(self, team_id: int, tag_id: int) -> Tag:
        """The tag if it belongs to the team. :raises NotFound:"""
        tag = await self.storage.get_tag(tag_id)
        if tag.team_id != team_id:
            raise NotFound(f"tag {tag_id} of team {team_id}")
        return tag

    async def rename_tag(self, team_id: int, actor_id: int, tag_id: int, name: str) -> Tag:
        """Rename a tag (admins+, as for creating one); events that name it follow, as
        they refer to it by id.

        :raises PermissionDenied: :raises PeopleRefused: ``tag_exists``, bad name.
        :raises NotFound: no such tag in the team.
        """
        await self.require_role(team_id, actor_id, Role.ADMIN)
        old = await self.team_tag(team_id, tag_id)
        cleaned = check_name(name.lstrip("#"))
        try:
            tag = await self.storage.rename_tag(tag_id, cleaned)
        except AlreadyExists:
            raise PeopleRefused("tag_exists", name=cleaned) from None
        await self.record_change(
            team_id, actor_id, "tag.rename", f"tag:{tag_id}", old=old.name, new=cleaned
        )
        return tag

    async def delete_tag(self, team_id: int, actor_id: int, tag_id: int) -> Deleted:
        """Delete a tag (admins+): the people keep everything else; the events that
        named it are put on hold (as for a deleted group), never sent to a guess.

        :raises PermissionDenied: :raises NotFound: no such tag in the team.
        """
        await self.require_role(team_id, actor_id, Role.ADMIN)
        tag = await self.team_tag(team_id, tag_id)
        members = len(await self.storage.list_tag_members(tag_id))
        await self.storage.delete_tag(tag_id)
        flagged = [] if self.events is None else await self.events.tag_deleted(tag_id)
        await self.record_change(
            team_id,
            actor_id,
            "tag.delete",
            f"tag:{tag_id}",
            name=tag.name,
            members=members,
            flagged_events=[e.id for e in flagged],
        )
        return Deleted(tag.name, members, flagged)

    async def untag(self, team_id: int, actor_id: int, tag: Tag, user_ids: Sequence[int]) -> int:
        """Take a tag off members; returns how many had it."""
        await self.require_role(team_id, actor_id, Role.ADMIN)
        removed = await self.storage.untag_members(tag.id, user_ids)
        if removed:
            await self.record_change(
                team_id, actor_id, "tag.remove", f"tag:{tag.id}", users=list(user_ids)
            )
        return removed

    # --- settings ----------------------------------------------------------------

    async def set_user_timezone(self, user_id: int, zone: str | None) -> User:
        user = await self.storage.update_user(user_id, timezone=zone)
        await self._replan(user_id=user_id)
        return user

    async def set_user_quiet(self, user_id: int, quiet: QuietHoursSpec | None) -> User:
        user = await self.storage.update_user(user_id, quiet_hours=quiet)
        await self._replan(user_id=user_id)
        return user

    async def set_team_timezone(self, team_id: int, actor_id: int, zone: str) -> Team:
        await self.require_role(team_id, actor_id, Role.ADMIN)
        team = await self.storage.update_team(team_id, timezone=zone)
        await self.record_change(team_id, actor_id, "team.timezone", f"team:{team_id}", zone=zone)
        return team

    async def set_team_quiet(
        self, team_id: int, actor_id: int, quiet: QuietHoursSpec | None
    ) -> Team:
        await self.require_role(team_id, actor_id, Role.ADMIN)
        team = await self.storage.update_team(team_id, quiet_hours=quiet)
        await self.record_change(
            team_id, actor_id, "team.quiet", f"team:{team_id}", quiet=str(quiet)
        )
        return team

    async def set_team_short_notice(self, team_id: int, actor_id: int, *, skip: bool) -> Team:
        """What happens to a reminder step whose time had passed when its event was
        saved ("1 day before" an event made for tomorrow morning): sent at once, saying
        the event was scheduled at short notice, or skipped (``skip``).  Admins and owners.

        :raises PermissionDenied: below admin.
        """
        await self.require_role(team_id, actor_id, Role.ADMIN)
        team = await self.storage.update_team(team_id, skip_short_notice=skip)
        await self.record_change(
            team_id, actor_id, "team.short_notice", f"team:{team_id}", skip=skip
        )
        return team

    async def set_team_defaults(
        self,
        team_id: int,
        actor_id: int,
        reminders: Sequence[timedelta],
        escalation: Sequence[ReminderSpec],
    ) -> Team:
        """What a new event of the team starts with: ``reminders`` to everyone (offsets
        before the start) and ``escalation`` steps (offsets for ``unanswered`` or
        ``organizer_summary``).  Events already made keep theirs.  Admins and owners.

        :raises PermissionDenied: below admin.
        :raises PeopleRefused: ``defaults_too_many`` (more than
            :data:`MAX_DEFAULT_STEPS` of either), ``defaults_offset`` (not an offset
            from 0 to a year), ``defaults_target`` (an escalation step to everyone: that
            is a reminder) or ``defaults_twice`` (two steps at one offset for the same
            readers).
        """
        await self.require_role(team_id, actor_id, Role.ADMIN)
        wanted = sorted(set(reminders), reverse=True)
        if len(wanted) > MAX_DEFAULT_STEPS or len(escalation) > MAX_DEFAULT_STEPS:
            raise PeopleRefused("defaults_too_many", limit=MAX_DEFAULT_STEPS)
        offsets = [*wanted, *(step.offset for step in escalation)]
        if any(o is None or not timedelta(0) <= o <= MAX_OFFSET for o in offsets):
            raise PeopleRefused("defaults_offset")
        if any(step.target is ReminderTarget.ALL for step in escalation):
            raise PeopleRefused("defaults_target")
        try:
            ladder = normalize_ladder(
                [EscalationStep(o, ReminderTarget.ALL) for o in wanted]
                + [EscalationStep(s.offset, s.target) for s in escalation if s.offset is not None]
            )
        except ValueError:
            raise PeopleRefused("defaults_twice") from None
        steps = tuple(
            ReminderSpec(offset=s.offset, target=s.target)
            for s in ladder
            if s.target is not ReminderTarget.ALL
        )
        team = await self.storage.update_team(
            team_id, default_reminders=tuple(wanted), default_escalation=steps
        )
        # New events only: nothing planned changes, so no re-planning.
        await self.storage.add_audit(
            team_id=team_id,
            actor_id=actor_id,
            action="team.defaults",
            subject=f"team:{team_id}",
            details={"ladder": format_ladder(ladder)},
            at=self.clock(),
        )
        return team
