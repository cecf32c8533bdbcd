"""Every error a service may raise, in one place for the handlers and routes that
render them (they never import the storage layer)."""

from __future__ import annotations

from maxremind.services.events import EditConflict, EventRejected, PermissionDenied
from maxremind.services.teams import PeopleRefused
from maxremind.storage.errors import AlreadyExists, InvalidValue, InviteUnusable, NotFound

__all__ = [
    "AlreadyExists",
    "EditConflict",
    "EventRejected",
    "InvalidValue",
    "InviteUnusable",
    "NotFound",
    "PeopleRefused",
    "PermissionDenied",
]
