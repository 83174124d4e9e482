"""Nazer: supervision of county deputies and funded organisations, in Persian, over the Bot API."""
