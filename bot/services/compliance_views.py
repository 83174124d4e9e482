"""The league as people read it: Telegram HTML messages that each fit in one message."""

from __future__ import annotations

from bot.i18n import Safe, t, t_plain
from bot.services.compliance import CountyLine, League

MESSAGE_BUDGET = 3800  # Telegram allows 4096 characters per message; leave room for markup


def pack(head: str, blocks: list[str], budget: int = MESSAGE_BUDGET) -> list[str]:
    """Joins blocks under a heading into as few messages as fit the budget, in order."""
    messages, current = [], head
    for block in blocks:
        if len(current) + len(block) + 2 > budget:
            messages.append(current)
            current = block
        else:
            current = f"{current}\n\n{block}" if current else block
    messages.append(current)
    return messages


def county_block(line: CountyLine) -> str:
    """One county's rank, score and figures."""
    programmes = t_plain("compliance.separator").join(
        t_plain("compliance.programme", name=p.name, done=p.done, required=p.required)
        for p in line.programmes
    )
    return t(
        "compliance.line", rank=line.rank, county=line.county, score=line.score,
        no_deputy=Safe("" if line.has_deputy else t("compliance.no_deputy")),
        programmes=programmes, on_time=round(100 * line.parts()["on_time"]),
        strong=line.strong, medium=line.medium, weak=line.weak,
        follow_ups=line.open_follow_ups, reports=line.reports, overdue=line.overdue,
        projects=line.projects,
    )


def league_texts(league: League, *, closed: bool = False) -> list[str]:
    """The whole league, split into messages of at most MESSAGE_BUDGET characters."""
    if not league.lines:
        return [t("compliance.no_counties")]
    head = t("compliance.closed_title" if closed else "compliance.title",
             month=league.month.label(), count=len(league.lines))
    return pack(head, [county_block(line) for line in league.lines])


def county_text(league: League, county_id: int) -> str:
    """One county's position, for its deputy."""
    line = league.of_county(county_id)
    if line is None:
        return t("compliance.no_county")
    head = t("compliance.own_title", county=line.county, month=league.month.label(),
             rank=line.rank, count=len(league.lines))
    return f"{head}\n\n{county_block(line)}"
