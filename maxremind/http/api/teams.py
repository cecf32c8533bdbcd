"""``/api/v1/me``, teams, members, groups and tags — the people side, through
:class:`~maxremind.services.teams.TeamService` (which holds every rule: who may change
roles, remove people, manage groups and tags)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.responses import Response

from maxremind.domain.models import Role, Team
from maxremind.http.api.common import api_route, path_id, read_body, read_query, reply, slice_page
from maxremind.http.api.models import (
    CountOut,
    GroupDetailOut,
    GroupIn,
    GroupOut,
    ListQuery,
    MemberDetailOut,
    MemberOut,
    MeOut,
    NamedRef,
    Page,
    RoleIn,
    TagDetailOut,
    TaggedOut,
    TagIn,
    TagOut,
    TeamOut,
    UserIdsIn,
)
from maxremind.http.web.visit import Visit, WebError
from maxremind.services.errors import NotFound

V1 = "/api/v1"
TEAM = V1 + "/teams/{team_id:int}"


async def _my_teams(visit: Visit) -> list[TeamOut]:
    """The viewer's teams with their role; an API token sees only its own team."""
    viewer = visit.viewer
    found: list[TeamOut] = []
    for team in await visit.services.people.teams_of(visit.user.user_id):
        if viewer is not None and viewer.token_team_id not in (None, team.id):
            continue
        role = await visit.services.people.role_of(team.id, visit.user.user_id)
        if role is not None:
            found.append(TeamOut.of(team, role))
    return found


def _team(visit: Visit) -> tuple[Team, Role]:
    if visit.team is None or visit.role is None:
        raise WebError(404, "web_not_found")
    return visit.team, visit.role


# --- me and teams --------------------------------------------------------------------------


@api_route(V1 + "/me", summary="Who I am, and my teams", tag="me", response=MeOut)
async def me(visit: Visit) -> Response:
    viewer = visit.viewer
    if viewer is None:
        raise WebError(401, "web_sign_in_needed")
    teams = await _my_teams(visit)
    return reply(visit, MeOut.of(viewer.user, viewer.via, viewer.token_team_id, teams))


@api_route(V1 + "/teams", summary="My teams", tag="teams", query=ListQuery, response=Page[TeamOut])
async def list_teams(visit: Visit) -> Response:
    query = read_query(visit, ListQuery)
    return reply(visit, Page[TeamOut](**slice_page(visit, query, await _my_teams(visit))))


@api_route(TEAM, summary="One of my teams", tag="teams", response=TeamOut)
async def get_team(visit: Visit) -> Response:
    team, role = _team(visit)
    return reply(visit, TeamOut.of(team, role))


# --- members -------------------------------------------------------------------------------


async def _member(visit: Visit, user_id: int) -> MemberDetailOut:
    people = visit.services.people
    member = await people.member(visit.team_id, user_id)
    if member is None:
        raise WebError(404, "web_not_found")
    groups = await people.groups_of(visit.team_id, user_id)
    tags = await people.tags_of(visit.team_id, user_id)
    return MemberDetailOut(
        **MemberOut.of(member).model_dump(),
        groups=[NamedRef(id=g.id, name=g.name) for g in groups],
        tags=[NamedRef(id=t.id, name=t.name) for t in tags],
    )


@api_route(
    TEAM + "/members",
    summary="Members with their roles, groups and tags (by name)",
    tag="members",
    role=Role.MEMBER,
    query=ListQuery,
    response=Page[MemberDetailOut],
)
async def list_members(visit: Visit) -> Response:
    query = read_query(visit, ListQuery)
    rows = [
        MemberDetailOut(
            **MemberOut.of(entry.member).model_dump(),
            groups=[NamedRef(id=g.id, name=g.name) for g in entry.groups],
            tags=[NamedRef(id=t.id, name=t.name) for t in entry.tags],
        )
        for entry in await visit.services.people.roster(visit.team_id)
    ]
    return reply(visit, Page[MemberDetailOut](**slice_page(visit, query, rows)))


@api_route(
    TEAM + "/members/{user_id:int}",
    summary="One member",
    tag="members",
    role=Role.MEMBER,
    response=MemberDetailOut,
)
async def get_member(visit: Visit) -> Response:
    return reply(visit, await _member(visit, path_id(visit, "user_id")))


@api_route(
    TEAM + "/members/{user_id:int}",
    methods=("PATCH",),
    summary="Change a member's role (admins: organizers and members; owners: any)",
    tag="members",
    role=Role.ADMIN,
    body=RoleIn,
    response=MemberDetailOut,
)
async def change_role(visit: Visit) -> Response:
    user_id = path_id(visit, "user_id")
    change = await read_body(visit, RoleIn)
    await visit.services.people.set_role(visit.team_id, visit.user.user_id, user_id, change.role)
    return reply(visit, await _member(visit, user_id))


@api_route(
    TEAM + "/members/{user_id:int}",
    methods=("DELETE",),
    summary="Remove someone from the team",
    tag="members",
    role=Role.ADMIN,
    status=204,
)
async def remove_member(visit: Visit) -> Response:
    user_id = path_id(visit, "user_id")
    await visit.services.people.remove_member(visit.team_id, visit.user.user_id, user_id)
    return reply(visit, None)


async def _require_members(visit: Visit, user_ids: Sequence[int]) -> list[int]:
    """The ids, each once; :raises WebError: 422 naming those not in the team."""
    known = {m.user_id for m in await visit.services.people.members(visit.team_id)}
    strangers = sorted(set(user_ids) - known)
    if strangers:
        message = visit.t("web_api_people_not_member", ids=", ".join(map(str, strangers)))
        raise WebError(422, "web_invalid", details={"user_ids": message})
    return sorted(set(user_ids))


# --- groups --------------------------------------------------------------------------------


@api_route(
    TEAM + "/groups",
    summary="Groups of the team",
    tag="groups",
    role=Role.MEMBER,
    query=ListQuery,
    response=Page[GroupOut],
)
async def list_groups(visit: Visit) -> Response:
    query = read_query(visit, ListQuery)
    groups = [GroupOut.of(g) for g in await visit.services.people.groups(visit.team_id)]
    return reply(visit, Page[GroupOut](**slice_page(visit, query, groups)))


@api_route(
    TEAM + "/groups",
    methods=("POST",),
    summary="Create a group",
    tag="groups",
    role=Role.ADMIN,
    body=GroupIn,
    response=GroupOut,
    status=201,
)
async def create_group(visit: Visit) -> Response:
    wanted = await read_body(visit, GroupIn)
    group = await visit.services.people.create_group(visit.team_id, visit.user.user_id, wanted.name)
    return reply(visit, GroupOut.of(group))


async def _group_detail(visit: Visit, group_id: int) -> GroupDetailOut:
    group = await visit.services.people.team_group(visit.team_id, group_id)
    members = await visit.services.people.group_members(group.id)
    return GroupDetailOut(**GroupOut.of(group).model_dump(), member_ids=sorted(members))


@api_route(
    TEAM + "/groups/{group_id:int}",
    summary="A group and who is in it",
    tag="groups",
    role=Role.MEMBER,
    response=GroupDetailOut,
)
async def get_group(visit: Visit) -> Response:
    return reply(visit, await _group_detail(visit, path_id(visit, "group_id")))


@api_route(
    TEAM + "/groups/{group_id:int}",
    methods=("PATCH",),
    summary="Rename a group",
    tag="groups",
    role=Role.ADMIN,
    body=GroupIn,
    response=GroupOut,
)
async def rename_group(visit: Visit) -> Response:
    group_id = path_id(visit, "group_id")
    wanted = await read_body(visit, GroupIn)
    group = await visit.services.people.rename_group(
        visit.team_id, visit.user.user_id, group_id, wanted.name
    )
    return reply(visit, GroupOut.of(group))


@api_route(
    TEAM + "/groups/{group_id:int}",
    methods=("DELETE",),
    summary="Delete a group (events that named it are put on hold and their organizers told)",
    tag="groups",
    role=Role.ADMIN,
    status=204,
)
async def delete_group(visit: Visit) -> Response:
    group_id = path_id(visit, "group_id")
    await visit.services.people.delete_group(visit.team_id, visit.user.user_id, group_id)
    return reply(visit, None)


@api_route(
    TEAM + "/groups/{group_id:int}/members",
    methods=("POST",),
    summary="Add members to a group",
    tag="groups",
    role=Role.ADMIN,
    body=UserIdsIn,
    response=CountOut,
)
async def add_to_group(visit: Visit) -> Response:
    group_id = path_id(visit, "group_id")
    wanted = await read_body(visit, UserIdsIn)
    await visit.services.people.team_group(visit.team_id, group_id)
    user_ids = await _require_members(visit, wanted.user_ids)
    added = await visit.services.people.add_to_group(
        visit.team_id, visit.user.user_id, group_id, user_ids
    )
    return reply(visit, CountOut(changed=added))


@api_route(
    TEAM + "/groups/{group_id:int}/members/{user_id:int}",
    methods=("DELETE",),
    summary="Take a member out of a group (they stay in the team)",
    tag="groups",
    role=Role.ADMIN,
    response=CountOut,
)
async def remove_from_group(visit: Visit) -> Response:
    group_id, user_id = path_id(visit, "group_id"), path_id(visit, "user_id")
    removed = await visit.services.people.remove_from_group(
        visit.team_id, visit.user.user_id, group_id, [user_id]
    )
    return reply(visit, CountOut(changed=removed))


# --- tags ----------------------------------------------------------------------------------


@api_route(
    TEAM + "/tags",
    summary="Tags of the team",
    tag="tags",
    role=Role.MEMBER,
    query=ListQuery,
    response=Page[TagOut],
)
async def list_tags(visit: Visit) -> Response:
    query = read_query(visit, ListQuery)
    tags = [TagOut.of(t) for t in await visit.services.people.tags(visit.team_id)]
    return reply(visit, Page[TagOut](**slice_page(visit, query, tags)))


@api_route(
    TEAM + "/tags",
    methods=("POST",),
    summary="Tag members (the tag is created if the team has none of that name)",
    tag="tags",
    role=Role.ADMIN,
    body=TagIn,
    response=TaggedOut,
)
async def tag_members(visit: Visit) -> Response:
    wanted = await read_body(visit, TagIn)
    user_ids = await _require_members(visit, wanted.user_ids)
    tag, created, added = await visit.services.people.tag(
        visit.team_id, visit.user.user_id, wanted.name, user_ids
    )
    return reply(visit, TaggedOut(tag=TagOut.of(tag), created=created, changed=added))


async def _team_tag(visit: Visit, tag_id: int) -> TagDetailOut:
    try:
        tag = await visit.services.people.tag_by_id(tag_id)
    except NotFound:
        raise WebError(404, "web_not_found") from None
    if tag.team_id != visit.team_id:
        raise WebError(404, "web_not_found")
    members = await visit.services.people.tag_members(tag.id)
    return TagDetailOut(**TagOut.of(tag).model_dump(), member_ids=sorted(members))


@api_route(
    TEAM + "/tags/{tag_id:int}",
    summary="A tag and who has it",
    tag="tags",
    role=Role.MEMBER,
    response=TagDetailOut,
)
async def get_tag(visit: Visit) -> Response:
    return reply(visit, await _team_tag(visit, path_id(visit, "tag_id")))


@api_route(
    TEAM + "/tags/{tag_id:int}/members",
    methods=("POST",),
    summary="Give a tag to members",
    tag="tags",
    role=Role.ADMIN,
    body=UserIdsIn,
    response=CountOut,
)
async def add_tag(visit: Visit) -> Response:
    found = await _team_tag(visit, path_id(visit, "tag_id"))
    wanted = await read_body(visit, UserIdsIn)
    user_ids = await _require_members(visit, wanted.user_ids)
    _, _, added = await visit.services.people.tag(
        visit.team_id, visit.user.user_id, found.name, user_ids
    )
    return reply(visit, CountOut(changed=added))


@api_route(
    TEAM + "/tags/{tag_id:int}/members/{user_id:int}",
    methods=("DELETE",),
    summary="Take a tag off a member",
    tag="tags",
    role=Role.ADMIN,
    response=CountOut,
)
async def untag_member(visit: Visit) -> Response:
    tag_id, user_id = path_id(visit, "tag_id"), path_id(visit, "user_id")
    await _team_tag(visit, tag_id)
    tag = await visit.services.people.tag_by_id(tag_id)
    removed = await visit.services.people.untag(visit.team_id, visit.user.user_id, tag, [user_id])
    return reply(visit, CountOut(changed=removed))


ROUTES = [
    me,
    list_teams,
    get_team,
    list_members,
    get_member,
    change_role,
    remove_member,
    list_groups,
    create_group,
    get_group,
    rename_group,
    delete_group,
    add_to_group,
    remove_from_group,
    list_tags,
    tag_members,
    get_tag,
    add_tag,
    untag_member,
]
