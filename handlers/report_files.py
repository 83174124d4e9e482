"""The files of /report: photos, documents and a voice note of what was done.

Each is downloaded once (a document is also checked by its first bytes); type, size, count
and duplicates are the rules of bot/services/report_draft.py. The steps are wired in
handlers/member_report.py.
"""

from __future__ import annotations

from bot.clock import to_db
from bot.i18n import t
from bot.services import report_draft as rules
from bot.steps import STAY, Outcome, Refuse
from handlers import report_steps as ask
from handlers.flow_turn import Turn
from handlers.media import Upload, download, download_document, file_of, kind_of


async def done_spoken(turn: Turn) -> Outcome:
    """What was done, as a voice note (downloaded once, kept with the files)."""
    return rules.set_done_voice(turn.draft, _file(turn, (await _fetch(turn)).sha256))


async def file_sent(turn: Turn) -> Outcome:
    """Checks type, size and count, keeps the file (downloaded once) and asks for the next."""
    item = file_of(turn.message)
    refusal = rules.file_refusal(turn.draft, mime_type=getattr(item, "mime_type", None),
                                 size=item.file_size, is_document=turn.message.document is not None)
    if refusal is not None:
        return refusal
    upload = await _fetch(turn)
    if upload.refused:
        return Refuse("report.file_not_accepted")  # by its content: a program named receipt.pdf
    if rules.add_file(turn.draft, _file(turn, upload.sha256)) is None:
        return Refuse("report.file_duplicate")
    return "files"


async def _fetch(turn: Turn) -> Upload:
    """Downloads the file once; a document is also checked by its first bytes (a photo is
    Telegram's own JPEG)."""
    item = file_of(turn.message)
    if turn.message.document:
        return await download_document(turn.context, item.file_id)
    return Upload(await download(turn.context, item.file_id))


def _file(turn: Turn, sha256: str | None) -> dict:
    item = file_of(turn.message)
    return {"kind": kind_of(turn.message) or "document", "file_id": item.file_id,
            "file_unique_id": item.file_unique_id,
            "file_name": getattr(item, "file_name", None),
            "mime_type": getattr(item, "mime_type", None), "size": item.file_size,
            "sha256": sha256, "received_at": to_db(turn.now())}


async def files_cleared(turn: Turn) -> Outcome:
    """Removes the draft's photos and documents and asks again."""
    rules.clear_files(turn.draft)
    await turn.answer()
    await turn.say(t("report.files_cleared"), ask.files_keyboard())
    return STAY


async def files_finished(turn: Turn) -> Outcome:
    """Ends the file loop."""
    return rules.files_done(turn.draft)
