"""The outbox's last defence: a message still too long when it is sent is cut, never given up."""

from __future__ import annotations

import html

from bot import limits
from bot.i18n import t
from bot.services.notify import queue_text

CHAT = 4242


async def test_an_over_long_text_is_cut_with_a_pointer_and_sent(strict):
    body = html.escape("\u06af\u0632\u0627\u0631\u0634 <\U0001F4CB> & ") * 700  # ~7,000 units
    async with strict.repos.db.transaction():
        await queue_text(strict.repos.outbox, strict.clock.now(), platform="telegram", chat_id=CHAT, kind="probe",
                         text=f"<b>Head</b>\n<i>{body}</i>")
    await strict.deliver()
    [row] = await strict.repos.outbox.items("probe")
    assert row["status"] == "sent"
    [call] = strict.api.to(CHAT)
    assert limits.length(call.text) <= limits.TEXT
    assert call.text.startswith("<b>Head</b>\n<i>") and call.text.endswith(t("fit.cut_by_outbox"))
    assert strict.api.refused == []


async def test_over_long_captions_of_an_album_and_a_photo_are_cut(strict):
    caption = "\u0639\u06a9\u0633 " * 600
    async with strict.repos.db.transaction():
        await strict.repos.outbox.enqueue(
            strict.clock.now(), platform="telegram", chat_id=CHAT, kind="probe", method="send_media_group",
            payload={"media": [{"type": "photo", "media": "p1", "caption": caption},
                               {"type": "photo", "media": "p2"}]})
        await strict.repos.outbox.enqueue(
            strict.clock.now(), platform="telegram", chat_id=CHAT, kind="probe", method="send_photo",
            payload={"photo": "p3", "caption": caption, "parse_mode": "HTML"})
    await strict.deliver()
    assert {r["status"] for r in await strict.repos.outbox.items("probe")} == {"sent"}
    album, photo = strict.api.to(CHAT)
    assert limits.length(album.params["media"][0]["caption"], parse_html=False) <= limits.CAPTION
    assert limits.length(photo.params["caption"]) <= limits.CAPTION
    assert strict.api.refused == []
