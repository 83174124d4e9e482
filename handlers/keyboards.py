"""Inline keyboard builders shared by flows. callback_data is short ASCII: «prefix:id»."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.i18n import t_plain


def grid(
    items: Sequence[tuple[str, str]], columns: int = 2, extra: Sequence[tuple[str, str]] = ()
) -> InlineKeyboardMarkup:
    """(label, callback_data) pairs laid out in rows of `columns`, then `extra` one per row."""
    rows = [
        [InlineKeyboardButton(label, callback_data=data) for label, data in items[i : i + columns]]
        for i in range(0, len(items), columns)
    ]
    rows.extend([InlineKeyboardButton(label, callback_data=data)] for label, data in extra)
    return InlineKeyboardMarkup(rows)


def rows_keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """(label, callback_data) rows as they are (services build them); empty rows left out."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
         for row in rows if row])


def rows_markup(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup | None:
    """(label, callback_data) rows as an inline keyboard; None when there are none."""
    if not any(rows):
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
         for row in rows if row]
    )


def share_contact() -> ReplyKeyboardMarkup:
    """A one-button keyboard that sends the person's own phone number."""
    button = KeyboardButton(t_plain("onboarding.share_phone_button"), request_contact=True)
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
