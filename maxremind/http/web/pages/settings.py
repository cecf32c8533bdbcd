"""The team's settings at ``/t/<team>/settings``: time zone, quiet hours, the default
reminders and escalation a new event starts with, and what happens to a reminder due
before its event was made (``set_team_short_notice``).

Everyone in the team sees them; admins and owners change them (the people service's
rule: :meth:`TeamService.set_team_timezone`, ``set_team_quiet``, ``set_team_defaults``).
The form is checked whole before anything is saved, so a wrong field saves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from starlette.responses import Response
from starlette.routing import Route

from maxremind.domain.escalation import MAX_OFFSET
from maxremind.domain.models import Language, QuietHoursSpec, ReminderSpec, ReminderTarget, Role
from maxremind.domain.quiet_hours import quiet_spec
from maxremind.domain.timefmt import format_offset
from maxremind.domain.timespan import parse_offsets
from maxremind.domain.timetypes import TimeParseError
from maxremind.http.web import texts_insights as _insights  # noqa: F401  (the switch's texts)
from maxremind.http.web import texts_settings as _texts  # noqa: F401  (registers the texts)
from maxremind.http.web.pages.events_form import zone_options
from maxremind.http.web.pages.me import zone_known
from maxremind.http.web.visit import Visit, route
from maxremind.services.errors import PeopleRefused
from maxremind.services.teams import MAX_DEFAULT_STEPS

BASE = "/t/{team_id:int}/settings"
FIELDS = ("zone", "quiet", "reminders", "chase", "summary", "short_notice")
# Where a refusal of set_team_defaults belongs.
_REFUSED = {
    "defaults_too_many": ("reminders", "web_settings_err_many"),
    "defaults_offset": ("reminders", "web_settings_err_far"),
    "defaults_twice": ("chase", "web_settings_err_twice"),
    "defaults_target": ("chase", "web_settings_err_offsets"),
}


def say_offsets(offsets: tuple[timedelta, ...] | list[timedelta], lang: Language) -> str:
    """Offsets as the form shows them: "за 1 день, за 1 час" (largest first)."""
    return ", ".join(format_offset(o, lang.value) for o in sorted(set(offsets), reverse=True))


@dataclass
class SettingsForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Parsed:
    zone: str
    quiet: QuietHoursSpec | None
    reminders: list[timedelta]
    escalation: list[ReminderSpec]
    # A reminder due before its event was made: skip it (True), send it at once saying
    # so (False), or leave as is (None: a form without the field).
    skip_short_notice: bool | None = None


def form_of(visit: Visit) -> SettingsForm:
    team = visit.team
    assert team is not None
    lang = visit.lang

    def by(target: ReminderTarget) -> str:
        offsets = [
            s.offset for s in team.default_escalation if s.target is target and s.offset is not None
        ]
        return say_offsets(offsets, lang)

    return SettingsForm(
        {
            "zone": team.timezone,
            "quiet": "" if team.quiet_hours is None else str(team.quiet_hours),
            "reminders": say_offsets(team.default_reminders, lang),
            "chase": by(ReminderTarget.UNANSWERED),
            "summary": by(ReminderTarget.ORGANIZER_SUMMARY),
            "short_notice": "skip" if team.skip_short_notice else "send",
        }
    )


def check(form: SettingsForm, visit: Visit) -> Parsed | None:
    """The settings the form holds, or None with ``form.errors`` saying what is wrong."""
    values = form.values
    zone = values["zone"]
    if not zone_known(zone):
        form.errors["zone"] = visit.t("web_settings_err_zone")
    quiet = None
    try:
        quiet = quiet_spec(values["quiet"])
    except ValueError:
        form.errors["quiet"] = visit.t("web_settings_err_quiet")
    found: dict[str, list[timedelta]] = {}
    for name in ("reminders", "chase", "summary"):
        text = values[name]
        if not text:
            found[name] = []
            continue
        try:
            offsets = parse_offsets(text, visit.lang.value)
        except TimeParseError as exc:
            key = "web_settings_err_far" if exc.reason == "too_far" else "web_settings_err_offsets"
            form.errors[name] = visit.t(key)
            continue
        if any(o > MAX_OFFSET for o in offsets):
            form.errors[name] = visit.t("web_settings_err_far")
        elif len(offsets) > MAX_DEFAULT_STEPS:
            form.errors[name] = visit.t("web_settings_err_many", limit=MAX_DEFAULT_STEPS)
        found[name] = offsets
    if form.errors:
        return None
    escalation = [ReminderSpec(offset=o, target=ReminderTarget.UNANSWERED) for o in found["chase"]]
    escalation += [
        ReminderSpec(offset=o, target=ReminderTarget.ORGANIZER_SUMMARY) for o in found["summary"]
    ]
    skip = {"skip": True, "send": False}.get(values.get("short_notice", ""))
    return Parsed(zone, quiet, found["reminders"], escalation, skip)


async def _render(visit: Visit, form: SettingsForm, *, status: int = 200) -> Response:
    done = visit.request.query_params.get("done", "")
    saved = {"saved": "web_settings_saved", "insights": "web_insights_settings_saved"}
    return await visit.render(
        "settings/index.html",
        status=status,
        form=form,
        can_edit=visit.at_least(Role.ADMIN),
        zones=zone_options(visit.lang, form.values.get("zone", "")),
        done=visit.t(saved[done]) if done in saved else "",
        # Per-member statistics (the owner's switch, maxremind.http.web.pages.insights).
        insight=await visit.services.insights.settings(visit.team_id, visit.user.user_id),
    )


@route(BASE)
async def settings_page(visit: Visit) -> Response:
    """The team's settings: a form for admins and owners, read-only for the rest."""
    return await _render(visit, form_of(visit))


@route(BASE, methods=("POST",), role=Role.ADMIN)
async def save_settings(visit: Visit) -> Response:
    team = visit.team
    assert team is not None
    data = await visit.form()
    form = SettingsForm(
        {
            name: value.strip()[:500] if isinstance(value := data.get(name, ""), str) else ""
            for name in FIELDS
        }
    )
    parsed = check(form, visit)
    if parsed is None:
        return await _render(visit, form, status=400)
    people = visit.services.people
    user_id = visit.user.user_id
    # The defaults first: the service may still refuse them, and then nothing is saved.
    try:
        await people.set_team_defaults(team.id, user_id, parsed.reminders, parsed.escalation)
    except PeopleRefused as exc:
        name, key = _REFUSED.get(exc.reason, ("reminders", "web_settings_err_offsets"))
        form.errors[name] = visit.t(key, limit=MAX_DEFAULT_STEPS)
        return await _render(visit, form, status=400)
    if parsed.zone != team.timezone:
        await people.set_team_timezone(team.id, user_id, parsed.zone)
    if parsed.quiet != team.quiet_hours:
        await people.set_team_quiet(team.id, user_id, parsed.quiet)
    skip = parsed.skip_short_notice
    if skip is not None and skip != team.skip_short_notice:
        await people.set_team_short_notice(team.id, user_id, skip=skip)
    return visit.redirect(f"/t/{team.id}/settings?done=saved")


ROUTES: list[Route] = [settings_page, save_settings]
