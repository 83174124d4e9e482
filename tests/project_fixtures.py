"""Shared set-up for the project tests: an NGO in Rafsanjan with one project, its people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.clock import FixedClock
from bot.db.repos.reports import Report
from bot.domain import Person, Role
from bot.services.progress import revision_data, submit
from bot.services.report_draft import FLOW
from bot.services.projects import add_project
from tests.conftest import Harness
from tests.fakes import ChatSim
from tests.people import add_organisation, register

RAFSANJAN = "\u0631\u0641\u0633\u0646\u062c\u0627\u0646"
KERMAN = "\u06a9\u0631\u0645\u0627\u0646"
MEMBER_ID, DEPUTY_ID, OTHER_MEMBER_ID, OTHER_DEPUTY_ID = 3001, 2001, 3002, 2002


@dataclass
class World:
    member: ChatSim
    member_person: Person
    deputy: ChatSim
    deputy_person: Person
    project_id: int
    org_id: int


async def make_world(bot: Harness, *, budget: int = 10_000_000,
                     start: date = date(2026, 11, 21), deadline: date | None = None) -> World:
    """An NGO in Rafsanjan, its member, the county's deputy, and one active project."""
    org = await add_organisation(bot, "NGO Rafsanjan", RAFSANJAN)
    project_id = await add_project(
        bot.repos, bot.clock.now(), organisation_id=org.id, title="Sport for kids",
        domain="sport", budget=budget, start=start, deadline=deadline, actor_id=None,
    )
    assert project_id is not None
    member, member_person = await register(bot, MEMBER_ID, Role.MEMBER,
                                           organisation="NGO Rafsanjan", name="Maryam")
    deputy, deputy_person = await register(bot, DEPUTY_ID, Role.DEPUTY, county=RAFSANJAN,
                                           name="Reza")
    return World(member, member_person, deputy, deputy_person, project_id, org.id)


def answered_once(bot: Harness) -> bool:
    """Every button press was answered at most once (Telegram refuses a second answer)."""
    ids = [c.params["callback_query_id"] for c in bot.api.named("answerCallbackQuery")]
    return len(ids) == len(set(ids))


async def revise_report(bot: Harness, author: Person, returned_id: int,
                        when: datetime) -> Report:
    """The revision of a returned report, submitted unchanged (as /report's revise does)."""
    data = await revision_data(bot.repos, author, returned_id)
    assert data is not None
    draft = await bot.repos.drafts.start(author.id, FLOW, data, "summary", when)
    report = await submit(bot.repos, FixedClock(when, bot.clock.tz), author, draft)
    assert report is not None
    return report


async def submit_report(bot: Harness, author: Person, project_id: int, when: datetime, *,
                        percent: int = 40, spent: int = 1_000_000, done_text: str = "work",
                        people_reached: int | None = 12, files: list | None = None,
                        **answers: object) -> Report:
    """A report submitted at `when` the way /report stores one (a draft, then submit);
    `answers` adds or overrides draft fields (previous_percent, backwards_reason, revises…)."""
    draft = await bot.repos.drafts.start(author.id, FLOW, {
        "project_id": project_id, "kind": "progress", "previous_percent": None,
        "percent": percent, "spent": spent, "done_text": done_text,
        "people_reached": people_reached, "files": files or [], **answers}, "summary", when)
    report = await submit(bot.repos, FixedClock(when, bot.clock.tz), author, draft)
    assert report is not None
    return report
