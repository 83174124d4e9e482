"""The printed record of one visit (the «minutes of the visit»), right to left on A4 pages.

fpdf2 shapes Persian through HarfBuzz (uharfbuzz) and orders it with its own bidi algorithm.
The font is Amiri (a Naskh typeface, like the ones Iranian offices print with): it draws each
joined letter as one glyph, so the PDF's text layer maps every glyph back to its letter and a
search or copy finds whole words. (Noto Sans Arabic, which the charts use, draws the dots as
separate glyphs that fpdf2 cannot map, and its text layer falls apart into letters.) A few
letter pairs (nun before jeem, lam before gaf) Amiri still draws with an extra connecting
glyph, which fpdf2 maps to no letter; such a word copies with a gap until fpdf2 writes
marked content with ActualText (fpdf2 issue 901).

The record: the letterhead (province and office from PROVINCE_NAME and OFFICE_NAME), the
tracking number and date, the visit's facts with the coordinates, the distance and the
evidence reasons, every checklist answer, the findings in full (continuing on the next page
rather than being cut), the photos, and places for the deputy and the facility's
representative to sign. Every page has the printing time and its number. Everything a person
reads comes from the catalogue ([pdf_record], [answers], [evidence_reasons]).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF

from bot.clock import from_db
from bot.db.repos import Repos
from bot.fonts import latin_font, record_fonts
from bot.i18n import fa_digits, fa_number, t_plain
from bot.jalali import format_datetime
from bot.services.evidence_reasons import PhotoFacts, evidence_reasons, photo_facts
from bot.services.evidence_views import reason_text, reasons_of
from bot.services.inspection_views import distance_text

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 13.0
WIDTH = PAGE_W - 2 * MARGIN
FOOTER_H = 12.0
BOTTOM = PAGE_H - FOOTER_H - 2  # content stays above this line
LABEL_W = 42.0
MAX_PHOTOS = 4
PHOTO_H = 40.0  # mm: the height of the row of photos
SIGN_H = 25.0  # mm: the height of the two signature boxes
GREY = (236, 239, 241)
BLUE = (21, 101, 192)


@dataclass(frozen=True)
class Letterhead:
    """Who the record is from: the province and the office (settings, else the catalogue)."""

    province: str
    office: str

    @classmethod
    def of(cls, province: str | None = None, office: str | None = None) -> Letterhead:
        return cls(province or t_plain("pdf_record.default_province"),
                   office or t_plain("pdf_record.default_office"))


@dataclass(frozen=True)
class Record:
    visit: dict[str, Any]
    answers: list[dict[str, Any]]
    photos: list[Path]
    facts: PhotoFacts = PhotoFacts()
    letterhead: Letterhead = field(default_factory=Letterhead.of)


async def load_record(repos: Repos, inspection_id: int, media_dir: Path,
                      letterhead: Letterhead | None = None) -> Record | None:
    """Everything the record shows, or None when the visit does not exist."""
    visit = await repos.exports.record(inspection_id)
    if visit is None:
        return None
    answers = await repos.inspections.answers(inspection_id)
    rows = await repos.inspections.photos(inspection_id)
    facts = photo_facts(visit, await repos.exports.record_photo_facts(inspection_id))
    # The bounded working copy (bot/images.py) where there is one, never a huge original.
    photos = [media_dir / (p.get("work_path") or p["path"]) for p in rows]
    return Record(visit, answers, photos, facts, letterhead or Letterhead.of())


class _Pages(FPDF):
    def __init__(self, footer_left: str, continued: str, total: int | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_left = footer_left
        self.continued = continued
        self.total = total
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=PAGE_H - BOTTOM)
        regular, bold = record_fonts()
        self.add_font("fa", fname=str(regular))
        self.add_font("fa", style="B", fname=str(bold))
        self.add_font("latin", fname=str(latin_font()))
        self.set_font("fa", size=11)
        self.set_fallback_fonts(["latin"])
        self.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab",
                              language="fas")

    def header(self) -> None:
        """From the second page on: which record this page continues."""
        if self.page_no() > 1:
            self.set_font("fa", size=9.5)
            self.set_text_color(90, 90, 90)
            self.cell(WIDTH, 6, self.continued, align="R", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
            self.ln(2)
            self.set_font("fa", size=10.5)

    def footer(self) -> None:
        """The printing time on the left, the page number on the right, on every page."""
        self.set_font("fa", size=9)
        self.set_text_color(90, 90, 90)
        self.set_xy(MARGIN, PAGE_H - FOOTER_H + 2)
        page = (t_plain("pdf_record.page_of", page=self.page_no(), pages=self.total)
                if self.total else t_plain("pdf_record.page", page=self.page_no()))
        self.cell(WIDTH / 2, 6, self.footer_left, align="L")
        self.set_xy(MARGIN + WIDTH / 2, PAGE_H - FOOTER_H + 2)
        self.cell(WIDTH / 2, 6, page, align="R")
        self.set_text_color(0, 0, 0)

    def ensure(self, height: float) -> None:
        """A new page when height no longer fits above the footer."""
        if self.get_y() + height > BOTTOM:
            self.add_page()

    def lines(self, width: float, line: float, text: str) -> int:
        """How many lines text takes in a cell of this width."""
        return max(len(self.multi_cell(width, line, text, dry_run=True, output="LINES")), 1)

    def pair(self, label: str, value: str) -> None:
        """One «label: value» row: the label on the right on grey, the value (wrapped) to its
        left."""
        line = 5.5
        height = self.lines(WIDTH - LABEL_W - 3, line, value) * line + 1.6
        self.ensure(height)
        y = self.get_y()
        self.set_fill_color(*GREY)
        self.set_font("fa", style="B", size=10)
        self.set_xy(MARGIN + WIDTH - LABEL_W, y)
        self.cell(LABEL_W, height, label, border=1, align="R", fill=True)
        self.set_font("fa", size=10.5)
        self.set_xy(MARGIN, y)
        self.multi_cell(WIDTH - LABEL_W, line, value, border=0, align="R", padding=(0.8, 1.5))
        self.rect(MARGIN, y, WIDTH - LABEL_W, height)
        self.set_xy(MARGIN, y + height)

    def heading(self, text: str, keep: float = 22) -> None:
        """A section title, kept on one page with the first `keep` mm of what follows."""
        self.ensure(keep + 11)
        self.ln(3)
        self.set_font("fa", style="B", size=12.5)
        self.set_text_color(*BLUE)
        self.cell(WIDTH, 8, text, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_font("fa", size=10.5)


def _letterhead(pdf: _Pages, record: Record, tz: ZoneInfo) -> None:
    """Province and office on the right, tracking number and date on the left, the title."""
    v, head = record.visit, record.letterhead
    top = pdf.get_y()
    pdf.set_font("fa", style="B", size=12)
    pdf.cell(WIDTH, 7, t_plain("pdf_record.province", province=head.province), align="R",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("fa", size=11)
    pdf.cell(WIDTH, 7, head.office, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("fa", size=10)
    pdf.set_xy(MARGIN, top)
    pdf.cell(70, 7, t_plain("pdf_record.number", tracking=fa_digits(v["tracking"])), align="L")
    pdf.set_xy(MARGIN, top + 7)
    pdf.cell(70, 7, t_plain("pdf_record.date", when=format_datetime(from_db(v["confirmed_at"]),
                                                                     tz)), align="L")
    pdf.set_xy(MARGIN, top + 16)
    pdf.set_font("fa", style="B", size=17)
    pdf.cell(WIDTH, 11, t_plain("pdf_record.title"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*BLUE)
    pdf.line(MARGIN, pdf.get_y() + 1, MARGIN + WIDTH, pdf.get_y() + 1)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(4)


def _coordinates(lat: float | None, lon: float | None) -> str:
    if lat is None or lon is None:
        return "-"
    return t_plain("pdf_record.coordinates", lat=fa_number(lat, 5), lon=fa_number(lon, 5))


def _facts(record: Record, tz: ZoneInfo) -> list[tuple[str, str]]:
    """The label and value of each row of the visit's facts."""
    v = record.visit
    severity = t_plain(f"exports.labels.severity.{v['severity']}")
    if v["follow_up_status"]:
        severity = t_plain("pdf_record.with_follow_up", severity=severity,
                           due=format_datetime(from_db(v["follow_up_due"]), tz))
    if v["location_status"] == "live":
        location = t_plain("pdf_record.location_live", coordinates=_coordinates(v["lat"], v["lon"]),
                           distance=distance_text(v["distance_m"]))
    else:
        location = t_plain("pdf_record.location_skipped", reason=v["location_note"] or "-")
    # The reasons kept at confirmation; a visit stored before they were kept gets them
    # explained from its stored facts.
    stored = reasons_of(v.get("evidence_reasons"))
    reasons = ([reason_text(r) for r in stored] if stored
               else evidence_reasons(v, record.facts))
    evidence = t_plain("pdf_record.evidence_value",
                       strength=t_plain(f"exports.labels.evidence.{v['evidence']}"),
                       reasons=t_plain("exports.reason_separator").join(reasons))
    return [  # the tracking number and the date are in the letterhead
        ("county", v["county"]),
        ("deputy", v["deputy"]),
        ("programme", v["programme"]),
        ("facility", t_plain("pdf_record.facility_value", facility=v["facility"],
                             kind=v["facility_type"])),
        ("address", v["facility_address"] or "-"),
        ("facility_coordinates", _coordinates(v["facility_lat"], v["facility_lon"])),
        ("location", location),
        ("evidence", evidence),
        ("severity", severity),
    ]


def _checklist(pdf: _Pages, answers: list[dict[str, Any]]) -> None:
    """Every item with its answer; a table that continues on the next page, header again."""
    line, num_w, answer_w = 5.3, 10.0, 26.0
    item_w = WIDTH - num_w - answer_w

    def header() -> None:
        pdf.set_font("fa", style="B", size=10)
        pdf.set_fill_color(*GREY)
        y = pdf.get_y()
        for x, w, key in ((MARGIN + WIDTH - num_w, num_w, "number"),
                          (MARGIN + answer_w, item_w, "item"), (MARGIN, answer_w, "answer")):
            pdf.set_xy(x, y)
            pdf.cell(w, 7, t_plain(f"pdf_record.columns.{key}"), border=1, align="C", fill=True)
        pdf.set_xy(MARGIN, y + 7)
        pdf.set_font("fa", size=10.5)

    header()
    for index, answer in enumerate(answers, start=1):
        height = pdf.lines(item_w - 2.4, line, answer["item_text"]) * line + 1.6
        if pdf.get_y() + height > BOTTOM:
            pdf.add_page()
            header()
        y = pdf.get_y()
        pdf.set_xy(MARGIN + WIDTH - num_w, y)
        pdf.cell(num_w, height, fa_digits(index), border=1, align="C")
        pdf.set_xy(MARGIN + answer_w, y)
        pdf.multi_cell(item_w, line, answer["item_text"], border=0, align="R",
                       padding=(0.8, 1.2))
        pdf.rect(MARGIN + answer_w, y, item_w, height)
        pdf.set_xy(MARGIN, y)
        pdf.cell(answer_w, height, t_plain(f"answers.{answer['answer']}"), border=1, align="C")
        pdf.set_xy(MARGIN, y + height)


def _findings(pdf: _Pages, text: str) -> None:
    """The findings in full; a long text flows on to the next pages (never cut)."""
    pdf.set_font("fa", size=11)
    pdf.multi_cell(WIDTH, 6.4, text, border=0, align="R", padding=(1.5, 2),
                   new_x="LMARGIN", new_y="NEXT")


def _photos(pdf: _Pages, photos: list[Path]) -> None:
    """Up to MAX_PHOTOS pictures in one row, right to left."""
    shown = photos[:MAX_PHOTOS]
    gap, box_h = 3.0, PHOTO_H
    box_w = (WIDTH - gap * (MAX_PHOTOS - 1)) / MAX_PHOTOS
    top = pdf.get_y() + 1
    for index, path in enumerate(shown):
        x = MARGIN + WIDTH - (index + 1) * box_w - index * gap
        pdf.rect(x, top, box_w, box_h)
        try:
            pdf.image(str(path), x=x + 0.5, y=top + 0.5, w=box_w - 1, h=box_h - 1,
                      keep_aspect_ratio=True)
        except Exception:  # a missing or broken file must not lose the whole record
            pdf.set_xy(x, top + box_h / 2 - 3)
            pdf.cell(box_w, 6, t_plain("pdf_record.photo_unreadable"), align="C")
    pdf.set_xy(MARGIN, top + box_h + 1)
    if len(photos) > MAX_PHOTOS:
        pdf.cell(WIDTH, 6, t_plain("pdf_record.more_photos", count=len(photos) - MAX_PHOTOS),
                 align="R", new_x="LMARGIN", new_y="NEXT")


def _signatures(pdf: _Pages, deputy: str) -> None:
    """Two places to sign: the deputy on the right, the facility's representative on the left."""
    height, gap = SIGN_H, 8.0
    box_w = (WIDTH - gap) / 2
    pdf.ensure(height + 5)
    pdf.ln(4)
    top = pdf.get_y()
    for x, title, name in (
        (MARGIN + box_w + gap, t_plain("pdf_record.sign_deputy"), deputy),
        (MARGIN, t_plain("pdf_record.sign_facility"), t_plain("pdf_record.sign_name_line")),
    ):
        pdf.rect(x, top, box_w, height)
        pdf.set_font("fa", style="B", size=10.5)
        pdf.set_xy(x, top + 1.5)
        pdf.cell(box_w - 3, 6, title, align="R")
        pdf.set_font("fa", size=10.5)
        pdf.set_xy(x, top + 8)
        pdf.cell(box_w - 3, 6, name, align="R")
        pdf.set_xy(x, top + height - 8)
        pdf.cell(box_w - 3, 6, t_plain("pdf_record.sign_here"), align="R")
    pdf.set_xy(MARGIN, top + height)


def _document(record: Record, tz: ZoneInfo, now: datetime, total: int | None) -> _Pages:
    v = record.visit
    pdf = _Pages(t_plain("pdf_record.printed", when=format_datetime(now, tz)),
                 t_plain("pdf_record.continued", tracking=fa_digits(v["tracking"])), total)
    pdf.set_title(t_plain("pdf_record.title"))
    pdf.set_subject(fa_digits(v["tracking"]))
    pdf.add_page()
    _letterhead(pdf, record, tz)
    for key, value in _facts(record, tz):
        pdf.pair(t_plain(f"pdf_record.labels.{key}"), value)
    pdf.heading(t_plain("pdf_record.checklist"))
    _checklist(pdf, record.answers)
    pdf.heading(t_plain("pdf_record.findings"))
    _findings(pdf, v["findings"] or t_plain("pdf_record.no_findings"))
    if record.photos:
        pdf.heading(t_plain("pdf_record.photos", count=len(record.photos)), keep=PHOTO_H + 8)
        _photos(pdf, record.photos)
    _signatures(pdf, v["deputy"])
    return pdf


def render(record: Record, tz: ZoneInfo, now: datetime) -> bytes:
    """The record as PDF bytes; laid out twice, so each page can say «page 1 of 2»."""
    total = _document(record, tz, now, None).page_no()
    return bytes(_document(record, tz, now, total).output())


def file_name(tracking: str) -> str:
    """An ASCII file name for the record («record-140509-0042.pdf»)."""
    kept = "".join(ch for ch in tracking if ch.isascii() and (ch.isalnum() or ch == "-"))
    return f"record-{kept.strip('-')}.pdf"
