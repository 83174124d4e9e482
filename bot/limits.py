"""Telegram's limits, counted the way Telegram counts them, and text cut to fit them.

Telegram measures a message in UTF-16 code units of its text after the HTML is parsed: tags
take no room, an entity such as "&lt;" is one character, a character outside the Basic
Multilingual Plane (most emoji) is two. Limits: 4,096 for a message's text, 1,024 for a
caption, 64 bytes of UTF-8 for a button's callback data, 200 for the answer to a press.

Two ways to fit: build the message to fit (`fit` shortens the person's own texts inside a
template, each cut ending in a pointer to where the whole text is), and, as a last defence,
`cut_html` cuts a finished HTML message without breaking a tag or an entity.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

TEXT = 4096
CAPTION = 1024
CALLBACK_DATA = 64
ANSWER = 200

_TAG = re.compile(r"<[^>]*>")
# A tag, one of Telegram's entities (the four named ones and every numeric one), or text.
_TOKEN = re.compile(
    r"(?P<tag></?(?P<name>[a-zA-Z][a-zA-Z0-9-]*)[^>]*>)"
    r"|(?P<entity>&(?:lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)"
    r"|(?P<text>[^<&]+|[<&])"
)
# Where a cut may end: after a space or a line break (searched for within the last part).
_BREAK = re.compile(r"\s")
_TRAILING = re.compile("[\\s\u200c\u200d]+$")
WORD_SLACK = 40  # a cut goes back at most this far to end at a word boundary


def units(text: str) -> int:
    """UTF-16 code units of plain text (what Telegram counts)."""
    return len(text.encode("utf-16-le")) // 2


def visible(text_html: str) -> str:
    """The text a person sees of an HTML message: tags removed, entities replaced."""
    return html.unescape(_TAG.sub("", text_html))


def length(text: str, *, parse_html: bool = True) -> int:
    """A message's length as Telegram counts it (HTML parsed unless parse_html is False)."""
    return units(visible(text) if parse_html else text)


def fits(text: str, limit: int = TEXT, *, parse_html: bool = True) -> bool:
    """True when the text is not empty and within the limit (as Telegram counts)."""
    return 0 < length(text, parse_html=parse_html) <= limit


def fits_data(data: str) -> bool:
    """True when callback data is 1–64 bytes of UTF-8."""
    return 0 < len(data.encode()) <= CALLBACK_DATA


def _prefix(text: str, budget: int) -> str:
    """The longest start of text within budget UTF-16 units (code points are never split)."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            return text[:index]
    return text


def shorten(text: str, limit: int, pointer: str = "\u2026") -> str:
    """Plain text within limit units: unchanged if it fits, else cut (at a word boundary when
    one is near) and ended with the pointer, which says where the whole text is."""
    if units(text) <= limit:
        return text
    room = limit - units(pointer)
    if room <= 0:
        return _prefix(pointer, limit)
    head = _prefix(text, room)
    breaks = [m.start() for m in _BREAK.finditer(head, max(0, len(head) - WORD_SLACK))]
    if breaks and breaks[-1] > 0:
        head = head[: breaks[-1]]
    return _TRAILING.sub("", head) + pointer


def split(text: str, limit: int) -> list[str]:
    """Plain text in pieces of at most limit units, broken at a line or word end when one is
    near, so a text of any length can be shown whole over several messages."""
    pieces = []
    while units(text) > limit:
        head = _prefix(text, limit) or text[0]  # a limit below one character: one each
        breaks = [m.end() for m in _BREAK.finditer(head, max(0, len(head) - WORD_SLACK))]
        if breaks and breaks[-1] < len(head):
            head = head[: breaks[-1]]
        if head.strip():
            pieces.append(head.rstrip())
        text = text[len(head):].lstrip()
    if text or not pieces:
        pieces.append(text)
    return pieces


def cut_html(text_html: str, limit: int = TEXT, pointer_html: str = "\u2026") -> str:
    """An HTML message within limit: unchanged if it fits, else cut between tags and entities,
    with every open tag closed and the pointer (HTML) at the end."""
    if length(text_html) <= limit:
        return text_html
    budget = limit - length(pointer_html)
    if budget < 0:
        return _prefix(visible(pointer_html), limit)
    out: list[str] = []
    open_tags: list[str] = []
    used = 0
    for match in _TOKEN.finditer(text_html):
        if match["tag"] is not None:
            name = match["name"].lower()
            if match["tag"].startswith("</"):
                if name in open_tags:
                    while open_tags and open_tags.pop() != name:
                        pass
                out.append(match["tag"])
            else:
                open_tags.append(name)
                out.append(match["tag"])
            continue
        piece = match["entity"] or match["text"]
        size = length(piece) if match["entity"] else units(piece)
        if used + size <= budget:
            # A lone '<' or '&' is not HTML Telegram accepts; as text it is an entity.
            out.append(html.escape(piece, quote=False) if piece in ("<", "&") else piece)
            used += size
            continue
        if match["text"] is not None:
            out.append(_prefix(piece, budget - used))
        break
    kept = _TRAILING.sub("", "".join(out))
    return kept + "".join(f"</{name}>" for name in reversed(open_tags)) + pointer_html


def fit(render: Callable[..., str], fields: dict[str, str], *, limit: int = TEXT,
        pointer: str = "\u2026") -> str:
    """render(**fields) within limit: the longest of the person's texts in `fields` (plain
    text, which render escapes) are shortened, each ending in the pointer, until it fits.
    The last resort, a template too long by itself, cuts the rendered HTML."""
    originals = dict(fields)
    values = dict(fields)
    out = render(**values)
    for _ in range(2 * len(values) + 1):
        excess = length(out) - limit
        if excess <= 0:
            return out
        name = max(values, key=lambda key: units(values[key]), default=None)
        if name is None or units(values[name]) == 0:
            break
        values[name] = shorten(originals[name], max(0, units(values[name]) - excess), pointer)
        out = render(**values)
    return cut_html(out, limit, html.escape(pointer, quote=False))


def pack(blocks: Iterable[str], head: str = "", *, limit: int = TEXT,
         separator: str = "\n\n") -> list[str]:
    """Blocks of HTML joined under a heading into as few messages as fit, in order; a block
    too long for one message is cut (cut_html)."""
    messages: list[str] = []
    current = head
    for block in blocks:
        block = cut_html(block, limit)
        joined = f"{current}{separator}{block}" if current else block
        if length(joined) <= limit:
            current = joined
            continue
        if current:
            messages.append(current)
        current = block
    if current or not messages:
        messages.append(current)
    return messages
