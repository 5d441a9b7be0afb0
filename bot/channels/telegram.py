"""The Telegram channel: python-telegram-bot inside the app, fed by the webhook or long polling.

Webhook mode (default): Telegram POSTs each update to `/webhooks/telegram` with the
secret given to setWebhook in `X-Telegram-Bot-Api-Secret-Token`; the route checks it and
runs PTB's handlers on the update within the request (PTB runs without its own web
server: `updater(None)`), so the message is stored (its update id claimed in the same
transaction) before the 200. When storing fails the route answers 500 and Telegram
retries the update. Polling mode (`TELEGRAM_MODE=polling`) fetches updates with
getUpdates instead, for local use without a public URL; the webhook then answers 404.

The bot's answers are sent by the outbox through `TelegramChannel.send`; a process that
only sends (`receive=False`) initialises the Bot API client and nothing else.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Sequence
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, BaseUpdateProcessor
from telegram.request import BaseRequest

from backend.services.ports import Answer, DeliveryFailed
from backend.settings import Settings
from bot.channel_senders import split_text
from bot.channels.button_payloads import ButtonPayloads
from bot.channels.conventions import CHOOSE_PROMPT
from bot.channels.ordering import ConversationLocks
from bot.channels.relay import Clock, Kick, Relay, Takes, utc_now
from bot.channels.store import ChannelStore
from bot.channels.telegram_handlers import failures_reported, register_handlers

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 -- a header name
ALLOWED_UPDATES = ["message", "callback_query"]
MAX_UPDATE_BYTES = 256 * 1024
CALLBACK_DATA_BYTES = 64
MAX_TEXT_CHARS = 4096
ONE_ROW_MAX_BUTTONS = 5
ONE_ROW_MAX_TITLE_CHARS = 8
FIRST_RETRY_SECONDS = 5.0
LAST_RETRY_SECONDS = 300.0

telegram = Blueprint("telegram_channel", url_prefix="/webhooks")


def telegram_enabled(settings: Settings) -> bool:
    """On with a bot token, plus the webhook secret unless it polls."""
    if not settings.telegram_bot_token:
        return False
    return settings.telegram_mode == "polling" or bool(settings.telegram_webhook_secret)


class ConversationOrderedProcessor(BaseUpdateProcessor):
    """Handles updates of different chats at once, those of one chat in order."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks = ConversationLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers after those of the chat's earlier updates."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self._locks.hold(chat.id):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""


class UpdateNotTaken(RuntimeError):
    """The update's handlers failed: it was not stored, and Telegram is to retry it."""


class TelegramChannel:
    """The bot: PTB application and handlers, the webhook's intake, and the channel's sender."""

    channel = "telegram"

    def __init__(
        self,
        settings: Settings,
        intake: Takes,
        store: ChannelStore,
        *,
        receive: bool = True,
        kick: Kick | None = None,
        clock: Clock = utc_now,
        request: BaseRequest | None = None,
    ) -> None:
        self.receiving = receive
        self.polling = receive and settings.telegram_mode == "polling"
        self.ready = False
        self.payloads = ButtonPayloads(store.recent_button_payloads)
        self._secret = settings.telegram_webhook_secret.encode()
        self._webhook_url = settings.telegram_webhook_url
        self._starter: asyncio.Task[None] | None = None
        builder = (
            Application.builder()
            .token(settings.telegram_bot_token)
            .base_url(settings.telegram_api_url)
            .concurrent_updates(ConversationOrderedProcessor())
        )
        if request is not None:
            builder = builder.request(request)
        if not self.polling:
            builder = builder.updater(None)
        self.application = builder.build()
        relay = Relay(
            intake,
            store,
            self.channel,
            max_chars=settings.max_message_chars,
            kick=kick,
            clock=clock,
        )
        self.application.bot_data.update(relay=relay, payloads=self.payloads)
        register_handlers(self.application)

    async def open(self) -> None:
        """Start now if Telegram answers; otherwise keep trying in the background."""
        try:
            await self._start()
        except TelegramError as exc:
            log.warning("telegram: not started (%s), retrying", exc.__class__.__name__)
            self._starter = asyncio.create_task(self._keep_starting())

    async def aclose(self) -> None:
        """Stop polling and the handlers, then close the Bot API connections."""
        if self._starter is not None:
            self._starter.cancel()
            await asyncio.gather(self._starter, return_exceptions=True)
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        self.ready = False

    def secret_matches(self, given: str) -> bool:
        """Constant-time check of the webhook's secret header."""
        return hmac.compare_digest(given.encode(), self._secret)

    def parse(self, data: dict[str, Any]) -> Update:
        """The webhook's body as an update; KeyError, TypeError or ValueError when it is none."""
        update = Update.de_json(data, self.application.bot)
        if not isinstance(update.update_id, int):
            raise TypeError("update_id")
        return update

    async def receive(self, update: Update) -> None:
        """Run the handlers on one webhook update now: its message is stored when this returns.

        The chat's earlier updates are handled first. UpdateNotTaken when a handler failed
        (e.g. the database is down); nothing of the update was claimed then.
        """
        application = self.application
        with failures_reported() as failures:
            await application.update_processor.process_update(
                update, application.process_update(update)
            )
        if failures:
            raise UpdateNotTaken(type(failures[0]).__name__) from failures[0]

    async def send(self, conversation_id: str, answers: Sequence[Answer]) -> None:
        """Send answers to the chat: texts with inline keyboards, images as photos."""
        if not self.ready:
            raise DeliveryFailed("the Telegram channel is not started")
        chat_id = chat_id_of(conversation_id)
        bot = self.application.bot
        try:
            for answer in answers:
                for text, keyboard in text_messages(answer, self.payloads):
                    await bot.send_message(chat_id, text, reply_markup=keyboard)
                if isinstance(image := answer.get("image"), str) and image:
                    await bot.send_photo(chat_id, image)
        except TelegramError as exc:
            # Forbidden: the user blocked the bot; BadRequest: the chat or the message is
            # wrong. Neither passes on a later try; a network error or RetryAfter may.
            raise DeliveryFailed(
                f"Telegram refused the message: {exc.__class__.__name__}",
                permanent=isinstance(exc, Forbidden | BadRequest),
            ) from exc

    async def _start(self) -> None:
        await self.application.initialize()
        if not self.receiving:  # a sender only: no polling, no webhook, no handlers running
            self.ready = True
            return
        if self.application.updater is not None:
            await self.application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        elif self._webhook_url:
            await self.application.bot.set_webhook(
                self._webhook_url,
                secret_token=self._secret.decode(),
                allowed_updates=ALLOWED_UPDATES,
            )
        await self.application.start()
        self.ready = True

    async def _keep_starting(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while not self.ready:
            await asyncio.sleep(delay)
            try:
                await self._start()
            except TelegramError as exc:
                log.warning("telegram: still not started (%s)", exc.__class__.__name__)
                delay = min(delay * 2, LAST_RETRY_SECONDS)


def chat_id_of(conversation_id: str) -> int:
    """The Telegram chat of a `telegram-<chat id>` conversation."""
    try:
        return int(conversation_id.removeprefix("telegram-"))
    except ValueError:
        raise DeliveryFailed("not a Telegram conversation") from None


def text_messages(
    answer: Answer, payloads: ButtonPayloads
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """An answer's sendMessage calls: its text in pieces, the keyboard under the last one."""
    buttons = [b for b in answer.get("buttons") or [] if isinstance(b, dict) and b.get("title")]
    text = answer.get("text") or ""
    if not text and not buttons:
        return []
    pieces = split_text(text or CHOOSE_PROMPT, MAX_TEXT_CHARS)
    keyboard = inline_keyboard(buttons, payloads) if buttons else None
    return [(piece, None) for piece in pieces[:-1]] + [(pieces[-1], keyboard)]


def inline_keyboard(
    buttons: Sequence[dict[str, Any]], payloads: ButtonPayloads
) -> InlineKeyboardMarkup:
    """Rasa buttons as an inline keyboard: short choices on one row, others one per row."""
    keys = [
        InlineKeyboardButton(
            str(button["title"]),
            callback_data=payloads.encode(
                str(button.get("payload") or button["title"]), CALLBACK_DATA_BYTES
            ),
        )
        for button in buttons
    ]
    if len(keys) <= ONE_ROW_MAX_BUTTONS and all(
        len(key.text) <= ONE_ROW_MAX_TITLE_CHARS for key in keys
    ):
        return InlineKeyboardMarkup([keys])
    return InlineKeyboardMarkup([[key] for key in keys])


@telegram.post("/telegram")
async def receive(request: Request) -> HTTPResponse:
    """Check the secret header, store the update's message, then answer 200; replies go later."""
    channel = _webhook_channel(request)
    if channel is None:
        return _error(404, "channel_off", "the Telegram channel is off")
    given = request.headers.get(SECRET_HEADER)
    if not given:
        return _error(401, "unauthorized", f"the {SECRET_HEADER} header is missing")
    if not channel.secret_matches(given):
        return _error(403, "forbidden", f"the {SECRET_HEADER} header is wrong")
    if len(request.body) > MAX_UPDATE_BYTES:
        return _error(413, "too_large", "the update is too large")
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "malformed_json", "the body is not valid JSON")
    if not isinstance(data, dict):
        return _error(400, "invalid_update", "the body must be a JSON object")
    if not channel.ready:
        return _error(503, "starting", "the Telegram channel is starting; retry later")
    try:
        update = channel.parse(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return _error(400, "invalid_update", "the body is not a Telegram update")
    try:
        await channel.receive(update)
    except UpdateNotTaken:
        return _error(500, "not_stored", "the update could not be stored; retry later")
    return json_response({"ok": True})


def _webhook_channel(request: Request) -> TelegramChannel | None:
    senders = getattr(request.app.ctx, "senders", None)
    if senders is None or "telegram" not in senders:
        return None
    channel = senders.get("telegram")
    if not isinstance(channel, TelegramChannel) or channel.polling or not channel.receiving:
        return None
    return channel


def _error(status: int, error: str, detail: str) -> HTTPResponse:
    return json_response({"error": error, "detail": detail}, status=status)
