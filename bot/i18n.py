"""Catalogue lookup, Persian digits and normalisation of what people type."""

from __future__ import annotations

import html
import re
import string
import tomllib
from functools import cache
from importlib import resources
from typing import Any

LOCALE = "fa"
# Built from code points so no Persian script sits in Python source (it lives in locales/).
FA_DIGITS = "".join(chr(0x06F0 + i) for i in range(10))
_ARABIC_INDIC = "".join(chr(0x0660 + i) for i in range(10))
_TO_FA = str.maketrans("0123456789", FA_DIGITS)
_TO_LATIN = str.maketrans(
    FA_DIGITS + _ARABIC_INDIC + "\u064a\u0643\u0649",  # Arabic yeh, kaf, alef maksura
    "0123456789" * 2 + "\u06cc\u06a9\u06cc",  # Persian yeh, kaf, yeh
)
THOUSANDS = "\u066c"
DECIMAL = "\u066b"
# Zero-width and direction marks that phones add to typed text but that mean nothing in a value.
_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")


class Safe(str):
    """A fragment already valid in Telegram HTML; t() inserts it without escaping."""


@cache
def catalogue() -> dict[str, Any]:
    """Loads and merges locales/fa/*.toml; a key defined in two files is an error."""
    merged: dict[str, Any] = {}
    folder = resources.files("locales") / LOCALE
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            _merge(merged, tomllib.loads(entry.read_text(encoding="utf-8")), entry.name, "")
    return merged


def _merge(into: dict[str, Any], new: dict[str, Any], source: str, prefix: str) -> None:
    # Tables may be split across files (one file per flow); a leaf key may not.
    for key, value in new.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value, source, path + ".")
        elif key in into:
            raise ValueError(f"catalogue key {path} is defined twice ({source})")
        else:
            into[key] = value


def flat_catalogue() -> dict[str, Any]:
    """Every key of the catalogue as a dotted path to its value (string or list)."""
    out: dict[str, Any] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                walk(path, value)
            else:
                out[path] = value

    walk("", catalogue())
    return out


@cache
def _leaves() -> dict[str, Any]:
    return flat_catalogue()


def raw(key: str) -> Any:
    """Returns the catalogue value for a dotted key; a missing key raises KeyError."""
    # A message's key is one lookup (every button label of every keyboard comes through
    # here); a table's key walks the tree.
    if (found := _leaves().get(key)) is not None:
        return found
    node: Any = catalogue()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"catalogue key {key!r} is missing")
        node = node[part]
    return node


def t(key: str, **values: Any) -> str:
    """Renders a message for Telegram HTML: user values escaped, numbers in Persian digits."""
    return _render(key, values, escape=True)


def t_plain(key: str, **values: Any) -> str:
    """Renders a message as plain text (files, terminals, PDF), numbers in Persian digits."""
    return _render(key, values, escape=False)


def t_list(key: str) -> list[str]:
    """Returns a list value of the catalogue (month names, checklist items)."""
    value = raw(key)
    if not isinstance(value, list):
        raise TypeError(f"catalogue key {key!r} is not a list")
    return value


def placeholders(template: str) -> set[str]:
    """Names of the {fields} a template expects."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _render(key: str, values: dict[str, Any], *, escape: bool) -> str:
    template = raw(key)
    if not isinstance(template, str):
        raise TypeError(f"catalogue key {key!r} is not a string")
    prepared = {name: _prepare(value, escape) for name, value in values.items()}
    return template.format(**prepared)


def _prepare(value: Any, escape: bool) -> str:
    if isinstance(value, Safe):
        return str(value)
    if isinstance(value, bool):
        raise TypeError("pass a catalogue text, not a bool")
    if isinstance(value, int | float):
        return fa_number(value)
    text = str(value)
    return html.escape(text, quote=False) if escape else text


def fa_digits(text: str | int) -> str:
    """Replaces Latin digits by Persian ones (ids, dates, codes: no separators)."""
    return str(text).translate(_TO_FA)


def fa_number(value: float, decimals: int | None = None) -> str:
    """Formats a number with Persian digits and the Persian thousands separator."""
    if isinstance(value, float) and decimals is None:
        decimals = 0 if value.is_integer() else 1
    text = f"{value:,.{decimals}f}" if decimals else f"{round(value):,d}"
    return text.replace(",", THOUSANDS).replace(".", DECIMAL).translate(_TO_FA)


def normalize_input(text: str) -> str:
    """Latin digits, Persian letter forms, no invisible marks, single spaces, trimmed."""
    text = _INVISIBLE.sub("", text).translate(_TO_LATIN)
    return _SPACES.sub(" ", text).strip()


def parse_int(text: str) -> int | None:
    """Parses a whole number typed in any digit script, with or without separators."""
    cleaned = normalize_input(text).replace(THOUSANDS, "").replace(",", "").replace(" ", "")
    if re.fullmatch(r"-?\d{1,18}", cleaned):
        return int(cleaned)
    return None
