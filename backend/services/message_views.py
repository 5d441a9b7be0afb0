"""A stored chat message read once for every surface: the widget, the REST pull, the console.

Only the bot's and the agents' own payloads count as theirs (buttons, image, the agent's
name): what a customer sent along with a message can never pose as either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backend.db.tables import Message
from backend.domain.transcript_display import DISPLAY_KEY, file_label, offered_buttons

OUR_SENDERS = ("bot", "agent")
# The keys of a Rasa REST message that a message sent outside an answer keeps.
REST_MESSAGE_KEYS = ("text", "buttons", "image", "attachment", "custom")
# What the widget shows beside them: the agent's name, a note's kind, the time.
WIDGET_MESSAGE_KEYS = (*REST_MESSAGE_KEYS, "agent_name", "notice", "created_at")


@dataclass(frozen=True)
class MessageView:
    """One transcript line: who said what, and what the bot's or an agent's answer carried."""

    id: int
    sender: str
    text: str
    created_at: datetime
    answer: Mapping[str, Any] = field(default_factory=dict)
    attachment: Mapping[str, Any] | None = None
    # A customer's message as they saw it (a click's title, a file's name); None: the text.
    display: str | None = None

    @classmethod
    def of(cls, message: Message) -> MessageView:
        """The view of a stored message; the text of an answer is the one it was sent with."""
        payload = message.payload if isinstance(message.payload, dict) else {}
        if message.sender in OUR_SENDERS:
            text = payload.get("text")
            shown = text if isinstance(text, str) else message.text
            return cls(message.id, message.sender, shown or "", message.created_at, payload)
        attachment = payload.get("attachment")
        upload = attachment if isinstance(attachment, dict) else None
        display = payload.get(DISPLAY_KEY)
        seen = display if isinstance(display, str) and display else file_label(upload)
        return cls(message.id, message.sender, message.text, message.created_at, {}, upload, seen)

    @property
    def shown(self) -> str:
        """What the customer saw: the button's title, the file's name, else the text."""
        return self.display or self.text

    @property
    def notice(self) -> str | None:
        """The kind of a note about the chat (an agent joined or left), or None."""
        notice = self.answer.get("notice")
        return notice if isinstance(notice, str) and notice else None

    @property
    def buttons(self) -> list[dict[str, str]]:
        """The answer's buttons with a title, as {title, payload} (the title if no payload)."""
        return offered_buttons(self.answer)

    @property
    def image(self) -> str | None:
        """The link of the answer's image, if it has one."""
        image = self.answer.get("image")
        return image if isinstance(image, str) and image else None

    @property
    def agent(self) -> str:
        """The name of the agent who wrote it ("" for the bot's and the customer's)."""
        return str(self.answer.get("agent_name") or self.answer.get("agent") or "")

    def widget_fields(self) -> dict[str, Any]:
        """The answer's fields as the widget shows them: Rasa's, the agent's name, the time."""
        fields = self.rest_fields()
        if (self.agent and self.sender == "agent") or self.notice:
            fields["agent_name"] = self.agent
        if self.notice:
            fields["notice"] = self.notice
        if self.created_at is not None:  # always, once stored
            fields["created_at"] = self.created_at.isoformat()
        return fields

    def rest_fields(self) -> dict[str, Any]:
        """The answer's fields in Rasa's REST shape, as sent."""
        return {
            key: self.answer[key] for key in REST_MESSAGE_KEYS if self.answer.get(key) is not None
        }
