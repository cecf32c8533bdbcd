"""How @person and #group references are read from a command."""

from __future__ import annotations

from maxremind.bot.handlers.people_common import parse_refs
from maxremind.bot.handlers.people_teams import parse_invite_options


def test_references_run_to_the_next_marker_and_keep_spaces() -> None:
    refs = parse_refs("add #Отдел кадров @anna @Иван Петров")
    assert refs.head == "add"
    assert refs.groups == ["Отдел кадров"] and refs.people == ["anna", "Иван Петров"]
    assert parse_refs("e-mail@example.com").people == []  # not at a word start
    assert parse_refs("водитель").head == "водитель"


def test_invite_options() -> None:
    from datetime import timedelta

    assert parse_invite_options(["7d", "20"]) == (timedelta(days=7), 20, None)
    assert parse_invite_options(["24ч"]) == (timedelta(hours=24), None, None)
    assert parse_invite_options(["2нед", "завтра"])[2] == "завтра"
