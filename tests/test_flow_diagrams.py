"""docs/flows/ matches the code, and the moves the diagrams draw are the ones the kit checks."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

import handlers  # noqa: F401 - registers every step flow in FLOWS
from bot import flow_diagrams
from bot.cli import main
from bot.db.repos.drafts import Draft
from bot.steps import END, STAY, SUMMARY, Refuse
from handlers.flow_moves import check_declarations, check_move, check_start
from handlers.flowkit import FLOWS

ROOT = Path(__file__).resolve().parent.parent


def test_docs_flows_match_the_code():
    wrong = flow_diagrams.differences(ROOT / flow_diagrams.FOLDER)
    assert wrong == [], (
        f"docs/flows/ no longer matches the code ({', '.join(wrong)}); "
        f"regenerate with `{flow_diagrams.COMMAND}` and commit the files")


def test_every_conversation_has_a_diagram():
    files = flow_diagrams.diagrams()
    assert len(files) == len(flow_diagrams.conversations()) + 1  # and the README index
    for name in FLOWS:
        assert any(f"({name})" in text or f"# {name}\n" in text for text in files.values()), name


def test_declarations_name_real_steps():
    assert [w for flow in FLOWS.values() for w in check_declarations(flow)] == []


def test_every_step_moves_somewhere():
    """A step without moves could only refuse or stay: the conversation would be stuck."""
    stuck = [f"{f.name}.{s.name}" for f in FLOWS.values() for s in f.steps.values()
             if not s.moves]
    assert stuck == []


def _draft(*, editing: bool) -> Draft:
    now = datetime(2026, 11, 29, tzinfo=UTC)
    return Draft(id=1, person_id=1, flow="member_report", step="percent", editing=editing,
                 data={}, started_at=now, updated_at=now)


@pytest.mark.undeclared_moves
def test_an_undeclared_move_is_logged_and_declared_ones_are_not(caplog):
    flow = FLOWS["member_report"]
    caplog.set_level(logging.ERROR, logger="nazer.flows")
    for outcome in ("back_reason", "final", "done", STAY, Refuse("flow.expect_text")):
        check_move(flow, "percent", outcome, _draft(editing=False))
    check_move(flow, "percent", SUMMARY, _draft(editing=True))  # back after one change
    check_start(flow, SUMMARY)  # a revision opens at the summary
    assert caplog.records == []
    check_move(flow, "percent", "people", _draft(editing=False))
    check_move(flow, "percent", SUMMARY, _draft(editing=False))
    check_move(flow, "percent", END, _draft(editing=False))
    check_start(flow, "files")
    assert len(caplog.records) == 4
    assert "step percent moved to 'people'" in caplog.records[0].getMessage()


def test_the_command_checks_and_writes(tmp_path, capsys):
    folder = tmp_path / "flows"
    assert main(["flow-diagrams", "--check", "--dir", str(folder)]) == 1
    assert "python -m bot flow-diagrams" in capsys.readouterr().err
    assert main(["flow-diagrams", "--dir", str(folder)]) == 0
    assert "نوشته شد" in capsys.readouterr().out
    assert main(["flow-diagrams", "--check", "--dir", str(folder)]) == 0
    (folder / "report.md").write_text("old", encoding="utf-8")
    (folder / "gone.md").write_text("left over", encoding="utf-8")
    assert main(["flow-diagrams", "--check", "--dir", str(folder)]) == 1
    assert main(["flow-diagrams", "--dir", str(folder)]) == 0
    assert not (folder / "gone.md").exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(flow_diagrams.diagrams())


@pytest.mark.parametrize("name", ["report.md", "inspect.md", "invite.md"])
def test_a_diagram_is_plain_mermaid(name):
    """ASCII state ids, one `a --> b` per line, inside one stateDiagram-v2 block."""
    text = flow_diagrams.diagrams()[name]
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0].splitlines()
    assert block[0] == "stateDiagram-v2"
    for line in block[1:]:
        source, _, rest = line.strip().partition(" --> ")
        target = rest.split(" : ")[0]
        assert source.isascii() and target.isascii() and " " not in target, line
