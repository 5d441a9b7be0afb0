"""The messaging platforms (Telegram, WhatsApp): opened when their secrets are set, as senders."""

from __future__ import annotations

import logging

from backend.services.unit_of_work import Sessions
from backend.settings import Settings
from bot.channel_senders import ChannelSenders
from bot.channels.relay import Clock, Kick, Takes, utc_now
from bot.channels.store import ChannelStore
from bot.channels.telegram import TelegramChannel, telegram_enabled
from bot.channels.whatsapp import WhatsAppChannel, whatsapp_enabled

log = logging.getLogger(__name__)


async def open_platform_channels(
    settings: Settings,
    intake: Takes,
    sessions: Sessions,
    *,
    receive: bool = True,
    kick: Kick | None = None,
    clock: Clock = utc_now,
) -> ChannelSenders:
    """Telegram and WhatsApp when configured; `aclose()` on the result stops them.

    Their webhooks store each message through `intake`; the fixed replies they record are
    sent by the outbox (`kick(conversation_id)` has them sent at once). With
    `receive=False` (a process that only sends) Telegram neither polls nor sets its webhook.
    """
    senders = ChannelSenders()
    store = ChannelStore(sessions)
    if telegram_enabled(settings):
        telegram = TelegramChannel(settings, intake, store, receive=receive, kick=kick, clock=clock)
        await telegram.open()
        senders.register(telegram)
        mode = settings.telegram_mode if receive else "sending only"
        log.info("telegram channel on (%s)", mode)
    if whatsapp_enabled(settings):
        senders.register(WhatsAppChannel(settings, intake, store, kick=kick, clock=clock))
        log.info("whatsapp channel on")
    return senders
