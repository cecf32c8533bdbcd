"""``/remind <when> <text>``: where the time ends and the text begins.

A time expression is short, so only the first `MAX_TIME_WORDS` words are ever tried as
the time, and each try parses at most that prefix. However long the message, splitting it
costs at most ``MAX_TIME_WORDS + 1`` parses of at most `MAX_TIME_TEXT` characters each:
a 4,000-character message costs what a 40-character one does.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from .timeparse import parse_when
from .timetypes import MAX_TIME_TEXT, Lang, TimeParseError, When

__all__ = [
    "DEFAULT_HOUR",
    "MAX_TIME_WORDS",
    "SplitError",
    "local_start",
    "parse_time",
    "split_when",
]

# A day named without a clock time ("завтра", "каждый понедельник") means this hour:
# a reminder at midnight would wake people, and the echo shows the hour so it can be changed.
DEFAULT_HOUR = 9

MAX_TIME_WORDS = 12
"""The most words a leading time may have. The longest expressions people type
("каждую последнюю пятницу месяца в 7 вечера", "every other Thursday at 5:30 pm",
"1 января 2027 года в 10:00") have at most nine."""

_STOP_REASONS = ("past", "ambiguous", "too_far", "negative", "no_such_date")


def local_start(when: When, tz: ZoneInfo) -> datetime:
    """The naive wall time to store for ``when`` (whole seconds, default hour for a day)."""
    start = when.start.astimezone(tz)
    if when.all_day:
        start = start.replace(hour=DEFAULT_HOUR, minute=0)
    return start.replace(tzinfo=None, microsecond=0)


def parse_time(text: str, *, now: datetime, tz: ZoneInfo, lang: Lang) -> When:
    """:func:`parse_when`, with a day-only answer moved to :data:`DEFAULT_HOUR`.

    :raises TimeParseError: as ``parse_when``; also ``past`` when today at the default
        hour is already over.
    """
    when = parse_when(text, now=now, tz=tz, lang=lang)
    if when.all_day and when.rrule is None:
        start = datetime.combine(when.start.date(), datetime.min.time(), tzinfo=tz)
        start = start.replace(hour=DEFAULT_HOUR)
        if start < now:
            raise TimeParseError("past", "the default hour has passed")
        return When(start, None, all_day=True, time_given=False)
    return when


class SplitError(ValueError):
    """``/remind`` text without a usable leading time.

    ``reason`` is a :class:`TimeParseError` reason (``empty`` when no text follows the
    time); ``text`` is what followed the time; ``alternatives`` the readings of an
    ambiguous one.
    """

    def __init__(
        self,
        reason: str,
        text: str = "",
        alternatives: list[When] | None = None,
        day_month: tuple[int, int] | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.text = text
        self.alternatives = alternatives or []
        self.day_month = day_month  # for ``no_such_date``: the (day, month) typed


def _is_pictograph(word: str) -> bool:
    """An emoji or other symbol ("🎂", "✈️") is never part of a time: it starts the text."""
    return any(unicodedata.category(ch) == "So" for ch in word)


def split_when(text: str, *, now: datetime, tz: ZoneInfo, lang: Lang) -> tuple[When, str]:
    """Split ``"через 2 часа позвонить в бухгалтерию"`` into the time and the text.

    The longest leading run of words that reads as a time wins; a run that reads as a
    time but a past or ambiguous one stops the search too, so the person is asked
    about it instead of getting a reminder for a shorter, wrong reading. Only the first
    `MAX_TIME_WORDS` words are tried as the time (see the module docstring).

    :raises SplitError: no leading time (``not_understood``), no text after it
        (``empty``), or the time found is ``past``/``ambiguous``/``too_far``, below
        zero (``negative``) or on a date that does not exist (``no_such_date``).
    """
    # "🎂 через 20 минут купить торт": emoji before the time open the text after it.
    lead: list[str] = []
    rest = text
    while len(lead) < MAX_TIME_WORDS:
        parts = rest.split(maxsplit=1)
        if not parts or not _is_pictograph(parts[0]):
            break
        lead.append(parts[0])
        rest = parts[1] if len(parts) > 1 else ""
    if lead:
        try:
            when, found = _split_after_emoji(rest, now=now, tz=tz, lang=lang)
        except SplitError as exc:
            exc.text = " ".join([*lead, exc.text]).strip()
            raise
        return when, " ".join([*lead, found])
    return _split_after_emoji(text, now=now, tz=tz, lang=lang)


def _split_after_emoji(text: str, *, now: datetime, tz: ZoneInfo, lang: Lang) -> tuple[When, str]:
    """:func:`split_when` for a text that does not start with an emoji."""
    # Splitting off only the words that may be tried keeps this step linear too.
    pieces = text.split(maxsplit=MAX_TIME_WORDS)
    # The time ends before the first emoji: "через 20 минут 🎂 купить торт" keeps the 🎂.
    for index, word in enumerate(pieces[:MAX_TIME_WORDS]):
        if _is_pictograph(word):
            if index == 0:
                raise SplitError("not_understood")
            head = pieces[:index]
            return _split_head(head, " ".join(pieces[index:]), now=now, tz=tz, lang=lang)
    if len(pieces) <= MAX_TIME_WORDS:
        # All of it a time ("завтра в 10")? Then the text is missing, rather than "в 10" being it.
        try:
            parse_time(text, now=now, tz=tz, lang=lang)
        except TimeParseError as exc:
            if exc.reason in ("negative", "no_such_date"):
                raise SplitError(exc.reason, day_month=exc.day_month) from None
            if exc.reason in _STOP_REASONS:
                raise SplitError("empty") from None
        else:
            raise SplitError("empty")
        words, tail = pieces, ""
    else:
        words, tail = pieces[:MAX_TIME_WORDS], pieces[MAX_TIME_WORDS]
    return _split_head(words, tail, now=now, tz=tz, lang=lang)


def _split_head(
    words: list[str], tail: str, *, now: datetime, tz: ZoneInfo, lang: Lang
) -> tuple[When, str]:
    """The longest leading run of ``words`` that reads as a time; the rest and ``tail``
    are the text. The longest head tried leaves at least one word of text behind."""
    longest = len(words) - 1 if not tail else len(words)
    for n in range(longest, 0, -1):
        head = " ".join(words[:n])
        if len(head) > MAX_TIME_TEXT:
            continue  # the parser would refuse it unread; no need to ask
        try:
            when = parse_time(head, now=now, tz=tz, lang=lang)
        except TimeParseError as exc:
            if exc.reason in _STOP_REASONS:
                rest = _rest(words[n:], tail)
                raise SplitError(exc.reason, rest, exc.alternatives, exc.day_month) from None
        else:
            return when, _rest(words[n:], tail)
    raise SplitError("not_understood")


def _rest(words: list[str], tail: str) -> str:
    """The text after the time, with runs of whitespace collapsed as ``str.split`` does."""
    return " ".join([*words, *tail.split()])
