"""The progress report end to end: report → review → return → revision → acceptance."""

from __future__ import annotations

import pytest

from bot.i18n import fa_digits, t
from bot.jalali import JalaliMonth
from bot.services.progress import report_code
from tests.project_fixtures import answered_once, make_world

# The flow on Telegram and on Bale (tests/conftest.py, docs/bale.md).
pytestmark = pytest.mark.both_platforms

AZAR = JalaliMonth(1405, 9)  # the month of conftest.START


async def _report(chat, project_id: int, *, percent: str = "۴۵", spent: str = "۳ میلیون"):
    await chat.send("/report")
    await chat.click(f"rep:p:{project_id}")
    await chat.send(percent)
    await chat.send("Two training sessions held")
    await chat.send_photo("ph1", data=b"\xff\xd8one")
    await chat.send_document("doc1", "receipt.pdf", "application/pdf")
    await chat.click("rep:files:done")
    await chat.send(spent)
    await chat.send("۱۲۰")


async def test_report_review_revision_acceptance(bot):
    w = await make_world(bot)
    await _report(w.member, w.project_id)
    assert t("report.summary", card="x").split("\n")[0] in w.member.last_text()
    await w.member.click("rep:ok")
    assert await bot.repos.drafts.get(w.member_person.id, "member_report") is None
    [first] = await bot.repos.reports.of_project(w.project_id)
    assert (first.status, first.percent, first.spent, first.people_reached) == (
        "submitted", 45, 3_000_000, 120)
    assert first.tracking_code == report_code(AZAR, 1)
    assert w.member.last_text() == t("report.stored", code=fa_digits(report_code(AZAR, 1)))
    files = await bot.repos.reports.attachments(first.id)
    assert [f.kind for f in files] == ["photo", "document"]
    assert all(f.sha256 and (bot.settings.media_dir / f.sha256[:2] / f.sha256).exists()
               for f in files)

    # The deputy gets the card, then the files captioned with the code, then the buttons.
    await bot.deliver()
    sent = [c.endpoint for c in w.deputy.calls()][-4:]
    assert sent == ["sendMessage", "sendPhoto", "sendDocument", "sendMessage"]
    assert (t("review.accept_button"), f"rv:ok:{first.id}") in w.deputy.buttons()

    # Returned with a typed reason; the member hears at once with a revise button.
    await w.deputy.click(f"rv:ret:{first.id}")
    await w.deputy.send("Receipts are unreadable")
    assert (await bot.repos.reports.get(first.id)).status == "returned"
    review = await bot.repos.reports.review_of(first.id)
    assert review.decision == "returned" and review.reason == "Receipts are unreadable"
    await bot.deliver()
    assert "Receipts are unreadable" in w.member.last_text()
    assert w.member.buttons() == [(t("review.revise_button"), f"rep:rev:{first.id}")]

    # The revision starts at the summary with the old answers; change the spent step only.
    await w.member.click(f"rep:rev:{first.id}")
    await w.member.click("rep:edit")
    await w.member.click("rep:step:spent")
    await w.member.send("3,500,000")
    await w.member.click("rep:ok")
    history = await bot.repos.reports.history(first.id)
    assert [(r.version, r.status, r.spent) for r in history] == [
        (1, "returned", 3_000_000), (2, "submitted", 3_500_000)]
    second = history[1]
    assert second.revision_of == first.id
    assert second.tracking_code == report_code(AZAR, 1) + "/2"
    assert len(await bot.repos.reports.attachments(second.id)) == 2

    # A second revision of the same returned version is refused.
    await w.member.click(f"rep:rev:{first.id}")
    assert w.member.last_text() == t("report.revise_refused")

    await bot.deliver()
    await w.deputy.click(f"rv:ok:{second.id}")
    assert (await bot.repos.reports.get(second.id)).status == "submitted"  # asks first
    await w.deputy.click(f"rv:oky:{second.id}")
    assert (await bot.repos.reports.get(second.id)).status == "accepted"
    await bot.deliver()
    assert w.member.last_text() == t("review.told_accepted", title="Sport for kids", code=t(
        "report.code_version", code=fa_digits(report_code(AZAR, 1)), version=2))
    # A second click changes nothing.
    await w.deputy.click(f"rv:oky:{second.id}")
    assert w.deputy.last_text() == t("review.already")
    project = await bot.repos.projects.get(w.project_id)
    assert (project.progress, project.spent, project.status) == (45, 3_500_000, "active")
    # The history keeps both versions and the reason the first went back.
    await w.deputy.click(f"prj:h:{w.project_id}")
    lines = w.deputy.last_text().split("\n")[1:]
    assert len(lines) == 2
    assert t("report_status.accepted") in lines[0]
    assert "Receipts are unreadable" in lines[1] and t("report_status.returned") in lines[1]
    assert answered_once(bot)


async def test_completion_with_final_report(bot):
    w = await make_world(bot)
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send("100%")
    assert w.member.last_text() == t("report.ask_final")
    await w.member.click("rep:final:1")
    await w.member.send_voice("v1")
    assert w.member.last_text() == t("report.ask_files")
    await w.member.click("rep:files:done")
    await w.member.send("۹٬۵۰۰٬۰۰۰")
    await w.member.click("rep:people:skip")
    await w.member.click("rep:ok")
    [final] = await bot.repos.reports.of_project(w.project_id)
    assert final.kind == "final" and final.people_reached is None
    assert [f.kind for f in await bot.repos.reports.attachments(final.id)] == ["voice"]
    await bot.deliver()
    to_deputy = bot.api.to(w.deputy.chat_id, ("sendVoice", "sendMessage"))
    assert [c.endpoint for c in to_deputy][-2:] == ["sendVoice", "sendMessage"]
    await w.deputy.click(f"rv:ok:{final.id}")
    await w.deputy.click(f"rv:oky:{final.id}")
    project = await bot.repos.projects.get(w.project_id)
    assert project.status == "completed"
    await bot.deliver()
    assert "🎉" in w.member.last_text()
    # A completed project takes no more reports.
    await w.member.send("/report")
    assert w.member.last_text() == t("report.no_projects")
    assert answered_once(bot)


async def test_restart_in_the_middle_resumes(bot):
    w = await make_world(bot)
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send("30")
    await w.member.send("Venue rented")
    await bot.restart(crash=True)
    member = bot.chat(w.member.user_id, "Maryam")
    await member.send_photo("ph9")
    assert member.last_text() == t("report.file_received", count=1)
    await member.click("rep:files:done")
    await member.send("2000000")
    await member.send("15")
    await member.click("rep:ok")
    [report] = await bot.repos.reports.of_project(w.project_id)
    assert (report.percent, report.done_text, report.spent, report.people_reached) == (
        30, "Venue rented", 2_000_000, 15)
    assert answered_once(bot)


async def test_backwards_needs_reason_and_over_budget_needs_confirmation(bot):
    w = await make_world(bot, budget=1_000_000)
    await _report(w.member, w.project_id, percent="50", spent="900000")
    await w.member.click("rep:ok")
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send("abc")
    assert w.member.last_text() == t("report.bad_percent")
    await w.member.send("٤٠")
    assert w.member.last_text() == t("report.ask_back_reason", previous=50)
    await w.member.send("Part of the work had to be redone")
    await w.member.send_sticker()
    assert w.member.last_text() == t("flow.expect_text")
    await w.member.send("Redone")
    await w.member.send("a lot")  # text where files are expected: said, and asked again
    assert w.member.texts()[-2:] == [t("report.expect_file"), t("report.ask_files", count=0)]
    await w.member.send_document("x1", "a.exe", "application/x-msdownload")
    assert w.member.last_text() == t("report.file_bad_type")
    await w.member.send_document("big", "b.pdf", "application/pdf", size=21 * 1024 * 1024)
    assert w.member.last_text() == t("report.file_too_big")
    await w.member.click("rep:files:done")
    await w.member.send("twelve")
    assert w.member.last_text() == t("report.bad_amount")
    await w.member.send("۱٫۲ میلیون")
    assert w.member.last_text() == t("report.confirm_over", spent=1_200_000, budget=1_000_000)
    await w.member.send("yes")  # typed where a button is expected: asked again with buttons
    assert w.member.texts()[-2:] == [
        t("flow.use_buttons"), t("report.confirm_over", spent=1_200_000, budget=1_000_000)]
    assert w.member.buttons()[0][1] == "rep:over:yes"
    await w.member.click("rep:over:no")
    await w.member.send("1.5 میلیون")
    await w.member.click("rep:over:yes")
    await w.member.click("rep:people:skip")
    await w.member.click("rep:ok")
    latest = (await bot.repos.reports.of_project(w.project_id))[0]
    assert (latest.percent, latest.previous_percent, latest.spent, latest.over_budget_ok) == (
        40, 50, 1_500_000, True)
    assert latest.backwards_reason == "Part of the work had to be redone"
    assert answered_once(bot)


async def test_cancel_discards_draft(bot):
    w = await make_world(bot)
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send("20")
    await w.member.click("rep:cancel")
    assert w.member.last_text() == t("report.cancelled")
    assert await bot.repos.drafts.get(w.member_person.id, "member_report") is None
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send("/cancel")  # leaves the report; the draft is kept, and it says so
    assert w.member.last_text() == t("report.left_kept")
    assert await bot.repos.drafts.get(w.member_person.id, "member_report") is not None
    assert answered_once(bot)


async def test_unfinished_draft_can_be_continued(bot):
    w = await make_world(bot)
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send("30")
    await w.member.send("/cancel")  # the flow ends; the draft stays to be continued
    assert w.member.last_text() == t("report.left_kept")
    await w.member.send(t("menu.report"))
    assert (t("report.resume_button"), "rep:resume") in w.member.buttons()
    await w.member.click("rep:resume")
    assert w.member.last_text() == t("report.ask_done")
    await w.member.send("Posters printed")
    await w.member.click("rep:files:done")
    await w.member.send("۵۰۰ هزار")
    await w.member.send("40")
    await w.member.click("rep:ok")
    [report] = await bot.repos.reports.of_project(w.project_id)
    assert (report.percent, report.done_text, report.spent) == (30, "Posters printed", 500_000)
    # Choosing a project instead of continuing starts afresh.
    await w.member.send("/report")
    assert (t("report.resume_button"), "rep:resume") not in w.member.buttons()
    assert answered_once(bot)
