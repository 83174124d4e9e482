"""/export in chat: kind → county → period → format buttons → the file as a document; admins
only."""

from __future__ import annotations

import pytest

from bot.i18n import t, t_plain
from handlers import admin_export
from tests.conftest import ADMIN_ID, Harness
from tests.report_fixtures import make_month

# The flow on Telegram and on Bale (tests/conftest.py, docs/bale.md).
pytestmark = pytest.mark.both_platforms


async def test_admin_walks_the_buttons_and_gets_the_xlsx(bot: Harness) -> None:
    await make_month(bot)
    admin = bot.chat(ADMIN_ID)
    await admin.send("/export")
    assert admin.last_text() == t("exports.ask_kind")
    assert "ex:k:inspections" in [data for _, data in admin.buttons()]
    await admin.click("ex:k:inspections")
    assert (t_plain("exports.all_counties"), "ex:c:inspections:0") in admin.buttons()
    assert len(admin.buttons()) == 23 + 1
    await admin.click("ex:c:inspections:0")
    assert "ex:p:inspections:0:m0" in [data for _, data in admin.buttons()]
    await admin.click("ex:p:inspections:0:m0")
    assert [data for _, data in admin.buttons()] == [
        "ex:f:inspections:0:m0:xlsx", "ex:f:inspections:0:m0:csv", "ex:f:inspections:0:m0:zip"]
    await admin.click("ex:f:inspections:0:m0:xlsx")
    sent = bot.api.named("sendDocument")
    assert len(sent) == 1 and sent[0].chat_id == ADMIN_ID
    assert sent[0].params["caption"] == t(
        "exports.caption", kind=t_plain("exports.kinds.inspections"), rows=6,
        scope=t_plain("exports.all_counties"), span=t_plain("exports.periods.m0"))


async def test_one_county_gets_only_its_own_rows(bot: Harness) -> None:
    month = await make_month(bot)
    admin = bot.chat(ADMIN_ID)
    everything = await export_rows(bot, None)
    county = await bot.repos.counties.get(month.kerman_person.county_id)
    own = await export_rows(bot, county.id)
    assert 0 < len(own) < len(everything)
    await admin.click("ex:k:inspections")
    await admin.click(f"ex:c:inspections:{county.id}")
    assert admin.last_text() == t("exports.ask_period", kind=t_plain("exports.kinds.inspections"),
                                  scope=county.name)
    await admin.click(f"ex:p:inspections:{county.id}:m0")
    await admin.click(f"ex:f:inspections:{county.id}:m0:csv")
    sent = bot.api.named("sendDocument")
    assert sent[0].params["caption"] == t(
        "exports.caption", kind=t_plain("exports.kinds.inspections"), rows=len(own),
        scope=county.name, span=t_plain("exports.periods.m0"))


async def export_rows(bot: Harness, county_id: int | None) -> list:
    """This month's inspection rows the export service gives for a county (None: all)."""
    from bot.jalali import current_month  # noqa: PLC0415
    from bot.services.exports import KINDS, window  # noqa: PLC0415

    month = current_month(bot.clock.now(), bot.settings.tz)
    return await KINDS["inspections"].rows(bot.repos, window(month, month, county_id,
                                                             bot.settings.tz))


async def test_zip_of_last_month(bot: Harness) -> None:
    await make_month(bot)
    admin = bot.chat(ADMIN_ID)
    await admin.click("ex:f:inspections:0:m1:zip")  # Aban: the one visit there
    sent = bot.api.named("sendDocument")
    assert sent[0].params["caption"] == t(
        "exports.caption", kind=t_plain("exports.kinds.inspections"), rows=1,
        scope=t_plain("exports.all_counties"), span=t_plain("exports.periods.m1"))


@pytest.mark.parametrize("data", [
    "ex:k:secrets", "ex:c:inspections:999", "ex:c:secrets:0", "ex:p:inspections:0:zz",
    "ex:p:inspections:999:m0", "ex:f:inspections:0:m0:pdf", "ex:f:people:0:all:xlsx",
    "ex:f:inspections:999:m0:xlsx"])
async def test_forged_choices_are_refused(bot: Harness, data: str) -> None:
    admin = bot.chat(ADMIN_ID)
    await admin.send("/whoami")
    await admin.click(data)
    answers = bot.api.named("answerCallbackQuery")
    assert answers[-1].params["text"] == t("auth.denied")
    assert not bot.api.named("sendDocument")


async def test_deputies_get_no_export(bot: Harness) -> None:
    month = await make_month(bot)
    await month.kerman.send("/export")
    assert month.kerman.last_text() == t("auth.denied")
    await month.kerman.click("ex:f:inspections:0:all:xlsx")
    assert not bot.api.named("sendDocument")
    assert bot.api.named("answerCallbackQuery")[-1].params["text"] == t("auth.denied")


async def test_a_zip_over_the_upload_limit_is_refused_with_a_pointer_to_the_cli(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_month(bot)
    monkeypatch.setattr(admin_export, "MAX_UPLOAD", 10)
    admin = bot.chat(ADMIN_ID)
    await admin.click("ex:f:inspections:0:m0:zip")
    assert admin.last_text() == t("exports.too_big", kind="inspections")
    assert not bot.api.named("sendDocument")
