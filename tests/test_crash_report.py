"""kill -9 at random points of a whole progress report, against the bot as a subprocess and
the local HTTP fake of the Bot API (as tests/test_crash.py does for a check-in); after each
kill the bot is started again on the same database.

Half of the kills come right after the member saw the answer to a step: the bot may not have
stored the conversation step yet, and the draft's own step must bring /report back there. The
other half come a few milliseconds after an update was sent (mid-step). The member answers a
step again only when shown it again (the bot's "restarted, continuing" note and the question)
or when the update went with the process (the dead bot confirmed it to Telegram and answered
nothing); a confirmation pressed again after its answer was lost meets the stale-button
answer. At the end exactly one submitted report holds both photos and every answer, no draft
is left, PRAGMA integrity_check is ok, nobody got the apology and no process printed a
traceback.

NAZER_REPORT_CRASHES sets the number of kills (default 10), NAZER_CRASH_SEED the random plan
(it passes with 2026, the default, and 1, 2, 3 and 7). NAZER_CRASH_TEST=0 skips it.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable

import pytest

from bot.db import Database
from bot.db.repos import Repos
from bot.i18n import t, t_plain
from tests.http_fake import FakeTelegramServer, HttpCall
from tests.processes import pause
from tests.test_crash import Process
from tests.test_smoke_subprocess import (
    Chat,
    _has_button,
    _has_menu,
    _prepare_member,
    _says,
    api,  # noqa: F401 - the fixture
)

KILLS = int(os.environ.get("NAZER_REPORT_CRASHES", "10"))
pytestmark = pytest.mark.skipif(os.environ.get("NAZER_CRASH_TEST") == "0",
                                reason="seconds of restarts; NAZER_CRASH_TEST=0 skips it")
USER = 7002
BUDGET = 10_000_000  # tests.test_smoke_subprocess._prepare_member's project
WORK = "the first workshop was held"
PHOTOS = (b"\xff\xd8workshop", b"\xff\xd8receipt")
Until = Callable[[HttpCall], bool]


def report_steps(api: FakeTelegramServer, project_id: int) -> list[tuple[Callable, Until]]:
    """The report as (make the update from the last answer, answer that ends the step)."""
    def press(data: str) -> Callable:
        return lambda ask: api.callback_update(USER, data, ask)

    def text(value: str) -> Callable:
        return lambda ask: api.message_update(USER, value)

    def photo(n: int) -> tuple[Callable, Until]:
        kept = (t("report.file_received", count=n + 1), t("report.file_duplicate"))
        return (lambda ask: api.photo_update(USER, f"rep-{n}", PHOTOS[n]),
                lambda call: call.text in kept)

    return [
        (text("/report"), _has_button("rep:p:")),
        (press(f"rep:p:{project_id}"), _says(t("report.ask_percent", title="", previous=0)
                                             .split("\n")[1])),
        (text("40"), _says(t("report.ask_done"))),
        (text(WORK), _says(t("report.ask_files"))),
        photo(0),
        photo(1),
        (press("rep:files:done"), _says(t("report.ask_spent", budget=BUDGET))),
        (text("2000000"), _says(t("report.ask_people"))),
        (text("120"), _has_button("rep:ok")),
        (press("rep:ok"), _has_menu),
    ]


async def test_kill_9_at_random_points_of_a_report_loses_nothing(tmp_path, api):
    token, project_id = await _prepare_member(tmp_path)
    bot = Process(tmp_path, api)
    try:
        retries = _run(api, project_id, token, bot)
        err = bot.stop()
    finally:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.proc.kill()
            bot.proc.wait()
    print(f"crash-report: {bot.kills} kills; sent again after a kill at steps {retries}")
    assert bot.kills == KILLS
    assert not any("Traceback" in log for log in [*bot.logs, err]), err

    db = await Database(tmp_path / "nazer.sqlite3").open()
    try:
        repos = Repos.over(db)
        assert await db.scalar("PRAGMA integrity_check") == "ok"
        reports = await repos.reports.of_project(project_id)
        assert len(reports) == 1, reports
        files = await repos.reports.attachments(reports[0].id)
        drafts = await db.scalar("SELECT count(*) FROM flow_drafts")
    finally:
        await db.close()
    report = reports[0]
    assert (report.status, report.percent, report.done_text, report.spent,
            report.people_reached) == ("submitted", 40, WORK, 2_000_000, 120)
    assert [f.kind for f in files] == ["photo", "photo"]
    media = tmp_path / "media"
    assert sorted((media / f.sha256[:2] / f.sha256).read_bytes() for f in files) == sorted(PHOTOS)
    assert drafts == 0
    assert not any(t("errors.generic") in (c.text or "") for c in api.shown_to(USER))


def _run(api: FakeTelegramServer, project_id: int, token: str, bot: Process) -> list[int]:
    bot.start()
    Chat(api, USER).join(token)
    steps = report_steps(api, project_id)
    rng = random.Random(int(os.environ.get("NAZER_CRASH_SEED", "2026")))
    hows = ["after", "during"] * (KILLS // 2) + ["after"] * (KILLS % 2)
    rng.shuffle(hows)
    plan = [(rng.randrange(len(steps)), how) for how in hows]
    retries: list[int] = []
    ask: HttpCall | None = None

    def outcome(before: int, until: Until, query_id: str | None) -> str | None:
        """What the member has seen since `before`: the step's answer ("done"), the step shown
        again after a restart ("again"), the stale-button answer to a press ("stale")."""
        shown = api.shown_to(USER)[before:]
        if any(until(c) for c in shown):
            return "done"
        if any(c.text == t("flow.resumed") for c in shown[:-1]):  # the note, then the step
            return "again"
        stale = t_plain("report.stale")
        if query_id is not None and any(
            c.params.get("callback_query_id") == query_id and c.params.get("text") == stale
            for c in api.named("answerCallbackQuery")
        ):
            return "stale"
        return None

    for index, (make, until) in enumerate(steps):
        kills_here = [how for at, how in plan if at == index]

        def send(make: Callable = make) -> tuple[int, int, str | None]:
            update = make(ask)
            before = len(api.shown_to(USER))
            query_id = update.get("callback_query", {}).get("id")
            return api.push(update), before, query_id

        update_id, before, query_id = send()
        for _ in range(kills_here.count("during")):
            # PTB confirms an update to Telegram with its next poll, which may come before the
            # kill: then the update is gone with the process unless it was answered.
            pause(rng.uniform(0.0, 0.05))
            bot.kill()
            bot.start()
            if not api.pending(update_id) and outcome(before, until, query_id) is None:
                retries.append(index)
                update_id, before, query_id = send()
        while True:
            api.wait_for(lambda _: outcome(before, until, query_id) is not None,  # noqa: B023
                         timeout=15)
            seen = outcome(before, until, query_id)
            if seen != "again":
                break
            retries.append(index)  # shown the step again: answers it again
            update_id, before, query_id = send()
        assert seen == "done" or index == len(steps) - 1, (index, seen)
        done = [c for c in api.shown_to(USER)[before:] if until(c)]
        ask = done[0] if done else ask
        for _ in range(kills_here.count("after")):  # the member saw the answer
            bot.kill()
            bot.start()
    return retries
