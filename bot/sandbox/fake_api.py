"""An in-process Bot API for the sandbox: answers like Telegram and remembers what it was sent.

It replaces python-telegram-bot's network layer (BaseRequest). Every call is queued in
`pending` for the screen to show; messages are kept by id so a button press can carry the
message it belongs to and edits can be shown; files the bot sends are saved to `out_dir`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 777000333, "is_bot": True, "first_name": "Nazer",
            "username": "nazer_sandbox_bot"}


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    saved: list[Path] = field(default_factory=list)  # files the bot uploaded, saved to disk
    message_id: int | None = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None


class SandboxAPI(BaseRequest):
    """Answers getMe, send*, edit*, getFile and file downloads; other methods return True."""

    def __init__(self, out_dir: Path, now: Callable[[], int]) -> None:
        self.out_dir = out_dir
        self.now = now
        self.pending: list[ApiCall] = []
        self.files: dict[str, bytes] = {}
        self.texts: dict[int, str] = {}
        self._ids = itertools.count(1)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    def take(self) -> list[ApiCall]:
        """The calls made since the last take, oldest first."""
        calls, self.pending = self.pending, []
        return calls

    def add_file(self, data: bytes) -> str:
        """Stores bytes the person 'uploads'; returns the file_id to put in an update."""
        file_id = f"sandbox-{next(self._ids)}"
        self.files[file_id] = data
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
            data = self.files.get(url.rsplit("/", 1)[-1])
            return (200, data) if data is not None else (404, b"not found")
        params = dict(request_data.parameters) if request_data else {}
        call = ApiCall(url.rsplit("/", 1)[-1], params)
        if request_data is not None and request_data.contains_files:
            call.saved = self._save(request_data)
        result = self._answer(call)
        self.pending.append(call)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _answer(self, call: ApiCall) -> Any:
        if call.method == "getMe":
            return BOT_USER
        if call.method == "getUpdates":
            return []
        if call.method == "getFile":
            file_id = call.params["file_id"]
            return {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                    "file_size": len(self.files.get(file_id, b"")), "file_path": file_id}
        if call.method.startswith(("send", "copy", "forward")) or call.method.startswith("edit"):
            message_id = int(call.params.get("message_id") or next(self._ids))
            call.message_id = message_id
            if "text" in call.params:
                self.texts[message_id] = str(call.params["text"])
            message: dict[str, Any] = {
                "message_id": message_id, "date": self.now(), "from": BOT_USER,
                "chat": {"id": call.chat_id or 0, "type": "private"},
            }
            if "text" in call.params:
                message["text"] = call.params["text"]
            return message
        return True

    def _save(self, request_data: RequestData) -> list[Path]:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        saved = []
        for filename, content, _mime in request_data.multipart_data.values():
            data = content if isinstance(content, bytes) else content.read()
            path = self.out_dir / f"{next(self._ids)}-{Path(filename or 'file').name}"
            path.write_bytes(data)
            saved.append(path)
        return saved
