"""A file sent to the bot is imported by the import loop, not in the update's
transaction: the request is stored (and the loop poked once it is committed), claimed so
it is imported once, downloaded while the database writer is free, applied, and the
result handed to ``tell`` in the unit of work that forgets the request.  A failure is told
with its reason; a stop in the middle leaves the request for the next run."""

from __future__ import annotations

import asyncio
import time

import pytest

from maxremind.domain.models import Language, Role
from maxremind.services.calendar_import import CalendarImport, ImportRefused, UploadDone
from maxremind.services.events import PermissionDenied
from tests.calendar.conftest import Answer, Server
from tests.calendar.test_import import ics
from tests.calendar.test_subscription import TOMORROW, local_fetcher, titles
from tests.engine.conftest import Env
from tests.harness import wait_for

FILE = ics(f"UID:a\r\nSUMMARY:Планёрка\r\n{TOMORROW}", f"UID:b\r\nSUMMARY:Обед\r\n{TOMORROW}")


class Told:
    """Records what ``tell`` was handed."""

    def __init__(self) -> None:
        self.done: list[UploadDone] = []

    async def __call__(self, done: UploadDone) -> None:
        self.done.append(done)


async def test_a_request_is_imported_once_and_told(env: Env, server: Server) -> None:
    server.answers["/f.ics"] = Answer(body=FILE, delay=0.5)
    told = Told()
    async with local_fetcher() as fetcher:
        calendar = CalendarImport(env.storage, env.events, fetcher, clock=env.clock, tell=told)
        async with env.storage.unit_of_work():
            upload = await calendar.request_upload(
                env.team_id,
                env.owner,
                server.url("/f.ics"),
                language=Language.EN,
                filename="work.ics",
                page_url="https://remind.example/t/1/events/import",
            )
            # Only recorded: nothing fetched, nothing imported while the caller's
            # transaction is open.
            assert server.seen == []
        assert [u.id for u in await env.storage.list_calendar_uploads(env.team_id)] == [upload.id]

        # Two loops at once (a poke and the periodic look): the claim lets one import it.
        counts = await asyncio.gather(calendar.import_uploads(), calendar.import_uploads())
    assert sorted(counts) == [0, 1]
    assert len(server.seen) == 1
    assert await titles(env) == {"Планёрка": "active", "Обед": "active"}
    assert len(told.done) == 1
    done = told.done[0]
    assert done.report is not None and done.report.created == 2 and done.reason == ""
    assert done.upload.language is Language.EN and done.upload.actor_id == env.owner
    assert done.upload.page_url == "https://remind.example/t/1/events/import"
    assert await env.storage.list_calendar_uploads(env.team_id) == []
    source = (await env.storage.list_calendar_sources(env.team_id))[0]
    assert source.last_report["created"] == 2  # as a web upload records it


async def test_the_writer_is_free_while_the_file_downloads(env: Env, server: Server) -> None:
    server.answers["/slow.ics"] = Answer(body=FILE, delay=2.0)
    told = Told()
    async with local_fetcher() as fetcher:
        calendar = CalendarImport(env.storage, env.events, fetcher, clock=env.clock, tell=told)
        await calendar.request_upload(
            env.team_id, env.owner, server.url("/slow.ics"), language=Language.RU
        )
        importing = asyncio.create_task(calendar.import_uploads())
        await wait_for(lambda: bool(server.seen), what="the download to start")
        started = time.monotonic()
        async with env.storage.unit_of_work():  # another update's whole transaction
            await env.storage.upsert_user(900, name="Борис", username="boris")
        assert time.monotonic() - started < 0.5
        assert not importing.done()
        assert await importing == 1
    assert told.done[0].report is not None and told.done[0].report.created == 2


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(500, b"oops"), "http_status"),
        (Answer(200, b"<html>login</html>", {"content-type": "text/html"}), "html"),
        (Answer(200, b"just some text"), "not_calendar"),
    ],
)
async def test_a_failure_is_told_with_its_reason(
    env: Env, server: Server, answer: Answer, reason: str
) -> None:
    server.answers["/f.ics"] = answer
    told = Told()
    async with local_fetcher() as fetcher:
        calendar = CalendarImport(env.storage, env.events, fetcher, clock=env.clock, tell=told)
        await calendar.request_upload(
            env.team_id, env.owner, server.url("/f.ics"), language=Language.RU
        )
        assert await calendar.import_uploads() == 1
    assert [(d.report, d.reason) for d in told.done] == [(None, reason)]
    assert told.done[0].team_name
    assert await env.storage.list_calendar_uploads(env.team_id) == []
    assert await titles(env) == {}


async def test_who_may_and_who_no_longer_may(env: Env, server: Server) -> None:
    server.answers["/f.ics"] = Answer(body=FILE)
    told = Told()
    member = env.members[0]
    async with local_fetcher() as fetcher:
        calendar = CalendarImport(env.storage, env.events, fetcher, clock=env.clock, tell=told)
        with pytest.raises(PermissionDenied):
            await calendar.request_upload(
                env.team_id, member, server.url("/f.ics"), language=Language.RU
            )
        await env.storage.set_member_role(env.team_id, member, Role.ORGANIZER)
        await calendar.request_upload(
            env.team_id, member, server.url("/f.ics"), language=Language.RU
        )
        await env.storage.set_member_role(env.team_id, member, Role.MEMBER)  # before the loop ran
        assert await calendar.import_uploads() == 1
        # Nothing can tell the result: refused at once rather than never answered.
        silent = CalendarImport(env.storage, env.events, fetcher, clock=env.clock)
        with pytest.raises(ImportRefused) as refused:
            await silent.request_upload(
                env.team_id, env.owner, server.url("/f.ics"), language=Language.RU
            )
    assert refused.value.reason == "no_fetcher"
    assert [d.reason for d in told.done] == ["forbidden"]
    assert server.seen == []
    assert await titles(env) == {}


async def test_a_stop_mid_download_leaves_the_request_for_the_next_run(
    env: Env, server: Server
) -> None:
    server.answers["/slow.ics"] = Answer(body=FILE, delay=3.0)
    told = Told()
    async with local_fetcher() as fetcher:
        calendar = CalendarImport(env.storage, env.events, fetcher, clock=env.clock, tell=told)
        await calendar.request_upload(
            env.team_id, env.owner, server.url("/slow.ics"), language=Language.RU
        )
        stop = asyncio.Event()
        running = asyncio.create_task(calendar.run(stop))
        await wait_for(lambda: bool(server.seen), what="the download to start")
        stop.set()
        started = time.monotonic()
        await asyncio.wait_for(running, 2.0)
        assert time.monotonic() - started < 1.0  # the stop did not wait for the download
        [left] = await env.storage.list_calendar_uploads(env.team_id)
        assert left.claimed_until is None  # released: free for the next run
        assert told.done == [] and await titles(env) == {}

        # A run that died holding the claim: the next start takes it back.
        now = env.clock.now
        claimed = await env.storage.claim_calendar_upload(now=now, until=now.replace(year=2100))
        assert claimed is not None and claimed.id == left.id
        assert await env.storage.claim_calendar_upload(now=now, until=now) is None
        assert await env.storage.release_calendar_uploads() == 1

        server.answers["/slow.ics"] = Answer(body=FILE)
        stop = asyncio.Event()
        running = asyncio.create_task(calendar.run(stop))  # the next start
        await wait_for(lambda: bool(told.done), what="the import at the next start")
        # The result is told inside the unit of work that also forgets the request: stop
        # only once that has committed (a stop before it rolls both back, to be redone).
        for _ in range(200):
            if not await env.storage.list_calendar_uploads(env.team_id):
                break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(running, 2.0)
    assert len(told.done) == 1 and told.done[0].report is not None
    assert told.done[0].report.created == 2
    assert await env.storage.list_calendar_uploads(env.team_id) == []


async def test_a_request_is_taken_up_as_soon_as_it_is_committed(env: Env, server: Server) -> None:
    server.answers["/f.ics"] = Answer(body=FILE)
    told = Told()
    async with local_fetcher() as fetcher:
        calendar = CalendarImport(env.storage, env.events, fetcher, clock=env.clock, tell=told)
        stop = asyncio.Event()
        running = asyncio.create_task(calendar.run(stop, every=3600))
        await asyncio.sleep(0.1)  # the loop found nothing and sleeps for an hour
        async with env.storage.unit_of_work():
            await calendar.request_upload(
                env.team_id, env.owner, server.url("/f.ics"), language=Language.RU
            )
            assert server.seen == []  # nothing fetched inside the caller's transaction
        await wait_for(lambda: bool(told.done), 3.0, what="the import, poked")
        stop.set()
        await asyncio.wait_for(running, 2.0)
    assert len(told.done) == 1 and told.done[0].report is not None
