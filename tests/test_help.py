"""/help and the chat's command list name only what the person may use."""

from __future__ import annotations

import re

from bot.domain import Role
from bot.i18n import t
from handlers.menus import COMMANDS, command_name
from tests.conftest import ADMIN_ID
from tests.people import add_organisation, register
from tests.test_authz_matrix import COMMANDS as ALLOWED
from tests.world import ADMINS, DEPUTIES, MEMBERS

BAM = "\u0628\u0645"
ROLE_CELLS = {Role.ADMIN: ADMINS, Role.DEPUTY: DEPUTIES, Role.MEMBER: MEMBERS}


def listed(text: str) -> set[str]:
    return set(re.findall(r"^/([a-z_]+) ", text, flags=re.MULTILINE))


def commands_set_for(bot, chat_id: int) -> set[str]:
    calls = [c for c in bot.api.named("setMyCommands")
             if (c.params.get("scope") or {}).get("chat_id") == chat_id]
    return {c["command"] for c in calls[-1].params["commands"]}


def test_every_role_lists_only_commands_the_role_may_use():
    for role, cells in ROLE_CELLS.items():
        names = {command_name(key) for key in COMMANDS[role]}
        refused = {name for name in names if not ALLOWED[name] & cells}
        assert refused == set(), f"{role} is shown commands it is refused: {refused}"


async def test_an_ngo_member_is_not_shown_the_offices_monthly_report(bot):
    await add_organisation(bot, "NGO Bam", BAM)
    await add_organisation(bot, "Office Bam", BAM, kind="office")
    ngo, _ = await register(bot, 3001, Role.MEMBER, organisation="NGO Bam")
    office, _ = await register(bot, 3002, Role.MEMBER, organisation="Office Bam")
    await ngo.send("/help")
    assert "office_report" not in listed(ngo.last_text())
    assert {"report", "projects", "help"} <= listed(ngo.last_text())
    assert "office_report" not in commands_set_for(bot, 3001)
    await office.send("/help")
    assert "office_report" in listed(office.last_text())
    assert "office_report" in commands_set_for(bot, 3002)
    # What help lists, the member may open: nothing listed answers with a refusal.
    for name in listed(ngo.last_text()) - {"cancel", "start"}:
        await ngo.send(f"/{name}")
        assert ngo.last_text() not in (t("auth.denied"), t("office_report.not_office")), name


async def test_admins_and_deputies_see_their_own_commands(bot):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/help")
    assert listed(admin.last_text()) == {command_name(k) for k in COMMANDS[Role.ADMIN]}
    deputy, _ = await register(bot, 2001, Role.DEPUTY, county=BAM)
    await deputy.send("/help")
    assert "invite" not in listed(deputy.last_text())
    assert listed(deputy.last_text()) == {command_name(k) for k in COMMANDS[Role.DEPUTY]}
