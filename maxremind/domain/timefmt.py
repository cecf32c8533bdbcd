"""Echoing times back to users: "пн, 1 декабря, 10:00 МСК", "каждую 2-ю среду месяца",
"за 15 минут" — and the English equivalents."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .timetypes import Lang
from .timewords import plural_ru

_MOSCOW = ZoneInfo("Europe/Moscow")
# Zones inside Russia, labelled relative to Moscow as Russian timetables do.
_RUSSIAN_ZONES = frozenset(
    {
        "Europe/Kaliningrad", "Europe/Moscow", "W-SU", "Europe/Kirov", "Europe/Volgograd",
        "Europe/Astrakhan", "Europe/Samara", "Europe/Saratov", "Europe/Ulyanovsk",
        "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Barnaul", "Asia/Tomsk",
        "Asia/Novokuznetsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Chita", "Asia/Yakutsk",
        "Asia/Khandyga", "Asia/Vladivostok", "Asia/Ust-Nera", "Asia/Magadan", "Asia/Sakhalin",
        "Asia/Srednekolymsk", "Asia/Kamchatka", "Asia/Anadyr",
    }
)  # fmt: skip
_HOUR = timedelta(hours=1)

WEEKDAYS_SHORT: dict[Lang, tuple[str, ...]] = {
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS_RU_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def zone_label(tz: ZoneInfo, at: datetime, lang: Lang = "ru") -> str:
    """ "МСК"/"MSK", "МСК+2"/"MSK+2" inside Russia; else the abbreviation or "UTC+05:30"."""
    offset = at.astimezone(tz).utcoffset() or timedelta(0)
    if tz.key in _RUSSIAN_ZONES:
        diff = offset - (at.astimezone(_MOSCOW).utcoffset() or timedelta(0))
        if diff % _HOUR == timedelta(0):
            hours = diff // _HOUR
            base = "МСК" if lang == "ru" else "MSK"
            return base if hours == 0 else f"{base}{'+' if hours > 0 else '−'}{abs(hours)}"
    name = at.astimezone(tz).tzname() or ""
    if name[:1].isalpha():
        return name
    if not offset:
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"UTC{sign}{minutes // 60:02}:{minutes % 60:02}"


def format_date(
    dt: datetime, tz: ZoneInfo, lang: Lang = "ru", *, now: datetime | None = None
) -> str:
    """ "пн, 1 декабря" / "Mon, 1 December"; the year is added unless it is ``now``'s year
    (with no ``now`` it is always added, so a bare call is never misleading)."""
    local = dt.astimezone(tz)
    months = MONTHS_RU_GENITIVE if lang == "ru" else MONTHS_EN
    text = f"{WEEKDAYS_SHORT[lang][local.weekday()]}, {local.day} {months[local.month - 1]}"
    if now is None or now.astimezone(tz).year != local.year:
        text += f" {local.year}"
    return text


def format_when(
    dt: datetime,
    tz: ZoneInfo,
    lang: Lang = "ru",
    *,
    now: datetime | None = None,
    all_day: bool = False,
) -> str:
    """ "пн, 1 декабря, 10:00 МСК" / "Mon, 1 December 2027, 10:00 MSK".

    ``all_day`` drops the clock time and zone. See `format_date` for when the year shows.
    """
    text = format_date(dt, tz, lang, now=now)
    if all_day:
        return text
    local = dt.astimezone(tz)
    return f"{text}, {local:%H:%M} {zone_label(tz, local, lang)}"


def format_numeric(dt: datetime, tz: ZoneInfo, *, now: datetime | None = None) -> str:
    """ "25.12 10:00", or "25.12.2027 10:00" outside ``now``'s year; `parse_when` reads it back."""
    local = dt.astimezone(tz)
    same_year = now is not None and now.astimezone(tz).year == local.year
    return local.strftime("%d.%m %H:%M" if same_year else "%d.%m.%Y %H:%M")


# --- spans --------------------------------------------------------------------------------

_RU_ACCUSATIVE = {
    "week": ("неделю", "недели", "недель"),
    "day": ("день", "дня", "дней"),
    "hour": ("час", "часа", "часов"),
    "minute": ("минуту", "минуты", "минут"),
}
_RU_NOMINATIVE = _RU_ACCUSATIVE | {"week": ("неделя", "недели", "недель")}
_RU_NOMINATIVE |= {"minute": ("минута", "минуты", "минут")}


def _split(td: timedelta) -> list[tuple[int, str]]:
    minutes = td // timedelta(minutes=1)
    if minutes and minutes % (7 * 1440) == 0:
        return [(minutes // (7 * 1440), "week")]
    parts = [(minutes // 1440, "day"), (minutes % 1440 // 60, "hour"), (minutes % 60, "minute")]
    return [(n, unit) for n, unit in parts if n]


def _words(td: timedelta, lang: Lang, ru_forms: dict[str, tuple[str, str, str]]) -> str:
    if td < timedelta(0):
        raise ValueError("a span cannot be negative")
    parts = _split(td)
    if lang == "ru":
        return " ".join(f"{n} {plural_ru(n, *ru_forms[unit])}" for n, unit in parts)
    return " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts)


def format_offset(td: timedelta, lang: Lang = "ru") -> str:
    """ "за 1 день", "за 21 минуту", "за 1 час 30 минут" / "1 day before"; zero (and anything
    under a minute) is "в момент начала" / "at start"."""
    if td < timedelta(minutes=1) and td >= timedelta(0):
        return "в момент начала" if lang == "ru" else "at start"
    words = _words(td, lang, _RU_ACCUSATIVE)
    return f"за {words}" if lang == "ru" else f"{words} before"


def format_duration(td: timedelta, lang: Lang = "ru") -> str:
    """ "1 час 30 минут", "1 минута" / "1 hour 30 minutes"; seconds are dropped."""
    return _words(td, lang, _RU_NOMINATIVE) or ("0 минут" if lang == "ru" else "0 minutes")


def format_clock(at: time) -> str:
    return f"{at:%H:%M}"
