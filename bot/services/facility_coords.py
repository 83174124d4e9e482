"""Coordinates a deputy disputed: the admins' notice, and an admin's correction.

At a location farther than FAR_M from the facility a deputy may say "I am at the facility:
its registered coordinates are wrong". The visit is stored weak and marked disputed, and
every admin gets a notice with a button that opens the correction (also listed under
/coordinates). The admin sends a location (a point picked on the map), types the
coordinates, or takes the position the deputy sent; it must lie inside the province
(PROVINCE_BOUNDS, as imports check it). On confirm, in one transaction: the facility gets
the new coordinates, the audit log the old and new ones, and each disputed visit of the
facility is assessed again against them (its distance and track measured anew, its photos'
GPS too); its deputy is told the new strength through the outbox.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot import limits
from bot.callbacks import Coordinates as CB
from bot.clock import to_db
from bot.db.repos import Repos
from bot.domain import Person
from bot.i18n import fa_digits, t, t_plain
from bot.inspection_domain import Evidence, Facility
from bot.services.evidence import assess, distance_m
from bot.services.evidence_views import distance_text, level_name
from bot.services.imports import Bounds, Problem, coordinates
from bot.services.notify import queue_text
from bot.services.photo_evidence import location_fact, photo_fact

# «30.4067, 55.9939», «30.4067 55.9939», the same in Persian digits with the Persian comma:
# two numbers apart by a comma and a space, the Persian comma, a semicolon or spaces (a comma
# with no space after it is a decimal comma, as imports read it).
_SPLIT = re.compile(r"\s*[\u060c;]\s*|,\s+|\s+")
MAX_TYPED = 60


async def tell_admins_disputed(
    repos: Repos, now: datetime, admins: list[Person], deputy: Person, facility: Facility,
    inspection_id: int, tracking: str, distance: float | None,
) -> None:
    """Queues the notice of a disputed facility to every admin (in the caller's transaction)."""
    county = await repos.counties.get(facility.county_id)
    text = t("coords.disputed_alert", county=county.name if county else "",
             facility=facility.name, deputy=deputy.name, tracking=fa_digits(tracking),
             distance=distance_text(distance))
    buttons = [[(t_plain("coords.correct_button"), CB.FIX(facility.id))]]
    for admin in admins:
        if admin.tg_user_id is not None:
            await queue_text(repos.outbox, now, platform=admin.platform,
                             chat_id=admin.tg_user_id, kind="facility.disputed",
                             text=text, buttons=buttons,
                             dedup_key=f"facility.disputed:{inspection_id}:{admin.id}")


@dataclass(frozen=True)
class Disputed:
    """A facility whose coordinates deputies disputed, and the latest such visit."""

    facility: Facility
    county: str
    visits: int
    latest: dict[str, Any]  # the newest disputed visit's row (tracking, lat, lon, distance_m)


async def disputed(repos: Repos, facility_id: int | None = None) -> list[Disputed]:
    """The facilities waiting for a correction (one, with facility_id), latest dispute first."""
    rows = await repos.inspections.disputed(facility_id)
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["facility_id"], []).append(row)
    out = []
    for fid, visits in found.items():
        facility = await repos.facilities.get(fid)
        county = await repos.counties.get(visits[0]["county_id"])
        if facility is not None:
            out.append(Disputed(facility, county.name if county else "", len(visits), visits[0]))
    return out


def parse_point(text: str, bounds: Bounds) -> tuple[float, float] | Problem:
    """Typed coordinates «latitude, longitude» inside the province, or why not."""
    if len(text) > MAX_TYPED:  # no pair of coordinates is longer; the answer quotes it
        return "coords.two_numbers", {"value": limits.shorten(text, MAX_TYPED)}
    parts = [p for p in _SPLIT.split(text.strip().strip(",")) if p]
    if len(parts) != 2:
        return "coords.two_numbers", {"value": text}
    found = coordinates(parts[0].strip(","), parts[1].strip(","), bounds)
    assert found is not None  # two parts, neither empty
    return found


def check_point(lat: float, lon: float, bounds: Bounds) -> tuple[float, float] | Problem:
    """A location sent for a facility: inside the province, or why not."""
    if bounds.contains(lat, lon):
        return lat, lon
    return "imports.outside_province", {"value": f"{lat}, {lon}", "bounds": bounds.text()}


def moved_text(facility: Facility, lat: float, lon: float) -> str:
    """How far the correction moves the facility ('unknown' when it had no coordinates)."""
    if not facility.has_coordinates:
        return distance_text(None)
    return distance_text(distance_m(facility.lat, facility.lon, lat, lon))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Corrected:
    facility: Facility  # with its new coordinates
    visits: list[tuple[str, Evidence]]  # each disputed visit's tracking and new strength


async def correct(
    repos: Repos, now: datetime, admin: Person, facility_id: int, lat: float, lon: float,
) -> Corrected | None:
    """Sets the facility's coordinates and assesses its disputed visits again (audited, the
    deputies told); None when the facility is gone."""
    before = await repos.facilities.get(facility_id)
    if before is None:
        return None
    after = replace(before, lat=lat, lon=lon)
    results = []
    async with repos.db.transaction():
        if not await repos.facilities.set_coordinates(facility_id, lat, lon):
            return None
        for visit in await repos.inspections.disputed(facility_id):
            level = await _reassess(repos, now, visit, after)
            results.append((visit["tracking"], level))
            await _tell_deputy(repos, now, visit, after, level)
        await repos.audit.record(now, admin.id, "facility.coordinates", f"facility:{facility_id}",
                                 old=[before.lat, before.lon], new=[lat, lon],
                                 visits=[tracking for tracking, _ in results])
    return Corrected(after, results)


async def _reassess(
    repos: Repos, now: datetime, visit: dict[str, Any], facility: Facility
) -> Evidence:
    """One disputed visit measured against the corrected coordinates; its new strength."""
    lat, lon = float(facility.lat or 0), float(facility.lon or 0)
    track = json.loads(visit["location_track"]) if visit["location_track"] else []
    for point in track:
        point["distance_m"] = round(distance_m(point["lat"], point["lon"], lat, lon), 1)
    distance = round(distance_m(visit["lat"], visit["lon"], lat, lon), 1)
    location = {"status": "live", "at": visit["location_at"], "sent_at": visit["location_sent_at"],
                "distance_m": distance, "track": track, "disputed": True, "corrected": True}
    photos = await repos.inspections.photos(visit["id"])
    assessment = assess(location_fact(location), [photo_fact(p, facility) for p in photos])
    await repos.inspections.reassessed(
        visit["id"], distance_m=distance, track=json.dumps(track) if track else None,
        evidence=assessment.level, corrected_at=now,
        reasons=json.dumps(assessment.as_json(), ensure_ascii=False))
    return assessment.level


async def _tell_deputy(
    repos: Repos, now: datetime, visit: dict[str, Any], facility: Facility, level: Evidence
) -> None:
    deputy = await repos.people.get(visit["deputy_id"])
    if deputy is None or deputy.tg_user_id is None or not deputy.active:
        return
    await queue_text(repos.outbox, now, platform=deputy.platform,
                     chat_id=deputy.tg_user_id, kind="facility.corrected",
                     text=t("coords.deputy_told", facility=facility.name,
                            tracking=fa_digits(visit["tracking"]), level=level_name(level)),
                     dedup_key=f"facility.corrected:{visit['id']}:{to_db(now)}")
