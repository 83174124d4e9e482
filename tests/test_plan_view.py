"""/plan when a county has two deputies: one block per deputy, each programme once."""

from __future__ import annotations

import random

from bot.domain import Role
from bot.i18n import t
from scheduler.inspection_reminders import RNG_KEY
from tests.conftest import ADMIN_ID
from tests.people import register
from tests.test_inspection_reminders import at

RAFSANJAN = "\u0631\u0641\u0633\u0646\u062c\u0627\u0646"


async def test_two_deputies_of_one_county_get_a_block_each(bot) -> None:
    bot.app.bot_data[RNG_KEY] = random.Random(2)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    await register(bot, 3401, Role.DEPUTY, county=RAFSANJAN, name="Reza")
    await register(bot, 3402, Role.DEPUTY, county=RAFSANJAN, name="Sara")
    bot.clock.set(at(1405, 9, 1, 0, 30))
    await bot.tick()
    await admin.send("/plan")
    text = admin.last_text()
    programmes = await bot.repos.programmes.programmes()
    for name in ("Reza", "Sara"):
        head = t("insp_plan.county", county=RAFSANJAN, deputy=name, lines="").rstrip()
        assert head in text
        block = text.split(head)[1].split("\n\n")[0]
        assert [sum(block.count(p.name) for p in programmes)] == [len(programmes)]
