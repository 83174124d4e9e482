"""What a sandbox person sees: the bot's messages as text, keyboards as numbered buttons."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import t_plain
from bot.sandbox.fake_api import Call

SHOWN = ("sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendLocation",
         "editMessageText", "editMessageCaption", "editMessageReplyMarkup")
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Button:
    label: str
    kind: str = "text"  # callback, text, contact, location, url
    data: str = ""
    message_id: int = 0


@dataclass
class Shown:
    """A message of the bot that has inline buttons, kept so they can be pressed later."""

    number: int  # «#3» on the screen, per person
    text: str  # its first line, to recognise it in a list
    inline: list[list[Button]]


@dataclass
class Screen:
    """One person's pressable buttons: the newest reply's inline keyboard and the menu (by
    their numbers), and every earlier message's keyboard (by the message's number)."""

    inline: list[list[Button]] = field(default_factory=list)
    menu: list[list[Button]] = field(default_factory=list)
    messages: dict[int, Shown] = field(default_factory=dict)  # message_id → shown
    count: int = 0

    def numbered(self) -> list[Button]:
        """Every pressable button in the order of its number (1-based)."""
        return [b for row in [*self.inline, *self.menu] for b in row]

    def button(self, number: int) -> Button | None:
        buttons = self.numbered()
        return buttons[number - 1] if 0 < number <= len(buttons) else None

    def remember(self, message_id: int, text: str, inline: list[list[Button]]) -> Shown:
        """Keeps (or updates, for an edit) a message's keyboard; returns it with its number."""
        shown = self.messages.get(message_id)
        if shown is None:
            self.count += 1
            shown = self.messages[message_id] = Shown(self.count, text, inline)
        else:
            shown.inline = inline
            shown.text = text or shown.text
        return shown

    def message(self, number: int) -> Shown | None:
        """The kept message with this number."""
        return next((m for m in self.messages.values() if m.number == number), None)

    def pressable(self) -> list[Shown]:
        """The kept messages that still have buttons, oldest first."""
        return [m for m in self.messages.values() if m.inline]


def plain(text: str) -> str:
    """Telegram HTML as terminal text."""
    return html.unescape(_TAG.sub("", text))


def _inline(markup: dict[str, Any], message_id: int) -> list[list[Button]]:
    rows = []
    for row in markup.get("inline_keyboard") or []:
        buttons = []
        for b in row:
            if b.get("callback_data"):
                buttons.append(Button(b["text"], "callback", b["callback_data"], message_id))
            else:
                buttons.append(Button(b["text"], "url", b.get("url", "")))
        rows.append(buttons)
    return rows


def _menu(markup: dict[str, Any]) -> list[list[Button]]:
    rows = []
    for row in markup.get("keyboard") or []:
        buttons = []
        for b in row:
            b = {"text": b} if isinstance(b, str) else b
            kind = ("contact" if b.get("request_contact")
                    else "location" if b.get("request_location") else "text")
            buttons.append(Button(b["text"], kind))
        rows.append(buttons)
    return rows


def _body(call: Call) -> list[str]:
    p = call.params
    lines = []
    if call.endpoint == "sendPhoto":
        lines.append(t_plain("sandbox.photo_sent", path=", ".join(map(str, call.saved)) or "-"))
    elif call.endpoint == "sendDocument":
        lines.append(t_plain("sandbox.document_sent", path=", ".join(map(str, call.saved)) or "-"))
    elif call.endpoint == "sendMediaGroup":
        lines.append(t_plain("sandbox.album_sent", count=len(p.get("media") or [])))
    elif call.endpoint == "sendLocation":
        lines.append(t_plain("sandbox.location_sent", lat=str(p.get("latitude")),
                             lon=str(p.get("longitude"))))
    text = call.text
    if text:
        prefix = t_plain("sandbox.edited") + " " if call.endpoint.startswith("edit") else ""
        lines.extend((prefix + plain(str(text))).splitlines() or [""])
    return lines


def _numbered_rows(rows: list[list[Button]], start: int) -> tuple[list[str], int]:
    lines = []
    n = start
    for row in rows:
        cells = []
        for b in row:
            cells.append(f"[{n}] {b.label}")
            n += 1
        lines.append("   " + "   ".join(cells))
    return lines, n


class Renderer:
    """Turns Bot API calls into lines, keeping each person's Screen up to date."""

    def __init__(self) -> None:
        self.screens: dict[int, Screen] = {}

    def screen(self, chat_id: int) -> Screen:
        return self.screens.setdefault(chat_id, Screen())

    def render(self, calls: list[Call], me: int, names: dict[int, str],
               buttons: bool = True) -> list[str]:
        """Lines for the terminal: my messages, then my buttons; others' messages labelled.

        A message with inline buttons is tagged «#N»; its buttons stay pressable with
        /press N B after newer messages came, and after switching to someone else and back."""
        out: list[str] = []
        shown_to_me = False
        for call in calls:
            if call.endpoint == "answerCallbackQuery":
                if call.params.get("text"):
                    out.append(t_plain("sandbox.toast", text=plain(str(call.params["text"]))))
                continue
            if call.endpoint not in SHOWN or call.chat_id is None:
                continue
            screen = self.screen(call.chat_id)
            mine = call.chat_id == me
            if mine and not shown_to_me:
                screen.inline = []  # bare numbers press the newest reply's buttons
                shown_to_me = True
            body = _body(call)
            tag = self._update(screen, call, body[0] if body else "")
            if tag is not None and body:
                body[0] += "   " + t_plain("sandbox.message_tag", n=str(tag))
            if mine:
                out.extend(["🤖 " + body[0], *("   " + line for line in body[1:])] if body else [])
            else:
                name = names.get(call.chat_id, str(call.chat_id))
                out.append(t_plain("sandbox.to_other", name=name))
                out.extend("   " + line for line in body)
        if shown_to_me and buttons:
            out.extend(self.buttons(me))
        return out

    def earlier(self, me: int, only: int | None = None) -> list[str]:
        """The person's earlier messages that still have buttons (for /press and /as)."""
        screen = self.screen(me)
        lines = []
        for shown in screen.pressable():
            if only is not None and shown.number != only:
                continue
            labels = "   ".join(f"[{n}] {b.label}" for n, b in enumerate(
                (b for row in shown.inline for b in row), start=1))
            lines.append(t_plain("sandbox.earlier_line", n=str(shown.number),
                                 text=shown.text[:60], buttons=labels))
        return lines

    def buttons(self, me: int) -> list[str]:
        """The numbered buttons a person can press now."""
        screen = self.screen(me)
        lines, n = _numbered_rows(screen.inline, 1)
        if screen.menu:
            menu, _ = _numbered_rows(screen.menu, n)
            lines.append(t_plain("sandbox.menu_label"))
            lines.extend(menu)
        return lines

    @staticmethod
    def _update(screen: Screen, call: Call, first_line: str) -> int | None:
        """Updates the person's buttons from one call; the message's number if it has any."""
        markup = call.params.get("reply_markup")
        if isinstance(markup, str):
            markup = None
        kept = screen.messages.get(call.message_id or 0)
        if call.endpoint.startswith("edit") and not markup:
            # An edit without a keyboard takes the message's buttons away, as Telegram does.
            screen.inline = []
            if kept is not None:
                kept.inline = []
        if not markup:
            return None
        if "inline_keyboard" in markup:
            screen.inline = _inline(markup, call.message_id or 0)
            return screen.remember(call.message_id or 0, first_line, screen.inline).number
        if "keyboard" in markup:
            screen.menu = _menu(markup)
        elif markup.get("remove_keyboard"):
            screen.menu = []
        return None
