"""What every CLI module shares: the usage exit code, one-line failures, rejected import lines."""

from __future__ import annotations

import sys

from bot.i18n import t_plain

EXIT_USAGE = 2


def fail(key: str, **values: object) -> int:
    """Prints a catalogue message to stderr and returns the usage exit code."""
    print(t_plain(key, **values), file=sys.stderr)
    return EXIT_USAGE


def print_rejected(errors: list[tuple[int, str, dict[str, str]]]) -> None:
    """One stderr line per rejected line of an imported file."""
    for line, key, values in errors:
        print(t_plain("cli.line_error", line=line, reason=t_plain(key, **values)), file=sys.stderr)
