"""Mini-app launch data: MAX's signature is checked before anything inside is believed."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from maxremind.domain.webapp import InitDataRefused, check_init_data, sign_init_data

TOKEN = "bot-token-1"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DAY = timedelta(hours=24)
USER = {
    "id": 4242,
    "first_name": "Анна",
    "last_name": "Смирнова",
    "username": "anna_s",
    "language_code": "ru",
    "photo_url": "https://example.org/a.png",
}


def fields(**extra: str) -> dict[str, str]:
    base = {
        "query_id": "q-1",
        "auth_date": str(int(NOW.timestamp()) - 60),
        "user": json.dumps(USER, ensure_ascii=False),
    }
    base.update(extra)
    return base


def check(raw: str, *, token: str = TOKEN, now: datetime = NOW) -> object:
    return check_init_data(raw, token, now=now, max_age=DAY)


def refused(raw: str, **kw: object) -> str:
    with pytest.raises(InitDataRefused) as caught:
        check(raw, **kw)  # type: ignore[arg-type]
    return caught.value.reason


def test_genuine_launch_data_is_read() -> None:
    raw = sign_init_data(fields(start_param="event-17"), TOKEN)
    data = check_init_data(raw, TOKEN, now=NOW, max_age=DAY)
    assert data.user_id == 4242
    assert (data.first_name, data.last_name) == ("Анна", "Смирнова")
    assert data.username == "anna_s" and data.language_code == "ru"
    assert data.display_name == "Анна Смирнова"
    assert data.auth_date == NOW - timedelta(minutes=1)
    assert data.start_param == "event-17" and data.query_id == "q-1"
    assert data.chat is None


def test_the_signature_is_the_documented_algorithm() -> None:
    """Computed here by hand, independently of sign_init_data."""
    pairs = fields()
    check_string = "\n".join(f"{k}={pairs[k]}" for k in sorted(pairs))
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check_string.encode(), hashlib.sha256).hexdigest()
    raw = "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs.items()) + f"&hash={digest}"
    assert check_init_data(raw, TOKEN, now=NOW, max_age=DAY).user_id == 4242
    assert sign_init_data(pairs, TOKEN).endswith(f"hash={digest}")


def test_the_fragment_value_still_encoded_once_is_accepted() -> None:
    raw = sign_init_data(fields(), TOKEN)
    assert "=" not in quote(raw, safe="")
    data = check_init_data(quote(raw, safe=""), TOKEN, now=NOW, max_age=DAY)
    assert data.user_id == 4242


def test_chat_is_kept_as_sent() -> None:
    chat = {"id": -77, "type": "chat"}
    data = check_init_data(
        sign_init_data(fields(chat=json.dumps(chat)), TOKEN), TOKEN, now=NOW, max_age=DAY
    )
    assert data.chat == chat


def test_a_tampered_value_is_refused() -> None:
    raw = sign_init_data(fields(), TOKEN)
    forged = raw.replace("4242", "4243")
    assert forged != raw
    assert refused(forged) == "hash"


def test_another_bots_token_is_refused() -> None:
    raw = sign_init_data(fields(), "someone-else")
    assert refused(raw) == "hash"


def test_no_bot_token_refuses_everything() -> None:
    raw = sign_init_data(fields(), TOKEN)
    assert refused(raw, token="") == "hash"
    with pytest.raises(ValueError, match="without a bot token"):
        sign_init_data(fields(), "")


def test_a_missing_hash_is_refused() -> None:
    raw = sign_init_data(fields(), TOKEN)
    unsigned = "&".join(p for p in raw.split("&") if not p.startswith("hash="))
    assert refused(unsigned) == "hash"


def test_a_key_given_twice_is_refused_even_with_the_right_hash() -> None:
    raw = sign_init_data(fields(), TOKEN)
    assert refused(raw + "&query_id=q-2") == "duplicate"
    assert refused("query_id=q-1&" + raw) == "duplicate"


def test_two_hashes_are_refused() -> None:
    raw = sign_init_data(fields(), TOKEN)
    good_hash = raw.rsplit("hash=", 1)[1]
    assert refused(raw + f"&hash={good_hash}") == "duplicate"
    assert refused(raw + "&hash=00") == "duplicate"


def test_stale_launch_data_is_refused() -> None:
    old = str(int((NOW - DAY - timedelta(seconds=1)).timestamp()))
    assert refused(sign_init_data(fields(auth_date=old), TOKEN)) == "expired"
    just_in_time = str(int((NOW - DAY).timestamp()))
    assert check(sign_init_data(fields(auth_date=just_in_time), TOKEN))


def test_launch_data_from_the_future_is_refused_beyond_a_minute() -> None:
    ahead = str(int((NOW + timedelta(minutes=2)).timestamp()))
    assert refused(sign_init_data(fields(auth_date=ahead), TOKEN)) == "expired"
    slightly = str(int((NOW + timedelta(seconds=30)).timestamp()))
    assert check(sign_init_data(fields(auth_date=slightly), TOKEN))


def test_auth_date_in_milliseconds_is_understood() -> None:
    ms = str(int((NOW - timedelta(minutes=5)).timestamp() * 1000))
    data = check_init_data(sign_init_data(fields(auth_date=ms), TOKEN), TOKEN, now=NOW, max_age=DAY)
    assert data.auth_date == NOW - timedelta(minutes=5)


@pytest.mark.parametrize("auth_date", [None, "", "soon", "-5", "1.5e9", "١٢٣"])
def test_a_missing_or_odd_auth_date_is_malformed(auth_date: str | None) -> None:
    pairs = fields()
    if auth_date is None:
        del pairs["auth_date"]
    else:
        pairs["auth_date"] = auth_date
    assert refused(sign_init_data(pairs, TOKEN)) == "malformed"


def test_missing_user_is_refused() -> None:
    pairs = fields()
    del pairs["user"]
    assert refused(sign_init_data(pairs, TOKEN)) == "no_user"


@pytest.mark.parametrize(
    "user",
    [
        "not json",
        "[1, 2]",
        json.dumps({"first_name": "x"}),
        json.dumps({"id": "4242"}),
        json.dumps({"id": True}),
        json.dumps({"id": 0}),
        json.dumps({"id": 2**64}),
        json.dumps({"id": 5, "first_name": 7}),
    ],
)
def test_an_unreadable_user_is_malformed(user: str) -> None:
    assert refused(sign_init_data(fields(user=user), TOKEN)) == "malformed"


def test_garbage_is_malformed_or_unsigned() -> None:
    assert refused("") == "hash"
    assert refused("user&hash=00") == "malformed"
    assert refused("=x&hash=00") == "malformed"
    assert refused("a=" + "x" * 20_000) == "malformed"


def test_the_signature_is_checked_before_the_contents() -> None:
    """Unsigned junk is refused for its hash, never for what it says."""
    pairs = fields(user="not json")
    raw = "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs.items()) + "&hash=ab"
    assert refused(raw) == "hash"


def test_sign_refuses_a_hash_field() -> None:
    with pytest.raises(ValueError, match="must not carry a hash"):
        sign_init_data({"hash": "x"}, TOKEN)


def test_spaces_and_symbols_survive_the_round_trip() -> None:
    user = dict(USER, first_name="Мария Анна", last_name="O'Neil & Co+")
    data = check_init_data(
        sign_init_data(fields(user=json.dumps(user, ensure_ascii=False)), TOKEN),
        TOKEN,
        now=NOW,
        max_age=DAY,
    )
    assert data.display_name == "Мария Анна O'Neil & Co+"


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        check_init_data(
            sign_init_data(fields(), TOKEN), TOKEN, now=NOW.replace(tzinfo=None), max_age=DAY
        )
