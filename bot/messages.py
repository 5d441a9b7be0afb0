"""Channel-neutral messages: what the gateway receives from any channel."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.:@+-]{1,128}$")


class InvalidMessage(ValueError):
    """An inbound message the gateway refuses; `field` names the culprit."""

    def __init__(self, field: str, detail: str, *, too_large: bool = False) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail
        self.too_large = too_large


@dataclass(frozen=True)
class Inbound:
    """One user message, already translated from its channel's shape."""

    conversation_id: str
    channel: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def checked(
        cls,
        conversation_id: object,
        channel: str,
        text: object,
        metadata: object = None,
        *,
        max_chars: int,
    ) -> Inbound:
        """Build an inbound message, refusing what no channel may send."""
        if not isinstance(conversation_id, str) or not CONVERSATION_ID.match(conversation_id):
            raise InvalidMessage("sender", "must be 1-128 letters, digits or _.:@+-")
        if not isinstance(text, str) or not text.strip():
            raise InvalidMessage("message", "must be a non-empty string")
        if len(text) > max_chars:
            raise InvalidMessage(
                "message", f"is longer than {max_chars} characters", too_large=True
            )
        if metadata is None:
            metadata = {}
        if not isinstance(metadata, dict):
            raise InvalidMessage("metadata", "must be an object")
        return cls(conversation_id, channel, text.strip(), dict(metadata))
