"""People pages under ``/t/<team>/people``: members, invite links, groups and tags,
linked chats.

Everyone in the team sees the list of people; organizers also see why someone cannot
be reached and the linked chats; admins and owners change roles, remove people, put
them in groups and tags, and manage invites and groups.  What a role may do is the
people service's rule (:mod:`maxremind.services.teams`): the pages show a control only
where the service would allow it, and show the service's refusal next to the control
when it does not.  Linking a chat needs MAX (who is in it), so it stays in the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response
from starlette.routing import Route

from maxremind.domain.clock import utcnow
from maxremind.domain.ids import digits
from maxremind.domain.models import Group, Invite, Member, Role
from maxremind.http.web import texts_people as _texts  # noqa: F401  (registers the texts)
from maxremind.http.web.visit import Visit, WebError, route
from maxremind.i18n import TEXTS
from maxremind.services.errors import PeopleRefused, PermissionDenied
from maxremind.services.teams import (
    MAX_INVITE_USES,
    RosterEntry,
    assignable_roles,
    invite_link,
    normalize,
    removal_refusal,
)

PAGE_SIZE = 50
MAX_QUERY = 100
FLAGGED_SHOWN = 20
BASE = "/t/{team_id:int}/people"

# Notices a page shows after a successful post (``?done=<key>``), by text key.
DONE = {
    "role": "web_people_done_role",
    "removed": "web_people_done_removed",
    "group_added": "web_people_done_group_added",
    "group_removed": "web_people_done_group_removed",
    "tagged": "web_people_done_tagged",
    "untagged": "web_people_done_untagged",
    "invite_created": "web_people_done_invite_created",
    "invite_revoked": "web_people_done_invite_revoked",
    "group_created": "web_people_done_group_created",
    "group_renamed": "web_people_done_group_renamed",
    "group_deleted": "web_people_done_group_deleted",
}
UNITS = {"hours": timedelta(hours=1), "days": timedelta(days=1)}


# --- helpers -----------------------------------------------------------------------------


def _base(visit: Visit) -> str:
    return f"/t/{visit.team_id}/people"


def _done(visit: Visit) -> str:
    key = DONE.get(visit.request.query_params.get("done", ""))
    return visit.t(key) if key else ""


def _back(visit: Visit, target: str, fallback: str) -> str:
    """Where to go after a post: a page of this section only (no open redirect)."""
    base = _base(visit)
    if (target == base or target.startswith((base + "/", base + "?"))) and "\\" not in target:
        return target
    return fallback


def _with_done(url: str, key: str) -> str:
    path, _, query = url.partition("?")
    kept = [p for p in query.split("&") if p and not p.startswith("done=")]
    return path + "?" + "&".join([*kept, urlencode({"done": key})])


def refusal_text(visit: Visit, exc: PeopleRefused | PermissionDenied) -> str:
    """The service's refusal in the viewer's language."""
    if isinstance(exc, PermissionDenied):
        return visit.t("web_role_needed", role=visit.t(f"role_{exc.needed.value}"))
    key = f"web_people_err_{exc.reason}"
    if key in TEXTS:
        return visit.t(key, **exc.params)
    return visit.t("web_refused", reason=exc.reason)


def _status(exc: PeopleRefused | PermissionDenied) -> int:
    return 403 if isinstance(exc, PermissionDenied) else 400


def reachability(visit: Visit, reason: str | None) -> str:
    """Why the bot cannot reach someone, in words (organizers see it)."""
    if reason in ("bot_stopped", "dialog_removed"):
        return visit.t(f"web_people_unreachable_{reason}")
    return visit.t("web_people_unreachable_other", reason=reason or "—")


async def _form_text(visit: Visit, name: str, limit: int = 200) -> str:
    value = (await visit.form()).get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


async def _form_int(visit: Visit, name: str) -> int | None:
    raw = await _form_text(visit, name, 20)
    return int(raw) if digits(raw) else None


async def _me(visit: Visit) -> Member:
    me = await visit.services.people.member(visit.team_id, visit.user.user_id)
    if me is None:  # left the team between the door and here
        raise WebError(404, "web_not_found")
    return me


async def _render(visit: Visit, template: str, *, status: int = 200, **context: Any) -> Response:
    """A page of this section, with the section's own navigation."""
    context.setdefault("done", _done(visit))
    return await visit.render(template, status=status, subnav=sections(visit), **context)


def _path_int(visit: Visit, name: str) -> int:
    value: int = visit.request.path_params[name]
    return value


# --- members -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    entry: RosterEntry
    roles: tuple[Role, ...]  # what the viewer may set (empty: no control)
    reason: str  # why unreachable, in words ("" when reachable or not shown)


def _matches(entry: RosterEntry, key: str) -> bool:
    member = entry.member
    return key in normalize(member.name) or (
        member.username is not None and key in normalize(member.username)
    )


@route(BASE)
async def members_page(visit: Visit) -> Response:
    """Everyone in the team, searchable and filterable by group or tag, paged."""
    params = visit.request.query_params
    query = params.get("q", "").strip()[:MAX_QUERY]
    group_id = int(params["group"]) if digits(params.get("group", "")) else None
    tag_id = int(params["tag"]) if digits(params.get("tag", "")) else None
    page = int(params["page"]) if digits(params.get("page", "")) else 1
    people = visit.services.people
    roster = await people.roster(visit.team_id)
    total = len(roster)
    key = normalize(query.lstrip("@"))
    if key:
        roster = [e for e in roster if _matches(e, key)]
    if group_id is not None:
        roster = [e for e in roster if any(g.id == group_id for g in e.groups)]
    if tag_id is not None:
        roster = [e for e in roster if any(t.id == tag_id for t in e.tags)]
    pages = max(1, -(-len(roster) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = roster[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    manage = visit.at_least(Role.ADMIN)
    explain = visit.at_least(Role.ORGANIZER)
    mine = visit.role or Role.MEMBER
    rows = [
        Row(
            entry=e,
            roles=assignable_roles(mine, e.member.role) if manage else (),
            reason=reachability(visit, e.unreachable_reason)
            if explain and not e.member.reachable
            else "",
        )
        for e in shown
    ]

    def page_url(number: int) -> str:
        kept = {k: v for k, v in params.items() if k not in ("page", "done") and v}
        return f"{_base(visit)}?" + urlencode({**kept, "page": number})

    here = visit.request.url.path + (
        "?" + visit.request.url.query if visit.request.url.query else ""
    )
    return await _render(
        visit,
        "people/members.html",
        section="members",
        rows=rows,
        total=total,
        found=len(roster),
        query=query,
        group_id=group_id,
        tag_id=tag_id,
        groups=await people.groups(visit.team_id),
        tags=await people.tags(visit.team_id),
        page=page,
        pages=pages,
        prev_url=page_url(page - 1) if page > 1 else "",
        next_url=page_url(page + 1) if page < pages else "",
        manage=manage,
        here=here,
    )


async def _member_page(
    visit: Visit,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    """One person: role, groups, tags, reachability; the controls the viewer may use."""
    people = visit.services.people
    team_id = visit.team_id
    user_id = _path_int(visit, "user_id")
    member = await people.member(team_id, user_id)
    if member is None:
        raise WebError(404, "web_not_found")
    me = await _me(visit)
    manage = me.role.at_least(Role.ADMIN)
    groups_in = await people.groups_of(team_id, user_id)
    inside = {g.id for g in groups_in}
    user = await visit.services.users.get(user_id)
    reason = ""
    if not member.reachable and visit.at_least(Role.ORGANIZER):
        reason = reachability(visit, user.unreachable_reason if user else None)
    return await _render(
        visit,
        "people/member.html",
        status=status,
        section="members",
        member=member,
        groups_in=groups_in,
        groups_free=[g for g in await people.groups(team_id) if g.id not in inside],
        tags_on=await people.tags_of(team_id, user_id),
        roles=assignable_roles(me.role, member.role) if manage else (),
        removable=manage and removal_refusal(me, member) is None,
        manage=manage,
        reason=reason,
        errors=errors or {},
        values=values or {},
    )


@route(BASE + "/{user_id:int}")
async def member_page(visit: Visit) -> Response:
    return await _member_page(visit)


def _member_url(visit: Visit, user_id: int) -> str:
    return f"{_base(visit)}/{user_id}"


async def _target(visit: Visit) -> Member:
    """The member in the path; 404 when they are not in this team."""
    member = await visit.services.people.member(visit.team_id, _path_int(visit, "user_id"))
    if member is None:
        raise WebError(404, "web_not_found")
    return member


@route(BASE + "/{user_id:int}/role", methods=("POST",), role=Role.ADMIN)
async def change_role(visit: Visit) -> Response:
    """Give a member another role (the select in the list or on their page)."""
    target = await _target(visit)
    raw = await _form_text(visit, "role", 20)
    try:
        role = Role(raw)
    except ValueError:
        return await _member_page(
            visit, status=400, errors={"role": visit.t("web_people_bad_role")}
        )
    try:
        await visit.services.people.set_role(
            visit.team_id, visit.user.user_id, target.user_id, role
        )
    except (PeopleRefused, PermissionDenied) as exc:
        return await _member_page(
            visit, status=_status(exc), errors={"role": refusal_text(visit, exc)}
        )
    back = _back(visit, await _form_text(visit, "next", 500), _member_url(visit, target.user_id))
    return visit.redirect(_with_done(back, "role"))


@route(BASE + "/{user_id:int}/remove", methods=("POST",), role=Role.ADMIN)
async def remove_member(visit: Visit) -> Response:
    target = await _target(visit)
    try:
        await visit.services.people.remove_member(visit.team_id, visit.user.user_id, target.user_id)
    except (PeopleRefused, PermissionDenied) as exc:
        return await _member_page(
            visit, status=_status(exc), errors={"remove": refusal_text(visit, exc)}
        )
    return visit.redirect(_with_done(_base(visit), "removed"))


@route(BASE + "/{user_id:int}/groups", methods=("POST",), role=Role.ADMIN)
async def add_to_group(visit: Visit) -> Response:
    target = await _target(visit)
    group_id = await _form_int(visit, "group")
    if group_id is None:
        return await _member_page(
            visit, status=400, errors={"group": visit.t("web_people_choose_group")}
        )
    try:
        await visit.services.people.add_to_group(
            visit.team_id, visit.user.user_id, group_id, [target.user_id]
        )
    except (PeopleRefused, PermissionDenied) as exc:
        return await _member_page(
            visit, status=_status(exc), errors={"group": refusal_text(visit, exc)}
        )
    return visit.redirect(_with_done(_member_url(visit, target.user_id), "group_added"))


@route(BASE + "/{user_id:int}/groups/{group_id:int}/remove", methods=("POST",), role=Role.ADMIN)
async def remove_from_group(visit: Visit) -> Response:
    target = await _target(visit)
    try:
        await visit.services.people.remove_from_group(
            visit.team_id, visit.user.user_id, _path_int(visit, "group_id"), [target.user_id]
        )
    except (PeopleRefused, PermissionDenied) as exc:
        return await _member_page(
            visit, status=_status(exc), errors={"group": refusal_text(visit, exc)}
        )
    return visit.redirect(_with_done(_member_url(visit, target.user_id), "group_removed"))


@route(BASE + "/{user_id:int}/tags", methods=("POST",), role=Role.ADMIN)
async def add_tag(visit: Visit) -> Response:
    """Tag the member; a new tag name creates the tag."""
    target = await _target(visit)
    name = await _form_text(visit, "tag", 300)
    try:
        await visit.services.people.tag(visit.team_id, visit.user.user_id, name, [target.user_id])
    except (PeopleRefused, PermissionDenied) as exc:
        return await _member_page(
            visit,
            status=_status(exc),
            errors={"tag": refusal_text(visit, exc)},
            values={"tag": name},
        )
    return visit.redirect(_with_done(_member_url(visit, target.user_id), "tagged"))


@route(BASE + "/{user_id:int}/tags/{tag_id:int}/remove", methods=("POST",), role=Role.ADMIN)
async def remove_tag(visit: Visit) -> Response:
    target = await _target(visit)
    tag = await visit.services.people.tag_by_id(_path_int(visit, "tag_id"))
    if tag.team_id != visit.team_id:
        raise WebError(404, "web_not_found")
    try:
        await visit.services.people.untag(visit.team_id, visit.user.user_id, tag, [target.user_id])
    except (PeopleRefused, PermissionDenied) as exc:
        return await _member_page(
            visit, status=_status(exc), errors={"tag": refusal_text(visit, exc)}
        )
    return visit.redirect(_with_done(_member_url(visit, target.user_id), "untagged"))


# --- invites -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InviteRow:
    invite: Invite
    link: str
    group: Group | None
    uses_left: int | None


async def _invites_page(
    visit: Visit,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    people = visit.services.people
    groups = await people.groups(visit.team_id)
    by_id = {g.id: g for g in groups}
    rows = [
        InviteRow(
            invite=i,
            link=invite_link(visit.web.bot_username, i.code),
            group=by_id.get(i.group_id) if i.group_id is not None else None,
            uses_left=None if i.max_uses is None else max(0, i.max_uses - i.uses),
        )
        for i in await people.usable_invites(visit.team_id)
    ]
    return await _render(
        visit,
        "people/invites.html",
        status=status,
        section="invites",
        rows=rows,
        groups=groups,
        errors=errors or {},
        values=values or {"amount": "7", "unit": "days", "uses": "", "group": ""},
        max_uses=MAX_INVITE_USES,
    )


@route(BASE + "/invites", role=Role.ADMIN)
async def invites_page(visit: Visit) -> Response:
    """The invite links that still work, with a form for a new one."""
    return await _invites_page(visit)


@route(BASE + "/invites", methods=("POST",), role=Role.ADMIN)
async def create_invite(visit: Visit) -> Response:
    """A new invite link: for the team or one group, expiring or not, limited or not."""
    values = {
        "amount": await _form_text(visit, "amount", 10),
        "unit": await _form_text(visit, "unit", 10),
        "uses": await _form_text(visit, "uses", 10),
        "group": await _form_text(visit, "group", 20),
    }
    errors: dict[str, str] = {}
    valid_for: timedelta | None = None
    if values["amount"]:
        if not digits(values["amount"]) or values["unit"] not in UNITS:
            errors["amount"] = visit.t("web_people_err_bad_validity")
        else:
            valid_for = int(values["amount"]) * UNITS[values["unit"]]
    max_uses: int | None = None
    if values["uses"]:
        if not digits(values["uses"]):
            errors["uses"] = visit.t("web_people_err_bad_uses")
        else:
            max_uses = int(values["uses"])
    group_id: int | None = None
    if values["group"]:
        if not digits(values["group"]):
            errors["group"] = visit.t("web_people_choose_group")
        else:
            group_id = int(values["group"])
    if errors:
        return await _invites_page(visit, status=400, errors=errors, values=values)
    try:
        await visit.services.people.create_invite(
            visit.team_id,
            visit.user.user_id,
            group_id=group_id,
            valid_for=valid_for,
            max_uses=max_uses,
        )
    except (PeopleRefused, PermissionDenied) as exc:
        field = {"bad_validity": "amount", "bad_uses": "uses"}.get(
            getattr(exc, "reason", ""), "form"
        )
        return await _invites_page(
            visit, status=_status(exc), errors={field: refusal_text(visit, exc)}, values=values
        )
    return visit.redirect(_with_done(f"{_base(visit)}/invites", "invite_created"))


async def _usable_invite(visit: Visit) -> Invite:
    """The invite in the path if it belongs to this team and still works, else 404."""
    code = visit.request.path_params["code"]
    for invite in await visit.services.people.usable_invites(visit.team_id):
        if invite.code == code:
            return invite
    raise WebError(404, "web_not_found")


@route(BASE + "/invites/{code}/revoke", methods=("POST",), role=Role.ADMIN)
async def revoke_invite(visit: Visit) -> Response:
    invite = await _usable_invite(visit)
    try:
        await visit.services.people.revoke_invite(visit.user.user_id, invite.code)
    except (PeopleRefused, PermissionDenied) as exc:
        return await _invites_page(
            visit, status=_status(exc), errors={"form": refusal_text(visit, exc)}
        )
    return visit.redirect(_with_done(f"{_base(visit)}/invites", "invite_revoked"))


def qr_svg(link: str, title: str) -> str:
    """The link as a QR code: a standalone SVG of one path (no script, no style), so it
    is shown by an ``<img>`` under the strict content security policy."""
    import io

    import segno  # on first use: an idle bot does not load it

    code = segno.make(link, error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        nl=False,
        border=4,  # the quiet zone scanners need
        scale=1,
        omitsize=True,  # a viewBox only: the picture scales to whatever size shows it
        title=title,
        dark="#000",
        light="#fff",
    )
    return out.getvalue().decode()


@route(BASE + "/invites/{code}/qr.svg", role=Role.ADMIN)
async def invite_qr(visit: Visit) -> Response:
    """The invite link as a QR code (SVG), to show on a screen or print."""
    invite = await _usable_invite(visit)
    svg = qr_svg(invite_link(visit.web.bot_username, invite.code), visit.t("web_people_qr_title"))
    return Response(
        svg, media_type="image/svg+xml", headers={"cache-control": "private, max-age=300"}
    )


# --- groups and tags ---------------------------------------------------------------------


async def _groups_page(
    visit: Visit,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    people = visit.services.people
    team_id = visit.team_id
    groups = await people.groups(team_id)
    tags = await people.tags(team_id)
    group_sizes = {g.id: len(await people.group_members(g.id)) for g in groups}
    tag_sizes = {t.id: len(await people.tag_members(t.id)) for t in tags}
    flagged = []
    raw = visit.request.query_params.get("flagged", "")
    for part in raw.split(",")[:FLAGGED_SHOWN]:
        if digits(part):
            event = await visit.services.agenda.event(int(part))
            if event is not None and event.team_id == team_id:
                flagged.append(event)
    return await _render(
        visit,
        "people/groups.html",
        status=status,
        section="groups",
        groups=groups,
        tags=tags,
        group_sizes=group_sizes,
        tag_sizes=tag_sizes,
        flagged=flagged,
        manage=visit.at_least(Role.ADMIN),
        errors=errors or {},
        values=values or {},
    )


@route(BASE + "/groups")
async def groups_page(visit: Visit) -> Response:
    """The team's groups and tags with how many people are in each."""
    return await _groups_page(visit)


@route(BASE + "/groups", methods=("POST",), role=Role.ADMIN)
async def create_group(visit: Visit) -> Response:
    name = await _form_text(visit, "name", 300)
    try:
        await visit.services.people.create_group(visit.team_id, visit.user.user_id, name)
    except (PeopleRefused, PermissionDenied) as exc:
        return await _groups_page(
            visit,
            status=_status(exc),
            errors={"new": refusal_text(visit, exc)},
            values={"new": name},
        )
    return visit.redirect(_with_done(f"{_base(visit)}/groups", "group_created"))


async def _team_group(visit: Visit) -> Group:
    group_id = _path_int(visit, "group_id")
    for group in await visit.services.people.groups(visit.team_id):
        if group.id == group_id:
            return group
    raise WebError(404, "web_not_found")


@route(BASE + "/groups/{group_id:int}/rename", methods=("POST",), role=Role.ADMIN)
async def rename_group(visit: Visit) -> Response:
    group = await _team_group(visit)
    name = await _form_text(visit, "name", 300)
    try:
        await visit.services.people.rename_group(visit.team_id, visit.user.user_id, group.id, name)
    except (PeopleRefused, PermissionDenied) as exc:
        key = f"group-{group.id}"
        return await _groups_page(
            visit, status=_status(exc), errors={key: refusal_text(visit, exc)}, values={key: name}
        )
    return visit.redirect(_with_done(f"{_base(visit)}/groups", "group_renamed"))


@route(BASE + "/groups/{group_id:int}/delete", role=Role.ADMIN)
async def confirm_delete_group(visit: Visit) -> Response:
    """Asks first: events that remind this group are put on hold when it goes."""
    group = await _team_group(visit)
    size = len(await visit.services.people.group_members(group.id))
    return await _render(
        visit, "people/group_delete.html", section="groups", group=group, size=size, error=""
    )


@route(BASE + "/groups/{group_id:int}/delete", methods=("POST",), role=Role.ADMIN)
async def delete_group(visit: Visit) -> Response:
    group = await _team_group(visit)
    try:
        flagged = await visit.services.people.delete_group(
            visit.team_id, visit.user.user_id, group.id
        )
    except (PeopleRefused, PermissionDenied) as exc:
        size = len(await visit.services.people.group_members(group.id))
        return await _render(
            visit,
            "people/group_delete.html",
            status=_status(exc),
            section="groups",
            group=group,
            size=size,
            error=refusal_text(visit, exc),
        )
    url = _with_done(f"{_base(visit)}/groups", "group_deleted")
    if flagged:
        url += "&" + urlencode({"flagged": ",".join(str(e.id) for e in flagged[:FLAGGED_SHOWN])})
    return visit.redirect(url)


# --- linked chats --------------------------------------------------------------------------


@route(BASE + "/chats", role=Role.ORGANIZER)
async def chats_page(visit: Visit) -> Response:
    """Group chats linked to the team, and those the bot was removed from."""
    groups = {g.id: g for g in await visit.services.people.groups(visit.team_id)}
    chats = visit.services.chats
    return await _render(
        visit,
        "people/chats.html",
        section="chats",
        chats=await chats.team_chats(visit.team_id),
        removed=await chats.removed_chats(visit.team_id, now=utcnow()),
        groups=groups,
        bot_username=visit.web.bot_username,
    )


def sections(visit: Visit) -> list[dict[str, Any]]:
    """The section's own navigation, as far as the viewer's role reaches."""
    found: list[dict[str, Any]] = [
        {"key": "members", "href": _base(visit), "text": visit.t("web_people_members")},
        {
            "key": "groups",
            "href": _base(visit) + "/groups",
            "text": visit.t("web_people_groups_title"),
        },
    ]
    if visit.at_least(Role.ORGANIZER):
        found.append(
            {"key": "chats", "href": _base(visit) + "/chats", "text": visit.t("web_people_chats")}
        )
    if visit.at_least(Role.ADMIN):
        found.append(
            {
                "key": "invites",
                "href": _base(visit) + "/invites",
                "text": visit.t("web_people_invites"),
            }
        )
    return found


ROUTES: list[Route] = [
    members_page,
    invites_page,
    create_invite,
    revoke_invite,
    invite_qr,
    groups_page,
    create_group,
    rename_group,
    confirm_delete_group,
    delete_group,
    chats_page,
    member_page,
    change_role,
    remove_member,
    add_to_group,
    remove_from_group,
    add_tag,
    remove_tag,
]
