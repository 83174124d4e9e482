"""Repositories: the only place SQL lives. One module per aggregate."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.connection import Database
from bot.db.repos.audit import AuditRepo
from bot.db.repos.broadcasts import BroadcastRepo
from bot.db.repos.compliance import ComplianceRepo
from bot.db.repos.counties import CountyRepo
from bot.db.repos.drafts import DraftRepo
from bot.db.repos.evidence import EvidenceRepo
from bot.db.repos.exports import ExportRepo
from bot.db.repos.facilities import FacilityRepo
from bot.db.repos.follow_ups import FollowUpRepo
from bot.db.repos.inspections import InspectionRepo
from bot.db.repos.invites import InviteRepo
from bot.db.repos.organisations import OrganisationRepo
from bot.db.repos.outbox import OutboxRepo
from bot.db.repos.people import PeopleRepo
from bot.db.repos.programmes import ProgrammeRepo
from bot.db.repos.projects import ProjectRepo
from bot.db.repos.reports import ReportRepo
from bot.db.repos.state import StateRepo


@dataclass(frozen=True)
class Repos:
    """Every repository over one Database; reached in handlers as context.repos."""

    db: Database
    people: PeopleRepo
    counties: CountyRepo
    organisations: OrganisationRepo
    invites: InviteRepo
    audit: AuditRepo
    outbox: OutboxRepo
    state: StateRepo
    projects: ProjectRepo
    reports: ReportRepo
    programmes: ProgrammeRepo
    facilities: FacilityRepo
    inspections: InspectionRepo
    broadcasts: BroadcastRepo
    compliance: ComplianceRepo
    exports: ExportRepo
    drafts: DraftRepo
    evidence: EvidenceRepo
    follow_ups: FollowUpRepo

    @classmethod
    def over(cls, db: Database) -> Repos:
        """Builds every repository on the same database."""
        return cls(
            db=db,
            people=PeopleRepo(db),
            counties=CountyRepo(db),
            organisations=OrganisationRepo(db),
            invites=InviteRepo(db),
            audit=AuditRepo(db),
            outbox=OutboxRepo(db),
            state=StateRepo(db),
            projects=ProjectRepo(db),
            reports=ReportRepo(db),
            programmes=ProgrammeRepo(db),
            facilities=FacilityRepo(db),
            inspections=InspectionRepo(db),
            broadcasts=BroadcastRepo(db),
            compliance=ComplianceRepo(db),
            exports=ExportRepo(db),
            drafts=DraftRepo(db),
            evidence=EvidenceRepo(db),
            follow_ups=FollowUpRepo(db),
        )
