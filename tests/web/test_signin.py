"""Signing in with the bot's one-time link or the MAX mini-app, sessions, CSRF, headers."""

from __future__ import annotations

import json
import time

from maxremind.domain.webapp import sign_init_data
from maxremind.http.web.visit import SESSION_COOKIE, Throttle
from tests.harness import TOKEN
from tests.web.conftest import BASE, IDS, WebWorld

ORIGIN = {"origin": BASE}


async def test_a_login_link_signs_in_once_and_the_token_is_never_in_a_url(web: WebWorld) -> None:
    browser = web.anonymous()
    token = await web.services.access.login_link(IDS["member"])
    assert len(token) >= 22  # >= 128 random bits, URL-safe
    page = await browser.get("/login")
    assert page.status_code == 200 and 'action="/login"' in page.text
    answer = await browser.post("/login", data={"token": token, "next": "/"}, headers=ORIGIN)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert token not in cookie and token not in answer.headers["location"]
    home = await browser.get("/")
    assert home.status_code == 303 and home.headers["location"] == f"/t/{web.team.id}/"
    again = web.anonymous()
    refused = await again.post("/login", data={"token": token}, headers=ORIGIN)
    assert refused.status_code == 400 and "одноразовая" in refused.text
    assert SESSION_COOKIE not in refused.cookies


async def test_signing_in_again_rotates_the_session(web: WebWorld) -> None:
    browser = await web.client("member")
    first = browser.cookies[SESSION_COOKIE]
    token = await web.services.access.login_link(IDS["member"])
    answer = await browser.post_form("/login", {"token": token})
    assert answer.status_code == 303
    assert browser.cookies[SESSION_COOKIE] != first
    assert await web.services.access.session(first) is None  # the old one is dead


async def test_next_stays_on_this_site(web: WebWorld) -> None:
    for target, expected in (
        ("/t/1/events", "/t/1/events"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
    ):
        browser = web.anonymous()
        token = await web.services.access.login_link(IDS["member"])
        answer = await browser.post("/login", data={"token": token, "next": target}, headers=ORIGIN)
        assert answer.headers["location"] == expected, target


async def test_anonymous_pages_redirect_to_login_and_the_api_says_401(web: WebWorld) -> None:
    browser = web.anonymous()
    answer = await browser.get(f"/t/{web.team.id}/")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next=%2Ft%2F{web.team.id}%2F"
    assert (await browser.post(f"/t/{web.team.id}/", headers=ORIGIN)).status_code in (401, 405)
    landing = await browser.get("/")
    assert landing.status_code == 200 and "/web" in landing.text


async def test_sign_out_and_sign_out_everywhere(web: WebWorld) -> None:
    laptop = await web.client("member")
    phone = await web.client("member")
    assert (await laptop.get("/")).status_code == 303
    answer = await laptop.post_form("/logout")
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert (await laptop.get("/")).status_code == 200  # the landing page: signed out
    assert (await phone.get("/")).status_code == 303  # the phone is still signed in
    tablet = await web.client("member")
    await tablet.post_form("/logout/everywhere")
    assert (await phone.get("/")).status_code == 200
    assert (await tablet.get("/")).status_code == 200


async def test_a_state_change_needs_the_csrf_token_and_this_origin(web: WebWorld) -> None:
    browser = await web.client("member")
    no_token = await browser.post("/logout", data={}, headers=ORIGIN)
    assert no_token.status_code == 403 and "другого сайта" in no_token.text
    wrong = await browser.post("/logout", data={"csrf": "x" * 40}, headers=ORIGIN)
    assert wrong.status_code == 403
    cross = await browser.post(
        "/logout", data={"csrf": browser.csrf}, headers={"origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    assert (await browser.get("/")).status_code == 303  # still signed in: nothing changed
    header = await browser.post("/logout", headers={"x-csrf-token": browser.csrf, **ORIGIN})
    assert header.status_code == 303


async def test_outsiders_get_404_and_team_switching_is_a_redirect(web: WebWorld) -> None:
    outsider = await web.client("outsider")
    assert (await outsider.get("/")).status_code == 200  # "you are not in a team yet"
    assert (await outsider.get(f"/t/{web.team.id}/")).status_code == 404
    assert (await outsider.get(f"/teams/switch?team={web.team.id}")).status_code == 404
    owner = await web.client("other_owner")
    assert (await owner.get(f"/t/{web.team.id}/")).status_code == 404
    member = await web.client("member")
    switch = await member.get(f"/teams/switch?team={web.team.id}")
    assert switch.status_code == 303 and switch.headers["location"] == f"/t/{web.team.id}/"


async def test_the_mini_app_signs_in_from_launch_data_and_deep_links(web: WebWorld) -> None:
    browser = web.anonymous()
    page = await browser.get("/app")
    assert page.status_code == 200 and "/static/miniapp.js" in page.text
    csp = page.headers["content-security-policy"]
    assert "https://st.max.ru" in csp and "frame-ancestors https://web.max.ru" in csp
    user = {"id": IDS["member"], "first_name": "Мария", "username": "member"}
    fields = {
        "user": json.dumps(user, ensure_ascii=False),
        "auth_date": str(int(time.time())),
        "query_id": "q1",
        "start_param": "event-77",
    }
    good = sign_init_data(fields, TOKEN)
    answer = await browser.post("/auth/miniapp", json={"init_data": good}, headers=ORIGIN)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"redirect": "/go/event/77"}
    assert (await browser.get("/")).status_code == 303  # signed in
    forged = sign_init_data({**fields, "start_param": ""}, "another-bot-token")
    refused = await web.anonymous().post(
        "/auth/miniapp", json={"init_data": forged}, headers=ORIGIN
    )
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    stale = sign_init_data({**fields, "auth_date": str(int(time.time()) - 3 * 86400)}, TOKEN)
    old = await web.anonymous().post("/auth/miniapp", json={"init_data": stale}, headers=ORIGIN)
    assert old.status_code == 403
    empty = await web.anonymous().post("/auth/miniapp", json={"x": 1}, headers=ORIGIN)
    assert empty.status_code == 400


async def test_failed_sign_ins_are_throttled_per_address(web: WebWorld) -> None:
    browser = web.anonymous()
    codes = [
        (await browser.post("/login", data={"token": "z" * 30}, headers=ORIGIN)).status_code
        for _ in range(12)
    ]
    assert codes[:10] == [400] * 10 and codes[10:] == [429, 429]
    token = await web.services.access.login_link(IDS["member"])
    blocked = await browser.post("/login", data={"token": token}, headers=ORIGIN)
    assert blocked.status_code == 429  # even a good link waits: no guessing in between
    web.app.state.sign_in_throttle = Throttle(limit=10, window=60.0)  # the minute passes
    assert (await browser.post("/login", data={"token": token}, headers=ORIGIN)).status_code == 303


async def test_pages_may_be_framed_only_by_max_and_say_nosniff_no_referrer(web: WebWorld) -> None:
    answer = await web.anonymous().get("/login")
    assert "frame-ancestors https://web.max.ru" in answer.headers["content-security-policy"]
    assert "x-frame-options" not in answer.headers
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"


async def test_an_oversized_body_is_refused_unread(web: WebWorld) -> None:
    browser = await web.client("member")
    answer = await browser.post(
        "/logout", content=b"x" * (2 << 20), headers={"x-csrf-token": browser.csrf, **ORIGIN}
    )
    assert answer.status_code == 413
