"""/export in chat: kind → period → format buttons → the file as a document; admins only."""

from __future__ import annotations

import pytest

from bot.i18n import t, t_plain
from handlers import admin_export
from tests.conftest import ADMIN_ID, Harness
from tests.report_fixtures import make_month


async def test_admin_walks_the_buttons_and_gets_the_xlsx(bot: Harness) -> None:
    await make_month(bot)
    admin = bot.chat(ADMIN_ID)
    await admin.send("/export")
    assert admin.last_text() == t("exports.ask_kind")
    assert "ex:k:inspections" in [data for _, data in admin.buttons()]
    await admin.click("ex:k:inspections")
    assert "ex:p:inspections:m0" in [data for _, data in admin.buttons()]
    await admin.click("ex:p:inspections:m0")
    assert [data for _, data in admin.buttons()] == [
        "ex:f:inspections:m0:xlsx", "ex:f:inspections:m0:csv", "ex:f:inspections:m0:zip"]
    await admin.click("ex:f:inspections:m0:xlsx")
    sent = bot.api.named("sendDocument")
    assert len(sent) == 1 and sent[0].chat_id == ADMIN_ID
    assert sent[0].params["caption"] == t(
        "exports.caption", kind=t_plain("exports.kinds.inspections"), rows=6,
        span=t_plain("exports.periods.m0"))


async def test_zip_of_last_month(bot: Harness) -> None:
    await make_month(bot)
    admin = bot.chat(ADMIN_ID)
    await admin.click("ex:f:inspections:m1:zip")  # Aban: the one visit there
    sent = bot.api.named("sendDocument")
    assert sent[0].params["caption"] == t(
        "exports.caption", kind=t_plain("exports.kinds.inspections"), rows=1,
        span=t_plain("exports.periods.m1"))


@pytest.mark.parametrize("data", [
    "ex:k:secrets", "ex:p:inspections:zz", "ex:f:inspections:m0:pdf", "ex:f:people:all:xlsx"])
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
    await month.kerman.click("ex:f:inspections:all:xlsx")
    assert not bot.api.named("sendDocument")
    assert bot.api.named("answerCallbackQuery")[-1].params["text"] == t("auth.denied")


async def test_a_zip_over_the_upload_limit_is_refused_with_a_pointer_to_the_cli(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_month(bot)
    monkeypatch.setattr(admin_export, "MAX_UPLOAD", 10)
    admin = bot.chat(ADMIN_ID)
    await admin.click("ex:f:inspections:m0:zip")
    assert admin.last_text() == t("exports.too_big", kind="inspections")
    assert not bot.api.named("sendDocument")
