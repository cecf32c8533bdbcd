"""The access port's contract: login links, sessions, API tokens."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from maxremind.domain.access import SignInVia
from maxremind.storage import AlreadyExists, NotFound, Storage
from tests.storage.kit import NOW, team_with_people

MIN = timedelta(minutes=1)


async def a_session(storage: Storage, user_id: int, token_hash: str, **kw: object) -> int:
    args: dict[str, object] = {
        "csrf": "c-" + token_hash,
        "via": SignInVia.LINK,
        "user_agent": "Firefox",
        "at": NOW,
        "expires_at": NOW + timedelta(days=30),
    }
    args.update(kw)
    session = await storage.add_web_session(token_hash, user_id, **args)  # type: ignore[arg-type]
    return session.id


# --- login links ---------------------------------------------------------------------


async def test_a_login_link_is_redeemed_once(storage: Storage) -> None:
    _, users = await team_with_people(storage, 1)
    await storage.add_login_link("h1", users[0], at=NOW, expires_at=NOW + 10 * MIN)
    assert await storage.redeem_login_link("h1", at=NOW + MIN) == users[0]
    assert await storage.redeem_login_link("h1", at=NOW + 2 * MIN) is None


async def test_an_expired_or_unknown_link_signs_no_one_in(storage: Storage) -> None:
    _, users = await team_with_people(storage, 1)
    await storage.add_login_link("h1", users[0], at=NOW, expires_at=NOW + 10 * MIN)
    assert await storage.redeem_login_link("h1", at=NOW + 10 * MIN) is None
    assert await storage.redeem_login_link("nope", at=NOW) is None


async def test_concurrent_redemptions_let_exactly_one_in(storage: Storage) -> None:
    _, users = await team_with_people(storage, 1)
    await storage.add_login_link("race", users[0], at=NOW, expires_at=NOW + 10 * MIN)
    results = await asyncio.gather(
        *(storage.redeem_login_link("race", at=NOW + MIN) for _ in range(8))
    )
    assert sorted(results, key=lambda r: r is None) == [users[0]] + [None] * 7


async def test_a_link_needs_a_known_user_and_a_fresh_hash(storage: Storage) -> None:
    _, users = await team_with_people(storage, 1)
    with pytest.raises(NotFound):
        await storage.add_login_link("h1", 999_999, at=NOW, expires_at=NOW + MIN)
    await storage.add_login_link("h1", users[0], at=NOW, expires_at=NOW + MIN)
    with pytest.raises(AlreadyExists):
        await storage.add_login_link("h1", users[0], at=NOW, expires_at=NOW + MIN)


# --- sessions ------------------------------------------------------------------------


async def test_a_session_is_found_by_its_hash(storage: Storage) -> None:
    _, users = await team_with_people(storage, 1)
    session = await storage.add_web_session(
        "s1",
        users[0],
        csrf="csrf-1",
        via=SignInVia.MINIAPP,
        user_agent="MAX webview",
        at=NOW,
        expires_at=NOW + timedelta(days=30),
    )
    found = await storage.find_web_session("s1")
    assert found == session
    assert found.user_id == users[0] and found.csrf == "csrf-1"
    assert found.via is SignInVia.MINIAPP and found.user_agent == "MAX webview"
    assert found.created_at == found.last_seen_at == NOW
    assert found.expires_at == NOW + timedelta(days=30) and found.revoked_at is None
    assert await storage.find_web_session("s2") is None
    with pytest.raises(AlreadyExists):
        await a_session(storage, users[0], "s1")


async def test_touch_moves_last_seen_forward_only(storage: Storage) -> None:
    _, users = await team_with_people(storage, 1)
    sid = await a_session(storage, users[0], "s1")
    await storage.touch_web_session(sid, at=NOW + 5 * MIN)
    await storage.touch_web_session(sid, at=NOW + 2 * MIN)
    await storage.touch_web_session(12345, at=NOW)  # unknown: ignored
    found = await storage.find_web_session("s1")
    assert found is not None and found.last_seen_at == NOW + 5 * MIN


async def test_revoking_one_session_keeps_the_first_time(storage: Storage) -> None:
    _, users = await team_with_people(storage, 1)
    sid = await a_session(storage, users[0], "s1")
    assert await storage.revoke_web_session(sid, at=NOW + MIN) is True
    assert await storage.revoke_web_session(sid, at=NOW + 2 * MIN) is False
    assert await storage.revoke_web_session(999, at=NOW) is False
    found = await storage.find_web_session("s1")
    assert found is not None and found.revoked_at == NOW + MIN


async def test_live_sessions_and_signing_out_everywhere(storage: Storage) -> None:
    _, users = await team_with_people(storage, 2)
    me, other = users
    first = await a_session(storage, me, "a", at=NOW)
    second = await a_session(storage, me, "b", at=NOW + MIN)
    await a_session(storage, me, "old", at=NOW - timedelta(days=40), expires_at=NOW - MIN)
    revoked = await a_session(storage, me, "gone", at=NOW)
    await storage.revoke_web_session(revoked, at=NOW)
    theirs = await a_session(storage, other, "theirs")

    live = await storage.list_web_sessions(me, at=NOW + 2 * MIN)
    assert [s.id for s in live] == [second, first]

    assert await storage.revoke_web_sessions(me, at=NOW + 3 * MIN) == 2
    assert await storage.list_web_sessions(me, at=NOW + 3 * MIN) == []
    assert [s.id for s in await storage.list_web_sessions(other, at=NOW)] == [theirs]
    assert await storage.revoke_web_sessions(me, at=NOW + 4 * MIN) == 0


# --- API tokens ----------------------------------------------------------------------


async def test_api_tokens_are_stored_listed_and_found(storage: Storage) -> None:
    team_id, users = await team_with_people(storage, 2)
    first = await storage.add_api_token("t1", users[0], team_id, "CI", at=NOW)
    second = await storage.add_api_token("t2", users[0], team_id, "cron", at=NOW + MIN)
    await storage.add_api_token("t3", users[1], team_id, "theirs", at=NOW)
    assert (first.user_id, first.team_id, first.name) == (users[0], team_id, "CI")
    assert first.created_at == NOW and first.last_used_at is None and first.revoked_at is None
    assert await storage.find_api_token("t1") == first
    assert await storage.find_api_token("missing") is None
    assert [t.id for t in await storage.list_api_tokens(users[0])] == [second.id, first.id]
    with pytest.raises(AlreadyExists):
        await storage.add_api_token("t1", users[0], team_id, "again", at=NOW)
    with pytest.raises(NotFound):
        await storage.add_api_token("t4", users[0], 999_999, "no team", at=NOW)


async def test_only_the_owner_revokes_a_token(storage: Storage) -> None:
    team_id, users = await team_with_people(storage, 2)
    token = await storage.add_api_token("t1", users[0], team_id, "CI", at=NOW)
    assert await storage.revoke_api_token(users[1], token.id, at=NOW) is False
    assert await storage.revoke_api_token(users[0], 999, at=NOW) is False
    found = await storage.find_api_token("t1")
    assert found is not None and found.revoked_at is None

    assert await storage.revoke_api_token(users[0], token.id, at=NOW + MIN) is True
    assert await storage.revoke_api_token(users[0], token.id, at=NOW + 2 * MIN) is True
    found = await storage.find_api_token("t1")
    assert found is not None and found.revoked_at == NOW + MIN
    assert await storage.list_api_tokens(users[0]) == []
    assert [t.id for t in await storage.list_api_tokens(users[0], include_revoked=True)] == [
        token.id
    ]


async def test_touching_a_token_records_its_last_use(storage: Storage) -> None:
    team_id, users = await team_with_people(storage, 1)
    token = await storage.add_api_token("t1", users[0], team_id, "CI", at=NOW)
    await storage.touch_api_token(token.id, at=NOW + 3 * MIN)
    await storage.touch_api_token(token.id, at=NOW + MIN)
    found = await storage.find_api_token("t1")
    assert found is not None and found.last_used_at == NOW + 3 * MIN


# --- housekeeping --------------------------------------------------------------------


async def test_purge_forgets_expired_links_and_dead_sessions(storage: Storage) -> None:
    team_id, users = await team_with_people(storage, 1)
    me = users[0]
    await storage.add_login_link("old-link", me, at=NOW - MIN * 20, expires_at=NOW - MIN * 10)
    await storage.add_login_link("new-link", me, at=NOW, expires_at=NOW + MIN * 10)
    await a_session(storage, me, "expired", at=NOW - timedelta(days=31), expires_at=NOW - MIN)
    revoked = await a_session(storage, me, "revoked")
    await storage.revoke_web_session(revoked, at=NOW)
    await a_session(storage, me, "live")
    token = await storage.add_api_token("t1", me, team_id, "CI", at=NOW)
    await storage.revoke_api_token(me, token.id, at=NOW)

    assert await storage.purge_access(before=NOW + MIN) == 3
    assert await storage.find_web_session("expired") is None
    assert await storage.find_web_session("revoked") is None
    assert await storage.find_web_session("live") is not None
    assert await storage.redeem_login_link("new-link", at=NOW + MIN) == me
    assert await storage.find_api_token("t1") is not None
