"""Vocabulary and text clean-up shared by the time parsers (Russian and English at once).

Both languages' words are always recognized: Russian users mix in "5pm" and English users
paste "25.12". The only language-dependent reading is the order of ``a/b`` numeric dates.
"""

from __future__ import annotations

import re
from fractions import Fraction

# --- normalization -----------------------------------------------------------------------

_AMPM_DOTTED = re.compile(r"(?<![a-z])([ap])\.\s?m\b\.?")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_JUNK = re.compile(r"[^\w.:/,;\-]+|_")
# ".", ":" and "/" only mean something between digits ("25.12", "10:00", "12/25").
_LONE_PUNCT = re.compile(r"(?<!\d)[.:/]|[.:/](?!\d)")
# "-" survives in "2026-12-25" and "2-ю", "1-го", "15-е"; elsewhere it is a separator.
_LONE_DASH = re.compile(r"(?<!\d)-|-(?!\w)")
_LIST_PUNCT = re.compile(r"[,;]")


def normalize(text: str, *, keep_commas: bool = False) -> str:
    """Lower-case, fold ё→е, unify dashes and a.m./p.m., and collapse whitespace.

    With ``keep_commas`` list separators survive as a standalone ``","`` token (offset
    lists need them); otherwise they become spaces.
    """
    s = text.lower().replace("ё", "е").replace("o'clock", "oclock").replace("o’clock", "oclock")
    s = re.sub(r"[‐-―−]", "-", s)
    s = _DECIMAL_COMMA.sub(".", s)
    s = _AMPM_DOTTED.sub(r"\1m", s)
    s = _JUNK.sub(" ", s)
    s = _LONE_PUNCT.sub(" ", s)
    s = _LONE_DASH.sub(" ", s)
    s = _LIST_PUNCT.sub(" , " if keep_commas else " ", s)
    return " ".join(s.split())


def alternation(words: list[str]) -> str:
    """A non-capturing regex alternation that tries longer spellings first."""
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


def bounded(body: str) -> re.Pattern[str]:
    """Compile ``body`` so it only matches whole words (digits glue to "pm", "h", "-го")."""
    return re.compile(rf"(?<![\w.:/-])(?:{body})(?![\w]|[.:/]\d)")


# --- months ------------------------------------------------------------------------------

_MONTH_SPELLINGS: tuple[tuple[str, ...], ...] = (
    ("январь", "января", "январе", "янв", "january", "jan"),
    ("февраль", "февраля", "феврале", "фев", "февр", "february", "feb"),
    ("март", "марта", "марте", "мар", "march", "mar"),
    ("апрель", "апреля", "апреле", "апр", "april", "apr"),
    ("май", "мая", "мае", "may"),
    ("июнь", "июня", "июне", "июн", "june", "jun"),
    ("июль", "июля", "июле", "июл", "july", "jul"),
    ("август", "августа", "августе", "авг", "august", "aug"),
    ("сентябрь", "сентября", "сентябре", "сен", "сент", "september", "sept", "sep"),
    ("октябрь", "октября", "октябре", "окт", "october", "oct"),
    ("ноябрь", "ноября", "ноябре", "ноя", "нояб", "november", "nov"),
    ("декабрь", "декабря", "декабре", "дек", "december", "dec"),
)
_MONTH_BY_WORD = {w: i + 1 for i, ws in enumerate(_MONTH_SPELLINGS) for w in ws}
MONTH = alternation(list(_MONTH_BY_WORD))


def month_number(word: str) -> int:
    return _MONTH_BY_WORD[word]


# --- weekdays (0 = Monday, as in datetime.weekday) ----------------------------------------

_WEEKDAY_PATTERNS: tuple[str, ...] = (
    r"понедельник\w*|пн|mondays?|mon",
    r"вторник\w*|вт|tuesdays?|tues|tue",
    r"сред[аыуе]|средам|ср|wednesdays?|wed",
    r"четверг\w*|чт|thursdays?|thurs|thur|thu",
    r"пятниц\w*|пт|fridays?|fri",
    r"суббот\w*|сб|saturdays?|sat",
    r"воскресень\w*|вс|sundays?|sun",
)
_WEEKDAY_RES = tuple(re.compile(p) for p in _WEEKDAY_PATTERNS)
WEEKDAY = r"(?<!\w)(?:" + "|".join(_WEEKDAY_PATTERNS) + r")(?!\w)"
WEEKDAY_LIST = rf"{WEEKDAY}(?:(?:\s+(?:и|and|&|или|or))?\s+{WEEKDAY})*"
WEEKDAY_PLURAL_EN = r"(?:mon|tues|wednes|thurs|fri|satur|sun)days"


def weekday_number(word: str) -> int:
    for i, pattern in enumerate(_WEEKDAY_RES):
        if pattern.fullmatch(word):
            return i
    raise KeyError(word)


def weekday_numbers(words: str) -> tuple[int, ...]:
    """All weekdays named in a `WEEKDAY_LIST` match, sorted Monday first, no repeats."""
    found = {weekday_number(m.group(0)) for m in re.finditer(WEEKDAY, words)}
    return tuple(sorted(found))


# --- numbers and ordinals -----------------------------------------------------------------

_NUMBER_WORDS: dict[str, Fraction] = {
    **dict.fromkeys(("один", "одну", "одна", "одно", "a", "an", "one"), Fraction(1)),
    **dict.fromkeys(("два", "две", "пару", "пара", "two", "a couple of", "couple of"), Fraction(2)),
    **dict.fromkeys(("полтора", "полторы"), Fraction(3, 2)),
    "три": Fraction(3),
    "three": Fraction(3),
    "четыре": Fraction(4),
    "four": Fraction(4),
    "пять": Fraction(5),
    "five": Fraction(5),
    "шесть": Fraction(6),
    "six": Fraction(6),
    "семь": Fraction(7),
    "seven": Fraction(7),
    "восемь": Fraction(8),
    "eight": Fraction(8),
    "девять": Fraction(9),
    "nine": Fraction(9),
    "десять": Fraction(10),
    "ten": Fraction(10),
    "пятнадцать": Fraction(15),
    "fifteen": Fraction(15),
    "двадцать": Fraction(20),
    "twenty": Fraction(20),
    "тридцать": Fraction(30),
    "thirty": Fraction(30),
    "сорок": Fraction(40),
    "forty": Fraction(40),
}
NUMBER = r"\d+(?:\.\d+)?|" + alternation(
    [re.escape(w).replace(r"\ ", r"\s+") for w in _NUMBER_WORDS]
)


def number_value(text: str) -> Fraction:
    text = " ".join(text.split())
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text]
    return Fraction(text)


_ORDINALS: tuple[tuple[int, str], ...] = (
    (1, r"перв(?:ый|ую|ое)|first|1st"),
    (2, r"втор(?:ой|ую|ое)|second|2nd"),
    (3, r"трет(?:ий|ью|ье)|third|3rd"),
    (4, r"четверт(?:ый|ую|ое)|fourth|4th"),
    (5, r"пят(?:ый|ую|ое)|fifth|5th"),
    (-1, r"последн(?:ий|юю|ее)|last"),
)
ORDINAL = "(?:" + "|".join(p for _, p in _ORDINALS) + r"|[1-5](?:-?(?:й|ю|е|ой|ую|ое|ий))?)"


def ordinal_value(word: str) -> int:
    for value, pattern in _ORDINALS:
        if re.fullmatch(pattern, word):
            return value
    return int(word[0])


# --- duration units -----------------------------------------------------------------------

_UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "minute": (
        "минута",
        "минуту",
        "минуты",
        "минут",
        "мин",
        "м",
        "minutes",
        "minute",
        "mins",
        "min",
        "m",
    ),
    "hour": ("час", "часа", "часов", "ч", "hours", "hour", "hrs", "hr", "h"),
    "day": ("день", "дня", "дней", "сутки", "суток", "дн", "д", "days", "day", "d"),
    "week": ("неделя", "неделю", "недели", "недель", "нед", "weeks", "week", "wks", "wk", "w"),
    "month": ("месяц", "месяца", "месяцев", "мес", "months", "month", "mo"),
    "year": ("год", "года", "лет", "years", "year", "yrs", "yr", "y"),
}
_UNIT_BY_WORD = {w: unit for unit, ws in _UNIT_SPELLINGS.items() for w in ws}
UNIT = alternation(list(_UNIT_BY_WORD))
# Abbreviations count only after a number: "через м" is noise, "через 5 м" is five minutes.
FULL_UNIT_WORDS = frozenset(w for w in _UNIT_BY_WORD if len(w) > 3 or w in {"час", "day", "год"})


def unit_kind(word: str) -> str:
    return _UNIT_BY_WORD[word]


# --- leftovers ----------------------------------------------------------------------------

FILLERS = frozenset(
    {"в", "во", "на", "к", "и", "с", "по", "at", "on", "the", "of", "and", "by", "for", "this", ","}
)


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """Pick the Russian form for ``n``: 1 минута, 2 минуты, 5 минут, 21 минута, 11 минут."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many
