"""Heavy work never holds others up (issue 13), shown by ordering, not by timing.

A record being drawn is held at a gate inside the worker call; meanwhile a second tap on it
is told it is being prepared, a 10,000 x 10,000 PNG is refused before anything decodes it,
and another person is answered. Then the gate opens and exactly one record arrives.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.domain import Role
from bot.i18n import t, t_plain
from bot.images import MAX_PIXELS, pixel_count, too_many_pixels
from bot.workers import Lane, Workers, jobs
from tests.conftest import ADMIN_ID, Harness
from tests.images import huge_png, jpeg, photo
from tests.inspect_flow import NEAR, add_facility, confirm_data, full_checkin, pick_facility
from tests.people import register


class GatedWorkers(Workers):
    """Real workers, but HEAVY jobs wait until the test opens the gate."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.started = asyncio.Event()
        self.lanes: list[Lane] = []

    async def run(self, lane: Lane, fn: Any, *args: Any) -> Any:
        self.lanes.append(lane)
        if lane is Lane.HEAVY:
            self.started.set()
            await self.gate.wait()
        return await super().run(lane, fn, *args)


async def test_a_huge_image_is_refused_while_others_are_answered(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID, "Admin")
    await admin.send("/start")
    first, second = (await bot.repos.counties.all())[:2]
    chat, deputy = await register(bot, 7100, Role.DEPUTY, county=first.name)
    other, _ = await register(bot, 7200, Role.DEPUTY, county=second.name)
    facility = await add_facility(bot, first.name, "Sports hall", "sports_venue")
    await full_checkin(bot, chat, deputy, facility)
    await chat.click(confirm_data(chat))
    [visit] = await bot.repos.inspections.of_period("1405-09")
    gated = bot.app.bot_data["workers"] = GatedWorkers()

    # The admin asks for the record; it is held inside the worker call.
    await admin.click(f"rec:{visit.id}", settle=False)
    await gated.started.wait()
    assert jobs(bot.app.bot_data).running(f"record:{(await bot.repos.people.by_tg(bot.platform, ADMIN_ID)).id}"
                                          f":{visit.id}")
    calls = await admin.click(f"rec:{visit.id}", settle=False)
    assert [c.params.get("text") for c in calls if c.endpoint == "answerCallbackQuery"] == [
        t_plain("heavy.being_prepared")]

    # A deputy sends a 100-megapixel PNG as a file during a check-in: refused at once.
    data = huge_png()
    assert len(data) < 50_000 and pixel_count(data) == 100_000_000 and too_many_pixels(data)
    await pick_facility(bot, chat, facility)
    await chat.send_location(*NEAR)
    calls = await chat.send_document("huge", "big.png", "image/png", data=data)
    assert [c.text for c in calls if c.text] == [
        t("evidence.too_many_pixels", megapixels=100, limit=MAX_PIXELS // 1_000_000)]
    draft = await bot.repos.drafts.get(deputy.id, "deputy_checkin")
    assert draft.data["photos"] == []
    assert Lane.QUICK not in gated.lanes  # nothing was handed to a worker to decode
    assert not list(bot.settings.media_dir.rglob("*.png"))
    # A sane photo is still taken.
    await chat.send_photo("ok", data=jpeg(photo(40)))
    assert len((await bot.repos.drafts.get(deputy.id, "deputy_checkin")).data["photos"]) == 1

    # Another person is answered while the record is still being drawn.
    calls = await other.send("/month", settle=False)
    assert any(c.endpoint == "sendMessage" for c in calls)
    assert not bot.api.named("sendDocument")

    gated.gate.set()
    await jobs(bot.app.bot_data).idle()
    [document] = bot.api.named("sendDocument")
    assert document.chat_id == ADMIN_ID


async def test_an_export_runs_beside_the_bot(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID, "Admin")
    await admin.send("/start")
    gated = bot.app.bot_data["workers"] = GatedWorkers()
    await admin.click("ex:f:inspections:0:m0:xlsx", settle=False)
    await gated.started.wait()
    assert admin.last_text() == t("exports.preparing")
    calls = await admin.click("ex:f:inspections:0:m0:xlsx", settle=False)
    assert [c.params.get("text") for c in calls if c.endpoint == "answerCallbackQuery"] == [
        t_plain("heavy.being_prepared")]
    calls = await admin.send("/whoami", settle=False)  # the admin's own next update too
    assert any(c.endpoint == "sendMessage" for c in calls)
    gated.gate.set()
    await jobs(bot.app.bot_data).idle()
    assert len(bot.api.named("sendDocument")) == 1
