"""The messaging platforms (Telegram, WhatsApp): opened when their secrets are set, as senders."""

from __future__ import annotations

import logging

from backend.services.unit_of_work import Sessions
from backend.settings import Settings
from bot.channel_senders import ChannelSenders
from bot.channels.relay import Routes
from bot.channels.store import ChannelStore
from bot.channels.telegram import TelegramChannel, telegram_enabled
from bot.channels.whatsapp import WhatsAppChannel, whatsapp_enabled

log = logging.getLogger(__name__)


async def open_platform_channels(
    settings: Settings, router: Routes, sessions: Sessions
) -> ChannelSenders:
    """Telegram and WhatsApp when configured; `aclose()` on the result stops them."""
    senders = ChannelSenders()
    store = ChannelStore(sessions)
    if telegram_enabled(settings):
        telegram = TelegramChannel(settings, router, store)
        await telegram.open()
        senders.register(telegram)
        log.info("telegram channel on (%s)", settings.telegram_mode)
    if whatsapp_enabled(settings):
        senders.register(WhatsAppChannel(settings, router, store))
        log.info("whatsapp channel on")
    return senders
