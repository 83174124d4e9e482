"""Admins add an organisation and a project in chat; others cannot."""

from __future__ import annotations

from datetime import date

from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import format_date
from bot.services.projects import add_project
from tests.conftest import ADMIN_ID
from tests.people import add_organisation, register
from tests.project_fixtures import (
    KERMAN,
    MEMBER_ID,
    OTHER_MEMBER_ID,
    RAFSANJAN,
    answered_once,
    make_world,
)


async def test_admin_adds_organisation_then_project(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    assert t("menu.add_project") in admin.keyboard()
    await admin.send(t("menu.add_organisation"))
    await admin.send("Green Hands")
    await admin.click("ao:k:ngo")
    county = await bot.repos.counties.by_name(RAFSANJAN)
    await admin.send("typed instead of pressing")  # asked again, with the buttons
    assert admin.texts()[-2:] == [t("flow.use_buttons"), t("admin_projects.ask_county")]
    assert (county.name, f"ao:c:{county.id}") in admin.buttons()
    await admin.click(f"ao:c:{county.id}")
    await admin.send("۱۲۳۴")
    await admin.click("ao:skip")
    assert admin.last_text() == t("admin_projects.org_added", name="Green Hands")
    org = await bot.repos.organisations.by_name("Green Hands")
    assert (org.kind, org.county_id, org.registration_number, org.contact) == (
        "ngo", county.id, "\u06f1\u06f2\u06f3\u06f4", None)  # as typed

    await admin.send("/add_project")
    await admin.click(f"ap:o:{org.id}")
    await admin.send("Street football")
    await admin.click("ap:d:sport")
    await admin.send("lots")
    assert admin.last_text() == t("report.bad_amount")
    await admin.send("۲۰ میلیون")
    await admin.send("1405-13-40")
    assert admin.last_text() == t("admin_projects.bad_date")
    await admin.send("۱۴۰۵/۱۱/۱۵")
    await admin.click("ap:def")
    await admin.click("ap:ok")
    assert admin.last_text() == t("admin_projects.project_added", title="Street football")
    project = await bot.repos.projects.by_title(org.id, "Street football")
    assert (project.budget, project.start_date, project.deadline, project.status) == (
        20_000_000, date(2027, 2, 4), date(2027, 5, 5), "active")
    assert answered_once(bot)


async def test_only_admins_add(bot):
    w = await make_world(bot)
    await w.deputy.send("/add_project")
    assert w.deputy.last_text() == t("auth.denied")
    await w.member.send("/add_organisation")
    assert w.member.last_text() == t("auth.denied")
    assert await bot.repos.projects.count() == 1
    assert answered_once(bot)


async def test_members_hear_of_a_new_project_and_can_report_from_the_notice(bot):
    """A project added in chat is owed to the organisation's members: queued with it, then
    delivered with a button that opens the report; a second organisation hears nothing."""
    w = await make_world(bot)
    await add_organisation(bot, "NGO Kerman", KERMAN)
    other, _ = await register(bot, OTHER_MEMBER_ID, Role.MEMBER, organisation="NGO Kerman")
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/add_project")
    await admin.click(f"ap:o:{w.org_id}")
    await admin.send("Chess club")
    await admin.click("ap:d:culture")
    await admin.send("5000000")
    await admin.send("1405/09/08")
    await admin.click("ap:def")
    await admin.click("ap:ok")
    project = await bot.repos.projects.by_title(w.org_id, "Chess club")
    notice = t("projects.assigned", title="Chess club", organisation="NGO Rafsanjan",
               domain=t_plain("domains.culture"), budget=5_000_000,
               start=format_date(project.start_date), deadline=format_date(project.deadline))
    owed = await bot.repos.db.fetchall("SELECT chat_id FROM outbox WHERE kind = 'project_new'")
    assert [r["chat_id"] for r in owed] == [MEMBER_ID]  # written before anything is sent

    await bot.deliver()
    assert w.member.last_text() == notice
    assert notice not in other.texts()
    await w.member.click(f"rep:p:{project.id}")  # the notice's button opens the report
    assert w.member.last_text() == t("report.ask_percent", title="Chess club", previous=0)


async def test_a_taken_title_adds_nothing_and_tells_no_one(bot):
    w = await make_world(bot)
    again = await add_project(bot.repos, bot.clock.now(), organisation_id=w.org_id,
                              title="Sport for kids", domain="sport", budget=1,
                              start=date(2026, 11, 21), deadline=None, actor_id=None)
    assert again is None
    assert await bot.repos.db.scalar("SELECT count(*) FROM outbox WHERE kind = 'project_new'") == 0


async def test_admin_cancels_a_project_from_its_card_and_its_people_are_told(bot):
    w = await make_world(bot)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/projects")
    assert (t_plain("projects.cancel_numbered", n=1), f"prj:x:{w.project_id}") in admin.buttons()
    await admin.click(f"prj:x:{w.project_id}")
    assert admin.last_text() == t("projects.cancel_confirm", title="Sport for kids",
                                  organisation="NGO Rafsanjan")
    await admin.click(f"prj:xn:{w.project_id}")  # «no» changes nothing
    assert (await bot.repos.projects.get(w.project_id)).status == "active"
    await admin.click(f"prj:xy:{w.project_id}")
    assert admin.last_text() == t("projects.cancel_done", title="Sport for kids")
    assert (await bot.repos.projects.get(w.project_id)).status == "cancelled"

    await bot.deliver()
    notice = t("projects.cancelled_notice", title="Sport for kids", organisation="NGO Rafsanjan")
    assert w.member.last_text() == notice
    assert w.deputy.last_text() == notice
    await admin.click(f"prj:xy:{w.project_id}")  # a second press: nothing more happens
    assert bot.api.named("answerCallbackQuery")[-1].params["text"] == t_plain(
        "projects.cancel_refused")
    assert await bot.repos.db.scalar(
        "SELECT count(*) FROM outbox WHERE kind = 'project_cancelled'") == 2
    await w.member.send("/report")  # nothing open is left to report on
    assert w.member.last_text() == t("report.no_projects")
    assert answered_once(bot)


async def test_only_admins_cancel_and_nobody_sees_the_button_but_them(bot):
    w = await make_world(bot)
    for chat in (w.member, w.deputy):
        await chat.send("/projects")
        assert not [d for _, d in chat.buttons() if d.startswith("prj:x")]
        await chat.click(f"prj:xy:{w.project_id}")
        assert bot.api.named("answerCallbackQuery")[-1].params["text"] == t("auth.denied")
    assert (await bot.repos.projects.get(w.project_id)).status == "active"
