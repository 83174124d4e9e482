"""Persian alphabetical order: a sort key for names people read in lists.

ICU's collator (PyICU) would be the usual tool, but PyICU ships no wheels: installing it
needs the ICU headers and a C++ compiler on every machine, which `make install` cannot
promise. The only ICU binding with wheels (icu4py) has no collator. Persian order is small
and fixed, so it is written out: the alphabet (alef-madda, alef, beh, peh ... noon, waw, heh, yeh: waw before
heh, unlike Arabic) lives in the catalogue (locales/fa/collation.toml); variants typed on Arabic
keyboards are folded onto it; spaces, zero-width non-joiners and diacritics are ignored.
Characters outside the alphabet (Latin, digits) sort after it by code point.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from bot.i18n import raw

# Arabic kaf and yeh (and alef maksura), alef with hamza or wasla, teh marbuta, heh with yeh
# above, waw and yeh with hamza: each sorts as the Persian letter it is written for.
_FOLD = str.maketrans({
    "\u0643": "\u06a9", "\u064a": "\u06cc", "\u0649": "\u06cc", "\u0623": "\u0627",
    "\u0625": "\u0627", "\u0671": "\u0627", "\u0629": "\u0647", "\u06c0": "\u0647",
    "\u0624": "\u0648", "\u0626": "\u06cc",
})
# Spaces, ZWNJ/ZWJ, direction marks, tatweel, harakat and the superscript alef.
_IGNORED = re.compile("[\\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u0640\u064b-\u065f\u0670]")


@cache
def _order() -> dict[str, int]:
    return {letter: i for i, letter in enumerate(raw("collation.alphabet").split())}


def sort_key(text: str) -> tuple[tuple[int, ...], str]:
    """The key that puts names in Persian alphabetical order (the text itself breaks ties)."""
    order = _order()
    after = len(order)
    folded = _IGNORED.sub("", unicodedata.normalize("NFC", text).translate(_FOLD)).casefold()
    return tuple(order.get(ch, after + ord(ch)) for ch in folded), text
