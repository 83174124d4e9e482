"""At each Jalali month's close every admin receives the league table and the chart.

Due from REMINDER_TIME on day 1 of the next month; a bot that was down then sends it on
the next tick within CATCH_UP_DAYS. The chart is stored under MEDIA_DIR and the outbox row
names the file (payload "photo_path"), so the worker sends the bytes however late it runs.
The chart row is queued last in the same transaction as the texts: its dedup key marks the
whole delivery as queued, so later ticks skip the work (with no ranked county there is no
chart, and the last text carries that key). Each text has the drill-down buttons of the
counties it names.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.db.repos import Repos
from bot.domain import Role
from bot.heavy_jobs import chart_png
from bot.i18n import t_plain
from bot.jalali import JalaliMonth, to_jalali
from bot.media_store import store_media
from bot.services.compliance import league
from bot.services.compliance_views import league_messages
from bot.services.notify import queue_text
from bot.workers import Lane, Workers

CATCH_UP_DAYS = 3


def closed_month(now: datetime, tz: ZoneInfo, reminder_time: time) -> JalaliMonth | None:
    """The month whose close is due now (None outside the first days or before the time)."""
    local = now.astimezone(tz)
    day = to_jalali(local.date()).day
    if day > CATCH_UP_DAYS or (day == 1 and local.time() < reminder_time):
        return None
    return JalaliMonth.of(local.date()).prev()


def marker(period: str, person_id: int) -> str:
    """Dedup key of the chart row, queued last: present means everything was queued."""
    return f"league:{period}:{person_id}"


async def queue_month_close(
    repos: Repos, now: datetime, tz: ZoneInfo, reminder_time: time, media_dir: Path,
    workers: Workers | None = None,
) -> int:
    """Queues the closed month's table and chart for admins not served yet; returns how many."""
    month = closed_month(now, tz, reminder_time)
    if month is None:
        return 0
    period = month.key()
    admins = await repos.people.active(Role.ADMIN)
    done = await repos.outbox.existing_keys([marker(period, a.id) for a in admins])
    due = [a for a in admins if marker(period, a.id) not in done and a.tg_user_id]
    if not due:
        return 0
    table = await league(repos, month, now, tz)
    messages = league_messages(table, closed=True)
    chart = None
    if table.lines:
        # Drawn in a worker process when there are workers (the bot), in a thread otherwise.
        png = (await workers.run(Lane.HEAVY, chart_png, table) if workers is not None
               else await asyncio.to_thread(chart_png, table))
        chart = store_media(media_dir, png, ".png").path
    caption = t_plain("compliance.chart_caption", month=month.label())
    async with repos.db.transaction():
        for admin in due:
            chat = int(admin.tg_user_id or 0)
            for index, item in enumerate(messages):
                # Without a chart the last text carries the marker instead.
                last = chart is None and index == len(messages) - 1
                key = marker(period, admin.id) if last else f"{marker(period, admin.id)}:{index}"
                await queue_text(repos.outbox, now, platform=admin.platform, chat_id=chat,
                                 kind="league", text=item.text,
                                 buttons=item.buttons, dedup_key=key)
            if chart is not None:
                await repos.outbox.enqueue(
                    now, platform=admin.platform, chat_id=chat, kind="league_chart",
                    method="send_photo",
                    payload={"photo_path": chart, "caption": caption},
                    dedup_key=marker(period, admin.id),
                )
    return len(due)
