"""The import's size limits, in a module of their own: the URL fetcher, the upload forms
and the import service's defaults need them at start-up, the parser
(:mod:`maxremind.calendar.importer`, with its zone tables and recurrence parsing) only
when a calendar is actually read, so it is loaded then."""

from __future__ import annotations

from datetime import timedelta

MAX_BYTES = 2 * 1024 * 1024
HORIZON = timedelta(days=180)
