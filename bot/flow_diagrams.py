"""Each conversation's steps as a Mermaid state diagram, drawn from the code (docs/flows/).

A step flow (handlers/flowkit.py) is drawn from its declarations: the steps it starts at
(`starts`) and the steps each one may move to (`moves`), which the kit checks as the bot runs
(handlers/flow_moves.py). A plain ConversationHandler (an invitation, a returned report's
reason, a follow-up) is drawn from the built handler: its states, and the states each
callback returns, read from the callback's source (one call deep into the same module).
`python -m bot flow-diagrams` writes docs/flows/; `--check` and tests/test_flow_diagrams.py
say when a file no longer matches the code.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot.i18n import fa_number, t_plain
from bot.steps import END

FOLDER = Path("docs/flows")
COMMAND = "python -m bot flow-diagrams"
START = "[*]"


# Drawing ------------------------------------------------------------------------------------
def page(title: str, edges: list[tuple[str, str, str]], legend: str) -> str:
    """One Markdown file: a heading, the diagram, the legend line."""
    lines = [f"# {title}", "", t_plain("flow_docs.generated", command=COMMAND), "",
             "```mermaid", "stateDiagram-v2"]
    for source, target, label in edges:
        lines.append(f"    {source} --> {target}" + (f" : {label}" if label else ""))
    return "\n".join([*lines, "```", "", legend, ""])


def _node(move: str | int) -> str:
    return START if move == END else str(move)


def entry_command(entry_points: list[BaseHandler]) -> str | None:
    """The first command that opens the conversation, if any."""
    for handler in entry_points:
        if isinstance(handler, CommandHandler):
            return sorted(handler.commands)[0]
    return None


# Step flows ---------------------------------------------------------------------------------
def kit_edges(flow: Any) -> list[tuple[str, str, str]]:
    """The flow's declared starts and moves, in step order."""
    edges = [(START, start, "") for start in flow.starts]
    for step in flow.steps.values():
        edges += [(step.name, _node(move), "") for move in step.moves]
    return edges


def kit_page(flow: Any, title: str) -> str:
    """A step flow's file."""
    legend = t_plain("flow_docs.legend_kit")
    if flow.settles:
        legend += " " + t_plain("flow_docs.legend_settle")
    return page(title, kit_edges(flow), legend)


# Plain ConversationHandlers -----------------------------------------------------------------
def returned(func: Callable, seen: set[Callable] | None = None) -> list[object]:
    """The values a callback returns, read from its source: a module constant, or what a
    function of the same module it returns the result of returns."""
    seen = seen if seen is not None else set()
    func = inspect.unwrap(func)
    if func in seen:
        return []
    seen.add(func)
    scope = vars(sys.modules[func.__module__])
    values: list[object] = []
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(func)))):
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        value = node.value.value if isinstance(node.value, ast.Await) else node.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            callee = scope.get(value.func.id)
            if inspect.isfunction(callee) and callee.__module__ == func.__module__:
                values += returned(callee, seen)
        elif isinstance(value, ast.Name | ast.Attribute):
            values.append(_resolve(value, scope))
    return values


def _resolve(node: ast.expr, scope: dict[str, Any]) -> object:
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    assert isinstance(node, ast.Attribute)
    return getattr(_resolve(node.value, scope), node.attr, None)


def state_names(handler: ConversationHandler) -> dict[object, str]:
    """Each state's constant name in its module (the callbacks' module)."""
    names: dict[object, str] = {ConversationHandler.TIMEOUT: "TIMEOUT"}
    for key, handlers in handler.states.items():
        scope = vars(sys.modules[inspect.unwrap(handlers[0].callback).__module__])
        found = [n for n, v in scope.items() if n.isupper() and type(v) is type(key) and v == key]
        names.setdefault(key, found[0] if len(found) == 1 else f"state_{key}")
    return names


def ptb_edges(handler: ConversationHandler) -> list[tuple[str, str, str]]:
    """Entry points to the states they return, then each state's callbacks to theirs."""
    names = state_names(handler)
    edges: dict[tuple[str, str], list[str]] = {}

    def add(source: str, h: BaseHandler) -> None:
        label = (f"/{sorted(h.commands)[0]}" if isinstance(h, CommandHandler)
                 else inspect.unwrap(h.callback).__name__)
        for value in returned(h.callback):
            target = START if value == ConversationHandler.END else names.get(value)
            if source == target == START:
                continue  # an entry refused: the conversation never began
            if target is not None and label not in edges.setdefault((source, target), []):
                edges[(source, target)].append(label)

    for h in handler.entry_points:
        add(START, h)
    for key, handlers in handler.states.items():
        for h in handlers:
            add(names[key], h)
    return [(s, t, ", ".join(labels)) for (s, t), labels in edges.items()]


# The folder -------------------------------------------------------------------------------
def conversations() -> list[ConversationHandler]:
    """Every ConversationHandler the bot registers, in registration order."""
    from handlers import all_handlers  # noqa: PLC0415 - the CLI stays light otherwise

    return [h for group in all_handlers().values() for h in group
            if isinstance(h, ConversationHandler)]


def diagrams() -> dict[str, str]:
    """docs/flows/ as it should be: file name → text (README.md the index)."""
    from handlers.flowkit import FLOWS  # noqa: PLC0415

    files: dict[str, str] = {}
    index = [f"# {t_plain('flow_docs.index_title')}", "",
             t_plain("flow_docs.generated", command=COMMAND), ""]
    for handler in conversations():
        command = entry_command(list(handler.entry_points))
        stem = command or str(handler.name)
        title = f"/{command} ({handler.name})" if command else str(handler.name)
        flow = FLOWS.get(str(handler.name))
        kind = "kit" if flow is not None else "ptb"
        assert f"{stem}.md" not in files, f"two conversations would be drawn in {stem}.md"
        files[f"{stem}.md"] = (kit_page(flow, title) if flow is not None else
                               page(title, ptb_edges(handler), t_plain("flow_docs.legend_ptb")))
        index.append(f"- [{title}]({stem}.md): {t_plain(f'flow_docs.kind_{kind}')}")
    files["README.md"] = "\n".join([*index, ""])
    return files


def differences(folder: Path) -> list[str]:
    """The files of folder that do not match the code (missing, changed or left over)."""
    wanted = diagrams()
    present = {p.name for p in folder.glob("*.md")} if folder.is_dir() else set()
    changed = [name for name, text in wanted.items()
               if name not in present or (folder / name).read_text(encoding="utf-8") != text]
    return sorted(changed + [name for name in present if name not in wanted])


def write(folder: Path) -> list[str]:
    """Writes the diagrams into folder (and removes left-over ones); the names changed."""
    changed = differences(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = diagrams()
    for name in changed:
        if name in wanted:
            (folder / name).write_text(wanted[name], encoding="utf-8")
        else:
            (folder / name).unlink()
    return changed

def run(folder: Path, *, check: bool) -> int:
    """`python -m bot flow-diagrams [--check]`: writes the files (or only compares them);
    one Persian line; --check exits 1 when a file differs."""
    from bot.cli_common import done  # noqa: PLC0415
    from bot.logs import quiet_known_warnings  # noqa: PLC0415

    quiet_known_warnings()
    changed = differences(folder) if check else write(folder)
    if check and changed:
        print(t_plain("cli.flows_differ", folder=str(folder),
                      files=t_plain("tables.list_separator").join(changed)), file=sys.stderr)
        return 1
    if changed:
        return done("cli.flows_written", folder=str(folder), count=fa_number(len(changed)))
    return done("cli.flows_unchanged", folder=str(folder))
