"""Every view fits Telegram's limits, whatever people typed and however many rows there are.

A property over the text people type (Persian, emoji outside the BMP, HTML's own characters)
and the number of rows: names, titles, findings and reasons at their allowed maximum, then
/month, /review (listed, every report opened, the cut ones' full text), /projects, a project's
history after many returns, /broadcasts with who has not acknowledged, /invites and /plan,
each paged to its end, the check-in and report summaries, and the outbox delivered. The bot
talks to StrictBotAPI, which refuses every message, caption, album or callback data Telegram
would refuse; nothing may be refused and nothing may be given up.
"""

from __future__ import annotations

import asyncio
import html
import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import limits
from bot.clock import FixedClock, to_db
from bot.config import Settings
from bot.domain import Role
from bot.i18n import Safe, t, t_plain
from bot.inspection_domain import PlanEntry, Severity
from bot.services import broadcasts
from bot.services.inspection_views import summary_text
from bot.services.onboarding import create_invite
from bot.services.progress import decide, render_report
from bot.services.report_draft import as_report
from bot.services.projects import MAX_NAME, MAX_TITLE, add_project
from tests.conftest import ADMIN_ID, START, TOKEN, Harness
from tests.fakes import ChatSim
from tests.inspect_flow import add_facility, facility_type, programme
from tests.people import register
from tests.project_fixtures import answered_once, revise_report, submit_report
from tests.report_fixtures import _visit
from tests.strict_api import StrictBotAPI

PERSON_NAME = 129  # Telegram's first and last name, 64 each, and a space
TEXT = 3000  # findings, what was done, a backwards reason, a skipped location's reason
REASON = 500  # a reviewer's reason for returning a report
CHARS = st.sampled_from([*"\u0633\u0644\u0627\u0645\u06cc\u06f1\u200c <>&\"'a",
                         "\U0001F4CB", "\u2705", "\n"])


def fill(seed: str, size: int) -> str:
    """A text of exactly `size` characters made of the seed (never blank at the ends)."""
    return ("x" + seed * (size // max(len(seed), 1) + 1))[:size - 1] + "x"


class Probe:
    """The people of one example and the texts they typed."""

    def __init__(self, bot: Harness, seed: str) -> None:
        self.bot = bot
        self.seed = seed

    def text(self, size: int) -> str:
        return fill(self.seed, size)

    def name(self, n: int, size: int) -> str:
        """A unique name of exactly `size` characters."""
        prefix = f"{n}-"
        return prefix + fill(self.seed, size - len(prefix))


async def walk(chat: ChatSim, calls: list) -> list:
    """Presses «next» until the last page; returns every call made on the way."""
    seen = list(calls)
    for _ in range(500):
        nxt = [data for label, data in chat.buttons() if label == t_plain("paging.next")]
        if not nxt:
            break
        seen += await chat.click(nxt[0])
    return seen


def payload_fits(payload: dict) -> bool:
    """An outbox payload's text and captions within Telegram's limits, as queued."""
    parse_html = payload.get("parse_mode") == "HTML"
    captions = [payload.get("caption")] + [m.get("caption") for m in payload.get("media", [])]
    return (limits.length(payload.get("text") or "x", parse_html=parse_html) <= limits.TEXT
            and all(limits.length(c, parse_html=parse_html or "<" in c) <= limits.CAPTION
                    for c in captions if c))


def buttons_of(calls: list, prefix: str) -> list[str]:
    out = []
    for call in calls:
        markup = call.params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            out += [b["callback_data"] for b in row if b.get("callback_data", "").startswith(prefix)]
    return list(dict.fromkeys(out))


async def seed_reports(p: Probe, member, deputy, project_ids: list[int], rows: int) -> None:
    """A report per project with the longest texts and files; the first returned many times."""
    repos, now = p.bot.repos, p.bot.clock.now()
    for n, project_id in enumerate(project_ids[:rows]):
        files = [{"kind": kind, "file_id": f"f{n}-{k}", "file_unique_id": f"u{n}-{k}",
                  "received_at": to_db(now)}
                 for k, kind in enumerate(("photo", "photo", "photo", "document", "document",
                                           "voice"))]
        await submit_report(p.bot, member, project_id, now, percent=10, spent=10**12,
                            done_text=p.text(TEXT), people_reached=10**9, files=files,
                            previous_percent=90, backwards_reason=p.text(TEXT))
    [first] = await repos.reports.of_project(project_ids[0])
    for _ in range(min(rows, 8)):  # «a project's history fails after eight returns»
        assert await decide(repos, now, deputy, first.id, accept=False,
                            reason=p.text(REASON)) == "done"
        first = await revise_report(p.bot, member, first.id, now)


async def seed_inspections(p: Probe, deputy, county: str, rows: int) -> None:
    """Serious visits at facilities with the longest names, each with an open follow-up."""
    repos = p.bot.repos
    for n in range(1, rows + 1):
        when = START - timedelta(hours=n)
        _, visit_id = await _visit(p.bot, n, deputy, county, p.name(n, MAX_NAME),
                                   "slaughterhouse", when, "strong", severity="serious",
                                   findings=p.text(TEXT))
        async with repos.db.transaction():
            await repos.inspections.open_follow_up(visit_id, deputy.county_id, Severity.SERIOUS,
                                                   when, when + timedelta(days=7))


async def seed_plans(p: Probe, counties, rows: int) -> None:
    """A deputy (longest name) and a plan in as many counties as there are rows (up to all)."""
    repos, now = p.bot.repos, p.bot.clock.now()
    food = await programme(p.bot, "food")
    kind = await facility_type(p.bot, "slaughterhouse")
    for n, county in enumerate(counties[:rows]):
        _, person = await register(p.bot, 5000 + n, Role.DEPUTY, county=county.name,
                                   name=p.text(PERSON_NAME))
        facility = await add_facility(p.bot, county.name, p.name(900 + n, MAX_NAME))
        await repos.inspections.save_plans([PlanEntry(
            "1405-09", person.id, county.id, food.id, date(2026, 12, 2), kind.id, facility.id,
        )], now)


async def seed_broadcasts(p: Probe, rows: int) -> None:
    """Broadcasts of the longest text to everyone, asking for «seen»."""
    repos, now = p.bot.repos, p.bot.clock.now()
    admin = await repos.people.by_tg(p.bot.platform, ADMIN_ID)
    typed = p.text(limits.TEXT)
    while limits.units(typed) > limits.TEXT:  # Telegram's 4,096 are UTF-16 units
        typed = typed[:-1]
    body = html.escape(typed, quote=False)
    for _ in range(rows):
        draft = await repos.drafts.start(admin.id, broadcasts.FLOW, {}, "text", now)
        assert broadcasts.set_text(draft, body, limits.length(body)) == "attachment"
        assert await broadcasts.choose_audience(repos, draft, broadcasts.Audience.ALL) == "ack"
        broadcasts.set_ack(draft, True)
        broadcast_id = await broadcasts.store_from_draft(repos, now, draft)
        assert await broadcasts.queue_broadcast(repos, now, broadcast_id, admin.id)


async def summaries(p: Probe, deputy, member, project_id: int) -> list[str]:
    """The check-in summary and the member's report summary at their longest."""
    repos, now = p.bot.repos, p.bot.clock.now()
    kind = await facility_type(p.bot, "slaughterhouse")
    facility = await add_facility(p.bot, "\u06a9\u0631\u0645\u0627\u0646", p.name(999, MAX_NAME))
    items = await repos.programmes.checklist(kind.id)
    draft = await repos.drafts.start(deputy.id, "deputy_checkin", {
        "programme_id": kind.programme_id, "type_id": kind.id, "facility_id": facility.id,
        "answers": {str(i.id): "no" for i in items}, "photos": [{}] * 10,
        "location": {"status": "skipped", "note": p.text(TEXT)},
        "findings": p.text(TEXT), "severity": "critical",
    }, "summary", now)
    texts = [await summary_text(repos, draft, p.bot.settings.tz)]
    report_draft = await repos.drafts.start(member.id, "member_report", {
        "project_id": project_id, "previous_percent": 90, "percent": 5, "spent": 10**12,
        "backwards_reason": p.text(TEXT), "done_text": p.text(TEXT), "files": []},
        "summary", now)
    report = as_report(report_draft, member)
    project = await repos.projects.get(project_id)
    texts.append(t("report.summary", card=Safe(render_report(report, project, [], member.name, p.bot.clock.tz))))
    return texts


async def scenario(folder: Path, seed: str, rows: int) -> None:
    bot = Harness(Settings(bot_token=TOKEN, database_path=folder / "db.sqlite3",
                           media_dir=folder / "media", admin_ids=frozenset({ADMIN_ID}),
                           bot_username="nazer_test_bot"),
                  StrictBotAPI(), FixedClock(START))
    await bot.start()
    try:
        p = Probe(bot, seed)
        repos, now = bot.repos, bot.clock.now()
        admin = bot.chat(ADMIN_ID, p.text(64))
        await admin.send("/start")
        counties = await repos.counties.all()
        kerman = next(c for c in counties if c.name == "\u06a9\u0631\u0645\u0627\u0646")
        org = await repos.organisations.add(p.name(0, MAX_NAME), kerman.id, now, kind="office")
        deputy_chat, deputy = await register(bot, 2001, Role.DEPUTY, county=kerman.name,
                                             name=p.text(PERSON_NAME))
        member_chat, member = await register(bot, 3001, Role.MEMBER, organisation=org.name,
                                             name=p.text(PERSON_NAME))
        project_ids = [await add_project(
            repos, now, organisation_id=org.id, title=p.name(n, MAX_TITLE), domain="sport",
            budget=10**12, start=date(2026, 11, 21), deadline=None, actor_id=None,
        ) for n in range(rows)]
        await seed_reports(p, member, deputy, project_ids, rows)
        await seed_inspections(p, deputy, kerman.name, rows)
        await seed_plans(p, [c for c in counties if c.id != kerman.id], rows)
        await seed_broadcasts(p, rows)
        for _ in range(rows):
            await create_invite(repos, now, role=Role.ADMIN, ttl=timedelta(days=7))
        texts = await summaries(p, deputy, member, project_ids[0])
        assert all(0 < limits.length(text) <= limits.TEXT for text in texts)

        calls = await walk(deputy_chat, await deputy_chat.send("/month"))
        assert len(buttons_of(calls, "fu:c:")) == rows  # every close button is reachable
        for chat in (deputy_chat, admin):
            listed = await walk(chat, await chat.send("/review"))
            opens = buttons_of(listed, "rv:open:")
            assert len(opens) == len(await repos.reports.waiting(None))
            for data in opens:
                opened = await chat.click(data)
                for full in buttons_of(opened, "rtx:"):
                    await chat.click(full)
        for chat in (member_chat, deputy_chat, admin):
            listed = await walk(chat, await chat.send("/projects"))
            assert len(buttons_of(listed, "prj:h:")) == rows
        await walk(admin, await admin.click(f"prj:h:{project_ids[0]}"))
        listed = await walk(admin, await admin.send("/broadcasts"))
        await bot.deliver()
        for data in buttons_of(listed, "bcl:na:")[:2]:
            await admin.click(data)
        await walk(admin, await admin.send("/invites"))
        await walk(admin, await admin.send("/plan 1405-09"))
        await member_chat.send("/help")
        await bot.deliver()

        refused = [(c.endpoint, reason) for c, reason in bot.api.refused]
        assert refused == []
        assert not [c for c in bot.api.calls if c.text == t("errors.generic")]
        rows_sent = await repos.outbox.items()
        assert {r["status"] for r in rows_sent} <= {"sent"}
        # Built to fit before they were queued: the outbox's own cut was never needed.
        assert [r["id"] for r in rows_sent if not payload_fits(json.loads(r["payload"]))] == []
        assert answered_once(bot)
    finally:
        await bot.stop()


@settings(max_examples=5, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.text(CHARS, min_size=1, max_size=6), rows=st.integers(1, 30))
@example(seed="\u0633\U0001F4CB&<", rows=30)
@example(seed="a", rows=1)
def test_every_view_fits_telegrams_limits(seed: str, rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(scenario(Path(folder), seed, rows))
