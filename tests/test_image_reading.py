"""What bot/images.py reads from untrusted bytes: only the kinds phones and messengers send."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.images import READ_FORMATS, analyse, pixel_count


def encoded(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", READ_FORMATS)
def test_each_accepted_kind_is_read_and_analysed(fmt: str, tmp_path) -> None:
    (tmp_path / "a.img").write_bytes(encoded(fmt))
    assert pixel_count(encoded(fmt)) == 64 * 48
    facts = analyse(str(tmp_path), "a.img", "Asia/Tehran")
    assert (facts.width, facts.height) == (64, 48)
    assert facts.work_path is not None


@pytest.mark.parametrize("fmt", ["PCX", "TGA", "PPM", "SGI"])
def test_other_formats_pillow_knows_are_not_parsed(fmt: str, tmp_path) -> None:
    data = encoded(fmt)
    with Image.open(io.BytesIO(data)) as image:  # Pillow itself reads it ...
        assert image.size == (64, 48)
    (tmp_path / "b.img").write_bytes(data)
    assert pixel_count(data) is None  # ... the bot does not: "no image", kept as a file
    assert analyse(str(tmp_path), "b.img", "Asia/Tehran").width is None


def test_bytes_that_are_no_image() -> None:
    assert pixel_count(b"jpeg-1") is None
    assert pixel_count(b"") is None
