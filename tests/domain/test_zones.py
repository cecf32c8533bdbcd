"""Only real IANA names are zones: folders, long names and paths are refused cleanly."""

from __future__ import annotations

import pytest

from maxremind.domain.zones import UnknownTimezone, zone_named


def test_real_zones_are_found() -> None:
    assert str(zone_named("Europe/Moscow")) == "Europe/Moscow"
    assert str(zone_named("UTC")) == "UTC"


@pytest.mark.parametrize(
    "name", ["Europe", "Etc", "", "x" * 5000, "../../etc/passwd", "Europe/Moscow ", "moscow"]
)
def test_anything_else_is_unknown_not_an_os_error(name: str) -> None:
    with pytest.raises(UnknownTimezone):
        zone_named(name)
