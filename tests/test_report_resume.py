"""/report after a kill -9 between the bot's question and PTB's persistence of the step.

The bot stores the conversation step after each update; a kill right after the reply leaves
the stored step one behind. lose_step() makes exactly that state (the step the persistence
held before the update) and restarts as a crash would. The draft's own step, written before
each question, is what the member's first update after the restart is compared with.
"""

from __future__ import annotations

from types import SimpleNamespace

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t
from tests.conftest import ADMIN_ID, Harness
from tests.fakes import ChatSim
from tests.project_fixtures import World, answered_once, make_world
from tests.people import register

FLOW = "member_report"
ASK_PERCENT, ASK_DONE, ASK_PEOPLE, SUMMARY = "percent", "done", "people", "summary"


async def draft_of(bot: Harness, person_id: int) -> SimpleNamespace | None:
    """The member's report draft: its answers, step and editing flag as attributes."""
    draft = await bot.repos.drafts.get(person_id, FLOW)
    if draft is None:
        return None
    answers = dict.fromkeys(("percent", "done_text", "spent", "people_reached"))
    return SimpleNamespace(**{**answers, **draft.data}, step=draft.step, editing=draft.editing)


async def lose_step(bot: Harness, chat: ChatSim, state: object | None) -> ChatSim:
    """What a kill -9 after the bot's answer but before PTB stored the step leaves: the step
    stored before that update (None: outside the flow); then a start on the same database."""
    await bot.repos.state.set_conversation("telegram", FLOW, (chat.user_id, chat.user_id), state)
    await bot.restart(crash=True)
    return bot.chat(chat.user_id, chat.first_name)


async def _begun(bot: Harness) -> World:
    """A member who chose the project and answered 30 percent: asked what was done."""
    w = await make_world(bot)
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send("30")
    return w


def answer_of(calls: list) -> str | None:
    """The text of the answer to a press, if there was one."""
    return next((c.params.get("text") for c in calls if c.endpoint == "answerCallbackQuery"), None)


async def test_lost_step_is_asked_again_and_the_answer_lands_in_its_field(bot):
    w = await _begun(bot)
    assert w.member.last_text() == t("report.ask_done")
    member = await lose_step(bot, w.member, ASK_PERCENT)

    # The member answers the question they saw; the bot, still at the percent without the
    # draft, would call it a bad percent. Instead: the note and the question again.
    await member.send("Venue rented")
    assert member.texts()[-2:] == [t("flow.resumed"), t("report.ask_done")]
    draft = await draft_of(bot, w.member_person.id)
    assert (draft.percent, draft.done_text, draft.step) == (30, None, "done")
    assert t("report.bad_percent") not in member.texts()

    await member.send("Venue rented")
    assert member.last_text() == t("report.ask_files")
    draft = await draft_of(bot, w.member_person.id)
    assert (draft.percent, draft.done_text, draft.step) == (30, "Venue rented", "files")
    await member.send_photo("ph1")
    await member.click("rep:files:done")
    assert member.last_text() == t("report.ask_spent", budget=10_000_000)
    assert member.texts().count(t("flow.resumed")) == 1  # only the first update is checked
    assert answered_once(bot)


async def _to_summary(bot: Harness) -> World:
    """A member at the summary of a whole report."""
    w = await _begun(bot)
    await w.member.send("Two sessions held")
    await w.member.click("rep:files:done")
    await w.member.send("3000000")
    await w.member.send("120")
    return w


async def test_changing_one_step_survives_the_lost_step(bot):
    w = await _to_summary(bot)
    await w.member.click("rep:edit")
    await w.member.click("rep:step:spent")
    assert w.member.last_text() == t("report.ask_spent", budget=10_000_000)
    member = await lose_step(bot, w.member, SUMMARY)

    calls = await member.send("3500000")
    assert [c.text for c in calls if c.text] == [
        t("flow.resumed"), t("report.ask_spent", budget=10_000_000)]
    draft = await draft_of(bot, w.member_person.id)
    assert (draft.spent, draft.editing) == (3_000_000, True)

    await member.send("3500000")
    # Back at the summary, not on to the people reached: the flag came from the draft.
    assert t("report.summary", card="x").split("\n")[0] in member.last_text()
    draft = await draft_of(bot, w.member_person.id)
    assert (draft.spent, draft.people_reached, draft.editing, draft.step) == (
        3_500_000, 120, False, "summary")
    await member.click("rep:ok")
    [report] = await bot.repos.reports.of_project(w.project_id)
    assert (report.spent, report.people_reached) == (3_500_000, 120)


async def test_a_button_of_the_drafts_step_is_handled_at_once(bot):
    w = await _begun(bot)
    await w.member.send("Posters printed")
    assert w.member.last_text() == t("report.ask_files")
    member = await lose_step(bot, w.member, ASK_DONE)

    await member.click("rep:files:done")
    assert member.last_text() == t("report.ask_spent", budget=10_000_000)
    assert t("flow.resumed") not in member.texts()
    assert (await draft_of(bot, w.member_person.id)).done_text == "Posters printed"
    assert answered_once(bot)


async def test_a_button_of_the_step_before_shows_the_drafts_step(bot):
    w = await _to_summary(bot)
    member = await lose_step(bot, w.member, ASK_PEOPLE)

    calls = await member.click("rep:people:skip")  # pressed again: the summary never came
    assert answer_of(calls) is None  # answered, without an alert
    assert member.texts()[-2] == t("flow.resumed")
    assert t("report.summary", card="x").split("\n")[0] in member.last_text()
    draft = await draft_of(bot, w.member_person.id)
    assert draft.people_reached == 120  # the press changed nothing
    assert answered_once(bot)


async def test_a_command_first_goes_on_and_the_flow_is_at_the_drafts_step(bot):
    w = await _begun(bot)
    member = await lose_step(bot, w.member, ASK_PERCENT)

    await member.send("/help")
    assert t("flow.resumed") not in member.texts()
    assert t("help.member", commands="x").split("\n")[0] in member.last_text()
    await member.send("Venue rented")
    assert member.last_text() == t("report.ask_files")
    assert (await draft_of(bot, w.member_person.id)).done_text == "Venue rented"


async def test_a_second_confirm_after_a_lost_end_stores_nothing_twice(bot):
    w = await _to_summary(bot)
    await w.member.click("rep:ok")
    assert t("report.stored", code="1-1").split("\n")[0] in w.member.last_text()
    member = await lose_step(bot, w.member, SUMMARY)

    calls = await member.click("rep:ok")
    assert answer_of(calls) == t("report.stale")
    assert len(await bot.repos.reports.of_project(w.project_id)) == 1
    assert await draft_of(bot, w.member_person.id) is None
    assert await bot.repos.state.conversations("telegram", FLOW) == {}
    assert answered_once(bot)


async def test_a_lost_start_of_a_revision_shows_its_summary(bot):
    """The revision opens from outside the flow: a kill before the step is stored leaves the
    member outside it, with a draft at the summary."""
    w = await _to_summary(bot)
    await w.member.click("rep:ok")
    [first] = await bot.repos.reports.of_project(w.project_id)
    await w.deputy.click(f"rv:ret:{first.id}")
    await w.deputy.send("Receipts are unreadable")
    await w.member.click(f"rep:rev:{first.id}")
    member = await lose_step(bot, w.member, None)

    await member.click(f"rep:rev:{first.id}")  # again: the summary was never seen
    assert member.texts()[-2] == t("flow.resumed")
    assert t("report.summary", card="x").split("\n")[0] in member.last_text()
    assert member.last_text() != t("report.revise_refused")
    await member.click("rep:ok")
    assert [r.version for r in await bot.repos.reports.history(first.id)] == [1, 2]


async def test_leaving_the_report_keeps_the_draft_out_of_the_restart(bot):
    """/cancel ends the flow but keeps the draft: after a restart nobody is pulled back in."""
    w = await _begun(bot)
    await w.member.send("/cancel")
    draft = await draft_of(bot, w.member_person.id)
    assert (draft.percent, draft.step) == (30, None)
    await bot.restart(crash=True)
    member = bot.chat(w.member.user_id, "Maryam")

    await member.send("Hello")
    assert member.last_text() == t("common.not_understood")
    await member.send("/report")
    await member.click("rep:resume")
    assert member.last_text() == t("report.ask_done")


async def test_a_timed_out_report_forgets_its_step(bot):
    """PTB's conversation timeout (30 minutes) runs the TIMEOUT handlers; the draft stays."""
    w = await make_world(bot)
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    conv = next(h for h in bot.app.handlers[0]
                if isinstance(h, ConversationHandler) and h.name == FLOW)
    update = Update.de_json({"update_id": 1, "message": w.member.message(text="late")},
                            bot.app.bot)
    [on_timeout] = conv.states[ConversationHandler.TIMEOUT]
    await on_timeout.callback(update, BotContext.from_update(update, bot.app))
    draft = await draft_of(bot, w.member_person.id)
    assert (draft.step, draft.editing) == (None, False)


async def test_people_other_than_members_are_untouched(bot):
    w = await _to_summary(bot)
    await w.member.click("rep:ok")
    [first] = await bot.repos.reports.of_project(w.project_id)
    await bot.deliver()
    await w.deputy.click(f"rv:ret:{first.id}")
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    other, _ = await register(bot, 3005, Role.MEMBER, organisation="NGO Rafsanjan")
    await bot.restart(crash=True)

    # The deputy's first update is a typed answer in the review flow: taken as it is.
    deputy = bot.chat(w.deputy.user_id, "Reza")
    await deputy.send("Receipts are unreadable")
    assert (await bot.repos.reports.get(first.id)).status == "returned"
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    assert admin.last_text() == t("common.welcome_back", name="Zahra", role=t("roles.admin"),
                                  scope=t("common.scope_province"))
    stranger = bot.chat(9999, "Someone")
    await stranger.send("/report")
    assert stranger.last_text() == t("gate.stranger")
    # A member with no draft and no step: the first update is handled as usual.
    other = bot.chat(3005)
    await other.send("/report")
    assert other.last_text() == t("report.choose_project")
    assert not any(t("flow.resumed") in text
                   for chat in (deputy, admin, stranger, other) for text in chat.texts())
