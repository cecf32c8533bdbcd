"""What the storage ports share: the "leave unchanged" marker."""

from __future__ import annotations

from enum import Enum
from typing import Final


class Unset(Enum):
    """Type of :data:`UNSET`: "leave this field unchanged" where None is a real value."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET
