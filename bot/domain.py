"""Domain records shared by services and handlers; nothing here knows Telegram or SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.platforms import chat_key


class Role(StrEnum):
    ADMIN = "admin"
    DEPUTY = "deputy"
    MEMBER = "member"


ROLE_LABEL_KEYS = {
    Role.ADMIN: "roles.admin",
    Role.DEPUTY: "roles.deputy",
    Role.MEMBER: "roles.member",
}


@dataclass(frozen=True)
class County:
    id: int
    name: str


@dataclass(frozen=True)
class Organisation:
    id: int
    name: str
    kind: str
    county_id: int
    registration_number: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class Person:
    id: int
    tg_user_id: int | None  # the person's user id on their platform (Telegram or Bale)
    name: str
    role: Role
    county_id: int | None = None
    organisation_id: int | None = None
    phone: str | None = None
    active: bool = True
    reachable: bool = True
    last_seen_at: datetime | None = None
    platform: str = "telegram"  # bot.platforms.Platform: ids of two platforms can be equal

    @property
    def chat_key(self) -> str:
        """The person's chat in outbox dedup keys (bot.platforms.chat_key)."""
        return chat_key(self.platform, self.tg_user_id)

    def may_see_county(self, county_id: int | None) -> bool:
        """Admins see every county, a deputy only the own, a member only the organisation's."""
        if self.role is Role.ADMIN:
            return True
        return county_id is not None and county_id == self.county_id


@dataclass(frozen=True)
class Invite:
    id: int
    hint: str
    role: Role
    county_id: int | None
    organisation_id: int | None
    name: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
    created_by: int | None = None
    replaces: int | None = None  # the deputy this invitation's user takes over from
    second_deputy: bool = False  # an admin confirmed a second active deputy for the county
    platform: str = "telegram"  # where it is redeemed (bot.platforms.Platform)
