"""A fake Bot API that refuses what Telegram refuses: bad HTML, over-long texts, bad buttons.

The plain FakeBotAPI accepts anything, so a reply that would fail on the real server (a name
with '<' put into HTML unescaped, a 4,096-character input echoed back) looks fine in tests.
This one answers 400 like Telegram, so such a reply surfaces as a BadRequest in the handler.
"""

from __future__ import annotations

import html.parser
from typing import Any

from tests.fakes import Call, Fault, FakeBotAPI

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ANSWER_LIMIT = 200
CALLBACK_DATA_LIMIT = 64
ALBUM_LIMIT = 10
# Telegram's HTML subset (https://core.telegram.org/bots/api#html-style).
TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
        "tg-emoji", "code", "pre", "blockquote"}
ENTITIES = {"lt", "gt", "amp", "quot"}


class HtmlError(ValueError):
    pass


class _TelegramHtml(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            raise HtmlError(f"unsupported start tag {tag!r}")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise HtmlError(f"unsupported self-closing tag {tag!r}")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise HtmlError(f"unexpected end tag {tag!r}")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            raise HtmlError("unescaped '<'")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ENTITIES:
            raise HtmlError(f"unsupported entity &{name};")
        self.text.append("x")

    def handle_charref(self, name: str) -> None:
        self.text.append("x")

    def handle_comment(self, data: str) -> None:
        raise HtmlError("comment")

    def handle_decl(self, decl: str) -> None:
        raise HtmlError("declaration")

    def unknown_decl(self, data: str) -> None:
        raise HtmlError("declaration")


def visible_length(text: str, parse_mode: str | None) -> int:
    """Characters Telegram counts (after HTML parsing); raises HtmlError on bad HTML."""
    if parse_mode != "HTML":
        return utf16(text)
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise HtmlError(f"unclosed tags {parser.stack}")
    if parser.rawdata:  # an incomplete '<...' left over
        raise HtmlError("unescaped '<'")
    return utf16("".join(parser.text))


def utf16(text: str) -> int:
    """UTF-16 code units, as Telegram counts (an emoji outside the BMP is two)."""
    return len(text.encode("utf-16-le")) // 2


def problem(call: Call) -> str | None:
    """Why Telegram would refuse this call, or None."""
    params = call.params
    mode = params.get("parse_mode")
    try:
        if "text" in params and call.endpoint != "answerCallbackQuery":
            length = visible_length(str(params["text"]), mode)
            if not 0 < length <= TEXT_LIMIT:
                return f"message text is {length} characters"
        if "caption" in params and params["caption"] is not None:
            length = visible_length(str(params["caption"]), mode)
            if length > CAPTION_LIMIT:
                return f"caption is {length} characters"
        media = params.get("media") if call.endpoint == "sendMediaGroup" else None
        if media is not None:
            if not 2 <= len(media) <= ALBUM_LIMIT:
                return f"an album of {len(media)} items"
            if len({m.get("type") for m in media}) != 1:
                return "an album mixing kinds"
            for item in media:
                length = visible_length(str(item.get("caption") or ""), item.get("parse_mode"))
                if length > CAPTION_LIMIT:
                    return f"album caption is {length} characters"
    except HtmlError as exc:
        return f"can't parse entities: {exc}"
    answer = str(params.get("text") or "")
    if call.endpoint == "answerCallbackQuery" and utf16(answer) > ANSWER_LIMIT:
        return "callback answer is too long"
    markup: Any = params.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
        for button in row:
            if not button.get("text"):
                return "empty button text"
            data = button.get("callback_data")
            if data is not None and not 0 < len(data.encode()) <= CALLBACK_DATA_LIMIT:
                return f"callback data {data!r} is too long"
    return None


class StrictBotAPI(FakeBotAPI):
    """FakeBotAPI that answers 400 wherever Telegram would; keeps the refused calls."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[tuple[Call, str]] = []
        self.fault = self._check

    def _check(self, call: Call) -> Fault | None:
        reason = problem(call)
        if reason is None:
            return None
        self.refused.append((call, reason))
        return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {reason}"}
