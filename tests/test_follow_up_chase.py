"""A follow-up chased to the end under the injected clock (issue 13): opened by a serious
finding, reminded the working day before and on the day, overdue with one admin alert,
extended with a reason (audited), and closed from /followups with a fresh photo after a
confirmation. Forged buttons of another county change nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.clock import FixedClock, TEHRAN
from bot.domain import Role
from bot.i18n import fa_digits, t, t_plain
from bot.inspection_domain import FollowUp, Severity
from bot.jalali import format_date
from bot.services import follow_ups as svc
from bot.services.inspections import show_tracking
from tests.conftest import ADMIN_ID, Harness
from tests.images import jpeg, photo
from tests.inspect_flow import add_facility, confirm_data, full_checkin
from tests.people import register


def at(day: date, hour: int = 8, minute: int = 30) -> datetime:
    """A local wall-clock moment in Tehran."""
    return datetime.combine(day, time(hour, minute), tzinfo=TEHRAN)


async def _opened(bot: Harness):
    admin = bot.chat(ADMIN_ID, "Admin")
    await admin.send("/start")
    first, second = (await bot.repos.counties.all())[:2]
    chat, deputy = await register(bot, 6100, Role.DEPUTY, county=first.name, name="Reza")
    other, _ = await register(bot, 6200, Role.DEPUTY, county=second.name, name="Nima")
    facility = await add_facility(bot, first.name, "Food centre")
    await full_checkin(bot, chat, deputy, facility, findings="Spoiled stock", severity="serious")
    await chat.click(confirm_data(chat))
    [item] = await bot.repos.follow_ups.open_ones()
    return admin, chat, other, item


def kinds(rows: list[dict]) -> list[str]:
    return [r["kind"] for r in rows]


async def test_a_follow_up_from_opening_to_closing(bot: Harness) -> None:
    admin, chat, other, item = await _opened(bot)
    due = svc.due_day(item, bot.clock.tz)
    assert due == date(2026, 12, 6)  # Sunday 15 Azar, seven days after the visit
    for day, expected in ((date(2026, 12, 4), []),  # Friday: nothing
                          (date(2026, 12, 5), ["follow_up.due_soon"]),  # the working day before
                          (date(2026, 12, 6), ["follow_up.due_today"])):
        bot.clock.set(at(day))
        before = len(await bot.repos.outbox.items())
        await bot.tick()
        await bot.tick()  # a second tick the same day queues nothing again
        new = (await bot.repos.outbox.items())[before:]
        assert [k for k in kinds(new) if k.startswith("follow_up")] == expected
    await bot.deliver()
    assert chat.texts()[-1] == t("follow_ups.due_today", tracking=show_tracking(item.tracking),
                                 facility=item.facility_name, due=format_date(due, weekday=True),
                                 county=(await bot.repos.counties.get(item.county_id)).name,
                                 days=0)
    assert chat.buttons() == [(t_plain("follow_ups.close_button",
                                       tracking=fa_digits(item.tracking)), f"fu:c:{item.id}")]

    # The day after: overdue. One alert to the admin (and a word to the deputy), once.
    bot.clock.set(at(date(2026, 12, 7)))
    await bot.tick()
    bot.clock.set(at(date(2026, 12, 8), 15))
    await bot.tick()
    alerts = await bot.repos.outbox.items("follow_up.overdue")
    assert [a["chat_id"] for a in alerts] == [ADMIN_ID]
    assert len(await bot.repos.outbox.items("follow_up.overdue_deputy")) == 1
    await chat.send("/month")
    assert t("follow_ups.overdue_suffix", days=2) in chat.last_text()
    await chat.send("/followups")
    assert t_plain("follow_ups.overdue_mark", days=2) in chat.last_text()

    # An admin extends it by a week, with a reason of a few words (one letter is not one).
    await admin.send("/followups")
    assert (t_plain("follow_ups.e_button", tracking=fa_digits(item.tracking)),
            f"fu:e:{item.id}") in admin.buttons()
    await admin.click(f"fu:e:{item.id}")
    await admin.click(f"fu:d:{item.id}:7")
    await admin.send("\u0646")
    assert admin.last_text() == t("follow_ups.reason_again")
    await admin.send("Waiting for the new freezer")
    moved = await bot.repos.inspections.follow_up(item.id)
    assert moved.due_at == bot.clock.now() + timedelta(days=7)
    [extension] = await bot.repos.follow_ups.extensions(item.id)
    assert extension["reason"] == "Waiting for the new freezer"
    assert any(e["action"] == "follow_up.extend" for e in await bot.repos.audit.recent())
    assert len(await bot.repos.outbox.items("follow_up.extended")) == 1
    await chat.send("/month")
    assert t("follow_ups.overdue_suffix", days=2) not in chat.last_text()

    # Closing: the visit's own photo and a forged other county are refused; a fresh one,
    # after the confirmation, closes it and tells the admins.
    calls = await other.click(f"fu:c:{item.id}")
    assert any(c.params.get("text") == t("auth.denied") for c in calls)
    await chat.send("/followups")
    await chat.press(t_plain("follow_ups.c_button", tracking=fa_digits(item.tracking)))
    await chat.send("Stock replaced and fridge repaired")
    [first_photo, *_] = await bot.repos.inspections.photos(item.inspection_id)
    own = (bot.settings.media_dir / first_photo["path"]).read_bytes()  # a check-in photo
    await chat.send_photo("own-again", data=own)
    assert chat.last_text() == t("follow_ups.photo_own")
    await chat.send_photo("fresh", data=jpeg(photo(21)))
    assert (await bot.repos.inspections.follow_up(item.id)).status == "open"
    await chat.click(f"fu:ok:{item.id}")
    assert chat.last_text() == t("follow_ups.closed", tracking=fa_digits(item.tracking))
    closed = await bot.repos.inspections.follow_up(item.id)
    assert closed.status == "closed"
    row = await bot.repos.db.fetchone("SELECT close_photo_phash, close_photo_work_path"
                                      " FROM follow_ups WHERE id = ?", (item.id,))
    assert len(row["close_photo_phash"]) == 16
    assert len(await bot.repos.outbox.items("follow_up.closed")) == 1
    # Closed: no reminder or alert any more.
    bot.clock.set(at(date(2026, 12, 20)))
    before = len(await bot.repos.outbox.items())
    await bot.tick()
    assert not [k for k in kinds((await bot.repos.outbox.items())[before:])
                if k.startswith("follow_up")]


async def test_a_closing_photo_used_elsewhere_is_refused(bot: Harness) -> None:
    _admin, chat, _other, item = await _opened(bot)
    # Another visit of the same deputy with a real picture, then that picture as the "fix".
    facility = await add_facility(bot, (await bot.repos.counties.get(item.county_id)).name,
                                  "Second centre")
    deputy = await bot.repos.people.by_tg(bot.platform, 6100)
    picture = jpeg(photo(30))
    from tests.inspect_flow import pick_facility, answer_all, NEAR  # noqa: PLC0415

    await pick_facility(bot, chat, facility)
    await chat.send_location(*NEAR)
    await chat.send_photo("real", data=picture)
    await chat.click("ci:pd")
    await answer_all(bot, chat, facility.facility_type_id)
    await chat.click("ci:nf")
    await chat.click(confirm_data(chat))
    tracking = max(v.tracking for v in await bot.repos.inspections.of_period("1405-09"))
    await chat.click(f"fu:c:{item.id}")
    await chat.send("Fixed")
    await chat.send_photo("reuse", data=picture)
    assert chat.last_text() == t("follow_ups.photo_used", tracking=show_tracking(tracking))
    await chat.send_photo("fwd", data=jpeg(photo(31)))
    assert chat.buttons()[0][1] == f"fu:ok:{item.id}"
    assert deputy is not None


async def test_forged_follow_up_buttons_change_nothing(bot: Harness) -> None:
    admin, chat, other, item = await _opened(bot)
    calls = await other.click(f"fu:l:{item.county_id}:0")
    assert any(c.params.get("text") == t("auth.denied") for c in calls)
    calls = await chat.click(f"fu:e:{item.id}")
    assert any(c.params.get("text") == t("auth.denied") for c in calls)
    calls = await chat.click(f"fu:d:{item.id}:7")
    assert any(c.params.get("text") == t("auth.denied") for c in calls)
    await admin.click(f"fu:d:{item.id}:9")  # not an offered extension
    assert (await bot.repos.inspections.follow_up(item.id)).due_at == item.due_at
    assert await bot.repos.follow_ups.extensions(item.id) == []


async def test_the_list_pages_and_fits(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID, "Admin")
    await admin.send("/start")
    counties = await bot.repos.counties.all()
    deputies = []
    for n, county in enumerate(counties[:3]):
        chat, deputy = await register(bot, 6300 + n, Role.DEPUTY, county=county.name)
        deputies.append((chat, deputy, county))
    for chat, deputy, county in deputies:
        for k in range(4):
            facility = await add_facility(bot, county.name, "F" * 110 + str(k))
            await full_checkin(bot, chat, deputy, facility, findings="x", severity="critical")
            await chat.click(confirm_data(chat))
    await admin.send("/followups")
    first = admin.last_text()
    assert t_plain("follow_ups.next") in [label for label, _ in admin.buttons()]
    await admin.press(t_plain("follow_ups.next"))
    second = bot.api.named("editMessageText")[-1].params["text"]
    assert first != second
    for text in (first, second):
        assert len(text.encode("utf-16-le")) // 2 <= 4096
    own_chat, own, county = deputies[0]
    await own_chat.send("/followups")
    assert own_chat.last_text().count("\u2022") == 4  # only the own county's four


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
       st.sets(st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)), max_size=20))
def test_the_reminder_day_is_a_working_day_before_the_due_day(due: date, holidays) -> None:
    before = svc.working_day_before(due, set(holidays))
    assert before < due
    assert before.weekday() in svc.WORKING_WEEKDAYS and before not in holidays
    assert all(d.weekday() not in svc.WORKING_WEEKDAYS or d in holidays
               for d in (before + timedelta(days=k) for k in range(1, (due - before).days)))


def test_notices_of_one_follow_up_over_a_month() -> None:
    clock = FixedClock(at(date(2026, 11, 29)))
    item = FollowUp(1, 1, 1, Severity.SERIOUS, "open", clock.now(),
                    at(date(2026, 12, 6), 9), None, "T", "F")
    seen = []
    for k in range(30):
        day = date(2026, 11, 29) + timedelta(days=k)
        seen += [(n.kind, n.day) for n in svc.due_notices([item], day, TEHRAN, set())]
    assert (svc.Kind.DUE_SOON, date(2026, 12, 5)) in seen
    assert (svc.Kind.DUE_TODAY, date(2026, 12, 6)) in seen
    overdue = [d for kind, d in seen if kind is svc.Kind.OVERDUE]
    assert set(overdue) == {date(2026, 12, 6)}  # keyed by the due day: one alert per person
    assert svc.overdue_days(item, date(2026, 12, 9), TEHRAN) == 3
