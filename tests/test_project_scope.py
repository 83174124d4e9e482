"""Scope: members see only their organisation's projects, deputies only their county's;
forged callback data is refused and changes nothing."""

from __future__ import annotations

from bot.domain import Role
from bot.i18n import t
from bot.services.progress import review_reasons
from tests.conftest import ADMIN_ID
from tests.people import add_organisation, register
from tests.project_fixtures import (
    KERMAN,
    OTHER_DEPUTY_ID,
    OTHER_MEMBER_ID,
    answered_once,
    make_world,
)
from tests.test_project_report import _report


def _denied(calls) -> bool:
    """The press was answered with the refusal alert and nothing else was shown."""
    return [(c.endpoint, c.params.get("text")) for c in calls] == [
        ("answerCallbackQuery", t("auth.denied"))]


async def _outsiders(bot):
    await add_organisation(bot, "NGO Kerman", KERMAN)
    member, member_p = await register(bot, OTHER_MEMBER_ID, Role.MEMBER, organisation="NGO Kerman")
    deputy, _ = await register(bot, OTHER_DEPUTY_ID, Role.DEPUTY, county=KERMAN)
    return member, member_p, deputy


async def test_other_organisation_cannot_report_or_see(bot):
    w = await make_world(bot)
    outsider, outsider_p, other_deputy = await _outsiders(bot)
    await outsider.send("/projects")
    assert outsider.last_text() == t("projects.none")
    await outsider.send("/report")
    assert outsider.last_text() == t("report.no_projects")
    await outsider.click(f"rep:p:{w.project_id}")  # forged
    assert outsider.last_text() == t("report.project_gone")
    assert await bot.repos.drafts.get(outsider_p.id, "member_report") is None
    await other_deputy.send("/projects")
    assert other_deputy.last_text() == t("projects.none")
    await w.deputy.send("/projects")
    assert "Sport for kids" in w.deputy.last_text()
    await w.member.send("/projects")
    assert "Sport for kids" in w.member.last_text()
    assert w.member.buttons() == [(t("projects.report_numbered", n=1), f"rep:p:{w.project_id}"),
                                  (t("projects.history_numbered", n=1), f"prj:h:{w.project_id}")]
    assert _denied(await outsider.click(f"prj:h:{w.project_id}"))
    assert _denied(await other_deputy.click(f"prj:h:{w.project_id}"))
    assert answered_once(bot)


async def test_forged_review_callbacks_change_nothing(bot):
    w = await make_world(bot)
    outsider, _, other_deputy = await _outsiders(bot)
    await _report(w.member, w.project_id)
    await w.member.click("rep:ok")
    [report] = await bot.repos.reports.of_project(w.project_id)

    assert _denied(await other_deputy.click(f"rv:ok:{report.id}"))
    assert _denied(await other_deputy.click(f"rv:ret:{report.id}"))
    assert _denied(await w.member.click(f"rv:ok:{report.id}"))  # members never review
    await outsider.click(f"rep:rev:{report.id}")
    assert outsider.last_text() == t("report.revise_refused")
    assert (await bot.repos.reports.get(report.id)).status == "submitted"
    assert await bot.repos.reports.review_of(report.id) is None
    await other_deputy.send("/review")
    assert other_deputy.last_text() == t("review.none_waiting")

    # The county's deputy sees it in /review; an admin may decide too.
    await w.deputy.send("/review")
    assert w.deputy.buttons() == [(t("review.open_button", n=1), f"rv:open:{report.id}")]
    assert _denied(await other_deputy.click(f"rv:open:{report.id}"))
    await w.deputy.click(f"rv:open:{report.id}")
    assert (t("review.accept_button"), f"rv:ok:{report.id}") in w.deputy.buttons()
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    await admin.click(f"rv:ret:{report.id}")
    await admin.click("rv:why:0")
    assert (await bot.repos.reports.get(report.id)).status == "returned"
    review = await bot.repos.reports.review_of(report.id)
    assert review.reason == review_reasons()[0]
    stale = await admin.click("rv:why:0")  # an old button after the decision changes nothing
    assert [c.params.get("text") for c in stale] == [t("common.stale_button")]
    assert (await bot.repos.reports.review_of(report.id)).decision == "returned"
    assert answered_once(bot)
