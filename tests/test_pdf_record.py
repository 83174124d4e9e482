"""The printed record: one A4 page with the photos; who may have it, in chat."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from bot.domain import Role
from bot.i18n import fa_digits, t
from bot.services.pdf_record import file_name, load_record, render
from tests.conftest import ADMIN_ID, Harness
from tests.people import add_organisation, register
from tests.report_fixtures import KERMAN, make_month

# The flow on Telegram and on Bale (tests/conftest.py, docs/bale.md).
pytestmark = pytest.mark.both_platforms

KER_VISIT = "\u0628-140509-0001"
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


async def test_unreadable_photos_and_long_lists_still_make_one_page(bot: Harness) -> None:
    month = await make_month(bot)
    record = await load_record(bot.repos, month.inspections[KER_VISIT], bot.settings.media_dir)
    long = replace(record, answers=record.answers * 6,
                   visit={**record.visit, "findings": "x " * 2000})
    pdf = render(long, bot.settings.tz, bot.clock.now())  # the stored photos are not JPEGs
    assert pages(pdf) == 1 and images(pdf) == 0


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
