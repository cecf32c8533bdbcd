"""Reading a time zone from what people type: a Russian city, an IANA name or an offset."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from maxremind.services.teams import normalize


class UnknownZone(ValueError):
    """The text names no time zone we know."""


# The zones offered as buttons, west to east: (Russian name, English name, IANA key).
COMMON_ZONES: tuple[tuple[str, str, str], ...] = (
    ("Калининград", "Kaliningrad", "Europe/Kaliningrad"),
    ("Москва", "Moscow", "Europe/Moscow"),
    ("Самара", "Samara", "Europe/Samara"),
    ("Екатеринбург", "Yekaterinburg", "Asia/Yekaterinburg"),
    ("Омск", "Omsk", "Asia/Omsk"),
    ("Новосибирск", "Novosibirsk", "Asia/Novosibirsk"),
    ("Красноярск", "Krasnoyarsk", "Asia/Krasnoyarsk"),
    ("Иркутск", "Irkutsk", "Asia/Irkutsk"),
    ("Якутск", "Yakutsk", "Asia/Yakutsk"),
    ("Владивосток", "Vladivostok", "Asia/Vladivostok"),
    ("Магадан", "Magadan", "Asia/Magadan"),
    ("Камчатка", "Kamchatka", "Asia/Kamchatka"),
)

# More city names people type; Russia's zones are fixed-offset, so a city per zone suffices.
_CITY_ALIASES: dict[str, str] = {
    "мск": "Europe/Moscow",
    "санкт-петербург": "Europe/Moscow",
    "петербург": "Europe/Moscow",
    "спб": "Europe/Moscow",
    "питер": "Europe/Moscow",
    "казань": "Europe/Moscow",
    "нижний новгород": "Europe/Moscow",
    "ростов-на-дону": "Europe/Moscow",
    "краснодар": "Europe/Moscow",
    "сочи": "Europe/Moscow",
    "волгоград": "Europe/Volgograd",
    "саратов": "Europe/Saratov",
    "ульяновск": "Europe/Ulyanovsk",
    "уфа": "Asia/Yekaterinburg",
    "пермь": "Asia/Yekaterinburg",
    "челябинск": "Asia/Yekaterinburg",
    "тюмень": "Asia/Yekaterinburg",
    "барнаул": "Asia/Barnaul",
    "томск": "Asia/Tomsk",
    "кемерово": "Asia/Novokuznetsk",
    "новокузнецк": "Asia/Novokuznetsk",
    "чита": "Asia/Chita",
    "хабаровск": "Asia/Vladivostok",
    "сахалин": "Asia/Sakhalin",
    "южно-сахалинск": "Asia/Sakhalin",
    "петропавловск-камчатский": "Asia/Kamchatka",
    "анадырь": "Asia/Anadyr",
    "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "utc": "UTC",
    "gmt": "UTC",
}

# A whole-hour UTC offset maps to the Russian zone people most likely mean.
_RUSSIAN_BY_OFFSET: dict[int, str] = {
    2: "Europe/Kaliningrad",
    3: "Europe/Moscow",
    4: "Europe/Samara",
    5: "Asia/Yekaterinburg",
    6: "Asia/Omsk",
    7: "Asia/Novosibirsk",
    8: "Asia/Irkutsk",
    9: "Asia/Yakutsk",
    10: "Asia/Vladivostok",
    11: "Asia/Magadan",
    12: "Asia/Kamchatka",
}

_OFFSET = re.compile(r"^(?:(utc|gmt|мск|msk)\s*)?([+\-−])\s*(\d{1,2})(?::00)?$")


@cache
def _iana_by_key() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def parse_zone(text: str) -> str:
    """The IANA key for ``text``: "Новосибирск", "Asia/Omsk", "+5", "UTC+5", "МСК+4".

    :raises UnknownZone: nothing matched.
    """
    key = normalize(text)
    if not key:
        raise UnknownZone(text)
    for ru, en, zone in COMMON_ZONES:
        if key in (normalize(ru), normalize(en), zone.casefold()):
            return zone
    if key in _CITY_ALIASES:
        return _CITY_ALIASES[key]
    match = _OFFSET.match(key.replace(" ", ""))
    if match:
        base, sign, hours_text = match.groups()
        hours = int(hours_text) * (-1 if sign in "-−" else 1)
        if base in ("мск", "msk"):
            hours += 3
        return _zone_for_offset(hours, text)
    iana = _iana_by_key().get(key.replace(" ", "_"))
    if iana is None:
        raise UnknownZone(text)
    return iana


def _zone_for_offset(hours: int, text: str) -> str:
    if hours in _RUSSIAN_BY_OFFSET:
        return _RUSSIAN_BY_OFFSET[hours]
    if hours == 0:
        return "UTC"
    if not -12 <= hours <= 14:
        raise UnknownZone(text)
    # POSIX-style names invert the sign: Etc/GMT-5 is five hours ahead of UTC.
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


def zone_name(zone: str, lang: str) -> str:
    """The city name for a common zone, else the IANA key."""
    for ru, en, key in COMMON_ZONES:
        if key == zone:
            return ru if lang == "ru" else en
    return zone


def valid_zone(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError):
        return False
    return True
