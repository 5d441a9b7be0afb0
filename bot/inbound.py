"""Channel-neutral inbound messages: what the gateway receives from any channel, checked."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.:@+-]{1,128}$")
# C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings, overrides and
# isolates that make text display in another order than it is stored.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What the channels legitimately send along (the widget's and Telegram's language, the
# platforms' file details); anything else could pose as the bot's or an agent's fields.
METADATA_TYPES: dict[str, type] = {"language": str, "attachment": dict}
MAX_METADATA_CHARS = 2048
MAX_TITLE_CHARS = 200


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
    # The title of the button the platform says was clicked (Telegram, WhatsApp), if any.
    title: str | None = None

    @classmethod
    def checked(
        cls,
        conversation_id: object,
        channel: str,
        text: object,
        metadata: object = None,
        *,
        max_chars: int,
        title: str | None = None,
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
        text = text.replace("\r\n", "\n")
        if CONTROL_CHARACTERS.search(text):
            raise InvalidMessage("message", "must not contain control or bidi override characters")
        shown = title.strip()[:MAX_TITLE_CHARS] if isinstance(title, str) else None
        if shown and CONTROL_CHARACTERS.search(shown):
            shown = None
        checked = checked_metadata(metadata)
        return cls(conversation_id, channel, text.strip(), checked, shown or None)


def checked_metadata(metadata: object) -> dict[str, Any]:
    """The metadata as sent when it is a small object of known keys; InvalidMessage otherwise."""
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise InvalidMessage("metadata", "must be an object")
    for key, value in metadata.items():
        expected = METADATA_TYPES.get(key)
        if expected is None:
            allowed = ", ".join(METADATA_TYPES)
            raise InvalidMessage("metadata", f"may only have the keys {allowed}; not {key!r}")
        if not isinstance(value, expected):
            raise InvalidMessage("metadata", f"{key} must be a {expected.__name__}")
    try:
        size = len(json.dumps(metadata, ensure_ascii=False, separators=(",", ":")))
    except (TypeError, ValueError, RecursionError):
        raise InvalidMessage("metadata", "must be plain JSON") from None
    if size > MAX_METADATA_CHARS:
        detail = f"is larger than {MAX_METADATA_CHARS} characters of JSON"
        raise InvalidMessage("metadata", detail, too_large=True)
    return dict(metadata)
