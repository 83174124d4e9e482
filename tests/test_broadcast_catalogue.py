"""The broadcast catalogue: every key the code names exists, and no key is left unused."""

from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import flat_catalogue
from bot.services.broadcasts import Audience

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "bot/services/broadcasts.py", "handlers/admin_broadcast.py", "handlers/broadcast_ack.py",
    "handlers/broadcast_status.py", "scheduler/broadcast_progress.py", "handlers/menus.py",
]
# Keys passed to t / t_plain / menu_button, and the menu and command lists of handlers/menus.py.
CALL = re.compile(r"""(?:\bt|t_plain|menu_button)\(\s*["']([a-z_.]+)["']""")
LISTED = re.compile(r"""["']((?:menu|commands)\.[a-z_]+)["']""")


def named_keys() -> set[str]:
    keys = {key for module in MODULES for key in CALL.findall((ROOT / module).read_text())}
    return keys | set(LISTED.findall((ROOT / "handlers/menus.py").read_text()))


def test_every_named_key_exists():
    catalogue = flat_catalogue()
    missing = sorted(key for key in named_keys() if key not in catalogue)
    assert missing == []


def test_no_broadcast_key_is_unused():
    dynamic = {f"broadcast.audience.{a.value}" for a in Audience}
    literal = re.compile(r"""["'](broadcast\.[a-z_.]+)["']""")  # also keys chosen by a condition
    mentioned = {k for module in MODULES for k in literal.findall((ROOT / module).read_text())}
    used = named_keys() | dynamic | mentioned
    unused = sorted(k for k in flat_catalogue() if k.startswith("broadcast.") and k not in used)
    assert unused == []


def test_no_persian_script_in_python_sources():
    script = re.compile("[\u0600-\u06ff]")
    for module in [*MODULES, "bot/db/repos/broadcasts.py", "scheduler/outbox.py",
                   "scheduler/broadcast_reminders.py"]:
        assert not script.search((ROOT / module).read_text()), module
