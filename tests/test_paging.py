"""Paged lists end to end (handlers/paging.py), through /invites: turn, stale, forged, refused."""

from __future__ import annotations

from datetime import timedelta

from bot.domain import Role
from bot.i18n import t, t_plain
from bot.services.onboarding import create_invite
from tests.conftest import ADMIN_ID
from tests.people import register
from tests.project_fixtures import answered_once


async def _invites(bot, count: int) -> None:
    for _ in range(count):
        await create_invite(bot.repos, bot.clock.now(), role=Role.ADMIN, ttl=timedelta(days=7))


def _revokes(chat) -> list[str]:
    return [data for _, data in chat.buttons() if data.startswith("inv:revoke:")]


async def test_a_long_list_pages_both_ways_in_place(bot):
    await _invites(bot, 20)
    admin = bot.chat(ADMIN_ID)
    await admin.send("/invites")
    first = _revokes(admin)
    assert len(first) == 8
    assert t("paging.marker", page=1, count=3) in admin.last_text()
    assert admin.buttons()[-1] == (t_plain("paging.next"), "pg:inv:1")

    calls = await admin.click("pg:inv:1")
    assert [c.endpoint for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert t("paging.marker", page=2, count=3) in admin.last_text()
    second = _revokes(admin)
    assert len(second) == 8 and not set(second) & set(first)
    assert [label for label, _ in admin.buttons()][-2:] == [t_plain("paging.next"),
                                                            t_plain("paging.previous")]
    await admin.click("pg:inv:2")
    third = _revokes(admin)
    assert len(third) == 4
    assert len(set(first + second + third)) == 20
    await admin.click("pg:inv:0")
    assert _revokes(admin) == first
    assert answered_once(bot)


async def test_a_page_that_is_gone_is_answered_clearly_and_the_last_page_shown(bot):
    await _invites(bot, 10)
    admin = bot.chat(ADMIN_ID)
    await admin.send("/invites")
    # Revoke enough for the list to fit one page; page 2 is then gone.
    for data in _revokes(admin)[:5]:
        await admin.click(data)
    calls = await admin.click("pg:inv:1")
    [answer] = [c for c in calls if c.endpoint == "answerCallbackQuery"]
    assert answer.params["text"] == t_plain("paging.gone", page=2, count=1)
    assert answer.params["show_alert"] is True
    assert len(_revokes(admin)) == 5
    # A forged page number is the same kind of press.
    calls = await admin.click("pg:inv:9999")
    assert calls[0].params["text"] == t_plain("paging.gone", page=10000, count=1)
    assert answered_once(bot)


async def test_when_the_message_cannot_be_edited_the_page_is_sent_anew(bot):
    await _invites(bot, 12)
    admin = bot.chat(ADMIN_ID)
    await admin.send("/invites")

    def refuse_edits(call):
        if call.endpoint == "editMessageText":
            return 400, {"ok": False, "error_code": 400,
                         "description": "Bad Request: message can't be edited"}
        return None

    bot.api.fault = refuse_edits
    calls = await admin.click("pg:inv:1")
    assert [c.endpoint for c in calls] == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert t("paging.marker", page=2, count=2) in admin.last_text()
    assert answered_once(bot)


async def test_others_pressing_a_page_are_refused(bot):
    await _invites(bot, 12)
    deputy, _ = await register(bot, 2001, Role.DEPUTY, county="\u0628\u0645")
    calls = await deputy.click("pg:inv:1")
    assert [c.endpoint for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["text"] == t("auth.denied")
    assert all(not c.text.startswith(t("invite.pending_head", count=12)) for c in deputy.calls())
