"""The WhatsApp channel (Cloud API): the webhook's handshake and signed deliveries, and the sender.

Meta checks the webhook once with `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`,
then POSTs each event signed in `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with
the app secret). Each user message of a valid delivery is stored (its message id claimed
in the same transaction, so a retried delivery is taken in once) before the 200; status
events are ignored. When storing fails the route answers 500 and Meta retries. The
bot's answers are sent later by the outbox through `WhatsAppChannel.send`, via the Graph
API; outside the 24-hour customer-service window only an approved template may be sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from datetime import timedelta

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, text
from sanic.response import json as json_response

from backend.services.ports import Answer, DeliveryFailed
from backend.settings import Settings
from bot.channels.button_payloads import ButtonPayloads
from bot.channels.conventions import EXPIRED_BUTTON_REPLY, UNSUPPORTED_REPLY
from bot.channels.relay import Clock, Kick, Relay, Takes, utc_now
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
    """Takes webhook deliveries in through the intake, and sends the outbox's answers back."""

    channel = "whatsapp"

    def __init__(
        self,
        settings: Settings,
        intake: Takes,
        store: ChannelStore,
        client: WhatsAppClient | None = None,
        *,
        kick: Kick | None = None,
        clock: Clock = utc_now,
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
        self._relay = Relay(
            intake,
            store,
            self.channel,
            max_chars=settings.max_message_chars,
            kick=kick,
            clock=clock,
        )

    def verify_token_matches(self, given: str) -> bool:
        """Constant-time check of the handshake's hub.verify_token."""
        return hmac.compare_digest(given.encode(), self._verify_token)

    def signature_matches(self, body: bytes, header: str) -> bool:
        """Whether Meta signed this raw body with our app secret."""
        return signature_matches(self._app_secret, body, header)

    async def take(self, payload: object) -> int:
        """Store each user message of a delivery, in order; how many were new.

        A failure (e.g. the database is down) is raised: the messages stored before it are
        refused as duplicates when Meta delivers the payload again, the others taken in.
        """
        taken = 0
        for message in user_messages(payload, self._phone_number_id):
            if await self._take(message):
                taken += 1
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

    async def aclose(self) -> None:
        """Close the Graph API client."""
        await self._client.aclose()

    async def _take(self, message: WhatsAppMessage) -> bool:
        conversation = message.conversation_id
        taking = {"external_id": message.id, "sent_at": message.sent_at}
        translated = translate(message)
        content = translated.text
        if content is not None and translated.clicked:
            content = await self.payloads.decode(conversation, content)
            if content is None:
                return await self._relay.reply(conversation, EXPIRED_BUTTON_REPLY, **taking)
        if content is None:
            return await self._relay.reply(conversation, UNSUPPORTED_REPLY, **taking)
        return await self._relay.relay(
            conversation, content, translated.metadata, title=translated.title, **taking
        )

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
    """Check the signature over the raw body, store the messages, then answer 200."""
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
        log.exception("whatsapp: a delivery could not be stored; Meta retries it")
        return _error(500, "not_stored", "the delivery could not be stored; retry later")
    return json_response({"ok": True})


def _channel(request: Request) -> WhatsAppChannel | None:
    senders = getattr(request.app.ctx, "senders", None)
    if senders is None or "whatsapp" not in senders:
        return None
    channel = senders.get("whatsapp")
    return channel if isinstance(channel, WhatsAppChannel) else None


def _error(status: int, error: str, detail: str) -> HTTPResponse:
    return json_response({"error": error, "detail": detail}, status=status)
