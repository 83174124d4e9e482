"""Invitation → /start TOKEN → registered with role, scope, menu and command list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.domain import ROLE_LABEL_KEYS, Role
from bot.i18n import t, t_plain
from bot.services.onboarding import MAX_BAD_TOKENS, create_invite
from handlers.menus import COMMANDS, MENU_ROWS, command_name
from tests.conftest import ADMIN_ID
from tests.people import add_organisation

# The flow on Telegram and on Bale (tests/conftest.py, docs/bale.md).
pytestmark = pytest.mark.both_platforms

TOKEN_IN_TEXT = re.compile(r"<code>(?:/start )?([A-Za-z0-9_-]+)</code>")  # Bale: «/start CODE»
COMMAND = re.compile(r"^/([a-z_]+) ", re.MULTILINE)


async def invite_in_chat(bot, role: str, scope_data: str | None = None) -> str:
    """An admin makes an invitation with /invite and its buttons; returns the token."""
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/invite")
    assert admin.last_text() == t("invite.ask_role")
    await admin.click(f"inv:role:{role}")
    if scope_data is not None:
        await admin.click(scope_data)
    return TOKEN_IN_TEXT.search(admin.last_text())[1]


async def commands_set_for(bot, chat_id: int) -> list[str]:
    """The commands the person is shown: Telegram's per-chat command list; on Bale, which has
    none (and is never sent one), the commands /help lists."""
    if bot.platform == "bale":
        assert bot.api.named("setMyCommands") == []
        await bot.chat(chat_id).send("/help")
        return COMMAND.findall(bot.chat(chat_id).last_text())
    call = [c for c in bot.api.named("setMyCommands")
            if (c.params.get("scope") or {}).get("chat_id") == chat_id][-1]
    return [c["command"] for c in call.params["commands"]]


def invitation_in(bot, token: str) -> str:
    """What the admin forwards: Telegram's deep link; on Bale (no deep link known) the code."""
    return f"/start {token}" if bot.platform == "bale" else (
        f"https://t.me/nazer_test_bot?start={token}")


async def test_bootstrap_admin_gets_the_admin_menu_and_commands(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    person = await bot.repos.people.by_tg(bot.platform, ADMIN_ID)
    assert person.role is Role.ADMIN
    assert admin.last_text() == t(
        "common.welcome_back", name="Zahra", role=t_plain("roles.admin"),
        scope=t_plain("common.scope_province"),
    )
    assert admin.keyboard() == [t_plain(k) for row in MENU_ROWS[Role.ADMIN] for k in row]
    assert await commands_set_for(bot, ADMIN_ID) == [command_name(k) for k in COMMANDS[Role.ADMIN]]


async def test_deputy_invitation_end_to_end(bot):
    county = await bot.repos.counties.by_name("رفسنجان")
    token = await invite_in_chat(bot, "deputy", f"inv:county:{county.id}")
    assert len(token) >= 22  # 128 bits in url-safe base64 need 22 characters
    assert invitation_in(bot, token) in bot.chat(ADMIN_ID).last_text()

    deputy = bot.chat(2001, "Ali")
    await deputy.send(f"/start {token}")

    assert deputy.last_text() == t(
        "onboarding.welcome", name="Ali", role=t_plain(ROLE_LABEL_KEYS[Role.DEPUTY]),
        scope=t_plain("common.scope_county", county="رفسنجان"),
    )
    assert deputy.keyboard() == [t_plain(k) for row in MENU_ROWS[Role.DEPUTY] for k in row]
    assert await commands_set_for(bot, 2001) == [command_name(k) for k in COMMANDS[Role.DEPUTY]]
    person = await bot.repos.people.by_tg(bot.platform, 2001)
    assert (person.role, person.county_id, person.name) == (Role.DEPUTY, county.id, "Ali")


async def test_member_and_admin_invitations(bot):
    org = await add_organisation(bot, "سمن امید", "بم")
    member_token = await invite_in_chat(bot, "member", f"inv:org:{org.id}")
    admin_token = await invite_in_chat(bot, "admin")

    member = bot.chat(2002, "Sara")
    await member.send(f"/start {member_token}")
    second_admin = bot.chat(2003, "Reza")
    await second_admin.send(f"/start {admin_token}")

    m = await bot.repos.people.by_tg(bot.platform, 2002)
    a = await bot.repos.people.by_tg(bot.platform, 2003)
    assert (m.role, m.organisation_id, m.county_id) == (Role.MEMBER, org.id, None)
    assert (a.role, a.county_id, a.organisation_id) == (Role.ADMIN, None, None)
    assert "سمن امید" in member.last_text()


async def test_member_invitation_without_organisations_says_so(bot):
    admin = bot.chat(ADMIN_ID)
    await admin.send("/invite")
    await admin.click("inv:role:member")
    assert admin.last_text() == t("invite.no_organisations")


async def test_a_token_works_once(bot):
    token = await invite_in_chat(bot, "admin")
    await bot.chat(2001).send(f"/start {token}")
    other = bot.chat(2002)
    await other.send(f"/start {token}")
    assert other.last_text() == t("onboarding.invite_used")
    assert await bot.repos.people.by_tg(bot.platform, 2002) is None


async def test_an_expired_token_is_refused(bot):
    new = await create_invite(bot.repos, bot.clock.now(), role=Role.ADMIN, ttl=timedelta(days=7),
                              platform=bot.platform)
    bot.clock.advance(timedelta(days=7, seconds=1))
    chat = bot.chat(2001)
    await chat.send(f"/start {new.token}")
    assert chat.last_text() == t("onboarding.invite_expired")
    assert await bot.repos.people.by_tg(bot.platform, 2001) is None


async def test_a_forged_token_is_refused(bot):
    chat = bot.chat(2001)
    await chat.send("/start " + "A" * 32)
    assert chat.last_text() == t("onboarding.invite_unknown")
    assert await bot.repos.people.by_tg(bot.platform, 2001) is None


async def test_an_admin_revokes_in_chat_and_the_token_stops_working(bot):
    token = await invite_in_chat(bot, "admin")
    admin = bot.chat(ADMIN_ID)
    await admin.send("/invites")
    (label, data), = admin.buttons()
    assert label == t_plain("invite.revoke_numbered", n=1)
    await admin.click(data)
    assert admin.last_text() == t("invite.revoked")
    await admin.click(data)  # a second press on the same button
    assert admin.last_text() == t("invite.not_revocable")

    chat = bot.chat(2001)
    await chat.send(f"/start {token}")
    assert chat.last_text() == t("onboarding.invite_revoked")
    await admin.send("/invites")
    assert admin.last_text() == t("invite.none_pending")


async def test_repeated_wrong_tokens_are_slowed_down(bot):
    good = await create_invite(bot.repos, bot.clock.now(), role=Role.ADMIN, platform=bot.platform)
    guesser = bot.chat(2001)
    for i in range(MAX_BAD_TOKENS):
        await guesser.send(f"/start wrong{i:028d}")
    await guesser.send(f"/start {good.token}")
    assert guesser.last_text() == t("onboarding.invite_throttled")
    assert await bot.repos.people.by_tg(bot.platform, 2001) is None
    bot.clock.advance(timedelta(minutes=11))
    await guesser.send(f"/start {good.token}")
    assert (await bot.repos.people.by_tg(bot.platform, 2001)).role is Role.ADMIN


async def test_invitations_are_audited(bot):
    token = await invite_in_chat(bot, "admin")
    await bot.chat(2001).send(f"/start {token}")
    admin = bot.chat(ADMIN_ID)
    await admin.send("/invite")
    await admin.click("inv:role:admin")
    await admin.send("/invites")
    await admin.click(admin.buttons()[0][1])
    actions = [entry["action"] for entry in reversed(await bot.repos.audit.recent())]
    assert actions == ["invite.create", "invite.use", "invite.create", "invite.revoke"]


async def test_the_token_itself_is_not_stored(bot):
    token = await invite_in_chat(bot, "admin")
    rows = await bot.repos.db.fetchall("SELECT * FROM invites")
    assert all(token not in str(value) for row in rows for value in tuple(row))


@pytest.mark.parametrize("step", ["role", "scope"])
async def test_cancel_at_every_step_of_invite(bot, step):
    admin = bot.chat(ADMIN_ID)
    await admin.send("/invite")
    if step == "scope":
        await admin.click("inv:role:deputy")
    await admin.send("/cancel")
    assert admin.last_text() == t("common.cancelled")
    county = await bot.repos.counties.by_name("بم")
    calls = await admin.click(f"inv:county:{county.id}")  # the old button no longer works
    assert [c.params["text"] for c in calls if c.endpoint == "answerCallbackQuery"] == [
        t_plain("common.stale_button")
    ]
    assert await bot.repos.invites.pending(bot.clock.now()) == []
