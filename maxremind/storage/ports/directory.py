"""The directory port: teams, people, members, groups, tags, chats and invites."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime, timedelta

from maxremind.domain.models import (
    Chat,
    Group,
    Invite,
    Language,
    Member,
    QuietHoursSpec,
    ReminderSpec,
    Role,
    Tag,
    Team,
    User,
)
from maxremind.storage.ports.common import UNSET, Unset


class DirectoryStore(ABC):
    """Who is who: teams and the people, sets and chats that belong to them."""

    # --- teams -----------------------------------------------------------------------

    @abstractmethod
    async def create_team(
        self, name: str, *, timezone: str, language: Language, created_by: int | None
    ) -> Team:
        """Create a team and return it."""

    @abstractmethod
    async def get_team(self, team_id: int) -> Team:
        """:raises NotFound: no such team."""

    @abstractmethod
    async def update_team(
        self,
        team_id: int,
        *,
        name: str | None = None,
        timezone: str | None = None,
        language: Language | None = None,
        quiet_hours: QuietHoursSpec | Unset | None = UNSET,
        default_reminders: Sequence[timedelta] | None = None,
        default_escalation: Sequence[ReminderSpec] | None = None,
        skip_short_notice: bool | None = None,
    ) -> Team:
        """Change the given fields and return the team. :raises NotFound:"""

    @abstractmethod
    async def delete_team(self, team_id: int) -> None:
        """Delete a team with its members, groups, tags, events and invites.

        Users (people) stay; linked chats are unlinked. :raises NotFound:
        """

    @abstractmethod
    async def list_teams_of_user(self, user_id: int) -> list[Team]:
        """Teams the user is a member of, by name."""

    # --- users (people) --------------------------------------------------------------

    @abstractmethod
    async def upsert_user(self, user_id: int, *, name: str, username: str | None) -> User:
        """Create the user or refresh name/username; keeps their settings."""

    @abstractmethod
    async def get_user(self, user_id: int) -> User:
        """:raises NotFound: the user never talked to the bot."""

    @abstractmethod
    async def get_users(self, user_ids: Sequence[int]) -> dict[int, User]:
        """The known users among ``user_ids`` (unknown ids are left out)."""

    @abstractmethod
    async def user_names(self, user_ids: Sequence[int]) -> dict[int, str]:
        """The names of the known users among ``user_ids`` (unknown ids are left out):
        what a roster shows, without loading whole users."""

    @abstractmethod
    async def find_user_by_username(self, username: str) -> User | None:
        """The user with that @username (case-insensitive, '@' optional), or None."""

    @abstractmethod
    async def update_user(
        self,
        user_id: int,
        *,
        language: Language | Unset | None = UNSET,
        timezone: str | Unset | None = UNSET,
        quiet_hours: QuietHoursSpec | Unset | None = UNSET,
        current_team_id: int | Unset | None = UNSET,
    ) -> User:
        """Change the given settings and return the user. :raises NotFound:"""

    @abstractmethod
    async def set_user_reachable(self, user_id: int, reachable: bool, reason: str | None) -> None:
        """Mark whether the bot can message the user (stopped bot etc.). :raises NotFound:"""

    # --- members ---------------------------------------------------------------------

    @abstractmethod
    async def add_member(self, team_id: int, user_id: int, role: Role) -> Member:
        """Add a user to a team.

        :raises NotFound: no such team or user.
        :raises AlreadyExists: the user is already a member.
        """

    @abstractmethod
    async def get_member(self, team_id: int, user_id: int) -> Member:
        """:raises NotFound: not a member."""

    @abstractmethod
    async def list_members(self, team_id: int) -> list[Member]:
        """All members of a team, by name."""

    @abstractmethod
    async def member_ids(self, team_id: int) -> list[int]:
        """The user ids of a team's members, ascending (who an audience can reach,
        without loading whole members)."""

    @abstractmethod
    async def set_member_role(self, team_id: int, user_id: int, role: Role) -> Member:
        """:raises NotFound: not a member."""

    @abstractmethod
    async def remove_member(self, team_id: int, user_id: int) -> None:
        """Remove a membership (and the member's group/tag links). :raises NotFound:"""

    # --- groups and tags -------------------------------------------------------------

    @abstractmethod
    async def create_group(self, team_id: int, name: str) -> Group:
        """:raises NotFound: no team. :raises AlreadyExists: a group of that name (any case)."""

    @abstractmethod
    async def get_group(self, group_id: int) -> Group:
        """:raises NotFound:"""

    @abstractmethod
    async def find_group(self, team_id: int, name: str) -> Group | None:
        """The group with that name (case-insensitive), or None."""

    @abstractmethod
    async def list_groups(self, team_id: int) -> list[Group]:
        """Groups of a team, by name."""

    @abstractmethod
    async def rename_group(self, group_id: int, name: str) -> Group:
        """:raises NotFound: :raises AlreadyExists:"""

    @abstractmethod
    async def delete_group(self, group_id: int) -> None:
        """Delete the group and its member links; members themselves stay. :raises NotFound:"""

    @abstractmethod
    async def add_to_group(self, group_id: int, user_ids: Sequence[int]) -> int:
        """Add team members to a group; returns how many were newly added.

        :raises NotFound: no group, or a user is not a member of the group's team.
        """

    @abstractmethod
    async def remove_from_group(self, group_id: int, user_ids: Sequence[int]) -> int:
        """Returns how many links were removed."""

    @abstractmethod
    async def list_group_members(self, group_id: int) -> list[int]:
        """User ids in the group, ascending."""

    @abstractmethod
    async def list_groups_of_member(self, team_id: int, user_id: int) -> list[Group]:
        """Groups of a team that contain the user, by name."""

    @abstractmethod
    async def create_tag(self, team_id: int, name: str) -> Tag:
        """:raises NotFound: no team. :raises AlreadyExists: a tag of that name (any case)."""

    @abstractmethod
    async def get_tag(self, tag_id: int) -> Tag:
        """:raises NotFound:"""

    @abstractmethod
    async def find_tag(self, team_id: int, name: str) -> Tag | None:
        """The tag with that name (case-insensitive), or None."""

    @abstractmethod
    async def list_tags(self, team_id: int) -> list[Tag]:
        """Tags of a team, by name."""

    @abstractmethod
    async def rename_tag(self, tag_id: int, name: str) -> Tag:
        """:raises NotFound: :raises AlreadyExists: a tag of that name (any case)."""

    @abstractmethod
    async def delete_tag(self, tag_id: int) -> None:
        """Delete the tag and its links; members stay. :raises NotFound:"""

    @abstractmethod
    async def tag_members(self, tag_id: int, user_ids: Sequence[int]) -> int:
        """Attach the tag to team members; returns how many were new. :raises NotFound:"""

    @abstractmethod
    async def untag_members(self, tag_id: int, user_ids: Sequence[int]) -> int:
        """Returns how many links were removed."""

    @abstractmethod
    async def list_tag_members(self, tag_id: int) -> list[int]:
        """User ids with the tag, ascending."""

    @abstractmethod
    async def list_tags_of_member(self, team_id: int, user_id: int) -> list[Tag]:
        """Tags of a team the user carries, by name."""

    # --- MAX group chats -------------------------------------------------------------

    @abstractmethod
    async def upsert_chat(
        self, chat_id: int, *, title: str, chat_type: str, added_by: int | None
    ) -> Chat:
        """Remember a chat the bot is in (or was re-added to); keeps its link."""

    @abstractmethod
    async def get_chat(self, chat_id: int) -> Chat:
        """:raises NotFound:"""

    @abstractmethod
    async def link_chat(self, chat_id: int, team_id: int, group_id: int | None) -> Chat:
        """Link a chat to a team (and group). :raises NotFound: chat, team or group."""

    @abstractmethod
    async def deactivate_chat(self, chat_id: int) -> None:
        """The bot left or was removed: unlink and mark inactive. :raises NotFound:"""

    @abstractmethod
    async def list_chats(self, team_id: int) -> list[Chat]:
        """Active chats linked to a team, by title."""

    # --- invites ---------------------------------------------------------------------

    @abstractmethod
    async def create_invite(
        self,
        code: str,
        *,
        team_id: int,
        group_id: int | None,
        created_by: int,
        expires_at: datetime | None,
        max_uses: int | None,
    ) -> Invite:
        """:raises NotFound: no team/group. :raises AlreadyExists: the code is taken."""

    @abstractmethod
    async def get_invite(self, code: str) -> Invite:
        """:raises NotFound:"""

    @abstractmethod
    async def use_invite(self, code: str, *, now: datetime) -> Invite:
        """Count one use atomically and return the invite as it was used.

        :raises NotFound: no such code.
        :raises InviteUnusable: revoked, expired or used up (nothing changes).
        """

    @abstractmethod
    async def revoke_invite(self, code: str) -> None:
        """:raises NotFound:"""

    @abstractmethod
    async def list_invites(self, team_id: int) -> list[Invite]:
        """Invites of a team, newest first."""
