"""The channels wired to the durable path: the intake, the senders, the web channel.

The app factory and the worker process both open them here, so a worker sends exactly
what the app would (a worker takes no webhooks: `receive=False`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from backend.pipeline import Pipeline
from backend.services.unit_of_work import Sessions
from backend.settings import Settings
from backend.storage import DocumentStore
from bot.channel_senders import ChannelSenders
from bot.channels.platforms import open_platform_channels
from bot.channels.web_channel import WebChannel
from bot.intake import Intake


@dataclass
class Gateway:
    """What the channels need and give: the intake (in) and the senders (out)."""

    intake: Intake
    senders: ChannelSenders
    web: WebChannel


async def open_gateway(
    settings: Settings,
    sessions: Sessions,
    documents: DocumentStore,
    pipeline: Pipeline,
    clock: Callable[[], datetime],
    *,
    receive: bool = True,
) -> Gateway:
    """Open the channels on an opened pipeline; `senders.aclose()` closes them."""
    intake = Intake(
        sessions, pipeline.queue, pipeline.bus, clock, wait_seconds=settings.rest_wait_seconds
    )
    def kick(conversation_id: str) -> None:
        """Send a fixed reply at once (the dispatcher starts after the channels)."""
        if pipeline.dispatcher is not None:
            pipeline.dispatcher.kick(conversation_id)

    senders = await open_platform_channels(
        settings, intake, sessions, receive=receive, kick=kick, clock=clock
    )
    web = WebChannel(settings, intake, sessions, documents, clock, pipeline.bus)
    senders.register(web)
    return Gateway(intake, senders, web)
