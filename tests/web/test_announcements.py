"""Announcements pages: compose with a MAX markdown preview, send now or at a time,
progress, the lists, and who may."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.core.keys import load_signer
from maxremind.domain.clock import utcnow
from maxremind.domain.models import AudienceEntry, AudienceKind, EventKind, EventStatus, NewEvent
from maxremind.engine.dispatcher import Dispatcher, EngineConfig
from maxremind.storage.ports.overview import EventSummary
from tests.engine.conftest import RecordingSender
from tests.web.conftest import WebWorld


def _base(web: WebWorld) -> str:
    return f"/t/{web.team.id}/announcements"


async def _dispatcher(web: WebWorld, sender: RecordingSender) -> Dispatcher:
    """The engine's dispatcher on the app's database, sending to ``sender``."""
    signer = await load_signer(web.storage)
    return Dispatcher(web.storage, sender, signer, owner="test", config=EngineConfig())


async def _expand(web: WebWorld) -> int:
    """What the engine does when the announcement is due: deliveries per recipient."""
    return await (await _dispatcher(web, RecordingSender())).expand_due()


async def _announcements(web: WebWorld) -> list[EventSummary]:
    found, _ = await web.storage.search_events(
        [web.team.id], now=utcnow(), kind=EventKind.ANNOUNCEMENT, limit=100
    )
    return found


async def test_send_now_plans_deliveries_for_the_audience(web: WebWorld) -> None:
    browser = await web.client("organizer")
    page = await browser.get(_base(web))
    assert page.status_code == 200
    assert 'name="text"' in page.text and "/static/announce.js" in page.text
    answer = await browser.post_form(
        _base(web),
        {"text": "Собрание в 15:00\nВ **большом** зале", "audience_team": "1", "when": "now"},
    )
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    match = re.fullmatch(rf"{_base(web)}/(\d+)\?done=sent", location)
    assert match, location
    event_id = int(match.group(1))
    event = await web.services.agenda.event(event_id)
    assert event is not None and event.kind is EventKind.ANNOUNCEMENT
    assert event.title == "Собрание в 15:00" and event.description == "В **большом** зале"

    assert await _expand(web) == 1
    occurrences = await web.storage.list_occurrences(event_id)
    deliveries = await web.storage.list_deliveries(occurrences[0].id)
    recipients = {d.recipient_id for d in deliveries}
    assert recipients == {web.ids[w] for w in ("owner", "admin", "organizer", "member")}

    one = await browser.get(location)
    assert one.status_code == 200
    assert "Собрание в 15:00" in one.text and "<strong>большом</strong>" in one.text
    assert f'data-live="{_base(web)}/{event_id}/progress"' in one.text
    live = await browser.get(f"{_base(web)}/{event_id}/progress")
    assert live.status_code == 200
    values = live.json()["values"]
    assert values["total"] == 4 and values["waiting"] == 4 and values["sent"] == 0
    assert values["state"] == "отправляется"

    # Once it has gone out, the counts and the list follow.
    sender = RecordingSender()
    assert await (await _dispatcher(web, sender)).send_due() == 4
    assert {s.user_id for s in sender.sent} == recipients
    assert all((s.body.text or "").startswith("📣 Собрание в 15:00") for s in sender.sent)
    values = (await browser.get(f"{_base(web)}/{event_id}/progress")).json()["values"]
    assert (values["sent"], values["waiting"], values["percent"]) == (4, 0, 100)
    assert values["state"] == "отправлено"
    listing = await browser.get(_base(web))
    sent = listing.text.split('id="sent"')[1].split("</table>")[0]
    assert f'href="{_base(web)}/{event_id}"' in sent and "4 из 4" in sent


async def test_scheduled_at_a_time_in_the_team_zone(web: WebWorld) -> None:
    browser = await web.client("organizer")
    zone = ZoneInfo(web.team.timezone)
    when = (datetime.now(zone) + timedelta(days=2)).replace(
        hour=9, minute=30, second=0, microsecond=0, tzinfo=None
    )
    answer = await browser.post_form(
        _base(web),
        {
            "text": "Напоминание о сдаче отчётов",
            "audience_team": "1",
            "when": "later",
            "date": when.date().isoformat(),
            "time": "09:30",
        },
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].endswith("?done=scheduled")
    event_id = int(answer.headers["location"].split("/")[-1].split("?")[0])
    event = await web.services.agenda.event(event_id)
    assert event is not None and event.start_local == when
    assert event.timezone == web.team.timezone
    assert await _expand(web) == 0  # not due yet
    one = await browser.get(answer.headers["location"])
    assert "запланировано" in one.text and "Отменить отправку" in one.text
    listing = await browser.get(_base(web))
    scheduled = listing.text.split('id="scheduled"')[1].split("</table>")[0]
    assert "Напоминание о сдаче отчётов" in scheduled

    # Cancelled before it goes out: it never will.
    cancel = await browser.post_form(f"{_base(web)}/{event_id}/cancel")
    assert cancel.status_code == 303
    event = await web.services.agenda.event(event_id)
    assert event is not None and event.status is EventStatus.CANCELLED
    again = await browser.post_form(f"{_base(web)}/{event_id}/cancel")
    assert again.status_code == 409


async def test_invalid_input_comes_back_filled_in(web: WebWorld) -> None:
    browser = await web.client("organizer")
    yesterday = (datetime.now(ZoneInfo(web.team.timezone)) - timedelta(days=1)).date()
    answer = await browser.post_form(
        _base(web),
        {"text": "Важное <b>объявление</b>", "when": "later", "date": yesterday.isoformat(),
         "time": "10:00"},
    )  # fmt: skip
    assert answer.status_code == 400
    page = answer.text
    assert "Важное &lt;b&gt;объявление&lt;/b&gt;</textarea>" in page
    assert 'id="err-audience"' in page and "Выберите, кому отправить." in page
    assert 'id="err-date"' in page and "Это время уже прошло." in page
    assert 'value="later" checked' in page
    assert await _announcements(web) == []  # nothing saved

    too_long = await browser.post_form(
        _base(web), {"text": "Заголовок\n" + "я" * 4000, "audience_team": "1"}
    )
    assert too_long.status_code == 400
    assert 'id="err-text"' in too_long.text and "4000" in too_long.text
    empty = await browser.post_form(_base(web), {"text": "  ", "audience_team": "1"})
    assert empty.status_code == 400 and "Напишите текст объявления." in empty.text
    assert await _announcements(web) == []


async def test_preview_renders_markdown_and_escapes_html(web: WebWorld) -> None:
    browser = await web.client("organizer")
    text = "Внимание\n*важно* <script>alert(1)</script> [сайт](https://max.ru)"
    answer = await browser.post_form(
        _base(web), {"text": text, "audience_team": "1", "action": "preview"}
    )
    assert answer.status_code == 200
    preview = answer.text.split('id="an-preview"')[1].split("</div>")[0]
    assert "<em>важно</em>" in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview and "<script>" not in preview
    assert '<a href="https://max.ru"' in preview
    assert "📣 Внимание" in preview
    assert await _announcements(web) == []  # a preview sends nothing

    live = await browser.send_json(
        "POST", f"{_base(web)}/preview", {"text": "**жирно** <img src=x onerror=alert(1)>"}
    )
    assert live.status_code == 200
    body = live.json()
    assert "<strong>жирно</strong>" in body["html"]
    assert "<img" not in body["html"] and "&lt;img" in body["html"]
    assert body["limit"] == 4000 and body["length"] == len(
        "📣 **жирно** <img src=x onerror=alert(1)>"
    )


async def test_only_organizers_and_up(web: WebWorld) -> None:
    member = await web.client("member")
    assert (await member.get(_base(web))).status_code == 403
    refused = await member.post_form(_base(web), {"text": "x", "audience_team": "1"})
    assert refused.status_code == 403
    assert (
        await member.send_json("POST", f"{_base(web)}/preview", {"text": "x"})
    ).status_code == 403
    assert await _announcements(web) == []
    outsider = await web.client("outsider")
    assert (await outsider.get(_base(web))).status_code == 404
    anonymous = web.anonymous()
    assert (await anonymous.get(_base(web))).status_code in (302, 303, 307)
    admin = await web.client("admin")
    assert (await admin.get(_base(web))).status_code == 200


async def test_another_teams_announcement_is_not_found(web: WebWorld) -> None:
    other = await web.client("other_owner")
    answer = await other.post_form(
        f"/t/{web.other_team.id}/announcements", {"text": "Чужое", "audience_team": "1"}
    )
    assert answer.status_code == 303
    event_id = int(answer.headers["location"].split("/")[-1].split("?")[0])
    owner = await web.client("owner")
    assert (await owner.get(f"{_base(web)}/{event_id}")).status_code == 404
    assert (await owner.get(f"{_base(web)}/{event_id}/progress")).status_code == 404


async def test_lists_newest_first_in_pages_with_scheduled_apart(web: WebWorld) -> None:
    services = web.services
    team = web.team
    zone = ZoneInfo(team.timezone)

    def spec(title: str, start: datetime) -> NewEvent:
        return NewEvent(
            team_id=team.id,
            organizer_id=web.ids["organizer"],
            title=title,
            start_local=start,
            timezone=team.timezone,
            kind=EventKind.ANNOUNCEMENT,
            audience=(AudienceEntry(AudienceKind.TEAM),),
        )

    now = datetime.now(zone).replace(tzinfo=None, microsecond=0)
    for number in range(1, 13):
        await services.events.create(spec(f"Сообщение №{number:02d}", now))
    later = await services.events.create(spec("Позже", now + timedelta(days=1)), scheduled=True)
    browser = await web.client("admin")

    def titles(html: str, table: str) -> list[str]:
        part = html.split(f'id="{table}"')[1].split("</table>")[0]
        return re.findall(r"(Сообщение №\d\d|Позже)", part)

    first = (await browser.get(_base(web))).text
    assert titles(first, "scheduled") == ["Позже"]
    assert titles(first, "sent") == [f"Сообщение №{n:02d}" for n in range(12, 2, -1)]
    assert "Страница 1 из 2" in first and f'href="{_base(web)}?page=2"' in first
    second = (await browser.get(_base(web) + "?page=2")).text
    assert titles(second, "sent") == ["Сообщение №02", "Сообщение №01"]
    assert titles(second, "scheduled") == ["Позже"]
    assert later.start_local == now + timedelta(days=1)
