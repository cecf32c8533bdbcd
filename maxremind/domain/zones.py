"""A time zone by its IANA name, refusing anything that is not one.

``ZoneInfo(name)`` alone is not a check: a folder of the zone database (``"Europe"``)
raises ``IsADirectoryError``, a very long name ``OSError``, and some names resolve to
files that are not meant as zones.  Everything that takes a zone from outside (forms,
the API, the bot) goes through :func:`zone_named`.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones


class UnknownTimezone(ValueError):
    """Not the IANA name of a time zone."""


@cache
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_named(name: str) -> ZoneInfo:
    """The zone called ``name`` (``Europe/Moscow``, ``UTC``).

    :raises UnknownTimezone: no such zone.
    """
    if not isinstance(name, str) or len(name) > 64 or name not in _known():
        raise UnknownTimezone(str(name)[:64])
    return ZoneInfo(name)
