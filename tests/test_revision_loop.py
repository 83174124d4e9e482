"""The revision loop: a returned report is revised from /report, the card and the history
alike, the reason shown first; the deputy's notice says which version and what changed; a
returned report counts for nothing until revised and accepted (the card's figures are the
last accepted report's, one awaiting review shown beside them)."""

from __future__ import annotations

from bot.i18n import fa_digits, t, t_plain
from bot.jalali import JalaliMonth
from bot.services.progress import report_code
from tests.project_fixtures import answered_once, make_world
from tests.test_project_report import _report

AZAR = JalaliMonth(1405, 9)  # the month of conftest.START
REASON = "\u0631\u0633\u06cc\u062f\u0647\u0627 \u062e\u0648\u0627\u0646\u0627 \u0646\u06cc\u0633\u062a"


async def _card(w) -> str:
    await w.member.send("/projects")
    return w.member.last_text()


async def test_return_revise_from_report_with_the_reason_then_accept(bot):
    w = await make_world(bot)
    await _report(w.member, w.project_id, percent="40", spent="2000000")
    await w.member.click("rep:ok")
    [first] = await bot.repos.reports.of_project(w.project_id)
    card = await _card(w)
    assert t_plain("projects.pending", percent=40) in card  # awaiting review, beside 0 %

    await bot.deliver()
    await w.deputy.click(f"rv:ret:{first.id}")
    await w.deputy.send(REASON)
    await bot.deliver()
    project = await bot.repos.projects.get(w.project_id)
    assert (project.progress, project.spent, project.last_status) == (None, None, "returned")
    card = await _card(w)
    assert t_plain("projects.returned") in card
    # The card and the history both offer to revise the returned report.
    assert (t_plain("projects.revise_numbered", n=1), f"rep:rev:{first.id}") in w.member.buttons()
    await w.member.click(f"prj:h:{w.project_id}")
    assert (t_plain("review.revise_button"), f"rep:rev:{first.id}") in w.member.buttons()

    # /report lists the project as one to revise; choosing it opens the revision, the
    # deputy's reason first, with the returned version's answers.
    await w.member.send("/report")
    assert (t_plain("report.revise_project", title="Sport for kids"),
            f"rep:rev:{first.id}") in w.member.buttons()
    await w.member.click(f"rep:p:{w.project_id}")  # the plain project button leads there too
    summary = w.member.last_text()
    assert summary.startswith(t("report.revision_head", reason=REASON).split("\n")[0])
    assert REASON in summary
    await w.member.click("rep:edit")
    await w.member.click("rep:step:percent")
    await w.member.send("\u06f5\u06f5")  # 55, typed in Persian digits
    await w.member.click("rep:ok")
    history = await bot.repos.reports.history(first.id)
    assert [(r.version, r.status, r.percent) for r in history] == [
        (1, "returned", 40), (2, "submitted", 55)]
    second = history[1]
    assert second.tracking_code == report_code(AZAR, 1) + "/2"

    # The deputy's notice: which version of which report, the reason answered, what changed.
    await bot.deliver()
    notice = next(c.text for c in reversed(w.deputy.calls()) if c.text
                  and t_plain("review.field_percent") in c.text)
    assert t("review.incoming_revision", version=2, code=fa_digits(report_code(AZAR, 1)),
             reason=REASON, changes="", card="").split("\n")[0] in notice
    assert t_plain("review.change_line", field=t_plain("review.field_percent"),
                   old="\u06f4\u06f0", new="\u06f5\u06f5") in notice

    await w.deputy.click(f"rv:ok:{second.id}")
    await w.deputy.click(f"rv:oky:{second.id}")
    project = await bot.repos.projects.get(w.project_id)
    assert (project.progress, project.spent, project.pending_progress) == (55, 2_000_000, None)
    assert answered_once(bot)


async def test_a_second_report_after_a_revision_is_accepted(bot):
    w = await make_world(bot)
    await _report(w.member, w.project_id, percent="30", spent="1000000")
    await w.member.click("rep:ok")
    [first] = await bot.repos.reports.of_project(w.project_id)
    await bot.deliver()
    await w.deputy.click(f"rv:ret:{first.id}")
    await w.deputy.click("rv:why:0")
    await w.member.click(f"rep:rev:{first.id}")
    await w.member.click("rep:ok")
    revision = (await bot.repos.reports.history(first.id))[-1]
    await bot.deliver()
    await w.deputy.click(f"rv:ok:{revision.id}")
    await w.deputy.click(f"rv:oky:{revision.id}")
    # Nothing to revise any more: /report starts a new report, compared with 30 %.
    await w.member.send("/report")
    assert (t_plain("report.revise_project", title="Sport for kids"),
            f"rep:rev:{first.id}") not in w.member.buttons()
    await w.member.click(f"rep:p:{w.project_id}")
    assert w.member.last_text() == t("report.ask_percent", title="Sport for kids", previous=30)
    await w.member.send("20")
    assert w.member.last_text() == t("report.ask_back_reason", previous=30)
    # A new report takes a new code of its month; the revision kept its report's.
    await w.member.send("\u062a\u0644\u0641\u0627\u062a")
    await w.member.send("done")
    await w.member.click("rep:files:done")
    await w.member.send("1000000")
    await w.member.click("rep:people:skip")
    await w.member.click("rep:ok")
    newest = (await bot.repos.reports.of_project(w.project_id))[0]
    assert (newest.version, newest.tracking_code) == (1, report_code(AZAR, 2))
