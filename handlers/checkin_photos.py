"""The check-in's photo step: 1 to 10 photos or image files, each downloaded once and looked
up among every image stored before. Part of the /inspect flow (handlers/deputy_checkin.py).
"""

from __future__ import annotations

from bot.clock import to_db
from bot.i18n import t
from bot.services import inspections as svc
from bot.services import photo_evidence
from bot.services.photo_evidence import stored_facts
from bot.steps import STAY, Outcome, Refuse
from handlers.flowkit import Turn
from handlers.media import download_image, image_of


async def photo_received(turn: Turn) -> Outcome:
    """Downloads a photo (or image file) once into the media folder and counts it."""
    image = image_of(turn.message)
    if len(turn.data.get("photos", [])) >= svc.MAX_PHOTOS:
        return Refuse("inspections.photos_full", {"max": svc.MAX_PHOTOS}, ask=True)
    if svc.photo_known(turn.draft, image.media.file_unique_id):
        return "photos"
    if (stored := await download_image(turn.context, turn.message, image)) is None:
        return STAY
    photo = {
        "sha256": stored.sha256, "path": stored.path, "size": stored.size,
        "file_id": image.media.file_id, "file_unique_id": image.media.file_unique_id,
        "mime_type": image.mime, "source": image.source,
        "forwarded": turn.message.forward_origin is not None, "sent_at": to_db(turn.message.date),
        **stored_facts(stored.facts.as_dict()),
    }
    # A photo of an earlier visit or follow-up (any county): kept, marked, and said at once.
    if earlier := await photo_evidence.mark_used_before(turn.repos, photo):
        await turn.say(t("evidence.used_before_now", tracking=svc.show_tracking(earlier)))
    svc.add_photo(turn.now(), turn.draft, photo)
    return "photos"


async def photos_finished(turn: Turn) -> Outcome:
    """Closes the photo step and moves on to the checklist."""
    return svc.photos_done(turn.draft)
