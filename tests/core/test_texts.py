"""Every text exists in Russian and English with the same placeholders, and English has no
Cyrillic."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import maxremind.bot.handlers  # noqa: F401 - feature modules add their texts on import
from maxremind.core.insights_render import (
    count_events,
    count_people,
    count_reminders,
    dates,
    span,
    weekly,
    zone_now,
)
from maxremind.domain.models import Language
from maxremind.domain.timedescribe import describe_rrule
from maxremind.domain.timefmt import format_duration, format_offset, format_when
from maxremind.http.web import web_routes
from maxremind.i18n import TEXTS, t
from maxremind.services.texts_calendar_import import PROBLEMS, REASONS, problem_text, reason_text
from maxremind.services.zones import COMMON_ZONES, zone_name

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


# --- English is English ------------------------------------------------------------------
# Every module that may add texts is imported (not only those the bot or the web load at
# start), then every English text, and what the formatters write in English, is searched
# for Cyrillic. A language's own name is the one exception: the language pickers name
# Russian as its readers know it ("Русский"), so they find it whatever the page's language.

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
ENDONYMS = ("Русский",)


def _all_text_modules() -> list[str]:
    names = []
    packages = ("maxremind.bot", "maxremind.services", "maxremind.http", "maxremind.engine")
    for package in (*packages, "maxremind.core"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, package + "."):
            importlib.import_module(info.name)
            names.append(info.name)
    return names


def _cyrillic(text: str) -> list[str]:
    for name in ENDONYMS:
        text = text.replace(name, "")
    return CYRILLIC.findall(text)


def test_every_text_module_is_loaded_and_english_has_no_cyrillic() -> None:
    modules = _all_text_modules()
    assert "maxremind.http.web.texts_settings" in modules
    assert "maxremind.services.texts_calendar_import" in modules
    leaks = {key: v[Language.EN] for key, v in TEXTS.items() if _cyrillic(v[Language.EN])}
    assert leaks == {}
    for key, variants in TEXTS.items():
        assert set(variants) == set(Language), key


def test_english_dates_offsets_rules_and_zones_have_no_cyrillic() -> None:
    zones = [ZoneInfo(key) for _, _, key in COMMON_ZONES]
    zones += [ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Kolkata"), ZoneInfo("UTC")]
    now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    written = []
    for day in range(0, 400, 3):  # every weekday and month, this year and the next
        moment = now + timedelta(days=day, hours=day % 24)
        for zone in zones:
            written.append(format_when(moment, zone, "en", now=now))
            written.append(format_when(moment, zone, "en", now=now, all_day=True))
    for minutes in (0, 1, 2, 5, 21, 22, 25, 59, 60, 61, 90, 120, 300, 1440, 1500, 2880, 10080):
        written.append(format_offset(timedelta(minutes=minutes), "en"))
        written.append(format_duration(timedelta(minutes=minutes), "en"))
    rules = (
        "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=2",
        "FREQ=WEEKLY",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "FREQ=WEEKLY;BYDAY=SA,SU",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=5",
        "FREQ=MONTHLY",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=MONTHLY;BYDAY=2WE",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO",
        "FREQ=YEARLY",
        "FREQ=YEARLY;INTERVAL=2;UNTIL=20300101T000000Z",
    )
    for rule in rules:
        written.append(describe_rrule(rule, "en"))
        written.append(describe_rrule(rule, "en", at=time(10, 30)))
    written += [zone_name(key, "en") for _, _, key in COMMON_ZONES]
    written += [reason_text(reason, "5", Language.EN) for reason in REASONS]
    written += [
        problem_text({"reason": reason, "detail": "2027-01-01", "title": "Standup"}, Language.EN)
        for reason in [*PROBLEMS, "something_else"]
    ]
    for n in (0, 1, 2, 5, 21, 59, 61, 3600, 90000, 200000):
        written += [
            count(n, Language.EN) for count in (count_events, count_people, count_reminders)
        ]
        written.append(span(float(n), Language.EN))
    written += [weekly(day, time(9, 0), Language.EN) for day in range(7)]
    written += [zone_now(key, now, Language.EN) for _, _, key in COMMON_ZONES]
    written.append(dates(date(2026, 12, 28), date(2027, 1, 3), Language.EN))
    leaks = [text for text in written if _cyrillic(text)]
    assert leaks == []


def test_a_count_agrees_with_its_noun() -> None:
    texts = {Language.RU: "{n} {n:день|дня|дней}, {x}", Language.EN: "{n} {n:day|days}, {x}"}
    TEXTS["test_plural"] = texts
    try:
        said = {
            n: (
                t("test_plural", Language.RU, n=n, x="a|b"),
                t("test_plural", Language.EN, n=n, x=1),
            )
            for n in (0, 1, 2, 5, 11, 21, 22, 112)
        }
    finally:
        del TEXTS["test_plural"]
    assert said == {
        0: ("0 дней, a|b", "0 days, 1"),
        1: ("1 день, a|b", "1 day, 1"),
        2: ("2 дня, a|b", "2 days, 1"),
        5: ("5 дней, a|b", "5 days, 1"),
        11: ("11 дней, a|b", "11 days, 1"),
        21: ("21 день, a|b", "21 days, 1"),
        22: ("22 дня, a|b", "22 days, 1"),
        112: ("112 дней, a|b", "112 days, 1"),
    }


def test_plural_fields_have_every_form_of_their_language() -> None:
    _all_text_modules()
    forms = {Language.RU: 3, Language.EN: 2}
    field = re.compile(r"\{\w+:([^{}]*\|[^{}]*)\}")
    for key, variants in TEXTS.items():
        for lang, text in variants.items():
            for spec in field.findall(text):
                assert len(spec.split("|")) == forms[lang], (key, lang, spec)
