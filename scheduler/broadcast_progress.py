"""The admin's status message of a broadcast, edited as delivery goes, then the final report.

An observer of the outbox worker: after each dispatched batch it edits the status message of
every broadcast still sending, at most once every PROGRESS_EVERY seconds of the worker's own
(injectable) monotonic time. Each edit takes a Pacer slot like a delivery (one slot in 90 at
full speed, about 1 % of the ceiling), so the limits hold for edits too. When nothing of a
broadcast is left to send it is closed and the final report is queued to its author in the
same transaction (bot.services.broadcasts.finish_if_done).
"""

from __future__ import annotations

import logging

from telegram.error import BadRequest, RetryAfter, TelegramError

from bot.db.repos.broadcasts import Broadcast
from bot.services.broadcasts import Progress, finish_if_done, progress, status_text
from scheduler.outbox import OutboxWorker, retry_after_seconds

log = logging.getLogger(__name__)

PROGRESS_EVERY = 3.0
CHECK_EVERY = 1.0  # while busy, counts are read at most this often (idle: every time)
_CHECKED = "broadcast_progress_checked"


async def report(worker: OutboxWorker, idle: bool) -> None:
    """Edits status messages that are due for an edit and closes finished broadcasts."""
    repos = worker.repos
    bot_data = worker.app.bot_data
    last_edit: dict[int, float] = bot_data.setdefault("broadcast_progress", {})
    started = worker.pacer.monotonic()
    if not idle and started - bot_data.get(_CHECKED, float("-inf")) < CHECK_EVERY:
        return
    bot_data[_CHECKED] = started
    for broadcast in await repos.broadcasts.sending():
        current = await progress(repos, broadcast)
        if current.finished:
            final = await finish_if_done(repos, worker.now(), broadcast)
            if final is not None:
                await _edit(worker, broadcast, final)
                last_edit.pop(broadcast.id, None)
                worker.wake.set()  # the report waits in the outbox
            continue
        now = worker.pacer.monotonic()
        if now - last_edit.get(broadcast.id, float("-inf")) < PROGRESS_EVERY:
            continue
        edited_at = await _edit(worker, broadcast, current)
        if edited_at is not None:
            last_edit[broadcast.id] = edited_at


async def _edit(worker: OutboxWorker, broadcast: Broadcast, current: Progress) -> float | None:
    """Edits the status message, taking a Pacer slot like any send; returns when the slot was
    granted (None when there is no status message)."""
    chat_id, message_id = broadcast.status_chat_id, broadcast.status_message_id
    if chat_id is None or message_id is None:
        return None
    platform = broadcast.status_platform or "telegram"  # the admin's platform
    pacer = worker.pacer_for(platform)
    await pacer.acquire(chat_id)
    granted = pacer.monotonic()
    try:
        # What the edit returns is not read: Bale answers edits with a stub.
        await worker.bot_for(platform).edit_message_text(
            chat_id=chat_id, message_id=message_id, text=status_text(broadcast, current),
        )
    except RetryAfter as exc:
        pacer.pause(retry_after_seconds(exc))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            log.warning("status message of broadcast %s not edited: %s", broadcast.id, exc)
    except TelegramError as exc:  # the next edit (or the final report) will tell the admin
        log.warning("status message of broadcast %s not edited: %s", broadcast.id, exc)
    return granted
