"""The project registry: organisations and projects, scope checks, deadlines, imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from bot.db.repos import Repos
from bot.db.repos.projects import DOMAINS, Project
from bot.domain import Organisation, Person, Role
from bot.i18n import normalize_input, raw, t, t_plain
from bot.jalali import add_months, format_date, parse_date
from bot.services.amounts import parse_amount
from bot.services.notify import queue_text
from bot.tabular import read_table

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
    return [[(t_plain("projects.report_button"), f"rep:p:{project_id}")]]


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
    """Normalised one-line text within a length, or None."""
    text = normalize_input(raw_text)
    return text if 0 < len(text) <= limit and not text.startswith("/") else None


async def add_organisation(
    repos: Repos, now: datetime, *, name: str, kind: str, county_id: int,
    registration_number: str | None, contact: str | None, actor_id: int | None,
) -> Organisation | None:
    """Registers an NGO or facilitation office; None when the name is unusable or taken."""
    clean = clean_text(name, MAX_NAME)
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
    clean = clean_text(title, MAX_TITLE)
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


def domain_aliases() -> dict[str, str]:
    """Accepted spellings of each domain in import files: code, Persian name, extra aliases."""
    aliases: dict[str, str] = {}
    extra = raw("headers.domain_values")
    for domain in DOMAINS:
        for spelling in [domain, t_plain(f"domains.{domain}"), *extra.get(domain, [])]:
            aliases[normalize_input(spelling).lower()] = domain
    return aliases


def kind_aliases() -> dict[str, str]:
    """Accepted spellings of organisation kinds in import files."""
    aliases = {kind: kind for kind in ORG_KINDS}
    for kind, spellings in raw("headers.kind_values").items():
        for spelling in spellings:
            aliases[normalize_input(spelling).lower()] = kind
    return aliases


@dataclass
class ImportResult:
    added: int = 0
    skipped: int = 0
    errors: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)


async def import_organisations(repos: Repos, now: datetime, path: Path) -> ImportResult:
    """Adds organisations from CSV/XLSX (name, kind, county, registration_number, contact)."""
    result = ImportResult()
    counties = {c.name: c.id for c in await repos.counties.all()}
    kinds = kind_aliases()
    for row in read_table(path, "organisations", {"name", "county"}):
        v = row.values
        kind = kinds.get((v.get("kind") or "ngo").lower())
        county_id = counties.get(v.get("county", ""))
        if kind is None:
            result.errors.append((row.line, "project_cli.bad_kind", {"value": v.get("kind", "")}))
        elif county_id is None:
            result.errors.append((row.line, "project_cli.unknown_county", {"value": v["county"]}))
        elif await repos.organisations.by_name(v["name"]) is not None:
            result.skipped += 1
        elif await add_organisation(
            repos, now, name=v["name"], kind=kind, county_id=county_id,
            registration_number=v.get("registration_number"), contact=v.get("contact"),
            actor_id=None,
        ):
            result.added += 1
        else:
            result.errors.append((row.line, "project_cli.bad_name", {"value": v["name"]}))
    return result


async def import_projects(repos: Repos, now: datetime, path: Path) -> ImportResult:
    """Adds projects from CSV/XLSX (organisation, title, domain, budget, start, deadline)."""
    result = ImportResult()
    domains = domain_aliases()
    required = {"organisation", "title", "domain", "budget", "start"}
    for row in read_table(path, "projects", required):
        v = row.values
        org = await repos.organisations.by_name(v.get("organisation", ""))
        domain = domains.get(v.get("domain", "").lower())
        budget = parse_amount(v.get("budget", ""))
        start = parse_date(v.get("start", ""))
        deadline = parse_date(v["deadline"]) if v.get("deadline") else None
        error: tuple[str, str] | None = None
        if org is None:
            error = ("project_cli.unknown_organisation", v.get("organisation", ""))
        elif domain is None:
            error = ("project_cli.bad_domain", v.get("domain", ""))
        elif budget is None:
            error = ("project_cli.bad_budget", v.get("budget", ""))
        elif start is None or (v.get("deadline") and deadline is None):
            error = ("project_cli.bad_date", v.get("start", "") + " " + v.get("deadline", ""))
        if error is not None:
            result.errors.append((row.line, error[0], {"value": error[1]}))
            continue
        assert org is not None and domain is not None and budget is not None and start
        if await repos.projects.by_title(org.id, v["title"]) is not None:
            result.skipped += 1
        elif await add_project(
            repos, now, organisation_id=org.id, title=v["title"], domain=domain, budget=budget,
            start=start, deadline=deadline, actor_id=None,
        ):
            result.added += 1
        else:
            result.errors.append((row.line, "project_cli.bad_project", {"value": v["title"]}))
    return result
