"""Callback data defined once (bot/callbacks.py): every family fits Telegram's 64 bytes, reads
back what it was built from, and never matches another family's data; and the real bot answers
a forged or garbled press exactly once and changes nothing.
"""

from __future__ import annotations

import logging
import re
import re._parser as sre  # noqa: PLC2701 - the stdlib regex parser, to build extreme values
from typing import Any

import pytest

from bot import callbacks
from bot.callbacks import MAX_BYTES, Broadcasts, Button, Field, all_buttons, prefix_pattern
from bot.domain import Role
from bot.i18n import t, t_plain
from tests.conftest import ADMIN_ID, Harness
from tests.fakes import Call
from tests.introspect import dump, record_errors
from tests.people import register
from tests.project_fixtures import make_world
from tests.test_broadcast_ack import broadcast_to_deputies

NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")


def extreme(regex: str, longest: bool) -> str:
    """The longest (or shortest) text a field's regex takes: its max (min) repeats, its
    longest (shortest) alternative, the last (first) character of each class."""
    return "".join(_extreme(op, av, longest) for op, av in sre.parse(regex))


def _extreme(op: Any, av: Any, longest: bool) -> str:  # noqa: PLR0911 - one case per regex node
    if op is sre.LITERAL:
        return chr(av)
    if op is sre.IN:
        for kind, value in av:
            if kind is sre.LITERAL:
                return chr(value)
            if kind is sre.RANGE:
                return chr(value[1] if longest else value[0])
            if kind is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
                return "9" if longest else "0"
    if op is sre.MAX_REPEAT:
        low, high, item = av
        inner = "".join(_extreme(o, a, longest) for o, a in item)
        return inner * (min(high, 100) if longest else low)
    if op is sre.SUBPATTERN:
        return "".join(_extreme(o, a, longest) for o, a in av[-1])
    if op is sre.BRANCH:
        options = ["".join(_extreme(o, a, longest) for o, a in branch) for branch in av[1]]
        return (max if longest else min)(options, key=len)
    raise AssertionError(f"no extreme for {op} in a field")


def values(button: Button, longest: bool) -> tuple[Any, ...]:
    return tuple(f.read(extreme(f.regex, longest)) for f in button.fields)


FAMILIES = all_buttons()
IDS = [b.prefix for b in FAMILIES]


def test_the_families_are_all_found() -> None:
    """all_buttons() sees every class of bot/callbacks.py, so the checks below cover them."""
    classes = [c for c in vars(callbacks).values() if isinstance(c, type)
               and any(isinstance(v, Button) for v in vars(c).values())]
    assert len(classes) >= 15
    assert callbacks.Review.ACCEPT in FAMILIES and callbacks.Pages.HISTORY in FAMILIES


@pytest.mark.parametrize("button", FAMILIES, ids=IDS)
def test_data_fits_and_reads_back(button: Button) -> None:
    for longest in (True, False):
        given = values(button, longest)
        data = button(*given)
        assert 0 < len(data.encode()) <= MAX_BYTES
        assert button.parse(data) == given


@pytest.mark.parametrize("button", FAMILIES, ids=IDS)
def test_no_other_family_takes_its_data(button: Button) -> None:
    for longest in (True, False):
        data = button(*values(button, longest))
        others = [b for b in FAMILIES if b is not button and b.matches(data)]
        assert others == [], f"{data!r} is also read as {others}"


def test_every_family_has_its_own_pattern() -> None:
    patterns = [b.pattern for b in FAMILIES]
    assert len(patterns) == len(set(patterns))


def test_a_flows_stale_answer_takes_only_its_own_buttons() -> None:
    """A step flow answers any «PREFIX:…» press it no longer expects as stale; no other
    family's data may start that way, or the flow would swallow it."""
    for group in vars(callbacks).values():
        prefix = getattr(group, "PREFIX", None)
        if not isinstance(group, type) or prefix is None:
            continue
        own = {id(b) for b in vars(group).values() if isinstance(b, Button)}
        stale = re.compile(prefix_pattern(prefix))
        swallowed = [b for b in FAMILIES if id(b) not in own
                     and stale.match(b(*values(b, True)))]
        assert swallowed == [], f"«{prefix}:» would take {swallowed}"


def test_building_refuses_what_the_family_cannot_read() -> None:
    for wrong in [("x",), (10**9,), (1, 2)]:
        with pytest.raises((ValueError, TypeError)):
            callbacks.Review.ACCEPT(*wrong)
    with pytest.raises(ValueError, match="does not fit"):
        Button("zz", Field(r"[a-z]{1,80}"))("a" * 80)
    assert callbacks.Review.ACCEPT.parse("rv:ok:12x") is None
    assert callbacks.Review.ACCEPT.parse(None) is None


def test_data_built_before_does_not_let_a_wrong_value_through() -> None:
    """Built data is remembered (a checklist redraws the same buttons on every answer); a
    value equal to one built before but of another type is still checked: True == 1."""
    family = Button("zz", Field(r"\d{1,2}", int))
    assert family(1) == family(1) == "zz:1"
    with pytest.raises(ValueError, match="does not fit"):
        family(True)
    with pytest.raises(ValueError, match="does not fit"):
        family(100)


# The real bot --------------------------------------------------------------------------------
def answers(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.endpoint == "answerCallbackQuery"]


GARBLED = [
    "bca:abc", "bca:", "bca:1:2", "fu:c:1x", "fu:d:1:100", "rv:ok:-1", "rv:why:999",
    "rv:open:1234567890", "ppl:l:z:0", "ppl:rp:1", "cmp:1:14051", "inv:pf:1:whatsapp",
    "inv:role:king", "pg:inv:x", "pg:ph:1", "ex:c:inspections:", "prj:h:", "rtx:ab", "rec:",
    "x" * 64, "ci:a:1:q", "rep:p:", ":", "🙂",
]
FORGED = [  # of the right shape, naming nothing that exists or nothing of theirs
    "bca:999999", "fu:c:999999", "fu:ok:999999", "fu:e:999999", "fu:d:999999:7",
    "fu:l:999999:0", "rv:ok:999999", "rv:oky:999999", "rv:okn:999999", "rv:ret:999999",
    "rv:open:999999", "rtx:999999", "rec:999999", "prj:h:999999", "prj:x:999999",
    "prj:xy:999999", "ppl:p:999999", "ppl:x:999999", "ppl:xy:999999", "ppl:r:999999",
    "ppl:rp:999999:999998", "ppl:ry:999999:999998", "ppl:ri:999999", "ppl:i2:999999",
    "inv:revoke:999999", "inv:pf:999999:bale", "bcl:na:999999", "cmp:999999:140509",
    "ex:k:secrets", "ex:c:inspections:999999", "ex:p:inspections:0:zz",
    "ex:f:inspections:0:q:exe", "pg:ph:999999:0", "pg:pl:999999:0", "pg:inv:9999",
]


async def test_forged_and_garbled_presses_are_answered_once_and_change_nothing(
        bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    world = await make_world(bot)  # a project, its member and its county's deputy
    deputy, member = world.deputy, world.member
    errors = record_errors(bot.app)
    before = await dump(bot.repos.db)
    for chat in (admin, deputy, member):
        for data in GARBLED + FORGED:
            calls = await chat.click(data)
            assert len(answers(calls)) == 1, (chat.user_id, data, [c.endpoint for c in calls])
            assert not [c for c in calls if c.endpoint == "sendMessage"
                        and c.text == t("errors.generic")], data
    assert await dump(bot.repos.db) == before
    assert errors == []


async def test_a_second_seen_is_answered_once_without_an_error(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    """The first «seen» takes the button away; a double tap finds none to take, which
    Telegram refuses as «not modified»: that is the expected end, not an error."""
    deputy, person = await register(bot, 2000, Role.DEPUTY, county="بم", name="Ali")
    bid = await broadcast_to_deputies(bot)
    [row] = await bot.repos.outbox.items("broadcast")
    bare: set[int] = set()

    def telegram(call: Call) -> tuple[int, dict] | None:
        if call.endpoint != "editMessageReplyMarkup":
            return None
        message = int(call.params["message_id"])
        if message in bare:
            return 400, {"ok": False, "error_code": 400, "description": NOT_MODIFIED}
        bare.add(message)
        return None

    bot.api.fault = telegram
    errors = record_errors(bot.app)
    caplog.set_level(logging.INFO)
    first = await deputy.click(Broadcasts.SEEN(bid), row["message_id"])
    second = await deputy.click(Broadcasts.SEEN(bid), row["message_id"])
    assert [a.params["text"] for a in answers(first)] == [t_plain("broadcast.acked")]
    assert [a.params["text"] for a in answers(second)] == [t_plain("broadcast.already_acked")]
    assert [c.endpoint for c in second] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert await bot.repos.broadcasts.ack_count(bid) == 1
    assert await bot.repos.broadcasts.recipient(bid, person.id) is not None
    assert errors == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
