"""The check-in's location: a one-shot or a live location, far from the facility, or skipped.

- A location (the deputy's own, fresh: inspections.judge_location) is kept with its distance
  to the facility. A Telegram live location also starts a track: the point it was shared at,
  then its updates (edited messages) while the check-in goes on, until it is confirmed.
- A location more than FAR_M from the facility's coordinates stops the flow at the «far»
  step: share it again, "I am at the facility: its coordinates are wrong" (the visit is
  weak and the admins are told: bot/services/facility_coords.py), or go on as weak evidence.
- Skipping needs a reason of a few words: at least SKIP_WORDS words and SKIP_LETTERS letters
  (bot.text.few_words), so a single letter is refused.

The track keeps at most TRACK_MAX points: a point less than TRACK_GAP after the last kept one
(or any point once the track is full) replaces that last one only when it is at least as far
from the facility, so the farthest point ever sent is always in the track; the first point
(where it was shared) always stays.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.clock import from_db, to_db
from bot.db.repos import Repos
from bot.db.repos.drafts import Draft
from bot.services.checkin_rules import far_unanswered
from bot.services.evidence import distance_m
from bot.services.inspections import MAX_TEXT, next_step
from bot.steps import Outcome, Refuse
from bot.text import few_words

TRACK_MAX = 60
TRACK_GAP = timedelta(minutes=1)
SKIP_WORDS, SKIP_LETTERS = 2, 6


async def _distance(repos: Repos, draft: Draft, lat: float, lon: float) -> float | None:
    """Metres to the chosen facility (None when it has no coordinates yet)."""
    facility = await repos.facilities.get(int(draft.data.get("facility_id") or 0))
    if facility is None or not facility.has_coordinates:
        return None
    return round(distance_m(lat, lon, facility.lat, facility.lon), 1)  # type: ignore[arg-type]


def _point(lat: float, lon: float, at: datetime, distance: float | None) -> dict[str, Any]:
    return {"lat": lat, "lon": lon, "at": to_db(at), "distance_m": distance}


async def set_location(
    repos: Repos, now: datetime, draft: Draft, lat: float, lon: float, sent_at: datetime, *,
    live_message_id: int | None = None,
) -> Outcome:
    """Keeps the deputy's location and its distance to the facility (a live location: the
    first point of its track); a far one asks what it means next."""
    distance = await _distance(repos, draft, lat, lon)
    location: dict[str, Any] = {
        "status": "live", "lat": lat, "lon": lon, "sent_at": to_db(sent_at), "at": to_db(now),
        "distance_m": distance,
    }
    if live_message_id is not None:
        location["live_message_id"] = live_message_id
        location["track"] = [_point(lat, lon, now, distance)]
    draft.data["location"] = location
    return next_step(draft)


def far_chosen(draft: Draft, choice: str) -> Outcome:
    """The deputy's answer to a far location: again (the location is dropped and asked
    again), disputed (the registered coordinates are wrong) or weak (go on)."""
    location = draft.data.get("location")
    if not far_unanswered(location) or choice not in ("again", "disputed", "weak"):
        return Refuse("inspections.stale_button")
    assert location is not None
    if choice == "again":
        draft.data.pop("location")
    else:
        location["far_choice"] = choice
        location["disputed"] = choice == "disputed"
    return next_step(draft)


def skip_location(now: datetime, draft: Draft, reason: str) -> Outcome:
    """Records that no location was sent, and why; refused unless the reason is a few words."""
    if not few_words(reason, SKIP_WORDS, SKIP_LETTERS) or len(reason) > MAX_TEXT:
        return Refuse("checkin.skip_reason_short", {"words": SKIP_WORDS, "letters": SKIP_LETTERS})
    draft.data["location"] = {"status": "skipped", "note": reason, "at": to_db(now)}
    return next_step(draft)


async def track_moved(
    repos: Repos, draft: Draft, message_id: int, lat: float, lon: float, at: datetime
) -> bool:
    """A live location's update: kept in its track by the rule above; False when it is not
    the draft's live location (another message, or a location since replaced) or not kept."""
    location = draft.data.get("location") or {}
    track = location.get("track")
    if location.get("live_message_id") != message_id or not track:
        return False
    return add_point(track, _point(lat, lon, at, await _distance(repos, draft, lat, lon)))


def add_point(track: list[dict[str, Any]], point: dict[str, Any]) -> bool:
    """Adds a point to a track by the rule above; False when it is not kept."""
    last = track[-1]
    at, last_at = from_db(point["at"]), from_db(last["at"])
    if at <= last_at:
        return False  # an update older than what is kept
    if len(track) < TRACK_MAX and (at - last_at >= TRACK_GAP or len(track) == 1):
        track.append(point)
    elif len(track) > 1 and (point["distance_m"] or 0) >= (last["distance_m"] or 0):
        track[-1] = point
    else:
        return False
    return True
