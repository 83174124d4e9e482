"""Keeping files people send: Telegram's file_id plus the bytes, downloaded once into MEDIA_DIR."""

from __future__ import annotations

from telegram import Message
from telegram.error import TelegramError

from bot.context import BotContext
from bot.services.progress import store_media


def file_of(message: Message):  # noqa: ANN201 - PhotoSize | Document | Voice | None
    """The largest photo size, the document or the voice note of a message."""
    if message.photo:
        return message.photo[-1]
    return message.document or message.voice


def kind_of(message: Message) -> str | None:
    """«photo», «document» or «voice» (attachment kinds), None for anything else."""
    if message.photo:
        return "photo"
    if message.document:
        return "document"
    return "voice" if message.voice else None


async def download(context: BotContext, file_id: str) -> str | None:
    """Downloads a file once into MEDIA_DIR (content-addressed); its SHA-256, or None on failure."""
    try:
        data = await (await context.bot.get_file(file_id)).download_as_bytearray()
        return store_media(context.settings.media_dir, bytes(data))
    except (TelegramError, OSError):
        return None  # the file_id is kept; the bytes can be fetched again later
