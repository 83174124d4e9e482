"""Guard rails for the Persian catalogue: every key used exists, every key is used, no empty
value, placeholders match each call, and no Persian text hides in Python source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.i18n import flat_catalogue, placeholders

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("bot", "handlers", "scheduler")
# Tables that are data read by table name (import header spellings, default records and
# checklists), not
# messages looked up by key.
DATA_TABLES = ("headers.", "seed.", "checklists.", "cli_argparse.")
RENDERERS = {"t", "t_plain", "t_list"}


def code_files() -> list[Path]:
    return [p for d in CODE_DIRS for p in (ROOT / d).rglob("*.py")]


def string_constants() -> set[str]:
    found = set()
    for path in code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def fstring_prefixes() -> set[str]:
    """Literal beginnings of f-strings such as f"domains.{domain}" (a family of keys)."""
    found = set()
    for path in code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if isinstance(first, ast.Constant) and "." in str(first.value):
                    found.add(str(first.value))
    return found


def render_calls() -> list[tuple[Path, int, str, set[str] | None]]:
    """(file, line, key, keyword names or None when **kwargs is passed) of t()-style calls."""
    calls = []
    for path in code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in RENDERERS or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                keywords = None if any(k.arg is None for k in node.keywords) else {
                    k.arg for k in node.keywords if k.arg
                }
                calls.append((path, node.lineno, first.value, keywords))
    return calls


def test_every_key_used_in_code_exists():
    catalogue = flat_catalogue()
    missing = [
        f"{p.relative_to(ROOT)}:{line} {key}" for p, line, key, _ in render_calls()
        if key not in catalogue
    ]
    assert missing == []


def test_every_key_in_the_catalogue_is_used():
    used = string_constants()
    families = tuple(fstring_prefixes())
    unused = [
        key for key in flat_catalogue()
        if key not in used and not key.startswith(DATA_TABLES + families)
    ]
    assert unused == []


def test_no_value_is_empty():
    empty = [
        key for key, value in flat_catalogue().items()
        if (isinstance(value, str) and not value.strip())
        or (isinstance(value, list) and (not value or any(not str(v).strip() for v in value)))
    ]
    assert empty == []


def test_placeholders_match_every_call():
    catalogue = flat_catalogue()
    wrong = []
    for path, line, key, keywords in render_calls():
        template = catalogue.get(key)
        if keywords is None or not isinstance(template, str):
            continue
        if placeholders(template) != keywords:
            wrong.append(f"{path.relative_to(ROOT)}:{line} {key}: "
                         f"template {sorted(placeholders(template))} call {sorted(keywords)}")
    assert wrong == []


def test_no_persian_text_in_python_source():
    persian = re.compile("[\u0600-\u06ff]")
    hits = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in code_files()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if persian.search(line)
    ]
    assert hits == []


def test_a_missing_key_raises():
    from bot.i18n import t

    with pytest.raises(KeyError):
        t("no.such.key")
