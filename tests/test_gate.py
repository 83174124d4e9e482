"""Strangers get one polite refusal for everything; groups are told once; roles are enforced."""

from __future__ import annotations

import pytest

from bot.domain import Role
from bot.i18n import t, t_plain
from handlers.menus import COMMANDS, command_name
from tests.conftest import ADMIN_ID
from tests.people import register

EVERY_COMMAND = sorted({command_name(k) for keys in COMMANDS.values() for k in keys} | {"start"})


async def stored_people(bot) -> int:
    return int(await bot.repos.db.scalar("SELECT count(*) FROM people"))


@pytest.mark.parametrize("command", [*EVERY_COMMAND, "nonexistent"])
async def test_a_stranger_is_refused_for_every_command(bot, command):
    stranger = bot.chat(9001, "Stranger")
    calls = await stranger.send(f"/{command}")
    assert [c.text for c in calls] == [t("gate.stranger")]
    # The refusal offers the phone-number button, the other way in.
    assert calls[0].params["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert await stored_people(bot) == 0


async def test_a_stranger_is_refused_for_text_media_and_buttons(bot):
    stranger = bot.chat(9001)
    for calls in (await stranger.send("سلام"), await stranger.send_sticker(),
                  await stranger.send_photo("p1"), await stranger.send_location(30.0, 57.0)):
        assert [c.text for c in calls] == [t("gate.stranger")]
    calls = await stranger.click("inv:role:admin")
    assert [(c.endpoint, c.params.get("text")) for c in calls] == [
        ("answerCallbackQuery", t("gate.stranger_short"))
    ]
    assert await stored_people(bot) == 0
    assert await bot.repos.db.scalar("SELECT count(*) FROM invites") == 0


async def test_a_group_is_told_once_then_ignored(bot):
    group = bot.chat(9001, chat_type="group", chat_id=-100123)
    first = await group.send("/start")
    assert [c.text for c in first] == [t("gate.private_only")]
    assert await group.send("/help") == []
    assert await group.send("hello") == []
    # Even an admin gets nothing in a group.
    admin_in_group = bot.chat(ADMIN_ID, chat_type="supergroup", chat_id=-100123)
    assert await admin_in_group.send("/invite") == []


async def test_being_added_to_a_group_is_answered_once(bot):
    group = bot.chat(9001, chat_type="group", chat_id=-100555)
    update = {"my_chat_member": {
        "chat": {"id": -100555, "type": "group", "title": "g"}, "date": 1,
        "from": {"id": 9001, "is_bot": False, "first_name": "x"},
        "old_chat_member": {"status": "left", "user": {"id": 777000111, "is_bot": True, "first_name": "N"}},
        "new_chat_member": {"status": "member", "user": {"id": 777000111, "is_bot": True, "first_name": "N"}},
    }}
    calls = await group.feed(update)
    assert [c.text for c in calls] == [t("gate.private_only")]
    assert await group.send("hi") == []


async def test_blocking_the_bot_marks_a_person_unreachable(bot):
    chat, person = await register(bot, 2001, Role.ADMIN)
    bot_user = {"id": 777000111, "is_bot": True, "first_name": "N"}
    update = {"my_chat_member": {
        "chat": {"id": 2001, "type": "private", "first_name": "x"}, "date": 1,
        "from": {"id": 2001, "is_bot": False, "first_name": "x"},
        "old_chat_member": {"status": "member", "user": bot_user},
        "new_chat_member": {"status": "kicked", "user": bot_user, "until_date": 0},
    }}
    await chat.feed(update)
    assert (await bot.repos.people.by_tg(bot.platform, 2001)).reachable is False


async def test_a_deputy_is_refused_admin_commands_and_forged_buttons(bot):
    deputy, _ = await register(bot, 2001, Role.DEPUTY, county="بم")
    for command in ("/invite", "/invites", "/counties"):
        await deputy.send(command)
        assert deputy.last_text() == t("auth.denied")
    county = await bot.repos.counties.by_name("بم")
    for forged in ("inv:role:admin", f"inv:county:{county.id}", "inv:revoke:1", "cty:add"):
        calls = await deputy.click(forged)
        assert [c.params.get("text") for c in calls if c.endpoint == "answerCallbackQuery"] in (
            [t("auth.denied")], [t_plain("common.stale_button")]
        )
    assert await bot.repos.db.scalar("SELECT count(*) FROM invites") == 1  # the deputy's own


async def test_a_registered_person_gets_help_for_their_role(bot):
    deputy, _ = await register(bot, 2001, Role.DEPUTY, county="بم")
    await deputy.send("/help")
    assert deputy.last_text().startswith(t("help.deputy", commands="").split("\n")[0])
    assert "/invite" not in deputy.last_text()
    admin = bot.chat(ADMIN_ID)
    await admin.send(t_plain("menu.help"))
    assert "/invite" in admin.last_text()


async def test_whoami_from_the_menu(bot):
    deputy, _ = await register(bot, 2001, Role.DEPUTY, county="بم", name="Ali")
    await deputy.send(t_plain("menu.whoami"))
    assert deputy.last_text() == t(
        "common.whoami", name="Ali", role=t_plain("roles.deputy"),
        scope=t_plain("common.scope_county", county="بم"),
    )


async def test_unknown_text_from_a_registered_person_points_to_the_menu(bot):
    deputy, _ = await register(bot, 2001, Role.DEPUTY, county="بم")
    await deputy.send("what is this")
    assert deputy.last_text() == t("common.not_understood")
    await deputy.send_sticker()
    assert deputy.last_text() == t("common.not_understood")


async def test_edited_messages_are_ignored(bot):
    admin = bot.chat(ADMIN_ID)
    update = {"edited_message": {**admin.message(text="/invite"), "edit_date": 1}}
    assert await admin.feed(update) == []
