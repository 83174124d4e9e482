"""An in-process Bot API: answers like Telegram and records every call.

It replaces python-telegram-bot's network layer (BaseRequest), so the real Application,
handlers and database run without a network. The sandbox shows what it records; the tests
(tests/fakes.py) assert on it and inject faults through `fault`.
"""

from __future__ import annotations

import itertools
import json
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 777000333, "is_bot": True, "first_name": "Nazer",
            "username": "nazer_sandbox_bot"}
# Telegram takes one answer per callback query; a second one is refused like this.
QUERY_ANSWERED = {"ok": False, "error_code": 400, "description": "Bad Request: query is too old"
                  " and response timeout expired or query ID is invalid"}
# (status, body) to answer instead of success; returned by a fault hook.
Fault = tuple[int, dict[str, Any]]


@dataclass
class Call:
    endpoint: str
    params: dict[str, Any]
    saved: list[Path] = field(default_factory=list)  # files the bot uploaded, saved to disk
    message_id: int | None = None
    wire: dict[str, Any] | None = None  # what was sent, where the fake records it otherwise

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        """The text or caption shown (an album's: the caption of its first item that has one)."""
        captions = [m.get("caption") for m in self.params.get("media") or []
                    if isinstance(m, dict) and m.get("caption")]
        return str(self.params.get("text") or self.params.get("caption")
                   or (captions[0] if captions else ""))


def file_name(filename: str | None, mime: str | None, data: bytes) -> str:
    """The name a file the bot sent is saved under: its own, with an extension that says what
    it is. python-telegram-bot names unnamed bytes after their MIME type
    («application.octet-stream»); then the extension comes from the content (puremagic)."""
    name = Path(filename or "file").name
    stem, dot, ext = name.rpartition(".")
    if dot and mimetypes.guess_type(name)[0] and name.replace(".", "/", 1) != mime:
        return name
    import puremagic  # noqa: PLC0415

    try:
        guessed = puremagic.from_string(data)
    except (puremagic.PureError, ValueError):
        guessed = mimetypes.guess_extension(mime or "") or ".bin"
    guessed = {".jfif": ".jpg", ".jpe": ".jpg"}.get(guessed, guessed)
    return f"{stem if dot and stem not in ('application', 'image') else 'file'}{guessed}"


class FakeBotAPI(BaseRequest):
    """Answers getMe, getUpdates, send*, edit*, getFile and file downloads; others return True."""

    def __init__(
        self,
        *,
        bot_user: dict[str, Any] | None = None,
        now: Callable[[], int] = lambda: 1_790_000_000,
        out_dir: Path | None = None,
        first_message_id: int = 1,
    ) -> None:
        self.bot_user = bot_user or BOT_USER
        self.now = now
        self.out_dir = out_dir  # where uploaded files are written (None: not kept)
        self.calls: list[Call] = []
        self.pending: list[Call] = []  # calls not yet taken by take()
        self.files: dict[str, bytes] = {}  # file_path -> bytes people "uploaded"
        self.texts: dict[int, str] = {}  # message_id -> the text the bot last put there
        self.updates: list[dict[str, Any]] = []
        self.fault: Callable[[Call], Fault | None] | None = None
        self.answered: set[str] = set()
        self._ids = itertools.count(first_message_id)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    def take(self) -> list[Call]:
        """The calls made since the last take, oldest first."""
        calls, self.pending = self.pending, []
        return calls

    def add_file(self, data: bytes, file_id: str | None = None) -> str:
        """Stores bytes a person 'uploads'; returns the file_id to put in an update."""
        file_id = file_id or f"sandbox-{next(self._ids)}"
        self.files[f"files/{file_id}"] = data
        return file_id

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | None = None,
        write_timeout: float | None = None,
        connect_timeout: float | None = None,
        pool_timeout: float | None = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            path = url.split("/file/bot", 1)[1].split("/", 1)[1]
            data = self.files.get(path)
            return (200, data) if data is not None else (404, b"not found")
        endpoint = url.rsplit("/", 1)[-1]
        call = self.receive(Call(endpoint, dict(request_data.parameters) if request_data else {}))
        if request_data is not None and request_data.contains_files and self.out_dir:
            call.saved = self._save(request_data)
        if endpoint != "getUpdates":  # the bot asking for what people sent shows nothing
            self.calls.append(call)
            self.pending.append(call)
        if self.fault is not None and (fault := self.fault(call)) is not None:
            return fault[0], json.dumps(fault[1]).encode()
        if endpoint == "answerCallbackQuery":
            query_id = str(call.params.get("callback_query_id"))
            if query_id in self.answered:
                return 400, json.dumps(QUERY_ANSWERED).encode()
            self.answered.add(query_id)
        return 200, json.dumps({"ok": True, "result": self.answer(call)}).encode()

    def receive(self, call: Call) -> Call:
        """A call as it arrived (a platform's fake checks and reads it here)."""
        return call

    def answer(self, call: Call) -> Any:
        """What Telegram would return for the call."""
        ep = call.endpoint
        if ep == "getMe":
            return self.bot_user
        if ep == "getUpdates":
            pending, self.updates = self.updates, []
            return pending
        if ep == "getFile":
            file_id = call.params["file_id"]
            data = self.files.get(f"files/{file_id}", b"")
            return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data),
                    "file_path": f"files/{file_id}"}
        if ep == "sendMediaGroup":
            # An album is one message per item, each with its own id; the call has the first.
            messages = []
            for item in call.params.get("media") or []:
                message = self._message(call, next(self._ids))
                message[item.get("type", "photo")] = (
                    [{"file_id": item.get("media"), "file_unique_id": "u", "width": 1,
                      "height": 1}]
                    if item.get("type") == "photo"
                    else {"file_id": item.get("media"), "file_unique_id": "u"})
                if item.get("caption"):
                    message["caption"] = item["caption"]
                messages.append(message)
            call.message_id = messages[0]["message_id"] if messages else None
            return messages
        if ep.startswith(("send", "edit", "copy", "forward")):
            # An edit keeps its message's id; anything sent gets a new one.
            call.message_id = int(call.params.get("message_id") or next(self._ids))
            message = self._message(call, call.message_id)
            if "text" in call.params:
                message["text"] = call.params["text"]
                self.texts[call.message_id] = str(call.params["text"])
            return message
        return True

    def _message(self, call: Call, message_id: int) -> dict[str, Any]:
        return {"message_id": message_id, "date": self.now(), "from": self.bot_user,
                "chat": {"id": call.chat_id or 0, "type": "private"}}

    def to(self, chat_id: int, endpoints: tuple[str, ...] = (
        "sendMessage", "editMessageText", "sendPhoto", "sendDocument", "sendMediaGroup",
        "editMessageReplyMarkup",
    )) -> list[Call]:
        """Calls addressed to one chat that show something to the person."""
        return [c for c in self.calls if c.chat_id == chat_id and c.endpoint in endpoints]

    def named(self, endpoint: str) -> list[Call]:
        """Every call to one endpoint."""
        return [c for c in self.calls if c.endpoint == endpoint]

    def _save(self, request_data: RequestData) -> list[Path]:
        assert self.out_dir is not None
        self.out_dir.mkdir(parents=True, exist_ok=True)
        saved = []
        for filename, content, mime in request_data.multipart_data.values():
            data = content if isinstance(content, bytes) else content.read()
            path = self.out_dir / f"{next(self._ids)}-{file_name(filename, mime, data)}"
            path.write_bytes(data)
            saved.append(path)
        return saved


async def through_api(app: Application, api: FakeBotAPI, update: dict[str, Any]) -> None:
    """Hands one raw update to the bot through getUpdates, as polling would (the platform's
    request layers read it), and processes what the bot reads of it."""
    api.updates.append(update)
    for each in await app.bot.get_updates():
        await app.process_update(each)
