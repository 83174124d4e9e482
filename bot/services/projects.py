"""The project registry: organisations and projects, scope checks, deadlines, imports."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from bot.callbacks import Report as ReportButtons
from bot.db.repos import Repos
from bot.db.repos.projects import DOMAINS, Project
from bot.domain import Organisation, Person, Role
from bot.i18n import raw, t, t_plain
from bot.jalali import add_months, format_date
from bot.services.amounts import parse_amount
from bot.services.imports import (
    Choices,
    Duplicates,
    ImportReport,
    Problem,
    Progress,
    add_each,
    jalali_date,
    no_progress,
    write,
)
from bot.services.notify import queue_text
from bot.tabular import read_table
from bot.text import as_typed, match_key

PROJECT_MONTHS = 3
MAX_TITLE = 120
MAX_NAME = 120
ORG_KINDS = ("ngo", "office")


def default_deadline(start: date) -> date:
    """Start plus three Jalali months (a day past the target month's end → its last day)."""
    return add_months(start, PROJECT_MONTHS)


def days_left(project: Project, today: date) -> int:
    """Whole days from today to the deadline (negative once it has passed)."""
    return (project.deadline - today).days


def report_buttons(project_id: int) -> list[list[tuple[str, str]]]:
    """The button under a notice about a project: it opens /report on that project."""
    return [[(t_plain("projects.report_button"), ReportButtons.PROJECT(project_id))]]


def domain_label(domain: str) -> str:
    """Persian name of a project domain."""
    return t_plain(f"domains.{domain}")


def may_see(person: Person, project: Project) -> bool:
    """Admins see every project, deputies their county's, members their organisation's."""
    if person.role is Role.ADMIN:
        return True
    if person.role is Role.DEPUTY:
        return person.county_id == project.county_id
    return person.organisation_id == project.organisation_id


def may_review(person: Person, project: Project) -> bool:
    """Admins and the county's deputy decide on reports."""
    return person.role is Role.ADMIN or (
        person.role is Role.DEPUTY and person.county_id == project.county_id
    )


async def visible_project(repos: Repos, person: Person, project_id: int) -> Project | None:
    """The project if it exists and this person may see it; None otherwise (forged ids)."""
    project = await repos.projects.get(project_id)
    return project if project is not None and may_see(person, project) else None


async def projects_for(repos: Repos, person: Person, *, open_only: bool = False) -> list[Project]:
    """The projects a person may see, earliest deadline first."""
    if person.role is Role.MEMBER:
        if person.organisation_id is None:
            return []
        return await repos.projects.of_organisation(person.organisation_id, open_only=open_only)
    projects = await repos.projects.of_county(
        person.county_id if person.role is Role.DEPUTY else None
    )
    return [p for p in projects if p.is_open] if open_only else projects


def clean_text(raw_text: str, limit: int) -> str | None:
    """One-line text as typed (lines joined by a space) within a length, or None."""
    text = " ".join(as_typed(raw_text).split())
    return text if 0 < len(text) <= limit and not text.startswith("/") else None


def typed_text(raw_text: str, limit: int) -> str | None:
    """One line as typed (bot.text.as_typed, spaces collapsed) within a length, or None."""
    text = " ".join(as_typed(raw_text).split())
    return text if 0 < len(text) <= limit and not text.startswith("/") else None


async def add_organisation(
    repos: Repos, now: datetime, *, name: str, kind: str, county_id: int,
    registration_number: str | None, contact: str | None, actor_id: int | None,
) -> Organisation | None:
    """Registers an NGO or facilitation office; None when the name is unusable or taken."""
    clean = typed_text(name, MAX_NAME)
    if clean is None or kind not in ORG_KINDS or await repos.counties.get(county_id) is None:
        return None
    org = await repos.organisations.add(
        clean, county_id, now, kind=kind, registration_number=registration_number or None,
        contact=contact or None,
    )
    if org is not None:
        await repos.audit.record(now, actor_id, "organisation.add", f"organisation:{org.id}",
                                 name=clean, kind=kind)
    return org


async def add_project(
    repos: Repos, now: datetime, *, organisation_id: int, title: str, domain: str, budget: int,
    start: date, deadline: date | None, actor_id: int | None,
) -> int | None:
    """Creates a project (deadline defaults to three Jalali months) and tells the
    organisation's members, in one transaction; None if invalid or the title is taken."""
    clean = typed_text(title, MAX_TITLE)
    deadline = deadline or default_deadline(start)
    if clean is None or domain not in DOMAINS or budget < 0 or deadline < start:
        return None
    organisation = await repos.organisations.get(organisation_id)
    if organisation is None:
        return None
    members = await repos.people.active(Role.MEMBER, organisation_id=organisation_id,
                                        reachable_only=True)
    text = t("projects.assigned", title=clean, organisation=organisation.name,
             domain=domain_label(domain), budget=budget, start=format_date(start),
             deadline=format_date(deadline))
    async with repos.db.transaction():
        project_id = await repos.projects.add(
            now, organisation_id=organisation_id, title=clean, domain=domain,
            budget=budget, start=start, deadline=deadline, created_by=actor_id,
        )
        if project_id is None:
            return None
        await repos.audit.record(now, actor_id, "project.add", f"project:{project_id}",
                                    title=clean, budget=budget)
        for person in members:
            await queue_text(
                repos.outbox, now, platform=person.platform, chat_id=person.tg_user_id,
                kind="project_new", text=text, dedup_key=f"prj:new:{project_id}:{person.chat_key}",
                buttons=report_buttons(project_id),
            )
    return project_id


async def cancel_project(
    repos: Repos, now: datetime, actor: Person, project_id: int
) -> Project | None:
    """Cancels an open project (admins only) and tells its members and its county's deputy,
    in one transaction; None when not allowed or the project is no longer open."""
    project = await repos.projects.get(project_id)
    if actor.role is not Role.ADMIN or project is None or not project.is_open:
        return None
    told = [
        *await repos.people.active(Role.MEMBER, organisation_id=project.organisation_id,
                                   reachable_only=True),
        *await repos.people.active(Role.DEPUTY, county_id=project.county_id, reachable_only=True),
    ]
    text = t("projects.cancelled_notice", title=project.title, organisation=project.organisation)
    async with repos.db.transaction():
        if not await repos.projects.set_status(project.id, "cancelled", now):
            return None
        await repos.audit.record(now, actor.id, "project.cancel", f"project:{project.id}")
        for person in told:
            await queue_text(repos.outbox, now, platform=person.platform,
                             chat_id=person.tg_user_id, kind="project_cancelled", text=text,
                             dedup_key=f"prj:cx:{project.id}:{person.chat_key}")
    return project


async def organisation_choices(repos: Repos) -> Choices[Organisation]:
    """Every organisation, matched by any spelling of its name (bot.text.match_key)."""
    return Choices("organisation", ((o.name, o) for o in await repos.organisations.all()))


def domain_choices() -> Choices[str]:
    """Project domains by their Persian names, codes and the catalogue's other spellings."""
    extra = raw("headers.domain_values")
    return Choices(
        "domain", ((t_plain(f"domains.{d}"), d) for d in DOMAINS),
        aliases=[(d, d) for d in DOMAINS] + [(s, d) for d in DOMAINS for s in extra.get(d, [])],
    )


def kind_choices() -> Choices[str]:
    """Organisation kinds by their Persian names and codes (ngo, office)."""
    spellings = raw("headers.kind_values")
    return Choices("kind", ((spellings[k][0], k) for k in ORG_KINDS),
                   aliases=[(k, k) for k in ORG_KINDS]
                   + [(s, k) for k in ORG_KINDS for s in spellings[k]])


async def import_organisations(
    repos: Repos, now: datetime, path: Path, *, dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Adds organisations from CSV/XLSX (name, kind, county, registration_number, contact);
    one already registered under any spelling of its name is left unchanged."""
    report = ImportReport()
    rows = read_table(path, "organisations", {"name", "county"})
    counties = Choices("county", ((c.name, c.id) for c in await repos.counties.all()))
    kinds = kind_choices()
    existing = {match_key(o.name) for o in await repos.organisations.all()}
    seen = Duplicates("organisation")
    new: list[dict[str, Any]] = []
    for row in progress(rows, "check"):
        v = row.values
        kind = kinds.get(v.get("kind") or ORG_KINDS[0])
        county_id = counties.get(v.get("county", ""))
        problem: Problem | None = None
        if kind is None:
            problem = kinds.problem(v.get("kind", ""))
        elif county_id is None:
            problem = counties.problem(v.get("county", ""))
        elif typed_text(v.get("name", ""), MAX_NAME) is None:
            problem = ("project_cli.bad_name", {"value": v.get("name", "")})
        else:
            problem = seen.check(match_key(v["name"]), row.line)
        if problem is not None:
            report.reject(row.line, problem)
        elif match_key(v["name"]) in existing:
            report.unchanged += 1
        else:
            new.append({"name": v["name"], "kind": kind, "county_id": county_id,
                        "registration_number": v.get("registration_number"),
                        "contact": v.get("contact")})
    report.added = len(new)

    async def work() -> None:
        await add_each(new, progress, partial(add_organisation, repos, now, actor_id=None))

    return await write(report, repos.db.transaction, work, dry_run=dry_run)


async def import_projects(
    repos: Repos, now: datetime, path: Path, *, dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Adds projects from CSV/XLSX (organisation, title, domain, budget, start, deadline);
    one the organisation already has under any spelling of its title is left unchanged."""
    report = ImportReport()
    rows = read_table(path, "projects", {"organisation", "title", "domain", "budget", "start"})
    orgs = Choices("organisation", ((o.name, o.id) for o in await repos.organisations.all()))
    domains = domain_choices()
    titles: dict[int, set[str]] = {}
    seen = Duplicates("project")
    new: list[dict[str, Any]] = []
    for row in progress(rows, "check"):
        v = row.values
        org_id, domain = orgs.get(v.get("organisation", "")), domains.get(v.get("domain", ""))
        budget = parse_amount(v.get("budget", ""))
        start = jalali_date(v.get("start", ""))
        deadline = jalali_date(v["deadline"]) if v.get("deadline") else None
        problem: Problem | None = None
        if org_id is None:
            problem = orgs.problem(v.get("organisation", ""))
        elif domain is None:
            problem = domains.problem(v.get("domain", ""))
        elif budget is None:
            problem = ("project_cli.bad_budget", {"value": v.get("budget", "")})
        elif not isinstance(start, date):
            problem = start
        elif deadline is not None and not isinstance(deadline, date):
            problem = deadline
        elif deadline is not None and deadline < start:
            problem = ("imports.deadline_before_start", {"value": v["deadline"]})
        elif typed_text(v.get("title", ""), MAX_TITLE) is None:
            problem = ("project_cli.bad_project", {"value": v.get("title", "")})
        else:
            problem = seen.check((org_id, match_key(v["title"])), row.line)
        if problem is not None:
            report.reject(row.line, problem)
            continue
        assert org_id is not None
        if org_id not in titles:
            titles[org_id] = {match_key(p.title)
                              for p in await repos.projects.of_organisation(org_id)}
        if match_key(v["title"]) in titles[org_id]:
            report.unchanged += 1
            continue
        new.append({"organisation_id": org_id, "title": v["title"], "domain": domain,
                    "budget": budget, "start": start, "deadline": deadline})
    report.added = len(new)

    async def work() -> None:
        await add_each(new, progress, partial(add_project, repos, now, actor_id=None))

    return await write(report, repos.db.transaction, work, dry_run=dry_run)
