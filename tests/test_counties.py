"""Admins list, add and rename counties in chat."""

from __future__ import annotations

from bot.i18n import t, t_plain
from tests.conftest import ADMIN_ID


async def test_list_add_and_rename(bot):
    admin = bot.chat(ADMIN_ID)
    await admin.send(t_plain("menu.counties"))
    assert admin.last_text().startswith(t("counties.list", count=23, lines="").split("\n")[0])
    assert "۲۳. بردسیر" in admin.last_text()

    await admin.press(t_plain("counties.add_button"))
    await admin.send("  كوهبنان جديد  ")  # Arabic letter forms and stray spaces are normalised
    assert admin.last_text() == t("counties.added", name="کوهبنان جدید")

    await admin.send("/counties")
    await admin.press(t_plain("counties.rename_button"))
    await admin.press("کوهبنان جدید")
    await admin.send("کوهپایه")
    assert admin.last_text() == t("counties.renamed", name="کوهپایه")
    assert await bot.repos.counties.by_name("کوهپایه") is not None
    actions = [e["action"] for e in await bot.repos.audit.recent()]
    assert actions[:2] == ["county.rename", "county.add"]


async def test_taken_or_empty_names_are_asked_again(bot):
    admin = bot.chat(ADMIN_ID)
    await admin.send("/counties")
    await admin.click("cty:add")
    await admin.send("بم")
    assert admin.last_text() == t("counties.bad_name")
    await admin.send_sticker()
    assert admin.last_text() == t("counties.bad_name")
    await admin.send("x" * 61)
    assert admin.last_text() == t("counties.bad_name")
    await admin.send("گلباف")
    assert admin.last_text() == t("counties.added", name="گلباف")
    assert await bot.repos.counties.count() == 24


async def test_a_forged_county_id_changes_nothing(bot):
    admin = bot.chat(ADMIN_ID)
    await admin.send("/counties")
    await admin.click("cty:rename")
    calls = await admin.click("cty:pick:999999")  # refused on the button itself
    assert [c.params.get("text") for c in calls if c.endpoint == "answerCallbackQuery"] == [
        t_plain("counties.gone")]
