"""One small handler per Telegram input; each translates it and relays it to the intake.

    /start                 → /greet
    /status <number>       → /check_status{"register_number": "<number>"}
    text                   → the text
    button click           → the button's payload
    photo / document       → /send_document, the file's metadata as `attachment`
    sticker, location, …   → a fixed polite reply (recorded, sent by the outbox)

Each message is stored with the update's id as its external id (a retried update is
taken in once); the bot's answers go out later through the outbox. A handler's failure
is reported to the webhook (`failures_reported`), which then answers an error so that
Telegram retries. Only private chats are served: complaints carry personal data.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from telegram import CallbackQuery, Message, Update
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
ACKNOWLEDGE_SECONDS = 5.0
Context = ContextTypes.DEFAULT_TYPE

# The failures of the handlers of the update the webhook is processing (None elsewhere,
# e.g. in polling mode): PTB hands a handler's exception to the error handler only.
_failures: ContextVar[list[BaseException] | None] = ContextVar("telegram_failures", default=None)


@contextmanager
def failures_reported() -> Iterator[list[BaseException]]:
    """Collect the handler failures of the updates processed inside the block."""
    failures: list[BaseException] = []
    token = _failures.set(failures)
    try:
        yield failures
    finally:
        _failures.reset(token)


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
    await _relay_message(update, context, START_MESSAGE)


async def status(update: Update, context: Context) -> None:
    """/status <register number>: the bot looks the complaint up (or asks for the number)."""
    number = context.args[0] if context.args else None
    await _relay_message(update, context, status_message(number))


async def text(update: Update, context: Context) -> None:
    """A typed message: to the bot as it is."""
    assert update.message is not None  # noqa: S101 -- narrows a type the filter guarantees
    await _relay_message(update, context, update.message.text or "")


async def button(update: Update, context: Context) -> None:
    """A click on an inline-keyboard button: its payload goes to the bot as the message.

    The click is acknowledged (the spinner stopped) in the background, so that the
    webhook's answer does not wait for Telegram.
    """
    query = update.callback_query
    assert query is not None  # noqa: S101 -- narrows a type the filter guarantees
    context.application.create_task(acknowledge(query), name="telegram:acknowledge")
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        return
    conversation = conversation_id(chat.id if chat else query.from_user.id)
    payloads: ButtonPayloads = context.bot_data["payloads"]
    payload = await payloads.decode(conversation, query.data or "")
    relay = _relay(context)
    if payload is None:
        await relay.reply(conversation, EXPIRED_BUTTON_REPLY, external_id=_external_id(update))
        return
    await relay.relay(
        conversation,
        payload,
        _metadata(update),
        external_id=_external_id(update),
        title=clicked_title(query),
    )


def clicked_title(query: CallbackQuery) -> str | None:
    """The text of the inline-keyboard button whose callback data the click carries."""
    message = query.message
    markup = getattr(message, "reply_markup", None) if message is not None else None
    for row in getattr(markup, "inline_keyboard", None) or ():
        for key in row:
            if key.callback_data == query.data and key.text:
                return str(key.text)
    return None


async def acknowledge(query: CallbackQuery) -> None:
    """answerCallbackQuery, briefly; a refusal (e.g. "query is too old") is only logged."""
    try:
        await asyncio.wait_for(query.answer(), ACKNOWLEDGE_SECONDS)
    except (TelegramError, TimeoutError) as exc:  # the click itself still counts
        log.info("telegram: a button click was not acknowledged (%s)", type(exc).__name__)


async def document(update: Update, context: Context) -> None:
    """A photo or a file: a supporting document in the transcript, announced to the bot."""
    assert update.message is not None  # noqa: S101 -- narrows a type the filter guarantees
    metadata = {**_metadata(update), "attachment": attachment(update.message)}
    await _relay_message(update, context, DOCUMENT_MESSAGE, metadata)


async def unsupported(update: Update, context: Context) -> None:
    """Stickers, locations, voice notes, unknown commands: the polite reply, the bot not asked."""
    await _relay(context).reply(
        _conversation(update),
        UNSUPPORTED_REPLY,
        external_id=_external_id(update),
        sent_at=_sent_at(update),
    )


async def on_error(update: object, context: Context) -> None:
    """Report a handler's failure to the webhook; log it with the chat masked, never the text."""
    failures = _failures.get()
    if failures is not None and context.error is not None:
        failures.append(context.error)
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


async def _relay_message(
    update: Update, context: Context, message: str, metadata: dict[str, Any] | None = None
) -> None:
    await _relay(context).relay(
        _conversation(update),
        message,
        _metadata(update) if metadata is None else metadata,
        external_id=_external_id(update),
        sent_at=_sent_at(update),
    )


def _relay(context: Context) -> Relay:
    relay: Relay = context.bot_data["relay"]
    return relay


def _conversation(update: Update) -> str:
    assert update.effective_chat is not None  # noqa: S101 -- narrows a type the filter guarantees
    return conversation_id(update.effective_chat.id)


def _external_id(update: Update) -> str:
    """The update's id: Telegram sends a retried update with the same one."""
    return str(update.update_id)


def _sent_at(update: Update) -> datetime | None:
    return update.message.date if update.message is not None else None


def _metadata(update: Update) -> dict[str, Any]:
    user = update.effective_user
    return {"language": user.language_code} if user and user.language_code else {}
