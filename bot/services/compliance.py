"""The county league of a Jalali month: figures from the repository, a score, a rank.

The score (0–100) is a weighted sum of five parts, each between 0 and 1:

- completion: required visits done, each programme capped at its requirement
  (sum of min(done, required) / sum of required);
- on time: required visits done by the deputy's secret planned day of that programme
  (visits without a plan count as on time when they fall in the month), capped the same way;
- evidence: (strong + half of medium) / visits done; 0 without visits;
- follow-ups: 1 / (1 + follow-ups still open at the month's end);
- projects: share of the county's running projects that are not past their deadline
  (1 when the county has no running project: nothing to hold against it).

Ties share a rank (1, 2, 2, 4); the order within a tie is completion, then the name.
docs/compliance.md explains the choice of weights for the office.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.clock import to_db
from bot.db.repos import Repos
from bot.db.repos.compliance import LeagueRow
from bot.jalali import JalaliMonth, local_date

WEIGHTS = {
    "completion": 40.0,
    "on_time": 20.0,
    "evidence": 20.0,
    "follow_ups": 10.0,
    "projects": 10.0,
}
MEDIUM_EVIDENCE = 0.5


class ProgrammeLine(NamedTuple):
    programme_id: int
    name: str
    required: int
    done: int
    on_time: int


class CountyLine(NamedTuple):
    """One county's figures for the month, its score and rank (tuples: cheap to build)."""

    county_id: int
    county: str
    programmes: tuple[ProgrammeLine, ...]
    strong: int
    medium: int
    weak: int
    open_follow_ups: int
    reports: int
    projects: int
    overdue: int
    has_deputy: bool
    score: float = 0.0
    rank: int = 0

    @property
    def required(self) -> int:
        return sum(p.required for p in self.programmes)

    @property
    def done(self) -> int:
        return sum(p.done for p in self.programmes)

    @property
    def counted(self) -> int:
        """Visits that count towards the requirement (each programme capped)."""
        return sum(min(p.done, p.required) for p in self.programmes)

    @property
    def counted_on_time(self) -> int:
        return sum(min(p.on_time, p.required) for p in self.programmes)

    def parts(self) -> dict[str, float]:
        """The five parts of the score, each in [0, 1]."""
        # One pass over the programmes (the properties above would make four): rank() calls
        # this for every county of the country.
        required = counted = counted_on_time = 0
        for p in self.programmes:
            required += p.required
            counted += min(p.done, p.required)
            counted_on_time += min(p.on_time, p.required)
        visits = self.strong + self.medium + self.weak
        return {
            "completion": counted / required if required else 1.0,
            "on_time": counted_on_time / required if required else 1.0,
            "evidence": (self.strong + MEDIUM_EVIDENCE * self.medium) / visits if visits else 0.0,
            "follow_ups": 1.0 / (1 + self.open_follow_ups),
            "projects": (self.projects - self.overdue) / self.projects if self.projects else 1.0,
        }


@dataclass(frozen=True)
class League:
    month: JalaliMonth
    lines: tuple[CountyLine, ...]  # in rank order

    def of_county(self, county_id: int) -> CountyLine | None:
        """The line of one county, if it exists."""
        return next((line for line in self.lines if line.county_id == county_id), None)


def score(line: CountyLine) -> float:
    """The weighted score of a county line, 0-100, rounded to one decimal."""
    return _weighted(line.parts())


def _weighted(parts: dict[str, float]) -> float:
    return round(sum(WEIGHTS[name] * value for name, value in parts.items()), 1)


def lines_from_rows(rows: list[LeagueRow]) -> list[CountyLine]:
    """Folds the query's county x programme rows into one line per county (query order)."""
    first: dict[int, LeagueRow] = {}
    programmes: dict[int, list[ProgrammeLine]] = {}
    evidence: dict[int, list[int]] = {}
    for r in rows:
        first.setdefault(r.county_id, r)
        programmes.setdefault(r.county_id, []).append(
            ProgrammeLine(r.programme_id, r.programme, r.required, r.done, r.on_time)
        )
        # Evidence counts come per programme; the county's are their sum.
        counts = evidence.setdefault(r.county_id, [0, 0, 0])
        counts[0] += r.strong
        counts[1] += r.medium
        counts[2] += r.weak
    return [
        CountyLine(
            county_id, r.county, tuple(programmes[county_id]), *evidence[county_id],
            r.open_follow_ups, r.reports, r.projects, r.overdue, r.deputies > 0,
        )
        for county_id, r in first.items()
    ]


def rank(lines: list[CountyLine]) -> tuple[CountyLine, ...]:
    """Scores and sorts the lines; equal scores share a rank."""
    scored = []
    for line in lines:
        parts = line.parts()
        scored.append((_weighted(parts), parts["completion"], line))
    scored.sort(key=lambda item: (-item[0], -item[1], item[2].county))
    ranked: list[CountyLine] = []
    for index, (value, _, line) in enumerate(scored, start=1):
        same = ranked and ranked[-1].score == value
        ranked.append(line._replace(score=value, rank=ranked[-1].rank if same else index))
    return tuple(ranked)


def month_bounds(month: JalaliMonth, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's first instant, as aware datetimes."""
    start = datetime.combine(month.first_day, time(0), tzinfo=tz)
    end = datetime.combine(month.last_day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


async def league(repos: Repos, month: JalaliMonth, now: datetime, tz: ZoneInfo) -> League:
    """The ranked league of a month; a running month is judged as of today."""
    start, end = month_bounds(month, tz)
    today = local_date(now, tz)
    as_of = min(today, month.last_day + timedelta(days=1))
    rows = await repos.compliance.league_rows(
        month.key(), to_db(start), to_db(end), month.last_day, as_of
    )
    return League(month, rank(lines_from_rows(rows)))
