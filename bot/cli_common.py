"""What every CLI module shares: a parser that speaks Persian, one-line failures, imports.

- `Parser` is argparse with Persian help and errors. argparse translates itself through
  gettext (`argparse._`); we give it the catalogue's [cli_argparse] table instead of a .mo
  file, so "usage:", "options", "invalid choice" … come out Persian. An argument error is one
  line on stderr with a pointer to --help, and exit code 2.
- `fail(key)` prints one catalogue line on stderr and returns the usage exit code.
- Imports (`add_import_parser`, `run_import`): every import subcommand takes FILE and
  --dry-run, shows a progress bar on long files (tqdm, on a terminal only), prints each
  rejected line with what to do and imports nothing unless every line is right.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from bot.i18n import raw, t_plain

EXIT_USAGE = 2
PROGRESS_FROM = 2000  # rows; shorter files finish before a bar would help
T = TypeVar("T")
_english = argparse._  # type: ignore[attr-defined]


def _persian(message: str) -> str:
    """argparse's own texts from the catalogue (the English one when there is none)."""
    if not isinstance(message, str):  # argparse passes None for an absent description
        return message
    return str(raw("cli_argparse").get(message, _english(message)))


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of the catalogue's descriptions."""


class Parser(argparse.ArgumentParser):
    """argparse in Persian: help, usage and errors (one line, exit code 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        argparse._ = _persian  # type: ignore[attr-defined]
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """One Persian line on stderr with a pointer to --help; exits 2."""
        print(t_plain("cli.bad_arguments", reason=message, prog=self.prog), file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def helptext(key: str) -> str:
    """A subcommand's or option's help from [cli_help] (argparse needs % doubled)."""
    return t_plain(f"cli_help.{key}").replace("%", "%%")


def fail(key: str, **values: object) -> int:
    """Prints a catalogue message to stderr and returns the usage exit code."""
    print(t_plain(key, **values), file=sys.stderr)
    return EXIT_USAGE


def refuse(problem: tuple[str, dict[str, str]]) -> int:
    """fail() with a (key, values) pair, as the import checks return them."""
    return fail(problem[0], **problem[1])


def done(key: str, **values: object) -> int:
    """Prints the one-line confirmation of a success and returns 0."""
    print(t_plain(key, **values))
    return 0


def print_rejected(errors: list[tuple[int, str, dict[str, str]]]) -> None:
    """One stderr line per rejected line of an imported file."""
    for line, key, values in errors:
        print(t_plain("cli.line_error", line=line, reason=t_plain(key, **values)), file=sys.stderr)


# Imports ---------------------------------------------------------------------------------
def add_import_parser(sub: argparse._SubParsersAction, name: str,
                      help_key: str) -> argparse.ArgumentParser:
    """An import subcommand: FILE and --dry-run."""
    cmd = sub.add_parser(name, help=helptext(help_key), description=helptext(help_key))
    cmd.add_argument("file", type=Path, metavar="FILE", help=helptext("import_file"))
    cmd.add_argument("--dry-run", action="store_true", help=helptext("dry_run"))
    return cmd


def progress_bar(items: Sequence[T], stage: str) -> Iterable[T]:
    """A tqdm bar on stderr over a long file's rows (only on a terminal)."""
    rows = len(items) * (500 if stage == "write" else 1)
    if rows < PROGRESS_FROM:
        return items
    from tqdm import tqdm  # noqa: PLC0415 - only long imports need it

    return tqdm(items, desc=t_plain(f"imports.stage.{stage}"), file=sys.stderr, leave=False,
                disable=None, unit=t_plain("imports.unit"),
                unit_scale=500 if stage == "write" else False)


Importer = Callable[..., Awaitable[Any]]


async def run_import(importer: Importer, path: Path, *, dry_run: bool, **kwargs: Any) -> int:
    """Runs one import; prints what was wrong (exit 2, nothing imported) or what was done."""
    from bot.tabular import TableError  # noqa: PLC0415

    try:
        report = await importer(path=path, dry_run=dry_run, progress=progress_bar, **kwargs)
    except TableError as exc:
        return fail("cli.table_unreadable", file=path.name, reason=exc.message())
    counts = {"added": report.added, "updated": report.updated, "unchanged": report.unchanged}
    if report.errors:
        print_rejected(report.errors)
        return fail("cli.import_refused", rejected=len(report.errors))
    code = done("cli.import_checked" if dry_run else "cli.import_done", **counts)
    if report.held:
        print_rejected(report.held)
        print(t_plain("people_cli.held", count=len(report.held)), file=sys.stderr)
        return 1
    return code
