"""The SQLite store: one connection, one serialised write path, append-only migrations."""

from bot.db.connection import Database

__all__ = ["Database"]
