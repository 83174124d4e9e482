"""What an image is, read safely: its pixel size from the header alone, then (in a worker
process, bot/workers.py) its EXIF time and GPS, a perceptual hash and a bounded working copy.

A 300 KB PNG may hold 10,000 x 10,000 pixels: decoding it takes seconds and a gigabyte. So
nothing is decoded before `pixel_count` (Pillow reads only the header) says it is within
MAX_PIXELS, and Pillow's own guard is set to the same limit. Records and exports draw the
working copy (at most WORK_SIDE pixels on its long side), never the original.

The perceptual hash is imagehash's pHash (64 bits): re-encoding, resizing, light cropping
or a screenshot of the same picture stay within NEAR_BITS of it. A nearly uniform image (a
black frame, a photo of a white wall) hashes alike whatever it shows, so it gets no hash and
is compared by its SHA-256 only.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageOps, ImageStat

MAX_PIXELS = 50_000_000  # 50 megapixels: a phone takes 12 to 48
WORK_SIDE = 1600  # pixels on the long side of the working copy
WORK_QUALITY = 82
PLAIN_STDDEV = 4.0  # grey levels: below this an image is too plain for a perceptual hash
NEAR_BITS = 6  # of 64: at most this many differing bits is "near-identical"
WORK_SUFFIX = ".w.jpg"

# Pillow refuses (DecompressionBombError) at twice this and warns above it; our own check
# refuses above it before Pillow is ever asked to decode.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# The only decoders untrusted bytes reach: the kinds phones and messengers send. Pillow would
# otherwise try each of its ~40 formats on bytes it cannot place (EPS hands them to Ghostscript).
READ_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, DATETIME_DIGITIZED, OFFSET_ORIGINAL = 0x9003, 0x9004, 0x9011


def pixel_count(data: bytes) -> int | None:
    """Width x height from the header, without decoding; None when Pillow cannot read it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=READ_FORMATS) as image:
                width, height = image.size
                return width * height
    except Image.DecompressionBombError:
        return 2 * MAX_PIXELS + 1  # Pillow saw more than twice the limit in the header
    except Exception:  # untrusted bytes: anything Pillow cannot parse is "no image"
        return None


def too_many_pixels(data: bytes) -> bool:
    """More than MAX_PIXELS by the header (unreadable bytes are not "too many")."""
    count = pixel_count(data)
    return count is not None and count > MAX_PIXELS


def file_within_limit(path: Path) -> bool:
    """The stored file exists and its header says at most MAX_PIXELS."""
    try:
        count = pixel_count(path.read_bytes())
    except OSError:
        return False
    return count is not None and count <= MAX_PIXELS


@dataclass(frozen=True)
class ImageFacts:
    """What a stored image says about itself (columns of inspection_photos)."""

    phash: str | None = ""  # '': too plain or unreadable; None: not read (yet)
    width: int | None = None
    height: int | None = None
    work_path: str | None = None  # relative to MEDIA_DIR
    taken_at: str | None = None  # UTC database text, from EXIF
    gps_lat: float | None = None
    gps_lon: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def near(a: str | None, b: str | None) -> bool:
    """Whether two perceptual hashes are within NEAR_BITS (empty or missing: never)."""
    if not a or not b:
        return False
    return (int(a, 16) ^ int(b, 16)).bit_count() <= NEAR_BITS


# Inside a worker process ------------------------------------------------------------------------
def analyse(media_dir: str, relative: str, tz_key: str) -> ImageFacts:
    """Reads EXIF, hashes and writes the working copy of a stored image (worker process)."""
    path = Path(media_dir) / relative
    try:
        data = path.read_bytes()
    except OSError:
        return ImageFacts()
    try:
        with warnings.catch_warnings():
            # Opened once: the header's size is checked here, before anything is decoded
            # (over twice the limit Pillow itself refuses while opening).
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=READ_FORMATS)
    except Exception:  # untrusted bytes: anything Pillow cannot parse has nothing to read
        return ImageFacts()
    with image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            return ImageFacts()
        try:
            exif = image.getexif()
            taken = _taken_at(exif, ZoneInfo(tz_key))
            lat, lon = _gps(exif)
            image.draft("RGB", (WORK_SIDE, WORK_SIDE))  # JPEG: decode at a reduced scale
            work = ImageOps.exif_transpose(image).convert("RGB")
        except Exception:  # a truncated or odd file: kept, but nothing can be read from it
            return ImageFacts()
    work.thumbnail((WORK_SIDE, WORK_SIDE))
    work_relative = Path(relative).with_name(Path(relative).name.split(".")[0] + WORK_SUFFIX)
    _write_atomic(Path(media_dir) / work_relative, work)
    return ImageFacts(_phash(work), width, height, work_relative.as_posix(), taken, lat, lon)


def _write_atomic(target: Path, image: Image.Image) -> None:
    if target.exists():
        return
    partial = target.with_name(target.name + ".part")
    image.save(partial, "JPEG", quality=WORK_QUALITY)
    partial.replace(target)


def _phash(image: Image.Image) -> str:
    import imagehash  # noqa: PLC0415 - numpy and scipy only in the worker processes

    grey = image.convert("L").resize((64, 64))
    if ImageStat.Stat(grey).stddev[0] < PLAIN_STDDEV:
        return ""
    return str(imagehash.phash(image))


def _taken_at(exif: Image.Exif, tz: ZoneInfo) -> str | None:
    """EXIF DateTimeOriginal (or Digitized) as UTC text; its offset if given, else the zone."""
    ifd = exif.get_ifd(EXIF_IFD)
    text = ifd.get(DATETIME_ORIGINAL) or ifd.get(DATETIME_DIGITIZED)
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.strptime(text.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone: Any = tz
    offset = ifd.get(OFFSET_ORIGINAL)
    if isinstance(offset, str) and len(offset) >= 6 and offset[0] in "+-":
        try:
            sign = 1 if offset[0] == "+" else -1
            zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        except ValueError:
            zone = tz
    return moment.replace(tzinfo=zone).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    """Decimal degrees from the GPS IFD; (None, None) when absent or out of range."""
    gps = exif.get_ifd(GPS_IFD)
    lat = _degrees(gps.get(2), gps.get(1), "S")
    lon = _degrees(gps.get(4), gps.get(3), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    if lat == 0 and lon == 0:  # an unset receiver writes zeros
        return None, None
    return round(lat, 6), round(lon, 6)


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    return -result if str(ref).strip().upper() == negative else result
