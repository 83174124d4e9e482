"""`python -m bot bale-check`: every Bot API method Nazer uses, tried on a real Bale test bot,
and what differs from what Nazer expects printed one line each (docs/bale.md, "Before going
live"). Stop the bot first (a running bot takes the updates this script waits for).

It talks to BALE_API_BASE_URL with BALE_TOKEN directly (httpx, which python-telegram-bot
brings), so it sees Bale's raw answers: the HTTP status, `ok`, the fields of each result.
For each it also says how Nazer's Bale layer (bot/platforms/bale.py) reads the answer.
Steps that need a person (press a button, send a location or a photo, share a contact) wait
up to --wait seconds for it in the chat; --wait 0 skips them. What formatting looks like can
only be judged by eye: those lines say what to look at on the phone.

It cannot be run where tapi.bale.ai cannot be reached (the project's build machines); the
test suite runs it against the Bale mode of tests/http_fake.py.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.config import Settings
from bot.i18n import t, t_plain
from bot.platforms.bale import answer_as_telegram
from bot.platforms.guard import repair
from bot.platforms.markup import html_to_bale

# A 1x1 PNG: the smallest picture a server takes as a photo.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e0a4a2b10000000049454e44ae426082")
MESSAGE_FIELDS = ("message_id", "date", "chat")
NOBODY = 1  # a chat id no bot can write to: shows how Bale answers an unreachable person
POLL_SECONDS = 5


@dataclass
class Report:
    ok: int = 0
    differs: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)

    def say(self, kind: str, step: str, detail: str = "") -> None:
        if kind == "ok":
            self.ok += 1
        elif kind == "differs":
            self.differs += 1
        elif kind == "failed":
            self.failed += 1
        line = t_plain(f"platforms_cli.check_{kind}", step=step, detail=detail)
        self.lines.append(line)
        print(line, flush=True)


class Check:
    """One run of the checks against a Bale bot (see the module docstring)."""

    def __init__(self, settings: Settings, chat: int | None, wait: int,
                 client: httpx.AsyncClient) -> None:
        self.config = settings.platform("bale")
        self.chat = chat
        self.wait = wait
        self.client = client
        self.report = Report()
        self.offset: int | None = None

    async def call(self, method: str, params: dict[str, Any] | None = None,
                   files: dict[str, Any] | None = None,
                   token: str | None = None) -> tuple[int, dict[str, Any] | None]:
        """One raw call: (HTTP status, answer)."""
        url = f"{self.config.base_url}{token or self.config.token}/{method}"
        if files:
            data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in
                    (params or {}).items()}
            response = await self.client.post(url, data=data, files=files)
        else:
            response = await self.client.post(url, json=params or {})
        try:
            answer = response.json()
        except ValueError:
            answer = None
        return response.status_code, answer if isinstance(answer, dict) else None

    def read(self, method: str, status: int, answer: dict[str, Any] | None,
             params: dict[str, Any]) -> str:
        """How Nazer's Bale layer reads an answer: the status python-telegram-bot then sees."""
        payload = json.dumps(answer or {}).encode()
        seen, _ = answer_as_telegram(method, status, payload, params,
                                     limit_pause=self.config.limit_pause, now=0)
        return {200: "ok", 401: "InvalidToken", 403: "Forbidden", 429: "RetryAfter",
                400: "BadRequest"}.get(seen, "NetworkError")

    def expect(self, step: str, status: int, answer: dict[str, Any] | None,
               fields: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """The result when the call worked as on Telegram; otherwise says what differs."""
        if answer is None:
            self.report.say("failed", step, f"HTTP {status}, not JSON")
            return None
        if status != 200 or not answer.get("ok"):
            self.report.say("failed", step, f"HTTP {status}: {_short(answer)}")
            return None
        result = answer.get("result")
        if fields:
            missing = [f for f in fields if not isinstance(result, dict) or f not in result]
            if missing:
                self.report.say("differs", step, f"{', '.join(missing)} missing: {_short(result)}")
                return result if isinstance(result, dict) else None
        self.report.say("ok", step, _short(result, 120))
        return result if isinstance(result, dict) else {"value": result}

    # The steps -------------------------------------------------------------------------------
    async def run(self) -> Report:
        self.report.say("ok", "BALE_API_BASE_URL", self.config.base_url)
        me = self.expect("getMe", *await self.call("getMe"), ("id", "is_bot", "username"))
        if me is None:
            return self.report
        await self.errors()
        await self.webhook_info()
        if self.chat is None:
            self.chat = await self.find_chat()
            if self.chat is not None:  # your Bale user id, too: BALE_ADMIN_IDS wants it
                self.report.say("info", "chat (your user id)", str(self.chat))
        if self.chat is None:
            print(t_plain("platforms_cli.check_chat_needed"), file=sys.stderr)
            return self.report
        await self.messages()
        await self.files()
        await self.commands()
        if self.wait > 0:
            await self.press()
            await self.location()
        await self.long_poll()
        return self.report

    async def errors(self) -> None:
        """A wrong token and an unreachable chat: status, shape, how Nazer reads them."""
        status, answer = await self.call("getMe", token=self.config.token + "x")
        read = self.read("getMe", status, answer, {})
        self.report.say("info", "getMe, wrong token",
                        f"HTTP {status} {_short(answer)} → {read} (Nazer expects InvalidToken)")
        params = {"chat_id": NOBODY, "text": "x"}
        status, answer = await self.call("sendMessage", params)
        self.report.say("info", "sendMessage to nobody",
                        f"HTTP {status} {_short(answer)} → "
                        f"{self.read('sendMessage', status, answer, params)}"
                        " (Nazer expects Forbidden: an unreachable person)")

    async def webhook_info(self) -> None:
        result = self.expect("getWebhookInfo", *await self.call("getWebhookInfo"))
        if result and result.get("url"):
            self.report.say("differs", "webhook", f"a webhook is set ({result['url']}): polling"
                            " would conflict with it; deleteWebhook or use BALE_WEBHOOK_URL")

    async def find_chat(self) -> int | None:
        """The chat of the latest private message to the test bot (someone sent /start)."""
        _, answer = await self.call("getUpdates", {"timeout": 0})
        for update in reversed((answer or {}).get("result") or []):
            chat = ((update.get("message") or {}).get("chat")) or {}
            if chat.get("type") == "private" and isinstance(chat.get("id"), int):
                return chat["id"]
        return None

    async def messages(self) -> None:
        """Formatting, keyboards, edits (Bale answers edits with a stub, by what is known)."""
        text = html_to_bale(t("platforms_cli.check_message_bold", typed="a_b*c [x]"))
        sent = self.expect("sendMessage (Markdown)", *await self.call(
            "sendMessage", {"chat_id": self.chat, "text": text}), (*MESSAGE_FIELDS, "text"))
        self.report.say("look", "sendMessage (Markdown)",
                        "bold, italics, a link, code, and «a_b*c [x]» exactly as typed")
        buttons = {"inline_keyboard": [[{"text": "1", "callback_data": "chk:1"}]]}
        keyboard = self.expect("sendMessage (inline keyboard)", *await self.call(
            "sendMessage", {"chat_id": self.chat, "text": "2", "reply_markup": buttons}),
            MESSAGE_FIELDS)
        message_id = (keyboard or sent or {}).get("message_id")
        if message_id:
            edited = html_to_bale(t("platforms_cli.check_message_edited"))
            await self.edit("editMessageText", {"chat_id": self.chat, "message_id": message_id,
                                                "text": edited, "reply_markup": buttons})
            await self.edit("editMessageReplyMarkup",
                            {"chat_id": self.chat, "message_id": message_id})
        menu = {"keyboard": [[{"text": "📱", "request_contact": True},
                              {"text": "📍", "request_location": True}]],
                "resize_keyboard": True, "is_persistent": True}
        self.expect("sendMessage (reply keyboard, contact and location buttons)",
                    *await self.call("sendMessage", {"chat_id": self.chat, "text": "3",
                                                     "reply_markup": menu}), MESSAGE_FIELDS)
        self.expect("sendMessage (remove keyboard)", *await self.call(
            "sendMessage", {"chat_id": self.chat, "text": "4",
                            "reply_markup": {"remove_keyboard": True}}), MESSAGE_FIELDS)

    async def edit(self, method: str, params: dict[str, Any]) -> None:
        status, answer = await self.call(method, params)
        result = (answer or {}).get("result")
        if status == 200 and (answer or {}).get("ok") and isinstance(result, dict) and all(
                result.get(f) for f in MESSAGE_FIELDS):
            self.report.say("ok", method, _short(result, 120))
        elif status == 200 and (answer or {}).get("ok"):
            self.report.say("differs", method, f"answered {_short(result)} (a stub: Nazer"
                            " never reads what an edit returns)")
        else:
            self.report.say("failed", method, f"HTTP {status}: {_short(answer)}")

    async def files(self) -> None:
        """A photo, a document, an album, and getFile with the download of the photo."""
        caption = html_to_bale(t("platforms_cli.check_message_edited"))
        photo = self.expect("sendPhoto", *await self.call(
            "sendPhoto", {"chat_id": self.chat, "caption": caption},
            {"photo": ("pixel.png", PIXEL, "image/png")}), (*MESSAGE_FIELDS, "photo"))
        self.expect("sendDocument", *await self.call(
            "sendDocument", {"chat_id": self.chat},
            {"document": ("check.csv", b"a,b\n1,2\n", "text/csv")}),
            (*MESSAGE_FIELDS, "document"))
        media = [{"type": "photo", "media": "attach://one"},
                 {"type": "photo", "media": "attach://two"}]
        self.expect("sendMediaGroup", *await self.call(
            "sendMediaGroup", {"chat_id": self.chat, "media": media},
            {"one": ("one.png", PIXEL, "image/png"), "two": ("two.png", PIXEL, "image/png")}))
        sizes = (photo or {}).get("photo") or []
        if sizes and isinstance(sizes, list):
            await self.download(sizes[-1].get("file_id", ""))

    async def download(self, file_id: str) -> None:
        found = self.expect("getFile", *await self.call("getFile", {"file_id": file_id}),
                            ("file_id", "file_path"))
        if not found or not found.get("file_path"):
            return
        url = f"{self.config.file_url}{self.config.token}/{found['file_path']}"
        response = await self.client.get(url)
        if response.status_code == 200 and response.content:
            self.report.say("ok", "download", f"{len(response.content)} bytes")
        else:
            self.report.say("failed", "download", f"HTTP {response.status_code}")

    async def commands(self) -> None:
        """Not needed on Bale (every command is in the menus and /help); said for the record."""
        status, answer = await self.call("setMyCommands", {"commands": [
            {"command": "help", "description": "?"}]})
        self.report.say("info", "setMyCommands", f"HTTP {status} {_short(answer)} (Nazer does"
                        " not use it on Bale)")

    async def press(self) -> None:
        """A button press: the callback query's fields, then answerCallbackQuery."""
        label = t_plain("platforms_cli.check_press_button")
        buttons = {"inline_keyboard": [[{"text": label, "callback_data": "chk:press"}]]}
        await self.call("sendMessage", {"chat_id": self.chat, "text": label,
                                        "reply_markup": buttons})
        print(t_plain("platforms_cli.check_press", label=label, seconds=self.wait), flush=True)
        update = await self.next_update("callback_query")
        if update is None:
            self.report.say("failed", "callback_query", t_plain("platforms_cli.check_nothing"))
            return
        self.fields_of("callback_query", update)
        query = update["callback_query"]
        self.expect("answerCallbackQuery", *await self.call(
            "answerCallbackQuery", {"callback_query_id": query.get("id"), "text": "✓"}))

    async def location(self) -> None:
        print(t_plain("platforms_cli.check_send_location", seconds=self.wait), flush=True)
        update = await self.next_update("message", "location")
        if update is None:
            self.report.say("failed", "location", t_plain("platforms_cli.check_nothing"))
            return
        self.fields_of("message (location)", update)

    def fields_of(self, step: str, update: dict[str, Any]) -> None:
        """Which fields python-telegram-bot requires were missing, and whether Nazer's repair
        made the update readable."""
        from telegram import Update  # noqa: PLC0415

        raw = json.loads(json.dumps(update))
        try:
            Update.de_json(raw, None)
            self.report.say("ok", step, _short(update, 160))
            return
        except Exception as exc:  # noqa: BLE001 - any reason python-telegram-bot refuses it
            problem = f"{type(exc).__name__}: {exc}"
        try:
            Update.de_json(repair(raw, int(time.time())), None)
            self.report.say("differs", step, f"{problem}; Nazer fills it in: {_short(update)}")
        except Exception as exc:  # noqa: BLE001
            self.report.say("failed", step, f"{problem}; even repaired: {exc}")

    async def next_update(self, kind: str, inner: str | None = None) -> dict[str, Any] | None:
        """The next update of a kind (a message with `inner`), waiting up to --wait seconds."""
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            params: dict[str, Any] = {"timeout": 1}
            if self.offset is not None:
                params["offset"] = self.offset
            _, answer = await self.call("getUpdates", params)
            for update in (answer or {}).get("result") or []:
                if isinstance(update.get("update_id"), int):
                    self.offset = update["update_id"] + 1
                found = update.get(kind)
                if isinstance(found, dict) and (inner is None or inner in found):
                    await self.call("getUpdates", {"offset": self.offset, "timeout": 0})
                    return update
            await asyncio.sleep(0.2)
        return None

    async def long_poll(self) -> None:
        """Whether getUpdates holds a long poll (else BALE_POLL_INTERVAL paces it)."""
        params: dict[str, Any] = {"timeout": POLL_SECONDS}
        if self.offset is not None:
            params["offset"] = self.offset
        started = time.monotonic()
        status, answer = await self.call("getUpdates", params)
        held = time.monotonic() - started
        result = (answer or {}).get("result")
        if status == 200 and result == []:
            kind = "ok" if held >= POLL_SECONDS - 1 else "differs"
            self.report.say(kind, "getUpdates (long poll)", f"held {held:.1f} s of"
                            f" {POLL_SECONDS} (BALE_POLL_INTERVAL paces early empty answers)")
        else:
            self.report.say("info", "getUpdates (long poll)", f"HTTP {status} {_short(answer)}")


def _short(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_check(settings: Settings, chat: int | None, wait: int) -> int:
    """The bale-check command; exit code 0 when nothing failed."""
    if not settings.bale_token:
        print(t_plain("platforms_cli.check_no_token"), file=sys.stderr)
        return 2

    async def main() -> Report:
        async with httpx.AsyncClient(timeout=30) as client:
            check = Check(settings, chat, wait, client)
            print(t_plain("platforms_cli.check_start", bot=t_plain("platforms.name_bale"),
                          url=check.config.base_url), flush=True)
            return await check.run()

    report = asyncio.run(main())
    print(t_plain("platforms_cli.check_done", ok=report.ok, differs=report.differs,
                  failed=report.failed))
    return 1 if report.failed else 0
