"""The tests' transport and a chat simulator.

FakeBotAPI (bot/sandbox/fake_api.py, shared with the sandbox) replaces python-telegram-bot's
network layer, so the real Application, handlers and database run end to end; it records
every call, answers like Telegram, and takes injected faults. FakeBaleAPI is its Bale mode
(bot/sandbox/fake_bale.py): errors with HTTP 200, stub answers to edits, no parse_mode.
ChatSim builds real JSON updates for one person (Bale-shaped on Bale) and hands them to the
bot the way the network would: through getUpdates and the platform's request layers, then
app.process_update.
"""

from __future__ import annotations

import itertools
from typing import Any

from telegram.ext import Application

from bot.sandbox import fake_api, fake_bale
from bot.workers import jobs
from bot.sandbox.fake_api import QUERY_ANSWERED, Call, Fault  # noqa: F401 - used by tests

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Nazer", "username": "nazer_test_bot"}
BALE_BOT_USER = {"id": 1470000111, "is_bot": True, "first_name": "Nazer",
                 "username": "nazer_test_bale_bot"}


class FakeBotAPI(fake_api.FakeBotAPI):
    """The package's fake Bot API as the tests' transport (their bot user, ids from 5000)."""

    platform = "telegram"

    def __init__(self) -> None:
        super().__init__(bot_user=BOT_USER, first_message_id=5000)


class FakeBaleAPI(fake_bale.FakeBaleAPI):
    """The Bale mode of the tests' transport (their Bale bot user, ids from 5000)."""

    def __init__(self) -> None:
        super().__init__(bot_user=BALE_BOT_USER, first_message_id=5000)


def fake_api_for(platform: str) -> fake_api.FakeBotAPI:
    """The tests' fake Bot API of a platform."""
    return FakeBaleAPI() if platform == "bale" else FakeBotAPI()


def _buttons(markup: dict[str, Any] | None) -> list[tuple[str, str]]:
    if not markup:
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    out = []
    for row in rows:
        for button in row:
            if isinstance(button, dict):
                out.append((button.get("text", ""), button.get("callback_data", "")))
            else:
                out.append((str(button), ""))
    return out


class ChatSim:
    """One person in a private chat with the bot (aiogram_dialog's BotClient, for PTB)."""

    _update_ids = itertools.count(1)
    _message_ids = itertools.count(1)

    def __init__(
        self, app: Application, api: FakeBotAPI, user_id: int, first_name: str = "Test",
        chat_type: str = "private", chat_id: int | None = None,
    ) -> None:
        self.app = app
        self.api = api
        self.platform = getattr(api, "platform", "telegram")
        self.user_id = user_id
        self.first_name = first_name
        self.chat_type = chat_type
        self.chat_id = chat_id if chat_id is not None else user_id
        self._seen = len(api.calls)

    # Building updates -----------------------------------------------------------------------
    def _user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": self.first_name,
                "language_code": "fa"}

    def _chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.chat_id, "type": self.chat_type}
        if self.chat_type == "private":
            chat["first_name"] = self.first_name
        else:
            chat["title"] = "group"
        return chat

    def _date(self) -> int:
        return int(self.app.bot_data["clock"].now().timestamp())

    def message(self, **content: Any) -> dict[str, Any]:
        """A message dict from this person with the given content fields."""
        return {"message_id": next(self._message_ids), "date": self._date(),
                "chat": self._chat(), "from": self._user(), **content}

    async def feed(self, update: dict[str, Any], *, settle: bool = True) -> list[Call]:
        """Processes one raw update the way the network delivers it (getUpdates through the
        platform's request layers); returns the calls the bot made in response. With settle
        (as a person who waits for the answer), what the update started in the background (a
        record, a chart, an export: bot/workers.py) is waited for too."""
        self._seen = len(self.api.calls)
        update = {"update_id": next(self._update_ids), **update}
        if self.platform == "bale":
            update = fake_bale.bale_update(update)
            message = update.get("message") or {}
            self.api.typed(message.get("text") or message.get("caption"))  # type: ignore[attr-defined]
        running = jobs(self.app.bot_data).tasks()
        await fake_api.through_api(self.app, self.api, update)
        if settle:  # what this update started, not what others are waiting for
            await jobs(self.app.bot_data).idle(ignore=running)
        return self.api.calls[self._seen :]

    async def send(self, text: str, *, settle: bool = True) -> list[Call]:
        """Types and sends text (a /command gets its bot_command entity)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return await self.feed({"message": self.message(**content)}, settle=settle)

    async def send_contact(self, phone: str, user_id: int | None = None) -> list[Call]:
        """Shares a contact card (by default the person's own)."""
        contact = {"phone_number": phone, "first_name": self.first_name,
                   "user_id": self.user_id if user_id is None else user_id}
        return await self.feed({"message": self.message(contact=contact)})

    async def send_photo(self, file_id: str, data: bytes = b"\xff\xd8photo", size: int | None = None,
                         caption: str | None = None, media_group_id: str | None = None) -> list[Call]:
        """Sends a photo whose bytes the fake API will serve for download."""
        self.api.add_file(data, file_id)
        photo = [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1280,
                  "height": 960, "file_size": size if size is not None else len(data)}]
        content: dict[str, Any] = {"photo": photo}
        if caption:
            content["caption"] = caption
        if media_group_id:
            content["media_group_id"] = media_group_id
        return await self.feed({"message": self.message(**content)})

    async def send_document(self, file_id: str, file_name: str, mime_type: str,
                            data: bytes = b"%PDF-1.4", size: int | None = None) -> list[Call]:
        """Sends a file as a document."""
        self.api.add_file(data, file_id)
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
                    "mime_type": mime_type, "file_size": size if size is not None else len(data)}
        return await self.feed({"message": self.message(document=document)})

    async def send_location(self, latitude: float, longitude: float, *, forwarded: bool = False,
                            age_seconds: int = 0) -> list[Call]:
        """Sends a location, optionally forwarded or sent some seconds ago."""
        message = self.message(location={"latitude": latitude, "longitude": longitude})
        message["date"] -= age_seconds
        if forwarded:
            message["forward_origin"] = {"type": "user", "date": message["date"] - 3600,
                                         "sender_user": {"id": 42, "is_bot": False, "first_name": "X"}}
        return await self.feed({"message": message})

    async def share_live_location(self, latitude: float, longitude: float,
                                  period: int = 900) -> int:
        """Shares a live location (Telegram's «share live location»); returns its message id,
        which its updates (move_live_location) edit."""
        message = self.message(location={"latitude": latitude, "longitude": longitude,
                                         "live_period": period})
        await self.feed({"message": message})
        return message["message_id"]

    async def move_live_location(self, message_id: int, latitude: float, longitude: float,
                                 period: int = 900) -> list[Call]:
        """An update of a live location: Telegram edits its message with the new position."""
        message = self.message(location={"latitude": latitude, "longitude": longitude,
                                         "live_period": period})
        message["message_id"] = message_id
        message["edit_date"] = message["date"]
        message["date"] -= 60  # the message itself is older than its edit
        return await self.feed({"edited_message": message})

    async def send_voice(self, file_id: str, duration: int = 5) -> list[Call]:
        """Sends a voice note."""
        self.api.add_file(b"OggS", file_id)
        voice = {"file_id": file_id, "file_unique_id": f"u{file_id}", "duration": duration,
                 "mime_type": "audio/ogg", "file_size": 4}
        return await self.feed({"message": self.message(voice=voice)})

    async def send_sticker(self) -> list[Call]:
        """Sends a sticker (something no flow expects)."""
        sticker = {"file_id": "stk", "file_unique_id": "ustk", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False, "type": "regular"}
        return await self.feed({"message": self.message(sticker=sticker)})

    async def click(self, data: str, message_id: int | None = None, *,
                    settle: bool = True) -> list[Call]:
        """Presses an inline button with this callback_data (forged data is allowed)."""
        message = {"message_id": message_id or self.last_bot_message_id(), "date": self._date(),
                   "chat": self._chat(), "from": BOT_USER, "text": "..."}
        query = {"id": str(next(self._update_ids)), "from": self._user(),
                 "chat_instance": str(self.chat_id), "data": data, "message": message}
        return await self.feed({"callback_query": query}, settle=settle)

    async def press(self, label: str) -> list[Call]:
        """Presses the inline button with this label on the latest keyboard."""
        for text, data in self.buttons():
            if text == label:
                return await self.click(data)
        raise AssertionError(f"no button {label!r} in {self.buttons()}")

    # Reading replies ------------------------------------------------------------------------
    def calls(self) -> list[Call]:
        """Everything the bot sent or edited in this chat, oldest first."""
        return self.api.to(self.chat_id)

    def texts(self) -> list[str]:
        """Texts (and captions) of everything shown in this chat."""
        return [c.text for c in self.calls() if c.text]

    def last_text(self) -> str:
        texts = self.texts()
        return texts[-1] if texts else ""

    def last_markup(self) -> dict[str, Any] | None:
        for call in reversed(self.calls()):
            if call.params.get("reply_markup"):
                return call.params["reply_markup"]
        return None

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the latest inline keyboard in this chat."""
        for call in reversed(self.calls()):
            markup = call.params.get("reply_markup")
            if markup and "inline_keyboard" in markup:
                return _buttons(markup)
        return []

    def keyboard(self) -> list[str]:
        """Labels of the latest reply keyboard (the menu) in this chat."""
        for call in reversed(self.calls()):
            markup = call.params.get("reply_markup")
            if markup and "keyboard" in markup:
                return [label for label, _ in _buttons(markup)]
        return []

    def last_bot_message_id(self) -> int:
        return 1


def texts_of(calls: list[Call]) -> list[str]:
    """Texts of a list of calls."""
    return [c.text for c in calls if c.text]
