"""Attachments are accepted by what their first bytes say, not their name or declared type."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.i18n import t
from bot.services.file_kinds import FileKind, sniff
from tests.project_fixtures import make_world


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 40
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", FileKind.PDF),
    (_image("JPEG"), FileKind.JPEG),
    (_image("PNG"), FileKind.PNG),
    (_image("WEBP"), FileKind.WEBP),
    (HEIC, FileKind.HEIC),
    (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heic" + b"\x00" * 40, FileKind.HEIC),
])
def test_the_accepted_kinds_are_known_by_their_first_bytes(data: bytes, kind: FileKind) -> None:
    assert sniff(data) is kind


@pytest.mark.parametrize("data", [
    WINDOWS_PROGRAM, _image("GIF"), _image("BMP"), b"PK\x03\x04" + b"\x00" * 40,
    b"#!/bin/sh\nrm -rf /\n", b"", b"hello",
])
def test_anything_else_is_unknown(data: bytes) -> None:
    assert sniff(data) is None


async def test_a_program_named_receipt_pdf_is_refused_in_the_report(bot) -> None:
    w = await make_world(bot)
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send("45")
    await w.member.send("Training held")
    await w.member.send_document("fake", "receipt.pdf", "application/pdf",
                                 data=WINDOWS_PROGRAM)
    assert w.member.last_text() == t("report.file_not_accepted")
    await w.member.send_document("real", "receipt.pdf", "application/pdf",
                                 data=b"%PDF-1.4\n1 0 obj")
    assert w.member.last_text() == t("report.file_received", count=1)
    await w.member.send_document("iphone", "IMG_0001.HEIC", "image/heic", data=HEIC)
    assert w.member.last_text() == t("report.file_received", count=2)
    draft = await bot.repos.drafts.get(w.member_person.id, "member_report")
    assert [f["file_id"] for f in draft.data["files"]] == ["real", "iphone"]
    stored = [p.name for p in bot.settings.media_dir.rglob("*") if p.is_file()]
    assert len(stored) == 2  # the program was never written to the media folder
