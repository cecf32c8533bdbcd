"""Every text exists in Russian and English with the same placeholders."""

from __future__ import annotations

import string

import maxremind.bot.handlers  # noqa: F401 - feature modules add their texts on import
from maxremind.domain.models import Language
from maxremind.http.web import web_routes
from maxremind.i18n import TEXTS

web_routes()  # the web pages and the API add theirs when their modules load


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_has_both_languages_and_same_placeholders() -> None:
    assert TEXTS
    for key, variants in TEXTS.items():
        assert set(variants) == set(Language), key
        assert _fields(variants[Language.RU]) == _fields(variants[Language.EN]), key
        assert all(v.strip() for v in variants.values()), key
        assert all(len(v) <= 4000 for v in variants.values()), key


def test_web_texts_are_there_too() -> None:
    assert any(key.startswith("web_events_") for key in TEXTS)
    assert any(key.startswith("web_people_") for key in TEXTS)
