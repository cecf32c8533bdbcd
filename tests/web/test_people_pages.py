"""The people pages: members (search, roles, removal, groups, tags), invite links (QR,
revoke), groups and tags, linked chats — and who may see and do what."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import segno

from maxremind.domain.clock import utcnow
from maxremind.domain.models import AudienceEntry, AudienceKind, Language, NewEvent, Role
from maxremind.http.web.pages.people import PAGE_SIZE
from maxremind.services.teams import invite_link
from tests.web.conftest import BASE, IDS, WebWorld

ORIGIN = {"origin": BASE}
SVG_NS = "{http://www.w3.org/2000/svg}"


def people(web: WebWorld, suffix: str = "") -> str:
    return f"/t/{web.team.id}/people{suffix}"


def main(html: str) -> str:
    """The page without its header (which names the signed-in person)."""
    return html.split('<main id="main">', 1)[1]


def row(html: str, user_id: int) -> str:
    """The members table's row of one person."""
    found = re.search(rf'<tr id="member-{user_id}">(.*?)</tr>', html, re.S)
    assert found, f"no row for {user_id}"
    return found.group(1)


# --- who sees what ---------------------------------------------------------------------------


async def test_a_member_sees_everyone_read_only(web: WebWorld) -> None:
    await web.storage.set_user_reachable(IDS["admin"], False, "bot_stopped")
    browser = await web.client("member")
    page = await browser.get(people(web))
    assert page.status_code == 200
    for name in ("Ольга Владелец", "Антон Админ", "Ирина Организатор", "Мария Участник"):
        assert name in page.text
    assert "@organizer" in page.text and "Другая команда" not in page.text
    assert 'name="role"' not in page.text and "/remove" not in page.text
    assert people(web, "/invites") not in page.text  # no invites tab
    assert people(web, "/chats") not in page.text
    admin_row = row(page.text, IDS["admin"])
    assert "недоступен" in admin_row and "остановил бота" not in admin_row  # no reason
    assert "администратор" in admin_row
    # one person's page: no controls either
    one = await browser.get(people(web, f"/{IDS['organizer']}"))
    assert one.status_code == 200 and "Ирина Организатор" in one.text
    assert 'method="post"' not in main(one.text)


async def test_organizers_see_why_someone_is_unreachable_and_the_chats(web: WebWorld) -> None:
    await web.storage.set_user_reachable(IDS["admin"], False, "bot_stopped")
    browser = await web.client("organizer")
    page = await browser.get(people(web))
    assert "остановил бота" in row(page.text, IDS["admin"])
    assert people(web, "/chats") in page.text and people(web, "/invites") not in page.text
    assert 'name="role"' not in page.text
    assert (await browser.get(people(web, "/chats"))).status_code == 200
    assert (await browser.get(people(web, "/invites"))).status_code == 403


async def test_a_member_may_post_nothing(web: WebWorld) -> None:
    browser = await web.client("member")
    target = IDS["organizer"]
    group = await web.services.people.create_group(web.team.id, IDS["owner"], "Склад")
    posts = [
        (people(web, f"/{target}/role"), {"role": "member"}),
        (people(web, f"/{target}/remove"), {}),
        (people(web, f"/{target}/groups"), {"group": str(group.id)}),
        (people(web, f"/{target}/tags"), {"tag": "водители"}),
        (people(web, "/invites"), {}),
        (people(web, "/groups"), {"name": "Новая"}),
        (people(web, f"/groups/{group.id}/rename"), {"name": "Другое"}),
        (people(web, f"/groups/{group.id}/delete"), {}),
    ]
    for url, data in posts:
        answer = await browser.post_form(url, data)
        assert answer.status_code == 403, url
    assert (await browser.get(people(web, "/invites"))).status_code == 403
    assert (await browser.get(people(web, "/chats"))).status_code == 403
    assert (await browser.get(people(web, f"/groups/{group.id}/delete"))).status_code == 403
    assert await web.services.people.role_of(web.team.id, target) is Role.ORGANIZER
    assert [g.name for g in await web.services.people.groups(web.team.id)] == ["Склад"]


async def test_an_outsider_and_another_teams_owner_get_404(web: WebWorld) -> None:
    for who in ("outsider", "other_owner"):
        browser = await web.client(who)
        for url in (people(web), people(web, "/groups"), people(web, f"/{IDS['member']}")):
            assert (await browser.get(url)).status_code == 404, (who, url)
        answer = await browser.post_form(people(web, f"/{IDS['member']}/remove"))
        assert answer.status_code == 404
    assert await web.services.people.role_of(web.team.id, IDS["member"]) is Role.MEMBER


async def test_a_post_without_the_csrf_token_is_refused(web: WebWorld) -> None:
    browser = await web.client("owner")
    answer = await browser.post(people(web, f"/{IDS['member']}/remove"), data={}, headers=ORIGIN)
    assert answer.status_code == 403
    wrong = await browser.post(
        people(web, "/groups"), data={"csrf": "x" * 40, "name": "Хакеры"}, headers=ORIGIN
    )
    assert wrong.status_code == 403
    assert await web.services.people.role_of(web.team.id, IDS["member"]) is Role.MEMBER
    assert await web.services.people.groups(web.team.id) == []


# --- members ----------------------------------------------------------------------------------


async def test_search_by_name_or_username(web: WebWorld) -> None:
    browser = await web.client("member")
    found = main((await browser.get(people(web), params={"q": "мария"})).text)
    assert "Мария Участник" in found and "Антон Админ" not in found
    assert "Показано: 1 из 4" in found
    by_username = main((await browser.get(people(web), params={"q": "@admin"})).text)
    assert "Антон Админ" in by_username and "Мария Участник" not in by_username
    nobody = await browser.get(people(web), params={"q": "Зоя"})
    assert "Никого не нашлось" in nobody.text


async def test_the_list_is_paged(web: WebWorld) -> None:
    for n in range(PAGE_SIZE + 5):
        user = await web.storage.upsert_user(5000 + n, name=f"Яков {n:03d}", username=None)
        await web.storage.add_member(web.team.id, user.user_id, Role.MEMBER)
    browser = await web.client("member")
    first = await browser.get(people(web))
    assert first.text.count('<tr id="member-') == PAGE_SIZE
    assert "Страница 1 из 2" in first.text and 'rel="next"' in first.text
    second = await browser.get(people(web), params={"page": "2"})
    assert second.text.count('<tr id="member-') == 4 + PAGE_SIZE + 5 - PAGE_SIZE
    assert "Яков 054" in second.text and 'rel="prev"' in second.text


async def test_an_admin_changes_roles_only_as_the_service_allows(web: WebWorld) -> None:
    browser = await web.client("admin")
    page = await browser.get(people(web))
    assert 'name="role"' in row(page.text, IDS["member"])
    assert 'name="role"' not in row(page.text, IDS["owner"])  # only an owner manages owners
    member_row = row(page.text, IDS["member"])
    assert 'value="admin"' not in member_row  # admins grant organizer or member only

    back = people(web) + "?q=%D0%BC"
    answer = await browser.post_form(
        people(web, f"/{IDS['member']}/role"), {"role": "organizer", "next": back}
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(back + "&done=role")
    assert await web.services.people.role_of(web.team.id, IDS["member"]) is Role.ORGANIZER
    done = await browser.get(answer.headers["location"])
    assert "Роль изменена" in done.text

    refused = await browser.post_form(people(web, f"/{IDS['member']}/role"), {"role": "admin"})
    assert refused.status_code == 403
    assert 'id="role-error"' in refused.text and "владелец" in refused.text
    assert await web.services.people.role_of(web.team.id, IDS["member"]) is Role.ORGANIZER

    bad = await browser.post_form(people(web, f"/{IDS['member']}/role"), {"role": "king"})
    assert bad.status_code == 400 and "Выберите роль" in bad.text

    # next pointing off the section falls back to the member's page
    away = await browser.post_form(
        people(web, f"/{IDS['member']}/role"), {"role": "member", "next": "https://evil.example/"}
    )
    assert away.headers["location"] == people(web, f"/{IDS['member']}?done=role")


async def test_the_last_owner_keeps_the_role_and_says_why(web: WebWorld) -> None:
    browser = await web.client("owner")
    page = await browser.get(people(web))
    assert 'value="owner"' in row(page.text, IDS["member"])  # an owner grants any role
    answer = await browser.post_form(people(web, f"/{IDS['owner']}/role"), {"role": "admin"})
    assert answer.status_code == 400
    assert "единственный владелец" in answer.text
    assert await web.services.people.role_of(web.team.id, IDS["owner"]) is Role.OWNER
    promote = await browser.post_form(people(web, f"/{IDS['admin']}/role"), {"role": "owner"})
    assert promote.status_code == 303
    assert await web.services.people.role_of(web.team.id, IDS["admin"]) is Role.OWNER


async def test_removing_members(web: WebWorld) -> None:
    browser = await web.client("admin")
    owner_page = await browser.get(people(web, f"/{IDS['owner']}"))
    assert f"/{IDS['owner']}/remove" not in owner_page.text  # no button the service refuses
    member_page = await browser.get(people(web, f"/{IDS['member']}"))
    assert f"/{IDS['member']}/remove" in member_page.text and "data-confirm" in member_page.text

    refused = await browser.post_form(people(web, f"/{IDS['owner']}/remove"))
    assert refused.status_code == 400 and "Владельца убрать нельзя" in refused.text
    assert await web.services.people.role_of(web.team.id, IDS["owner"]) is Role.OWNER
    yourself = await browser.post_form(people(web, f"/{IDS['admin']}/remove"))
    assert yourself.status_code == 400 and "/leave" in yourself.text

    answer = await browser.post_form(people(web, f"/{IDS['member']}/remove"))
    assert answer.status_code == 303 and answer.headers["location"] == people(web, "?done=removed")
    assert await web.services.people.role_of(web.team.id, IDS["member"]) is None
    after = await browser.get(answer.headers["location"])
    assert "Мария Участник" not in main(after.text) and "Убран из команды" in after.text
    assert (await browser.get(people(web, f"/{IDS['member']}"))).status_code == 404
    gone = await browser.post_form(people(web, f"/{IDS['member']}/remove"))
    assert gone.status_code == 404


async def test_groups_and_tags_of_one_member(web: WebWorld) -> None:
    service = web.services.people
    night = await service.create_group(web.team.id, IDS["owner"], "Ночная смена")
    browser = await web.client("admin")
    member = IDS["member"]
    page = await browser.get(people(web, f"/{member}"))
    assert f'<option value="{night.id}">Ночная смена</option>' in page.text

    added = await browser.post_form(people(web, f"/{member}/groups"), {"group": str(night.id)})
    assert added.status_code == 303
    assert [g.name for g in await service.groups_of(web.team.id, member)] == ["Ночная смена"]
    listed = await browser.get(people(web), params={"group": str(night.id)})
    assert "Мария Участник" in main(listed.text) and "Антон Админ" not in main(listed.text)
    assert "Ночная смена" in row(listed.text, member)

    other_group = await service.create_group(web.other_team.id, IDS["other_owner"], "Чужая")
    foreign = await browser.post_form(
        people(web, f"/{member}/groups"), {"group": str(other_group.id)}
    )
    assert foreign.status_code == 404
    missing = await browser.post_form(people(web, f"/{member}/groups"), {"group": ""})
    assert missing.status_code == 400 and 'id="group-error"' in missing.text

    out = await browser.post_form(people(web, f"/{member}/groups/{night.id}/remove"))
    assert out.status_code == 303
    assert await service.groups_of(web.team.id, member) == []

    tagged = await browser.post_form(people(web, f"/{member}/tags"), {"tag": "#водители"})
    assert tagged.status_code == 303
    tags = await service.tags_of(web.team.id, member)
    assert [t.name for t in tags] == ["водители"]
    shown = await browser.get(people(web))
    assert "#водители" in row(shown.text, member)
    empty = await browser.post_form(people(web, f"/{member}/tags"), {"tag": "  "})
    assert empty.status_code == 400 and "не может быть пустым" in empty.text
    untagged = await browser.post_form(people(web, f"/{member}/tags/{tags[0].id}/remove"))
    assert untagged.status_code == 303
    assert await service.tags_of(web.team.id, member) == []

    other_tag, _, _ = await service.tag(
        web.other_team.id, IDS["other_owner"], "чужая", [IDS["other_owner"]]
    )
    cross = await browser.post_form(people(web, f"/{member}/tags/{other_tag.id}/remove"))
    assert cross.status_code == 404
    assert [t.name for t in await service.tags_of(web.other_team.id, IDS["other_owner"])] == [
        "чужая"
    ]


# --- invites ----------------------------------------------------------------------------------


def qr_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules a segno SVG path draws (``M``/``m`` moves, ``h`` runs)."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg" and root.get("viewBox")  # scales to the <img> size
    paths = [p for p in root.iter(f"{SVG_NS}path") if p.get("stroke")]
    assert len(paths) == 1
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", paths[0].get("d", "")):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(a)):
                dark.add((int(x) + i, int(y)))
            x += float(a)
    return dark


async def test_invites_create_show_qr_and_revoke(web: WebWorld) -> None:
    service = web.services.people
    group = await service.create_group(web.team.id, IDS["owner"], "Склад")
    before = {i.code for i in await service.usable_invites(web.team.id)}
    browser = await web.client("admin")
    answer = await browser.post_form(
        people(web, "/invites"),
        {"amount": "7", "unit": "days", "uses": "10", "group": str(group.id)},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == people(web, "/invites?done=invite_created")
    (invite,) = [i for i in await service.usable_invites(web.team.id) if i.code not in before]
    assert invite.group_id == group.id and invite.max_uses == 10
    assert invite.expires_at is not None
    assert timedelta(days=6, hours=23) < invite.expires_at - utcnow() <= timedelta(days=7)

    page = await browser.get(answer.headers["location"])
    link = invite_link("remind_bot", invite.code)
    assert link == f"https://max.ru/remind_bot?start={invite.code}"
    assert f'class="invite-link" value="{link}" readonly' in page.text
    assert f'data-copy="{link}"' in page.text
    assert "В группу «Склад»" in page.text and "осталось: 10 из 10" in page.text
    qr_url = people(web, f"/invites/{invite.code}/qr.svg")
    assert f'<img src="{qr_url}"' in page.text

    qr = await browser.get(qr_url)
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert "<script" not in qr.text and "style=" not in qr.text
    expected = segno.make(link, error="m", micro=False)
    size = len(expected.matrix)
    want = {(x + 4, y + 4) for y in range(size) for x in range(size) if expected.matrix[y][x]}
    assert qr_modules(qr.text) == want  # the picture is exactly the QR code of the link

    revoked = await browser.post_form(people(web, f"/invites/{invite.code}/revoke"))
    assert revoked.status_code == 303
    after = await browser.get(revoked.headers["location"])
    assert invite.code not in after.text and "Приглашение отозвано" in after.text
    assert invite.code not in {i.code for i in await service.usable_invites(web.team.id)}
    assert (await browser.get(qr_url)).status_code == 404
    again = await browser.post_form(people(web, f"/invites/{invite.code}/revoke"))
    assert again.status_code == 404


async def test_bad_invite_terms_come_back_next_to_the_field(web: WebWorld) -> None:
    browser = await web.client("owner")
    before = await web.services.people.usable_invites(web.team.id)
    for data, field, text in (
        ({"amount": "400", "unit": "days"}, "invite-amount-error", "до 365 дней"),
        ({"amount": "0", "unit": "hours"}, "invite-amount-error", "до 365 дней"),
        ({"amount": "x", "unit": "days"}, "invite-amount-error", "до 365 дней"),
        ({"amount": "", "uses": "0"}, "invite-uses-error", "от 1 до 100000"),
        ({"amount": "", "uses": "много"}, "invite-uses-error", "от 1 до 100000"),
    ):
        answer = await browser.post_form(people(web, "/invites"), data)
        assert answer.status_code == 400, data
        assert f'id="{field}"' in answer.text and text in answer.text, data
        assert f'value="{data.get("uses", data["amount"])}"' in answer.text  # kept
    assert await web.services.people.usable_invites(web.team.id) == before
    unlimited = await browser.post_form(people(web, "/invites"), {"amount": "", "uses": ""})
    assert unlimited.status_code == 303
    page = await browser.get(people(web, "/invites"))
    assert "бессрочно" in page.text


async def test_an_invite_of_another_team_is_not_found_here(web: WebWorld) -> None:
    theirs = await web.services.people.create_invite(web.other_team.id, IDS["other_owner"])
    browser = await web.client("owner")
    answer = await browser.post_form(people(web, f"/invites/{theirs.code}/revoke"))
    assert answer.status_code == 404
    qr = await browser.get(people(web, f"/invites/{theirs.code}/qr.svg"))
    assert qr.status_code == 404
    assert theirs.code in {
        i.code for i in await web.services.people.usable_invites(web.other_team.id)
    }


# --- groups -----------------------------------------------------------------------------------


async def test_groups_create_rename_and_refusals(web: WebWorld) -> None:
    service = web.services.people
    browser = await web.client("admin")
    created = await browser.post_form(people(web, "/groups"), {"name": "  Ночная   смена "})
    assert created.status_code == 303
    (group,) = await service.groups(web.team.id)
    assert group.name == "Ночная смена"
    twice = await browser.post_form(people(web, "/groups"), {"name": "ночная смена"})
    assert twice.status_code == 400
    assert 'id="new-group-error"' in twice.text and "уже есть" in twice.text
    assert 'value="ночная смена"' in twice.text
    await service.create_group(web.team.id, IDS["owner"], "Дневная смена")
    clash = await browser.post_form(
        people(web, f"/groups/{group.id}/rename"), {"name": "Дневная смена"}
    )
    assert clash.status_code == 400 and f'id="group-{group.id}-error"' in clash.text
    renamed = await browser.post_form(people(web, f"/groups/{group.id}/rename"), {"name": "Ночь"})
    assert renamed.status_code == 303
    assert (await service.group(group.id)).name == "Ночь"
    member_view = await (await web.client("member")).get(people(web, "/groups"))
    assert "Ночь" in member_view.text and "Дневная смена" in member_view.text
    assert "/rename" not in member_view.text and "/delete" not in member_view.text


async def test_deleting_a_group_asks_first_and_names_the_events_put_on_hold(
    web: WebWorld,
) -> None:
    service = web.services.people
    group = await service.create_group(web.team.id, IDS["owner"], "Склад")
    await service.add_to_group(web.team.id, IDS["owner"], group.id, [IDS["member"]])
    event = await web.services.events.create(
        NewEvent(
            team_id=web.team.id,
            organizer_id=IDS["organizer"],
            title="Инвентаризация",
            start_local=datetime.now().replace(microsecond=0) + timedelta(days=3),
            timezone="Europe/Moscow",
            audience=(AudienceEntry(AudienceKind.GROUP, group.id),),
        )
    )
    browser = await web.client("owner")
    confirm = await browser.get(people(web, f"/groups/{group.id}/delete"))
    assert confirm.status_code == 200
    assert "Удалить группу «Склад»?" in confirm.text and "Людей в группе: 1" in confirm.text
    assert (await service.groups(web.team.id)) == [group]  # asking changes nothing

    answer = await browser.post_form(people(web, f"/groups/{group.id}/delete"))
    assert answer.status_code == 303
    assert f"flagged={event.id}" in answer.headers["location"]
    assert await service.groups(web.team.id) == []
    page = await browser.get(answer.headers["location"])
    assert "Группа удалена" in page.text and "Приостановлены события" in page.text
    assert f'<a href="/t/{web.team.id}/events/{event.id}">Инвентаризация</a>' in page.text
    assert (await browser.get(people(web, f"/groups/{group.id}/delete"))).status_code == 404


# --- chats ------------------------------------------------------------------------------------


async def test_linked_chats_and_removed_ones(web: WebWorld) -> None:
    chats = web.services.chats
    group = await web.services.people.create_group(web.team.id, IDS["owner"], "Склад")
    for chat_id, title in ((-701, "Склад — чат"), (-702, "Общий чат"), (-703, "Старый чат")):
        await web.storage.upsert_chat(chat_id, title=title, chat_type="chat", added_by=IDS["owner"])
    await chats.link(-701, IDS["organizer"], web.team.id, group.id)
    await chats.link(-702, IDS["organizer"], web.team.id, None)
    await chats.link(-703, IDS["organizer"], web.team.id, None)
    await chats.bot_removed(-703, actor_id=None)
    browser = await web.client("organizer")
    page = await browser.get(people(web, "/chats"))
    assert page.status_code == 200
    linked, _, removed = page.text.partition("Чаты, из которых удалили бота")
    assert "Склад — чат" in linked and "Общий чат" in linked and "Старый чат" not in linked
    assert f'href="/t/{web.team.id}/people?group={group.id}">Склад</a>' in linked
    assert "Старый чат" in removed and "бота удалили" in removed
    assert "/link" in page.text


async def test_the_pages_speak_english_to_an_english_speaker(web: WebWorld) -> None:
    await web.services.users.set_language(IDS["admin"], Language.EN)
    browser = await web.client("admin")
    page = await browser.get(people(web))
    assert '<html lang="en">' in page.text and "<h1>People</h1>" in page.text
    assert "Showing 4 of 4" in page.text and "Invite links" in page.text
    refused = await browser.post_form(people(web, f"/{IDS['owner']}/remove"))
    assert "An owner cannot be removed" in refused.text
