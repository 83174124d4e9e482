"""File names that are safe to unpack and still readable in Persian.

A name people gave a file (a report's receipt) becomes one path component: no folder
separators or drive letters (so `..\\..\\evil.pdf` or `C:\\Windows\\win.ini.pdf` cannot climb
out of the folder it is unpacked into), no control characters and no direction overrides
(so `invoice<RLO>fdp.exe`, with a right-to-left override, cannot pose as a PDF), none of the characters Windows refuses,
no leading dots or trailing dots and spaces, and no device names such as CON or NUL. Letters
and digits of every script stay, and so does the zero-width non-joiner Persian words need.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 120  # characters, extension included
ZWNJ = "\u200c"
# Characters Windows refuses in a name, and both separators.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_RUNS = re.compile(r"_{2,}")
_DOTS = re.compile(r"\.{2,}")


def _kept(ch: str) -> str:
    """The character, or "_" for a separator or forbidden one, or "" for an invisible one."""
    category = unicodedata.category(ch)
    if ch == ZWNJ:
        return ch
    if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return ""  # controls, direction marks and overrides, BOM, unassigned
    if category == "Zs":
        return " "
    return "_" if _FORBIDDEN.match(ch) else ch


def safe_name(name: str, fallback: str = "file") -> str:
    """One safe, readable path component for a name someone typed or a file carried."""
    text = "".join(_kept(ch) for ch in unicodedata.normalize("NFC", name))
    text = _RUNS.sub("_", _DOTS.sub(".", " ".join(text.split())))
    text = text.lstrip(". _").rstrip(". ")
    if _RESERVED.match(text):
        text = "_" + text
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        text = text[: MAX_NAME - len(ext) - 1].rstrip(". ") + ("." + ext if ext else "")
    return text or fallback
