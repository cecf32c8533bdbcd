"""The audit port: an append-only log of who changed what."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from maxremind.domain.models import (
    AuditEntry,
)


class AuditStore(ABC):
    """The audit log of a team."""

    # --- audit log -------------------------------------------------------------------

    @abstractmethod
    async def add_audit(
        self,
        *,
        team_id: int | None,
        actor_id: int | None,
        action: str,
        subject: str,
        details: dict[str, object] | None = None,
        at: datetime,
    ) -> AuditEntry:
        """Append an entry to the audit log."""

    @abstractmethod
    async def list_audit(self, team_id: int, *, limit: int = 100) -> list[AuditEntry]:
        """The newest entries of a team first."""

    @abstractmethod
    async def list_audit_of(self, subject: str, *, limit: int = 20) -> list[AuditEntry]:
        """The newest entries about ``subject`` (``event:12``…) first, any team."""
