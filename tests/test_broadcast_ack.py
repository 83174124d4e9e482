"""«seen»: recipients acknowledge, the admin sees who has not (by county), one reminder later."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain import Role
from bot.i18n import t, t_plain
from bot import limits
from handlers.broadcast_status import county_blocks, excerpt
from tests.conftest import ADMIN_ID
from tests.people import register
from tests.test_broadcast_flow import choose, compose, no_handler_errors  # noqa: F401

# The flow on Telegram and on Bale (tests/conftest.py, docs/bale.md).
pytestmark = pytest.mark.both_platforms


async def broadcast_to_deputies(bot, ack: bool = True) -> int:
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin, "Please read")
    await choose(admin, "deputies", ack=ack)
    await admin.click("bc:send")
    await bot.deliver()
    return (await bot.repos.broadcasts.recent())[0].id


async def test_acknowledge_list_and_one_reminder(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    ali, ali_p = await register(bot, 2000, Role.DEPUTY, county="بم", name="Ali")
    reza, _ = await register(bot, 2001, Role.DEPUTY, county="بم", name="Reza")
    sara, _ = await register(bot, 2002, Role.DEPUTY, county="زرند", name="Sara")
    bid = await broadcast_to_deputies(bot)
    delivered = {r["chat_id"]: r["message_id"] for r in await bot.repos.outbox.items("broadcast")}

    calls = await ali.click(f"bca:{bid}")
    assert calls[0].params["text"] == t_plain("broadcast.acked")
    assert calls[1].endpoint == "editMessageReplyMarkup"  # the button goes away
    calls = await ali.click(f"bca:{bid}")
    assert calls[0].params["text"] == t_plain("broadcast.already_acked")
    assert await bot.repos.broadcasts.ack_count(bid) == 1

    # Someone the broadcast was not addressed to, and a forged id: refused, nothing recorded.
    late, late_p = await register(bot, 2003, Role.DEPUTY, county="بم", name="Late")
    for data in (f"bca:{bid}", "bca:999"):
        calls = await late.click(data)
        assert calls[-1].params["text"] == t("auth.denied")
    assert await bot.repos.broadcasts.recipient(bid, late_p.id) is None
    assert await bot.repos.broadcasts.ack_count(bid) == 1

    await admin.send("/broadcasts")
    assert t("broadcast.list_item_ack", acked=1, sent=3) in admin.last_text()
    assert (t_plain("broadcast.not_acked_button", id=bid), f"bcl:na:{bid}") in admin.buttons()
    await admin.click(f"bcl:na:{bid}")
    assert admin.last_text() == "\n\n".join([
        t("broadcast.not_acked_title", id=bid, count=2),
        t("broadcast.not_acked_county", county="بم", count=1, names="Reza"),
        t("broadcast.not_acked_county", county="زرند", count=1, names="Sara"),
    ])

    bot.clock.advance(timedelta(hours=23, minutes=59))
    await bot.tick()
    await bot.deliver()
    assert await bot.repos.outbox.items("broadcast_reminder") == []

    bot.clock.advance(timedelta(minutes=2))
    await bot.tick()
    await bot.deliver()
    reminders = bot.api.named("sendMessage")[-2:]
    assert {c.chat_id for c in reminders} == {2001, 2002}
    for call in reminders:
        assert call.text == t("broadcast.reminder")
        assert call.params["reply_parameters"]["message_id"] == delivered[call.chat_id]
        button = call.params["reply_markup"]["inline_keyboard"][0][0]
        assert button["callback_data"] == f"bca:{bid}"

    # Only one reminder, however often the periodic task runs.
    bot.clock.advance(timedelta(days=3))
    await bot.tick()
    await bot.tick()
    await bot.deliver()
    assert len(await bot.repos.outbox.items("broadcast_reminder")) == 2

    await reza.click(f"bca:{bid}")  # from the reminder's button
    await admin.click(f"bcl:na:{bid}")
    assert admin.last_text() == "\n\n".join([
        t("broadcast.not_acked_title", id=bid, count=1),
        t("broadcast.not_acked_county", county="زرند", count=1, names="Sara"),
    ])
    await ali.click(f"bca:{bid}")
    await sara.click(f"bca:{bid}")
    await admin.click(f"bcl:na:{bid}")
    assert admin.last_text() == t("broadcast.not_acked_none", id=bid)
    assert ali_p.id != late_p.id


async def test_reminder_replies_to_the_delivered_message(bot):
    """The reminder quotes the original (its message id comes back from the Bot API)."""
    await register(bot, 2000, Role.DEPUTY, county="بم")
    bid = await broadcast_to_deputies(bot)
    rows = await bot.repos.outbox.items("broadcast")
    bot.clock.advance(timedelta(hours=25))
    await bot.tick()
    await bot.deliver()
    reminder = bot.api.named("sendMessage")[-1]
    quoted = reminder.params["reply_parameters"]
    assert quoted["message_id"] == rows[0]["message_id"]
    assert quoted["allow_sending_without_reply"] is True
    assert rows[0]["message_id"] is not None
    assert rows[0]["batch_id"] == bid


async def test_no_ack_asked_means_no_button_and_no_reminder(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    deputy, _ = await register(bot, 2000, Role.DEPUTY, county="بم")
    bid = await broadcast_to_deputies(bot, ack=False)
    assert deputy.buttons() == []
    calls = await deputy.click(f"bca:{bid}")
    assert calls[-1].params["text"] == t("auth.denied")
    bot.clock.advance(timedelta(days=2))
    await bot.tick()
    await bot.deliver()
    assert await bot.repos.outbox.items("broadcast_reminder") == []
    await admin.click(f"bcl:na:{bid}")
    assert admin.last_text() == t("broadcast.no_ack_asked")


def test_long_lists_are_split_under_telegrams_limit():
    names = [f"Name{i} \U0001F464" for i in range(900)]  # emoji: two UTF-16 units each
    blocks = county_blocks("Bam", names)
    parts = limits.pack(["title", *blocks, *county_blocks("Zarand", names[:20])])
    assert len(blocks) > 1
    assert all(limits.length(p) <= limits.TEXT for p in parts)
    assert all(f"Name{i} " in "".join(parts) for i in range(900))
    assert excerpt("<b>Hello</b> &amp; <i>world</i>") == "Hello & world"
