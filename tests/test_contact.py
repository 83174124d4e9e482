"""Pre-registration by file and coming in by sharing one's own phone number."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from bot.domain import Role
from bot.i18n import t
from bot.services.onboarding import import_people
from tests.people import add_organisation

CSV = """phone,name,role,county,organisation
09123456789,Ali Karimi,deputy,رفسنجان,
+98 912 000 1111,Sara,member,,سمن امید
۰۹۱۳۰۰۰۲۲۲۲,Reza,admin,,
12345,Bad Phone,admin,,
09124440000,No County,deputy,ناکجا,
"""

ALI = "\n".join(CSV.splitlines()[:2]) + "\n"


async def test_import_people_reports_each_bad_line(bot, tmp_path: Path):
    await add_organisation(bot, "سمن امید", "بم")
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    report = await import_people(bot.repos, bot.clock.now(), path)
    assert [(line, key) for line, key, _ in report.errors] == [
        (5, "import.bad_phone"), (6, "imports.unknown_value")
    ]
    assert await bot.repos.people.by_phone("+989123456789") is None  # nothing half imported
    path.write_text("\n".join(CSV.splitlines()[:4]) + "\n", encoding="utf-8")
    report = await import_people(bot.repos, bot.clock.now(), path)
    assert (report.added, report.updated, report.errors) == (3, 0, [])
    again = await import_people(bot.repos, bot.clock.now(), path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


async def test_xlsx_with_persian_headers(bot, tmp_path: Path):
    book = Workbook()
    sheet = book.active
    sheet.append(["تلفن", "نام", "نقش", "شهرستان", "سازمان"])
    sheet.append([9123456789, "Ali", "معاون", "بم", None])  # Excel drops the leading zero
    path = tmp_path / "people.xlsx"
    book.save(path)
    report = await import_people(bot.repos, bot.clock.now(), path)
    assert (report.added, report.errors) == (1, [])
    person = await bot.repos.people.by_phone("+989123456789")
    assert (person.role, person.name) == (Role.DEPUTY, "Ali")


async def test_sharing_ones_own_number_registers_the_person(bot, tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_text(ALI, encoding="utf-8")
    await import_people(bot.repos, bot.clock.now(), path)

    ali = bot.chat(3001, "Ali on Telegram")
    await ali.send("/start")
    assert ali.last_text() == t("gate.stranger")
    await ali.send_contact("989123456789")  # Telegram sends numbers without the plus
    person = await bot.repos.people.by_tg(bot.platform, 3001)
    assert (person.name, person.role) == ("Ali Karimi", Role.DEPUTY)
    assert "Ali Karimi" in ali.last_text()
    assert ali.keyboard()  # the deputy menu is shown


async def test_someone_elses_contact_does_not_count(bot, tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_text(ALI, encoding="utf-8")
    await import_people(bot.repos, bot.clock.now(), path)
    impostor = bot.chat(3002)
    await impostor.send_contact("+989123456789", user_id=3001)
    assert impostor.last_text() == t("onboarding.contact_not_yours")
    assert await bot.repos.people.by_tg(bot.platform, 3002) is None
    assert await bot.repos.people.by_tg(bot.platform, 3001) is None


async def test_an_unknown_number_is_told_how_to_ask(bot):
    chat = bot.chat(3003)
    await chat.send_contact("+989350000000")
    assert chat.last_text() == t("onboarding.contact_unknown")
    assert await bot.repos.people.by_tg(bot.platform, 3003) is None


async def test_a_matched_number_cannot_be_claimed_by_another_account(bot, tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_text(ALI, encoding="utf-8")
    await import_people(bot.repos, bot.clock.now(), path)
    await bot.chat(3001).send_contact("+989123456789")
    second = bot.chat(3004)
    await second.send_contact("+989123456789")
    assert second.last_text() == t("onboarding.contact_unknown")
    assert (await bot.repos.people.by_phone("+989123456789")).tg_user_id == 3001
