"""Iranian mobile numbers in any of the ways people write them, normalised to +989XXXXXXXXX."""

from __future__ import annotations

import re

from bot.i18n import normalize_input


def normalize_phone(raw: str) -> str | None:
    """09…, +98…, 0098…, 9… in any digit script, with spaces → +989XXXXXXXXX; else None."""
    digits = re.sub(r"[\s\-().]", "", normalize_input(raw))
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    if not digits.isdigit():
        return None
    if digits.startswith("98") and len(digits) == 12:
        national = digits[2:]
    elif digits.startswith("0") and len(digits) == 11:
        national = digits[1:]
    elif len(digits) == 10:
        national = digits
    else:
        return None
    return f"+98{national}" if national.startswith("9") else None
