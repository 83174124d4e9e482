"""The county league of a Jalali month: figures from the repository, a score, a rank.

Only work scores. A county is ranked when it had a deputy in the month's plan (drawn on day
1); a county without one, or whose deputy joined after the plan, is listed apart, unranked,
with the reason. The score (0-100) is a weighted sum of five parts, each between 0 and 1:

- completion: required visits done, each programme capped at its requirement
  (sum of min(done, required) / sum of required);
- on time: required visits confirmed by the end of the secret planned day of their
  programme, capped the same way;
- evidence: the strength of the visits that count (per programme, the `required` strongest:
  strong 1, medium 1/2, weak 0), over the required visits, so a further visit never
  dilutes it;
- follow-ups: completion x the share of the month's follow-ups handled well (closed by
  their due time, or still within it; one closed late counts half; an overdue one nothing;
  1 with none): opening a follow-up never lowers it, leaving one overdue does;
- projects: completion x the share of the county's running projects that reported this
  month, averaged with the share whose report was reviewed (1 without running projects).

Follow-ups and projects are multiplied by completion so that nothing is earned without
visits: a county with no visit scores 0 and never outranks one with a visit. Ties share a
rank (1, 2, 2, 4) and are listed in Persian alphabetical order. docs/compliance.md has the
reasons and a worked example.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.collation import sort_key
from bot.db.repos import Repos
from bot.db.repos.compliance import LeagueRow, league_params
from bot.jalali import JalaliMonth, local_date

WEIGHTS = {
    "completion": 40.0,
    "on_time": 20.0,
    "evidence": 20.0,
    "follow_ups": 10.0,
    "projects": 10.0,
}
MEDIUM_EVIDENCE = 0.5
LATE_CLOSE = 0.5  # a follow-up closed after its due time: better than left open, not on time


class Standing(StrEnum):
    RANKED = "ranked"
    NO_DEPUTY = "no_deputy"  # no deputy when the month's plan was drawn
    LATE = "late"  # the deputy joined after the month's plan


class ProgrammeLine(NamedTuple):
    programme_id: int
    name: str
    required: int
    done: int
    on_time: int
    strong: int = 0
    medium: int = 0
    weak: int = 0

    @property
    def evidence(self) -> float:
        """The strength of the visits that count: the `required` strongest."""
        strong = min(self.strong, self.required)
        medium = min(self.medium, self.required - strong)
        return strong + MEDIUM_EVIDENCE * medium


class CountyLine(NamedTuple):
    """One county's figures for the month, its score and rank (tuples: cheap to build).

    planned: 1 when the county had a deputy in the month's plan, 0 when its deputy was
    planned later, -1 without any plan. rank is 0 for an unranked county.
    """

    county_id: int
    county: str
    programmes: tuple[ProgrammeLine, ...]
    planned: int = 1
    fu_closed_on_time: int = 0
    fu_closed_late: int = 0
    fu_open: int = 0
    fu_overdue: int = 0
    reports: int = 0
    projects: int = 0
    reported: int = 0
    reviewed: int = 0
    overdue: int = 0
    score: float = 0.0
    rank: int = 0

    @property
    def standing(self) -> Standing:
        if self.planned == 1:
            return Standing.RANKED
        return Standing.LATE if self.planned == 0 else Standing.NO_DEPUTY

    @property
    def required(self) -> int:
        return sum(p.required for p in self.programmes)

    @property
    def done(self) -> int:
        return sum(p.done for p in self.programmes)

    @property
    def on_time(self) -> int:
        """Visits that count towards the requirement and were on time (capped)."""
        return sum(min(p.on_time, p.required) for p in self.programmes)

    @property
    def strong(self) -> int:
        return sum(p.strong for p in self.programmes)

    @property
    def medium(self) -> int:
        return sum(p.medium for p in self.programmes)

    @property
    def weak(self) -> int:
        return sum(p.weak for p in self.programmes)

    @property
    def follow_ups(self) -> int:
        return self.fu_closed_on_time + self.fu_closed_late + self.fu_open + self.fu_overdue

    def parts(self) -> dict[str, float]:
        """The five parts of the score, each in [0, 1]."""
        # One pass over the programmes: rank() calls this for every county of the country.
        required = counted = counted_on_time = 0
        evidence = 0.0
        for p in self.programmes:
            required += p.required
            counted += min(p.done, p.required)
            counted_on_time += min(p.on_time, p.required)
            evidence += p.evidence
        if not required:
            return dict.fromkeys(WEIGHTS, 0.0)
        completion = counted / required
        handled = 1.0
        if total := self.follow_ups:
            good = self.fu_closed_on_time + self.fu_open + LATE_CLOSE * self.fu_closed_late
            handled = good / total
        reporting = 1.0
        if self.projects:
            reported = min(self.reported, self.projects)
            reporting = (reported + min(self.reviewed, reported)) / (2 * self.projects)
        return {
            "completion": completion,
            "on_time": counted_on_time / required,
            "evidence": evidence / required,
            "follow_ups": completion * handled,
            "projects": completion * reporting,
        }

    def points(self) -> dict[str, float]:
        """Each part's points (its value times its weight), unrounded."""
        return {name: WEIGHTS[name] * value for name, value in self.parts().items()}


@dataclass(frozen=True)
class League:
    month: JalaliMonth
    lines: tuple[CountyLine, ...]  # ranked, in rank order
    unranked: tuple[CountyLine, ...] = ()  # in Persian alphabetical order
    running: bool = False  # the month is not over: judged as of now

    def of_county(self, county_id: int) -> CountyLine | None:
        """The line of one county, ranked or not, if it exists."""
        return next((line for line in (*self.lines, *self.unranked)
                     if line.county_id == county_id), None)


def score(line: CountyLine) -> float:
    """The weighted score of a county line, 0-100, rounded to one decimal."""
    return _weighted(line.parts())


def _weighted(parts: dict[str, float]) -> float:
    return round(sum(WEIGHTS[name] * value for name, value in parts.items()), 1)


def lines_from_rows(rows: list[LeagueRow]) -> list[CountyLine]:
    """Folds the query's county x programme rows into one line per county (query order)."""
    first: dict[int, LeagueRow] = {}
    programmes: dict[int, list[ProgrammeLine]] = {}
    for r in rows:
        first.setdefault(r.county_id, r)
        programmes.setdefault(r.county_id, []).append(ProgrammeLine(
            r.programme_id, r.programme, r.required, r.done, r.on_time, r.strong, r.medium,
            r.weak,
        ))
    return [
        CountyLine(
            county_id, r.county, tuple(programmes[county_id]), r.planned, r.fu_closed_on_time,
            r.fu_closed_late, r.fu_open, r.fu_overdue, r.reports, r.projects, r.reported,
            r.reviewed, r.overdue,
        )
        for county_id, r in first.items()
    ]


def rank(lines: list[CountyLine]) -> tuple[CountyLine, ...]:
    """Scores and sorts the ranked lines; equal scores share a rank, in Persian order."""
    scored = [line._replace(score=score(line)) for line in lines
              if line.standing is Standing.RANKED]
    scored.sort(key=lambda line: (-line.score, sort_key(line.county)))
    ranked: list[CountyLine] = []
    for index, line in enumerate(scored, start=1):
        same = ranked and ranked[-1].score == line.score
        ranked.append(line._replace(rank=ranked[-1].rank if same else index))
    return tuple(ranked)


def unranked(lines: list[CountyLine]) -> tuple[CountyLine, ...]:
    """The lines of counties not ranked this month, scored for the record, in Persian order."""
    rest = [line._replace(score=score(line)) for line in lines
            if line.standing is not Standing.RANKED]
    return tuple(sorted(rest, key=lambda line: sort_key(line.county)))


class Advice(NamedTuple):
    """One thing that would raise a county's score, and by how many points at most."""

    kind: str  # visit, evidence, follow_up, review, reports
    programme: str | None
    gain: float


def advice(line: CountyLine) -> list[Advice]:
    """What would raise the score most, best first (each gain worked out with the formula)."""
    base = sum(line.points().values())
    found: list[Advice] = []

    def gain(changed: CountyLine) -> float:
        return round(sum(changed.points().values()) - base, 1)

    for i, p in enumerate(line.programmes):
        def with_programme(q: ProgrammeLine, i: int = i) -> CountyLine:
            progs = list(line.programmes)
            progs[i] = q
            return line._replace(programmes=tuple(progs))

        if p.done < p.required:
            better = p._replace(done=p.done + 1, on_time=p.on_time + 1, strong=p.strong + 1)
            found.append(Advice("visit", p.name, gain(with_programme(better))))
        elif p.evidence < p.required:
            better = p._replace(done=p.done + 1, strong=p.strong + 1)
            found.append(Advice("evidence", p.name, gain(with_programme(better))))
    if line.fu_overdue:
        found.append(Advice("follow_up", None, gain(line._replace(
            fu_overdue=line.fu_overdue - 1, fu_closed_late=line.fu_closed_late + 1))))
    if line.reviewed < min(line.reported, line.projects):
        found.append(Advice("review", None, gain(line._replace(reviewed=line.reviewed + 1))))
    if line.reported < line.projects:
        found.append(Advice("reports", None, gain(line._replace(reported=line.reported + 1))))
    return sorted((a for a in found if a.gain > 0), key=lambda a: -a.gain)


def month_bounds(month: JalaliMonth, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's first instant, as aware datetimes."""
    start = datetime.combine(month.first_day, time(0), tzinfo=tz)
    end = datetime.combine(month.last_day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


async def league(repos: Repos, month: JalaliMonth, now: datetime, tz: ZoneInfo) -> League:
    """The league of a month; a running month is judged as of now."""
    start, end = month_bounds(month, tz)
    as_of = min(now, end)
    as_of_day = min(local_date(now, tz), month.last_day + timedelta(days=1))
    day_ends = {day: datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
                for day in month.dates()}
    rows = await repos.compliance.league_rows(league_params(
        month.key(), start, end, month.last_day, as_of, as_of_day, day_ends))
    lines = lines_from_rows(rows)
    return League(month, rank(lines), unranked(lines), running=now < end)
