"""The API's texts exist in Russian and English with the same placeholders, and every
event refusal the service can give has its own message."""

from __future__ import annotations

import string

from maxremind.domain.models import Language
from maxremind.http.api import common
from maxremind.i18n import TEXTS


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_api_texts_in_both_languages() -> None:
    keys = [key for key in TEXTS if key.startswith("web_api_")]
    assert len(keys) > 30
    for key in keys:
        variants = TEXTS[key]
        assert set(variants) == set(Language), key
        assert _fields(variants[Language.RU]) == _fields(variants[Language.EN]), key


def test_every_event_refusal_has_a_message_and_a_field() -> None:
    for reason in common._EVENT_FIELDS:
        assert f"web_api_event_{reason}" in TEXTS
    for reason in common._PEOPLE_FIELDS:
        assert f"web_api_people_{reason}" in TEXTS
