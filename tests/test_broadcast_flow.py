"""/broadcast end to end: compose → attachment → audience → «seen» → preview → send →
delivery, the status message, the final report, and who may do what."""

from __future__ import annotations

import logging

import pytest

from bot.domain import Role
from bot.i18n import t, t_plain
from tests.conftest import ADMIN_ID
from tests.fakes import ChatSim
from tests.people import add_organisation, register

# The flow on Telegram and on Bale (tests/conftest.py, docs/bale.md).
pytestmark = pytest.mark.both_platforms


@pytest.fixture(autouse=True)
def no_handler_errors(caplog: pytest.LogCaptureFixture):
    """Fails a test in which a handler raised (the error handler would only apologise)."""
    caplog.set_level(logging.ERROR, logger="bot.errors")
    yield
    failures = [r.getMessage() for r in caplog.records if r.name == "bot.errors"]
    assert failures == []


async def compose(admin: ChatSim, text: str = "Meeting on Friday", **extra) -> None:
    """Starts /broadcast and sends the text (with optional entities)."""
    await admin.send("/broadcast")
    assert admin.last_text() == t("broadcast.ask_text")
    await admin.feed({"message": admin.message(text=text, **extra)})
    assert admin.last_text() == t("broadcast.ask_attach")


async def choose(admin: ChatSim, audience: str, ack: bool = True) -> None:
    """Goes on without attachment, picks a simple audience and the «seen» choice."""
    await admin.click("bc:noatt")
    await admin.click(f"bc:aud:{audience}")
    await admin.click(f"bc:ack:{int(ack)}")


async def test_compose_preview_confirm_and_deliver(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    assert t_plain("menu.broadcast") in admin.keyboard()
    deputies = [await register(bot, 2000 + i, Role.DEPUTY, county=c, name=f"D{i}")
                for i, c in enumerate(["بم", "زرند", "کرمان"])]
    org = await add_organisation(bot, "Green", "بم")
    await register(bot, 3000, Role.MEMBER, organisation=org.name, name="M")

    # Bold applied with Telegram's tools is kept; what was typed as markup is escaped.
    await compose(admin, "Meeting <b> & Friday",
                  entities=[{"type": "bold", "offset": 0, "length": 7}])
    await choose(admin, "deputies", ack=True)

    preview, confirm = admin.calls()[-2:]
    expected_html = "<b>Meeting</b> &lt;b&gt; &amp; Friday"
    assert preview.endpoint == "sendMessage"
    assert preview.params["text"] == expected_html
    assert preview.params["reply_markup"]["inline_keyboard"] == [
        [{"text": t_plain("broadcast.ack_button"), "callback_data": "bca:preview"}]
    ]
    assert t("broadcast.confirm", audience=t_plain("broadcast.audience.deputies"), count=3,
             ack=t_plain("broadcast.yes")) in confirm.text
    assert await bot.repos.outbox.items("broadcast") == []  # nothing queued before «send»

    await admin.click("bca:preview")  # the preview's button only explains itself
    assert await bot.repos.broadcasts.ack_count(1) == 0

    await admin.click("bc:send")
    broadcast = (await bot.repos.broadcasts.recent())[0]
    assert (broadcast.status, broadcast.recipients) == ("sending", 3)
    rows = await bot.repos.outbox.items("broadcast")
    assert sorted(r["chat_id"] for r in rows) == [2000, 2001, 2002]
    assert {r["batch_id"] for r in rows} == {broadcast.id}
    assert admin.last_text().startswith(t("broadcast.status", id=broadcast.id, total=3, sent=0,
                                          failed=0, blocked=0, remaining=3)[:20])
    await admin.click("bc:send")  # a second press sends nothing more
    assert len(await bot.repos.outbox.items("broadcast")) == 3

    await bot.deliver()
    for chat, _ in deputies:
        got = chat.calls()[-1]
        assert got.params["text"] == expected_html  # exactly what the preview showed
        assert chat.buttons() == [(t_plain("broadcast.ack_button"), f"bca:{broadcast.id}")]
    member = bot.chat(3000)
    assert all(c.params.get("text") != expected_html for c in member.calls())

    final = t("broadcast.status_final", id=broadcast.id, total=3, sent=3, failed=0, blocked=0,
              remaining=0) + "\n\n" + t("broadcast.status_ack_hint")
    edits = [c for c in bot.api.named("editMessageText") if c.chat_id == ADMIN_ID]
    assert edits[-1].params["text"] == final
    assert admin.last_text() == final  # the final report also arrives as a new message
    assert (await bot.repos.broadcasts.get(broadcast.id)).status == "done"


async def test_photo_and_document_attachments(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await register(bot, 2000, Role.DEPUTY, county="بم")
    await compose(admin, "With a photo")
    await admin.send_photo("PHOTO1")
    assert admin.last_text() == t("broadcast.ask_audience")
    await admin.click("bc:aud:all")
    await admin.click("bc:ack:0")
    preview = admin.calls()[-2]
    assert preview.endpoint == "sendPhoto"
    assert (preview.params["photo"], preview.params["caption"]) == ("PHOTO1", "With a photo")
    assert "reply_markup" not in preview.params  # no «seen» asked for
    await admin.click("bc:send")
    await bot.deliver()
    sent = bot.chat(2000).calls()[-1]
    assert (sent.endpoint, sent.params["photo"], sent.params["caption"]) == (
        "sendPhoto", "PHOTO1", "With a photo")

    await compose(admin, "A circular")
    await admin.send_document("DOC1", "circular.pdf", "application/pdf")
    await admin.click("bc:aud:all")
    await admin.click("bc:ack:1")
    assert admin.calls()[-2].endpoint == "sendDocument"
    assert admin.calls()[-2].params["document"] == "DOC1"


async def test_caption_limit_and_wrong_input_reasks(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await register(bot, 2000, Role.DEPUTY, county="بم")
    await admin.send("/broadcast")
    await admin.send_sticker()
    assert admin.last_text() == t("broadcast.text_expected")
    await admin.send("x" * 1100)
    await admin.send_photo("P")
    assert t("broadcast.attach_too_long") in admin.texts()
    assert admin.last_text() == t("broadcast.ask_attach")
    await admin.send("not a photo")
    assert admin.last_text() == t("broadcast.ask_attach")
    await admin.click("bc:noatt")
    await admin.send("text where a button is expected")
    assert admin.last_text() == t("broadcast.ask_audience")
    await admin.click("bc:ack:1")  # a button of a later step: refused, nothing stored
    draft = await bot.repos.drafts.get((await bot.repos.people.by_tg(bot.platform, ADMIN_ID)).id,
                                       "admin_broadcast")
    assert draft.data.get("audience") is None
    assert not draft.data.get("ack_required")
    await admin.send("/cancel")
    assert admin.last_text() == t("broadcast.cancelled")
    await admin.click("bc:send")  # after /cancel: nothing is sent
    assert await bot.repos.outbox.items("broadcast") == []


async def test_counties_multi_select_and_organisation(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await register(bot, 2000, Role.DEPUTY, county="بم")
    await register(bot, 2001, Role.DEPUTY, county="زرند")
    await register(bot, 2002, Role.DEPUTY, county="کرمان")
    green = await add_organisation(bot, "Green", "زرند")
    blue = await add_organisation(bot, "Blue", "کرمان")
    await register(bot, 3000, Role.MEMBER, organisation=green.name)
    await register(bot, 3001, Role.MEMBER, organisation=blue.name)
    await register(bot, 1001, Role.ADMIN)
    bam = await bot.repos.counties.by_name("بم")
    zarand = await bot.repos.counties.by_name("زرند")

    await compose(admin)
    await admin.click("bc:noatt")
    await admin.click("bc:aud:counties")
    await admin.click("bc:cty:done")  # none chosen yet: stays
    admin_id = (await bot.repos.people.by_tg(bot.platform, ADMIN_ID)).id

    async def chosen() -> list[int]:
        return (await bot.repos.drafts.get(admin_id, "admin_broadcast")).data["county_ids"]

    assert await chosen() == []
    await admin.click(f"bc:cty:{bam.id}")
    await admin.click(f"bc:cty:{zarand.id}")
    await admin.click("bc:cty:999999")  # forged: no such county, nothing changes
    assert await chosen() == sorted([bam.id, zarand.id])
    assert ("✅ " + bam.name, f"bc:cty:{bam.id}") in admin.buttons()
    await admin.click("bc:cty:done")
    await admin.click("bc:ack:1")
    names = t_plain("broadcast.separator").join([bam.name, zarand.name])
    assert t("broadcast.confirm", count=3, ack=t_plain("broadcast.yes"), audience=t_plain(
        "broadcast.audience.counties_named", names=names)) in admin.last_text()
    await admin.click("bc:send")
    rows = await bot.repos.outbox.items("broadcast")
    assert sorted(r["chat_id"] for r in rows) == [2000, 2001, 3000]

    await compose(admin)
    await admin.click("bc:noatt")
    await admin.click("bc:aud:organisation")
    await admin.click("bc:org:999999")  # forged
    draft = await bot.repos.drafts.get(admin_id, "admin_broadcast")
    assert draft.data["organisation_id"] is None
    await admin.click(f"bc:org:{blue.id}")
    await admin.click("bc:ack:0")
    await admin.click("bc:send")
    rows = [r for r in await bot.repos.outbox.items("broadcast") if r["batch_id"] == 2]
    assert [r["chat_id"] for r in rows] == [3001]

    await compose(admin)
    await choose(admin, "admins", ack=False)
    await admin.click("bc:send")
    rows = [r for r in await bot.repos.outbox.items("broadcast") if r["batch_id"] == 3]
    assert [r["chat_id"] for r in rows] == [1001]  # the author is not sent their own message

    await compose(admin)
    await choose(admin, "all", ack=False)
    await admin.click("bc:send")
    rows = [r for r in await bot.repos.outbox.items("broadcast") if r["batch_id"] == 4]
    assert sorted(r["chat_id"] for r in rows) == [1001, 2000, 2001, 2002, 3000, 3001]


async def test_empty_audience_goes_back_to_the_choice(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin)
    await choose(admin, "members", ack=False)
    assert t("broadcast.nobody") in admin.texts()
    assert admin.last_text() == t("broadcast.ask_audience")
    await admin.click("bc:send")
    assert await bot.repos.outbox.items("broadcast") == []


async def test_only_admins_reach_broadcasts(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    deputy, _ = await register(bot, 2000, Role.DEPUTY, county="بم")
    await deputy.send("/broadcast")
    assert deputy.last_text() == t("auth.denied")
    await deputy.send("/broadcasts")
    assert deputy.last_text() == t("auth.denied")

    await compose(admin)
    await choose(admin, "all", ack=True)
    # A deputy forging the admin's buttons gets a refusal and changes nothing.
    for data in ("bc:send", "bc:aud:all", "bc:cty:1", "bcl:na:1"):
        calls = await deputy.click(data)
        assert calls[-1].endpoint == "answerCallbackQuery"
        assert calls[-1].params["text"] == t("auth.denied")
    assert await bot.repos.outbox.items("broadcast") == []
    assert await bot.repos.broadcasts.get(1) is None  # stored only when the admin sends it


async def test_a_restart_mid_flow_keeps_the_draft(bot):
    await register(bot, 2000, Role.DEPUTY, county="بم")
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin, "Survives restarts")
    await admin.send_photo("PH")
    await admin.click("bc:aud:deputies")
    await bot.restart(crash=True)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.click("bc:ack:1")
    assert admin.calls()[-2].params["caption"] == "Survives restarts"
    await admin.click("bc:send")
    await bot.deliver()
    assert bot.chat(2000).calls()[-1].params["photo"] == "PH"


async def test_many_organisations_are_reached_through_their_county(bot):
    counties = await bot.repos.counties.all()
    for i in range(65):
        await add_organisation(bot, f"Org{i:02}", counties[i % 5].name)
    target = await bot.repos.organisations.by_name("Org07")
    await register(bot, 3000, Role.MEMBER, organisation="Org07")
    await register(bot, 3001, Role.MEMBER, organisation="Org12")  # same county, other org
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin)
    await admin.click("bc:noatt")
    await admin.click("bc:aud:organisation")
    assert admin.last_text() == t("broadcast.ask_organisation_county")
    assert len(admin.buttons()) == 5 + 1
    await admin.send("a word instead of a button")
    assert admin.last_text() == t("broadcast.ask_organisation_county")
    await admin.click(f"bc:orgc:{target.county_id}")
    assert admin.last_text() == t("broadcast.ask_organisation")
    assert len(admin.buttons()) == 13 + 1
    await admin.click(f"bc:org:{target.id}")
    await admin.click("bc:ack:0")
    await admin.click("bc:send")
    assert [r["chat_id"] for r in await bot.repos.outbox.items("broadcast")] == [3000]


async def test_no_organisations_yet_goes_back_to_the_audience(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin)
    await admin.click("bc:noatt")
    calls = await admin.click("bc:aud:organisation")  # refused on the button itself
    assert [c.params.get("text") for c in calls if c.endpoint == "answerCallbackQuery"] == [
        t_plain("broadcast.no_organisations")]
    assert admin.last_text() == t("broadcast.ask_audience")
    await admin.click("bc:orgc:1")  # forged: a county button of a step not shown
    assert admin.last_text() == t("broadcast.ask_audience")
