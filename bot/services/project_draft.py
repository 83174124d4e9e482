"""The rules of /add_project over its draft (handlers/admin_projects.py): each answer is
checked and stored, and the step after it named; after a changed step, the summary."""

from __future__ import annotations

from datetime import date

from bot import steps
from bot.db.repos import Repos
from bot.db.repos.drafts import Draft
from bot.db.repos.projects import DOMAINS
from bot.services.projects import MAX_TITLE, clean_text
from bot.steps import Outcome, Refuse

FLOW = "add_project"  # the conversation's name and its drafts' flow
SEQUENCE = ("organisation", "title", "domain", "budget", "start", "deadline")


def after(draft: Draft, step: str) -> str:
    """The step after `step`, or the summary."""
    return steps.after(SEQUENCE, draft, step)


async def set_organisation(repos: Repos, draft: Draft, org_id: int) -> Outcome:
    """The organisation (checked to exist); its name is kept for the questions."""
    org = await repos.organisations.get(org_id)
    if org is None:
        return Refuse("admin_projects.gone")
    if draft.data.get("org_id") != org.id:
        draft.data.pop("title", None)  # a title is unique within one organisation only
    draft.data.update(org_id=org.id, org=org.name)
    return "title" if "title" not in draft.data else after(draft, "organisation")


async def set_title(repos: Repos, draft: Draft, typed: str) -> Outcome:
    """The title as typed; refused when empty, too long or taken in the organisation."""
    title = clean_text(typed, MAX_TITLE)
    if title is None or await repos.projects.by_title(draft.data["org_id"], title):
        return Refuse("admin_projects.bad_title")
    draft.data["title"] = title
    return after(draft, "title")


def set_domain(draft: Draft, domain: str) -> Outcome:
    """The domain (one of DOMAINS)."""
    if domain not in DOMAINS:
        return Refuse("flow.stale")
    draft.data["domain"] = domain
    return after(draft, "domain")


def set_budget(draft: Draft, budget: int) -> Outcome:
    """The budget in toman."""
    draft.data["budget"] = budget
    return after(draft, "budget")


def set_start(draft: Draft, start: date) -> Outcome:
    """The start date; a deadline kept from before must not fall before it."""
    draft.data["start"] = start.isoformat()
    deadline = draft.data.get("deadline")
    if deadline is not None and date.fromisoformat(deadline) < start:
        draft.data.pop("deadline")
        return "deadline"
    return after(draft, "start")


def set_deadline(draft: Draft, deadline: date | None) -> Outcome:
    """The deadline; refused when unreadable or before the start."""
    if deadline is None or deadline < date.fromisoformat(draft.data["start"]):
        return Refuse("admin_projects.bad_date")
    draft.data["deadline"] = deadline.isoformat()
    return after(draft, "deadline")


def reopen(draft: Draft, step: str) -> Outcome:
    """Changes one step from the summary: that step is asked, then the summary again."""
    return steps.reopen(SEQUENCE, draft, step)
