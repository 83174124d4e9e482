"""PNG bar chart of the league: one bar per county, Persian labels, right to left.

matplotlib ≥ 3.11 lays out complex scripts itself (libraqm), so Persian names are given in
logical order, unshaped; pre-shaping them with arabic-reshaper would reverse them twice.
"""

from __future__ import annotations

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")  # no display: render to files only

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.fonts import latin_font, persian_font
from bot.i18n import fa_number, t_plain
from bot.services.compliance import League

MAX_BARS = 60  # beyond this a chart is unreadable on a phone; the table has everything
BAR_COLOURS = ("#2e7d32", "#f9a825", "#c62828")  # score ≥ 70, ≥ 40, below


@cache
def _family() -> list[str]:
    """Registers the fonts with matplotlib once; their family names, Persian first."""
    names = []
    for path in (persian_font(), latin_font()):
        font_manager.fontManager.addfont(str(path))
        names.append(font_manager.FontProperties(fname=str(path)).get_name())
    return names


def _colour(score: float) -> str:
    return BAR_COLOURS[0] if score >= 70 else BAR_COLOURS[1] if score >= 40 else BAR_COLOURS[2]


def league_chart(league: League) -> bytes:
    """The ranked counties as a horizontal bar chart (rank 1 at the top), as PNG bytes."""
    lines = list(league.lines[:MAX_BARS])
    family = _family()
    height = 1.6 + 0.32 * max(len(lines), 1)
    fig = Figure(figsize=(8, height), dpi=110)
    ax = fig.add_subplot()
    positions = list(range(len(lines)))[::-1]
    scores = [line.score for line in lines]
    ax.barh(positions, scores, color=[_colour(s) for s in scores], height=0.7)
    labels = [t_plain("compliance.chart.label", rank=line.rank, county=line.county)
              for line in lines]
    ax.set_yticks(positions, labels, fontfamily=family, fontsize=10)
    ax.yaxis.tick_right()  # names on the right: the chart reads right to left
    ax.set_xlim(100, 0)  # bars grow from the right edge towards the left
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fa_number(v)))
    for tick in ax.get_xticklabels():
        tick.set_fontfamily(family)
    for pos, value in zip(positions, scores, strict=True):
        ax.text(value + 1, pos, fa_number(value), va="center", ha="right",
                fontfamily=family, fontsize=9)
    ax.set_xlabel(t_plain("compliance.chart.axis"), fontfamily=family)
    title = t_plain("compliance.chart.title", month=league.month.label())
    if len(league.lines) > MAX_BARS:
        title += "\n" + t_plain("compliance.chart.more", count=len(league.lines) - MAX_BARS)
    if league.unranked:
        title += "\n" + t_plain("compliance.chart.unranked", count=len(league.unranked))
    ax.set_title(title, fontfamily=family, fontsize=13)
    ax.spines[["left", "top"]].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
