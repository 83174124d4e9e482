"""Every catalogue key the project modules name exists, with the placeholders they pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import placeholders, raw

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "bot/services/progress.py", "bot/services/projects.py", "bot/services/deadlines.py",
    "bot/services/offices.py", "bot/services/amounts.py", "handlers/member_report.py",
    "handlers/member_projects.py", "handlers/deputy_review.py", "handlers/office_report.py",
    "handlers/admin_projects.py", "bot/cli.py",
]
# t("key", a=..., b=...) or t_plain("key", ...) with a literal key, up to the closing paren.
CALL = re.compile(r"\bt(?:_plain)?\(\s*\"([a-z_.]+)\"((?:[^()]|\([^()]*\))*)\)", re.S)
KWARG = re.compile(r"\b([a-z_]+)=")


def calls() -> list[tuple[str, str, set[str]]]:
    found = []
    for module in MODULES:
        source = (ROOT / module).read_text(encoding="utf-8")
        for key, args in CALL.findall(source):
            found.append((module, key, set(KWARG.findall(args))))
    return found


@pytest.mark.parametrize(("module", "key", "kwargs"), calls())
def test_key_exists_with_matching_placeholders(module: str, key: str, kwargs: set[str]) -> None:
    value = raw(key)
    assert isinstance(value, str) and value.strip(), key
    assert placeholders(value) == kwargs, (module, key)
