"""Lists cut into pages that each fit one Telegram message, with next/previous buttons.

A view is a heading shown on every page and sections of entries (an entry is a few lines
of HTML and the buttons that act on it, such as a follow-up's «close»). `paginate` fills
each page with whole entries while the page fits Telegram's 4,096 characters (counted as
Telegram counts, bot/limits.py) and `per_page` entries, and adds the page buttons, whose
callback data comes from the caller (`nav(page)`: short ASCII the handler matches and
checks again). handlers/paging.py sends and turns the pages; nothing here touches Telegram.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot import limits
from bot.i18n import t, t_plain

Button = tuple[str, str]  # (label, callback_data)
PER_PAGE = 10
MAX_BUTTONS = 90  # Telegram takes 100 buttons under one message; the page buttons need two
_MARK_ROOM = 60  # the «page 2 of 5» line and its spacing


@dataclass(frozen=True)
class Entry:
    """One item of a list: its HTML and the buttons that act on it (one row)."""

    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Section:
    """Entries under a title; `empty` is shown in their place when there are none."""

    title: str
    entries: Sequence[Entry]
    empty: str = ""
    joiner: str = "\n"  # between entries ("\n\n" for entries of several lines)


@dataclass(frozen=True)
class View:
    """What a list shows: a heading on every page, then its sections."""

    head: str
    sections: Sequence[Section] = field(default_factory=tuple)
    empty: str = ""  # shown under the heading when no section has an entry or an empty text

    @classmethod
    def of(cls, head: str, entries: Sequence[Entry], empty: str = "",
           joiner: str = "\n") -> View:
        """A view of one untitled list."""
        return cls(head, (Section("", entries, joiner=joiner),), empty)


@dataclass(frozen=True)
class Page:
    text: str
    buttons: list[list[Button]]
    number: int  # from 0
    count: int


@dataclass(frozen=True)
class _Item:
    section: int
    entry: Entry


def _items(view: View) -> list[_Item]:
    items = []
    for index, section in enumerate(view.sections):
        if section.entries:
            items.extend(_Item(index, entry) for entry in section.entries)
        elif section.empty:
            items.append(_Item(index, Entry(section.empty)))
    return items


def _compose(view: View, head: str, items: Sequence[_Item]) -> str:
    parts = [head] if head else []
    current: int | None = None
    for item in items:
        if item.section != current:
            current = item.section
            title = view.sections[current].title
            parts.append(f"{title}\n{item.entry.text}" if title else item.entry.text)
        else:
            parts[-1] += view.sections[current].joiner + item.entry.text
    return "\n\n".join(parts)


def paginate(view: View, nav: Callable[[int], str], *, per_page: int = PER_PAGE,
             limit: int = limits.TEXT) -> list[Page]:
    """The view's pages, each within limit with at most per_page entries; at least one."""
    room = limit - _MARK_ROOM
    head = limits.cut_html(view.head, room // 2)
    titles = max((limits.length(s.title) for s in view.sections), default=0)
    entry_room = room - limits.length(head) - titles - 4
    items = [
        _Item(i.section, Entry(limits.cut_html(i.entry.text, entry_room), i.entry.buttons))
        for i in _items(view)
    ]
    if not items:
        text = "\n\n".join(part for part in (head, view.empty) if part)
        return [Page(limits.cut_html(text or t("paging.empty"), limit), [], 0, 1)]
    groups: list[list[_Item]] = [[]]
    for item in items:
        group = groups[-1]
        buttons = sum(len(i.entry.buttons) for i in group) + len(item.entry.buttons)
        if group and (len(group) >= per_page or buttons > MAX_BUTTONS
                      or limits.length(_compose(view, head, [*group, item])) > room):
            groups.append([item])
        else:
            group.append(item)
    count = len(groups)
    pages = []
    for number, group in enumerate(groups):
        text = _compose(view, head, group)
        rows = [list(i.entry.buttons) for i in group if i.entry.buttons]
        if count > 1:
            text += "\n\n" + t("paging.marker", page=number + 1, count=count)
            rows.append(nav_row(number, count, nav))
        pages.append(Page(text, rows, number, count))
    return pages


def nav_row(number: int, count: int, nav: Callable[[int], str]) -> list[Button]:
    """The next button (left, as Persian reads) and the previous one (right) for page `number`."""
    row = []
    if number + 1 < count:
        row.append((t_plain("paging.next"), nav(number + 1)))
    if number > 0:
        row.append((t_plain("paging.previous"), nav(number - 1)))
    return row
