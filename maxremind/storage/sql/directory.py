"""SQL of the directory: teams, users, members, groups, tags, chats and invites."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from maxremind.domain.models import (
    Chat,
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
from maxremind.storage.base import UNSET, Unset
from maxremind.storage.errors import InviteUnusable, NotFound
from maxremind.storage.sqlbase import (
    Row,
    SqlBase,
    from_ms,
    name_key,
    now_ms,
    opt_dt,
    opt_lang,
    opt_ms,
    quiet_spec,
    quiet_text,
    require,
)


def _team(row: Row) -> Team:
    return Team(
        id=row["id"],
        name=row["name"],
        timezone=row["timezone"],
        language=Language(row["language"]),
        quiet_hours=quiet_spec(row["quiet_hours"]),
        created_by=row["created_by"],
        created_at=from_ms(row["created_at"]),
        default_reminders=tuple(
            timedelta(seconds=s) for s in json.loads(row["default_reminders"] or "[]")
        ),
        default_escalation=tuple(
            ReminderSpec(
                offset=timedelta(seconds=step["offset"]), target=ReminderTarget(step["target"])
            )
            for step in json.loads(row["default_escalation"] or "[]")
        ),
        skip_short_notice=bool(row["skip_short_notice"]),
    )


def _seconds(offsets: Sequence[timedelta]) -> str:
    return json.dumps([int(o.total_seconds()) for o in offsets])


def _ladder(steps: Sequence[ReminderSpec]) -> str:
    return json.dumps(
        [
            {"offset": int(s.offset.total_seconds()), "target": s.target.value}
            for s in steps
            if s.offset is not None
        ]
    )


def _user(row: Row) -> User:
    return User(
        user_id=row["user_id"],
        name=row["name"],
        username=row["username"],
        language=opt_lang(row["language"]),
        timezone=row["timezone"],
        quiet_hours=quiet_spec(row["quiet_hours"]),
        reachable=bool(row["reachable"]),
        unreachable_reason=row["unreachable_reason"],
        current_team_id=row["current_team_id"],
        created_at=from_ms(row["created_at"]),
        updated_at=from_ms(row["updated_at"]),
    )


_MEMBER_SQL = (
    "SELECT m.team_id, m.user_id, m.role, m.joined_at, u.name, u.username, u.language,"
    " u.timezone, u.quiet_hours, u.reachable FROM members m JOIN users u USING (user_id)"
)


def _member(row: Row) -> Member:
    return Member(
        team_id=row["team_id"],
        user_id=row["user_id"],
        role=Role(row["role"]),
        joined_at=from_ms(row["joined_at"]),
        name=row["name"],
        username=row["username"],
        language=opt_lang(row["language"]),
        timezone=row["timezone"],
        quiet_hours=quiet_spec(row["quiet_hours"]),
        reachable=bool(row["reachable"]),
    )


@dataclass(frozen=True)
class _SetKind:
    """Where a kind of member set lives: its table, link table and link column."""

    table: str
    links: str
    owner: str
    noun: str


_GROUPS = _SetKind("groups", "group_members", "group_id", "group")
_TAGS = _SetKind("tags", "tag_members", "tag_id", "tag")


def _group(row: Row) -> Group:
    return Group(row["id"], row["team_id"], row["name"], from_ms(row["created_at"]))


def _tag(row: Row) -> Tag:
    return Tag(row["id"], row["team_id"], row["name"], from_ms(row["created_at"]))


def _chat(row: Row) -> Chat:
    return Chat(
        chat_id=row["chat_id"],
        title=row["title"],
        chat_type=row["chat_type"],
        team_id=row["team_id"],
        group_id=row["group_id"],
        added_by=row["added_by"],
        active=bool(row["active"]),
        created_at=from_ms(row["created_at"]),
        updated_at=from_ms(row["updated_at"]),
    )


def _invite(row: Row) -> Invite:
    return Invite(
        code=row["code"],
        team_id=row["team_id"],
        group_id=row["group_id"],
        created_by=row["created_by"],
        created_at=from_ms(row["created_at"]),
        expires_at=opt_dt(row["expires_at"]),
        max_uses=row["max_uses"],
        uses=row["uses"],
        revoked=bool(row["revoked"]),
    )


class DirectorySql(SqlBase):
    """Teams, people and the sets and chats that hang off a team."""

    # --- teams -----------------------------------------------------------------------

    async def create_team(
        self, name: str, *, timezone: str, language: Language, created_by: int | None
    ) -> Team:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO teams (name, timezone, language, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING *",
                (name, timezone, language.value, created_by, now_ms()),
            )
        assert row is not None
        return _team(row)

    async def get_team(self, team_id: int) -> Team:
        row = await self._one("SELECT * FROM teams WHERE id = ?", (team_id,))
        if row is None:
            raise NotFound(f"team {team_id}")
        return _team(row)

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
        sets: list[str] = []
        params: list[Any] = []
        for column, value in (("name", name), ("timezone", timezone), ("language", language)):
            if value is not None:
                sets.append(f"{column} = ?")
                params.append(value)
        if not isinstance(quiet_hours, Unset):
            sets.append("quiet_hours = ?")
            params.append(quiet_text(quiet_hours))
        if default_reminders is not None:
            sets.append("default_reminders = ?")
            params.append(_seconds(default_reminders))
        if default_escalation is not None:
            sets.append("default_escalation = ?")
            params.append(_ladder(default_escalation))
        if skip_short_notice is not None:
            sets.append("skip_short_notice = ?")
            params.append(int(skip_short_notice))
        async with self._tx() as conn:
            if sets:
                await conn.execute(
                    f"UPDATE teams SET {', '.join(sets)} WHERE id = ?", (*params, team_id)
                )
            row = await require(
                conn, "SELECT * FROM teams WHERE id = ?", (team_id,), f"team {team_id}"
            )
        return _team(row)

    async def delete_team(self, team_id: int) -> None:
        async with self._tx() as conn:
            # Chats outlive the team: they are unlinked, not forgotten.
            await conn.execute(
                "UPDATE chats SET team_id = NULL, group_id = NULL WHERE team_id = ?", (team_id,)
            )
            if await conn.execute("DELETE FROM teams WHERE id = ?", (team_id,)) == 0:
                raise NotFound(f"team {team_id}")

    async def list_teams_of_user(self, user_id: int) -> list[Team]:
        rows = await self._all(
            "SELECT t.* FROM teams t JOIN members m ON m.team_id = t.id"
            " WHERE m.user_id = ? ORDER BY t.name, t.id",
            (user_id,),
        )
        return [_team(r) for r in rows]

    # --- users -----------------------------------------------------------------------

    async def upsert_user(self, user_id: int, *, name: str, username: str | None) -> User:
        now = now_ms()
        key = username.casefold() if username else None
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO users (user_id, name, username, username_key, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,"
                " username = excluded.username, username_key = excluded.username_key,"
                " updated_at = excluded.updated_at RETURNING *",
                (user_id, name, username, key, now, now),
            )
        assert row is not None
        return _user(row)

    async def get_user(self, user_id: int) -> User:
        row = await self._one("SELECT * FROM users WHERE user_id = ?", (user_id,))
        if row is None:
            raise NotFound(f"user {user_id}")
        return _user(row)

    async def get_users(self, user_ids: Sequence[int]) -> dict[int, User]:
        found: dict[int, User] = {}
        ids = list(dict.fromkeys(user_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in await self._all(f"SELECT * FROM users WHERE user_id IN ({marks})", chunk):
                found[row["user_id"]] = _user(row)
        return found

    async def user_names(self, user_ids: Sequence[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        rows = await self._all(
            "SELECT user_id, name FROM users WHERE user_id IN (SELECT value FROM json_each(?))",
            (json.dumps([int(i) for i in dict.fromkeys(user_ids)]),),
        )
        return {row["user_id"]: row["name"] for row in rows}

    async def find_user_by_username(self, username: str) -> User | None:
        row = await self._one(
            "SELECT * FROM users WHERE username_key = ? ORDER BY user_id LIMIT 1",
            (username.lstrip("@").casefold(),),
        )
        return None if row is None else _user(row)

    async def update_user(
        self,
        user_id: int,
        *,
        language: Language | Unset | None = UNSET,
        timezone: str | Unset | None = UNSET,
        quiet_hours: QuietHoursSpec | Unset | None = UNSET,
        current_team_id: int | Unset | None = UNSET,
    ) -> User:
        sets = ["updated_at = ?"]
        params: list[Any] = [now_ms()]
        if not isinstance(language, Unset):
            sets.append("language = ?")
            params.append(None if language is None else language.value)
        if not isinstance(timezone, Unset):
            sets.append("timezone = ?")
            params.append(timezone)
        if not isinstance(quiet_hours, Unset):
            sets.append("quiet_hours = ?")
            params.append(quiet_text(quiet_hours))
        if not isinstance(current_team_id, Unset):
            sets.append("current_team_id = ?")
            params.append(current_team_id)
        async with self._tx() as conn:
            changed = await conn.execute(
                f"UPDATE users SET {', '.join(sets)} WHERE user_id = ?", (*params, user_id)
            )
            if changed == 0:
                raise NotFound(f"user {user_id}")
            row = await conn.fetchone("SELECT * FROM users WHERE user_id = ?", (user_id,))
        assert row is not None
        return _user(row)

    async def set_user_reachable(self, user_id: int, reachable: bool, reason: str | None) -> None:
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE users SET reachable = ?, unreachable_reason = ?, updated_at = ?"
                " WHERE user_id = ?",
                (int(reachable), None if reachable else reason, now_ms(), user_id),
            )
        if changed == 0:
            raise NotFound(f"user {user_id}")

    # --- members ---------------------------------------------------------------------

    async def add_member(self, team_id: int, user_id: int, role: Role) -> Member:
        async with self._tx() as conn:
            await conn.execute(
                "INSERT INTO members (team_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)",
                (team_id, user_id, role.value, now_ms()),
            )
            row = await conn.fetchone(
                _MEMBER_SQL + " WHERE m.team_id = ? AND m.user_id = ?", (team_id, user_id)
            )
        assert row is not None
        return _member(row)

    async def get_member(self, team_id: int, user_id: int) -> Member:
        row = await self._one(
            _MEMBER_SQL + " WHERE m.team_id = ? AND m.user_id = ?", (team_id, user_id)
        )
        if row is None:
            raise NotFound(f"member {user_id} of team {team_id}")
        return _member(row)

    async def list_members(self, team_id: int) -> list[Member]:
        rows = await self._all(
            _MEMBER_SQL + " WHERE m.team_id = ? ORDER BY u.name, m.user_id", (team_id,)
        )
        return [_member(r) for r in rows]

    async def member_ids(self, team_id: int) -> list[int]:
        rows = await self._all(
            "SELECT user_id FROM members WHERE team_id = ? ORDER BY user_id", (team_id,)
        )
        return [row["user_id"] for row in rows]

    async def set_member_role(self, team_id: int, user_id: int, role: Role) -> Member:
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE members SET role = ? WHERE team_id = ? AND user_id = ?",
                (role.value, team_id, user_id),
            )
            if changed == 0:
                raise NotFound(f"member {user_id} of team {team_id}")
            row = await conn.fetchone(
                _MEMBER_SQL + " WHERE m.team_id = ? AND m.user_id = ?", (team_id, user_id)
            )
        assert row is not None
        return _member(row)

    async def remove_member(self, team_id: int, user_id: int) -> None:
        async with self._tx() as conn:
            changed = await conn.execute(
                "DELETE FROM members WHERE team_id = ? AND user_id = ?", (team_id, user_id)
            )
            if changed == 0:
                raise NotFound(f"member {user_id} of team {team_id}")
            await conn.execute(
                "UPDATE users SET current_team_id = NULL WHERE user_id = ? AND current_team_id = ?",
                (user_id, team_id),
            )

    # --- groups and tags ---------------------------------------------------------------
    # Both are named sets of team members with the same rules; one set of SQL serves both.

    async def _create_set(self, kind: _SetKind, team_id: int, name: str) -> Row:
        async with self._tx() as conn:
            row = await conn.fetchone(
                f"INSERT INTO {kind.table} (team_id, name, name_key, created_at)"
                " VALUES (?, ?, ?, ?) RETURNING *",
                (team_id, name, name_key(name), now_ms()),
            )
        assert row is not None
        return row

    async def _get_set(self, kind: _SetKind, set_id: int) -> Row:
        row = await self._one(f"SELECT * FROM {kind.table} WHERE id = ?", (set_id,))
        if row is None:
            raise NotFound(f"{kind.noun} {set_id}")
        return row

    async def _find_set(self, kind: _SetKind, team_id: int, name: str) -> Row | None:
        return await self._one(
            f"SELECT * FROM {kind.table} WHERE team_id = ? AND name_key = ?",
            (team_id, name_key(name)),
        )

    async def _list_sets(self, kind: _SetKind, team_id: int) -> list[Row]:
        return await self._all(
            f"SELECT * FROM {kind.table} WHERE team_id = ? ORDER BY name_key", (team_id,)
        )

    async def _delete_set(self, kind: _SetKind, set_id: int) -> None:
        async with self._tx() as conn:
            if await conn.execute(f"DELETE FROM {kind.table} WHERE id = ?", (set_id,)) == 0:
                raise NotFound(f"{kind.noun} {set_id}")

    async def _link(self, kind: _SetKind, set_id: int, user_ids: Sequence[int]) -> int:
        """Link members to a group or tag; the team comes from the group/tag row."""
        added = 0
        async with self._tx() as conn:
            row = await require(
                conn,
                f"SELECT team_id FROM {kind.table} WHERE id = ?",
                (set_id,),
                f"{kind.noun} {set_id}",
            )
            team_id = row["team_id"]
            for user_id in dict.fromkeys(user_ids):
                await require(
                    conn,
                    "SELECT 1 FROM members WHERE team_id = ? AND user_id = ?",
                    (team_id, user_id),
                    f"member {user_id} of team {team_id}",
                )
                added += await conn.execute(
                    f"INSERT INTO {kind.links} ({kind.owner}, team_id, user_id) VALUES (?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (set_id, team_id, user_id),
                )
        return added

    async def _unlink(self, kind: _SetKind, set_id: int, user_ids: Sequence[int]) -> int:
        removed = 0
        async with self._tx() as conn:
            for user_id in dict.fromkeys(user_ids):
                removed += await conn.execute(
                    f"DELETE FROM {kind.links} WHERE {kind.owner} = ? AND user_id = ?",
                    (set_id, user_id),
                )
        return removed

    async def _set_members(self, kind: _SetKind, set_id: int) -> list[int]:
        rows = await self._all(
            f"SELECT user_id FROM {kind.links} WHERE {kind.owner} = ? ORDER BY user_id",
            (set_id,),
        )
        return [r["user_id"] for r in rows]

    async def _sets_of_member(self, kind: _SetKind, team_id: int, user_id: int) -> list[Row]:
        return await self._all(
            f"SELECT s.* FROM {kind.table} s JOIN {kind.links} l ON l.{kind.owner} = s.id"
            " WHERE l.team_id = ? AND l.user_id = ? ORDER BY s.name_key",
            (team_id, user_id),
        )

    async def create_group(self, team_id: int, name: str) -> Group:
        return _group(await self._create_set(_GROUPS, team_id, name))

    async def get_group(self, group_id: int) -> Group:
        return _group(await self._get_set(_GROUPS, group_id))

    async def find_group(self, team_id: int, name: str) -> Group | None:
        row = await self._find_set(_GROUPS, team_id, name)
        return None if row is None else _group(row)

    async def list_groups(self, team_id: int) -> list[Group]:
        return [_group(r) for r in await self._list_sets(_GROUPS, team_id)]

    async def rename_group(self, group_id: int, name: str) -> Group:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "UPDATE groups SET name = ?, name_key = ? WHERE id = ? RETURNING *",
                (name, name_key(name), group_id),
            )
        if row is None:
            raise NotFound(f"group {group_id}")
        return _group(row)

    async def delete_group(self, group_id: int) -> None:
        await self._delete_set(_GROUPS, group_id)

    async def add_to_group(self, group_id: int, user_ids: Sequence[int]) -> int:
        return await self._link(_GROUPS, group_id, user_ids)

    async def remove_from_group(self, group_id: int, user_ids: Sequence[int]) -> int:
        return await self._unlink(_GROUPS, group_id, user_ids)

    async def list_group_members(self, group_id: int) -> list[int]:
        return await self._set_members(_GROUPS, group_id)

    async def list_groups_of_member(self, team_id: int, user_id: int) -> list[Group]:
        return [_group(r) for r in await self._sets_of_member(_GROUPS, team_id, user_id)]

    async def create_tag(self, team_id: int, name: str) -> Tag:
        return _tag(await self._create_set(_TAGS, team_id, name))

    async def get_tag(self, tag_id: int) -> Tag:
        return _tag(await self._get_set(_TAGS, tag_id))

    async def find_tag(self, team_id: int, name: str) -> Tag | None:
        row = await self._find_set(_TAGS, team_id, name)
        return None if row is None else _tag(row)

    async def list_tags(self, team_id: int) -> list[Tag]:
        return [_tag(r) for r in await self._list_sets(_TAGS, team_id)]

    async def rename_tag(self, tag_id: int, name: str) -> Tag:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "UPDATE tags SET name = ?, name_key = ? WHERE id = ? RETURNING *",
                (name, name_key(name), tag_id),
            )
        if row is None:
            raise NotFound(f"tag {tag_id}")
        return _tag(row)

    async def delete_tag(self, tag_id: int) -> None:
        await self._delete_set(_TAGS, tag_id)

    async def tag_members(self, tag_id: int, user_ids: Sequence[int]) -> int:
        return await self._link(_TAGS, tag_id, user_ids)

    async def untag_members(self, tag_id: int, user_ids: Sequence[int]) -> int:
        return await self._unlink(_TAGS, tag_id, user_ids)

    async def list_tag_members(self, tag_id: int) -> list[int]:
        return await self._set_members(_TAGS, tag_id)

    async def list_tags_of_member(self, team_id: int, user_id: int) -> list[Tag]:
        return [_tag(r) for r in await self._sets_of_member(_TAGS, team_id, user_id)]

    # --- chats -----------------------------------------------------------------------

    async def upsert_chat(
        self, chat_id: int, *, title: str, chat_type: str, added_by: int | None
    ) -> Chat:
        now = now_ms()
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO chats (chat_id, title, chat_type, added_by, active, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title,"
                " chat_type = excluded.chat_type,"
                " added_by = COALESCE(excluded.added_by, chats.added_by),"
                " active = 1, updated_at = excluded.updated_at RETURNING *",
                (chat_id, title, chat_type, added_by, now, now),
            )
        assert row is not None
        return _chat(row)

    async def get_chat(self, chat_id: int) -> Chat:
        row = await self._one("SELECT * FROM chats WHERE chat_id = ?", (chat_id,))
        if row is None:
            raise NotFound(f"chat {chat_id}")
        return _chat(row)

    async def link_chat(self, chat_id: int, team_id: int, group_id: int | None) -> Chat:
        async with self._tx() as conn:
            if group_id is not None:
                await require(
                    conn,
                    "SELECT 1 FROM groups WHERE id = ? AND team_id = ?",
                    (group_id, team_id),
                    f"group {group_id} of team {team_id}",
                )
            row = await conn.fetchone(
                "UPDATE chats SET team_id = ?, group_id = ?, updated_at = ? WHERE chat_id = ?"
                " RETURNING *",
                (team_id, group_id, now_ms(), chat_id),
            )
        if row is None:
            raise NotFound(f"chat {chat_id}")
        return _chat(row)

    async def deactivate_chat(self, chat_id: int) -> None:
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE chats SET active = 0, team_id = NULL, group_id = NULL, updated_at = ?"
                " WHERE chat_id = ?",
                (now_ms(), chat_id),
            )
        if changed == 0:
            raise NotFound(f"chat {chat_id}")

    async def list_chats(self, team_id: int) -> list[Chat]:
        rows = await self._all(
            "SELECT * FROM chats WHERE team_id = ? AND active = 1 ORDER BY title, chat_id",
            (team_id,),
        )
        return [_chat(r) for r in rows]

    # --- invites ---------------------------------------------------------------------

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
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO invites (code, team_id, group_id, created_by, created_at,"
                " expires_at, max_uses) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (code, team_id, group_id, created_by, now_ms(), opt_ms(expires_at), max_uses),
            )
        assert row is not None
        return _invite(row)

    async def get_invite(self, code: str) -> Invite:
        row = await self._one("SELECT * FROM invites WHERE code = ?", (code,))
        if row is None:
            raise NotFound("invite")
        return _invite(row)

    async def use_invite(self, code: str, *, now: datetime) -> Invite:
        async with self._tx() as conn:
            row = await require(conn, "SELECT * FROM invites WHERE code = ?", (code,), "invite")
            invite = _invite(row)
            reason = invite.unusable_reason(now)
            if reason is not None:
                raise InviteUnusable(reason)
            await conn.execute("UPDATE invites SET uses = uses + 1 WHERE code = ?", (code,))
        return invite

    async def revoke_invite(self, code: str) -> None:
        async with self._tx() as conn:
            if await conn.execute("UPDATE invites SET revoked = 1 WHERE code = ?", (code,)) == 0:
                raise NotFound("invite")

    async def list_invites(self, team_id: int) -> list[Invite]:
        rows = await self._all(
            "SELECT * FROM invites WHERE team_id = ? ORDER BY created_at DESC, code", (team_id,)
        )
        return [_invite(r) for r in rows]
