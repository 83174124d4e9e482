"""Photos that cannot be recycled (issue 13), end to end through the fake Bot API.

A photo of one county's visit, resized and re-encoded, sent by another county's deputy is
"used before": the deputy hears it at once with the earlier tracking number, the visit
cannot be strong, and admins see it in the record, the month's digest and the export. A
photo sent as a file keeps its EXIF time and GPS and they count as evidence.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from bot.domain import Role
from bot.i18n import fa_digits, t
from bot.inspection_domain import Evidence
from bot.jalali import JalaliMonth
from bot.services.inspection_reminders import county_table
from bot.services.inspections import show_tracking
from tests.conftest import ADMIN_ID, Harness
from tests.fakes import ChatSim
from tests.images import jpeg, photo, recycled, with_exif
from tests.inspect_flow import NEAR, SITE, add_facility, answer_all, confirm_data, pick_facility
from tests.people import register


async def _visit(bot: Harness, chat: ChatSim, facility, images: list[bytes], *,
                 as_files: bool = False, tag: str = "") -> dict:
    """A whole check-in with these image bytes, confirmed; the stored inspection row."""
    await pick_facility(bot, chat, facility)
    await chat.send_location(*NEAR)
    for n, data in enumerate(images):
        file_id = f"{tag}{chat.user_id}-{n}"
        if as_files:
            await chat.send_document(file_id, f"IMG_{n}.jpg", "image/jpeg", data=data)
        else:
            await chat.send_photo(file_id, data=data)
    await chat.click("ci:pd")
    await answer_all(bot, chat, facility.facility_type_id)
    await chat.click("ci:nf")
    await chat.click(confirm_data(chat))
    inspection_id = max(r["id"] for r in await bot.repos.db.fetchall(
        "SELECT id FROM inspections WHERE deputy_id = (SELECT id FROM people WHERE tg_user_id = ?)",
        (chat.user_id,)))
    return await bot.repos.inspections.row(inspection_id)


async def _two_counties(bot: Harness):
    first, second = (await bot.repos.counties.all())[:2]
    chat_a, _ = await register(bot, 5100, Role.DEPUTY, county=first.name, name="Ali")
    chat_b, _ = await register(bot, 5200, Role.DEPUTY, county=second.name, name="Sara")
    site_a = await add_facility(bot, first.name, "Slaughterhouse A")
    site_b = await add_facility(bot, second.name, "Slaughterhouse B")
    return chat_a, chat_b, site_a, site_b


async def test_a_recycled_photo_across_two_counties(bot: Harness, tmp_path) -> None:
    chat_a, chat_b, site_a, site_b = await _two_counties(bot)
    original = photo(1)
    first = await _visit(bot, chat_a, site_a, [jpeg(original)])
    assert first["evidence"] == Evidence.STRONG
    [stored] = await bot.repos.inspections.photos(first["id"])
    assert len(stored["phash"]) == 16 and stored["used_before"] is None
    assert (bot.settings.media_dir / stored["work_path"]).is_file()

    # The other county's deputy sends the same picture, smaller and re-encoded, and a new one.
    await pick_facility(bot, chat_b, site_b)
    await chat_b.send_location(*NEAR)
    await chat_b.send_photo("b-old", data=recycled(original))
    assert t("evidence.used_before_now", tracking=show_tracking(first["tracking"])) in chat_b.texts()
    await chat_b.send_photo("b-new", data=jpeg(photo(2)))
    await chat_b.click("ci:pd")
    await answer_all(bot, chat_b, site_b.facility_type_id)
    await chat_b.click("ci:nf")
    await chat_b.click(confirm_data(chat_b))
    [second] = [r for r in await bot.repos.inspections.of_period("1405-09")
                if r.facility_id == site_b.id]
    row = await bot.repos.inspections.row(second.id)
    assert row["evidence"] == Evidence.MEDIUM  # never strong with a photo used before
    reasons = {r["code"]: r for r in json.loads(row["evidence_reasons"])}
    assert reasons["used_before"]["tracking"] == [first["tracking"]]
    photos = await bot.repos.inspections.photos(second.id)
    assert [p["used_before"] for p in photos] == [first["tracking"], None]

    # Admins see it in the export (a column), the month's digest and the printed record.
    admin = bot.chat(ADMIN_ID, "Admin")
    await admin.send("/start")
    bot.api.out_dir = tmp_path / "sent"
    await admin.click("ex:f:inspections:0:m0:csv")
    [document] = bot.api.named("sendDocument")
    [saved] = document.saved
    lines = list(csv.reader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))
    column = lines[0].index(t("exports.columns.used_before"))
    assert [line[column] for line in lines[1:]] == ["", first["tracking"]]
    assert document.params["chat_id"] == ADMIN_ID
    programmes = await bot.repos.programmes.programmes()
    digest = await county_table(bot.repos, JalaliMonth(1405, 9), programmes)
    assert t("evidence.digest_line", tracking=fa_digits(second.tracking),
             county=(await bot.repos.counties.all())[1].name,
             earlier=fa_digits(first["tracking"])) in digest
    await admin.send(f"/record {second.tracking}")
    assert len(bot.api.named("sendDocument")) == 2


async def test_the_same_bytes_again_in_the_same_county(bot: Harness) -> None:
    chat_a, _chat_b, site_a, _site_b = await _two_counties(bot)
    data = jpeg(photo(3))
    first = await _visit(bot, chat_a, site_a, [data])
    second = await _visit(bot, chat_a, site_a, [data], tag="again")
    assert second["evidence"] == Evidence.WEAK  # its only photo was used before
    assert [p["used_before"] for p in await bot.repos.inspections.photos(second["id"])] == [
        first["tracking"]]


async def test_a_file_photo_keeps_exif_time_and_gps(bot: Harness) -> None:
    first, _ = (await bot.repos.counties.all())[:2]
    chat, _ = await register(bot, 5300, Role.DEPUTY, county=first.name)
    site = await add_facility(bot, first.name, "Camp")
    now_local = bot.clock.local()
    # Taken three hours before the visit, about 5 km away: not fresh, and a remark.
    far = (SITE[0] + 0.045, SITE[1])
    stale = await _visit(bot, chat, site, [with_exif(photo(4), now_local.replace(tzinfo=None)
                                                     - timedelta(hours=3), far)], as_files=True)
    [kept] = await bot.repos.inspections.photos(stale["id"])
    assert kept["source"] == "document"
    assert kept["taken_at"] == (bot.clock.now() - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M:%S")
    assert abs(kept["gps_lat"] - far[0]) < 1e-4 and abs(kept["gps_lon"] - far[1]) < 1e-4
    codes = {r["code"]: r for r in json.loads(stale["evidence_reasons"])}
    assert stale["evidence"] == Evidence.WEAK
    assert codes["exif_old"]["hours"] == 3
    assert codes["exif_far"]["metres"] > 4000

    # Taken a few minutes ago at the facility: fresh, and the GPS agrees.
    fresh = await _visit(bot, chat, site, [with_exif(photo(5), now_local.replace(tzinfo=None)
                                                     - timedelta(minutes=5), SITE)],
                         as_files=True, tag="fresh")
    codes = {r["code"] for r in json.loads(fresh["evidence_reasons"])}
    assert fresh["evidence"] == Evidence.STRONG
    assert {"exif_near", "photos_fresh", "distance_near"} <= codes
    assert "exif_old" not in codes


async def test_exif_offset_is_honoured(bot: Harness) -> None:
    from bot.images import _taken_at  # noqa: PLC0415
    from PIL import Image  # noqa: PLC0415

    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:29 09:10:00"
    exif.get_ifd(0x8769)[0x9011] = "+00:00"
    assert _taken_at(exif, bot.clock.tz) == "2026-11-29 09:10:00"
    exif.get_ifd(0x8769)[0x9011] = "bad"
    assert _taken_at(exif, bot.clock.tz) == datetime(2026, 11, 29, 5, 40, tzinfo=UTC).strftime(
        "%Y-%m-%d %H:%M:%S")
