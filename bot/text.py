"""What people type: kept as typed, read as numbers, matched by a key.

Three uses, three functions, and never one in place of another:
- `as_typed` is what is stored and shown: the person's own text, trimmed, with only Arabic yeh
  and kaf made Persian and invisible direction controls and zero-width spaces removed. Digits
  stay in the script they were typed in; the zero-width non-joiner stays.
- `latin_digits` is for parsing only (a number, a date, a percent, an amount, a phone).
- `match_key` is for comparing names only (a county, a type, an organisation, a search): two
  spellings that a person would call the same name get the same key.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# Built from code points so no Persian script sits in Python source (it lives in locales/).
_FA_DIGITS = "".join(chr(0x06F0 + i) for i in range(10))
_ARABIC_INDIC = "".join(chr(0x0660 + i) for i in range(10))
_ARABIC_TO_PERSIAN = str.maketrans({"\u064a": "\u06cc", "\u0643": "\u06a9"})
_TO_LATIN_DIGITS = str.maketrans(_FA_DIGITS + _ARABIC_INDIC, "0123456789" * 2)
# Zero-width space, the embedding/override controls and the isolates (and a stray BOM): a
# phone or a copy from a web page adds them; they change what the text looks like, not says.
_INVISIBLE = re.compile("[\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
ZWNJ = "\u200c"

# For matching only: every Persian yeh/kaf form, heh with hamza (the ezafe written with a
# hamza, U+0647 U+0654 or U+06C0) and the written-out ezafe (heh, ZWNJ, yeh) at a word's end are the plain letter; alef forms are alef.
_MATCH_LETTERS = str.maketrans({
    "\u0649": "\u06cc", "\u064a": "\u06cc", "\u0643": "\u06a9", "\u06c0": "\u0647",
    "\u0629": "\u0647", "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627",
    "\u0671": "\u0627",
})
_EZAFE_YEH = re.compile("\u0647[\u200c ]\u06cc(?=\\s|$)")  # an ezafe, never a word that ends in heh-yeh
# Harakat, tanwin, shadda, sukun, superscript alef, hamza above/below, tatweel.
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_SEPARATORS = re.compile(r"[\s\u200c\u200d\u200e\u200f_\-\u2010-\u2015.,\u060c:;\"'()«»]+")


def as_typed(text: str) -> str:
    """The text to store and show: as typed, trimmed, Arabic yeh/kaf as Persian, no invisible controls."""
    return _INVISIBLE.sub("", text).translate(_ARABIC_TO_PERSIAN).strip()


def latin_digits(text: str) -> str:
    """The same text with Persian and Arabic-Indic digits as 0-9: for parsing, never storing."""
    return text.translate(_TO_LATIN_DIGITS)


def match_key(text: str) -> str:
    """A key under which spellings of one name meet (letters, ezafe, spacing, digits, case)."""
    text = unicodedata.normalize("NFC", as_typed(text))
    text = latin_digits(text).translate(_MATCH_LETTERS)
    text = _EZAFE_YEH.sub("\u0647", text)
    text = _MARKS.sub("", text)
    return _SEPARATORS.sub("", text).casefold()


def host_of(url: str) -> str:
    """The scheme and host of a Bot API URL (never the token after it)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def few_words(text: str, words: int = 2, letters: int = 6) -> bool:
    """Whether a reason or a note says something: at least `words` words and `letters`
    letters in all (digits, marks and spaces do not count), so one letter is not one."""
    return (len(text.split()) >= words
            and sum(c.isalpha() for c in text) >= letters)
