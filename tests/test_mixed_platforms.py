"""Both platforms at once, one database: a Telegram deputy and a Bale member of the same
county, a report written on Bale and reviewed on Telegram, a broadcast that reaches everyone
on both, and user ids that are equal on the two platforms but belong to different people."""

from __future__ import annotations

from datetime import date

from bot.domain import Role
from bot.i18n import fa_digits, t, t_plain
from bot.jalali import JalaliMonth
from bot.platforms import Platform
from bot.services.exports import KINDS, headers, window
from bot.services.onboarding import create_invite
from bot.services.progress import report_code
from bot.services.projects import add_project
from scheduler import outbox_worker
from tests.conftest import ADMIN_ID, Harness
from tests.people import add_organisation, register
from tests.test_broadcast_flow import choose, compose

RAFSANJAN = "\u0631\u0641\u0633\u0646\u062c\u0627\u0646"
SAME_ID = 2001  # the deputy's Telegram id is also the member's Bale id
TELEGRAM, BALE = Platform.TELEGRAM.value, Platform.BALE.value


async def county_on_two_platforms(bot: Harness):
    """Rafsanjan's deputy on Telegram and a member of its NGO on Bale, with one project."""
    org = await add_organisation(bot, "NGO Rafsanjan", RAFSANJAN)
    project_id = await add_project(
        bot.repos, bot.clock.now(), organisation_id=org.id, title="Sport for kids",
        domain="sport", budget=10_000_000, start=date(2026, 11, 21), deadline=None,
        actor_id=None)
    deputy, deputy_p = await register(bot, SAME_ID, Role.DEPUTY, county=RAFSANJAN, name="Reza",
                                      platform=TELEGRAM)
    member, member_p = await register(bot, SAME_ID, Role.MEMBER, organisation=org.name,
                                      name="Maryam", platform=BALE)
    return deputy, deputy_p, member, member_p, project_id


async def test_one_id_two_people(both: Harness):
    deputy, deputy_p, member, member_p, _ = await county_on_two_platforms(both)
    assert deputy_p.id != member_p.id
    assert (deputy_p.platform, deputy_p.role) == (TELEGRAM, Role.DEPUTY)
    assert (member_p.platform, member_p.role) == (BALE, Role.MEMBER)
    assert (await both.repos.people.by_tg(TELEGRAM, SAME_ID)).name == "Reza"
    assert (await both.repos.people.by_tg(BALE, SAME_ID)).name == "Maryam"
    # Each is greeted on their own platform, with their own menu.
    await deputy.send("/whoami")
    await member.send("/whoami")
    assert "Reza" in deputy.last_text() and "Maryam" in member.last_text()
    assert both.apis[TELEGRAM].to(SAME_ID)[-1].text != both.apis[BALE].to(SAME_ID)[-1].text
    # The bootstrap admin id is an admin on each platform: two people as well.
    assert (await both.repos.people.by_tg(TELEGRAM, ADMIN_ID)) is None  # not yet come in
    await both.chat(ADMIN_ID, "Zahra", platform=TELEGRAM).send("/start")
    await both.chat(ADMIN_ID, "Sima", platform=BALE).send("/start")
    admins = await both.repos.people.active(Role.ADMIN)
    assert sorted((p.platform, p.name) for p in admins) == [(BALE, "Sima"), (TELEGRAM, "Zahra")]


async def test_a_report_written_on_bale_is_reviewed_on_telegram(both: Harness, tmp_path):
    deputy, _, member, _, project_id = await county_on_two_platforms(both)
    both.apis[TELEGRAM].out_dir = tmp_path / "uploaded"
    await member.send("/report")
    await member.click(f"rep:p:{project_id}")
    await member.send("\u06f4\u06f5")
    await member.send("Two training sessions held")
    await member.send_photo("bale-photo-1", data=b"\xff\xd8bale photo bytes")
    await member.click("rep:files:done")
    await member.send("3000000")
    await member.send("120")
    await member.click("rep:ok")
    code = fa_digits(report_code(JalaliMonth(1405, 9), 1))
    assert member.last_text() == t("report.stored", code=code)

    await both.deliver()
    photo, card = deputy.calls()[-2:]
    # The Bale file id means nothing to Telegram: the deputy gets the photo's bytes.
    assert photo.endpoint == "sendPhoto" and "photo" not in photo.params  # not by file id
    assert [p.read_bytes() for p in photo.saved] == [b"\xff\xd8bale photo bytes"]
    assert card.endpoint == "sendMessage" and card.params["parse_mode"] == "HTML"
    [report] = await both.repos.reports.of_project(project_id)
    assert (t("review.accept_button"), f"rv:ok:{report.id}") in deputy.buttons()

    await deputy.click(f"rv:ok:{report.id}")
    await deputy.click(f"rv:oky:{report.id}")  # the review asks before it is final
    await both.deliver()
    told = member.calls()[-1]
    assert told.text == t("review.told_accepted", title="Sport for kids", code=code)
    assert "parse_mode" not in told.wire  # Bale has none: rendered as its Markdown


async def test_a_broadcast_reaches_everyone_on_both_and_each_acknowledges(both: Harness):
    deputy, _, member, _, _ = await county_on_two_platforms(both)
    bale_admin = both.chat(ADMIN_ID, "Sima", platform=BALE)
    await bale_admin.send("/start")
    admin = both.chat(ADMIN_ID, "Zahra", platform=TELEGRAM)
    await admin.send("/start")
    await compose(admin, "Meeting on Friday")
    await choose(admin, "all", ack=True)
    assert t("broadcast.confirm", audience=t_plain("broadcast.audience.all"), count=3,
             ack=t_plain("broadcast.yes")) in admin.last_text()
    await admin.click("bc:send")
    await both.deliver()
    broadcast = (await both.repos.broadcasts.recent())[0]
    rows = await both.repos.outbox.items("broadcast")
    assert sorted((r["platform"], r["chat_id"]) for r in rows) == [
        (BALE, ADMIN_ID), (BALE, SAME_ID), (TELEGRAM, SAME_ID)]
    for chat in (deputy, member, bale_admin):
        assert chat.last_text() == "Meeting on Friday"
        assert chat.buttons() == [(t_plain("broadcast.ack_button"), f"bca:{broadcast.id}")]
        await chat.click(f"bca:{broadcast.id}")
    assert await both.repos.broadcasts.ack_count(broadcast.id) == 3
    # The admin's status message lives on Telegram and is edited there.
    assert both.apis[TELEGRAM].named("editMessageText")
    assert not [c for c in both.apis[BALE].named("editMessageText") if c.chat_id == ADMIN_ID]
    assert admin.last_text().startswith(t("broadcast.status_final", id=broadcast.id, total=3,
                                          sent=3, failed=0, blocked=0, remaining=0)[:30])


async def test_a_broadcast_photo_reaches_the_other_platform_as_bytes(both: Harness):
    _, _, member, _, _ = await county_on_two_platforms(both)
    admin = both.chat(ADMIN_ID, "Zahra", platform=TELEGRAM)
    await admin.send("/start")
    await compose(admin, "With a picture")
    await admin.send_photo("tg-photo-1", data=b"\xff\xd8telegram photo")
    await admin.click("bc:aud:members")
    await admin.click("bc:ack:0")
    await admin.click("bc:send")
    await both.deliver()
    got = member.calls()[-1]
    assert got.endpoint == "sendPhoto" and got.text == "With a picture"
    assert "photo" not in got.params  # uploaded, not sent by Telegram's file id


async def test_an_invitation_is_for_one_platform(both: Harness):
    new = await create_invite(both.repos, both.clock.now(), role=Role.ADMIN, platform=BALE)
    on_telegram = both.chat(4001, "Nima", platform=TELEGRAM)
    await on_telegram.send(f"/start {new.token}")
    assert on_telegram.last_text() == t("platforms.invite_other_platform")
    on_bale = both.chat(4001, "Nima", platform=BALE)
    await on_bale.send(f"/start {new.token}")
    assert (await both.repos.people.by_tg(BALE, 4001)).role is Role.ADMIN
    assert await both.repos.people.by_tg(TELEGRAM, 4001) is None


async def test_an_admin_turns_an_invitation_into_one_for_the_other_platform(both: Harness):
    admin = both.chat(ADMIN_ID, "Zahra", platform=TELEGRAM)
    await admin.send("/invite")
    await admin.click("inv:role:admin")
    assert t("platforms.invite_for", platform=t_plain("platforms.name_telegram")) in (
        admin.last_text())
    [pending] = await both.repos.invites.pending(both.clock.now())
    assert pending.platform == TELEGRAM
    label = t_plain("platforms.invite_switch_button", platform=t_plain("platforms.name_bale"))
    await admin.press(label)
    [pending] = await both.repos.invites.pending(both.clock.now())
    assert pending.platform == BALE
    text = admin.last_text()
    assert t("platforms.invite_for", platform=t_plain("platforms.name_bale")) in text
    token = text.split("<code>/start ")[1].split("</code>")[0]
    newcomer = both.chat(4002, "Nima", platform=BALE)
    await newcomer.send(f"/start {token}")
    assert (await both.repos.people.by_tg(BALE, 4002)).role is Role.ADMIN


async def test_each_platform_is_paced_on_its_own(both: Harness):
    await county_on_two_platforms(both)
    worker = outbox_worker(both.app)
    assert (worker.pacer_for(TELEGRAM).per_second, worker.pacer_for(TELEGRAM).per_chat_interval
            ) == (30, 1.0)
    assert (worker.pacer_for(BALE).per_second, worker.pacer_for(BALE).per_chat_interval) == (
        both.settings.bale_outbox_rate, both.settings.bale_chat_interval)


async def test_exports_do_not_tell_the_platforms_apart(both: Harness):
    """A broadcast's export lists its recipients on both platforms alike, by name."""
    await county_on_two_platforms(both)
    admin = both.chat(ADMIN_ID, "Zahra", platform=TELEGRAM)
    await admin.send("/start")
    await compose(admin, "To all")
    await choose(admin, "all", ack=False)
    await admin.click("bc:send")
    await both.deliver()
    month = JalaliMonth(1405, 9)
    rows = await KINDS["broadcasts"].rows(both.repos, window(month, month, None,
                                                             both.settings.tz))
    assert sorted(r["recipient"] for r in rows) == ["Maryam", "Reza"]
    assert not any("platform" in r for r in rows)
    assert all("platform" not in name for kind in KINDS.values() for name in headers(kind))


async def test_pending_invitations_say_their_platform(both: Harness):
    await create_invite(both.repos, both.clock.now(), role=Role.ADMIN, platform=BALE)
    admin = both.chat(ADMIN_ID, "Zahra", platform=TELEGRAM)
    await admin.send("/invites")
    assert admin.last_text().endswith(
        t("platforms.invite_for", platform=t_plain("platforms.name_bale")))
