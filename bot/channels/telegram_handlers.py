"""One small handler per Telegram input; each translates it and relays it to the bot.

    /start                 → /greet
    /status <number>       → /check_status{"register_number": "<number>"}
    text                   → the text
    button click           → the button's payload
    photo / document       → /send_document, the file's metadata as `attachment`
    sticker, location, …   → a polite reply, nothing stored

Each goes through the Relay to the Router (transcript, handoff, Rasa); the answers go
back with sendMessage. Only private chats are served: complaints carry personal data.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.button_payloads import ButtonPayloads
from bot.channels.conventions import (
    DOCUMENT_MESSAGE,
    EXPIRED_BUTTON_REPLY,
    START_MESSAGE,
    UNSUPPORTED_REPLY,
    status_message,
)
from bot.channels.relay import Relay
from bot.masking import mask_digits

log = logging.getLogger(__name__)

PRIVATE_MESSAGES = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
Context = ContextTypes.DEFAULT_TYPE


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Give every private-chat input its handler; anything unknown gets the polite reply."""
    application.add_handlers(
        [
            CommandHandler("start", start, filters=PRIVATE_MESSAGES),
            CommandHandler("status", status, filters=PRIVATE_MESSAGES),
            MessageHandler(PRIVATE_MESSAGES & filters.TEXT & ~filters.COMMAND, text),
            CallbackQueryHandler(button),
            MessageHandler(PRIVATE_MESSAGES & (filters.PHOTO | filters.Document.ALL), document),
            MessageHandler(PRIVATE_MESSAGES, unsupported),
        ]
    )
    application.add_error_handler(on_error)


def conversation_id(chat_id: int) -> str:
    """The gateway's conversation id of a Telegram chat."""
    return f"telegram-{chat_id}"


async def start(update: Update, context: Context) -> None:
    """/start: the bot greets the user and offers its menu."""
    await _relay(update, context).relay(_conversation(update), START_MESSAGE, _metadata(update))


async def status(update: Update, context: Context) -> None:
    """/status <register number>: the bot looks the complaint up (or asks for the number)."""
    number = context.args[0] if context.args else None
    message = status_message(number)
    await _relay(update, context).relay(_conversation(update), message, _metadata(update))


async def text(update: Update, context: Context) -> None:
    """A typed message: to the bot as it is."""
    assert update.message is not None  # noqa: S101 -- narrows a type the filter guarantees
    message = update.message.text or ""
    await _relay(update, context).relay(_conversation(update), message, _metadata(update))


async def button(update: Update, context: Context) -> None:
    """A click on an inline-keyboard button: its payload goes to the bot as the message."""
    query = update.callback_query
    assert query is not None  # noqa: S101 -- narrows a type the filter guarantees
    try:
        await query.answer()
    except TelegramError as exc:  # e.g. "query is too old": the click itself still counts
        log.info("telegram: a button click was not acknowledged (%s)", type(exc).__name__)
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        return
    conversation = conversation_id(chat.id if chat else query.from_user.id)
    payloads: ButtonPayloads = context.bot_data["payloads"]
    payload = await payloads.decode(conversation, query.data or "")
    relay = _relay(update, context)
    if payload is None:
        await relay.reply(conversation, EXPIRED_BUTTON_REPLY)
        return
    await relay.relay(conversation, payload, _metadata(update))


async def document(update: Update, context: Context) -> None:
    """A photo or a file: a supporting document in the transcript, announced to the bot."""
    assert update.message is not None  # noqa: S101 -- narrows a type the filter guarantees
    metadata = {**_metadata(update), "attachment": attachment(update.message)}
    await _relay(update, context).relay(_conversation(update), DOCUMENT_MESSAGE, metadata)


async def unsupported(update: Update, context: Context) -> None:
    """Stickers, locations, voice notes, unknown commands: a polite reply, nothing stored."""
    await _relay(update, context).reply(_conversation(update), UNSUPPORTED_REPLY)


async def on_error(update: object, context: Context) -> None:
    """Log a handler's failure with the chat masked, never the message itself."""
    chat = update.effective_chat if isinstance(update, Update) else None
    where = mask_digits(conversation_id(chat.id)) if chat else "an update"
    log.error("telegram: handling %s failed", where, exc_info=context.error)


def attachment(message: Message) -> dict[str, Any]:
    """The supporting document's metadata: Telegram file id, type, size (the file stays there)."""
    if message.photo:
        largest = message.photo[-1]
        found: dict[str, Any] = {
            "kind": "photo",
            "file_id": largest.file_id,
            "file_unique_id": largest.file_unique_id,
            "mime_type": "image/jpeg",
            "file_size": largest.file_size,
        }
    else:
        assert message.document is not None  # noqa: S101 -- narrows a type the filter guarantees
        found = {
            "kind": "document",
            "file_id": message.document.file_id,
            "file_unique_id": message.document.file_unique_id,
            "file_name": message.document.file_name,
            "mime_type": message.document.mime_type,
            "file_size": message.document.file_size,
        }
    found["caption"] = message.caption
    return {key: value for key, value in found.items() if value is not None}


def _relay(update: Update, context: Context) -> Relay:
    relay: Relay = context.bot_data["relay"]
    return relay


def _conversation(update: Update) -> str:
    assert update.effective_chat is not None  # noqa: S101 -- narrows a type the filter guarantees
    return conversation_id(update.effective_chat.id)


def _metadata(update: Update) -> dict[str, Any]:
    user = update.effective_user
    return {"language": user.language_code} if user and user.language_code else {}
