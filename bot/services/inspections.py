"""The check-in: a draft built step by step (kept in the database), then one confirmed visit.

Every step re-checks on the server what the person picked: the programme exists, the
facility type belongs to it, the facility is of that type and in the deputy's own county, the
checklist item belongs to the type. Handlers only parse and reply. The location's rules are
in checkin_location.py, the findings' in checkin_findings.py; what the answers must agree on
(bot/services/checkin_rules.py) decides the next step here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot import limits
from bot.clock import Clock, to_db
from bot.db.repos import Repos
from bot.db.repos.drafts import Draft
from bot.domain import Person, Role
from bot.i18n import fa_digits, t, t_plain
from bot.inspection_domain import (
    Answer,
    ChecklistItem,
    Facility,
    Inspection,
    Severity,
)
from bot.jalali import JalaliMonth, format_datetime
from bot.services.checkin_rules import (
    answer_rows,
    far_unanswered,
    findings_text,
    open_no_item,
    severity_settled,
)
from bot.services.facility_coords import tell_admins_disputed
from bot.services.notify import queue_text
from bot.services.photo_evidence import assess_draft
from bot.steps import SUMMARY, Outcome, Refuse
from bot.text import match_key

MAX_PHOTOS = 10
MAX_FILE_BYTES = 20 * 1024 * 1024  # the Bot API's getFile download limit
LOCATION_MAX_AGE = timedelta(minutes=5)
FOLLOW_UP_DAYS = 7
MAX_NAME = 120
MAX_TEXT = 3000
ALERT_FINDINGS = 3000  # of the findings in the admins' alert (all of them are in the record)
CHOICES = 30  # facilities offered at once
SEARCHED = 5000  # a county's facilities of one type a search looks through (tens in practice)


class Step(StrEnum):
    FACILITY = "facility"
    LOCATION = "location"
    PHOTOS = "photos"
    CHECKLIST = "checklist"
    FINDINGS = "findings"


STEPS = list(Step)


class LocationVerdict(StrEnum):
    OK = "ok"
    FORWARDED = "forwarded"
    STALE = "stale"
    VENUE = "venue"


def judge_location(
    now: datetime, sent_at: datetime, *, forwarded: bool, venue: bool
) -> LocationVerdict:
    """A location counts only when it is the person's own current position."""
    if forwarded:
        return LocationVerdict.FORWARDED
    if venue:
        return LocationVerdict.VENUE
    if now - sent_at > LOCATION_MAX_AGE:
        return LocationVerdict.STALE
    return LocationVerdict.OK


FLOW = "deputy_checkin"  # the conversation's name and its drafts' flow


def fresh_data() -> dict[str, Any]:
    """A new check-in's draft data."""
    return {"photos": [], "answers": {}}


async def draft_of(repos: Repos, person: Person) -> Draft | None:
    """The deputy's draft, if a check-in is under way."""
    return await repos.drafts.get(person.id, FLOW)


def missing_step(draft: Draft) -> Step | None:
    """The first part still to do, or None when the draft can be confirmed."""
    d = draft.data
    if not d.get("facility_id"):
        return Step.FACILITY
    if not d.get("location") or far_unanswered(d["location"]):
        return Step.LOCATION
    if not d.get("photos") or not d.get("photos_done"):
        return Step.PHOTOS
    if not d.get("answers_done"):
        return Step.CHECKLIST
    if open_no_item(d) is not None or "findings" not in d or not severity_settled(d):
        return Step.FINDINGS
    return None


def next_step(draft: Draft) -> str:
    """The step to ask: the first one still open, else the summary. Because it is derived from
    the answers, changing one step from the summary comes back to the summary by itself."""
    d = draft.data
    part = missing_step(draft)
    if part is Step.FACILITY:
        if not d.get("programme_id"):
            return "programme"
        return "type" if not d.get("type_id") else "facility"
    if part is Step.LOCATION and d.get("location"):
        return "far"  # a location far from the facility: the deputy says what it means
    if part is Step.FINDINGS:
        if (item := open_no_item(d)) is not None:  # each «no» has its line first
            return "item_fixed" if d.get("fixing") == item else "item_finding"
        return "severity" if "findings" in d else "findings"
    return SUMMARY if part is None else part.value


ASKED_ON_THE_WAY = frozenset({"new_name", "new_address", "skip_reason"})


def settle(draft: Draft, step: str) -> str:
    """The step a draft can be at: a step the answers lead to is the first one missing
    (the name and address of a new facility and a skip reason are asked on the way)."""
    return step if step in ASKED_ON_THE_WAY else next_step(draft)


def reopen(draft: Draft, step: Step) -> str:
    """Undoes one part so the person does it again (the others are kept); the step to ask."""
    d = draft.data
    if step is Step.FACILITY:
        for key in ("programme_id", "type_id", "facility_id", "facility_name"):
            d.pop(key, None)
    elif step is Step.LOCATION:
        d.pop("location", None)
    elif step is Step.PHOTOS:
        d["photos"], d["photos_done"] = [], False
    elif step is Step.CHECKLIST:
        d["answers_done"] = False
    elif step is Step.FINDINGS:
        for key in ("findings", "severity", "lines", "fixing"):
            d.pop(key, None)
    return next_step(draft)


# Programme, type, facility ------------------------------------------------------------------
async def pick_programme(repos: Repos, draft: Draft, programme_id: int) -> Outcome:
    """Sets the programme; refused when it does not exist."""
    programme = await repos.programmes.programme(programme_id)
    if programme is None:
        return Refuse("inspections.invalid_choice", ask=True)
    draft.data["programme_id"] = programme.id
    return next_step(draft)


async def pick_type(repos: Repos, draft: Draft, type_id: int) -> Outcome:
    """Sets the facility type; refused unless it belongs to the chosen programme."""
    kind = await repos.programmes.facility_type(type_id)
    if kind is None or kind.programme_id != draft.data.get("programme_id"):
        return Refuse("inspections.invalid_choice", ask=True)
    # Answers to another type's checklist are dropped; choosing the same type again keeps them.
    items = {str(i.id) for i in await repos.programmes.checklist(kind.id)}
    answers = draft.data.get("answers", {})
    kept = {k: v for k, v in answers.items() if k in items}
    if kept != answers:
        draft.data["answers"], draft.data["answers_done"] = kept, False
    draft.data["type_id"] = kind.id
    return next_step(draft)


async def facility_choices(
    repos: Repos, person: Person, draft: Draft, search: str | None = None
) -> list[Facility]:
    """The deputy's county's facilities of the chosen type (names matching search by
    bot.text.match_key: any digit script, the ZWNJ or a space, Arabic or Persian letters)."""
    type_id = draft.data.get("type_id")
    if person.county_id is None or not type_id:
        return []
    if not search:
        return await repos.facilities.of_county(person.county_id, [type_id], limit=CHOICES)
    key = match_key(search)
    every = await repos.facilities.of_county(person.county_id, [type_id], limit=SEARCHED)
    return [f for f in every if key in match_key(f.name)][:CHOICES]


async def pick_facility(repos: Repos, person: Person, draft: Draft, facility_id: int) -> Outcome:
    """Sets the facility; refused unless it is of the chosen type and in the deputy's county."""
    facility = await repos.facilities.get(facility_id)
    if (facility is None or facility.county_id != person.county_id
            or facility.facility_type_id != draft.data.get("type_id")):
        return Refuse("auth.denied")
    if draft.data.get("facility_id") != facility.id and draft.data.get("location"):
        draft.data.pop("location")  # a distance to another facility means nothing
    draft.data["facility_id"] = facility.id
    # Shown above the checklist at each answer: kept here, not read again at every press.
    draft.data["facility_name"] = facility.name
    return next_step(draft)


def name_new_facility(draft: Draft, name: str) -> Outcome:
    """Keeps the new facility's name (as typed) and asks for its address."""
    if not 0 < len(name) <= MAX_NAME:
        return Refuse("inspections.bad_name")
    draft.data["new_name"] = name
    return "new_address"


async def add_facility(
    repos: Repos, now: datetime, person: Person, draft: Draft, address: str | None
) -> Facility | None:
    """Registers the named facility of the chosen type in the deputy's county and picks it
    (recorded in the draft: a cancel keeps the facility, and says so)."""
    type_id = draft.data.get("type_id")
    name = draft.data.pop("new_name", "")
    if person.county_id is None or not type_id or not 0 < len(name) <= MAX_NAME:
        return None
    facility = await repos.facilities.add(
        county_id=person.county_id, type_id=type_id, name=name, address=address,
        created_by=person.id, now=now,
    )
    await repos.audit.record(now, person.id, "facility.add", f"facility:{facility.id}", name=name)
    draft.data.setdefault("added_facilities", []).append(facility.id)
    await pick_facility(repos, person, draft, facility.id)
    return facility


# Photos ----------------------------------------------------------------------------------
def photo_known(draft: Draft, file_unique_id: str) -> bool:
    """True when this very file is in the draft already (no second download)."""
    return any(p.get("file_unique_id") == file_unique_id for p in draft.data.get("photos", []))


def add_photo(now: datetime, draft: Draft, photo: dict[str, Any]) -> int:
    """Adds a stored photo unless the same bytes are there; returns how many there are."""
    photos = draft.data.setdefault("photos", [])
    if len(photos) < MAX_PHOTOS and all(p["sha256"] != photo["sha256"] for p in photos):
        photos.append({**photo, "received_at": to_db(now)})
    return len(photos)


def photos_done(draft: Draft) -> Outcome:
    """Closes the photo step; refused while there is no photo yet."""
    if not draft.data.get("photos"):
        return Refuse("inspections.ask_photos", {"max": MAX_PHOTOS})
    draft.data["photos_done"] = True
    return next_step(draft)


# Checklist and findings ------------------------------------------------------------------------
async def checklist(repos: Repos, draft: Draft) -> list[ChecklistItem]:
    """The checklist of the chosen facility type."""
    return await repos.programmes.checklist(int(draft.data.get("type_id") or 0))


async def answer(
    repos: Repos, draft: Draft, item_id: int, value: Answer
) -> list[ChecklistItem] | None:
    """Records one answer and returns the checklist; None when the item is not on it."""
    items = await checklist(repos, draft)
    if item_id not in {i.id for i in items}:
        return None
    draft.data.setdefault("answers", {})[str(item_id)] = value.value
    note_failures(draft.data, items)
    return items


def note_failures(d: dict[str, Any], items: list[ChecklistItem]) -> None:
    """Keeps which items are «no», in checklist order (each needs its finding line), and
    which of those are critical; lines of items no longer «no» are dropped."""
    answers = d.get("answers", {})
    failed = [str(i.id) for i in items if answers.get(str(i.id)) == Answer.NO.value]
    d["no_items"] = failed
    d["critical_no"] = [str(i.id) for i in items if i.critical and str(i.id) in failed]
    d["lines"] = {k: v for k, v in d.get("lines", {}).items() if k in failed}
    if d.get("fixing") not in failed:
        d.pop("fixing", None)


async def answers_done(repos: Repos, draft: Draft) -> bool:
    """Closes the checklist; False while an item is unanswered."""
    items = await checklist(repos, draft)
    if any(str(i.id) not in draft.data.get("answers", {}) for i in items):
        return False
    note_failures(draft.data, items)
    draft.data["answers_done"] = True
    return True


def kept_on_cancel(draft: Draft | None) -> list[int]:
    """Facilities the deputy registered during the check-in: they stay registered."""
    return list(draft.data.get("added_facilities", [])) if draft is not None else []


# Confirm --------------------------------------------------------------------------------------
def tracking_code(month: JalaliMonth, sequence: int) -> str:
    """«<letter>-140509-0042», stored with Latin digits; show it with fa_digits()."""
    prefix = t_plain("inspections.tracking_prefix")
    return f"{prefix}-{month.year:04d}{month.month:02d}-{sequence:04d}"


def show_tracking(tracking: str) -> str:
    """The tracking number as people read it (Persian digits)."""
    return fa_digits(tracking)


@dataclass(frozen=True)
class Confirmed:
    inspection: Inspection
    new: bool  # False when this was a second tap on confirm


async def confirm(repos: Repos, clock: Clock, person: Person, draft_id: int,
                  draft: Draft | None = None) -> Confirmed | None:
    """Stores the visit once (a second tap returns the first); None when nothing can be stored.
    `draft`: the person's draft as the flow just loaded it (read here when not given)."""
    now, tz = clock.now(), clock.tz
    if draft is None:
        draft = await repos.drafts.get(person.id, FLOW)
    if draft is None or draft.id != draft_id:
        done = await repos.inspections.by_draft(draft_id)
        if done is not None and done.deputy_id == person.id:
            return Confirmed(done, new=False)
        return None
    if missing_step(draft) is not None or person.county_id is None:
        return None
    facility = await repos.facilities.get(int(draft.data["facility_id"]))
    if facility is None or facility.county_id != person.county_id:
        return None
    items = await checklist(repos, draft)
    admins = await repos.people.active(Role.ADMIN)
    month = JalaliMonth.of(clock.today())
    async with repos.db.transaction():
        taken = await repos.drafts.take(draft.id, person.id)
        if taken is None:  # pragma: no cover - the lock makes a parallel confirm wait
            return None
        d = taken.data
        location = d["location"]
        severity = Severity(d["severity"])
        findings = findings_text(d, items)
        tracking = tracking_code(month, await repos.inspections.next_sequence(month.key()))
        # Checked again here: another visit may have stored the same picture meanwhile.
        assessment = await assess_draft(repos, d, facility=facility)
        inspection_id = await repos.inspections.insert(
            tracking=tracking, draft_id=taken.id, period=month.key(),
            deputy_id=person.id, county_id=person.county_id, programme_id=d["programme_id"],
            facility_type_id=d["type_id"], facility_id=facility.id,
            started_at=to_db(taken.started_at), confirmed_at=to_db(now),
            location_status=location["status"], location_note=location.get("note"),
            lat=location.get("lat"), lon=location.get("lon"),
            location_sent_at=location.get("sent_at"), location_at=location.get("at"),
            distance_m=location.get("distance_m"), severity=severity.value,
            findings=findings, evidence=assessment.level.value,
            evidence_reasons=json.dumps(assessment.as_json(), ensure_ascii=False),
            location_track=json.dumps(location["track"]) if location.get("track") else None,
            coordinates_disputed=int(bool(location.get("disputed"))),
        )
        await repos.inspections.add_photos(inspection_id, d["photos"])
        await repos.inspections.add_answers(inspection_id, answer_rows(d, items))
        if location.get("disputed"):
            await tell_admins_disputed(repos, now, admins, person, facility, inspection_id,
                                       tracking, location.get("distance_m"))
        await repos.facilities.visited(facility.id, now, location.get("lat"),
                                          location.get("lon"))
        if severity.opens_follow_up:
            await repos.inspections.open_follow_up(
                inspection_id, person.county_id, severity, now,
                now + timedelta(days=FOLLOW_UP_DAYS),
            )
            await _alert_admins(repos, now, admins, person, facility, inspection_id,
                                tracking, severity, findings, tz)
        await repos.audit.record(now, person.id, "inspection.confirm",
                                    f"inspection:{inspection_id}")
    stored = await repos.inspections.get(inspection_id)
    assert stored is not None
    return Confirmed(stored, new=True)


async def _alert_admins(
    repos: Repos, now: datetime, admins: list[Person],
    deputy: Person,
    facility: Facility, inspection_id: int, tracking: str, severity: Severity,
    findings: str | None, tz: ZoneInfo,
) -> None:
    county = await repos.counties.get(facility.county_id)
    text = t(
        "inspections.alert_admins", severity=t_plain(f"inspections.severity_{severity.value}"),
        county=county.name if county else "", facility=facility.name, deputy=deputy.name,
        tracking=show_tracking(tracking), findings=limits.shorten(findings or "", ALERT_FINDINGS),
        due=format_datetime(now + timedelta(days=FOLLOW_UP_DAYS), tz),
    )
    for admin in admins:
        if admin.tg_user_id is not None:
            await queue_text(
                repos.outbox, now, platform=admin.platform, chat_id=admin.tg_user_id,
                kind="inspection.alert", text=text,
                dedup_key=f"inspection.alert:{inspection_id}:{admin.id}",
            )
