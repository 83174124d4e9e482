"""Property-based fuzz: random updates of every kind, into every step of every flow, as every role.

Each example picks a person (admin, deputies of two counties, members of two organisations,
a stranger), often opens a flow with one of its entry commands, and then sends random
updates: odd Unicode, RTL and zero-width marks, 4,096-character text, numbers huge and
negative, SQL- and HTML-looking text, media of every kind, polls, dice, contacts of others,
forwarded locations, edited messages, group messages, and callback data taken from the
buttons on screen, forged from the handlers' patterns, or random. Flows, commands and
patterns are read from the Application, so new flows are fuzzed without changes here.

After every update: the error handler was not reached, Telegram would have accepted every
reply (tests/strict_api.py), no reply shows a traceback, input that was refused (from
a stranger, an edit, a group, or answered only with a refusal) changed no table, and a
button press was answered exactly once (answerCallbackQuery with its id, and no other id).

Free text is not a button: at every step that takes a typed message (introspect.text_states),
each menu label of every role, each /command and each reply-keyboard label other steps show
is sent once, and the data tables (introspect.dump: all but the bookkeeping ones, the
person's draft included) must be as before; cancel (its label and /cancel) must instead take
the person out of every flow. The random run checks the same whenever it sends one of them
at such a step.

Every step of every conversation is a starting point: tests/world.py explore() finds a way
to each (up to NAZER_FUZZ_DEPTH actions, default 14; a few seconds), the fuzz puts the person
there that way, and the test fails if some step has no way (a new flow the explorer cannot
pass must teach it, or be listed here with the reason).

The suite runs NAZER_FUZZ_UPDATES updates (default 10,000, under a minute) with the
Hypothesis seed NAZER_FUZZ_SEED (default 0); for example:
    NAZER_FUZZ_UPDATES=2000 NAZER_FUZZ_SEED=7 .venv/bin/python -m pytest -q -s tests/test_fuzz.py
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import re
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from telegram.ext import ConversationHandler

from bot.clock import FixedClock
from bot.config import Settings
from bot.domain import Role
from bot.i18n import t_plain
from handlers.menus import MENU_ROWS
from tests.conftest import ADMIN_ID, START, TOKEN, Harness
from tests.fakes import BOT_USER, Call, ChatSim
from tests.introspect import (
    SLOT,
    callback_kinds,
    commands,
    conversations,
    diff,
    dump,
    entry_commands,
    own_commands,
    sample_ids,
    text_states,
    visible_columns,
)
from tests.strict_api import StrictBotAPI
from tests.world import (
    ROLES,
    USER_IDS,
    Screen,
    World,
    build_world,
    explore,
    is_refusal,
    replay,
    reply_labels,
    screen_after,
    shown,
)

UPDATES = int(os.environ.get("NAZER_FUZZ_UPDATES", "10000"))
SEED = int(os.environ.get("NAZER_FUZZ_SEED", "0"))
# How many actions the explorer tries to reach a step (the deepest takes 10 today).
DEPTH = int(os.environ.get("NAZER_FUZZ_DEPTH", "14"))
MAX_STEPS = 16
QUERY_IDS = itertools.count(1)  # Telegram takes one answer per callback query id

ZERO_WIDTH_AND_BIDI = [
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d",
    "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\u0640", "\u064b", "\u0651",
    "\u061c", "\u00a0", "\u2028", "\u2029", "\x00", "\x1b", "\r\n", "\t",
]
EMOJI = ["\U0001f600", "\U0001f1ee\U0001f1f7", "\U0001f468\u200d\U0001f469\u200d\U0001f467",
         "\u2764\ufe0f", "\U0001f3b2"]
SQL = ["'; DROP TABLE people; --", "1 OR 1=1", "\" OR \"\"=\"", "%", "_", "1; DELETE FROM counties",
       "' UNION SELECT token_hash FROM invites --", "NULL", "0x7fffffff"]
HTML = ["<b>bold</b>", "<script>alert(1)</script>", "&amp;", "<", ">", "a & b", "</pre>",
        "<a href='javascript:alert(1)'>x</a>", "&lt;b&gt;", "<b>", "<i>unclosed", "&#0;", "<!--"]
NUMBERS = ["0", "-1", "-0", "1e309", "NaN", "inf", "99999999999999999999999999", "-2147483649",
           "9223372036854775808", "3.14", "1,000", "\u06f1\u06f2\u06f3", "\u0661\u0662\u0663",
           "\u06f1\u066b\u06f5", "\u06f0\u06f0\u06f7", "12/31", "1405/13/40", "1404/12/30"]
PERSIAN = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
ANY_CHAR = st.characters(exclude_categories=("Cs",))
LONG_TEXTS = ["x" * 4096, "\u0633" * 4096, ("\u200c\u0645") * 2048, "<" * 4096, "\U0001f600" * 2048]


@dataclass
class Fuzzer:
    """The running bot, the world it knows, and what the fuzz has done so far."""

    loop: asyncio.AbstractEventLoop
    bot: Harness
    world: World
    api: StrictBotAPI
    labels: list[str]
    commands: list[str]
    entries: list[str]
    forged: list[str]  # callback templates with SLOT
    ids: list[int]
    paths: dict[tuple[str, object], tuple[str, list[Any]]]
    count: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    steps: set[tuple[str, object]] = field(default_factory=set)
    refusals: int = 0
    groups: dict[str, ChatSim] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    # Free text is not a button: what each word sent as text is (a menu label, a command,
    # another step's reply-keyboard label, cancel), the steps that take typed messages and the
    # commands each step takes itself, and the reply keyboard each person has on screen.
    words: dict[str, str] = field(default_factory=dict)
    cancels: frozenset[str] = frozenset()
    text_steps: set[tuple[str, object]] = field(default_factory=set)
    step_commands: dict[tuple[str, object], frozenset[str]] = field(default_factory=dict)
    screens: dict[str, Screen] = field(default_factory=dict)
    words_checked: int = 0
    answers_checked: int = 0

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def chat(self, role: str, group: bool) -> ChatSim:
        if not group:
            return self.world.chats[role]
        if role not in self.groups:
            self.groups[role] = self.bot.chat(USER_IDS[role], role, chat_type="group",
                                              chat_id=-100_000 - USER_IDS[role])
        return self.groups[role]

    async def feed(self, role: str, kind: str, update: dict[str, Any], group: bool = False) -> None:
        try:
            await self._feed(role, kind, update, group)
        except Exception as exc:
            # Kept here because Hypothesis replays a failing example against a bot whose state
            # has moved on, and may then report only that the replay differed.
            self.failures.append(f"{type(exc).__name__}: {exc}")
            raise

    async def _feed(self, role: str, kind: str, update: dict[str, Any], group: bool) -> list[str]:
        """Feeds one update and checks the invariants; returns the data tables written."""
        chat = self.chat(role, group)
        word = None if group else self.word_at_text_step(role, update)
        before = await dump(self.bot.repos.db) if word is not None else None
        await self.world.changes.mark()
        errors, refused = len(self.world.errors), len(self.api.refused)
        calls = await chat.feed(copy.deepcopy(update))  # PTB's de_json changes its input
        changed = await self.world.changes.since()
        self.count += 1
        self.kinds[kind] += 1
        where = f"{kind} as {role}: {_short(update)}"
        assert len(self.world.errors) == errors, f"error handler reached on {where}: {self.world.errors[-1]!r}"
        assert len(self.api.refused) == refused, f"Telegram would refuse a reply to {where}: {self.api.refused[-1]}"
        assert not any("Traceback" in text for text in shown(calls)), f"traceback shown on {where}"
        refused_input = role == "stranger" or group or kind == "edited" or is_refusal(calls)
        if refused_input:
            self.refusals += 1
            assert not changed, f"refused input changed data on {where}: {changed}"
        if "callback_query" in update:
            self.check_answered(str(update["callback_query"]["id"]), calls, where)
        if not group:
            self.screens[role] = screen_after(chat, calls, self.screens.get(role, ((), ())))
        if word is not None and before is not None:
            await self.check_word(role, word, before, changed, where)
        self.steps.update(self.world.steps(role).items())
        return changed

    def check_answered(self, query_id: str, calls: list[Call], where: str) -> None:
        """A button press gets exactly one answer, for its own id (Telegram refuses a second
        one, and the phone keeps spinning without any)."""
        answered = Counter(str(c.params.get("callback_query_id"))
                           for c in calls if c.endpoint == "answerCallbackQuery")
        self.answers_checked += 1
        assert answered == Counter({query_id: 1}), (
            f"callback query {query_id} answered {answered[query_id]} times"
            f" (answers by id: {dict(answered)}) on {where}")

    def word_at_text_step(self, role: str, update: dict[str, Any]) -> tuple[str, set] | None:
        """(the text, the text steps the person is at) when an update is a menu label, a
        command or another step's reply-keyboard label sent where typed text is taken."""
        text = (update.get("message") or {}).get("text")
        if text not in self.words or role == "stranger":
            return None
        here = {step for step in self.world.steps(role).items() if step in self.text_steps}
        own = set(self.screens.get(role, ((), ()))[1])
        if self.words[text] == "reply label" and text in own and text not in self.cancels:
            return None  # the step's own button (a location step's «skip»)
        if any(text.lstrip("/") in self.step_commands.get(step, ()) for step in here):
            return None  # a command the step takes itself
        return (text, here) if here else None

    async def check_word(self, role: str, word: tuple[str, set], before: dict[str, list[tuple]],
                         changed: list[str], where: str) -> None:
        """A label or command at a text step changed no data table; cancel left every flow."""
        text, here = word
        self.words_checked += 1
        if text in self.cancels:
            left = self.world.steps(role)
            assert not left, f"cancel at {sorted(here, key=str)} left the person in {left} on {where}"
            return
        if not changed:
            return
        # A label or command that opens another flow starts that flow's draft (the menu keeps
        # working); the drafts of the flows the person was in, and every other row, stay.
        person = await self.bot.repos.people.by_tg(self.bot.platform, USER_IDS[role])
        flows = {name for name, _ in here}
        columns = await visible_columns(self.bot.repos.db, "flow_drafts")
        who, flow = columns.index("person_id"), columns.index("flow")

        def opened(dumped: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
            rows = [r for r in dumped.get("flow_drafts", [])
                    if person is None or r[who] != person.id or r[flow] in flows]
            return {**dumped, "flow_drafts": rows}

        changes = diff(opened(before), opened(await dump(self.bot.repos.db)))
        assert not changes, (f"{self.words[text]} {text!r} at text step {sorted(here, key=str)}"
                             f" changed data on {where}: {changes}")

    async def start_at(self, target: tuple[str, object]) -> None:
        """Puts the target step's person at that step the way the explorer got there."""
        role, path = self.paths[target]
        seen = len(self.api.calls)
        await replay(self.world, role, path)
        self.screens[role] = screen_after(self.world.chats[role], self.api.calls[seen:], ((), ()))
        self.steps.update(self.world.steps(role).items())

    async def word_sweep(self, target: tuple[str, object]) -> None:
        """Sends every menu label, command and other reply-keyboard label once at a text step
        (check_word runs on each), going back to the step whenever one moved the person."""
        role = self.paths[target][0]
        chat = self.world.chats[role]
        away = True
        for text in sorted(self.words):
            if away:
                await self.start_at(target)
                assert self.world.steps(role).get(target[0]) == target[1], f"replay missed {target}"
            steps, scratch = self.world.steps(role), copy.deepcopy(self.bot.app.user_data.get(chat.user_id))
            if self.word_at_text_step(role, {"message": {"text": text}}) is None:
                continue
            changed = await self.feed(role, "word", message(chat, text_content(text)))
            away = (bool(changed) or self.world.steps(role) != steps
                    or self.bot.app.user_data.get(chat.user_id) != scratch)

    async def deliver(self) -> None:
        """Runs the periodic jobs and drains the outbox (queued texts must be acceptable too)."""
        refused = len(self.api.refused)
        await self.bot.tick()
        await self.bot.deliver()
        assert len(self.api.refused) == refused, f"Telegram would refuse an outbox send: {self.api.refused[-1]}"


def _short(update: dict[str, Any]) -> str:
    text = repr(update)
    return text if len(text) < 400 else text[:400] + "..."


# Strategies ------------------------------------------------------------------------------------
def texts(fz: Fuzzer) -> st.SearchStrategy[str]:
    marks = st.sampled_from(ZERO_WIDTH_AND_BIDI + EMOJI)
    mixed = st.lists(st.one_of(PERSIAN, marks, st.sampled_from(NUMBERS + SQL + HTML)), max_size=12).map("".join)
    return st.one_of(
        st.sampled_from(fz.labels),
        st.builds(lambda label, mark: mark + label + mark, st.sampled_from(fz.labels), marks),
        st.text(alphabet=ANY_CHAR, max_size=80),
        st.text(alphabet=PERSIAN, min_size=1, max_size=40),
        mixed,
        st.sampled_from(SQL + HTML + NUMBERS + LONG_TEXTS),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.builds(lambda c, arg: f"/{c} {arg}".strip(), st.sampled_from(fz.commands),
                  st.one_of(st.just(""), st.text(alphabet=ANY_CHAR, max_size=30), st.sampled_from(SQL))),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", max_size=60)
        .map(lambda token: f"/start {token}"),
    )


def text_content(text: str) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    if text.startswith("/") and len(text) > 1:
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return content


def file_obj(file_id: str, **extra: Any) -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": f"u{file_id}", **extra}


SIZES = st.one_of(st.integers(0, 30_000_000), st.just(2**40), st.just(None))


def media(fz: Fuzzer) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """(kind, message content) for everything that is not plain text."""
    names = st.one_of(st.text(alphabet=ANY_CHAR, min_size=1, max_size=40), st.sampled_from(
        ["report.pdf", "a.xlsx", "../../etc/passwd", "x" * 255, "photo.jpg.exe", "\u202egpj.exe"]))
    mimes = st.sampled_from(["application/pdf", "image/jpeg", "image/png", "text/plain",
                             "application/x-msdownload", "", "application/vnd.ms-excel"])
    coords = st.one_of(st.floats(-90, 90), st.floats(allow_nan=False, allow_infinity=False))
    phones = st.one_of(st.sampled_from(["+989121234567", "09121234567", "\u06f0\u06f9\u06f1\u06f2",
                                        "", "+", "1" * 40]), st.text(max_size=20))
    caption = st.one_of(st.none(), texts(fz).map(lambda s: s[:1024]))

    def photo(fid: str, size: int | None, cap: str | None) -> tuple[str, dict[str, Any]]:
        fz.api.files[f"files/{fid}"] = b"\xff\xd8\xff\xe0fuzz"
        content: dict[str, Any] = {"photo": [file_obj(fid, width=1280, height=960, file_size=size)]}
        if cap:
            content["caption"] = cap
        return "photo", content

    def document(fid: str, name: str, mime: str, size: int | None) -> tuple[str, dict[str, Any]]:
        fz.api.files[f"files/{fid}"] = b"%PDF-1.4 fuzz"
        return "document", {"document": file_obj(fid, file_name=name, mime_type=mime, file_size=size)}

    def location(lat: float, lon: float, forwarded: bool, live: bool) -> tuple[str, dict[str, Any]]:
        content: dict[str, Any] = {"location": {"latitude": lat, "longitude": lon}}
        if live:
            content["location"]["live_period"] = 900
        if forwarded:
            content["forward_origin"] = {"type": "user", "date": 1_700_000_000,
                                         "sender_user": {"id": 42, "is_bot": False, "first_name": "X"}}
        return "location", content

    def contact(phone: str, whose: int | None) -> tuple[str, dict[str, Any]]:
        card: dict[str, Any] = {"phone_number": phone, "first_name": "C"}
        if whose is not None:
            card["user_id"] = whose
        return "contact", {"contact": card}

    fids = st.text(alphabet="abcdef0123456789", min_size=1, max_size=12)
    return st.one_of(
        st.builds(photo, fids, SIZES, caption),
        st.builds(document, fids, names, mimes, SIZES),
        st.builds(location, coords, coords, st.booleans(), st.booleans()),
        st.builds(contact, phones, st.one_of(st.none(), st.sampled_from(list(USER_IDS.values())),
                                              st.integers(1, 2**40))),
        st.just(("sticker", {"sticker": file_obj("stk", width=512, height=512, is_animated=False,
                                                   is_video=False, type="regular")})),
        st.just(("voice", {"voice": file_obj("v1", duration=5, mime_type="audio/ogg")})),
        st.just(("video", {"video": file_obj("vid", width=640, height=480, duration=3)})),
        st.just(("video_note", {"video_note": file_obj("vn", length=240, duration=3)})),
        st.just(("audio", {"audio": file_obj("aud", duration=30)})),
        st.just(("animation", {"animation": file_obj("gif", width=1, height=1, duration=1),
                               "document": file_obj("gif")})),
        st.just(("poll", {"poll": {"id": "p1", "question": "q?", "options": [
            {"text": "a", "voter_count": 0, "persistent_id": "a"},
            {"text": "b", "voter_count": 0, "persistent_id": "b"}],
            "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
            "allows_multiple_answers": False, "allows_revoting": False,
            "members_only": False}})),
        st.builds(lambda v: ("dice", {"dice": {"emoji": "\U0001f3b2", "value": v}}), st.integers(1, 6)),
        st.just(("venue", {"venue": {"location": {"latitude": 30.28, "longitude": 57.07},
                                     "title": "<b>t", "address": "a & b"}})),
    )


Maker = Callable[[ChatSim], tuple[str, dict[str, Any], bool]]


def callback_data(fz: Fuzzer) -> st.SearchStrategy[Callable[[ChatSim], str]]:
    """Buttons on screen (mostly), data forged from the patterns, or random strings.

    The strategy's shape never depends on what is on screen (Hypothesis replays choices);
    a drawn index is resolved against the person's buttons at the moment of the press.
    """
    numbers = st.one_of(st.sampled_from(fz.ids), st.integers(-(2**63), 2**64), st.just(0))
    forged = st.builds(lambda tpl, n: tpl.replace(SLOT, str(n)), st.sampled_from(fz.forged), numbers)

    def on_screen(index: int, fallback: str) -> Callable[[ChatSim], str]:
        def pick(chat: ChatSim) -> str:
            data = [d for _, d in chat.buttons() if d]
            return data[index % len(data)] if data else fallback
        return pick

    screen = st.builds(on_screen, st.integers(0, 63), forged)
    fixed = st.one_of(forged, st.text(alphabet=ANY_CHAR, max_size=64),
                      st.sampled_from(["", ":", "inv", "x" * 64, "a:b:c:d:e", "1", "-1"]))
    return st.one_of(screen, screen, screen, fixed.map(lambda d: lambda chat: d))


def pick_button(chat: ChatSim, index: int) -> str:
    """The index-th button on the person's screen (wrapping), or a stale-looking press."""
    data = [d for _, d in chat.buttons() if d]
    return data[index % len(data)] if data else "none"


def message(chat: ChatSim, content: dict[str, Any]) -> dict[str, Any]:
    return {"message": chat.message(**content)}


def click(chat: ChatSim, data: str) -> dict[str, Any]:
    msg = {"message_id": 1, "date": 1_790_000_000, "chat": chat._chat(), "from": BOT_USER, "text": "..."}
    return {"callback_query": {"id": f"q{next(QUERY_IDS)}", "from": chat._user(), "chat_instance": "1",
                               "data": data, "message": msg}}


def edited(chat: ChatSim, text: str) -> dict[str, Any]:
    msg = chat.message(**text_content(text))
    msg["edit_date"] = msg["date"] + 5
    return {"edited_message": msg}


def edited_location(chat: ChatSim, lat: float, lon: float, message_id: int | None) -> dict[str, Any]:
    """A live location's update: Telegram edits the live message (an earlier one of this
    person, or an id the bot never saw) with a new position, valid or not."""
    msg = chat.message(location={"latitude": lat, "longitude": lon, "live_period": 900})
    if message_id is not None:
        msg["message_id"] = message_id
    msg["edit_date"] = msg["date"]
    msg["date"] -= 60
    return {"edited_message": msg}


EDITED_COORDS = st.one_of(st.floats(-90, 90), st.floats(allow_nan=False, allow_infinity=False))


def member(chat: ChatSim, status: str) -> dict[str, Any]:
    return {"my_chat_member": {
        "chat": chat._chat(), "from": chat._user(), "date": 1_790_000_000,
        "old_chat_member": {"status": "member", "user": BOT_USER},
        "new_chat_member": {"status": status, "user": BOT_USER,
                            **({"until_date": 0} if status == "kicked" else {})}}}


def inline(chat: ChatSim, query: str) -> dict[str, Any]:
    return {"inline_query": {"id": "iq", "from": chat._user(), "query": query[:256], "offset": ""}}


def in_group(chat: ChatSim, text: str) -> dict[str, Any]:
    msg = chat.message(**text_content(text))
    msg["chat"] = {"id": -100_000 - chat.user_id, "type": "group", "title": "g"}
    return {"message": msg}


def one_update(fz: Fuzzer) -> st.SearchStrategy[Maker]:
    """A maker of (kind, update without update_id, in a group?) for whoever sends it."""
    text = texts(fz)
    press = callback_data(fz)
    return st.one_of(
        text.map(lambda s: lambda chat: ("text", message(chat, text_content(s)), False)),
        text.map(lambda s: lambda chat: ("text", message(chat, text_content(s)), False)),
        press.map(lambda d: lambda chat: ("callback", click(chat, d(chat)), False)),
        press.map(lambda d: lambda chat: ("callback", click(chat, d(chat)), False)),
        press.map(lambda d: lambda chat: ("callback", click(chat, d(chat)), False)),
        media(fz).map(lambda kc: lambda chat: (kc[0], message(chat, kc[1]), False)),
        text.map(lambda s: lambda chat: ("edited", edited(chat, s), False)),
        st.builds(lambda lat, lon, mid: lambda chat: (
            "edited_location", edited_location(chat, lat, lon, mid), False),
            EDITED_COORDS, EDITED_COORDS, st.one_of(st.none(), st.integers(1, 60))),
        st.sampled_from(["kicked", "member"]).map(
            lambda s: lambda chat: ("my_chat_member", member(chat, s), False)),
        text.map(lambda s: lambda chat: ("inline", inline(chat, s), False)),
        text.map(lambda s: lambda chat: ("group", in_group(chat, s), True)),
    )


# Hard cases every reachable step gets at least once (Maker-like: fuzzer and chat in).
SWEEP = [
    lambda fz, chat: ("text", message(chat, text_content(LONG_TEXTS[1])), False),
    lambda fz, chat: ("text", message(chat, text_content("<b>x</b> & '; DROP TABLE people; --")), False),
    lambda fz, chat: ("text", message(chat, text_content("-99999999999999999999")), False),
    lambda fz, chat: ("text", message(chat, text_content("\u200f\u202e\u06f1\u06f2\u200c")), False),
    lambda fz, chat: ("sticker", message(chat, {"sticker": file_obj("stk", width=512, height=512,
                                                                     is_animated=False, is_video=False,
                                                                     type="regular")}), False),
    lambda fz, chat: ("location", message(chat, {"location": {"latitude": 89.9, "longitude": -179.9},
                                                 "forward_origin": {"type": "hidden_user", "date": 1,
                                                                    "sender_user_name": "x"}}), False),
    lambda fz, chat: ("callback", click(chat, pick_button(chat, 0)), False),
    lambda fz, chat: ("callback", click(chat, pick_button(chat, 1)), False),
    # The button on screen with other ids: one that does not exist, and small ones that
    # belong to other counties and organisations.
    lambda fz, chat: ("callback", click(chat, re.sub(r"\d+", "999999999", pick_button(chat, 0))), False),
    lambda fz, chat: ("callback", click(chat, re.sub(r"\d+", "2", pick_button(chat, 0))), False),
    lambda fz, chat: ("callback", click(chat, re.sub(r"\d+", "1", pick_button(chat, 1))), False),
]


# The test --------------------------------------------------------------------------------------
async def start_fuzzer(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> Fuzzer:
    bot_settings = Settings(bot_token=TOKEN, database_path=tmp_path / "fuzz.sqlite3",
                            media_dir=tmp_path / "media", admin_ids=frozenset({ADMIN_ID}),
                            bot_username="nazer_test_bot")
    api = StrictBotAPI()
    bot = Harness(bot_settings, api, FixedClock(START))
    await bot.start()
    world = await build_world(bot)
    labels = sorted({t_plain(key) for role in Role for row in MENU_ROWS[role] for key in row})
    kinds = callback_kinds(bot.app)
    ids = {1, 2}
    for table in ("counties", "organisations", "people", "invites"):
        ids.update(await sample_ids(bot.repos.db, table))
    entries = sorted({c for conv in conversations(bot.app) for c in entry_commands(conv)})
    paths = await explore(world, max_depth=DEPTH)
    fz = Fuzzer(loop, bot, world, api, labels, sorted(commands(bot.app)), entries,
                sorted({k.template for k in kinds}), sorted(ids), paths)
    # Free text is not a button: every step that takes typed messages gets each of these
    # (the reply-keyboard labels are those the explorer saw on any step's keyboard).
    fz.words = {**{f"/{c}": "command" for c in fz.commands},
                **{label: "reply label" for label in reply_labels(api.calls)},
                **{label: "menu label" for label in labels}}
    fz.cancels = frozenset({"/cancel", t_plain("menu.cancel")})
    fz.words.update(dict.fromkeys(fz.cancels, "cancel"))
    for conv in conversations(bot.app):
        for state in text_states(conv):
            fz.text_steps.add((conv.name, state))
            fz.step_commands[(conv.name, state)] = own_commands(conv, state)
    return fz


def test_fuzz_every_flow_as_every_role(tmp_path):
    loop = asyncio.new_event_loop()
    fz = loop.run_until_complete(start_fuzzer(loop, tmp_path))
    try:
        updates = one_update(fz)
        targets = sorted(fz.paths, key=str)
        exploring = st.one_of(
            st.integers(0, 63).map(lambda i: lambda chat: ("callback", click(chat, pick_button(chat, i)), False)),
            st.integers(0, 63).map(lambda i: lambda chat: ("callback", click(chat, pick_button(chat, i)), False)),
            texts(fz).map(lambda s: lambda chat: ("text", message(chat, text_content(s)), False)),
            updates,
        )

        def example(data: st.DataObject) -> None:
            target = data.draw(st.one_of(st.none(), st.sampled_from(targets)), label="step")
            if target is not None:  # start at a step of a flow, reached the way the explorer did
                role, path = fz.paths[target]
                fz.run(fz.start_at(target))
            else:  # anyone, perhaps opening a flow
                role = data.draw(st.sampled_from(ROLES), label="role")
                fz.world.reset(role)
                entry = data.draw(st.one_of(st.none(), st.sampled_from(fz.entries)), label="entry")
                if entry is not None:
                    fz.run(fz.feed(role, "entry", message(fz.world.chats[role], text_content(f"/{entry}"))))
            chat = fz.world.chats[role]
            # Exploring follows the buttons on screen (and types) to reach the deep steps;
            # otherwise anything goes.
            explore = data.draw(st.booleans(), label="explore")
            for _ in range(data.draw(st.integers(1, MAX_STEPS), label="steps")):
                make = data.draw(exploring if explore else updates)
                kind, update, group = make(chat)
                fz.run(fz.feed(role, kind, update, group))
            if fz.count // 200 != (fz.count - MAX_STEPS) // 200:
                fz.run(fz.deliver())

        # First a sweep: every step the explorer reached gets the same hard cases once.
        for target in targets:
            role = fz.paths[target][0]
            fz.run(fz.start_at(target))
            for make in SWEEP:
                kind, update, group = make(fz, fz.world.chats[role])
                fz.run(fz.feed(role, kind, update, group))
            if target in fz.text_steps:
                fz.run(fz.word_sweep(target))
        words = fz.kinds["word"]  # the labels and commands of the sweep come on top
        rounds = 0
        while fz.count - words < UPDATES:
            run = seed(SEED * 1000 + rounds)(settings(
                max_examples=max(1, (UPDATES + words - fz.count) // 12), deadline=None, database=None,
                suppress_health_check=list(HealthCheck), print_blob=False,
                # The bot's state carries over between examples, so shrinking would replay
                # against a different bot; the failing draws are printed as they happened.
                phases=[Phase.explicit, Phase.generate],
            )(given(st.data())(example)))
            try:
                run()
            except Exception:
                if fz.failures:
                    pytest.fail(fz.failures[0], pytrace=False)
                raise
            rounds += 1
        fz.run(fz.deliver())
    finally:
        loop.run_until_complete(fz.bot.stop())
        loop.close()

    # TIMEOUT is not a step a person is at: PTB's job runs its handlers when a flow expires.
    every_step = {(conv.name, state) for conv in conversations(fz.bot.app)
                  for state in conv.states if state != ConversationHandler.TIMEOUT}
    print(f"\nfuzz: {fz.count} updates, {fz.refusals} refused, kinds {dict(fz.kinds)}")
    print(f"fuzz: {fz.words_checked} labels and commands checked at text steps"
          f" ({len(fz.text_steps)} steps, {len(fz.words)} words: {dict(Counter(fz.words.values()))}),"
          f" {fz.answers_checked} button presses answered once")
    print(f"fuzz: steps reached {len(fz.steps & every_step)} of {len(every_step)}; "
          f"missed {sorted(map(str, every_step - fz.steps))}; "
          f"explorer found no way to {sorted(map(str, every_step - set(fz.paths)))}")
    assert fz.count - fz.kinds["word"] >= UPDATES
    assert set(fz.kinds) >= {"text", "callback", "photo", "edited", "edited_location", "group",
                             "entry"}
    # The explorer found a way to every step of every flow (no step is out of reach of a
    # person today), and the fuzz started from each of them.
    assert set(fz.paths) == every_step
    assert set(fz.paths) <= fz.steps
    assert fz.refusals > 0
    assert fz.words_checked > 0
    assert fz.answers_checked > 0
