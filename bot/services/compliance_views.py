"""The league as people read it: Telegram HTML messages that each fit in one message, with
(label, callback data) buttons for each county's drill-down (never Telegram objects)."""

from __future__ import annotations

from typing import NamedTuple

from bot.callbacks import Compliance
from bot.i18n import Safe, fa_number, t, t_plain
from bot.services.compliance import (
    WEIGHTS,
    CountyLine,
    League,
    ProgrammeLine,
    Standing,
    advice,
    score,
)
from bot.services.notify import Button

MESSAGE_BUDGET = 3800  # Telegram allows 4096 characters per message; leave room for markup
BUTTON_COLUMNS = 3
NAMES_PER_BLOCK = 40  # unranked county names per block, so one block always fits
MAX_BUTTONS = 60  # county buttons per message (Telegram allows 100 in a keyboard)
REASON_KEYS = {Standing.NO_DEPUTY: "compliance.reason_no_deputy",
               Standing.LATE: "compliance.reason_late"}


class LeagueMessage(NamedTuple):
    text: str
    buttons: list[list[Button]]


def detail_data(county_id: int, league: League) -> str:
    """Callback data of a county's drill-down button: «cmp:12:140509»."""
    return Compliance.COUNTY(county_id, f"{league.month.year:04d}{league.month.month:02d}")


def reason(line: CountyLine) -> str:
    """Why a county is not ranked."""
    return t_plain(REASON_KEYS[line.standing])


def county_block(line: CountyLine) -> str:
    """One ranked county's rank, score and figures."""
    programmes = t_plain("compliance.separator").join(
        t_plain("compliance.programme", name=p.name, done=p.done, required=p.required)
        for p in line.programmes
    )
    follow_ups = t("compliance.line_follow_ups", open=line.fu_open,
                   overdue=line.fu_overdue) if line.follow_ups else ""
    projects = t("compliance.line_projects", reported=line.reported, projects=line.projects,
                 reviewed=line.reviewed) if line.projects else ""
    return t(
        "compliance.line", rank=line.rank, county=line.county, score=line.score,
        programmes=programmes, on_time=line.on_time, required=line.required,
        strong=line.strong, medium=line.medium, weak=line.weak,
        follow_ups=Safe(follow_ups), projects=Safe(projects),
    )


def unranked_blocks(league: League) -> list[tuple[str, list[CountyLine]]]:
    """The unranked counties grouped by reason, names in Persian order, with their lines."""
    blocks = []
    for standing in REASON_KEYS:
        lines = [line for line in league.unranked if line.standing is standing]
        for i in range(0, len(lines), NAMES_PER_BLOCK):
            chunk = lines[i:i + NAMES_PER_BLOCK]
            blocks.append((t("compliance.unranked_group", reason=t_plain(REASON_KEYS[standing]),
                             counties=t_plain("compliance.separator").join(
                                 line.county for line in chunk)), chunk))
    if blocks:
        blocks[0] = (f"{t('compliance.unranked_title')}\n{blocks[0][0]}", blocks[0][1])
    return blocks


def league_messages(league: League, *, closed: bool = False) -> list[LeagueMessage]:
    """The whole league in messages of at most MESSAGE_BUDGET characters, each with a button
    per county it names (at most MAX_BUTTONS; the first also with the help button)."""
    if not league.lines and not league.unranked:
        return [LeagueMessage(t("compliance.no_counties"), [])]
    head = t("compliance.closed_title" if closed else "compliance.title",
             month=league.month.label(), ranked=len(league.lines),
             unranked=len(league.unranked),
             running=t_plain("compliance.running") if league.running else "")
    blocks = [(county_block(line), [line]) for line in league.lines] or [
        (t("compliance.nobody_ranked"), [])]
    pages: list[tuple[str, list[CountyLine]]] = [(head, [])]
    for block, lines in blocks + unranked_blocks(league):
        text, owned = pages[-1]
        if (len(text) + len(block) + 2 > MESSAGE_BUDGET
                or len(owned) + len(lines) > MAX_BUTTONS):
            pages.append((block, list(lines)))
        else:
            pages[-1] = (f"{text}\n\n{block}", owned + lines)
    messages = []
    for index, (text, lines) in enumerate(pages):
        labels = [(t_plain("compliance.button_ranked", rank=line.rank, county=line.county)
                   if line.rank else line.county, detail_data(line.county_id, league))
                  for line in lines]
        rows = [labels[i:i + BUTTON_COLUMNS] for i in range(0, len(labels), BUTTON_COLUMNS)]
        if index == 0:
            rows.append([(t_plain("compliance.button_help"), Compliance.HELP())])
        messages.append(LeagueMessage(text, rows))
    return messages


def league_texts(league: League, *, closed: bool = False) -> list[str]:
    """The league's texts alone (for tests and plain copies)."""
    return [m.text for m in league_messages(league, closed=closed)]


def _programme_line(p: ProgrammeLine) -> str:
    return t("compliance.detail_programme", name=p.name, done=p.done, required=p.required,
             on_time=min(p.on_time, p.required), strong=p.strong, medium=p.medium,
             weak=p.weak)


def figures(line: CountyLine) -> str:
    """Everything that produced a county's score: visits, follow-ups, projects, the parts."""
    sections = [t("compliance.detail_visits") + "\n"
                + "\n".join(_programme_line(p) for p in line.programmes)]
    sections.append(t("compliance.detail_follow_ups", on_time=line.fu_closed_on_time,
                      late=line.fu_closed_late, open=line.fu_open, overdue=line.fu_overdue))
    sections.append(t("compliance.detail_projects", projects=line.projects,
                      reported=line.reported, reviewed=line.reviewed, reports=line.reports,
                      overdue=line.overdue) if line.projects
                    else t("compliance.detail_no_projects"))
    parts = line.parts()
    sections.append(t("compliance.detail_parts") + "\n" + "\n".join(
        t("compliance.detail_part", label=t_plain(f"compliance.part_{name}"),
          percent=round(100 * parts[name]), weight=int(weight),
          points=fa_number(round(weight * parts[name], 1)))
        for name, weight in WEIGHTS.items()))
    return "\n\n".join(sections)


def _standing_text(league: League, line: CountyLine) -> str:
    if line.rank:
        return t("compliance.detail_ranked", rank=line.rank, count=len(league.lines),
                 score=line.score)
    return t("compliance.detail_unranked", reason=reason(line))


def county_detail(league: League, county_id: int) -> str:
    """One county's drill-down for admins."""
    line = league.of_county(county_id)
    if line is None:
        return t("compliance.gone")
    head = t("compliance.detail_title", county=line.county, month=league.month.label(),
             running=t_plain("compliance.running") if league.running else "")
    return f"{head}\n{_standing_text(league, line)}\n\n{figures(line)}"


def advice_text(line: CountyLine, *, running: bool) -> str:
    """What would raise the county's score, with the points each would add."""
    items = [t(f"compliance.advice_{a.kind}", programme=a.programme or "", gain=a.gain)
             if a.programme is not None
             else t(f"compliance.advice_{a.kind}", gain=a.gain)
             for a in advice(line)[:5]] or [t("compliance.advice_none")]
    closed = "" if running else "\n" + t("compliance.advice_closed")
    return t("compliance.advice_title") + "\n" + "\n".join(items) + closed


def county_text(league: League, county_id: int) -> str:
    """A deputy's /rank: the own score, what it is made of and what would raise it; for an
    unranked county, why, and the figures so far."""
    line = league.of_county(county_id)
    if line is None:
        return t("compliance.no_county")
    head = t("compliance.own_title", county=line.county, month=league.month.label())
    if not line.rank:
        why = t("compliance.own_unranked", month=league.month.label(), reason=reason(line))
        return f"{head}\n{why}\n\n{figures(line)}"
    return (f"{head}\n{_standing_text(league, line)}\n\n{figures(line)}\n\n"
            f"{advice_text(line, running=league.running)}")


def help_text() -> str:
    """The /compliance help screen: who is ranked, the parts and weights, a worked example."""
    example = CountyLine(0, "", (
        ProgrammeLine(1, "", 1, 1, 1, strong=1), ProgrammeLine(2, "", 1, 1, 0, medium=1),
        ProgrammeLine(3, "", 1, 0, 0)), fu_closed_on_time=1, projects=1, reported=1,
        reviewed=1)
    return t("compliance.help", **{name: int(w) for name, w in WEIGHTS.items()},
             example=t_plain("compliance.help_example", score=score(example)))
