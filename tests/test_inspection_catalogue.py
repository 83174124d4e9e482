"""Guard rails for the inspection texts: keys exist and templates get the fields they need."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.i18n import placeholders, raw
from bot.inspection_domain import Evidence, Severity
from bot.services.inspections import LocationVerdict, Step

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "bot/services/inspections.py", "bot/services/inspection_views.py",
    "bot/services/inspection_reminders.py", "bot/services/follow_ups.py",
    "bot/services/inspection_setup.py", "bot/cli_inspections.py",
    "handlers/deputy_checkin.py", "handlers/deputy_month.py", "handlers/admin_plan.py",
    "handlers/admin_holidays.py", "handlers/checkin_steps.py", "handlers/media.py",
]


def calls():
    """(module, key, keyword names) of every t()/t_plain() call with a literal key."""
    for module in MODULES:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in {"t", "t_plain"} and node.args
                    and isinstance(node.args[0], ast.Constant)):
                yield module, node.args[0].value, {k.arg for k in node.keywords}


@pytest.mark.parametrize(("module", "key", "given"), list(calls()))
def test_key_exists_and_fields_are_given(module, key, given):
    template = raw(key)
    assert isinstance(template, str)
    assert template.strip()
    assert placeholders(template) <= given, f"{module}: {key} needs {placeholders(template)}"


def test_keys_built_from_values_exist():
    keys = [f"inspections.severity_{s.value}" for s in Severity]
    keys += [f"insp_month.evidence_{e.value}" for e in Evidence]
    keys += [f"inspections.step_{s.value}" for s in Step]
    keys += [f"inspections.location_{v.value}" for v in LocationVerdict if v.value != "ok"]
    keys += [f"inspections.answer_{code}_button" for code in "ynx"]
    for key in keys:
        assert isinstance(raw(key), str)


def test_shipped_checklists_are_complete():
    data = raw("checklists")
    for code in data["programme_order"]:
        for kind in data["programmes"][code]["types"]:
            assert 5 <= len(data["types"][kind]["items"]) <= 8
    assert sum(len(data["programmes"][c]["types"]) for c in data["programme_order"]) == 7
