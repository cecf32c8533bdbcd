"""Numbers people type: only plain ASCII digits, and only as many as a count can need.

``str.isdigit`` accepts "²" and "٣" (which ``int`` then refuses or reads as 3) and any
length (Python refuses to convert past 4,300 digits, and a database column ends at
int64), so every count read from a message goes through here.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,9}")


def small_int(text: str) -> int | None:
    """``text`` as a whole number of at most nine ASCII digits, else None."""
    text = text.strip()
    return int(text) if _DIGITS.fullmatch(text) else None
