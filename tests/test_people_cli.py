"""python -m bot people list | deactivate | replace, and the one-deputy rule of the CLI's
invitations and imports."""

from __future__ import annotations

import sqlite3

from bot.cli import main
from bot.i18n import t_plain
from tests.test_cli import env  # noqa: F401 - the fixture

RAFSANJAN, BAM = "\u0631\u0641\u0633\u0646\u062c\u0627\u0646", "\u0628\u0645"


def query(path, sql, params=()):
    with sqlite3.connect(path / "cli.sqlite3") as conn:
        return conn.execute(sql, params).fetchall()


def _people(env, capsys) -> None:  # noqa: F811
    (env / "people.csv").write_text(
        f"phone,name,role,county\n09121111111,Reza,deputy,{RAFSANJAN}\n"
        f"09122222222,Sara,deputy,{BAM}\n", encoding="utf-8")
    assert main(["import-people", "people.csv"]) == 0
    capsys.readouterr()


def test_list_deactivate_and_replace_from_the_shell(env, capsys):  # noqa: F811
    _people(env, capsys)
    assert main(["people", "list", "--role", "deputy"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[1] for line in out] == ["Sara", "Reza"]  # Bam before Rafsanjan
    (sara_id,) = query(env, "SELECT id FROM people WHERE name = 'Sara'")[0]

    # A second deputy for Bam needs a confirmation, in the import as in an invitation.
    (env / "more.csv").write_text(f"phone,name,role,county\n09123333333,Bita,deputy,{BAM}\n",
                                  encoding="utf-8")
    assert main(["import-people", "more.csv"]) == 1
    err = capsys.readouterr().err
    assert t_plain("people_cli.held", count=1) in err
    assert main(["invite", "--role", "deputy", "--county", BAM]) == 2
    assert t_plain("people_cli.deputy_exists", county=BAM, names="Sara") in \
        capsys.readouterr().err
    assert main(["import-people", "more.csv", "--second-deputy"]) == 0
    capsys.readouterr()
    (bita_id,) = query(env, "SELECT id FROM people WHERE name = 'Bita'")[0]

    assert main(["people", "replace", "09122222222", str(bita_id)]) == 0
    assert capsys.readouterr().out.strip() == t_plain("people_cli.replaced", new="Bita",
                                                      old="Sara", county=BAM)
    assert query(env, "SELECT active FROM people WHERE id = ?", (sara_id,)) == [(0,)]
    assert main(["people", "deactivate", str(bita_id)]) == 0
    assert main(["people", "deactivate", str(bita_id)]) == 2
    assert main(["people", "deactivate", "999"]) == 2
    assert main(["people", "list", "--inactive"]) == 0
    assert {line.split("\t")[1] for line in capsys.readouterr().out.splitlines()
            if "\t" in line} == {"Sara", "Bita"}
    actions = [a for (a,) in query(env, "SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("people.replace") == 1 and actions.count("people.deactivate") == 1


def test_a_successor_invitation_from_the_shell(env, capsys):  # noqa: F811
    _people(env, capsys)
    assert main(["people", "replace", "09121111111", "--invite"]) == 0
    token, link = capsys.readouterr().out.splitlines()
    (reza_id,) = query(env, "SELECT id FROM people WHERE name = 'Reza'")[0]
    assert query(env, "SELECT replaces FROM invites") == [(reza_id,)]
    assert main(["invite", "--role", "deputy", "--county", RAFSANJAN, "--replace",
                 "09121111111"]) == 0
    assert query(env, "SELECT count(*) FROM invites WHERE replaces = ?", (reza_id,)) == [(2,)]
