"""Settings from the environment (and an optional .env file); stdlib only.

Every problem is a ConfigError carrying a catalogue key ([config]) and its values: one
Persian line for the operator that names the variable and says what to write instead.
Only running the bot needs BOT_TOKEN; the command-line upkeep reads the settings with
`require_token=False`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.platforms import TELEGRAM_INVITE_LINK, Platform, PlatformConfig

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_FILE_URL = "https://api.telegram.org/file/bot"
BALE_BASE_URL = "https://tapi.bale.ai/bot"
BALE_FILE_URL = "https://tapi.bale.ai/file/bot"
# Telegram tokens look like 123456789:AA...; a loose check catches copy-paste accidents.
TOKEN_RE = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{20,}$")
# Bale's tokens have the same shape (bot id, a colon, a key); the key's length is not
# documented, so the check is looser.
BALE_TOKEN_RE = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{10,}$")
# A Bale webhook has no secret header: the secret is a path segment nobody can guess.
PATH_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{32,256}$")
# What Telegram accepts as setWebhook's secret_token.
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
TRUE = {"1", "true", "yes", "on"}


class ConfigError(Exception):
    """A setting is missing or malformed; str() is one Persian line for the operator."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(self.message())

    def message(self) -> str:
        """The catalogue line [config.<key>]."""
        from bot.i18n import t_plain  # noqa: PLC0415 - the catalogue is stdlib tomllib

        return t_plain(f"config.{self.key}", **self.values)


# Kerman province: latitude 26.4-32.1 N, longitude 54.3-59.7 E (a little margin all round).
KERMAN_BOUNDS = (26.4, 32.1, 54.3, 59.7)


@dataclass(frozen=True)
class Settings:
    bot_token: str = ""  # Telegram's bot; empty: Nazer is not on Telegram (BALE_TOKEN is set)
    base_url: str = DEFAULT_BASE_URL
    base_file_url: str = DEFAULT_FILE_URL
    database_path: Path = Path("data/nazer.sqlite3")
    media_dir: Path = Path("data/media")
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    timezone: str = "Asia/Tehran"
    reminder_time: time = time(8, 0)
    log_level: str = "INFO"
    error_chat_id: int | None = None
    bot_username: str | None = None
    invite_ttl_days: int = 7
    # Days before a project's deadline on which its organisation is reminded.
    project_reminder_days: tuple[int, ...] = (30, 14, 7, 3, 1)
    broadcast_reminder_hours: int = 24
    outbox_concurrency: int = 1
    # Country whose official holidays are preloaded (the `holidays` library's code); "" none.
    official_holidays: str = "IR"
    # Running it for real (docs/deploy.md): webhook mode, local Bot API server, backups, log file.
    api_local_mode: bool = False
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    backup_dir: Path | None = None  # None: no automatic daily backup
    backup_keep: int = 14
    log_file: Path | None = None
    # What printed records say and imports check (None: the catalogue's Kerman defaults).
    office_name: str | None = None
    province_name: str | None = None
    province_bounds: tuple[float, float, float, float] = KERMAN_BOUNDS
    # Telegram from Iran: a proxy for Telegram's bot only (README); Bale goes direct.
    bot_proxy: str | None = None
    # Outbox pacing on Telegram (about 30 a second overall, one a second per chat).
    outbox_rate: int = 30
    outbox_chat_interval: float = 1.0
    invite_link: str = TELEGRAM_INVITE_LINK
    # Bale (docs/bale.md): its own bot, people, limits (conservative until measured), links.
    bale_token: str = ""
    bale_base_url: str = BALE_BASE_URL
    bale_file_url: str = BALE_FILE_URL
    bale_admin_ids: frozenset[int] = field(default_factory=frozenset)
    bale_username: str | None = None
    bale_error_chat_id: int | None = None
    bale_invite_link: str = ""
    bale_outbox_rate: int = 5
    bale_chat_interval: float = 2.0
    bale_limit_pause: float = 30.0
    bale_poll_interval: float = 1.0
    bale_webhook_url: str | None = None
    bale_webhook_secret: str | None = None
    bale_webhook_port: int = 8444
    bale_proxy: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def platforms(self) -> tuple[PlatformConfig, ...]:
        """The configured platforms, Telegram first (the first runs the periodic jobs)."""
        found = []
        if self.bot_token:
            found.append(PlatformConfig(
                Platform.TELEGRAM, self.bot_token, self.base_url, self.base_file_url,
                self.admin_ids, self.bot_username, self.error_chat_id, self.invite_link,
                self.outbox_rate, self.outbox_chat_interval, local_mode=self.api_local_mode,
                webhook_url=self.webhook_url, webhook_secret=self.webhook_secret,
                webhook_listen=self.webhook_listen, webhook_port=self.webhook_port,
                proxy=self.bot_proxy,
            ))
        if self.bale_token:
            found.append(PlatformConfig(
                Platform.BALE, self.bale_token, self.bale_base_url, self.bale_file_url,
                self.bale_admin_ids, self.bale_username, self.bale_error_chat_id,
                self.bale_invite_link, self.bale_outbox_rate, self.bale_chat_interval,
                limit_pause=self.bale_limit_pause, poll_interval=self.bale_poll_interval,
                webhook_url=self.bale_webhook_url, webhook_secret=self.bale_webhook_secret,
                webhook_listen=self.webhook_listen, webhook_port=self.bale_webhook_port,
                proxy=self.bale_proxy,
            ))
        return tuple(found)

    def platform(self, platform: str) -> PlatformConfig:
        """One configured platform; KeyError when it is not configured."""
        for config in self.platforms():
            if config.platform == platform:
                return config
        raise KeyError(platform)

    @property
    def bootstrap_admins(self) -> frozenset[tuple[str, int]]:
        """(platform, user id) of every admin from ADMIN_IDS and BALE_ADMIN_IDS."""
        return frozenset((c.platform.value, i) for c in self.platforms() for i in c.admin_ids)

    @property
    def tokens(self) -> tuple[str, ...]:
        """Every configured token (the logs and error reports hide them)."""
        return tuple(c.token for c in self.platforms())

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, dotenv: Path | None = None,
                 require_token: bool = True) -> Settings:
        """Reads the settings; raises ConfigError with a one-line reason on bad input.

        Without require_token a missing BOT_TOKEN is an empty one (for commands that never
        talk to the Bot API); a malformed one is still refused."""
        values = dict(read_dotenv(dotenv or Path(".env")))
        values.update(os.environ if env is None else env)
        token = values.get("BOT_TOKEN", "").strip()
        bale = values.get("BALE_TOKEN", "").strip()
        if not token and not bale and require_token:
            raise ConfigError("token_missing")
        if token and not TOKEN_RE.match(token):
            raise ConfigError("token_malformed")
        if bale and not BALE_TOKEN_RE.match(bale):
            raise ConfigError("bale_token_malformed")
        return cls(
            bot_token=token,
            base_url=values.get("BOT_API_BASE_URL", "").strip() or DEFAULT_BASE_URL,
            base_file_url=values.get("BOT_API_FILE_URL", "").strip() or DEFAULT_FILE_URL,
            database_path=Path(values.get("DATABASE_PATH", "").strip() or "data/nazer.sqlite3"),
            media_dir=Path(values.get("MEDIA_DIR", "").strip() or "data/media"),
            admin_ids=_parse_ids(values.get("ADMIN_IDS", "")),
            timezone=_parse_tz(values.get("BOT_TIMEZONE", "").strip() or "Asia/Tehran"),
            reminder_time=_parse_time(values.get("REMINDER_TIME", "").strip() or "08:00"),
            log_level=(values.get("LOG_LEVEL", "").strip() or "INFO").upper(),
            error_chat_id=_parse_optional_int("ERROR_CHAT_ID", values.get("ERROR_CHAT_ID", "")),
            bot_username=(values.get("BOT_USERNAME", "").strip().lstrip("@") or None),
            invite_ttl_days=_parse_positive("INVITE_TTL_DAYS", values.get("INVITE_TTL_DAYS", "7")),
            project_reminder_days=_parse_days(
                values.get("PROJECT_REMINDER_DAYS", "").strip() or "30,14,7,3,1"
            ),
            broadcast_reminder_hours=_parse_positive(
                "BROADCAST_REMINDER_HOURS", values.get("BROADCAST_REMINDER_HOURS", "24")
            ),
            outbox_concurrency=_parse_positive(
                "OUTBOX_CONCURRENCY", values.get("OUTBOX_CONCURRENCY", "1")
            ),
            official_holidays=_parse_country(values.get("OFFICIAL_HOLIDAYS", "IR")),
            office_name=values.get("OFFICE_NAME", "").strip() or None,
            province_name=values.get("PROVINCE_NAME", "").strip() or None,
            province_bounds=_parse_bounds(values.get("PROVINCE_BOUNDS", "").strip()),
            **_operations(values),
            **_pacing(values),
            **_bale(values, bale),
        )

    def require_webhook(self) -> tuple[str, str]:
        """(url, secret) for webhook mode; ConfigError when either is missing or malformed."""
        if not self.webhook_url:
            raise ConfigError("webhook_url_missing")
        if not self.webhook_secret:
            raise ConfigError("webhook_secret_missing")
        if not SECRET_RE.match(self.webhook_secret):
            raise ConfigError("webhook_secret_malformed")
        return self.webhook_url, self.webhook_secret

    def require_bale_webhook(self) -> tuple[str, str]:
        """(public URL, path secret) of Bale's webhook; ConfigError when malformed."""
        if not self.bale_webhook_url or not self.bale_webhook_url.startswith("https://"):
            raise ConfigError("bale_webhook_url")
        if not self.bale_webhook_secret or not PATH_SECRET_RE.match(self.bale_webhook_secret):
            raise ConfigError("bale_webhook_secret")
        return self.bale_webhook_url, self.bale_webhook_secret


def _pacing(values: dict[str, str]) -> dict[str, object]:
    """Telegram's outbox pacing and invitation link pattern."""
    return {
        "outbox_rate": _parse_positive("OUTBOX_RATE", values.get("OUTBOX_RATE", "30")),
        "outbox_chat_interval": _parse_seconds(
            "OUTBOX_CHAT_INTERVAL", values.get("OUTBOX_CHAT_INTERVAL", "1")),
        "invite_link": _parse_link("INVITE_LINK", values.get("INVITE_LINK"),
                                   TELEGRAM_INVITE_LINK),
        "bot_proxy": _parse_proxy("BOT_PROXY", values.get("BOT_PROXY", "")),
    }


def _bale(values: dict[str, str], token: str) -> dict[str, object]:
    """The BALE_* settings (docs/bale.md); the defaults are conservative until measured."""
    port = _parse_optional_int("BALE_WEBHOOK_PORT", values.get("BALE_WEBHOOK_PORT", "8444"))
    if port is None or not 0 < port < 65536:
        raise ConfigError("bale_webhook_port")
    return {
        "bale_token": token,
        "bale_base_url": values.get("BALE_API_BASE_URL", "").strip() or BALE_BASE_URL,
        "bale_file_url": values.get("BALE_API_FILE_URL", "").strip() or BALE_FILE_URL,
        "bale_admin_ids": _parse_ids(values.get("BALE_ADMIN_IDS", ""), "BALE_ADMIN_IDS"),
        "bale_username": values.get("BALE_USERNAME", "").strip().lstrip("@") or None,
        "bale_error_chat_id": _parse_optional_int(
            "BALE_ERROR_CHAT_ID", values.get("BALE_ERROR_CHAT_ID", "")),
        "bale_invite_link": _parse_link("BALE_INVITE_LINK", values.get("BALE_INVITE_LINK"), ""),
        "bale_outbox_rate": _parse_positive(
            "BALE_OUTBOX_RATE", values.get("BALE_OUTBOX_RATE", "5")),
        "bale_chat_interval": _parse_seconds(
            "BALE_CHAT_INTERVAL", values.get("BALE_CHAT_INTERVAL", "2")),
        "bale_limit_pause": _parse_seconds(
            "BALE_LIMIT_PAUSE", values.get("BALE_LIMIT_PAUSE", "30")),
        "bale_poll_interval": _parse_seconds(
            "BALE_POLL_INTERVAL", values.get("BALE_POLL_INTERVAL", "1")),
        "bale_webhook_url": values.get("BALE_WEBHOOK_URL", "").strip() or None,
        "bale_webhook_secret": values.get("BALE_WEBHOOK_SECRET", "").strip() or None,
        "bale_webhook_port": port,
        "bale_proxy": _parse_proxy("BALE_PROXY", values.get("BALE_PROXY", "")),
    }


def _parse_link(name: str, raw: str | None, default: str) -> str:
    """An invitation link pattern: {token} is required; "none" means the code only."""
    value = (raw if raw is not None else default).strip()
    if value.lower() in ("", "none"):
        return ""
    if "{token}" not in value or not value.startswith(("https://", "http://")):
        raise ConfigError("invite_link", name=name, value=value)
    return value


def _parse_proxy(name: str, raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if not value.startswith(("http://", "https://", "socks5://", "socks5h://")):
        raise ConfigError("proxy", name=name, value=value)
    return value


def _parse_seconds(name: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ConfigError("seconds", name=name, value=raw) from None
    if not 0 <= value <= 3600:
        raise ConfigError("seconds_range", name=name, value=raw.strip())
    return value


def _operations(values: dict[str, str]) -> dict[str, object]:
    """Webhook, backup and log settings; the daily backup goes next to the database by default."""
    database = Path(values.get("DATABASE_PATH", "").strip() or "data/nazer.sqlite3")
    backup_dir = values.get("BACKUP_DIR", "").strip()
    keep = _parse_optional_int("BACKUP_KEEP", values.get("BACKUP_KEEP", "14"))
    if keep is None or keep < 0:
        raise ConfigError("backup_keep")
    port = _parse_optional_int("WEBHOOK_PORT", values.get("WEBHOOK_PORT", "8443"))
    if port is None or not 0 < port < 65536:
        raise ConfigError("webhook_port")
    log_file = values.get("LOG_FILE", "").strip()
    return {
        "api_local_mode": values.get("BOT_API_LOCAL_MODE", "").strip().lower() in TRUE,
        "webhook_url": values.get("WEBHOOK_URL", "").strip() or None,
        "webhook_secret": values.get("WEBHOOK_SECRET", "").strip() or None,
        "webhook_listen": values.get("WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
        "webhook_port": port,
        "backup_dir": None if keep == 0 else Path(backup_dir or database.parent / "backups"),
        "backup_keep": keep,
        "log_file": Path(log_file) if log_file else None,
    }


def read_dotenv(path: Path) -> list[tuple[str, str]]:
    """Parses KEY=VALUE lines of a .env file; comments and blank lines are skipped."""
    if not path.is_file():
        return []
    pairs = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        pairs.append((key.strip().removeprefix("export ").strip(), value))
    return pairs


def _parse_ids(raw: str, name: str = "ADMIN_IDS") -> frozenset[int]:
    ids = set()
    for part in raw.replace(" ", "").split(","):
        if part:
            if not part.lstrip("-").isdigit():
                raise ConfigError("admin_ids", name=name, value=part)
            ids.add(int(part))
    return frozenset(ids)


def _parse_optional_int(name: str, raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.lstrip("-").isdigit():
        raise ConfigError("not_a_number", name=name, value=raw)
    return int(raw)


def _parse_positive(name: str, raw: str) -> int:
    value = _parse_optional_int(name, raw)
    if value is None or value <= 0:
        raise ConfigError("not_positive", name=name, value=raw.strip())
    return value


def _parse_days(raw: str) -> tuple[int, ...]:
    parts = [p for p in raw.replace(" ", "").split(",") if p]
    if not parts or not all(p.isdigit() and 0 < int(p) <= 365 for p in parts):
        raise ConfigError("reminder_days", value=raw)
    return tuple(sorted({int(p) for p in parts}, reverse=True))


def _parse_time(raw: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ConfigError("reminder_time", value=raw)
    return time(int(match[1]), int(match[2]))


def _parse_country(raw: str) -> str:
    code = raw.strip().upper()
    if code in ("", "NONE"):
        return ""
    if not re.fullmatch(r"[A-Z]{2,3}", code):
        raise ConfigError("official_holidays", value=raw)
    return code


def _parse_tz(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError("timezone", value=raw) from exc
    return raw


def _parse_bounds(raw: str) -> tuple[float, float, float, float]:
    """PROVINCE_BOUNDS «lat_min,lat_max,lon_min,lon_max» (Kerman when empty)."""
    if not raw:
        return KERMAN_BOUNDS
    try:
        parts = tuple(float(p) for p in raw.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4 or not (-90 <= parts[0] < parts[1] <= 90
                               and -180 <= parts[2] < parts[3] <= 180):
        raise ConfigError("province_bounds", value=raw)
    return parts  # type: ignore[return-value]
