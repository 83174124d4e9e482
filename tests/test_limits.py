"""Measuring as Telegram measures, and cutting to fit: bot/limits.py and bot/paging.py."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import limits
from bot.i18n import t
from bot.paging import Entry, Section, View, paginate
from tests.strict_api import HtmlError, _TelegramHtml

# Persian letters, the ZWNJ, emoji outside the BMP, HTML's special characters, spaces.
TEXTS = st.text(
    alphabet=st.sampled_from(list("\u0633\u0644\u0627\u0645\u06cc\u200c abc<>&\"'\n")
                             + ["\U0001F4CB", "\u2705"]),
    max_size=600,
)


def balanced(text_html: str) -> bool:
    parser = _TelegramHtml()
    try:
        parser.feed(text_html)
        parser.close()
    except HtmlError:
        return False
    return not parser.stack and not parser.rawdata


def test_counts_utf16_units_after_entities():
    assert limits.length("<b>a&lt;b</b>") == 3
    assert limits.length("\U0001F4CB") == 2  # outside the BMP: a surrogate pair
    assert limits.length("\u06a9\u200c\u0647") == 3
    assert limits.length("<a href=\"https://x.y/?a=1&amp;b=2\">link</a>") == 4
    assert limits.length("&lt;b&gt;", parse_html=False) == 9
    assert limits.fits_data("pg:mo:12") and not limits.fits_data("x" * 65)
    assert not limits.fits_data("\u06a9" * 33)  # 66 bytes of UTF-8


@given(TEXTS, st.integers(min_value=0, max_value=700))
def test_shorten_fits_and_keeps_the_start(text, limit):
    pointer = "\u2026 (full text in the export)"
    out = limits.shorten(text, limit, pointer)
    assert limits.units(out) <= limit
    if limits.units(text) <= limit:
        assert out == text
    elif limit > limits.units(pointer):
        assert out.endswith(pointer)
        assert text.startswith(out[: -len(pointer)])


@given(st.lists(st.tuples(st.sampled_from(["b", "i", "code", ""]), TEXTS), max_size=12),
       st.integers(min_value=1, max_value=900))
@settings(max_examples=200)
def test_cut_html_fits_and_stays_valid(parts, limit):
    text_html = "".join(f"<{tag}>{html.escape(p)}</{tag}>" if tag else html.escape(p)
                        for tag, p in parts) or "x"
    out = limits.cut_html(text_html, limit, "\u2026")
    assert limits.length(out) <= limit
    assert balanced(out)
    if limits.length(text_html) <= limit:
        assert out == text_html
    else:
        kept = limits.visible(out)[:-1]
        assert limits.visible(text_html).startswith(kept.rstrip())


def _card(title: str, findings: str, reason: str) -> str:
    """A card as the catalogue's templates are: markup around escaped texts."""
    return (f"<b>{html.escape(title, quote=False)}</b>\nFindings: {html.escape(findings, quote=False)}"
            f"\n<i>Reason: {html.escape(reason, quote=False)}</i>")


@given(st.dictionaries(st.sampled_from(["title", "findings", "reason"]), TEXTS, min_size=3),
       st.integers(min_value=80, max_value=1200))
def test_fit_shortens_the_fields_until_the_template_fits(fields, limit):
    out = limits.fit(_card, fields, limit=limit, pointer="\u2026")
    assert limits.length(out) <= limit
    assert balanced(out)


def test_fit_leaves_what_fits_alone_and_cuts_the_longest_first():
    render = _card
    fields = {"title": "Short title", "findings": "f" * 5000, "reason": "r" * 300}
    out = limits.fit(render, fields, pointer="\u2026 [more]")
    assert limits.length(out) <= limits.TEXT
    assert "Short title" in out and "r" * 300 in out and "\u2026 [more]" in out
    assert limits.fit(render, {"title": "a", "findings": "b", "reason": "c"}) == render(
        title="a", findings="b", reason="c")


def test_pack_joins_blocks_within_the_limit():
    blocks = [f"<b>{i}</b> " + "x" * 900 for i in range(10)]
    messages = limits.pack(blocks, "<b>head</b>")
    assert all(limits.length(m) <= limits.TEXT for m in messages)
    assert "".join(messages).count("x") == 9000
    assert messages[0].startswith("<b>head</b>")


def _nav(page: int) -> str:
    return f"pg:tt:{page}"


@given(st.lists(TEXTS, max_size=60), st.integers(min_value=1, max_value=12))
@settings(max_examples=150)
def test_pages_fit_and_keep_every_entry_once(texts, per_page):
    entries = [Entry(f"{n}. {html.escape(text)}", ((f"close {n}", f"fu:c:{n}"),))
               for n, text in enumerate(texts)]
    view = View("<b>Head</b>", (Section("<b>Open</b>", entries, "none open"),))
    pages = paginate(view, _nav, per_page=per_page)
    for page in pages:
        assert 0 < limits.length(page.text) <= limits.TEXT
        assert balanced(page.text)
        assert all(limits.fits_data(data) for row in page.buttons for _, data in row)
        assert page.count == len(pages)
    listed = [data for page in pages for row in page.buttons for _, data in row
              if data.startswith("fu:")]
    assert listed == [f"fu:c:{n}" for n in range(len(texts))]


def test_page_buttons_turn_both_ways():
    entries = [Entry(f"entry {n}") for n in range(25)]
    pages = paginate(View.of("Head", entries), _nav, per_page=10)
    assert len(pages) == 3
    assert pages[0].buttons == [[(t("paging.next"), "pg:tt:1")]]
    assert pages[1].buttons == [[(t("paging.next"), "pg:tt:2"), (t("paging.previous"), "pg:tt:0")]]
    assert pages[2].buttons == [[(t("paging.previous"), "pg:tt:1")]]
    assert t("paging.marker", page=2, count=3) in pages[1].text
    single = paginate(View.of("Head", entries[:3]), _nav)
    assert len(single) == 1 and single[0].buttons == [] and "paging" not in single[0].text


def test_a_long_entry_gets_a_page_of_its_own_and_fits():
    entries = [Entry("a"), Entry("<b>" + "\u0633" * 9000 + "</b>"), Entry("c")]
    pages = paginate(View.of("Head", entries), _nav)
    assert all(limits.length(p.text) <= limits.TEXT and balanced(p.text) for p in pages)
    assert "a" in pages[0].text and pages[-1].text.split("\n\n")[1] == "c"


def test_empty_views_show_their_empty_text():
    [page] = paginate(View.of("Head", [], empty="Nothing"), _nav)
    assert page.text == "Head\n\nNothing"
    [page] = paginate(View("Head", (Section("<b>S</b>", [], "none here"),)), _nav)
    assert page.text == "Head\n\n<b>S</b>\nnone here"


@given(TEXTS, st.integers(min_value=1, max_value=300))
def test_split_keeps_every_word_in_pieces_that_fit(text, limit):
    pieces = limits.split(text, limit)
    assert all(limits.units(p) <= max(limit, 2) for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())
