import re

from bot.i18n import t
from tests.conftest import ADMIN_ID


async def test_admin_invites_deputy(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    assert t("menu.invite") in admin.keyboard()
    await admin.send("/invite")
    await admin.click("inv:role:deputy")
    county = await bot.repos.counties.by_name("رفسنجان")
    await admin.click(f"inv:county:{county.id}")
    token = re.search(r"<code>(.+)</code>", admin.last_text())[1]
    deputy = bot.chat(2000, "Ali")
    await deputy.send(f"/start {token}")
    print(deputy.texts())
    await bot.restart()
    deputy = bot.chat(2000, "Ali")
    await deputy.send("/whoami")
    print(deputy.texts())
    assert "رفسنجان" in deputy.last_text()
