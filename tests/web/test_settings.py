"""Settings pages: the team's (/t/<team>/settings) and one's own (/me): language, clock,
API tokens (secret shown once, works as a bearer token, revoked → 401), sessions."""

from __future__ import annotations

import re
from datetime import timedelta

from maxremind.domain.models import Language, QuietHoursSpec, ReminderSpec, ReminderTarget
from tests.web.conftest import BASE, WebWorld

_SECRET = re.compile(r'<code id="token-secret">([^<]+)</code>')


# --- /me ---------------------------------------------------------------------------------


async def test_language_switch_changes_the_pages_language(web: WebWorld) -> None:
    browser = await web.client("member")
    page = await browser.get("/me")
    assert page.status_code == 200
    assert "<h1>Мои настройки</h1>" in page.text and '<html lang="ru">' in page.text
    answer = await browser.post_form("/me/language", {"language": "en"})
    assert answer.status_code == 303 and answer.headers["location"] == "/me?done=language"
    page = await browser.get("/me?done=language")
    assert "<h1>My settings</h1>" in page.text and '<html lang="en">' in page.text
    assert "Language changed." in page.text
    user = await web.services.users.get(web.ids["member"])
    assert user is not None and user.language is Language.EN
    # Every page follows, the team's too.
    dashboard = await browser.get(f"/t/{web.team.id}/people")
    assert '<html lang="en">' in dashboard.text
    bad = await browser.post_form("/me/language", {"language": "de"})
    assert bad.status_code == 400
    back = await browser.post_form("/me/language", {"language": "ru"})
    assert back.status_code == 303
    assert "<h1>Мои настройки</h1>" in (await browser.get("/me")).text


async def test_own_zone_and_quiet_hours(web: WebWorld) -> None:
    browser = await web.client("member")
    answer = await browser.post_form(
        "/me/clock", {"zone": "Asia/Novosibirsk", "quiet": "22:30-7:00"}
    )
    assert answer.status_code == 303
    user = await web.services.users.get(web.ids["member"])
    assert user is not None and user.timezone == "Asia/Novosibirsk"
    assert user.quiet_hours == QuietHoursSpec("22:30", "07:00")
    page = await browser.get("/me")
    assert '<option value="Asia/Novosibirsk" selected>' in page.text
    assert 'value="22:30-07:00"' in page.text

    wrong = await browser.post_form("/me/clock", {"zone": "Mars/Olympus", "quiet": "25:00-8"})
    assert wrong.status_code == 400
    assert 'id="me-zone-error"' in wrong.text and 'id="me-quiet-error"' in wrong.text
    assert 'value="25:00-8"' in wrong.text  # the form comes back as typed
    user = await web.services.users.get(web.ids["member"])
    assert user is not None and user.timezone == "Asia/Novosibirsk"  # nothing half-saved

    # Empty: back to the team's zone and quiet hours.
    assert (await browser.post_form("/me/clock", {"zone": "", "quiet": ""})).status_code == 303
    user = await web.services.users.get(web.ids["member"])
    assert user is not None and user.timezone is None and user.quiet_hours is None


async def test_api_token_shown_once_works_and_is_revoked(web: WebWorld) -> None:
    browser = await web.client("organizer")
    created = await browser.post_form("/me/tokens", {"name": "Скрипт кадров", "team": web.team.id})
    assert created.status_code == 200
    found = _SECRET.search(created.text)
    assert found, "the new token's secret is shown"
    secret = found.group(1)
    page = await browser.get("/me")
    assert "Скрипт кадров" in page.text and secret not in page.text  # never again
    tokens = await web.services.access.api_tokens(web.ids["organizer"])
    assert [t.name for t in tokens] == ["Скрипт кадров"]

    api = web.anonymous()
    bearer = {"authorization": f"Bearer {secret}"}
    members = await api.get(f"/api/v1/teams/{web.team.id}/members", headers=bearer)
    assert members.status_code == 200
    page_by_token = await api.get(f"/t/{web.team.id}/announcements", headers=bearer)
    assert page_by_token.status_code == 403  # tokens are for the API, not the pages
    other = await api.get(f"/api/v1/teams/{web.other_team.id}/members", headers=bearer)
    assert other.status_code == 404  # scoped to its team

    revoked = await browser.post_form(f"/me/tokens/{tokens[0].id}/revoke")
    assert revoked.status_code == 303
    assert (
        await api.get(f"/api/v1/teams/{web.team.id}/members", headers=bearer)
    ).status_code == 401
    refused_page = await api.get(f"/t/{web.team.id}/announcements", headers=bearer)
    assert refused_page.status_code == 303  # a page asks to sign in
    assert refused_page.headers["location"].startswith("/login")
    assert "Скрипт кадров" not in (await browser.get("/me")).text
    # Someone else's token is not theirs to revoke.
    owner_token, _ = await web.services.access.create_api_token(web.ids["owner"], web.team.id, "x")
    assert (await browser.post_form(f"/me/tokens/{owner_token.id}/revoke")).status_code == 404
    assert [t.id for t in await web.services.access.api_tokens(web.ids["owner"])] == [
        owner_token.id
    ]


async def test_token_form_errors(web: WebWorld) -> None:
    browser = await web.client("member")
    empty = await browser.post_form("/me/tokens", {"name": " ", "team": web.team.id})
    assert empty.status_code == 400 and 'id="token-name-error"' in empty.text
    foreign = await browser.post_form("/me/tokens", {"name": "чужая", "team": web.other_team.id})
    assert foreign.status_code == 400 and 'id="token-team-error"' in foreign.text
    assert 'value="чужая"' in foreign.text
    assert await web.services.access.api_tokens(web.ids["member"]) == []
    no_csrf = await browser.post(
        "/me/tokens", data={"name": "x", "team": web.team.id}, headers={"origin": BASE}
    )
    assert no_csrf.status_code == 403


async def test_sessions_and_sign_out_everywhere(web: WebWorld) -> None:
    phone = await web.client("member")
    laptop = await web.client("member")
    page = await laptop.get("/me")
    assert page.text.count("это устройство") == 1
    assert page.text.count("ссылка из бота") == 2  # both browsers
    answer = await laptop.post_form("/logout/everywhere")
    assert answer.status_code == 303
    assert (await phone.get("/me")).status_code in (302, 303, 307)  # signed out there too
    assert await web.services.access.sessions(web.ids["member"]) == []


# --- /t/<team>/settings ------------------------------------------------------------------


async def test_team_settings_persist(web: WebWorld) -> None:
    browser = await web.client("admin")
    url = f"/t/{web.team.id}/settings"
    page = await browser.get(url)
    assert page.status_code == 200
    assert '<option value="Europe/Moscow" selected>' in page.text
    answer = await browser.post_form(
        url,
        {
            "zone": "Asia/Yekaterinburg",
            "quiet": "22:00-08:00",
            "reminders": "за 1 день, за 1 час",
            "chase": "за 3 часа",
            "summary": "за 30 минут",
        },
    )
    assert answer.status_code == 303 and answer.headers["location"] == url + "?done=saved"
    team = await web.services.people.team(web.team.id)
    assert team.timezone == "Asia/Yekaterinburg"
    assert team.quiet_hours == QuietHoursSpec("22:00", "08:00")
    assert team.default_reminders == (timedelta(days=1), timedelta(hours=1))
    assert team.default_escalation == (
        ReminderSpec(offset=timedelta(hours=3), target=ReminderTarget.UNANSWERED),
        ReminderSpec(offset=timedelta(minutes=30), target=ReminderTarget.ORGANIZER_SUMMARY),
    )
    page = await browser.get(url + "?done=saved")
    assert "Сохранено." in page.text
    assert 'value="за 1 день, за 1 час"' in page.text and 'value="за 3 часа"' in page.text
    assert '<option value="Asia/Yekaterinburg" selected>' in page.text
    # Emptied: no quiet hours, no defaults.
    cleared = await browser.post_form(
        url,
        {"zone": "Asia/Yekaterinburg", "quiet": "", "reminders": "", "chase": "", "summary": ""},
    )
    assert cleared.status_code == 303
    team = await web.services.people.team(web.team.id)
    assert team.quiet_hours is None and team.default_reminders == () == team.default_escalation


async def test_team_settings_errors_save_nothing(web: WebWorld) -> None:
    browser = await web.client("owner")
    url = f"/t/{web.team.id}/settings"
    answer = await browser.post_form(
        url,
        {"zone": "Europe/Nowhere", "quiet": "8-22", "reminders": "за 1 день", "chase": "вчера",
         "summary": ""},
    )  # fmt: skip
    assert answer.status_code == 400
    for name in ("zone", "quiet", "chase"):
        assert f'id="st-{name}-error"' in answer.text, name
    assert 'value="вчера"' in answer.text and 'value="за 1 день"' in answer.text
    twice = await browser.post_form(
        url,
        {"zone": "Europe/Moscow", "quiet": "", "reminders": "за 1 час", "chase": "за 1 час",
         "summary": ""},
    )  # fmt: skip
    assert twice.status_code == 400 and 'id="st-chase-error"' in twice.text
    team = await web.services.people.team(web.team.id)
    assert team.timezone == "Europe/Moscow" and team.default_reminders == ()


async def test_members_see_settings_read_only(web: WebWorld) -> None:
    await web.services.people.set_team_defaults(
        web.team.id, web.ids["owner"], [timedelta(hours=2)], []
    )
    for who in ("member", "organizer"):
        browser = await web.client(who)
        url = f"/t/{web.team.id}/settings"
        page = await browser.get(url)
        assert page.status_code == 200
        assert '<form method="post" action="' + url not in page.text
        facts = page.text.split('id="settings"')[1].split("</dl>")[0]
        assert "Europe/Moscow" in facts and "за 2 часа" in facts
        refused = await browser.post_form(url, {"zone": "Asia/Omsk", "quiet": "", "reminders": ""})
        assert refused.status_code == 403
    assert (await web.services.people.team(web.team.id)).timezone == "Europe/Moscow"
    outsider = await web.client("outsider")
    assert (await outsider.get(f"/t/{web.team.id}/settings")).status_code == 404
