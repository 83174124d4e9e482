"""Messages written once as Telegram HTML, rendered as Bale's Markdown: formatting kept, what
people typed shown as typed, no tag left; and read back by the fakes' model of Bale."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import flat_catalogue, t
from bot.platforms.markup import HTML_TAG, bale_to_html, escape, fit, html_to_bale

# What people type: Persian, Latin, digits, and every character Markdown or HTML care about.
TYPED = st.text(
    alphabet=st.sampled_from(list("abc \u0639\u0644\u06cc\u06f1\u06f2*_`[]()\\<>&\"'#~|!.-\n")),
    max_size=30)


@st.composite
def messages(draw: st.DrawFn, depth: int = 2, inside: frozenset[str] = frozenset()) -> str:
    """Catalogue-like HTML: our tags around text in which typed values were escaped by t()."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        tags = [k for k in ("b", "i") if k not in inside] if depth else []
        kind = draw(st.sampled_from(["text", "code", "a", *tags]))
        typed = html.escape(draw(TYPED), quote=False)
        if kind == "text":
            parts.append(typed)
        elif kind == "code":
            parts.append(f"<code>{typed or 'x'}</code>")
        elif kind == "a":
            parts.append(f'<a href="https://example.org/p?q=1">{typed or "x"}</a>')
        else:
            inner = draw(messages(depth=depth - 1, inside=inside | {kind}))
            parts.append(f"<{kind}>{inner or 'x'}</{kind}>")
    return "".join(parts)


def test_formatting_becomes_bale_markdown():
    assert html_to_bale("<b>\u0628\u0627\u0632\u062f\u06cc\u062f</b> x") == (
        "*\u0628\u0627\u0632\u062f\u06cc\u062f* x")
    assert html_to_bale("<i>a</i> <b><i>b</i></b>") == "_a_ *_b_*"
    assert html_to_bale('<a href="https://bale.ai">link</a>') == "[link](https://bale.ai)"
    assert html_to_bale("code: <code>ab_c*d</code>") == "code: ```ab_c*d```"
    assert html_to_bale("<pre>x\ny</pre>") == "```\nx\ny\n```"


def test_what_people_typed_is_escaped_for_bale():
    typed = "Ali_Reza *NGO* [1](x) `a`"
    assert html_to_bale(t("invite.details", role="r", scope=typed, hint="h", expires="e")
                        ).count("\\*") == 2
    assert html_to_bale(html.escape(typed)) == (
        "Ali\\_Reza \\*NGO\\* \\[1\\](x) \\`a\\`")
    assert html_to_bale("&lt;b&gt;Ali &amp; co") == "<b>Ali & co"  # typed, not a tag of ours


def test_tags_without_a_bale_form_keep_their_text():
    text = "<u>under</u> <s>struck</s> <tg-spoiler>hidden</tg-spoiler> <blockquote>q</blockquote>"
    assert html_to_bale(text) == "under struck hidden q"
    assert html_to_bale('<a href="tg://user?id=5">Ali</a>') == "Ali"
    assert html_to_bale("a<br/>b") == "a\nb"
    assert html_to_bale("<b>unclosed") == "*unclosed*"
    assert html_to_bale("<b><b>twice</b></b>") == "*twice*"
    assert html_to_bale("stray</b> end") == "stray end"


def test_every_catalogue_message_renders_without_a_tag():
    for key, value in flat_catalogue().items():
        if isinstance(value, str):
            assert not HTML_TAG.search(html_to_bale(value)), key


@given(messages())
def test_bale_shows_what_the_html_meant(message: str):
    """The fakes read Bale's Markdown back into exactly the HTML it came from: formatting is
    kept and every typed character (Markdown ones too) is shown as typed."""
    assert bale_to_html(html_to_bale(message)) == _normal(message)


@given(TYPED)
def test_plain_text_is_shown_as_typed(typed: str):
    assert bale_to_html(escape(typed)) == html.escape(typed, quote=False)


def test_a_rendered_text_is_cut_to_bales_limit():
    assert fit("x" * 5000, 4096) == "x" * 4095 + "\u2026"
    assert fit("short", 4096) == "short"


def _normal(message: str) -> str:
    """The message as bale_to_html writes it back: empty tags dropped, as rendering drops them."""
    previous = None
    while previous != message:
        previous = message
        for tag in ("b", "i", "code"):
            message = message.replace(f"<{tag}></{tag}>", "")
    return message
