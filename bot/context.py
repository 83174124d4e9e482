"""Typed access to what every callback needs: database, repositories, clock, settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ExtBot

if TYPE_CHECKING:
    from datetime import datetime

    from bot.clock import Clock
    from bot.config import Settings
    from bot.db import Database
    from bot.db.repos import Repos
    from bot.db.repos.drafts import Draft
    from bot.domain import Person
    from bot.platforms import Platform, PlatformConfig


class BotContext(CallbackContext[ExtBot, dict[str, Any], dict[str, Any], dict[str, Any]]):
    """CallbackContext with typed properties over bot_data (see app.build_application)."""

    # Filled by bot.auth.current_person for the length of one update.
    person: Person | None
    person_loaded: bool = False
    # The draft the person was in the middle of when the update came (read with the person,
    # for the flow's turn: handlers/flowkit.py); taken once, so that nothing reads it stale.
    flow_draft: Draft | None = None
    # Set once a callback query of this update was answered (Telegram takes one answer).
    answered: bool = False

    @property
    def db(self) -> Database:
        return self.bot_data["db"]

    @property
    def repos(self) -> Repos:
        return self.bot_data["repos"]

    @property
    def clock(self) -> Clock:
        return self.bot_data["clock"]

    @property
    def settings(self) -> Settings:
        return self.bot_data["settings"]

    @property
    def platform(self) -> Platform:
        """The messenger this update came from (each has its own Application)."""
        return self.bot_data["platform"]

    @property
    def platform_config(self) -> PlatformConfig:
        """That messenger's settings: admins, links, limits, what it supports."""
        return self.bot_data["platform_config"]

    def now(self) -> datetime:
        """The injected clock's current instant (aware, UTC)."""
        return self.clock.now()
