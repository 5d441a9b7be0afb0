"""What the actions read of the conversation itself: its language, its channel, its latest message.

The `language` slot (Indonesian unless the session or the customer's words say English) decides
the catalogue every message comes from; the channel travels in each message's metadata.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

LANGUAGE_SLOT = "language"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
CHAT_CHANNELS = ("web", "telegram", "whatsapp", "rest")
DEFAULT_CHANNEL = "rest"


def language_of(tracker: Tracker) -> str:
    """The conversation's language slot, Indonesian by default."""
    return str(tracker.get_slot(LANGUAGE_SLOT) or DEFAULT_LANGUAGE)


def latest_user_event(tracker: Tracker) -> dict[str, Any]:
    """The last `user` event of the conversation (empty if there is none)."""
    return tracker.get_last_event_for("user") or {}


def channel_of(tracker: Tracker) -> str:
    """The channel of the latest message (`metadata.channel`), `rest` if absent or unknown."""
    metadata = latest_user_event(tracker).get("metadata") or {}
    channel = metadata.get("channel") if isinstance(metadata, dict) else None
    return channel if channel in CHAT_CHANNELS else DEFAULT_CHANNEL
