"""Records of the inspection flow (programmes, facilities, visits, plans); no Telegram, no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Severity(StrEnum):
    NONE = "none"
    MINOR = "minor"
    SERIOUS = "serious"
    CRITICAL = "critical"

    @property
    def opens_follow_up(self) -> bool:
        """Serious and critical findings need a follow-up and tell the admins at once."""
        return self in (Severity.SERIOUS, Severity.CRITICAL)


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NA = "na"


class Evidence(StrEnum):
    VERY_STRONG = "very_strong"  # a live location that stayed by the facility
    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"


@dataclass(frozen=True)
class Programme:
    id: int
    code: str | None
    name: str
    monthly_required: int
    position: int = 0


@dataclass(frozen=True)
class FacilityType:
    id: int
    programme_id: int
    code: str | None
    name: str


@dataclass(frozen=True)
class ChecklistItem:
    id: int
    facility_type_id: int
    position: int
    text: str
    critical: bool = False  # a «no» on it proposes at least a serious severity


@dataclass(frozen=True)
class Facility:
    id: int
    county_id: int
    facility_type_id: int
    name: str
    address: str | None
    lat: float | None
    lon: float | None
    last_visit_at: datetime | None

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class Inspection:
    id: int
    tracking: str
    deputy_id: int
    county_id: int
    programme_id: int
    facility_type_id: int
    facility_id: int
    period: str
    started_at: datetime
    confirmed_at: datetime
    location_status: str
    distance_m: float | None
    severity: Severity
    findings: str | None
    evidence: Evidence
    facility_name: str = ""


@dataclass(frozen=True)
class FollowUp:
    id: int
    inspection_id: int
    county_id: int
    severity: Severity
    status: str
    opened_at: datetime
    due_at: datetime
    closed_at: datetime | None
    tracking: str = ""
    facility_name: str = ""


@dataclass(frozen=True)
class PlanEntry:
    """One programme's secret day (None when no working day was left) and suggestion."""

    period: str
    deputy_id: int
    county_id: int
    programme_id: int
    planned_day: date | None
    facility_type_id: int | None
    facility_id: int | None
    moved_from: date | None = None  # the day a holiday added later moved it away from
