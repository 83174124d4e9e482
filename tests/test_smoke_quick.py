from bot.i18n import t
from tests.conftest import ADMIN_ID


async def test_admin_start(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    calls = await admin.send("/start")
    assert admin.last_text().startswith("Zahra")
    print([c.endpoint for c in calls])
    assert t("menu.invite") in admin.keyboard()
