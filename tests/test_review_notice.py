"""The deputy's notice in one piece (card, album, buttons), accepting with one confirmation,
returning with a preset or typed reason, and the full text of a card that had to be cut.

Everything runs against StrictBotAPI, which refuses what Telegram refuses (over-long texts
and captions, bad albums, bad HTML, callback data over 64 bytes).
"""

from __future__ import annotations

from datetime import date, timedelta

from bot import limits
from bot.i18n import fa_digits, t, t_plain
from bot.services.progress import review_reasons
from scheduler.outbox import backoff
from tests.project_fixtures import answered_once, make_world, submit_report

LONG = ("\u06a9\u0627\u0631\u06af\u0627\u0647 \u0622\u0645\u0648\u0632\u0634\u06cc "
        "\U0001F4DA &<b> ")  # «workshop» words, an emoji, HTML's special characters
NETWORK_DOWN = (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})


def long_text(size: int) -> str:
    return (LONG * (size // len(LONG) + 1))[:size]


async def _report_with_files(w, *, photos: int = 3, documents: int = 1) -> None:
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send("\u06f4\u06f5")
    await w.member.send("Two training sessions held")
    for n in range(photos):
        await w.member.send_photo(f"ph{n}", data=b"\xff\xd8photo" + bytes([n]))
    for n in range(documents):
        await w.member.send_document(f"doc{n}", f"receipt{n}.pdf", "application/pdf",
                                     data=b"%PDF-1.4 " + bytes([n]))
    await w.member.click("rep:files:done")
    await w.member.send("\u06f3 \u0645\u06cc\u0644\u06cc\u0648\u0646")
    await w.member.send("\u06f2\u06f5 \u0646\u0641\u0631")  # «25 people»: a count with its unit
    await w.member.click("rep:ok")


async def test_the_notice_is_the_card_then_one_album_then_the_buttons(strict):
    w = await make_world(strict)
    await _report_with_files(w)
    [report] = await strict.repos.reports.of_project(w.project_id)
    assert report.people_reached == 25
    await strict.deliver()
    calls = [c for c in w.deputy.calls() if c.endpoint != "sendMessage" or c.text]
    code = fa_digits(report.tracking_code)
    assert [c.endpoint for c in calls[-4:]] == [
        "sendMessage", "sendMediaGroup", "sendDocument", "sendMessage"]
    card, album, document, decide = calls[-4:]
    assert card.text.startswith(t("review.incoming", card="").strip())
    assert "Sport for kids" in card.text and not card.params.get("reply_markup")
    assert [m["type"] for m in album.params["media"]] == ["photo"] * 3
    assert album.text == t("review.album_caption", code=code, title="Sport for kids")
    assert document.text == album.text
    assert decide.text == t("review.decide", code=code, title="Sport for kids")
    assert w.deputy.buttons() == [(t("review.accept_button"), f"rv:ok:{report.id}"),
                                  (t("review.return_button"), f"rv:ret:{report.id}")]
    rows = await strict.repos.outbox.items("report_review")
    assert {r["status"] for r in rows} == {"sent"}
    assert strict.api.refused == []


async def test_on_a_weak_connection_the_card_and_the_buttons_still_come(strict):
    w = await make_world(strict)
    await _report_with_files(w, documents=0)
    strict.api.fault = lambda call: NETWORK_DOWN if call.endpoint == "sendMediaGroup" else None
    await strict.deliver()
    rows = await strict.repos.outbox.items("report_review")
    # The card and the buttons are delivered; the album waits for the network.
    assert [(r["method"], r["status"]) for r in rows] == [
        ("send_message", "sent"), ("send_media_group", "pending"), ("send_message", "sent")]
    [report] = await strict.repos.reports.of_project(w.project_id)
    assert (t("review.accept_button"), f"rv:ok:{report.id}") in w.deputy.buttons()
    # The album follows once the connection is back.
    strict.api.fault = None
    strict.clock.advance(timedelta(seconds=backoff(1) + 1))
    await strict.deliver()
    assert w.deputy.calls()[-1].endpoint == "sendMediaGroup"


async def test_accepting_asks_for_one_confirmation(strict):
    w = await make_world(strict)
    await _report_with_files(w, photos=0, documents=0)
    [report] = await strict.repos.reports.of_project(w.project_id)
    await strict.deliver()
    code = fa_digits(report.tracking_code)
    await w.deputy.click(f"rv:ok:{report.id}")
    assert w.deputy.last_text() == t("review.confirm_accept", code=code, title="Sport for kids")
    assert w.deputy.buttons() == [(t("review.accept_yes"), f"rv:oky:{report.id}"),
                                  (t("review.accept_no"), f"rv:okn:{report.id}")]
    assert (await strict.repos.reports.get(report.id)).status == "submitted"
    await w.deputy.click(f"rv:okn:{report.id}")
    assert w.deputy.last_text() == t("review.accept_kept", code=code)
    assert (await strict.repos.reports.get(report.id)).status == "submitted"
    await w.deputy.click(f"rv:ok:{report.id}")
    await w.deputy.click(f"rv:oky:{report.id}")
    assert (await strict.repos.reports.get(report.id)).status == "accepted"
    assert w.deputy.last_text() == t("review.accepted", code=code, title="Sport for kids")
    await strict.deliver()
    assert w.member.last_text() == t("review.told_accepted", title="Sport for kids", code=code)
    await w.deputy.click(f"rv:oky:{report.id}")  # the question's button again
    assert w.deputy.last_text() == t("review.already")
    await w.deputy.click(f"rv:ok:{report.id}")  # the notice's button again
    assert w.deputy.last_text() == t("review.already")
    assert answered_once(strict)
    assert strict.api.refused == []


async def test_returning_takes_a_preset_or_a_typed_reason_never_a_menu_label(strict):
    w = await make_world(strict)
    await _report_with_files(w, photos=0, documents=0)
    [report] = await strict.repos.reports.of_project(w.project_id)
    await w.deputy.click(f"rv:ret:{report.id}")
    assert w.deputy.last_text() == t("review.ask_reason")
    presets = [label for label, data in w.deputy.buttons() if data.startswith("rv:why:")]
    assert presets == review_reasons()
    await w.deputy.send(t_plain("menu.projects"))  # the menu keeps working ...
    assert "Sport for kids" in w.deputy.last_text()
    assert (await strict.repos.reports.get(report.id)).status == "submitted"  # ... no reason
    await w.deputy.send("x" * 501)
    assert w.deputy.last_text() == t("review.reason_too_long", limit=500)
    # «receipt 3 is unreadable», with a Persian digit that must stay as typed
    reason = ("\u0631\u0633\u06cc\u062f \u06f3 "
              "\u062e\u0648\u0627\u0646\u0627 \u0646\u06cc\u0633\u062a")
    await w.deputy.send(f"  {reason} ")
    assert (await strict.repos.reports.get(report.id)).status == "returned"
    assert (await strict.repos.reports.review_of(report.id)).reason == reason  # as typed
    assert answered_once(strict)
    assert strict.api.refused == []


async def test_a_card_that_had_to_be_cut_offers_the_whole_text(strict):
    w = await make_world(strict)
    await submit_report(strict, w.member_person, w.project_id, strict.clock.now(), percent=60,
                        spent=1_000, done_text="start")
    done, why = long_text(3000), long_text(2999)
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send("10")
    await w.member.send(why)
    await w.member.send(done)
    await w.member.click("rep:files:done")
    await w.member.send("2000")
    await w.member.click("rep:people:skip")
    assert (t("review.full_text_button"), "rep:full") in w.member.buttons()
    assert t_plain("fit.more_report") in limits.visible(w.member.last_text())
    await w.member.click("rep:ok")

    [report] = [r for r in await strict.repos.reports.of_project(w.project_id)
                if r.percent == 10]
    await strict.deliver()
    card = next(c for c in reversed(w.deputy.calls()) if c.text.startswith(
        t("review.incoming", card="").strip()))
    assert limits.length(card.text) <= limits.TEXT
    assert card.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == \
        f"rtx:{report.id}"
    calls = await w.deputy.click(f"rtx:{report.id}")
    whole = "".join(limits.visible(c.text) for c in calls if c.endpoint == "sendMessage")
    squeeze = "".join  # compare without the spacing that message breaks may take
    assert squeeze(done.split()) in squeeze(whole.split())
    assert squeeze(why.split()) in squeeze(whole.split())
    # Someone of another county presses the same button: refused, nothing shown.
    outsider_calls = await strict.chat(9999).click(f"rtx:{report.id}")
    assert not [c for c in outsider_calls if c.endpoint == "sendMessage"]
    assert answered_once(strict)
    assert strict.api.refused == []


class _FailingProjects:
    """The projects repository, failing for one project (a bug, a broken row)."""

    def __init__(self, real, broken_id: int) -> None:
        self.real, self.broken_id = real, broken_id

    async def get(self, project_id: int):
        if project_id == self.broken_id:
            raise RuntimeError("broken row")
        return await self.real.get(project_id)


async def test_a_report_that_cannot_be_listed_never_hides_the_ones_after_it(bot):
    from types import SimpleNamespace

    from bot.services.projects import add_project
    from bot.services.review_list import waiting_view

    w = await make_world(bot)
    now = bot.clock.now()
    projects = [w.project_id]
    for title in ("Second", "Third"):
        projects.append(await add_project(
            bot.repos, now, organisation_id=w.org_id, title=title, domain="sport",
            budget=1_000, start=date(2026, 11, 21), deadline=None,
            actor_id=None))
    for project_id in projects:
        await submit_report(bot, w.member_person, project_id, now, percent=20, spent=10)
    repos = SimpleNamespace(reports=bot.repos.reports,
                            projects=_FailingProjects(bot.repos.projects, projects[1]))
    view = await waiting_view(repos, w.deputy_person, bot.clock.tz)
    [section] = view.sections
    texts = [e.text for e in section.entries]
    assert len(texts) == 3
    assert "Sport for kids" in texts[0] and "Third" in texts[2]
    waiting = await bot.repos.reports.waiting(None)
    assert texts[1] == t("review.waiting_broken", n=2,
                         code=fa_digits(waiting[1].tracking_code))
    assert [b for e in section.entries for _, b in e.buttons] == [
        f"rv:open:{waiting[0].id}", f"rv:open:{waiting[2].id}"]
