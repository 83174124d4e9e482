"""A tiny Bot API over HTTP (stdlib only) for benchmarks that run the bot as a subprocess.

It answers getMe, getUpdates (handing out queued updates, otherwise a short long-poll),
send*/edit*/answerCallbackQuery and anything else with `true`, and notes when each method
was first called, so a benchmark can time start-up and wait for replies.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Nazer", "username": "nazer_bench_bot"}


class FakeTelegram:
    """Serves one bot token on 127.0.0.1 at a free port (see base_url)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.updates: list[dict[str, Any]] = []
        self.first_call: dict[str, float] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                fake._serve(self)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def start(self) -> FakeTelegram:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def queue(self, update: dict[str, Any]) -> None:
        with self.lock:
            self.updates.append({"update_id": next(self._ids), **update})

    def count(self, *methods: str) -> int:
        with self.lock:
            return sum(1 for m, _ in self.calls if m in methods)

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        method = request.path.rsplit("/", 1)[-1]
        length = int(request.headers.get("Content-Length") or 0)
        params = _params(request.rfile.read(length), request.headers.get("Content-Type", ""))
        now = time.monotonic()
        with self.lock:
            self.first_call.setdefault(method, now)
            self.calls.append((method, params))
        result = self._answer(method, params)
        body = json.dumps({"ok": True, "result": result}).encode()
        try:
            request.send_response(200)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the bot stopped during a long poll

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.2)
            while True:
                with self.lock:
                    self.updates = [u for u in self.updates if u["update_id"] >= offset]
                    if self.updates or time.monotonic() >= deadline:
                        return list(self.updates)
                time.sleep(0.01)
        if method.startswith(("send", "edit", "copy", "forward")):
            return {"message_id": next(self._message_ids), "date": int(time.time()),
                    "chat": {"id": int(params.get("chat_id") or 0), "type": "private"},
                    "from": BOT_USER, "text": str(params.get("text", ""))}
        return True


def _params(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    if "multipart" in content_type:
        return {}
    out: dict[str, Any] = {}
    for key, values in parse_qs(raw.decode(), keep_blank_values=True).items():
        try:
            out[key] = json.loads(values[0])
        except ValueError:
            out[key] = values[0]
    return out
