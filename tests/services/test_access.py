"""Sign-in and authorization: login links, mini-app launch, sessions, API tokens.

A real SQLite file and a fixed clock, as the other service tests.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from maxremind.domain.access import SignInVia
from maxremind.domain.models import Language, Role
from maxremind.domain.webapp import sign_init_data
from maxremind.services.access import (
    API_TOKEN_PREFIX,
    MAX_API_TOKENS,
    AccessRefused,
    AccessService,
    IssuedSession,
    access_key,
    secret_hash,
)
from maxremind.services.errors import NotFound, PermissionDenied
from maxremind.storage import Storage, open_storage
from tests.engine.conftest import Clock

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
BOT_TOKEN = "test-bot-token"
KEY = b"k" * 32
MIN = timedelta(minutes=1)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    async with open_storage(f"sqlite:///{tmp_path / 'access.db'}") as store:
        yield store


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def access(storage: Storage, clock: Clock) -> AccessService:
    return AccessService(storage, bot_token=BOT_TOKEN, key=KEY, clock=clock)


async def people(storage: Storage) -> tuple[int, int, int]:
    """A team with an owner (1) and a member (2), and an outsider (3) in another team."""
    for uid in (1, 2, 3):
        await storage.upsert_user(uid, name=f"Person {uid}", username=None)
    team = await storage.create_team(
        "Отдел", timezone="Europe/Moscow", language=Language.RU, created_by=1
    )
    other = await storage.create_team(
        "Склад", timezone="Europe/Moscow", language=Language.RU, created_by=3
    )
    await storage.add_member(team.id, 1, Role.OWNER)
    await storage.add_member(team.id, 2, Role.MEMBER)
    await storage.add_member(other.id, 3, Role.OWNER)
    return team.id, other.id, 3


def launch(clock: Clock, *, token: str = BOT_TOKEN, **extra: str) -> str:
    fields = {
        "query_id": "q-1",
        "auth_date": str(int(clock().timestamp())),
        "user": json.dumps(
            {
                "id": 777,
                "first_name": "Ivan",
                "last_name": "Petrov",
                "username": "ivanp",
                "language_code": "en-US",
            }
        ),
    }
    fields.update(extra)
    return sign_init_data(fields, token)


# --- login links -------------------------------------------------------------------------


async def test_a_login_link_signs_in_once(storage: Storage, access: AccessService) -> None:
    await people(storage)
    token = await access.login_link(1)
    assert len(token) >= 43  # 256 random bits, urlsafe
    # Only the hash is kept: the token itself is no key to the table.
    assert await storage.redeem_login_link(token, at=START) is None

    issued = await access.redeem_login(token, user_agent="Firefox")
    assert issued is not None and issued.user_id == 1
    assert issued.expires_at == START + timedelta(days=30)
    session = await access.session(issued.cookie)
    assert session is not None and session.user_id == 1 and session.via is SignInVia.LINK
    assert session.csrf == issued.csrf and session.user_agent == "Firefox"

    assert await access.redeem_login(token) is None


async def test_a_link_expires_after_ten_minutes(
    storage: Storage, access: AccessService, clock: Clock
) -> None:
    await people(storage)
    token = await access.login_link(1)
    clock.advance(minutes=10)
    assert await access.redeem_login(token) is None


async def test_unknown_and_odd_links_sign_no_one_in(
    storage: Storage, access: AccessService
) -> None:
    await people(storage)
    await access.login_link(1)
    assert await access.redeem_login("not-a-token") is None
    assert await access.redeem_login("") is None
    assert await access.redeem_login("x" * 10_000) is None


async def test_racing_redemptions_make_one_session(storage: Storage, access: AccessService) -> None:
    await people(storage)
    token = await access.login_link(2)
    results = await asyncio.gather(*(access.redeem_login(token) for _ in range(5)))
    issued = [r for r in results if r is not None]
    assert len(issued) == 1
    assert len(await access.sessions(2)) == 1


async def test_a_link_needs_a_known_person(access: AccessService) -> None:
    with pytest.raises(NotFound):
        await access.login_link(404)


async def test_signing_in_rotates_the_previous_session(
    storage: Storage, access: AccessService
) -> None:
    await people(storage)
    first = await access.redeem_login(await access.login_link(1))
    assert first is not None
    second = await access.redeem_login(await access.login_link(1), replacing=first.cookie)
    assert second is not None and second.cookie != first.cookie
    assert await access.session(first.cookie) is None
    assert await access.session(second.cookie) is not None


# --- cookies and sessions ---------------------------------------------------------------


async def test_a_tampered_cookie_is_refused_without_a_lookup(
    storage: Storage, access: AccessService, clock: Clock
) -> None:
    await people(storage)
    issued = await access.redeem_login(await access.login_link(1))
    assert issued is not None
    token, _, signature = issued.cookie.rpartition(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert await access.session(f"{token}.{flipped}") is None
    assert await access.session(token) is None
    assert await access.session("") is None
    # Signed with another instance's key: refused as well.
    stranger = AccessService(storage, bot_token=BOT_TOKEN, key=b"z" * 32, clock=clock)
    assert await stranger.session(issued.cookie) is None
    # The cookie never holds the stored hash, and the database never holds the cookie.
    assert await storage.find_web_session(secret_hash(token)) is not None
    assert await storage.find_web_session(issued.cookie) is None


async def test_an_issued_session_does_not_show_its_secrets() -> None:
    issued = IssuedSession("secret-cookie", "secret-csrf", 1, START)
    assert "secret" not in repr(issued)


async def test_a_session_expires(storage: Storage, access: AccessService, clock: Clock) -> None:
    await people(storage)
    issued = await access.redeem_login(await access.login_link(1))
    assert issued is not None
    clock.advance(days=30)
    assert await access.session(issued.cookie) is None


async def test_last_seen_is_written_at_most_once_a_minute(
    storage: Storage, access: AccessService, clock: Clock
) -> None:
    await people(storage)
    issued = await access.redeem_login(await access.login_link(1))
    assert issued is not None
    token = issued.cookie.rpartition(".")[0]
    clock.advance(seconds=30)
    seen = await access.session(issued.cookie)
    assert seen is not None and seen.last_seen_at == START
    clock.advance(seconds=45)
    seen = await access.session(issued.cookie)
    assert seen is not None and seen.last_seen_at == START + timedelta(seconds=75)
    stored = await storage.find_web_session(secret_hash(token))
    assert stored is not None and stored.last_seen_at == START + timedelta(seconds=75)


async def test_sign_out_and_sign_out_everywhere(storage: Storage, access: AccessService) -> None:
    await people(storage)
    phone = await access.redeem_login(await access.login_link(1), user_agent="phone")
    laptop = await access.redeem_login(await access.login_link(1), user_agent="laptop")
    desk = await access.redeem_login(await access.login_link(1), user_agent="desk")
    theirs = await access.redeem_login(await access.login_link(2))
    assert phone and laptop and desk and theirs

    assert await access.sign_out(phone.cookie) is True
    assert await access.sign_out(phone.cookie) is False
    assert await access.session(phone.cookie) is None
    assert {s.user_agent for s in await access.sessions(1)} == {"laptop", "desk"}

    assert await access.sign_out_everywhere(1) == 2
    assert await access.session(laptop.cookie) is None
    assert await access.session(desk.cookie) is None
    assert await access.sessions(1) == []
    assert await access.session(theirs.cookie) is not None


async def test_a_short_key_is_refused(storage: Storage) -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        AccessService(storage, bot_token=BOT_TOKEN, key=b"short")


async def test_the_instance_key_is_stable_and_not_the_callback_secret(
    storage: Storage, clock: Clock
) -> None:
    await people(storage)
    key = await access_key(storage)
    assert len(key) == 32 and key == await access_key(storage)
    assert key.decode(errors="replace") != await storage.get_value("callbacks.secret")
    one = await AccessService.create(storage, bot_token=BOT_TOKEN, clock=clock)
    issued = await one.redeem_login(await one.login_link(1))
    assert issued is not None
    two = await AccessService.create(storage, bot_token=BOT_TOKEN, clock=clock)
    assert await two.session(issued.cookie) is not None  # survives a restart


# --- the mini-app ------------------------------------------------------------------------


async def test_mini_app_sign_in_remembers_the_person(
    storage: Storage, access: AccessService, clock: Clock
) -> None:
    signed = await access.sign_in_mini_app(launch(clock, start_param="event-12"), user_agent="MAX")
    assert signed.start_param == "event-12"
    assert signed.session.user_id == 777
    session = await access.session(signed.session.cookie)
    assert session is not None and session.via is SignInVia.MINIAPP
    user = await storage.get_user(777)
    assert user.name == "Ivan Petrov" and user.username == "ivanp"
    assert user.language is Language.EN


async def test_mini_app_keeps_a_chosen_language(
    storage: Storage, access: AccessService, clock: Clock
) -> None:
    await storage.upsert_user(777, name="Иван", username=None)
    await storage.update_user(777, language=Language.RU)
    await access.sign_in_mini_app(launch(clock))
    assert (await storage.get_user(777)).language is Language.RU


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (lambda c: launch(c, token="another-bot"), "hash"),
        (lambda c: launch(c) + "&query_id=again", "duplicate"),
        (lambda c: launch(c, auth_date=str(int(c().timestamp()) - 25 * 3600)), "expired"),
        (lambda c: sign_init_data({"auth_date": str(int(c().timestamp()))}, BOT_TOKEN), "no_user"),
        (lambda c: launch(c, user="[]"), "malformed"),
    ],
)
async def test_mini_app_refusals_keep_their_reason(
    storage: Storage, access: AccessService, clock: Clock, raw: object, reason: str
) -> None:
    with pytest.raises(AccessRefused) as caught:
        await access.sign_in_mini_app(raw(clock))  # type: ignore[operator]
    assert caught.value.reason == reason
    assert await access.sessions(777) == []


async def test_no_bot_token_no_mini_app(storage: Storage, clock: Clock) -> None:
    closed = AccessService(storage, bot_token="", key=KEY, clock=clock)
    with pytest.raises(AccessRefused) as caught:
        await closed.sign_in_mini_app(launch(clock))
    assert caught.value.reason == "hash"


# --- API tokens --------------------------------------------------------------------------


async def test_an_api_token_is_shown_once_and_stored_hashed(
    storage: Storage, access: AccessService, clock: Clock
) -> None:
    team_id, _, _ = await people(storage)
    token, secret = await access.create_api_token(2, team_id, "  nightly   import ")
    assert secret.startswith(API_TOKEN_PREFIX) and len(secret) >= 3 + 43
    assert token.name == "nightly import" and token.team_id == team_id and token.user_id == 2
    assert secret not in repr(token)
    assert await storage.find_api_token(secret) is None
    assert await storage.find_api_token(secret_hash(secret)) == token

    clock.advance(seconds=5)
    found = await access.authenticate_token(secret)
    assert found is not None and found.id == token.id
    assert found.last_used_at == START + timedelta(seconds=5)
    assert await access.authenticate_token(secret[:-1] + "x") is None
    assert await access.authenticate_token(secret.removeprefix(API_TOKEN_PREFIX)) is None
    assert [t.id for t in await access.api_tokens(2)] == [token.id]


async def test_last_use_is_written_at_most_once_a_minute(
    storage: Storage, access: AccessService, clock: Clock
) -> None:
    team_id, _, _ = await people(storage)
    _, secret = await access.create_api_token(1, team_id, "CI")
    await access.authenticate_token(secret)
    clock.advance(seconds=20)
    again = await access.authenticate_token(secret)
    assert again is not None and again.last_used_at == START
    clock.advance(seconds=50)
    later = await access.authenticate_token(secret)
    assert later is not None and later.last_used_at == START + timedelta(seconds=70)


async def test_a_token_is_only_for_a_team_of_ones_own(
    storage: Storage, access: AccessService
) -> None:
    team_id, other_id, outsider = await people(storage)
    with pytest.raises(PermissionDenied):
        await access.create_api_token(outsider, team_id, "sneaky")
    with pytest.raises(PermissionDenied):
        await access.create_api_token(1, other_id, "sneaky")
    with pytest.raises(PermissionDenied):
        await access.create_api_token(1, 999_999, "no such team")
    assert await access.api_tokens(outsider) == []


async def test_a_token_stops_working_when_its_owner_leaves(
    storage: Storage, access: AccessService
) -> None:
    team_id, _, _ = await people(storage)
    _, secret = await access.create_api_token(2, team_id, "CI")
    assert await access.authenticate_token(secret) is not None
    await storage.remove_member(team_id, 2)
    assert await access.authenticate_token(secret) is None


async def test_only_ones_own_tokens_can_be_revoked(storage: Storage, access: AccessService) -> None:
    team_id, _, _ = await people(storage)
    mine, secret = await access.create_api_token(1, team_id, "mine")
    with pytest.raises(NotFound):
        await access.revoke_api_token(2, mine.id)
    assert await access.authenticate_token(secret) is not None
    await access.revoke_api_token(1, mine.id)
    await access.revoke_api_token(1, mine.id)
    assert await access.authenticate_token(secret) is None
    assert await access.api_tokens(1) == []
    listed = await access.api_tokens(1, include_revoked=True)
    assert [t.id for t in listed] == [mine.id] and listed[0].revoked_at == START
    with pytest.raises(NotFound):
        await access.revoke_api_token(1, 424242)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
async def test_a_token_needs_a_sensible_name(
    storage: Storage, access: AccessService, name: str
) -> None:
    team_id, _, _ = await people(storage)
    with pytest.raises(AccessRefused) as caught:
        await access.create_api_token(1, team_id, name)
    assert caught.value.reason == "name"


async def test_live_tokens_are_limited(storage: Storage, access: AccessService) -> None:
    team_id, _, _ = await people(storage)
    made = [await access.create_api_token(1, team_id, f"t{i}") for i in range(MAX_API_TOKENS)]
    with pytest.raises(AccessRefused) as caught:
        await access.create_api_token(1, team_id, "one more")
    assert caught.value.reason == "too_many"
    await access.revoke_api_token(1, made[0][0].id)
    await access.create_api_token(1, team_id, "one more")


async def test_purge_forgets_what_has_ended(
    storage: Storage, access: AccessService, clock: Clock
) -> None:
    await people(storage)
    unused = await access.login_link(1)
    ended = await access.redeem_login(await access.login_link(1))
    live = await access.redeem_login(await access.login_link(1))
    assert ended and live
    await access.sign_out(ended.cookie)
    clock.advance(minutes=11)
    assert await access.purge() == 4  # three expired links and one ended session
    assert await access.redeem_login(unused) is None
    assert await access.session(live.cookie) is not None
