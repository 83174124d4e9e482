"""The printed record (PDF) of a visit: «/record TRACKING» or the 📄 button under /month.

It is drawn in a worker process (handlers/heavy.py): the bot goes on answering everyone
meanwhile, and a second tap while it is being drawn is told so.

Admins may have any visit's record; a deputy only the records of visits they made
themselves. The id in the button is checked against that on the server.
"""

from __future__ import annotations

import io

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import Records
from bot.auth import person_of, refuse, require_role
from bot.context import BotContext
from bot.domain import Person, Role
from bot.heavy_jobs import record_pdf
from bot.i18n import fa_digits, t
from bot.text import as_typed, latin_digits
from bot.workers import Lane, workers
from handlers.heavy import prepare


def may_have(person: Person, visit: dict) -> bool:
    """Admins: every record; a deputy: the visits they made."""
    return person.role is Role.ADMIN or visit["deputy_id"] == person.id


async def _send(update: Update, context: BotContext, inspection_id: int) -> bool:
    """Starts the record in a worker process (it is sent when ready); False when the visit
    does not exist or is not theirs."""
    # fpdf2 is loaded in the worker process only (bench/footprint.py).
    from bot.services.pdf_record import Letterhead, file_name, load_record  # noqa: PLC0415

    person = await person_of(update, context)
    settings = context.settings
    record = await load_record(context.repos, inspection_id, settings.media_dir,
                               Letterhead.of(settings.province_name, settings.office_name))
    if record is None or not may_have(person, record.visit):
        return False
    tracking = record.visit["tracking"]
    chat_id = update.effective_chat.id

    async def work() -> None:
        data = await workers(context.bot_data).run(
            Lane.HEAVY, record_pdf, record, context.clock.tz, context.now())
        await context.bot.send_document(
            chat_id, InputFile(io.BytesIO(data), filename=file_name(tracking)),
            caption=t("pdf_record.caption", tracking=fa_digits(tracking)))

    await prepare(update, context, f"record:{person.id}:{inspection_id}", work)
    return True


@require_role(Role.ADMIN, Role.DEPUTY)
async def record_command(update: Update, context: BotContext) -> None:
    """«/record TRACKING» (any digit script): sends that visit's record, or says why not."""
    typed = as_typed(" ".join(context.args or []))
    if not typed:
        await update.effective_message.reply_text(t("pdf_record.usage"))
        return
    # Looked up in the stored form (Latin digits, no spaces); answered with what was typed.
    inspection_id = await context.repos.exports.inspection_id(
        latin_digits(typed).replace(" ", ""))
    if inspection_id is None or not await _send(update, context, inspection_id):
        await update.effective_message.reply_text(t("pdf_record.not_found", tracking=typed))


@require_role(Role.ADMIN, Role.DEPUTY)
async def record_button(update: Update, context: BotContext) -> None:
    """The 📄 button: checks the visit is the person's to see, then sends the record."""
    (inspection_id,) = Records.PDF.parse(update.callback_query.data)
    if not await _send(update, context, inspection_id):
        await refuse(update)


def build_handlers() -> list:
    """/record and the record buttons."""
    return [CommandHandler("record", record_command),
            CallbackQueryHandler(record_button, pattern=Records.PDF.pattern)]
