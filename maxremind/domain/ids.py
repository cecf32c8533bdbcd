"""Numbers typed by people or sent by browsers: ASCII digits only.

``str.isdigit`` also accepts ``"²"`` and other Unicode digits that ``int()`` refuses (a
500 where a 400 or 404 belongs), so every check of "is this a number" goes through
:func:`digits`.
"""

from __future__ import annotations

INT64_MAX = 2**63 - 1


def digits(text: str) -> bool:
    """``text`` is a non-empty run of the ASCII digits 0-9."""
    return text.isascii() and text.isdigit()


def parse_id(text: str | None) -> int | None:
    """A database id (1 … 2**63-1) from text, or None."""
    if text is None or not digits(text) or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value <= INT64_MAX else None
