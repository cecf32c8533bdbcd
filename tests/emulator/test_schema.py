from __future__ import annotations

import json

import pytest

from maxremind.emulator import api_schema


@pytest.mark.parametrize("chat_type", ["dialog", "chat", "channel"])
def test_all_real_chat_types_are_accepted(chat_type: str) -> None:
    recipient = {"chat_id": 1, "chat_type": chat_type, "user_id": None}
    assert api_schema().check("Recipient", recipient) == []


def test_message_body_does_not_require_link() -> None:
    body = {"mid": "mid.1", "seq": 1, "text": "x", "attachments": None}
    assert api_schema().check("MessageBody", body) == []


def test_unknown_fields_are_violations() -> None:
    found = api_schema().check("NewMessageBody", {"text": "x", "parse_mode": "html"})
    assert found == ["body: Unevaluated properties are not allowed ('parse_mode' was unexpected)"]


def test_updates_are_checked_by_their_discriminator() -> None:
    schema = api_schema()
    assert schema.check("Update", {"update_type": "bot_started", "timestamp": 1}) != []
    assert schema.check("Update", {"update_type": "no_such", "timestamp": 1}) != []
    user = {
        "user_id": 1,
        "first_name": "A",
        "last_name": None,
        "username": None,
        "is_bot": False,
        "last_activity_time": 0,
        "name": "A",
    }
    ok = {"update_type": "bot_started", "timestamp": 1, "chat_id": 5, "user": user, "payload": None}
    assert schema.check("Update", ok) == []


def test_request_check_parses_comma_lists_and_reports_wrong_types() -> None:
    check = api_schema().check_request(
        "GET", "/updates", [("types", "message_created,bot_started"), ("limit", "5")], b"", None
    )
    assert check.violations == []
    assert check.query == {"types": ["message_created", "bot_started"], "limit": 5}
    bad = api_schema().check_request("GET", "/chats/abc!/members", [], b"", None)
    assert bad.violations


def test_chat_id_and_chat_link_paths_are_told_apart() -> None:
    schema = api_schema()
    numeric = schema.check_request("GET", "/chats/-100", [], b"", None)
    assert numeric.operation is not None
    assert numeric.operation.operation_id == "getChat"
    link = schema.check_request("GET", "/chats/@team", [], b"", None)
    assert link.operation is not None
    assert link.operation.operation_id == "getChatByLink"


def test_body_on_a_method_without_one_is_a_violation() -> None:
    check = api_schema().check_request(
        "GET", "/me", [], json.dumps({"x": 1}).encode(), "application/json"
    )
    assert check.violations == ["GET /me: body: this method takes no request body"]
