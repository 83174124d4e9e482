"""The sandbox: the real bot in a terminal, with no Telegram and no token.

`python -m bot sandbox` builds the same Application (handlers, scheduler, database code) as
production, swaps the network for an in-process Bot API (fake_api), keeps time on a clock
that `/time +3d` moves, and lets a person chat through stdin/stdout (session). Replies are
printed with their keyboards as numbered buttons (render); updates are built the way
Telegram sends them (updates).
"""

from bot.sandbox.session import Sandbox, sandbox_settings

__all__ = ["Sandbox", "sandbox_settings"]
