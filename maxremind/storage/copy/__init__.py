"""``maxremind copy-data``: a SQLite database into an empty Postgres one, resumable, verified.

The source is opened read-only (as *immutable* when it has no write-ahead log, so SQLite
does not even create ``-shm``/``-wal`` files beside it) inside one read transaction, so the
copy and its verification see one state of it.  The target is migrated by its own adapter
first; both must then be at their latest schema, with the same tables and columns
(:mod:`.tables` names every table, copied or on purpose not).

Tables go in foreign-key order, each in primary-key order, in batches; every batch is one
Postgres transaction that also records, in the target's ``kv`` row ``copy_data.progress``,
the key of the last row it wrote.  A copy killed at any point therefore left whole batches
and a record of exactly which: ``--resume`` goes on after that key.  Ids are copied as they
are, then every identity sequence is moved past the largest id (and past what SQLite's
AUTOINCREMENT handed out, for tables whose ids must never be reused), and the progress row
is deleted (:mod:`.target`).

Verification reads every copied table from both sides in primary-key order (text keys
ordered by bytes on Postgres, ``COLLATE "C"``, which is SQLite's order) and hashes a
canonical text of each row: the JSON array of its values, which both drivers give as ints,
strs and Nones.  Row counts and SHA-256 digests must be equal for every table (:mod:`.run`).
"""

from __future__ import annotations

from maxremind.storage.copy.report import CopyReport, Progress, ProgressBar, TableCheck
from maxremind.storage.copy.run import BATCH_SIZE, check_urls, copy_data, verify_copy
from maxremind.storage.copy.tables import COPIED, NOT_COPIED, PROGRESS_KEY, CopyRefused

__all__ = [
    "BATCH_SIZE",
    "COPIED",
    "NOT_COPIED",
    "PROGRESS_KEY",
    "CopyRefused",
    "CopyReport",
    "Progress",
    "ProgressBar",
    "TableCheck",
    "check_urls",
    "copy_data",
    "verify_copy",
]
