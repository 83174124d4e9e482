"""The printed record of one visit (the «minutes of the visit»): one right-to-left A4 page.

fpdf2 shapes Persian through HarfBuzz (uharfbuzz) and orders it with its own bidi algorithm
when text shaping is on; Latin letters fall back to DejaVu Sans. Everything a person reads
comes from the catalogue ([pdf_record]); numbers and dates use Persian digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF

from bot.clock import from_db
from bot.db.repos import Repos
from bot.fonts import latin_font, persian_font
from bot.i18n import fa_digits, t_plain
from bot.jalali import format_datetime
from bot.services.evidence_views import used_before_mark
from bot.services.inspection_views import distance_text

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 14.0
WIDTH = PAGE_W - 2 * MARGIN
FOOTER_H = 18.0
MAX_FINDINGS = 900  # characters; the record is one page
MAX_FINDINGS_LINES = 6
MAX_PHOTOS = 4
GREY = (236, 239, 241)


@dataclass(frozen=True)
class Record:
    visit: dict[str, Any]
    answers: list[dict[str, Any]]
    photos: list[Path]


async def load_record(repos: Repos, inspection_id: int, media_dir: Path) -> Record | None:
    """Everything the record shows, or None when the visit does not exist."""
    visit = await repos.exports.record(inspection_id)
    if visit is None:
        return None
    answers = await repos.inspections.answers(inspection_id)
    # The bounded working copy (bot/images.py) where there is one, never a huge original.
    photos = [media_dir / (p["work_path"] or p["path"])
              for p in await repos.inspections.photos(inspection_id)]
    return Record(visit, answers, photos)


class _Page(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.add_font("fa", fname=str(persian_font()))
        self.add_font("latin", fname=str(latin_font()))
        self.set_font("fa", size=10)
        self.set_fallback_fonts(["latin"])
        self.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab",
                              language="fas")

    def pair(self, label: str, value: str, height: float = 7.0) -> None:
        """One «label: value» row: the label on the right on grey, the value to its left."""
        label_w = 42.0
        y = self.get_y()
        self.set_fill_color(*GREY)
        self.set_xy(MARGIN + WIDTH - label_w, y)
        self.cell(label_w, height, label, border=1, align="R", fill=True)
        self.set_xy(MARGIN, y)
        self.cell(WIDTH - label_w, height, value, border=1, align="R")
        self.set_xy(MARGIN, y + height)

    def heading(self, text: str) -> None:
        """A section title."""
        self.ln(2.5)
        self.set_font("fa", size=12)
        self.set_text_color(21, 101, 192)
        self.cell(WIDTH, 7, text, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_font("fa", size=10)


def _location(visit: dict[str, Any]) -> str:
    if visit["location_status"] == "live":
        return t_plain("pdf_record.location_live", distance=distance_text(visit["distance_m"]))
    return t_plain("pdf_record.location_skipped", reason=visit["location_note"] or "")


def _checklist(pdf: _Page, answers: list[dict[str, Any]], bottom: float) -> None:
    """Numbered items with their answers, as many as fit above `bottom`."""
    size = 9 if len(answers) <= 12 else 8
    line = 4.6 if size == 9 else 4.0
    pdf.set_font("fa", size=size)
    num_w, answer_w = 9.0, 24.0
    item_w = WIDTH - num_w - answer_w
    for index, answer in enumerate(answers, start=1):
        lines = pdf.multi_cell(item_w, line, answer["item_text"], dry_run=True, output="LINES")
        height = max(len(lines), 1) * line + 1.6
        y = pdf.get_y()
        if y + height > bottom:
            pdf.cell(WIDTH, line, t_plain("pdf_record.more_items", count=len(answers) - index + 1),
                     align="R", new_x="LMARGIN", new_y="NEXT")
            break
        pdf.set_xy(MARGIN + WIDTH - num_w, y)
        pdf.cell(num_w, height, fa_digits(index), border=1, align="C")
        pdf.set_xy(MARGIN + answer_w, y)
        pdf.multi_cell(item_w, line, answer["item_text"], border=0, align="R",
                       padding=(0.8, 1.2, 0.8, 1.2))
        pdf.rect(MARGIN + answer_w, y, item_w, height)
        pdf.set_xy(MARGIN, y)
        pdf.cell(answer_w, height, t_plain(f"pdf_record.answer.{answer['answer']}"), border=1,
                 align="C")
        pdf.set_xy(MARGIN, y + height)
    pdf.set_font("fa", size=10)


def _photos(pdf: _Page, photos: list[Path], top: float, bottom: float) -> None:
    """Up to MAX_PHOTOS pictures in one row, right to left, scaled into the space left."""
    shown = photos[:MAX_PHOTOS]
    gap = 3.0
    box_w = (WIDTH - gap * (MAX_PHOTOS - 1)) / MAX_PHOTOS
    box_h = min(bottom - top, 62.0)
    if box_h < 20 or not shown:
        return
    for index, path in enumerate(shown):
        x = MARGIN + WIDTH - (index + 1) * box_w - index * gap
        pdf.rect(x, top, box_w, box_h)
        try:
            pdf.image(str(path), x=x + 0.5, y=top + 0.5, w=box_w - 1, h=box_h - 1,
                      keep_aspect_ratio=True)
        except Exception:  # a missing or broken file must not lose the whole record
            pdf.set_xy(x, top + box_h / 2 - 3)
            pdf.cell(box_w, 6, t_plain("pdf_record.photo_unreadable"), align="C")
    if len(photos) > MAX_PHOTOS:
        pdf.set_xy(MARGIN, top + box_h + 1)
        pdf.cell(WIDTH, 5, t_plain("pdf_record.more_photos", count=len(photos) - MAX_PHOTOS),
                 align="R")


def render(record: Record, tz: ZoneInfo, now: datetime) -> bytes:
    """The record as PDF bytes (one A4 page)."""
    v = record.visit
    pdf = _Page()
    pdf.add_page()
    pdf.set_title(t_plain("pdf_record.title"))
    pdf.set_font("fa", size=9)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(WIDTH, 5, t_plain("pdf_record.office"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("fa", size=17)
    pdf.cell(WIDTH, 10, t_plain("pdf_record.title"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("fa", size=10)
    pdf.ln(1)
    severity = t_plain(f"exports.labels.severity.{v['severity']}")
    if v["follow_up_status"]:
        severity = t_plain("pdf_record.with_follow_up", severity=severity,
                           due=format_datetime(from_db(v["follow_up_due"]), tz))
    for key, value in (
        ("tracking", fa_digits(v["tracking"])),
        ("when", format_datetime(from_db(v["confirmed_at"]), tz)),
        ("county", v["county"]),
        ("deputy", v["deputy"]),
        ("programme", v["programme"]),
        ("facility", t_plain("pdf_record.facility_value", facility=v["facility"],
                             kind=v["facility_type"])),
        ("address", v["facility_address"] or "-"),
        ("location", _location(v)),
        ("evidence", " — ".join(filter(None, (
            t_plain(f"exports.labels.evidence.{v['evidence']}"),
            used_before_mark(v.get("evidence_reasons")))))),
        ("severity", severity),
    ):
        pdf.pair(t_plain(f"pdf_record.labels.{key}"), value)
    photo_space = 66.0 if record.photos else 0.0
    findings = (v["findings"] or t_plain("pdf_record.no_findings"))[:MAX_FINDINGS]
    pdf.heading(t_plain("pdf_record.checklist"))
    _checklist(pdf, record.answers, PAGE_H - FOOTER_H - photo_space - 40)
    pdf.heading(t_plain("pdf_record.findings"))
    lines = pdf.multi_cell(WIDTH - 3, 5.5, findings, dry_run=True, output="LINES")
    if len(lines) > MAX_FINDINGS_LINES:  # the rest is in the export; the page must not spill
        findings = " ".join(lines[:MAX_FINDINGS_LINES]).rstrip()[:-2] + " …"
    pdf.multi_cell(WIDTH, 5.5, findings, border=1, align="R", padding=1.5,
                   new_x="LMARGIN", new_y="NEXT")
    if record.photos:
        pdf.heading(t_plain("pdf_record.photos", count=len(record.photos)))
        _photos(pdf, record.photos, pdf.get_y() + 1, PAGE_H - FOOTER_H - 7)
    pdf.set_font("fa", size=9)
    pdf.set_xy(MARGIN + WIDTH / 2, PAGE_H - FOOTER_H + 2)
    pdf.cell(WIDTH / 2, 6, t_plain("pdf_record.signature", deputy=v["deputy"]), align="R")
    pdf.set_xy(MARGIN, PAGE_H - FOOTER_H + 2)
    pdf.cell(WIDTH / 2, 6, t_plain("pdf_record.printed", when=format_datetime(now, tz)),
             align="L")
    return bytes(pdf.output())


def file_name(tracking: str) -> str:
    """An ASCII file name for the record («record-140509-0042.pdf»)."""
    kept = "".join(ch for ch in tracking if ch.isascii() and (ch.isalnum() or ch == "-"))
    return f"record-{kept.strip('-')}.pdf"
