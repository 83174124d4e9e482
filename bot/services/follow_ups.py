"""Follow-ups of serious findings: the deputy closes one with a note and a photo."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db.repos import Repos
from bot.domain import Person, Role
from bot.i18n import t
from bot.inspection_domain import FollowUp
from bot.jalali import format_datetime
from bot.media_store import StoredFile
from bot.services.inspections import MAX_TEXT, show_tracking
from bot.services.notify import queue_text


async def closable(repos: Repos, person: Person, follow_up_id: int) -> FollowUp | None:
    """The follow-up if it is open and in the deputy's own county; None otherwise."""
    item = await repos.inspections.follow_up(follow_up_id)
    if item is None or item.status != "open" or item.county_id != person.county_id:
        return None
    return item


def usable_note(text: str) -> bool:
    """A closing note must say something and fit in a message."""
    return 0 < len(text) <= MAX_TEXT


async def close(
    repos: Repos, now: datetime, person: Person, follow_up_id: int, note: str,
    photo: StoredFile, file_id: str, tz: ZoneInfo,
) -> FollowUp | None:
    """Closes the follow-up and tells the admins; None when it is not the deputy's to close."""
    item = await closable(repos, person, follow_up_id)
    if item is None or not usable_note(note):
        return None
    admins = await repos.people.active(Role.ADMIN)
    county = await repos.counties.get(item.county_id)
    text = t("follow_ups.closed_alert", tracking=show_tracking(item.tracking),
             facility=item.facility_name, county=county.name if county else "",
             deputy=person.name, note=note, when=format_datetime(now, tz))
    async with repos.db.transaction():
        if not await repos.inspections.close_follow_up(
            item.id, person_id=person.id, note=note, sha256=photo.sha256, file_id=file_id,
            path=photo.path, now=now,
        ):
            return None
        for admin in admins:
            await queue_text(repos.outbox, now, platform=admin.platform,
                             chat_id=admin.tg_user_id or 0, kind="follow_up.closed",
                                text=text, dedup_key=f"follow_up.closed:{item.id}:{admin.id}")
        await repos.audit.record(now, person.id, "follow_up.close",
                                    f"follow_up:{item.id}")
    return await repos.inspections.follow_up(item.id)
