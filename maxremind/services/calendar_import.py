"""Importing events from calendars a team already keeps: uploaded .ics files and
subscribed ICS feeds that are re-fetched on a schedule.

What the source says wins, and nothing is dropped silently:

* A new event of the source becomes a maxremind event of the team (or of the group the
  source was added for), organized by whoever added the source, with the team's default
  reminders and escalation (one reminder a day before and one an hour before when the
  team has none), or with the calendar's own alarms when the source asks for them.
* A changed event (its data differs from what was applied last) is updated; reminders
  already sent stay in the ledger, planned ones follow (as for any edit).
* An event cancelled in the source (``STATUS:CANCELLED``) is cancelled here; whoever was
  already reminded of an upcoming date is told it is off (:meth:`EventService.cancel`).
* An event gone from a subscribed feed is cancelled the same way, if it still has dates
  ahead; one already over is only unlinked.  A file upload is not a whole calendar, so
  what a file lacks stays.  A feed that suddenly lists no event at all while it had some
  is taken as broken (an empty answer from a failing server), not as "all cancelled".
* An event the file cannot describe (unknown zone, broken date) is reported with its
  title; the rest is imported, and what it had imported before stays as it was.

A subscribed feed owns its events: :class:`EventService` refuses edits made here
(``from_calendar``), since the next refresh would undo them.  Events from an uploaded
file are the team's own to edit; uploading the file again applies only what changed in
the file since.

A feed that fails (timeout, HTML, a redirect loop, 5xx, a private address, a broken
file) keeps the last good state; the reason is recorded on the source for the organizer.

A file sent to the bot is downloaded from MAX's file servers, which may take up to the
fetcher's 30 s deadline: too long to hold the update's unit of work (and so the database
writer, which every other update, the engine and the web wait for).  The bot only records
the request (:meth:`CalendarImport.request_upload`, in the update's transaction); once
that is committed the import loop (:meth:`CalendarImport.run`) is poked, claims it,
downloads the file outside any transaction, imports it, and in the unit of work that
records the import hands the result to ``tell`` (the app stores it in the outbox, so it is
sent after that commit, or at the next start) and forgets the request.  A request left by
a stop or a crash is imported at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from maxremind.calendar.limits import HORIZON
from maxremind.domain.calendar_sources import (
    CalendarSource,
    CalendarUpload,
    FetchRecord,
    ImportedLink,
    LinkState,
    NewCalendarSource,
    NewCalendarUpload,
    SourceKind,
)
from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    EventStatus,
    Language,
    NewEvent,
    ReminderSpec,
    ReminderTarget,
    Role,
    Team,
)
from maxremind.domain.recurrence import next_occurrence
from maxremind.domain.rrule import parse_exdates
from maxremind.domain.zones import zone_named
from maxremind.i18n import add_texts, t
from maxremind.services import texts_calendar_import as _texts  # noqa: F401 (its texts)
from maxremind.services.events import EventRejected, EventService, PermissionDenied
from maxremind.storage import NotFound, Storage

if TYPE_CHECKING:
    from maxremind.calendar.importer import ImportedItem, ParsedCalendar

log = logging.getLogger(__name__)

MIN_REFRESH_MINUTES = 5
MAX_REFRESH_MINUTES = 7 * 24 * 60
FALLBACK_REMINDERS = (timedelta(days=1), timedelta(hours=1))
MAX_REPORTED = 50  # problems kept in a source's report
# Each subscription is fetched on its own schedule and may hold 2,000 events: a team's
# count is bounded.  ("Refresh now" runs one fetch per source at a time, under its lock.)
MAX_SOURCES = 20
CHECK_EVERY = 60.0  # seconds between looks for subscriptions due (and files waiting)
# How long a claimed file is the claimer's: its download (30 s at most) and its import.
# A stop releases the claim at once and a start takes back what a dead run held, so the
# lease only matters if the adapter is ever shared by several processes.
UPLOAD_LEASE = timedelta(minutes=15)

add_texts(
    {
        "cal_import_untitled": {
            Language.RU: "Без названия",
            Language.EN: "Untitled",
        }
    }
)


class Fetching(Protocol):
    """What the service needs of the feed fetcher (``calendar.fetch.IcsFetcher``)."""

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Any: ...


class ImportRefused(ValueError):
    """An import or subscription cannot be made; ``reason`` says why (``too_large``,
    ``too_many_events``, ``not_calendar``, ``bad_url``, ``bad_refresh``, ``not_a_feed``,
    ``no_fetcher``, ``group_elsewhere``, ``too_many_sources``)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class ImportReport:
    """What one import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0  # cancelled here because the source cancelled or dropped them
    unlinked: int = 0  # gone from the source after they were over
    past: int = 0  # not imported: over already
    notified: int = 0  # people and chats told that a date they were reminded of is off
    problems: list[dict[str, str]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "cancelled": self.cancelled,
            "unlinked": self.unlinked,
            "past": self.past,
            "notified": self.notified,
            "problems": self.problems[:MAX_REPORTED],
            "notes": self.notes[:MAX_REPORTED],
        }


@dataclass(frozen=True)
class Refresh:
    """The outcome of refreshing a subscription: ``status`` is ``applied``,
    ``not_modified`` or ``failed`` (then ``source.last_error`` says why)."""

    source: CalendarSource
    status: str
    report: ImportReport | None = None


@dataclass(frozen=True)
class UploadDone:
    """What became of a file sent to the bot, for whoever sent it: ``report`` when it was
    imported, else ``reason`` (a reason of :class:`ImportRefused`, ``forbidden``: the
    sender is no longer an organizer, ``failed``: something broke here) and ``detail``."""

    upload: CalendarUpload
    team_name: str
    report: ImportReport | None = None
    reason: str = ""
    detail: str = ""


# Stores the message telling the person how their file went, inside the caller's unit of
# work (so it is sent once that commits, and never for an import that rolled back).
Telling = Callable[[UploadDone], Awaitable[None]]


class CalendarImport:
    def __init__(
        self,
        storage: Storage,
        events: EventService,
        fetcher: Fetching | None,
        *,
        clock: Clock = utcnow,
        refresh_minutes: int = 60,
        horizon: timedelta = HORIZON,
        tell: Telling | None = None,
    ) -> None:
        self.storage = storage
        self.events = events
        self.fetcher = fetcher
        self.clock = clock
        self.refresh_minutes = refresh_minutes
        self.horizon = horizon
        self.tell = tell
        self._locks: dict[int, asyncio.Lock] = {}
        self._uploads_waiting = asyncio.Event()

    # --- what organizers do ------------------------------------------------------------

    async def upload(
        self,
        team_id: int,
        actor_id: int,
        data: bytes,
        group_id: int | None = None,
        *,
        use_alarms: bool = False,
    ) -> tuple[CalendarSource, ImportReport]:
        """Import a file into the team (or one of its groups).

        :raises PermissionDenied: below organizer.
        :raises NotFound: no such team, or the group is not the team's.
        :raises ImportRefused: the file is too large, has too many events or is not a
            calendar (nothing imported).
        """
        team = await self._check(team_id, actor_id, group_id)
        parsed = await self._parse(data, team)
        return await self._import_file(team, actor_id, parsed, group_id, use_alarms)

    async def request_upload(
        self,
        team_id: int,
        actor_id: int,
        url: str,
        *,
        language: Language,
        group_id: int | None = None,
        filename: str = "",
        chat_id: int | None = None,
        page_url: str | None = None,
        use_alarms: bool = False,
    ) -> CalendarUpload:
        """Take a file given by its address (one sent to the bot, which MAX keeps on its
        file servers) to be imported by the import loop, fetched with the limits of a
        feed; only the request is written here (in the caller's unit of work, if any),
        and the loop is poked once it is committed.  The person is told the result
        (``tell``) in ``language``, in ``chat_id`` or their dialog.

        :raises PermissionDenied: below organizer.
        :raises NotFound: no such team, or the group is not the team's.
        :raises ImportRefused: ``no_fetcher``: nothing here can fetch the file (or tell
            the result).
        """
        await self._check(team_id, actor_id, group_id)
        if self.fetcher is None or self.tell is None:
            raise ImportRefused("no_fetcher")
        upload = await self.storage.add_calendar_upload(
            NewCalendarUpload(
                team_id=team_id,
                actor_id=actor_id,
                url=url,
                language=language,
                group_id=group_id,
                filename=filename,
                chat_id=chat_id,
                page_url=page_url,
                use_alarms=use_alarms,
            ),
            at=self.clock(),
        )
        # Poked before the commit, the loop would find nothing and sleep.
        self.storage.after_commit(self._uploads_waiting.set)
        return upload

    async def _import_file(
        self,
        team: Team,
        actor_id: int,
        parsed: ParsedCalendar,
        group_id: int | None,
        use_alarms: bool,
        *,
        then: Callable[[CalendarSource, ImportReport], Awaitable[None]] | None = None,
    ) -> tuple[CalendarSource, ImportReport]:
        """Apply a parsed file to the team's upload source; ``then`` runs in the unit of
        work that records the import (a file sent to the bot: the answer and the end of
        its request)."""
        source = await self.storage.find_upload_source(team.id, group_id)
        if source is None:
            source = await self.storage.add_calendar_source(
                NewCalendarSource(
                    team_id=team.id,
                    kind=SourceKind.UPLOAD,
                    created_by=actor_id,
                    group_id=group_id,
                    use_alarms=use_alarms,
                ),
                at=self.clock(),
            )
        async with self._lock(source.id):
            # The one uploading now organizes what this file brings.
            source = replace(source, created_by=actor_id, use_alarms=use_alarms)
            report = await self._apply(source, team, parsed, removals=False)
            record = FetchRecord(
                at=self.clock(), ok=True, name=parsed.name, report=report.as_dict()
            )
            async with self.storage.unit_of_work():
                source = await self.storage.record_calendar_fetch(source.id, record)
                await self._audit(source, actor_id, "calendar.upload", report)
                if then is not None:
                    await then(source, report)
        return source, report

    async def subscribe(
        self,
        team_id: int,
        actor_id: int,
        url: str,
        group_id: int | None = None,
        refresh_minutes: int | None = None,
        *,
        use_alarms: bool = False,
    ) -> Refresh:
        """Subscribe the team (or a group) to a feed and fetch it once now.  A feed that
        fails now is still kept, with the reason, and tried again on schedule.

        :raises PermissionDenied: below organizer.
        :raises NotFound: no such team, or the group is not the team's.
        :raises ImportRefused: ``bad_url``, ``bad_refresh`` or ``no_fetcher``.
        """
        from maxremind.calendar.fetch import FetchFailed, feed_url

        await self._check(team_id, actor_id, group_id)
        if self.fetcher is None:
            raise ImportRefused("no_fetcher")
        minutes = self.refresh_minutes if refresh_minutes is None else refresh_minutes
        if not MIN_REFRESH_MINUTES <= minutes <= MAX_REFRESH_MINUTES:
            raise ImportRefused("bad_refresh", str(minutes))
        if len(await self.storage.list_calendar_sources(team_id)) >= MAX_SOURCES:
            raise ImportRefused("too_many_sources", str(MAX_SOURCES))
        try:
            target = feed_url(url)
        except FetchFailed:
            raise ImportRefused("bad_url") from None
        source = await self.storage.add_calendar_source(
            NewCalendarSource(
                team_id=team_id,
                kind=SourceKind.URL,
                created_by=actor_id,
                group_id=group_id,
                url=target,
                refresh_minutes=minutes,
                use_alarms=use_alarms,
            ),
            at=self.clock(),
        )
        await self._audit(source, actor_id, "calendar.subscribe", None)
        return await self._refresh(source)

    async def refresh(self, source_id: int, *, actor_id: int | None = None) -> Refresh:
        """Fetch a subscription now (``actor_id``: someone pressed "refresh"; the
        schedule passes none).

        :raises NotFound: no such source.
        :raises PermissionDenied: the actor is below organizer in its team.
        :raises ImportRefused: ``not_a_feed`` (an upload has nothing to fetch).
        """
        source = await self.storage.get_calendar_source(source_id)
        if actor_id is not None:
            await self._require(source.team_id, actor_id)
        if source.kind is not SourceKind.URL:
            raise ImportRefused("not_a_feed")
        return await self._refresh(source)

    async def sources(self, team_id: int, actor_id: int) -> list[CalendarSource]:
        """The team's calendar sources. :raises PermissionDenied: below organizer."""
        await self._require(team_id, actor_id)
        return await self.storage.list_calendar_sources(team_id)

    async def source(self, team_id: int, source_id: int, actor_id: int) -> CalendarSource:
        """:raises NotFound: no such source in the team. :raises PermissionDenied:"""
        await self._require(team_id, actor_id)
        found = await self.storage.get_calendar_source(source_id)
        if found.team_id != team_id:
            raise NotFound(f"calendar source {source_id}")
        return found

    async def remove(self, team_id: int, source_id: int, actor_id: int) -> None:
        """Stop importing from a source.  Its events stay, as ordinary events of the
        team (editable here from now on).

        :raises NotFound: no such source in the team. :raises PermissionDenied:
        """
        found = await self.source(team_id, source_id, actor_id)
        async with self._lock(found.id):
            await self.storage.delete_calendar_source(found.id)
        await self._audit(found, actor_id, "calendar.remove", None)

    async def source_of(self, event_id: int) -> CalendarSource | None:
        """The subscribed feed that owns an event (None: the event is editable here)."""
        found = await self.storage.event_calendar_source(event_id)
        return found if found is not None and found.owns_events else None

    # --- the schedule ------------------------------------------------------------------

    async def refresh_due(self) -> int:
        """Refresh every subscription that is due; returns how many were fetched.  What
        is due is computed from each source's ``last_fetched_at``, so a restart neither
        loses nor repeats a refresh."""
        done = 0
        for source in await self.storage.list_due_calendar_sources(self.clock()):
            try:
                await self._refresh(source)
            except Exception:  # one bad source must not stop the others, nor the loop
                log.exception("refreshing calendar source %s failed", source.id)
            done += 1
        return done

    async def run(self, stop: asyncio.Event, *, every: float = CHECK_EVERY) -> None:
        """Refresh due subscriptions and import the files sent to the bot until ``stop``
        is set (started by ``app.py``); files waiting from before are imported at once.
        The two go side by side, so a slow feed does not hold up a file, nor a file a
        feed."""
        await asyncio.gather(self.run_refreshes(stop, every), self.run_uploads(stop, every))

    async def run_refreshes(self, stop: asyncio.Event, every: float = CHECK_EVERY) -> None:
        """Refresh due subscriptions until ``stop`` is set.  Where several processes
        share the database one of them does it (``app.py`` runs it as a leader), so a
        feed is not fetched and applied twice at once."""
        while not stop.is_set():
            try:
                await self.refresh_due()
            except Exception:
                log.exception("calendar refresh round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)

    async def run_uploads(self, stop: asyncio.Event, every: float = CHECK_EVERY) -> None:
        """Import the files sent to the bot when poked (and every ``every`` seconds, for
        a claim run out) until ``stop`` is set.  A stop cancels the import under way; its
        file waits for the next start.  Any number of processes may run it: each file
        is claimed by one."""
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                self._uploads_waiting.clear()
                work = asyncio.ensure_future(self.import_uploads())
                try:
                    await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    if not work.done():
                        work.cancel()
                        await asyncio.wait({work})  # it releases its claim
                if not work.cancelled() and work.exception() is not None:
                    log.error("importing files sent to the bot failed", exc_info=work.exception())
                    await asyncio.wait({stopping}, timeout=1.0)  # the database, say: not a spin
                waking = asyncio.ensure_future(self._uploads_waiting.wait())
                await asyncio.wait(
                    {waking, stopping}, timeout=every, return_when=asyncio.FIRST_COMPLETED
                )
                waking.cancel()
        finally:
            stopping.cancel()

    async def import_uploads(self) -> int:
        """Import every file waiting (:meth:`request_upload`), oldest first, one at a
        time, each claimed first so it is imported once; returns how many were done."""
        done = 0
        while True:
            now = self.clock()
            upload = await self.storage.claim_calendar_upload(now=now, until=now + UPLOAD_LEASE)
            if upload is None:
                return done
            try:
                await self._import_upload(upload)
            except BaseException:
                # Stopped (or the database failed) half-way: the file waits for the next
                # round or start; what was imported already is found unchanged then.
                await asyncio.shield(self._release(upload.id))
                raise
            done += 1

    async def _release(self, upload_id: int) -> None:
        try:
            await self.storage.release_calendar_upload(upload_id)
        except Exception:  # the claim then runs out by itself (or a start takes it back)
            log.exception("could not release calendar upload %s", upload_id)

    async def _import_upload(self, upload: CalendarUpload) -> None:
        """Download, import and tell; any failure is told with its reason."""
        from maxremind.calendar.fetch import FetchFailed

        team_name = ""
        try:
            team = await self.storage.get_team(upload.team_id)
            team_name = team.name
            await self._check(upload.team_id, upload.actor_id, upload.group_id)
            if self.fetcher is None:
                raise ImportRefused("no_fetcher")
            try:
                # Outside any transaction: the writer is free while MAX's server answers.
                fetched = await self.fetcher.fetch(upload.url)
            except FetchFailed as exc:
                raise ImportRefused(exc.reason, exc.detail) from None
            parsed = await self._parse(fetched.body or b"", team)

            async def finish(_: CalendarSource, report: ImportReport) -> None:
                await self._finish(UploadDone(upload, team_name, report))

            await self._import_file(
                team, upload.actor_id, parsed, upload.group_id, upload.use_alarms, then=finish
            )
            return
        except PermissionDenied:
            done = UploadDone(upload, team_name, reason="forbidden")
        except ImportRefused as exc:
            done = UploadDone(upload, team_name, reason=exc.reason, detail=exc.detail)
        except Exception as exc:
            log.exception("importing calendar upload %s failed", upload.id)
            done = UploadDone(upload, team_name, reason="failed", detail=type(exc).__name__)
        log.info("calendar upload %s not imported: %s", upload.id, done.reason)  # not the URL
        async with self.storage.unit_of_work():
            await self._finish(done)

    async def _finish(self, done: UploadDone) -> None:
        """The person's answer and the end of the request, in the caller's unit of work."""
        if self.tell is not None:
            await self.tell(done)
        await self.storage.finish_calendar_upload(done.upload.id)

    # --- fetching and applying -----------------------------------------------------------

    async def _refresh(self, source: CalendarSource) -> Refresh:
        from maxremind.calendar.fetch import FetchFailed

        if self.fetcher is None:
            raise ImportRefused("no_fetcher")
        async with self._lock(source.id):
            source = await self.storage.get_calendar_source(source.id)  # as it is now
            assert source.url is not None  # a 'url' source always has one (a CHECK says so)
            try:
                fetched = await self.fetcher.fetch(
                    source.url, etag=source.etag, last_modified=source.last_modified
                )
            except FetchFailed as exc:
                return await self._failed(source, exc.reason, exc.detail)
            if fetched.not_modified:
                record = FetchRecord(
                    at=self.clock(),
                    ok=True,
                    etag=fetched.etag or source.etag,
                    last_modified=fetched.last_modified or source.last_modified,
                )
                source = await self.storage.record_calendar_fetch(source.id, record)
                return Refresh(source, "not_modified")
            try:
                team = await self.storage.get_team(source.team_id)
                parsed = await self._parse(fetched.body, team)
            except ImportRefused as exc:
                return await self._failed(source, exc.reason, exc.detail)
            links = await self.storage.list_imported(source.id)
            if not parsed.events and any(link.state is LinkState.ACTIVE for link in links):
                return await self._failed(source, "empty", "")
            try:
                report = await self._apply(source, team, parsed, removals=True)
            except PermissionDenied:
                # Whoever subscribed is no longer an organizer of the team.
                return await self._failed(source, "organizer_gone", "")
            record = FetchRecord(
                at=self.clock(),
                ok=True,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                name=parsed.name,
                report=report.as_dict(),
            )
            source = await self.storage.record_calendar_fetch(source.id, record)
        return Refresh(source, "applied", report)

    async def _failed(self, source: CalendarSource, reason: str, detail: str) -> Refresh:
        log.info("calendar source %s: %s", source.id, reason)  # never the URL: it may be secret
        record = FetchRecord(at=self.clock(), ok=False, error=reason, error_detail=detail[:200])
        return Refresh(await self.storage.record_calendar_fetch(source.id, record), "failed")

    async def _parse(self, data: bytes, team: Team) -> ParsedCalendar:
        # The parser (icalendar, recurrence rules, zone tables) is loaded by the first
        # import, not at start-up: most instances never import a calendar.
        from maxremind.calendar.importer import ImportRejected, parse_calendar

        try:
            # A large file takes a while to read: not on the event loop.
            return await asyncio.to_thread(
                parse_calendar, data, zone=team.timezone, now=self.clock(), horizon=self.horizon
            )
        except ImportRejected as exc:
            raise ImportRefused(exc.reason, exc.detail) from None

    async def _apply(
        self, source: CalendarSource, team: Team, parsed: ParsedCalendar, *, removals: bool
    ) -> ImportReport:
        report = ImportReport(
            problems=[_problem(p.uid, p.title, p.reason, p.detail) for p in parsed.problems],
            notes=[_problem(p.uid, p.title, p.reason, p.detail) for p in parsed.notes],
        )
        links = {
            (k.source_uid, k.recurrence_key): k for k in await self.storage.list_imported(source.id)
        }
        untitled = t("cal_import_untitled", team.language)
        for item in parsed.items:
            link = links.get((item.uid, item.key))
            try:
                await self._apply_item(source, team, item, link, report, untitled)
            except EventRejected as exc:
                report.problems.append(_problem(item.uid, item.title, exc.reason, exc.detail))
        if removals:
            seen = {(item.uid, item.key) for item in parsed.items}
            unreadable = parsed.unreadable_uids
            for key, link in links.items():
                if key in seen or link.source_uid in unreadable:
                    continue
                if link.state is LinkState.ACTIVE:
                    await self._gone(source, link, report)
        return report

    async def _apply_item(
        self,
        source: CalendarSource,
        team: Team,
        item: ImportedItem,
        link: ImportedLink | None,
        report: ImportReport,
        untitled: str,
    ) -> None:
        fingerprint = item.fingerprint()
        if item.cancelled:
            if link is not None and link.state is LinkState.ACTIVE:
                async with self.storage.unit_of_work():
                    await self._cancel(source, link.event_id, report)
                    await self._link(source, item, link.event_id, fingerprint, LinkState.CANCELLED)
            return
        spec = self._spec(source, team, item, untitled)
        if link is None or link.state is not LinkState.ACTIVE:
            # New, or back after it was cancelled or removed (a cancelled event stays
            # cancelled, so the item gets a new one).
            async with self.storage.unit_of_work():
                try:
                    event = await self.events.create(spec)
                except EventRejected as exc:
                    if exc.reason != "in_the_past":
                        raise
                    report.past += 1
                    return
                await self._link(source, item, event.id, fingerprint, LinkState.ACTIVE)
            report.created += 1
            return
        if link.fingerprint == fingerprint:
            report.unchanged += 1
            return
        async with self.storage.unit_of_work():
            try:
                await self.events.update(
                    link.event_id, spec, actor_id=source.created_by, by_source=source.id
                )
            except EventRejected as exc:
                if exc.reason != "in_the_past":
                    raise
                report.past += 1  # moved into the past: the event stays as it was
                return
            await self._link(source, item, link.event_id, fingerprint, LinkState.ACTIVE)
        report.updated += 1

    async def _gone(self, source: CalendarSource, link: ImportedLink, report: ImportReport) -> None:
        """An event the feed no longer lists: cancelled with a notice if it has dates
        ahead, only unlinked if it is over."""
        async with self.storage.unit_of_work():
            event = await self.storage.get_event(link.event_id)
            if event.status is EventStatus.CANCELLED or not self._ahead(event):
                report.unlinked += 1
            else:
                await self._cancel(source, event.id, report)
            await self.storage.save_imported(
                [replace(link, state=LinkState.REMOVED)], at=self.clock()
            )

    async def _cancel(self, source: CalendarSource, event_id: int, report: ImportReport) -> None:
        event = await self.storage.get_event(event_id)
        if event.status is EventStatus.CANCELLED:
            return
        done = await self.events.cancel(event_id, actor_id=source.created_by, by_source=source.id)
        report.cancelled += 1
        report.notified += done.notified

    def _ahead(self, event: Any) -> bool:
        tz = zone_named(event.timezone)
        upcoming = next_occurrence(
            event.start_local, tz, event.rrule, parse_exdates(event.exdates), after=self.clock()
        )
        return upcoming is not None

    async def _link(
        self,
        source: CalendarSource,
        item: ImportedItem,
        event_id: int,
        fingerprint: str,
        state: LinkState,
    ) -> None:
        link = ImportedLink(
            source_id=source.id,
            source_uid=item.uid,
            recurrence_key=item.key,
            event_id=event_id,
            fingerprint=fingerprint,
            state=state,
            sequence=item.sequence,
            last_modified=item.last_modified,
        )
        await self.storage.save_imported([link], at=self.clock())

    def _spec(
        self, source: CalendarSource, team: Team, item: ImportedItem, untitled: str
    ) -> NewEvent:
        if source.group_id is not None:
            audience = (AudienceEntry(AudienceKind.GROUP, source.group_id),)
        else:
            audience = (AudienceEntry(AudienceKind.TEAM),)
        reminders, confirm = _reminders(team, item.alarms if source.use_alarms else ())
        return NewEvent(
            team_id=team.id,
            organizer_id=source.created_by,
            title=item.title or untitled,
            start_local=item.start_local,
            timezone=item.timezone,
            description=item.description,
            place=item.place,
            duration=item.duration,
            rrule=item.rrule,
            exdates=item.exdates,
            audience=audience,
            reminders=reminders,
            confirm_required=confirm,
        )

    # --- who may ----------------------------------------------------------------------------

    async def _check(self, team_id: int, actor_id: int, group_id: int | None) -> Team:
        await self._require(team_id, actor_id)
        if group_id is not None:
            group = await self.storage.get_group(group_id)
            if group.team_id != team_id:
                raise NotFound(f"group {group_id} of team {team_id}")
        return await self.storage.get_team(team_id)

    async def _require(self, team_id: int, actor_id: int) -> None:
        try:
            member = await self.storage.get_member(team_id, actor_id)
        except NotFound:
            raise PermissionDenied(Role.ORGANIZER) from None
        if not member.role.at_least(Role.ORGANIZER):
            raise PermissionDenied(Role.ORGANIZER)

    def _lock(self, source_id: int) -> asyncio.Lock:
        # A scheduled refresh and "refresh now" of one source must not both create events.
        return self._locks.setdefault(source_id, asyncio.Lock())

    async def _audit(
        self, source: CalendarSource, actor_id: int, action: str, report: ImportReport | None
    ) -> None:
        details: dict[str, object] = {"kind": source.kind.value, "group": source.group_id}
        if report is not None:
            details.update(
                created=report.created, updated=report.updated, cancelled=report.cancelled
            )
        await self.storage.add_audit(
            team_id=source.team_id,
            actor_id=actor_id,
            action=action,
            subject=f"calendar_source:{source.id}",
            details=details,
            at=self.clock(),
        )


def _reminders(team: Team, alarms: Sequence[timedelta]) -> tuple[tuple[ReminderSpec, ...], bool]:
    """Reminders of an imported event and whether it asks for answers: the calendar's
    alarms when given, else the team's defaults (one a day before and one an hour before
    when the team has none), plus the team's escalation steps."""
    offsets: Sequence[timedelta] = alarms or team.default_reminders
    escalation = tuple(team.default_escalation)
    if not offsets and not escalation:
        offsets = FALLBACK_REMINDERS
    steps = [
        ReminderSpec(offset=o, target=ReminderTarget.ALL)
        for o in sorted(set(offsets), reverse=True)
    ]
    taken = {(s.offset, s.target) for s in steps}
    steps += [s for s in escalation if (s.offset, s.target) not in taken]
    return tuple(steps), bool(escalation)


def _problem(uid: str, title: str, reason: str, detail: str) -> dict[str, str]:
    return {"uid": uid[:120], "title": title, "reason": reason, "detail": detail[:200]}
