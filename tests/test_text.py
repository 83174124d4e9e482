"""What people type is kept as typed; numbers are parsed from any digit script; names match
across the spellings a person would call the same."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.text import ZWNJ, as_typed, latin_digits, match_key

FA = "".join(chr(0x06F0 + i) for i in range(10))
AR = "".join(chr(0x0660 + i) for i in range(10))
typed = st.text(alphabet=st.sampled_from(
    list("abc 12\u0627\u0628\u067e\u0647\u06cc\u06a9\u064a\u0643\u0654\u200c\u200b\u202e\u2067")
    + list(FA) + list(AR)), max_size=40)


def test_digits_and_the_non_joiner_stay_as_typed():
    text = f"  \u0628\u0631\u0627\u06cc {FA[2]}{FA[5]} \u0646\u0641\u0631 {AR[4]}8 \u0645\u06cc{ZWNJ}\u0634\u0648\u062f  "
    assert as_typed(text) == text.strip()


def test_only_arabic_yeh_kaf_change_and_invisible_controls_go():
    assert as_typed("\u064a\u0643") == "\u06cc\u06a9"
    assert as_typed("a\u200bb\u202ec\u2066d\u2069\ufeff") == "abcd"
    assert as_typed("\u200e\u0627\u200f") == "\u200e\u0627\u200f"  # marks, not controls


@given(typed)
def test_as_typed_is_idempotent_and_keeps_every_digit(text):
    once = as_typed(text)
    assert as_typed(once) == once
    assert [c for c in once if c in FA + AR + "0123456789"] == [
        c for c in text if c in FA + AR + "0123456789"]
    assert once.count(ZWNJ) == text.count(ZWNJ)


@given(typed)
def test_keys_ignore_what_as_typed_removes_and_the_digit_script(text):
    assert match_key(as_typed(text)) == match_key(text)
    assert match_key(latin_digits(text)) == match_key(text)


def test_spellings_of_one_name_share_a_key():
    heh_hamza = "\u0627\u0646\u062c\u0645\u0646 \u062e\u06cc\u0631\u06cc\u0647\u0654 \u062d\u0627\u0645\u06cc\u0627\u0646"
    plain = "\u0627\u0646\u062c\u0645\u0646 \u062e\u06cc\u0631\u06cc\u0647 \u062d\u0627\u0645\u06cc\u0627\u0646"
    ezafe = f"\u0627\u0646\u062c\u0645\u0646 \u062e\u06cc\u0631\u06cc\u0647{ZWNJ}\u06cc \u062d\u0627\u0645\u06cc\u0627\u0646"
    composed = "\u0627\u0646\u062c\u0645\u0646 \u062e\u06cc\u0631\u06cc\u06c0 \u062d\u0627\u0645\u06cc\u0627\u0646"
    arabic = plain.replace("\u06cc", "\u064a")
    assert len({match_key(s) for s in (heh_hamza, plain, ezafe, composed, arabic)}) == 1
    # Spacing and the non-joiner: «می‌شود», «میشود», «می شود».
    assert len({match_key(f"\u0645\u06cc{sep}\u0634\u0648\u062f") for sep in (ZWNJ, "", " ")}) == 1
    # A word that really ends in «هی» keeps its yeh: «ماهی» is not «ماه».
    assert match_key("\u0645\u0627\u0647\u06cc") != match_key("\u0645\u0627\u0647")
