"""Logging: one line per update with the fields that matter; never the token or a phone number.

Each processed update gives one line on the `nazer.updates` logger:
`update=812 user=1000 kind=callback_query input=- handler=admin_invite:choose_role ms=4.2`.
`handler` is `<flow>:<callback>` (the conversation's name, or the module for plain handlers)
of the last callback that ran; every handler callback is wrapped once at start-up
(trace_handlers) to record it. Message texts are never logged, only a command's name.

Output goes to stderr (systemd hands it to journald; timestamps are then left to journald)
and, with LOG_FILE, also to a size-rotated file. Every formatted line, tracebacks included,
passes through the redaction of the bot token and of phone numbers.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

LOG_FILE_BYTES = 10 * 1024 * 1024
LOG_FILE_BACKUPS = 5
FORMAT = "%(levelname)s %(name)s: %(message)s"
update_log = logging.getLogger("nazer.updates")
_step: ContextVar[str] = ContextVar("nazer_step", default="-")

# Digits as people and phones write them: Latin, Persian, Arabic-Indic.
_D = "[0-9\u06f0-\u06f9\u0660-\u0669]"
_ZERO, _NINE, _EIGHT = "[0\u06f0\u0660]", "[9\u06f9\u0669]", "[8\u06f8\u0668]"
_MOBILE = rf"{_NINE}{_D}{{2}}[ -]?{_D}{{3}}[ -]?{_D}{{4}}(?!{_D})"
PHONE_PATTERNS = [
    # A contact's phone in a logged update dict or repr.
    re.compile(r"""(['"]?phone_number['"]?\s*[:=]\s*['"]?)[^'",}\s]+"""),
    # Iranian mobiles: +98 9xx…, 0098 9xx…, 98 9xx…, 09xx… (any digits, spaces or dashes).
    re.compile(rf"(?<!{_D})(?:(?:\+|00)?{_NINE}{_EIGHT}[ -]?|{_ZERO}){_MOBILE}"),
    # Any other international number written with a plus.
    re.compile(rf"\+{_D}[{_D[1:-1]} -]{{7,16}}{_D}"),
]


def redact_phones(text: str) -> str:
    """Replaces anything that looks like a phone number with <phone>."""
    text = PHONE_PATTERNS[0].sub(r"\1<phone>", text)
    for pattern in PHONE_PATTERNS[1:]:
        text = pattern.sub("<phone>", text)
    return text


class RedactToken(logging.Filter):
    """Replaces the token wherever it appears in a log record (httpx logs request URLs)."""

    def __init__(self, token: str | tuple[str, ...]) -> None:
        super().__init__()
        self.tokens = tuple(t for t in ((token,) if isinstance(token, str) else token) if t)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.tokens:
            message = record.getMessage()
            if any(token in message for token in self.tokens):
                for token in self.tokens:
                    message = message.replace(token, "<token>")
                record.msg = message
                record.args = ()
        return True


class NoTracebackFor(logging.Filter):
    """Keeps the message but drops the traceback of exceptions the CLI reports in one line."""

    def __init__(self, *names: str) -> None:
        super().__init__()
        self.names = set(names)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and type(record.exc_info[1]).__name__ in self.names:
            record.exc_info = None
            record.exc_text = None
        return True


class DropStartupFailure(logging.Filter):
    """Drops PTB's English "failed to start" record: bot.cli says it in one Persian line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("telegram")
                    and record.getMessage().startswith("Network Retry Loop (Bootstrap"))


class RedactingFormatter(logging.Formatter):
    """Formats, then removes the token and phone numbers from the whole text (tracebacks too)."""

    def __init__(self, fmt: str, token: str | tuple[str, ...] = "") -> None:
        super().__init__(fmt)
        self.tokens = tuple(t for t in ((token,) if isinstance(token, str) else token) if t)
        self.token = self.tokens[0] if self.tokens else ""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for token in self.tokens:  # Telegram's and Bale's
            text = text.replace(token, "<token>")
        return redact_phones(text)


def setup_logging(level: str, token: str | tuple[str, ...] = "",
                  log_file: Path | None = None) -> None:
    """Configures the root logger once; httpx's per-request lines are kept at WARNING."""
    stream = logging.StreamHandler()
    # Under systemd (JOURNAL_STREAM is set) journald stamps each line itself.
    journald = "JOURNAL_STREAM" in os.environ
    stream.setFormatter(RedactingFormatter(FORMAT if journald else "%(asctime)s " + FORMAT, token))
    handlers: list[logging.Handler] = [stream]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler = RotatingFileHandler(
            log_file, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8"
        )
        file_handler.setFormatter(RedactingFormatter("%(asctime)s " + FORMAT, token))
        handlers.append(file_handler)
    for handler in handlers:
        handler.addFilter(RedactToken(token))
        # A refused token or an unreachable server ends the run with one clear line
        # (bot.cli); the trace adds nothing.
        handler.addFilter(NoTracebackFor("InvalidToken", "NetworkError", "TimedOut"))
        handler.addFilter(DropStartupFailure())
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(getattr(logging, level, logging.INFO))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def quiet_known_warnings() -> None:
    """Silences PTB's per_message notice: our flows mix button and text steps on purpose."""
    warnings.filterwarnings("ignore", message="If 'per_message=False'")


# One line per update ---------------------------------------------------------------------------
def _traced(callback: Any, name: str) -> Any:
    @functools.wraps(callback)
    async def run(update: object, context: object) -> Any:
        _step.set(name)
        return await callback(update, context)

    run.nazer_traced = True  # type: ignore[attr-defined]
    return run


def trace_handlers(handlers: dict[int, list[Any]]) -> None:
    """Wraps every handler callback (inside conversations too) so the update line names it."""
    from telegram.ext import ConversationHandler  # noqa: PLC0415 - keeps this module light

    def visit(handler: Any, flow: str | None) -> None:
        if isinstance(handler, ConversationHandler):
            inner = [*handler.entry_points, *handler.fallbacks]
            inner += [h for state in handler.states.values() for h in state]
            for h in inner:
                visit(h, handler.name or flow)
            return
        callback = getattr(handler, "callback", None)
        if callback is None or getattr(callback, "nazer_traced", False):
            return
        where = flow or callback.__module__.rsplit(".", 1)[-1]
        handler.callback = _traced(callback, f"{where}:{callback.__name__}")

    for group in handlers.values():
        for handler in group:
            visit(handler, None)


def _describe(update: object) -> tuple[Any, Any, str, str]:
    """(update id, user id, kind, input) without any content a person typed."""
    update_id = getattr(update, "update_id", "-")
    user = getattr(update, "effective_user", None)
    kind = "-"
    for name in ("message", "edited_message", "callback_query", "my_chat_member",
                 "channel_post", "inline_query", "chat_member", "chat_join_request"):
        if getattr(update, name, None) is not None:
            kind = name
            break
    message = getattr(update, "message", None)
    shown = "-"
    if message is not None:
        text = message.text or ""
        if text.startswith("/"):
            shown = text.split()[0].split("@")[0]
        else:
            for what in ("text", "photo", "document", "location", "contact", "voice", "video",
                         "sticker", "audio", "venue"):
                if getattr(message, what, None):
                    shown = what
                    break
    return update_id, getattr(user, "id", "-"), kind, shown


@contextmanager
def logged_update(update: object, platform: str = "telegram") -> Iterator[None]:
    """Times the processing of one update and writes its line when it is done (a Bale user
    is `bale-<id>`: ids of two platforms can be equal)."""
    token = _step.set("-")
    started = time.perf_counter()
    try:
        yield
    finally:
        update_id, user_id, kind, shown = _describe(update)
        if platform != "telegram" and user_id != "-":
            user_id = f"{platform}-{user_id}"
        update_log.info(
            "update=%s user=%s kind=%s input=%s handler=%s ms=%.1f", update_id, user_id, kind,
            shown, _step.get(), (time.perf_counter() - started) * 1000,
        )
        _step.reset(token)
