"""/month for deputies (status, follow-ups) and /plan for admins; cross-county access refused."""

from __future__ import annotations

import random

from bot.domain import Role
from bot.i18n import fa_digits, t, t_plain
from bot.jalali import format_date
from scheduler.inspection_reminders import RNG_KEY
from tests.conftest import ADMIN_ID
from tests.inspect_flow import add_facility, confirm_data, full_checkin
from tests.people import register


async def _serious_visit(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    chat, deputy = await register(bot, 4000, Role.DEPUTY, county="سیرجان", name="Maryam")
    facility = await add_facility(bot, "سیرجان", "کشتارگاه سیرجان")
    await full_checkin(bot, chat, deputy, facility, findings="نبود دامپزشک", severity="critical")
    await chat.click(confirm_data(chat))
    [visit] = await bot.repos.inspections.of_period("1405-09")
    return admin, chat, deputy, visit


async def test_month_status_and_closing_a_follow_up(bot, settings):
    _admin, chat, deputy, visit = await _serious_visit(bot)
    await chat.send("/month")
    text = chat.last_text()
    assert "آذر ۱۴۰۵" in text
    assert fa_digits(visit.tracking) in text
    assert "کشتارگاه سیرجان" in text
    [item] = await bot.repos.inspections.open_follow_ups(deputy.county_id)
    assert chat.buttons() == [(t("insp_month.close_button", tracking=fa_digits(visit.tracking)),
                               f"fu:c:{item.id}"),
                              (t("pdf_record.button", tracking=fa_digits(visit.tracking)),
                               f"rec:{visit.id}")]
    await chat.click(f"fu:c:{item.id}")
    await chat.send_sticker()
    assert chat.last_text() == t("inspections.text_expected")
    await chat.send("دامپزشک ناظر مستقر شد")
    await chat.send("متن به جای عکس")
    assert chat.last_text() == t("follow_ups.photo_expected")
    await chat.send_photo("fix1", data=b"fixed")
    assert chat.buttons()[0] == (t_plain("follow_ups.confirm_button"), f"fu:ok:{item.id}")
    assert (await bot.repos.inspections.follow_up(item.id)).status == "open"
    await chat.click(f"fu:ok:{item.id}")
    assert chat.last_text() == t("follow_ups.closed", tracking=fa_digits(visit.tracking))
    closed = await bot.repos.inspections.follow_up(item.id)
    assert closed.status == "closed"
    assert closed.closed_at == bot.clock.now()
    assert await bot.repos.inspections.open_follow_ups() == []
    [alert] = await bot.repos.outbox.items("follow_up.closed")
    assert alert["chat_id"] == ADMIN_ID
    assert "دامپزشک ناظر مستقر شد" in alert["payload"]
    await chat.send("/month")
    assert t("insp_month.no_follow_ups") in chat.last_text()


async def test_other_county_cannot_close_or_see(bot):
    admin, _chat, _deputy, visit = await _serious_visit(bot)
    [item] = await bot.repos.inspections.open_follow_ups()
    other, _ = await register(bot, 4001, Role.DEPUTY, county="بم")
    calls = await other.click(f"fu:c:{item.id}")
    assert any(c.params.get("text") == t("auth.denied") for c in calls)
    await other.send("/month")
    assert fa_digits(visit.tracking) not in other.last_text()
    assert (await bot.repos.inspections.follow_up(item.id)).status == "open"
    await admin.send("/month")
    assert admin.last_text() == t("auth.denied")


async def test_plan_for_admins_only(bot):
    bot.app.bot_data[RNG_KEY] = random.Random(2)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    deputy_chat, deputy = await register(bot, 4002, Role.DEPUTY, county="راور", name="Hamid")
    await admin.send("/plan")
    assert admin.last_text() == t("insp_plan.empty", month="آذر ۱۴۰۵")
    await bot.tick()
    await admin.send("/plan")
    plans = await bot.repos.inspections.plans("1405-09", deputy.id)
    assert len(plans) == 3
    for plan in plans:
        assert format_date(plan.planned_day, weekday=True) in admin.last_text()
    assert "راور" in admin.last_text()
    assert "Hamid" in admin.last_text()
    await admin.send("/plan 1405-13")
    assert admin.last_text() == t("insp_plan.bad_month")
    await deputy_chat.send("/plan")
    assert deputy_chat.last_text() == t("auth.denied")
    await deputy_chat.send("/month")
    for plan in plans:  # deputies never see the secret days
        assert format_date(plan.planned_day) not in deputy_chat.last_text()


async def test_admin_maintains_holidays(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    await admin.send("/holidays add ۱۴۰۵/۰۹/۳۰ شب یلدا")
    day = (await bot.repos.programmes.holidays(bot.clock.now().date(),
                                                bot.clock.now().date().replace(year=2027)))
    assert list(day.values()) == ["شب یلدا"]
    [when] = day
    assert admin.last_text() == t("holidays.added", date=format_date(when, weekday=True))
    await admin.send("/holidays")
    assert "شب یلدا" in admin.last_text()
    await admin.send("/holidays add 1405-99-01")
    assert admin.last_text() == t("holidays.usage")
    await admin.send("/holidays remove 1405-09-30")
    assert admin.last_text() == t("holidays.removed", date=format_date(when, weekday=True))
    deputy, _ = await register(bot, 4003, Role.DEPUTY, county="انار")
    await deputy.send("/holidays add 1405-09-29")
    assert deputy.last_text() == t("auth.denied")
