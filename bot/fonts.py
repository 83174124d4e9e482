"""The Persian fonts the charts and printed records use, installed by pip.

fontpkg-noto-sans-arabic ships Noto Sans Arabic (SIL Open Font License 1.1), which covers
Persian letters, the zero-width non-joiner and Persian digits; the charts use it. Printed
records use Amiri (fontpkg-amiri, OFL 1.1), a Naskh face whose joined letters are single
glyphs, so a PDF's text layer maps back to whole words (bot/services/pdf_record.py). Latin
letters and digits fall back to DejaVu Sans, which matplotlib ships.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def persian_font() -> Path:
    """Path of the Noto Sans Arabic TTF (a variable font; its default instance is Regular)."""
    import fontpkg_noto_sans_arabic

    return next(iter(sorted((fontpkg_noto_sans_arabic.ROOT / "files").glob("*.ttf"))))


@cache
def latin_font() -> Path:
    """Path of DejaVu Sans, shipped inside matplotlib."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


@cache
def record_fonts() -> tuple[Path, Path]:
    """Paths of Amiri Regular and Bold, for printed records."""
    import fontpkg_amiri

    files = fontpkg_amiri.ROOT / "files"
    return files / "Amiri-Regular.ttf", files / "Amiri-Bold.ttf"
