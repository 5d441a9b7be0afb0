"""Conversation ids: each messaging channel's namespace, and the rule that a chat keeps its channel.

The server builds the ids of its own channels (`web-<random>`, `telegram-<chat id>`,
`whatsapp-<phone>`); REST callers choose theirs, so they may only choose outside those
namespaces. A conversation's channel is fixed when it is opened and no other channel may
address it: otherwise a REST caller could write into, read from or take over a WhatsApp
customer's chat.
"""

from __future__ import annotations

from types import MappingProxyType

# The channel whose server-built ids start with each prefix.
NAMESPACES = MappingProxyType({"web-": "web", "telegram-": "telegram", "whatsapp-": "whatsapp"})


class ChannelMismatch(PermissionError):
    """The conversation belongs to another channel; this channel may not address it."""

    def __init__(self, conversation_id: str, channel: str, owner: str) -> None:
        super().__init__(f"the conversation belongs to the {owner} channel, not to {channel}")
        self.conversation_id = conversation_id
        self.channel = channel
        self.owner = owner


def namespace_owner(conversation_id: str) -> str | None:
    """The channel whose namespace holds this id (prefix compared case-insensitively), or None."""
    folded = conversation_id.casefold()
    for prefix, channel in NAMESPACES.items():
        if folded.startswith(prefix):
            return channel
    return None


def check_channel(conversation_id: str, channel: str, stored_channel: str | None = None) -> None:
    """Raise ChannelMismatch unless `channel` may address this conversation.

    `stored_channel` is the channel the conversation was opened with (None: not opened yet).
    """
    owner = namespace_owner(conversation_id)
    if owner is not None and owner != channel:
        raise ChannelMismatch(conversation_id, channel, owner)
    if stored_channel is not None and stored_channel != channel:
        raise ChannelMismatch(conversation_id, channel, stored_channel)
