"""The league chart: a PNG whose Persian text the shipped font can draw, sized to the league."""

from __future__ import annotations

import io

from fontTools.ttLib import TTFont
from matplotlib import font_manager
from PIL import Image

from bot.fonts import persian_font
from bot.i18n import raw, t_plain
from bot.jalali import JalaliMonth
from bot.services.charts import MAX_BARS, _family, league_chart
from bot.services.compliance import CountyLine, League, ProgrammeLine, rank

AZAR = JalaliMonth(1405, 9)


def _league(names: list[str]) -> League:
    lines = [CountyLine(i, name, (ProgrammeLine(1, "p", 1, i % 2, 0, strong=i % 3),))
             for i, name in enumerate(names)]
    return League(AZAR, rank(lines))


def _size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(png)).size


def test_height_follows_the_counties_up_to_the_cap() -> None:
    counties = raw("seed.counties")
    small = _size(league_chart(_league(counties[:3])))
    full = _size(league_chart(_league(counties)))
    assert full[1] > small[1] and full[0] == small[0]
    capped = _size(league_chart(_league([f"C{i}" for i in range(MAX_BARS + 15)])))
    at_cap = _size(league_chart(_league([f"C{i}" for i in range(MAX_BARS)])))
    assert capped[1] >= at_cap[1]  # the title gains a line, the bars do not


def test_matplotlib_uses_the_shipped_persian_font() -> None:
    family = _family()[0]
    found = font_manager.findfont(font_manager.FontProperties(family=family),
                                  fallback_to_default=False)
    assert found == str(persian_font())


def test_the_font_has_every_letter_of_the_counties_and_titles() -> None:
    cmap = TTFont(persian_font()).getBestCmap()
    text = "".join(raw("seed.counties")) + t_plain("compliance.chart.title", month=AZAR.label())
    text += t_plain("compliance.chart.axis") + t_plain("compliance.chart.more", count=12)
    text += t_plain("compliance.chart.unranked", count=21)
    missing = {ch for ch in text if ord(ch) not in cmap and ch not in " ()"}
    assert missing == set()
