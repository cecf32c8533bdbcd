"""SQL of web access: login links, browser sessions, personal API tokens."""

from __future__ import annotations

from datetime import datetime

from maxremind.domain.access import ApiToken, SignInVia, WebSession
from maxremind.storage.sqlbase import Row, SqlBase, from_ms, opt_dt, to_ms


def _session(row: Row) -> WebSession:
    return WebSession(
        id=row["id"],
        user_id=row["user_id"],
        csrf=row["csrf"],
        created_at=from_ms(row["created_at"]),
        last_seen_at=from_ms(row["last_seen_at"]),
        expires_at=from_ms(row["expires_at"]),
        via=SignInVia(row["via"]),
        user_agent=row["user_agent"],
        revoked_at=opt_dt(row["revoked_at"]),
    )


def _token(row: Row) -> ApiToken:
    return ApiToken(
        id=row["id"],
        user_id=row["user_id"],
        team_id=row["team_id"],
        name=row["name"],
        created_at=from_ms(row["created_at"]),
        last_used_at=opt_dt(row["last_used_at"]),
        revoked_at=opt_dt(row["revoked_at"]),
    )


_API_KEY_FIELDS = "id, user_id, team_id, name, created_at, last_used_at, revoked_at"
_SESSION_FIELDS = (
    "id, user_id, csrf, created_at, last_seen_at, expires_at, revoked_at, user_agent, via"
)


class AccessSql(SqlBase):
    """Login links, sessions and API tokens, looked up by the hash of their secret."""

    # --- login links -----------------------------------------------------------------

    async def add_login_link(
        self, token_hash: str, user_id: int, *, at: datetime, expires_at: datetime
    ) -> None:
        async with self._tx() as conn:
            await conn.execute(
                "INSERT INTO login_links (token_hash, user_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (token_hash, user_id, to_ms(at), to_ms(expires_at)),
            )

    async def redeem_login_link(self, token_hash: str, *, at: datetime) -> int | None:
        now = to_ms(at)
        async with self._tx() as conn:
            # One statement decides: a second redemption finds used_at set.
            row = await conn.fetchone(
                "UPDATE login_links SET used_at = ?"
                " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?"
                " RETURNING user_id",
                (now, token_hash, now),
            )
        return None if row is None else int(row["user_id"])

    # --- sessions --------------------------------------------------------------------

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
        now = to_ms(at)
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO web_sessions (token_hash, user_id, csrf, created_at,"
                " last_seen_at, expires_at, user_agent, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                f" RETURNING {_SESSION_FIELDS}",
                (token_hash, user_id, csrf, now, now, to_ms(expires_at), user_agent, via.value),
            )
        assert row is not None
        return _session(row)

    async def find_web_session(self, token_hash: str) -> WebSession | None:
        row = await self._one(
            f"SELECT {_SESSION_FIELDS} FROM web_sessions WHERE token_hash = ?", (token_hash,)
        )
        return None if row is None else _session(row)

    async def touch_web_session(self, session_id: int, *, at: datetime) -> None:
        async with self._tx() as conn:
            await conn.execute(
                "UPDATE web_sessions SET last_seen_at = max(last_seen_at, ?) WHERE id = ?",
                (to_ms(at), session_id),
            )

    async def revoke_web_session(self, session_id: int, *, at: datetime) -> bool:
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE web_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (to_ms(at), session_id),
            )
        return changed > 0

    async def revoke_web_sessions(self, user_id: int, *, at: datetime) -> int:
        now = to_ms(at)
        async with self._tx() as conn:
            return await conn.execute(
                "UPDATE web_sessions SET revoked_at = ?"
                " WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?",
                (now, user_id, now),
            )

    async def list_web_sessions(self, user_id: int, *, at: datetime) -> list[WebSession]:
        rows = await self._all(
            f"SELECT {_SESSION_FIELDS} FROM web_sessions"
            " WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?"
            " ORDER BY created_at DESC, id DESC",
            (user_id, to_ms(at)),
        )
        return [_session(r) for r in rows]

    # --- API tokens ------------------------------------------------------------------

    async def add_api_token(
        self, token_hash: str, user_id: int, team_id: int, name: str, *, at: datetime
    ) -> ApiToken:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "INSERT INTO api_tokens (token_hash, user_id, team_id, name, created_at)"
                f" VALUES (?, ?, ?, ?, ?) RETURNING {_API_KEY_FIELDS}",
                (token_hash, user_id, team_id, name, to_ms(at)),
            )
        assert row is not None
        return _token(row)

    async def find_api_token(self, token_hash: str) -> ApiToken | None:
        row = await self._one(
            f"SELECT {_API_KEY_FIELDS} FROM api_tokens WHERE token_hash = ?", (token_hash,)
        )
        return None if row is None else _token(row)

    async def touch_api_token(self, token_id: int, *, at: datetime) -> None:
        async with self._tx() as conn:
            await conn.execute(
                "UPDATE api_tokens SET last_used_at = max(coalesce(last_used_at, 0), ?)"
                " WHERE id = ?",
                (to_ms(at), token_id),
            )

    async def list_api_tokens(
        self, user_id: int, *, include_revoked: bool = False
    ) -> list[ApiToken]:
        live = "" if include_revoked else " AND revoked_at IS NULL"
        rows = await self._all(
            f"SELECT {_API_KEY_FIELDS} FROM api_tokens WHERE user_id = ?{live}"
            " ORDER BY created_at DESC, id DESC",
            (user_id,),
        )
        return [_token(r) for r in rows]

    async def revoke_api_token(self, user_id: int, token_id: int, *, at: datetime) -> bool:
        async with self._tx() as conn:
            row = await conn.fetchone(
                "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?)"
                " WHERE id = ? AND user_id = ? RETURNING id",
                (to_ms(at), token_id, user_id),
            )
        return row is not None

    # --- housekeeping ----------------------------------------------------------------

    async def purge_access(self, *, before: datetime) -> int:
        cutoff = to_ms(before)
        async with self._tx() as conn:
            links = await conn.execute("DELETE FROM login_links WHERE expires_at < ?", (cutoff,))
            sessions = await conn.execute(
                "DELETE FROM web_sessions WHERE expires_at < ? OR revoked_at < ?",
                (cutoff, cutoff),
            )
        return links + sessions
