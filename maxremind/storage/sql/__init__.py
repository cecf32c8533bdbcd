"""Dialect-neutral SQL (``?`` placeholders), one mixin per storage concern.

A dialect adapter combines the mixins; the Postgres adapter rewrites the few SQLite
spellings (:func:`maxremind.storage.postgres.to_postgres`), and a ``/*postgres: ...*/``
comment holds SQL that only Postgres runs (``FOR UPDATE SKIP LOCKED`` in claims).
"""

from __future__ import annotations

from maxremind.storage.sql.access import AccessSql
from maxremind.storage.sql.audit import AuditSql
from maxremind.storage.sql.calendar import CalendarSql
from maxremind.storage.sql.calendar_import import CalendarImportSql
from maxremind.storage.sql.directory import DirectorySql
from maxremind.storage.sql.insights import InsightsSql
from maxremind.storage.sql.intake import IntakeSql
from maxremind.storage.sql.ledger import LedgerSql
from maxremind.storage.sql.overview import OverviewSql
from maxremind.storage.sql.schedule import ScheduleSql

__all__ = [
    "AccessSql",
    "AuditSql",
    "CalendarImportSql",
    "CalendarSql",
    "DirectorySql",
    "InsightsSql",
    "IntakeSql",
    "LedgerSql",
    "OverviewSql",
    "ScheduleSql",
]
