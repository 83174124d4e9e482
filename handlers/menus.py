"""Each role's reply-keyboard menu and command list; a new flow adds its entries here.

Menu entries are catalogue keys under [menu]; commands are catalogue keys under [commands],
whose last part is the Latin command name Telegram routes on.
"""

from __future__ import annotations

from telegram import BotCommand, KeyboardButton, ReplyKeyboardMarkup
from telegram.ext import filters

from bot.domain import Role
from bot.i18n import t_plain

MENU_ROWS: dict[Role, list[list[str]]] = {
    Role.ADMIN: [
        ["menu.invite", "menu.invites"],
        ["menu.people"],
        ["menu.broadcast", "menu.broadcasts"],
        ["menu.projects", "menu.review"],
        ["menu.add_organisation", "menu.add_project"],
        ["menu.plan", "menu.counties"],
        ["menu.compliance", "menu.export"],
        ["menu.whoami", "menu.help"],
    ],
    Role.DEPUTY: [
        ["menu.inspect", "menu.month"],
        ["menu.projects", "menu.review"],
        ["menu.rank"],
        ["menu.whoami", "menu.help"],
    ],
    Role.MEMBER: [
        ["menu.report", "menu.projects"],
        ["menu.whoami", "menu.help"],
    ],
}

COMMANDS: dict[Role, list[str]] = {
    Role.ADMIN: [
        "commands.invite", "commands.invites", "commands.people", "commands.broadcast",
        "commands.broadcasts",
        "commands.projects", "commands.review", "commands.add_organisation",
        "commands.add_project", "commands.plan", "commands.holidays", "commands.counties",
        "commands.compliance", "commands.export", "commands.record", "commands.followups",
        "commands.coordinates", "commands.whoami", "commands.help", "commands.cancel",
    ],
    Role.DEPUTY: [
        "commands.inspect", "commands.month", "commands.followups", "commands.projects",
        "commands.review", "commands.rank",
        "commands.whoami", "commands.help", "commands.cancel",
    ],
    Role.MEMBER: [
        "commands.report", "commands.projects", "commands.office_report",
        "commands.whoami", "commands.help", "commands.cancel",
    ],
}

STRANGER_COMMANDS = ["commands.start"]
# Commands only a member of a facilitation office may use (organisations of kind "office").
OFFICE_ONLY = frozenset({"commands.office_report"})


def commands_for(role: Role, *, office: bool = False) -> list[str]:
    """The command keys a person of this role may use (an office's members have more)."""
    return [key for key in COMMANDS[role] if office or key not in OFFICE_ONLY]


def command_name(key: str) -> str:
    """«commands.invite» → «invite»."""
    return key.rsplit(".", 1)[-1]


def bot_commands(keys: list[str]) -> list[BotCommand]:
    """Telegram command objects with Persian descriptions."""
    return [BotCommand(command_name(key), t_plain(key)) for key in keys]


def main_menu(role: Role) -> ReplyKeyboardMarkup:
    """The role's persistent reply keyboard."""
    rows = [[KeyboardButton(t_plain(key)) for key in row] for row in MENU_ROWS[role]]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


# Labels of reply-keyboard buttons that flows show (besides the menus): a step takes its own
# label as its own button, and no text step ever takes any of them as an answer.
REPLY_LABEL_KEYS = [
    "menu.cancel", "inspections.location_button", "inspections.skip_location_button",
    "onboarding.share_phone_button",
]


def labels() -> list[str]:
    """Every menu entry's label (of every role) and every reply-keyboard button's label."""
    keys = {key for rows in MENU_ROWS.values() for row in rows for key in row}
    return sorted({t_plain(key) for key in keys | set(REPLY_LABEL_KEYS)})


def menu_labels() -> filters.BaseFilter:
    """Matches any menu or reply-keyboard label (of every role, and cancel)."""
    return filters.ChatType.PRIVATE & filters.Text(labels())


def free_text() -> filters.BaseFilter:
    """What a text step takes: typed text that is no command and no label of any button
    (python-telegram-bot's persistentconversationbot.py excludes its «Done» the same way)."""
    return filters.TEXT & ~filters.COMMAND & ~filters.Text(labels())


def menu_button(key: str) -> filters.BaseFilter:
    """Matches a private text message that is exactly the menu entry's label."""
    return filters.ChatType.PRIVATE & filters.Text([t_plain(key)])
