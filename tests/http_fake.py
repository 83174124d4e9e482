"""A small Bot API server on 127.0.0.1 for tests that run the bot as a real process.

It speaks HTTP the way api.telegram.org does (POST /bot<TOKEN>/<method>, GET
/file/bot<TOKEN>/<path>), records every call, serves updates pushed by the test to
getUpdates with a short long-poll, and answers the rest like Telegram. Stdlib only.

`FakeTelegramServer(bale=True)` is its Bale mode, as tapi.bale.ai behaves by what is known
(docs/bale.md, bot/sandbox/fake_bale.py): errors with HTTP 200 and ok:false, stub answers to
edits, no chat_instance on button presses, no parse_mode (a text with one, or with an HTML
tag, is recorded in `violations`); what a person sees is recorded as HTML (`params`), what
was sent as `wire`.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.platforms.markup import HTML_TAG, bale_to_html
from bot.sandbox.fake_bale import LIMITED, TOKEN_NOT_FOUND, UNSUPPORTED
from tests.fakes import Call

BOT_USER = {"id": 777000222, "is_bot": True, "first_name": "Nazer", "username": "nazer_http_bot"}
LONG_POLL_CAP = 0.5  # seconds; a real server waits `timeout`, the fake keeps shutdowns quick


@dataclass
class HttpCall(Call):
    """One request: the endpoint and parameters (as tests.fakes.Call) and the token it used."""

    token: str = ""

    @property
    def method(self) -> str:
        return self.endpoint


def _decode(value: str) -> Any:
    """PTB sends nested values (reply_markup, …) as JSON strings inside a form."""
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    out: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            out[name] = {"filename": part.get_filename(), "size": len(payload), "data": payload}
        else:
            out[name] = _decode(payload.decode("utf-8"))
    return out


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A bot that hangs up mid long-poll (it is stopping) is no error worth printing."""


class FakeTelegramServer:
    """Start with `with FakeTelegramServer() as api:`; then api.base_url, api.push(update)."""

    def __init__(self, *, bale: bool = False) -> None:
        self.bale = bale
        self.calls: list[HttpCall] = []
        self.files: dict[str, bytes] = {}
        self.revoked: set[str] = set()  # tokens answered with 401 (Bale: 403 Token not found)
        self.refused: set[int] = set()  # chats that answer as a person who blocked the bot
        self.limited = 0  # the next this many sends answer «bot limit exceed» (Bale) / 429
        self.violations: list[str] = []
        self._updates: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._message_ids = itertools.count(9000)
        self._update_ids = itertools.count(1)
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # Lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> FakeTelegramServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # What a test does -----------------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        """Queues an update for getUpdates; returns its update_id."""
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self._cond.notify_all()
        return update["update_id"]

    def pending(self, update_id: int) -> bool:
        """Whether an update still waits for the bot to confirm it (a getUpdates past it)."""
        with self._cond:
            return any(u["update_id"] == update_id for u in self._updates)

    def message_update(self, user_id: int, text: str, first_name: str = "Test") -> dict[str, Any]:
        """A private text message (a /command gets its entity), without update_id."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": {"id": user_id, "is_bot": False, "first_name": first_name},
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
        return {"message": message}

    def photo_update(self, user_id: int, file_id: str, data: bytes = b"\xff\xd8photo",
                     first_name: str = "Test") -> dict[str, Any]:
        """A photo message whose bytes getFile + the file URL will serve."""
        self.files[f"files/{file_id}"] = data
        update = self.message_update(user_id, "", first_name)
        del update["message"]["text"]
        update["message"]["photo"] = [{"file_id": file_id, "file_unique_id": f"u{file_id}",
                                       "width": 1280, "height": 960, "file_size": len(data)}]
        return update

    def location_update(self, user_id: int, latitude: float, longitude: float,
                        first_name: str = "Test") -> dict[str, Any]:
        """A location message sent just now."""
        update = self.message_update(user_id, "", first_name)
        del update["message"]["text"]
        update["message"]["location"] = {"latitude": latitude, "longitude": longitude}
        return update

    def callback_update(self, user_id: int, data: str, message: HttpCall,
                        first_name: str = "Test") -> dict[str, Any]:
        """A press on a button of a message the bot sent (the recorded send call); Bale's
        has no chat_instance."""
        query = {
            "id": str(next(self._message_ids)), "chat_instance": str(user_id), "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": first_name},
            "message": {"message_id": 1, "date": int(time.time()), "text": message.text or ".",
                        "chat": {"id": user_id, "type": "private"}},
        }
        if self.bale:
            del query["chat_instance"]
        return {"callback_query": query}

    def wait_for(self, predicate: Callable[[HttpCall], bool], timeout: float = 20.0) -> HttpCall:
        """Blocks until a recorded call satisfies predicate; raises AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in self.calls:
                    if predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    methods = [c.method for c in self.calls]
                    raise AssertionError(f"no matching call within {timeout}s; saw {methods}")
                self._cond.wait(remaining)

    def shown_to(self, chat_id: int) -> list[HttpCall]:
        """Messages sent or edited in one chat, in the order the bot made the calls."""
        with self._cond:
            return [c for c in self.calls if c.chat_id == chat_id
                    and c.method in ("sendMessage", "editMessageText", "sendPhoto")]

    def named(self, method: str) -> list[HttpCall]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    # Serving --------------------------------------------------------------------------------
    def _record(self, call: HttpCall) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        deadline = time.monotonic() + wait
        with self._cond:
            # Updates below the offset were confirmed by the bot: forget them, as Telegram does.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and (remaining := deadline - time.monotonic()) > 0:
                self._cond.wait(remaining)
            return list(self._updates)

    def receive(self, call: HttpCall) -> None:
        """Bale mode: checks what arrived and records what a person sees, as HTML."""
        call.wire = dict(call.params)
        if not self.bale or not call.method.lower().startswith(("send", "edit", "copy")):
            return
        if "parse_mode" in call.params:
            self.violations.append(f"{call.method} sent parse_mode")
        for name in ("text", "caption"):
            value = call.params.get(name)
            if isinstance(value, str):
                if HTML_TAG.search(value):
                    self.violations.append(f"{call.method} {name} shows HTML: {value[:80]!r}")
                call.params[name] = bale_to_html(value)

    def error(self, call: HttpCall) -> tuple[int, int, str] | None:
        """(HTTP status, error_code, description) when the call fails; None when it does not."""
        if call.token in self.revoked:
            return (403, 403, TOKEN_NOT_FOUND) if self.bale else (401, 401, "Unauthorized")
        if self.bale and call.method in UNSUPPORTED:
            return 200, 404, "Not Found"
        if call.method.startswith("send") and call.chat_id in self.refused:
            return (200 if self.bale else 403, 403,
                    "Forbidden: no such group or user" if self.bale
                    else "Forbidden: bot was blocked by the user")
        if call.method.startswith("send") and self.limited > 0:
            self.limited -= 1
            return (200, 429, LIMITED) if self.bale else (429, 429, "Too Many Requests")
        return None

    def answer(self, call: HttpCall) -> Any:
        """What Telegram (or Bale) would return for the call."""
        method = call.method
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return self._get_updates(call.params)
        if method == "getFile":
            file_id = call.params["file_id"]
            data = self.files.get(f"files/{file_id}", b"")
            return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                    "file_size": len(data), "file_path": f"files/{file_id}"}
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if self.bale and method.startswith("edit"):
            return {"message_id": 0}  # Bale's stub answer to an edit
        if method.startswith(("send", "edit", "copy", "forward")):
            message: dict[str, Any] = {
                "message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": call.chat_id or 0, "type": "private"}, "from": BOT_USER,
            }
            if "text" in call.params:
                message["text"] = call.params["text"]
            for kind in ("photo", "document"):
                if method == f"send{kind.title()}":
                    uploaded = call.params.get(kind)
                    data = uploaded["data"] if isinstance(uploaded, dict) else b""
                    file_id = f"sent{message['message_id']}"
                    self.files[f"files/{file_id}"] = data
                    found = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                             "file_size": len(data)}
                    message[kind] = [{**found, "width": 1, "height": 1}] if kind == "photo" \
                        else found
            if method == "sendMediaGroup":
                return [message, {**message, "message_id": next(self._message_ids)}]
            return message
        return True

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep pytest output clean

            def _reply(self, status: int, body: bytes, kind: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path.startswith("/file/bot"):
                    rest = path.removeprefix("/file/bot").split("/", 1)
                    data = fake.files.get(rest[1]) if len(rest) == 2 else None
                    if data is None:
                        self._reply(404, b"not found", "text/plain")
                    else:
                        self._reply(200, data, "application/octet-stream")
                    return
                self._api(b"", "")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                self._api(body, self.headers.get("Content-Type", ""))

            def _api(self, body: bytes, content_type: str) -> None:
                parts = urlsplit(self.path)
                if not parts.path.startswith("/bot") or parts.path.count("/") != 2:
                    self._reply(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
                    return
                token, method = parts.path.removeprefix("/bot").split("/", 1)
                params: dict[str, Any] = {k: _decode(v) for k, v in parse_qsl(parts.query)}
                if content_type.startswith("application/json") and body:
                    params.update(json.loads(body))
                elif content_type.startswith("multipart/form-data"):
                    params.update(_multipart(content_type, body))
                elif body:
                    params.update({k: _decode(v) for k, v in parse_qsl(body.decode("utf-8"))})
                call = HttpCall(method, params, token=token)
                fake.receive(call)
                failure = fake.error(call)
                if failure is not None:
                    fake._record(call)
                    status, code, description = failure
                    self._reply(status, json.dumps({"ok": False, "error_code": code,
                                                    "description": description}).encode())
                    return
                if method != "getUpdates":
                    fake._record(call)
                result = fake.answer(call)
                if method == "getUpdates" and result:
                    fake._record(call)
                self._reply(200, json.dumps({"ok": True, "result": result}).encode())

        return Handler
