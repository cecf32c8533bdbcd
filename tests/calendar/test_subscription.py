"""A subscribed feed against a real local HTTP server (``http.server`` in a thread): the
ETag is honoured (304), a changed feed is applied, a broken one (timeout, HTML, a
redirect loop, 500, too large) keeps the last good state with the reason recorded, and
private addresses are refused unless the admin allows them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from maxremind.calendar.fetch import FetchFailed, IcsFetcher, feed_url, is_public
from maxremind.domain.models import EventStatus
from maxremind.services.calendar_import import CalendarImport
from tests.calendar.conftest import Answer, Server
from tests.calendar.test_import import ics
from tests.engine.conftest import Env

TOMORROW = "DTSTART;TZID=Europe/Moscow:20261126T100000\r\nDURATION:PT1H"


def calendar_for(env: Env, fetcher: IcsFetcher) -> CalendarImport:
    return CalendarImport(env.storage, env.events, fetcher, clock=env.clock)


def local_fetcher(**kw: object) -> IcsFetcher:
    return IcsFetcher(allow_private=True, **kw)  # type: ignore[arg-type]


async def titles(env: Env) -> dict[str, EventStatus]:
    return {e.title: e.status for e in await env.storage.list_events(team_id=env.team_id)}


async def test_etag_is_honoured_and_a_change_is_applied(env: Env, server: Server) -> None:
    server.answers["/feed.ics"] = Answer(
        body=ics(f"UID:a\r\nSUMMARY:Планёрка\r\n{TOMORROW}"),
        headers={
            "content-type": "text/calendar; charset=utf-8",
            "etag": '"v1"',
            "last-modified": "Tue, 24 Nov 2026 10:00:00 GMT",
        },
    )
    async with local_fetcher() as fetcher:
        calendar = calendar_for(env, fetcher)
        first = await calendar.subscribe(env.team_id, env.owner, server.url())
        assert first.status == "applied" and first.source.etag == '"v1"'
        assert first.source.last_ok_at == env.clock.now
        assert await titles(env) == {"Планёрка": EventStatus.ACTIVE}

        env.clock.advance(hours=1)
        again = await calendar.refresh(first.source.id)
        assert again.status == "not_modified"
        _, headers = server.seen[-1]
        assert headers["if-none-match"] == '"v1"'
        assert headers["if-modified-since"] == "Tue, 24 Nov 2026 10:00:00 GMT"
        assert again.source.etag == '"v1"' and again.source.last_ok_at == env.clock.now

        server.answers["/feed.ics"] = Answer(
            body=ics(f"UID:a\r\nSUMMARY:Планёрка в 3-й переговорной\r\n{TOMORROW}"),
            headers={"content-type": "text/calendar", "etag": '"v2"'},
        )
        changed = await calendar.refresh(first.source.id)
        assert changed.status == "applied" and changed.source.etag == '"v2"'
        assert changed.report is not None and changed.report.updated == 1
        assert await titles(env) == {"Планёрка в 3-й переговорной": EventStatus.ACTIVE}


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(500, b"oops"), "http_status"),
        (Answer(200, b"<html><body>Sign in</body></html>", {"content-type": "text/html"}), "html"),
        (Answer(200, b"<!DOCTYPE html><html></html>", {"content-type": "text/plain"}), "html"),
        (Answer(302, b"", {"location": "/broken"}), "redirects"),
        (Answer(200, b"BEGIN:VCALENDAR\r\n" + b"X" * 5000), "too_large"),
        (Answer(200, b"just some text"), "not_calendar"),
        (Answer(200, b"too slow", delay=3.0), "timeout"),
    ],
)
async def test_a_broken_feed_keeps_the_last_good_state(
    env: Env, server: Server, answer: Answer, reason: str
) -> None:
    good = ics(f"UID:a\r\nSUMMARY:Планёрка\r\n{TOMORROW}")
    server.answers["/feed.ics"] = Answer(body=good, headers={"etag": '"v1"'})
    async with local_fetcher(max_bytes=4096, deadline=1.0, read_timeout=1.0) as fetcher:
        calendar = calendar_for(env, fetcher)
        first = await calendar.subscribe(env.team_id, env.owner, server.url())
        assert first.status == "applied"
        ok_at = first.source.last_ok_at
        server.answers["/feed.ics"] = Answer(302, b"", {"location": "/broken"})
        server.answers["/broken"] = answer
        env.clock.advance(hours=1)
        broken = await calendar.refresh(first.source.id)
    assert broken.status == "failed"
    assert broken.source.last_error == reason
    assert broken.source.last_fetched_at == env.clock.now
    assert broken.source.last_ok_at == ok_at and broken.source.etag == '"v1"'
    assert await titles(env) == {"Планёрка": EventStatus.ACTIVE}


async def test_a_redirect_loop_is_refused(server: Server) -> None:
    server.answers["/a"] = Answer(302, b"", {"location": "/b"})
    server.answers["/b"] = Answer(302, b"", {"location": "/a"})
    async with local_fetcher() as fetcher:
        with pytest.raises(FetchFailed) as caught:
            await fetcher.fetch(server.url("/a"))
    assert caught.value.reason == "redirects"
    assert len(server.seen) == 6  # the first request and five redirects, no more


async def test_private_addresses_are_refused_unless_allowed(env: Env, server: Server) -> None:
    server.answers["/feed.ics"] = Answer(body=ics(f"UID:a\r\nSUMMARY:Планёрка\r\n{TOMORROW}"))
    async with IcsFetcher() as fetcher:
        for host in ("127.0.0.1", "localhost"):
            with pytest.raises(FetchFailed) as caught:
                await fetcher.fetch(server.url(host=host))
            assert caught.value.reason == "private_address"
        calendar = calendar_for(env, fetcher)
        refused = await calendar.subscribe(env.team_id, env.owner, server.url())
    assert server.seen == []  # nothing ever connected
    assert refused.status == "failed" and refused.source.last_error == "private_address"
    assert await titles(env) == {}
    async with local_fetcher() as allowed:
        assert (await allowed.fetch(server.url(host="localhost"))).body is not None


async def test_a_redirect_to_a_private_address_is_refused(server: Server) -> None:
    """The check runs at every connection: a feed may not bounce us inside."""
    server.answers["/feed.ics"] = Answer(302, b"", {"location": f"http://10.1.2.3:{server.port}/"})
    async with IcsFetcher(allowed=lambda ip: ip == "127.0.0.1") as fetcher:
        with pytest.raises(FetchFailed) as caught:
            await fetcher.fetch(server.url())
    assert caught.value.reason == "private_address"
    assert [path for path, _ in server.seen] == ["/feed.ics"]


async def test_the_address_checked_is_the_address_connected(server: Server) -> None:
    """A name is resolved once per connection and the connection goes to that address
    (a second DNS answer cannot point it elsewhere)."""
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return next(answers)

    server.answers["/feed.ics"] = Answer(body=ics(f"UID:a\r\n{TOMORROW}"))
    async with IcsFetcher(allowed=lambda ip: ip == "127.0.0.1", resolve=resolve) as fetcher:
        fetched = await fetcher.fetch(f"http://calendar.example:{server.port}/feed.ics")
    assert fetched.body is not None and asked == ["calendar.example"]


def test_address_policy_and_urls() -> None:
    for private in ("127.0.0.1", "10.0.0.8", "192.168.1.1", "172.16.0.1", "169.254.169.254",
                    "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
                    "224.0.0.1", "not an ip",
                    # IPv4 inside IPv6: NAT64, 6to4 (to the cloud metadata address), compatible
                    "64:ff9b::7f00:1", "2002:a9fe:a9fe::1", "::7f00:1"):  # fmt: skip
        assert not is_public(private), private
    for public in ("77.88.55.88", "8.8.8.8", "2a02:6b8::2:242", "64:ff9b::808:808"):
        assert is_public(public), public
    assert feed_url("webcal://calendar.yandex.ru/export/ics.xml?private_token=x") == (
        "https://calendar.yandex.ru/export/ics.xml?private_token=x"
    )
    for bad in ("ftp://example.org/x.ics", "file:///etc/passwd", "https://", "just text", ""):
        with pytest.raises(FetchFailed):
            feed_url(bad)


async def test_due_subscriptions_are_refreshed_from_when_they_were_last_fetched(
    env: Env, server: Server
) -> None:
    """What is due comes from the database, so a restart (a new service) neither
    skips nor repeats a refresh."""
    server.answers["/feed.ics"] = Answer(body=ics(f"UID:a\r\nSUMMARY:Планёрка\r\n{TOMORROW}"))
    async with local_fetcher() as fetcher:
        first = await calendar_for(env, fetcher).subscribe(
            env.team_id, env.owner, server.url(), refresh_minutes=30
        )
        assert len(server.seen) == 1
        restarted = calendar_for(env, fetcher)
        env.clock.advance(minutes=29)
        assert await restarted.refresh_due() == 0
        env.clock.advance(minutes=1)
        assert await restarted.refresh_due() == 1
        assert len(server.seen) == 2
        source = await env.storage.get_calendar_source(first.source.id)
        assert source.last_fetched_at == env.clock.now
        assert source.due_at() == env.clock.now + timedelta(minutes=30)
        assert await restarted.refresh_due() == 0


async def test_the_refresh_loop_runs_until_stopped(env: Env, server: Server) -> None:
    import asyncio

    server.answers["/feed.ics"] = Answer(body=ics(f"UID:a\r\nSUMMARY:Планёрка\r\n{TOMORROW}"))
    async with local_fetcher() as fetcher:
        calendar = calendar_for(env, fetcher)
        await calendar.subscribe(env.team_id, env.owner, server.url(), refresh_minutes=5)
        env.clock.advance(minutes=5)
        stop = asyncio.Event()
        loop = asyncio.create_task(calendar.run(stop, every=0.05))
        for _ in range(100):
            if len(server.seen) >= 2:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(loop, 5)
    assert len(server.seen) == 2  # due once, fetched once
