"""Inline keyboard builders shared by flows. callback_data comes from bot/callbacks.py."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from telegram.error import BadRequest

from bot.i18n import t_plain

NOT_MODIFIED = "message is not modified"  # Telegram's answer to an edit that changes nothing


@lru_cache(maxsize=4096)
def button(label: str, data: str) -> InlineKeyboardButton:
    """One inline button. PTB's buttons are immutable, so one is built per label and data and
    shared: a checklist shown again after each answer reuses all its buttons but the one
    whose mark moved (building them was a tenth of a checklist answer's time)."""
    return InlineKeyboardButton(label, callback_data=data)


def grid(
    items: Sequence[tuple[str, str]], columns: int = 2, extra: Sequence[tuple[str, str]] = ()
) -> InlineKeyboardMarkup:
    """(label, callback_data) pairs laid out in rows of `columns`, then `extra` one per row."""
    rows = [
        [button(label, data) for label, data in items[i : i + columns]]
        for i in range(0, len(items), columns)
    ]
    rows.extend([button(label, data)] for label, data in extra)
    return InlineKeyboardMarkup(rows)


def rows_keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """(label, callback_data) rows as they are (services build them); empty rows left out."""
    return InlineKeyboardMarkup(
        [[button(label, data) for label, data in row]
         for row in rows if row])


def rows_markup(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup | None:
    """(label, callback_data) rows as an inline keyboard; None when there are none."""
    if not any(rows):
        return None
    return InlineKeyboardMarkup(
        [[button(label, data) for label, data in row]
         for row in rows if row]
    )


def share_contact() -> ReplyKeyboardMarkup:
    """A one-button keyboard that sends the person's own phone number."""
    button = KeyboardButton(t_plain("onboarding.share_phone_button"), request_contact=True)
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)


async def drop_keyboard(query: CallbackQuery) -> None:
    """Takes the buttons off the pressed message; one that has none left stays as it is (a
    double tap, or a second message with the same button)."""
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as exc:
        if NOT_MODIFIED not in str(exc).lower():
            raise
