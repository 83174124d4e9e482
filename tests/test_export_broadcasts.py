"""The broadcasts export: one row per recipient with delivery status and acknowledgement."""

from __future__ import annotations

from bot.jalali import JalaliMonth
from bot.services.exports import KINDS, headers
from tests.conftest import ADMIN_ID
from tests.test_broadcast_delivery import BLOCKED, add_people
from tests.test_broadcast_flow import choose, compose
from tests.test_export import _export, _sheet, label

AZAR = JalaliMonth(1405, 9)


async def test_broadcast_recipients_with_delivery_status_cell_by_cell(bot):
    people = await add_people(bot, 3)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin, "Meeting <b>tomorrow</b> & more")
    await choose(admin, "deputies", ack=True)
    await admin.click("bc:send")
    bot.api.fault = lambda call: BLOCKED if call.chat_id == people[2] else None
    await bot.deliver()
    broadcast = (await bot.repos.broadcasts.recent())[0]
    first = bot.chat(people[0])
    await first.click(f"bca:{broadcast.id}")  # «دیدم»

    result = await _export(bot, "broadcasts", first=AZAR, last=AZAR)
    sheet = _sheet(result.data)
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == headers(KINDS["broadcasts"])
    assert result.rows == 3
    by_recipient = {row[7]: row for row in rows[1:]}
    when = "1405/09/08 09:30"
    assert by_recipient["P0"] == [
        broadcast.id, when, "Zahra", label("audience.deputies"),
        # Typed markup was escaped when sent, so the sheet shows what people read.
        "Meeting <b>tomorrow</b> & more", label("attachment.none"), label("yes_no.1"), "P0",
        by_recipient["P0"][8], label("delivery.sent"), when, when,
    ]
    assert by_recipient["P1"][9:] == [label("delivery.sent"), when, None]
    assert by_recipient["P2"][9:] == [label("delivery.blocked"), None, None]

    # Another month holds nothing.
    assert (await _export(bot, "broadcasts", first=AZAR.next(), last=AZAR.next())).rows == 0
