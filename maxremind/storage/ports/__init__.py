"""The storage ports, one abstract class per concern.

:class:`~maxremind.storage.base.Storage` inherits them all; a service that needs
only one concern can be typed against its port.  Adapters (``sqlite.py``, later
``postgres.py``) implement them with hand-written SQL and translate driver
errors into :mod:`maxremind.storage.errors`.  Each port has its own contract
suite in ``tests/storage/`` that runs against every adapter.

Conventions for every method:

* datetimes go in and come out as aware UTC datetimes (millisecond precision);
  ``*_local`` values are naive wall times;
* a method that reads one entity by id raises :class:`NotFound` when it is
  missing; list methods return an empty list instead;
* a method that writes is atomic: it either fully applies or raises;
* a value the database cannot hold (an integer beyond 64 bits, a NULL where one
  is required) raises :class:`InvalidValue`, a ``ValueError``.
"""

from __future__ import annotations

from maxremind.storage.ports.access import AccessStore
from maxremind.storage.ports.audit import AuditStore
from maxremind.storage.ports.calendar import CalendarStore
from maxremind.storage.ports.calendar_import import CalendarImportStore
from maxremind.storage.ports.common import UNSET, Unset
from maxremind.storage.ports.directory import DirectoryStore
from maxremind.storage.ports.insights import InsightsStore
from maxremind.storage.ports.intake import IntakeStore
from maxremind.storage.ports.ledger import LedgerStore
from maxremind.storage.ports.overview import OverviewStore
from maxremind.storage.ports.schedule import ScheduleStore
from maxremind.storage.ports.work import UnitOfWork
from maxremind.storage.ports.workers import (
    ReleasedWorkers,
    WakeSignal,
    Worker,
    WorkerInfo,
    WorkerRegistry,
)

__all__ = [
    "UNSET",
    "AccessStore",
    "AuditStore",
    "CalendarImportStore",
    "CalendarStore",
    "DirectoryStore",
    "InsightsStore",
    "IntakeStore",
    "LedgerStore",
    "OverviewStore",
    "ReleasedWorkers",
    "ScheduleStore",
    "UnitOfWork",
    "Unset",
    "WakeSignal",
    "Worker",
    "WorkerInfo",
    "WorkerRegistry",
]
