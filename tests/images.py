"""Real image bytes for tests: photo-like JPEGs, EXIF, and a PNG too big to decode."""

from __future__ import annotations

import io
import random
import struct
import zlib
from datetime import datetime

from PIL import Image

EXIF_IFD, GPS_IFD = 0x8769, 0x8825


def photo(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A picture with structure (smooth random shapes), different for every seed."""
    rng = random.Random(seed)
    small = Image.new("RGB", (8, 6))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                   for _ in range(48)])
    return small.resize(size, Image.Resampling.BICUBIC)


def jpeg(image: Image.Image, quality: int = 90, exif: Image.Exif | None = None) -> bytes:
    """The image as JPEG bytes."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def recycled(image: Image.Image) -> bytes:
    """The same picture resized and re-encoded: other bytes, nearly the same image."""
    width, height = image.size
    return jpeg(image.resize((width * 3 // 4, height * 3 // 4)), quality=70)


def with_exif(image: Image.Image, taken: datetime | None, gps: tuple[float, float] | None) -> bytes:
    """JPEG bytes with EXIF DateTimeOriginal (wall-clock, no offset) and GPS."""
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(EXIF_IFD)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if gps is not None:
        ifd = exif.get_ifd(GPS_IFD)
        for ref_tag, value_tag, value, refs in ((1, 2, gps[0], "NS"), (3, 4, gps[1], "EW")):
            ifd[ref_tag] = refs[0] if value >= 0 else refs[1]
            degrees = abs(value)
            d, rest = int(degrees), (degrees - int(degrees)) * 60
            ifd[value_tag] = (float(d), float(int(rest)), round((rest - int(rest)) * 60, 4))
    return jpeg(image, exif=exif)


def huge_png(width: int = 10_000, height: int = 10_000) -> bytes:
    """A valid black-and-white PNG of width x height pixels in a few kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes((width + 7) // 8)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height, 9)) + chunk(b"IEND", b""))
