"""The instance page: instance admins only; the MAX connection, the queue, deliveries per
hour, the database and the backups."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

from maxremind.domain.models import DeliveryKind, NewDelivery, RecipientKind
from maxremind.storage.migrations import latest_version
from tests.web.conftest import IDS, WebWorld


async def test_only_instance_admins_may_open_it(web: WebWorld) -> None:
    for who in ("admin", "organizer", "member", "outsider", "other_owner"):
        browser = await web.client(who)
        answer = await browser.get("/instance")
        assert answer.status_code == 403, who
        assert "Сервер" not in answer.text.split("<main", 1)[1].split("</h1>")[0], who
    anonymous = web.anonymous()
    answer = await anonymous.get("/instance")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    owner = await web.client("owner")  # MAXREMIND_ADMIN_IDS in the fixture
    page = await owner.get("/instance")
    assert page.status_code == 200
    assert 'href="/instance" aria-current="page"' in page.text


async def test_it_shows_the_connection_version_database_and_an_empty_queue(web: WebWorld) -> None:
    owner = await web.client("owner")
    text = (await owner.get("/instance")).text
    assert "Напоминалка (@remind_bot)" in text
    assert "long polling" in text and "доступен" in text
    assert "<td>test</td>" in text  # the version
    assert f'<td id="schema-version">{latest_version("sqlite")}</td>' in text
    assert '<td class="num" id="queue-depth">0</td>' in text
    assert "ещё не было" in text  # no update from MAX yet
    assert "копий ещё нет" in text  # the backup folder is made by the first backup
    # The file and its size (a fresh file with every migration is about a megabyte).
    assert "maxremind.db" in text and re.search(r"Размер файла</th><td>[\d,]+ (КБ|МБ)<", text)
    assert "Пока ничего не отправлено." in text


async def test_queue_sends_per_hour_last_update_and_backups(web: WebWorld) -> None:
    now = datetime.now(UTC)
    await web.storage.add_deliveries(
        [
            NewDelivery(
                f"i{uid}", RecipientKind.USER, uid, due_at=now, send_at=now,
                kind=DeliveryKind.REMINDER,
            )
            for uid in (IDS["admin"], IDS["organizer"], IDS["member"])
        ]
    )  # fmt: skip
    claimed = await web.storage.claim_deliveries(
        now=now, owner="t", lease_until=now + timedelta(minutes=1), limit=1
    )
    await web.storage.record_sent(claimed[0].key, owner="t", max_message_id=None, sent_at=now)
    await web.storage.inbox_add([("u1", "message_created", "{}")], at=now)
    folder = web.services.instance.backups_dir
    assert folder is not None
    folder.mkdir(parents=True)
    (folder / "maxremind-20260101-000000.db").write_bytes(b"x" * 10)
    newest = folder / "maxremind-manual-20260102-000000.db"
    newest.write_bytes(b"y" * 2048)
    os.utime(folder / "maxremind-20260101-000000.db", (1, 1))
    (folder / "notes.txt").write_text("not a backup")

    status = await web.services.instance.status()
    assert status.queue_depth == 2
    assert len(status.sent_per_hour) == 24 and status.sent_last_day == 1
    assert status.sent_per_hour[-1].sent == 1  # this hour, the last row
    assert status.backups is not None and status.backups.count == 2
    assert status.backups.latest is not None and status.backups.latest.name == newest.name

    owner = await web.client("owner")
    text = (await owner.get("/instance")).text
    assert '<td class="num" id="queue-depth">2</td>' in text
    assert "ещё не было" not in text
    assert "maxremind-manual-20260102-000000.db" in text and "2,0 КБ" in text
    assert '<td class="num">2</td>' in text  # copies in the folder
    assert 'отправлены <span class="muted">(sent)</span></td><td class="num">1</td>' in text
    assert "запланированы" in text


async def test_an_unreadable_backup_folder_is_said_so(web: WebWorld) -> None:
    folder = web.services.instance.backups_dir
    assert folder is not None
    folder.write_text("a file where the folder should be")
    owner = await web.client("owner")
    text = (await owner.get("/instance")).text
    assert "Папку не удаётся прочитать" in text


async def test_it_lists_the_processes_sharing_the_database_and_flags_a_silent_one(
    web: WebWorld,
) -> None:
    from maxremind.storage.ports.workers import WorkerInfo

    now = datetime.now(UTC)
    await web.storage.heartbeat(
        "a:1:x", WorkerInfo(("web", "bot", "engine"), "app-1", 101, now), at=now
    )
    await web.storage.heartbeat(
        "b:2:y", WorkerInfo(("engine",), "app-2", 202, now), at=now - timedelta(seconds=30)
    )
    owner = await web.client("owner")
    text = (await owner.get("/instance")).text
    section = text.split('id="workers-title"', 1)[1].split("</section>", 1)[0]
    assert "app-1" in section and "pid 101" in section and "веб, бот, рассылка" in section
    assert "app-2" in section and "молчит 30 с" in section
