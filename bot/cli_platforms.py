"""The command line and the platforms: which one an invitation is for, how it is handed over.

`invite --platform bale` makes an invitation for Bale (the default: the first configured
platform); the token is printed on its own line, then the platform's link, or, where none is
known (Bale by default), how to use the code. `python -m bot bale-check` is in
bot/platforms/check.py.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.cli_common import fail, helptext
from bot.config import Settings
from bot.i18n import t_plain
from bot.platforms import Platform, PlatformConfig


def add_platform_argument(parser: argparse.ArgumentParser) -> None:
    """--platform telegram|bale on a subcommand that makes an invitation."""
    parser.add_argument("--platform", choices=[p.value for p in Platform],
                        help=helptext("invite_platform"))


def chosen_platform(settings: Settings, value: str | None) -> PlatformConfig | None:
    """The configured platform named on the command line (the first one when none is);
    None, after one line on stderr, when that platform is not configured."""
    configs = settings.platforms()
    if not configs:
        # No token yet (an admin preparing invitations before the bot is set up): the code
        # is still valid; the link is built from BOT_USERNAME when it is set.
        configs = (PlatformConfig(Platform.TELEGRAM, "", settings.base_url,
                                  settings.base_file_url, username=settings.bot_username,
                                  invite_link=settings.invite_link),)
    if value is None:
        return configs[0]
    for config in configs:
        if config.platform == value:
            return config
    fail("platforms_cli.unknown_platform", name=value,
         names=", ".join(c.platform.value for c in configs))
    return None


async def print_invitation(config: PlatformConfig, token: str) -> None:
    """The token on its own line, then the platform's link or how to use the code."""
    print(token)
    username = config.username or await bot_username(config)
    link = config.invitation_link(username, token)
    if link:
        print(link)
    elif config.invite_link and not username:
        print(t_plain("cli.no_username"), file=sys.stderr)
    else:
        name = t_plain(f"platforms.name_{config.platform}")
        print(t_plain("platforms_cli.send_start", platform=name,
                      bot=f"@{username}" if username else t_plain("platforms.the_bot")),
              file=sys.stderr)
        print(f"/start {token}")


async def bot_username(config: PlatformConfig) -> str | None:
    """The bot's @username as its platform reports it (None when it cannot be asked)."""
    if not config.token:
        return None
    from telegram import Bot  # noqa: PLC0415 - keep the CLI light
    from telegram.error import TelegramError  # noqa: PLC0415
    from telegram.request import HTTPXRequest  # noqa: PLC0415

    from bot.clock import SystemClock  # noqa: PLC0415
    from bot.platforms.transport import layered  # noqa: PLC0415

    request = layered(config, HTTPXRequest(), updates=False, now=SystemClock().now)
    bot = Bot(config.token, base_url=config.base_url, base_file_url=config.file_url,
              request=request)
    try:
        async with asyncio.timeout(10):
            me = await bot.get_me()
    except (TelegramError, TimeoutError, OSError):
        return None
    return me.username
