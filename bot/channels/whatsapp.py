"""The WhatsApp channel (Cloud API): the webhook's handshake and signed deliveries, and the sender.

Meta checks the webhook once with `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`,
then POSTs each event signed in `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with
the app secret). Valid deliveries are answered 200 at once: retried message ids are
dropped, status events ignored, each new message is handled in the background, in order
within its conversation. Answers go out through the Graph API; outside the 24-hour
customer-service window only an approved template may be sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, text
from sanic.response import json as json_response
from sqlalchemy.exc import SQLAlchemyError

from backend.services.ports import Answer, DeliveryFailed
from backend.settings import Settings
from bot.channels.button_payloads import ButtonPayloads
from bot.channels.conventions import EXPIRED_BUTTON_REPLY, UNSUPPORTED_REPLY
from bot.channels.ordering import ConversationLocks
from bot.channels.relay import Relay, Routes
from bot.channels.store import ChannelStore
from bot.channels.whatsapp_client import WhatsAppClient
from bot.channels.whatsapp_messages import (
    WhatsAppMessage,
    graph_messages,
    template_message,
    translate,
    user_messages,
)
from bot.masking import mask_digits

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_PAYLOAD_BYTES = 512 * 1024
SERVICE_WINDOW = timedelta(hours=24)
DRAIN_SECONDS = 10.0

whatsapp = Blueprint("whatsapp_channel", url_prefix="/webhooks")


def whatsapp_enabled(settings: Settings) -> bool:
    """On only when the verify token, app secret, access token and phone number id are all set."""
    return all(
        (
            settings.whatsapp_verify_token,
            settings.whatsapp_app_secret,
            settings.whatsapp_access_token,
            settings.whatsapp_phone_number_id,
        )
    )


def signature_matches(app_secret: str, body: bytes, header: str) -> bool:
    """Constant-time check of `sha256=<hex HMAC-SHA256 of the raw body>`."""
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


class WhatsAppChannel:
    """Takes webhook deliveries in, relays them to the bot, and sends answers back."""

    channel = "whatsapp"

    def __init__(
        self,
        settings: Settings,
        router: Routes,
        store: ChannelStore,
        client: WhatsAppClient | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.payloads = ButtonPayloads(store.recent_button_payloads)
        self._verify_token = settings.whatsapp_verify_token.encode()
        self._app_secret = settings.whatsapp_app_secret
        self._phone_number_id = settings.whatsapp_phone_number_id
        self._template = settings.whatsapp_template_name
        self._template_language = settings.whatsapp_template_language
        self._store = store
        self._clock = clock
        self._client = client or WhatsAppClient(
            settings.whatsapp_api_url,
            settings.whatsapp_phone_number_id,
            settings.whatsapp_access_token,
            timeout=min(settings.http_timeout_seconds, 10.0),
        )
        self._relay = Relay(router, self, max_chars=settings.max_message_chars)
        self._locks = ConversationLocks()
        self._tasks: set[asyncio.Task[None]] = set()

    def verify_token_matches(self, given: str) -> bool:
        """Constant-time check of the handshake's hub.verify_token."""
        return hmac.compare_digest(given.encode(), self._verify_token)

    def signature_matches(self, body: bytes, header: str) -> bool:
        """Whether Meta signed this raw body with our app secret."""
        return signature_matches(self._app_secret, body, header)

    async def take(self, payload: object) -> int:
        """Claim each new user message of a delivery and handle it in the background."""
        taken = 0
        now = self._clock()
        for message in user_messages(payload, self._phone_number_id):
            who = mask_digits(message.conversation_id)
            sent_at = min(message.sent_at or now, now)
            try:
                fresh = await self._store.claim(
                    self.channel, message.id, message.conversation_id, sent_at
                )
            except SQLAlchemyError:
                log.exception("whatsapp: message of %s not recorded", who)
                fresh = True
            if not fresh:
                log.info("whatsapp: retried delivery of a message of %s ignored", who)
                continue
            taken += 1
            task = asyncio.create_task(self._handle(message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return taken

    async def send(self, conversation_id: str, answers: Sequence[Answer]) -> None:
        """Send answers inside the 24-hour window; outside it, the configured template instead."""
        wa_id = conversation_id.removeprefix("whatsapp-")
        if not wa_id.isdigit():
            raise DeliveryFailed("not a WhatsApp conversation")
        last = await self._store.last_inbound_at(conversation_id)
        if last is None or self._clock() - last >= SERVICE_WINDOW:
            await self._send_template(conversation_id, wa_id)
            return
        for answer in answers:
            for message in graph_messages(wa_id, answer, self.payloads):
                await self._client.send(message)

    async def drain(self) -> None:
        """Wait until every message taken in so far has been handled."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def aclose(self) -> None:
        """Let running messages finish (for a while), then close the Graph API client."""
        try:
            await asyncio.wait_for(self.drain(), DRAIN_SECONDS)
        except TimeoutError:
            log.warning("whatsapp: %d messages still running at shutdown", len(self._tasks))
            for task in list(self._tasks):
                task.cancel()
        await self._client.aclose()

    async def _handle(self, message: WhatsAppMessage) -> None:
        conversation = message.conversation_id
        async with self._locks.hold(conversation):
            try:
                translated = translate(message)
                content = translated.text
                if content is not None and translated.clicked:
                    content = await self.payloads.decode(conversation, content)
                    if content is None:
                        await self._relay.reply(conversation, EXPIRED_BUTTON_REPLY)
                        return
                if content is None:
                    await self._relay.reply(conversation, UNSUPPORTED_REPLY)
                    return
                await self._relay.relay(conversation, content, translated.metadata)
            except Exception:
                log.exception("whatsapp: a message of %s failed", mask_digits(conversation))

    async def _send_template(self, conversation_id: str, wa_id: str) -> None:
        if not self._template:
            raise DeliveryFailed("outside the 24-hour window and WHATSAPP_TEMPLATE_NAME is not set")
        await self._client.send(template_message(wa_id, self._template, self._template_language))
        log.info(
            "whatsapp: %s is outside the 24-hour window; template %s sent instead",
            mask_digits(conversation_id),
            self._template,
        )


@whatsapp.get("/whatsapp")
async def verify(request: Request) -> HTTPResponse:
    """Meta's subscription handshake: echo hub.challenge when the verify token matches."""
    channel = _channel(request)
    if channel is None:
        return _error(404, "channel_off", "the WhatsApp channel is off")
    mode = request.args.get("hub.mode")
    token = request.args.get("hub.verify_token")
    challenge = request.args.get("hub.challenge")
    if mode == "subscribe" and token and challenge and channel.verify_token_matches(token):
        return text(challenge)
    return _error(403, "forbidden", "the verify token does not match")


@whatsapp.post("/whatsapp")
async def receive(request: Request) -> HTTPResponse:
    """Check the signature over the raw body, take the messages in, answer 200 at once."""
    channel = _channel(request)
    if channel is None:
        return _error(404, "channel_off", "the WhatsApp channel is off")
    if len(request.body) > MAX_PAYLOAD_BYTES:
        return _error(413, "too_large", "the delivery is too large")
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        return _error(401, "unauthorized", f"the {SIGNATURE_HEADER} header is missing")
    if not channel.signature_matches(request.body, signature):
        return _error(403, "forbidden", f"the {SIGNATURE_HEADER} signature does not match")
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "malformed_json", "the body is not valid JSON")
    try:
        await channel.take(payload)
    except Exception:
        log.exception("whatsapp: a delivery could not be taken in")
    return json_response({"ok": True})


def _channel(request: Request) -> WhatsAppChannel | None:
    senders = getattr(request.app.ctx, "senders", None)
    if senders is None or "whatsapp" not in senders:
        return None
    channel = senders.get("whatsapp")
    return channel if isinstance(channel, WhatsAppChannel) else None


def _error(status: int, error: str, detail: str) -> HTTPResponse:
    return json_response({"error": error, "detail": detail}, status=status)
