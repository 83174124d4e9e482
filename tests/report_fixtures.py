"""A known month (Azar 1405) for the league, chart, exports and printed-record tests.

Kerman: deputy Kazem; food done on time (strong, serious finding → one open follow-up),
sports done after the planned day (medium), health not done.
Rafsanjan: deputy Reza; food twice (strong, weak), sports (strong), health (weak), all before
its planned days;
an NGO with two running projects, one past its deadline, and one report received this month.
Both deputies are in the month's plan. Every other county: no deputy, nothing done (unranked). Expected scores are worked out in
tests/test_compliance.py from the formula in docs/compliance.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.clock import to_db
from bot.domain import Person, Role
from bot.inspection_domain import PlanEntry, Severity
from bot.media_store import store_media
from bot.services.projects import add_project
from tests.conftest import Harness
from tests.fakes import ChatSim
from tests.inspect_flow import NEAR, SITE, add_facility, facility_type, programme
from tests.people import add_organisation, register
from tests.project_fixtures import submit_report

KERMAN = "\u06a9\u0631\u0645\u0627\u0646"
RAFSANJAN = "\u0631\u0641\u0633\u0646\u062c\u0627\u0646"
KERMAN_DEPUTY, RAFSANJAN_DEPUTY, MEMBER = 2101, 2102, 3101
PERIOD = "1405-09"  # Azar 1405: 2026-11-22 .. 2026-12-21
# Findings with a zero-width non-joiner, as people type them.
FINDINGS = (
    "\u06a9\u0641 \u0633\u0627\u0644\u0646 \u06a9\u062b\u06cc\u0641 \u0628\u0648\u062f "
    "\u0648 \u0628\u0631\u0686\u0633\u0628\u200c\u0647\u0627 \u06a9\u0647\u0646\u0647"
)


def utc(day: int, hour: int = 8, minute: int = 0, month: int = 11) -> datetime:
    """An instant in late 2026, UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Month:
    kerman: ChatSim
    kerman_person: Person
    rafsanjan: ChatSim
    rafsanjan_person: Person
    inspections: dict[str, int]  # tracking → id
    follow_up_id: int
    project_ids: list[int]


async def _visit(bot: Harness, n: int, deputy: Person, county: str, facility_name: str,
                 type_code: str, when: datetime, evidence: str, *, period: str = PERIOD,
                 severity: str = "none", findings: str | None = None,
                 photos: int = 0) -> tuple[str, int]:
    facility = await add_facility(bot, county, facility_name, type_code, SITE)
    kind = await facility_type(bot, type_code)
    tracking = f"\u0628-{period.replace('-', '')}-{n:04d}"
    async with bot.repos.db.transaction():
        inspection_id = await bot.repos.inspections.insert(
            tracking=tracking, draft_id=9000 + n, period=period, deputy_id=deputy.id,
            county_id=deputy.county_id, programme_id=kind.programme_id,
            facility_type_id=kind.id, facility_id=facility.id,
            started_at=to_db(when - timedelta(minutes=20)), confirmed_at=to_db(when),
            location_status="live", lat=NEAR[0], lon=NEAR[1], location_sent_at=to_db(when),
            location_at=to_db(when), distance_m=111.2, severity=severity, findings=findings,
            evidence=evidence,
        )
        items = await bot.repos.programmes.checklist(kind.id)
        await bot.repos.inspections.add_answers(inspection_id, [
            (item.id, item.position, item.text, "no" if i == 0 else "yes")
            for i, item in enumerate(items)
        ])
        stored = [store_media(bot.settings.media_dir, f"jpeg {tracking} {k}".encode(), ".jpg")
                  for k in range(photos)]
        await bot.repos.inspections.add_photos(inspection_id, [
            {"sha256": s.sha256, "file_id": f"f{n}-{k}", "path": s.path, "size": s.size,
             "mime_type": "image/jpeg", "source": "photo", "received_at": to_db(when)}
            for k, s in enumerate(stored)
        ])
    return tracking, inspection_id


async def make_month(bot: Harness) -> Month:
    """Stores the known month described in this module's docstring."""
    kerman, kp = await register(bot, KERMAN_DEPUTY, Role.DEPUTY, county=KERMAN, name="Kazem")
    rafsanjan, rp = await register(bot, RAFSANJAN_DEPUTY, Role.DEPUTY, county=RAFSANJAN,
                                   name="Reza")
    food, sports = await programme(bot, "food"), await programme(bot, "sports")
    now = bot.clock.now()
    health = await programme(bot, "health")
    # The month's plan: both deputies were in it. Rafsanjan's days come after all its visits.
    await bot.repos.inspections.save_plans([
        PlanEntry(PERIOD, kp.id, kp.county_id, food.id, date(2026, 11, 25), None, None),
        PlanEntry(PERIOD, kp.id, kp.county_id, sports.id, date(2026, 11, 25), None, None),
        *(PlanEntry(PERIOD, rp.id, rp.county_id, p.id, date(2026, 12, 14), None, None)
          for p in (food, sports, health)),
    ], now, with_month=True)
    visits = [
        (1, kp, KERMAN, "Kerman slaughterhouse", "slaughterhouse", utc(24), "strong",
         {"severity": "serious", "findings": FINDINGS, "photos": 2}),
        (2, kp, KERMAN, "Kerman gym", "sports_venue", utc(28), "medium", {}),
        (3, rp, RAFSANJAN, "Rafsanjan slaughterhouse", "slaughterhouse", utc(23), "strong", {}),
        (4, rp, RAFSANJAN, "Rafsanjan market", "food_supply", utc(25), "weak", {}),
        (5, rp, RAFSANJAN, "Rafsanjan pool", "sports_venue", utc(26), "strong", {}),
        (6, rp, RAFSANJAN, "Rafsanjan care home", "elderly_care", utc(27), "weak", {}),
    ]
    inspections = {}
    for n, person, county, name, code, when, evidence, extra in visits:
        tracking, inspection_id = await _visit(bot, n, person, county, name, code, when,
                                               evidence, **extra)
        inspections[tracking] = inspection_id
    # Last month (Aban): must not count in Azar.
    await _visit(bot, 7, kp, KERMAN, "Kerman care home", "elderly_care", utc(10), "strong",
                 period="1405-08")
    first = inspections["\u0628-140509-0001"]
    async with bot.repos.db.transaction():
        follow_up_id = await bot.repos.inspections.open_follow_up(
            first, kp.county_id, Severity.SERIOUS, utc(24), utc(24) + timedelta(days=7))
    org = await add_organisation(bot, "NGO Rafsanjan", RAFSANJAN)
    late = await add_project(bot.repos, now, organisation_id=org.id, title="Late project",
                             domain="sport", budget=50_000_000, start=date(2026, 8, 25),
                             deadline=date(2026, 11, 25), actor_id=None)
    running = await add_project(bot.repos, now, organisation_id=org.id, title="Running project",
                                domain="health", budget=20_000_000, start=date(2026, 11, 1),
                                deadline=date(2027, 2, 1), actor_id=None)
    assert late and running
    _, member = await register(bot, MEMBER, Role.MEMBER, organisation="NGO Rafsanjan",
                               name="Maryam")
    await _report(bot, member, running, utc(26, 10), 40)
    await _report(bot, member, late, utc(10, 10), 70)  # Aban: not this month
    return Month(kerman, kp, rafsanjan, rp, inspections, follow_up_id, [late, running])


async def _report(bot: Harness, author: Person, project_id: int, when: datetime,
                  percent: int) -> None:
    await submit_report(bot, author, project_id, when, percent=percent)
