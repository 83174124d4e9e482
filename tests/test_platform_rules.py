"""Rules that make the same code serve Telegram and Bale, checked on the source: nothing reads
what an edit returns (Bale answers edits with a stub), and every command can be reached
without a command list (Bale has none)."""

from __future__ import annotations

import ast
from pathlib import Path

from handlers.menus import COMMANDS, MENU_ROWS, command_name

ROOT = Path(__file__).resolve().parent.parent
EDITS = {"edit_message_text", "edit_message_reply_markup", "edit_message_caption",
         "edit_message_media", "edit_text", "edit_reply_markup", "edit_caption", "edit_media"}


def _edit_call(node: ast.AST) -> str | None:
    """The edit method an await awaits, if it is one."""
    call = node.value if isinstance(node, ast.Await) else None
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and (
            call.func.attr in EDITS):
        return call.func.attr
    return None


def test_no_code_path_reads_what_an_edit_returns():
    """Every awaited edit is a statement of its own: its answer is dropped, never kept,
    returned or tested."""
    used = []
    for folder in ("bot", "handlers", "scheduler"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            parents = {child: node for node in ast.walk(tree)
                       for child in ast.iter_child_nodes(node)}
            for node in ast.walk(tree):
                if _edit_call(node) and not isinstance(parents.get(node), ast.Expr):
                    used.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert used == []


async def test_every_command_is_reachable_without_a_command_list(bot):
    """Bale shows no command list: /help, in every role's menu, lists every command of the
    role (tests/test_onboarding.py checks the reply on both platforms)."""
    for role, rows in MENU_ROWS.items():
        assert "menu.help" in {key for row in rows for key in row}, role
        assert "commands.help" in COMMANDS[role]
    from handlers.common import HELP_KEYS  # noqa: PLC0415

    assert set(HELP_KEYS) == set(MENU_ROWS)
    assert all(command_name(k) for keys in COMMANDS.values() for k in keys)
