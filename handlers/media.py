"""Files people send: checked, downloaded once and kept by SHA-256 beside their file_id."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass, field

from telegram import Document, Message, PhotoSize
from telegram.error import BadRequest, TelegramError

from bot.context import BotContext
from bot.i18n import t
from bot.images import MAX_PIXELS, ImageFacts, analyse, pixel_count
from bot.media_store import StoredFile, store_media
from bot.services.file_kinds import sniff
from bot.services.inspections import MAX_FILE_BYTES
from bot.workers import Lane, workers

log = logging.getLogger(__name__)


def file_of(message: Message):  # noqa: ANN201 - PhotoSize | Document | Voice | None
    """The largest photo size, the document or the voice note of a message."""
    if message.photo:
        return message.photo[-1]
    return message.document or message.voice


def kind_of(message: Message) -> str | None:
    """Attachment kind: photo, document or voice; None for anything else."""
    if message.photo:
        return "photo"
    if message.document:
        return "document"
    return "voice" if message.voice else None


async def download(context: BotContext, file_id: str) -> str | None:
    """Downloads a file once into MEDIA_DIR (content-addressed); its SHA-256, or None on failure."""
    try:
        data = await (await context.bot.get_file(file_id)).download_as_bytearray()
        return store_media(context.settings.media_dir, bytes(data)).sha256
    except (TelegramError, OSError):
        return None  # the file_id is kept; the bytes can be fetched again later


@dataclass(frozen=True)
class Upload:
    sha256: str | None  # None: not downloaded (the file_id is kept; bytes fetched later)
    refused: bool = False  # downloaded, and its first bytes are none of the accepted kinds


async def download_document(context: BotContext, file_id: str) -> Upload:
    """Downloads a document once into MEDIA_DIR and checks what its first bytes say it is
    (PDF, JPEG, PNG, WebP, HEIC); a refused file is not stored."""
    try:
        data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    except (TelegramError, OSError):
        return Upload(None)
    if sniff(data) is None:
        return Upload(None, refused=True)
    try:
        return Upload(store_media(context.settings.media_dir, data).sha256)
    except OSError:
        return Upload(None)


@dataclass(frozen=True)
class Image:
    media: PhotoSize | Document
    source: str  # 'photo' or 'document'
    mime: str

    @property
    def too_big(self) -> bool:
        """Over the Bot API's 20 MB download limit, as Telegram announced it."""
        return (self.media.file_size or 0) > MAX_FILE_BYTES


def image_of(message: Message) -> Image:
    """The largest size of a photo, or the image document (filters.Document.IMAGE)."""
    if message.photo:
        return Image(message.photo[-1], "photo", "image/jpeg")
    return Image(message.document, "document", message.document.mime_type or "")


@dataclass(frozen=True)
class KeptImage(StoredFile):
    """A stored image and what it says about itself (EXIF, perceptual hash, working copy)."""

    facts: ImageFacts = field(default_factory=ImageFacts)


async def download_image(context: BotContext, message: Message, image: Image) -> KeptImage | None:
    """Downloads, checks and stores the image, and reads it in a worker process; None (after
    saying why) when it is too big to download or has more pixels than MAX_PIXELS."""
    if image.too_big:
        await message.reply_text(t("inspections.photo_too_big"))
        return None
    try:
        data = await (await context.bot.get_file(image.media.file_id)).download_as_bytearray()
    except BadRequest:  # "file is too big" when Telegram did not announce the size
        await message.reply_text(t("inspections.photo_too_big"))
        return None
    pixels = pixel_count(bytes(data))  # the header only: nothing is decoded yet
    if pixels is not None and pixels > MAX_PIXELS:
        await message.reply_text(t("evidence.too_many_pixels", megapixels=pixels // 1_000_000,
                                   limit=MAX_PIXELS // 1_000_000))
        return None
    suffix = mimetypes.guess_extension(image.mime) or ".jpg"
    stored = store_media(context.settings.media_dir, bytes(data), suffix)
    try:
        facts = await workers(context.bot_data).run(
            Lane.QUICK, analyse, str(context.settings.media_dir), stored.path,
            context.clock.tz.key)
    except Exception:  # the photo is kept; the back-fill reads it later (phash stays NULL)
        log.exception("could not read image %s", stored.path)
        facts = ImageFacts(phash=None)
    return KeptImage(stored.sha256, stored.path, stored.size, facts)
