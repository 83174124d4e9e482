"""Messages are written once, as Telegram HTML (the catalogue, with t() escaping what people
typed); Bale has no parse_mode and formats every text itself with its own Markdown, so what
goes to Bale is rendered here: bold `*…*`, italics `_…_`, links `[text](url)`, code in
triple backticks, and everything else (a name with `*` or `_` in it, the text of a report)
escaped so that it is shown as typed. No tag survives: a tag Bale's Markdown has no form for
(underline, strike, spoiler, quote) keeps its text and loses the tag.

`bale_to_html` reads that Markdown back into the HTML it came from. The test fakes and the
sandbox use it as their model of what Bale shows; a property test holds the two to each
other (tests/test_bale_markup.py).

What Bale does with a backslash before `*`, `_`, `` ` ``, `[` and `]` is not documented; the
escape is written in one place (ESCAPED) and is among what `python -m bot bale-check` asks
the operator to look at (docs/bale.md).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

ESCAPED = "\\*_`[]"
FENCE = "```"
# Our own tags (and the ones Telegram's entities produce), as they would show if left in a
# text: the Bale fake refuses any of them.
HTML_TAG = re.compile(
    r"</?(b|strong|i|em|u|ins|s|strike|del|a|code|pre|tg-spoiler|tg-emoji|span|blockquote)"
    r"(\s[^>]*)?>", re.IGNORECASE)

_MARKS = {"b": "*", "strong": "*", "i": "_", "em": "_"}
_ESCAPE = re.compile(r"([\\*_`\[\]])")


def escape(text: str) -> str:
    """Plain text as Bale shows it, whatever Markdown characters it holds."""
    return _ESCAPE.sub(r"\\\1", text)


def _code(text: str) -> str:
    """Code shows as typed; a fence inside it, or a backtick against the fence, cannot end it
    (a zero-width space keeps them apart)."""
    text = text.replace(FENCE, "`\u200b``")
    if text.startswith(("`", "\n")):
        text = "\u200b" + text
    if text.endswith(("`", "\n")):
        text += "\u200b"
    return text


class _Renderer(HTMLParser):
    """Telegram HTML → Bale Markdown; a stack of open tags, each collecting its output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None], list[str]]] = [("", {}, [])]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append((tag.lower(), dict(attrs), []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() == "br":
            self.stack[-1][2].append("\n")

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if not any(open_tag == tag for open_tag, _, _ in self.stack[1:]):
            return  # a stray closing tag: nothing to close
        while self.stack[-1][0] != tag:
            self._close()
        self._close()

    def handle_data(self, data: str) -> None:
        inside_code = any(tag in ("code", "pre") for tag, _, _ in self.stack)
        self.stack[-1][2].append(_code(data) if inside_code else escape(data))

    def _close(self) -> None:
        tag, attrs, parts = self.stack.pop()
        inner = "".join(parts)
        self.stack[-1][2].append(_wrap(tag, attrs, inner, self.stack))

    def result(self) -> str:
        self.close()
        while len(self.stack) > 1:
            self._close()
        return "".join(self.stack[0][2])


def _wrap(tag: str, attrs: dict[str, str | None], inner: str, outer: list) -> str:
    if not inner:
        return ""
    in_code = any(t in ("code", "pre") for t, _, _ in outer)
    if tag in _MARKS:
        if any(_MARKS.get(t) == _MARKS[tag] for t, _, _ in outer):
            return inner  # already bold (italic) around it: a second marker would end it
        return f"{_MARKS[tag]}{inner}{_MARKS[tag]}"
    if tag == "a":
        href = attrs.get("href") or ""
        if href.startswith(("http://", "https://")):
            return f"[{inner}]({href.replace(')', '%29')})"
        return inner  # a mention (tg://user?id=…) has no form on Bale: its text stays
    if tag == "code" and not in_code:
        return f"{FENCE}{inner}{FENCE}"
    if tag == "pre":
        body = inner.removeprefix(FENCE).removesuffix(FENCE)  # <pre><code> is one block
        return f"{FENCE}\n{body}\n{FENCE}"
    return inner  # u, s, spoiler, quote, span…: the text without the tag


def html_to_bale(text: str) -> str:
    """A Telegram-HTML message as Bale Markdown (user text escaped, no tag left)."""
    renderer = _Renderer()
    renderer.feed(text)
    return renderer.result()


def plain_to_bale(text: str) -> str:
    """A message sent without parse_mode: Bale would still read its Markdown, so escape it."""
    return escape(text)


def fit(text: str, limit: int) -> str:
    """Cuts a rendered text to Bale's limit (4,096 for texts, 1,024 for captions); escapes
    and markers can make it a little longer than the Telegram original that fitted."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "\u2026"


_TOKEN = re.compile(
    r"\\(.)|```\n(.*?)\n```|```(.*?)```|\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)\)|(\*|_)", re.DOTALL)


def bale_to_html(text: str) -> str:
    """Bale Markdown as the HTML it stands for (the fakes' model of what Bale shows)."""
    out: list[str] = []
    open_marks: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        out.append(html.escape(text[pos:match.start()], quote=False))
        pos = match.end()
        escaped, pre, code, label, url, mark = match.groups()
        if escaped is not None:
            out.append(html.escape(escaped, quote=False))
        elif pre is not None:
            out.append(f"<pre>{html.escape(_uncode(pre), quote=False)}</pre>")
        elif code is not None:
            out.append(f"<code>{html.escape(_uncode(code), quote=False)}</code>")
        elif label is not None:
            out.append(f'<a href="{html.escape(url.replace("%29", ")"))}">'
                       f"{bale_to_html(label)}</a>")
        else:
            tag = "b" if mark == "*" else "i"
            if open_marks and open_marks[-1] == tag:
                open_marks.pop()
                out.append(f"</{tag}>")
            else:
                open_marks.append(tag)
                out.append(f"<{tag}>")
    out.append(html.escape(text[pos:], quote=False))
    out.extend(f"</{tag}>" for tag in reversed(open_marks))
    return "".join(out)


def _uncode(text: str) -> str:
    if text.startswith(("\u200b`", "\u200b\n")):
        text = text[1:]
    if text.endswith(("`\u200b", "\n\u200b")):
        text = text[:-1]
    return text.replace("`\u200b``", FENCE)
