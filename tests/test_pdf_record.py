"""The printed record: A4 pages with the photos and a text layer of whole words; who may have
it, in chat."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from pypdf import PdfReader

from bot.domain import Role
from bot.i18n import fa_digits, t, t_plain
from bot.services.pdf_record import Letterhead, file_name, load_record, render
from tests.conftest import ADMIN_ID, Harness
from tests.people import add_organisation, register
from tests.report_fixtures import FINDINGS, KERMAN, make_month

# The flow on Telegram and on Bale (tests/conftest.py, docs/bale.md).
pytestmark = pytest.mark.both_platforms

KER_VISIT = "\u0628-140509-0001"
# «نج», «لگ»: Amiri draws them with an extra connecting glyph that fpdf2 maps to no letter.
TWO_GLYPH_PAIRS = ("\u0646\u062c", "\u0644\u06af")
RAF_VISIT = "\u0628-140509-0003"


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def images(pdf: bytes) -> int:
    return len(re.findall(rb"/Subtype /Image", pdf))


def jpeg(path: Path, size: tuple[int, int]) -> Path:
    Image.new("RGB", size, "#4db6ac").save(path, "JPEG")
    return path


async def test_one_page_with_the_photos(bot: Harness, tmp_path: Path) -> None:
    month = await make_month(bot)
    record = await load_record(bot.repos, month.inspections[KER_VISIT], bot.settings.media_dir)
    assert record is not None and len(record.photos) == 2 and len(record.answers) > 5
    photos = [jpeg(tmp_path / "a.jpg", (800, 600)), jpeg(tmp_path / "b.jpg", (600, 800))]
    pdf = render(replace(record, photos=photos), bot.settings.tz, bot.clock.now())
    assert pdf.startswith(b"%PDF") and pages(pdf) == 1 and images(pdf) == 2


def text_of(pdf: bytes) -> list[str]:
    """The text layer of each page, as a search or a copy finds it (pypdf)."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def has_number(text: str, digits: str) -> bool:
    """Whether a run of Persian digits is whole in the text. pypdf reads a right-to-left line
    from its end, numbers too, so it may give a number's digits reversed; poppler does not."""
    return digits in text or digits[::-1] in text


async def test_the_text_layer_has_whole_words(bot: Harness) -> None:
    month = await make_month(bot)
    record = await load_record(bot.repos, month.inspections[KER_VISIT], bot.settings.media_dir,
                               Letterhead.of("Yazd-Province", None))
    [text] = text_of(render(record, bot.settings.tz, bot.clock.now()))
    assert "\u0635\u0648\u0631\u062a\u062c\u0644\u0633\u0647" in text  # «صورتجلسه»
    assert KERMAN in text and FINDINGS in text
    head = next(x for x in text.splitlines() if "Yazd-Province" in x)
    assert t_plain("pdf_record.province", province="").strip() in head
    assert t_plain("pdf_record.default_office") in text
    # The tracking number: its letter and both digit groups whole, on one line (the groups'
    # order in a copy depends on the reader's bidi handling).
    line = next(x for x in text.splitlines() if has_number(x, fa_digits("140509")))
    assert has_number(line, fa_digits("0001")) and "\u0628" in line
    for item in record.answers:  # but for Amiri's two-glyph pairs (see pdf_record's docstring)
        if not any(pair in item["item_text"] for pair in TWO_GLYPH_PAIRS):
            assert item["item_text"] in text
    assert t_plain("answers.no") in text and t_plain("pdf_record.sign_facility") in text
    assert t_plain("evidence_reasons.photos_fresh", count=2) in text


async def test_long_findings_continue_on_the_next_pages_uncut(bot: Harness) -> None:
    month = await make_month(bot)
    record = await load_record(bot.repos, month.inspections[KER_VISIT], bot.settings.media_dir)
    words = [f"{FINDINGS} {fa_digits(n)}" for n in range(250)]
    long = replace(record, answers=record.answers * 6,
                   visit={**record.visit, "findings": " ".join(words)})
    pdf = render(long, bot.settings.tz, bot.clock.now())  # the stored photos are not JPEGs
    assert pages(pdf) >= 2 and images(pdf) == 0
    texts = text_of(pdf)
    assert any(has_number(x, fa_digits(249)) for x in texts[-2:])  # the very end is there
    assert FINDINGS in texts[1]
    assert t_plain("pdf_record.continued", tracking="").strip() in texts[1]


def test_file_name_is_ascii() -> None:
    assert file_name(KER_VISIT) == "record-140509-0001.pdf"


async def test_admin_gets_any_record_by_tracking_in_persian_digits(bot: Harness) -> None:
    await make_month(bot)
    admin = bot.chat(ADMIN_ID)
    await admin.send(f"/record {fa_digits(RAF_VISIT)}")
    [sent] = bot.api.named("sendDocument")
    assert sent.params["caption"] == t("pdf_record.caption", tracking=fa_digits(RAF_VISIT))
    await admin.send("/record")
    assert admin.last_text() == t("pdf_record.usage")


async def test_deputy_gets_only_own_visits(bot: Harness) -> None:
    month = await make_month(bot)
    await month.kerman.send(f"/record {RAF_VISIT}")
    assert month.kerman.last_text() == t("pdf_record.not_found", tracking=RAF_VISIT)
    await month.kerman.send("/month")
    own = month.inspections[KER_VISIT]
    assert f"rec:{own}" in [data for _, data in month.kerman.buttons()]
    await month.kerman.click(f"rec:{own}")
    assert len(bot.api.named("sendDocument")) == 1
    await month.kerman.click(f"rec:{month.inspections[RAF_VISIT]}")  # forged: not theirs
    assert bot.api.named("answerCallbackQuery")[-1].params["text"] == t("auth.denied")
    await month.kerman.click("rec:999999")
    assert len(bot.api.named("sendDocument")) == 1


async def test_members_get_no_record(bot: Harness) -> None:
    await make_month(bot)
    await add_organisation(bot, "NGO Kerman", KERMAN)
    member, _ = await register(bot, 3998, Role.MEMBER, organisation="NGO Kerman")
    await member.send(f"/record {KER_VISIT}")
    assert member.last_text() == t("auth.denied")
    assert not bot.api.named("sendDocument")


def test_one_wording_per_checklist_answer_in_chat_pdf_and_exports() -> None:
    """«نامربوط» in the chat's buttons, marks and summary, as in the record and the exports."""
    for button, mark, answer in (("y", "yes", "yes"), ("n", "no", "no"), ("x", "na", "na")):
        word = t_plain(f"answers.{answer}")
        assert t_plain(f"inspections.answer_{button}_button", mark="", n=1).endswith(word)
        assert t_plain(f"inspections.mark_{mark}").endswith(word)
        assert f"«{word}»" in t_plain("inspections.checklist", facility="", lines="")
