"""Follow-ups of serious findings, chased to the end.

- Due day: the local date of follow_ups.due_at. The deputies of the county are reminded on
  the working day before it and on the day itself (at REMINDER_TIME, only on that day); from
  the day after it the follow-up is overdue: shown with its days overdue, and every admin
  (and the deputy) is told once per due day, however late the bot runs.
- An admin may move the due date later, with a reason of a few words (kept in
  follow_up_extensions and the audit log; the county's deputies are told).
- The county's deputy closes it with a note and a fresh photo: not forwarded, not taken long
  before (EXIF), not one of the visit's own photos and not an image stored with any other
  visit or follow-up; a confirmation comes first, then the admins are told.
Everything anyone is owed goes through the outbox with a (kind, person, follow-up, day) key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.callbacks import FollowUps
from bot.clock import to_db
from bot.db.repos import Repos
from bot.domain import Person, Role
from bot.i18n import fa_digits, t, t_plain
from bot.inspection_domain import FollowUp
from bot.jalali import format_date, format_datetime, local_date
from bot.media_store import StoredFile
from bot.services.inspections import MAX_TEXT, show_tracking
from bot.services.notify import queue_text
from bot.services.photo_evidence import earlier_image, is_fresh_closing, own_photo
from bot.services.planner import WORKING_WEEKDAYS
from bot.text import few_words

EXTENSION_DAYS = (3, 7, 14)
MIN_REASON_WORDS = 2
MIN_REASON_CHARS = 6
PAGE_SIZE = 8
HOLIDAY_LOOKBACK = timedelta(days=31)


class Kind(StrEnum):
    DUE_SOON = "follow_up.due_soon"
    DUE_TODAY = "follow_up.due_today"
    OVERDUE = "follow_up.overdue"
    OVERDUE_DEPUTY = "follow_up.overdue_deputy"
    EXTENDED = "follow_up.extended"


def due_day(item: FollowUp, tz: ZoneInfo) -> date:
    """The calendar day (people's zone) the follow-up is due."""
    return local_date(item.due_at, tz)


def overdue_days(item: FollowUp, today: date, tz: ZoneInfo) -> int:
    """Days past the due day (0 while it is not overdue, or once it is closed)."""
    if item.status != "open":
        return 0
    return max(0, (today - due_day(item, tz)).days)


def working_day_before(day: date, holidays: set[date]) -> date:
    """The last working day (Saturday–Wednesday, not a holiday) before `day`."""
    before = day - timedelta(days=1)
    while before.weekday() not in WORKING_WEEKDAYS or before in holidays:
        before -= timedelta(days=1)
    return before


@dataclass(frozen=True)
class Due:
    kind: Kind
    item: FollowUp
    day: date  # the day the notice is about: today for reminders, the due day when overdue


def due_notices(items: list[FollowUp], today: date, tz: ZoneInfo,
                holidays: set[date]) -> list[Due]:
    """What is owed today for these open follow-ups (pure: tested without the bot)."""
    out = []
    for item in items:
        day = due_day(item, tz)
        if today == working_day_before(day, holidays) and today < day:
            out.append(Due(Kind.DUE_SOON, item, today))
        if today == day:
            out.append(Due(Kind.DUE_TODAY, item, today))
        if today > day:
            out.append(Due(Kind.OVERDUE, item, day))
    return out


def dedup_key(kind: Kind, person_id: int, item: FollowUp, day: date) -> str:
    """(kind, person, follow-up, day): each notice goes out once."""
    return f"{kind.value}:{person_id}:{item.id}:{day.isoformat()}"


def close_button(item: FollowUp) -> list[list[tuple[str, str]]]:
    """The «close» button under a deputy's reminder."""
    return [[(t_plain("follow_ups.close_button", tracking=fa_digits(item.tracking)),
              FollowUps.CLOSE(item.id))]]


async def chase(repos: Repos, now: datetime, tz: ZoneInfo, reminder_time: time) -> int:
    """Queues today's reminders and overdue alerts (from REMINDER_TIME); returns rows queued."""
    local = now.astimezone(tz)
    if local.time() < reminder_time:
        return 0
    items = await repos.follow_ups.open_ones()
    if not items:
        return 0
    today = local.date()
    holidays = set(await repos.programmes.holidays(today - HOLIDAY_LOOKBACK,
                                                   today + HOLIDAY_LOOKBACK * 2))
    dues = due_notices(items, today, tz, holidays)
    if not dues:
        return 0
    admins = await repos.people.active(Role.ADMIN)
    deputies = await repos.people.active(Role.DEPUTY)
    counties = {c.id: c.name for c in await repos.counties.all()}
    queued = 0
    async with repos.db.transaction():
        for due in dues:
            queued += await _queue(repos, now, tz, due, admins,
                                   [d for d in deputies if d.county_id == due.item.county_id],
                                   counties.get(due.item.county_id, ""), today)
    return queued


async def _queue(repos: Repos, now: datetime, tz: ZoneInfo, due: Due, admins: list[Person],
                 deputies: list[Person], county: str, today: date) -> int:
    item = due.item
    values = {"tracking": show_tracking(item.tracking), "facility": item.facility_name,
              "county": county, "due": format_date(due_day(item, tz), weekday=True),
              "days": overdue_days(item, today, tz)}
    sends: list[tuple[Kind, Person, str, bool]] = []
    if due.kind is Kind.OVERDUE:
        sends += [(Kind.OVERDUE, a, t("follow_ups.overdue_alert", **values), False)
                  for a in admins]
        sends += [(Kind.OVERDUE_DEPUTY, d, t("follow_ups.overdue_deputy", **values), True)
                  for d in deputies]
    else:
        key = "follow_ups.due_soon" if due.kind is Kind.DUE_SOON else "follow_ups.due_today"
        sends += [(due.kind, d, t(key, **values), True) for d in deputies]
    queued = 0
    for kind, person, text, button in sends:
        if person.tg_user_id is None:
            continue
        row = await queue_text(repos.outbox, now, platform=person.platform,
                               chat_id=person.tg_user_id, kind=kind.value,
                               text=text, dedup_key=dedup_key(kind, person.id, item, due.day),
                               buttons=close_button(item) if button else None)
        queued += row is not None
    return queued


# The list ---------------------------------------------------------------------------------------
async def visible(repos: Repos, person: Person, follow_up_id: int) -> FollowUp | None:
    """The follow-up if the person may see it (admins: all; a deputy: the own county's)."""
    item = await repos.inspections.follow_up(follow_up_id)
    if item is None or not person.may_see_county(item.county_id):
        return None
    return item


def list_scope(person: Person, county_id: int) -> int | None | bool:
    """The county a list may show (None: all); False when the person may not see it."""
    if person.role is Role.ADMIN:
        return county_id or None
    if person.role is Role.DEPUTY and person.county_id and county_id in (0, person.county_id):
        return person.county_id
    return False


@dataclass(frozen=True)
class Page:
    items: list[tuple[FollowUp, str]]  # with the county's name
    page: int
    pages: int
    total: int


async def page_of(repos: Repos, county_id: int | None, page: int) -> Page:
    """One page of open follow-ups (of one county), PAGE_SIZE to a page."""
    total = await repos.follow_ups.count_open(county_id)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    items = await repos.follow_ups.open_page(county_id, page * PAGE_SIZE, PAGE_SIZE)
    return Page(items, page, pages, total)


# Extending ---------------------------------------------------------------------------------------
def usable_reason(text: str) -> bool:
    """A reason is a few words, not a letter: at least two words and six letters."""
    return few_words(text, MIN_REASON_WORDS, MIN_REASON_CHARS) and len(text) <= MAX_TEXT


def extended_due(item: FollowUp, days: int, now: datetime) -> datetime:
    """The new due time: `days` after the old one, or after now when it is already past."""
    return max(item.due_at, now) + timedelta(days=days)


async def extend(
    repos: Repos, now: datetime, admin: Person, follow_up_id: int, days: int, reason: str,
    tz: ZoneInfo,
) -> FollowUp | None:
    """Moves the due date (audited, the deputies told); None when it cannot be moved."""
    item = await repos.inspections.follow_up(follow_up_id)
    if (admin.role is not Role.ADMIN or item is None or item.status != "open"
            or days not in EXTENSION_DAYS or not usable_reason(reason)):
        return None
    new_due = extended_due(item, days, now)
    deputies = await repos.people.active(Role.DEPUTY, county_id=item.county_id)
    text = t("follow_ups.extended_notice", tracking=show_tracking(item.tracking),
             facility=item.facility_name, due=format_date(local_date(new_due, tz), weekday=True),
             reason=reason)
    async with repos.db.transaction():
        if not await repos.follow_ups.extend(item.id, old_due=item.due_at, new_due=new_due,
                                             reason=reason, person_id=admin.id, now=now):
            return None
        await repos.audit.record(now, admin.id, "follow_up.extend", f"follow_up:{item.id}",
                                 old_due=to_db(item.due_at), new_due=to_db(new_due),
                                 reason=reason)
        for deputy in deputies:
            await queue_text(repos.outbox, now, platform=deputy.platform,
                             chat_id=deputy.tg_user_id or 0,
                             kind=Kind.EXTENDED.value, text=text,
                             dedup_key=f"{Kind.EXTENDED.value}:{deputy.id}:{item.id}:"
                                       f"{to_db(new_due)}")
    return await repos.inspections.follow_up(item.id)


# Closing -----------------------------------------------------------------------------------------
async def closable(repos: Repos, person: Person, follow_up_id: int) -> FollowUp | None:
    """The follow-up if it is open and in the deputy's own county; None otherwise."""
    item = await repos.inspections.follow_up(follow_up_id)
    if (item is None or item.status != "open" or person.role is not Role.DEPUTY
            or item.county_id != person.county_id):
        return None
    return item


def usable_note(text: str) -> bool:
    """A closing note must say something and fit in a message."""
    return 0 < len(text.strip()) <= MAX_TEXT


class PhotoVerdict(StrEnum):
    OK = "ok"
    OWN = "own"  # one of the visit's own photos
    USED = "used"  # stored with another visit or follow-up
    FORWARDED = "forwarded"
    OLD = "old"  # EXIF: taken long before


@dataclass(frozen=True)
class Judged:
    verdict: PhotoVerdict
    tracking: str = ""  # USED: where it was found


async def judge_photo(
    repos: Repos, now: datetime, item: FollowUp, sha256: str, phash: str | None,
    taken_at: str | None, forwarded: bool,
) -> Judged:
    """Whether a photo may close the follow-up (fresh, not the visit's own, not used before)."""
    if forwarded:
        return Judged(PhotoVerdict.FORWARDED)
    if not is_fresh_closing(taken_at, forwarded, now):
        return Judged(PhotoVerdict.OLD)
    if await own_photo(repos, item.inspection_id, sha256, phash):
        return Judged(PhotoVerdict.OWN)
    earlier = await earlier_image(repos, sha256, phash)
    if earlier is not None:
        return Judged(PhotoVerdict.USED, earlier.tracking)
    return Judged(PhotoVerdict.OK)


async def close(
    repos: Repos, now: datetime, person: Person, follow_up_id: int, note: str,
    photo: StoredFile, file_id: str, tz: ZoneInfo, phash: str | None = None,
    work_path: str | None = None,
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
        await repos.evidence.set_closing_facts(item.id, phash, work_path)
        for admin in admins:
            await queue_text(repos.outbox, now, platform=admin.platform,
                             chat_id=admin.tg_user_id or 0, kind="follow_up.closed",
                             text=text, dedup_key=f"follow_up.closed:{item.id}:{admin.id}")
        await repos.audit.record(now, person.id, "follow_up.close", f"follow_up:{item.id}")
    return await repos.inspections.follow_up(item.id)

