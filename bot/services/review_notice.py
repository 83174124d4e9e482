"""A report as its reviewer receives it, in one piece: the card, the attachments, the buttons.

The card comes first and says all a decision needs (figures, what was done, how many files),
so on a weak connection it is enough; its texts are cut to fit, and then it carries the
full-text button. Then the attachments as albums (Telegram groups photos with photos and
documents with documents; a voice note goes alone), the tracking code in the caption. Last a
short message with the decision buttons. Each part is one Bot API call in the outbox's form
(method, payload): the outbox queues them in order, and /review sends the same parts at once,
so a failed album never holds back the buttons.
"""

from __future__ import annotations

from typing import Any

from bot import limits
from bot.callbacks import Review
from bot.media_store import stored_path
from bot.platforms import file_field
from bot.db.repos.projects import Project
from bot.db.repos.reports import Attachment, Report
from bot.i18n import t, t_plain
from bot.services.notify import Button, text_message

Part = tuple[str, dict[str, Any]]  # (bot method, payload in the Bot API's parameter names)
ALBUM = 10  # items in one sendMediaGroup
_TITLE_IN_CAPTION = 200


def full_text_button(report_id: int) -> list[list[Button]]:
    """The «full text» button under a card whose texts were cut."""
    return [[(t_plain("review.full_text_button"), Review.FULL_TEXT(report_id))]]


def caption(code: str, project: Project) -> str:
    """The album's caption: which report the files belong to (within 1,024 characters)."""
    return limits.fit(
        lambda title: t("review.album_caption", code=code, title=title),
        {"title": limits.shorten(project.title, _TITLE_IN_CAPTION)}, limit=limits.CAPTION,
    )


def album_parts(code: str, project: Project, files: list[Attachment], *,
                source: str = "telegram", target: str = "telegram") -> list[Part]:
    """The attachments as few calls as Telegram allows, each captioned with the code. For a
    reviewer on another platform than the author's, one call each with the stored bytes (a
    file id works only with the bot that received it; a file never downloaded cannot go)."""
    text = caption(code, project)
    if source != target:
        sends = [(f"send_{f.kind}", field) for f in files
                 if (field := file_field(f.kind, f.file_id, stored_path(f.sha256),
                                         source=source, target=target)) is not None]
        return [(method, {**field, "caption": text, "parse_mode": "HTML"})
                for method, field in sends]
    parts: list[Part] = []
    for kind in ("photo", "document"):
        group = [f for f in files if f.kind == kind]
        for start in range(0, len(group), ALBUM):
            chunk = group[start : start + ALBUM]
            if len(chunk) == 1:
                parts.append((f"send_{kind}", {kind: chunk[0].file_id, "caption": text,
                                               "parse_mode": "HTML"}))
                continue
            media = [{"type": kind, "media": f.file_id} for f in chunk]
            media[0].update(caption=text, parse_mode="HTML")
            parts.append(("send_media_group", {"media": media}))
    parts.extend(("send_voice", {"voice": f.file_id, "caption": text, "parse_mode": "HTML"})
                 for f in files if f.kind == "voice")
    return parts


def notice_parts(
    card: str, report: Report, code: str, project: Project, files: list[Attachment],
    decision: list[list[Button]], *, cut: bool, source: str = "telegram",
    target: str = "telegram",
) -> list[Part]:
    """The card, then the albums, then the decision buttons (on the card when there are no
    files). `cut`: the card cut the report's texts, so it carries the full-text button."""
    extra = full_text_button(report.id) if cut else []
    if not files:
        return [("send_message", text_message(card, [*extra, *decision]))]
    ask = t("review.decide", code=code, title=limits.shorten(project.title, _TITLE_IN_CAPTION))
    return [("send_message", text_message(card, extra or None)),
            *album_parts(code, project, files, source=source, target=target),
            ("send_message", text_message(ask, decision))]
