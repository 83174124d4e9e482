"""The messengers Nazer serves from one process: Telegram and Bale.

Each configured platform gets its own python-telegram-bot Application (handlers, bot, token,
base URLs) over the one database, clock and outbox; `bot_data["platform"]` says which one an
update came from. A person belongs to one platform: user ids of the two can collide, so the
platform is part of who a person is in every table and key. What differs between them is
described here (PlatformConfig) and handled in one place each: the request layer
(bot/platforms/bale.py), the rendering of messages (bot/platforms/markup.py), the update
guard (bot/platforms/guard.py) and the outbox's per-platform lanes (scheduler/outbox.py).
Nothing in this module imports Telegram code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    TELEGRAM = "telegram"
    BALE = "bale"


# Where a deep link is not known, the invitation is the code and «/start CODE» (docs/bale.md).
TELEGRAM_INVITE_LINK = "https://t.me/{username}?start={token}"


@dataclass(frozen=True)
class PlatformConfig:
    """One platform's bot as configured (BOT_* for Telegram, BALE_* for Bale)."""

    platform: Platform
    token: str
    base_url: str
    file_url: str
    admin_ids: frozenset[int] = frozenset()
    username: str | None = None
    error_chat_id: int | None = None
    # Invitation link pattern with {username} and {token}; empty: only the code is given.
    invite_link: str = ""
    # Outbox pacing of this platform: messages a second overall, seconds between two to a chat.
    rate: int = 30
    chat_interval: float = 1.0
    # Bale: seconds every send waits after «bot limit exceed» without a retry_after.
    limit_pause: float = 30.0
    # Bale: an empty getUpdates answer is stretched to at least this long (no hot loop when
    # the server does not hold long polls).
    poll_interval: float = 0.0
    local_mode: bool = False
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    # The proxy this platform's bot goes through (http://, https:// or socks5://); None:
    # none, or HTTPS_PROXY from the environment (httpx reads it; not for SOCKS5).
    proxy: str | None = None

    @property
    def is_bale(self) -> bool:
        return self.platform is Platform.BALE

    @property
    def has_command_lists(self) -> bool:
        """setMyCommands with per-chat scopes: Telegram's; not confirmed on Bale, so not used."""
        return self.platform is Platform.TELEGRAM

    @property
    def has_secret_header(self) -> bool:
        """Whether the webhook's X-Telegram-Bot-Api-Secret-Token header is sent (Telegram)."""
        return self.platform is Platform.TELEGRAM

    def invitation_link(self, username: str | None, token: str) -> str:
        """The deep link that opens the bot with /start TOKEN; "" when none is known."""
        if not self.invite_link or ("{username}" in self.invite_link and not username):
            return ""
        return self.invite_link.format(username=username or "", token=token)


def chat_key(platform: str, user_id: int | None) -> str:
    """A person's chat in dedup keys: Telegram's as it always was, other platforms prefixed
    (ids of two platforms can be equal)."""
    return str(user_id) if platform == Platform.TELEGRAM else f"{platform}-{user_id}"


def file_field(kind: str, file_id: str, path: str | None, *, source: str,
               target: str) -> dict[str, str] | None:
    """How a file someone sent reaches a person through the outbox: by its file id on the
    platform it came from, by its bytes on disk (`<kind>_path`, under MEDIA_DIR) on the
    other, since a file id works only with the bot that received it. None when the file can
    not reach that platform (never downloaded)."""
    if source == target:
        return {kind: file_id}
    if path is None:
        return None
    return {f"{kind}_path": path}
