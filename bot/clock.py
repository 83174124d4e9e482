"""The one source of "now": everything asks an injected Clock, nothing reads the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Returns the current instant as an aware UTC datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        """Returns the wall-clock time in UTC."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to; tests and the sandbox drive it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

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
