"""The one source of "now" and of the time zone people live in: everything asks an injected
Clock, nothing reads the wall clock or assumes a zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

TEHRAN = ZoneInfo("Asia/Tehran")


class Clock(Protocol):
    tz: ZoneInfo  # set by bot.app.build_application from BOT_TIMEZONE

    def now(self) -> datetime:
        """Returns the current instant as an aware UTC datetime."""
        ...

    def local(self, moment: datetime | None = None) -> datetime:
        """The instant (default: now) on the wall clock of the people's time zone."""
        ...

    def today(self) -> date:
        """Today's date in the people's time zone (a day ahead of UTC late at night)."""
        ...


class _Zoned:
    tz: ZoneInfo = TEHRAN

    def now(self) -> datetime:
        raise NotImplementedError

    def local(self, moment: datetime | None = None) -> datetime:
        """The instant (default: now) on the wall clock of the people's time zone."""
        return (moment or self.now()).astimezone(self.tz)

    def today(self) -> date:
        """Today's date in the people's time zone."""
        return self.local().date()


class SystemClock(_Zoned):
    def __init__(self, tz: ZoneInfo = TEHRAN) -> None:
        self.tz = tz

    def now(self) -> datetime:
        """Returns the wall-clock time in UTC."""
        return datetime.now(UTC)


class FixedClock(_Zoned):
    """A clock that only moves when told to; tests and the sandbox drive it."""

    def __init__(self, start: datetime, tz: ZoneInfo = TEHRAN) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self.tz = tz

    def now(self) -> datetime:
        """Returns the instant the clock was last set to."""
        return self._now

    def set(self, when: datetime) -> None:
        """Moves the clock to an aware instant."""
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Moves the clock forward by delta."""
        self._now += delta


def to_db(moment: datetime) -> str:
    """Formats an aware instant as the UTC text the database stores (sortable)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def from_db(text: str) -> datetime:
    """Parses the database's UTC text back into an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
