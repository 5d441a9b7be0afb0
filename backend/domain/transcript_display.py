"""What a customer's message looked like to them: the button's title, the file's name.

A click sends the button's payload (`/inform{"complainant_type":"user"}`); the transcript
shows the title the customer clicked, and keeps the payload for audit. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# The key of a user message's stored payload holding what the customer saw (a click's title).
DISPLAY_KEY = "display"
# Where each channel puts a file's name in a message's `attachment` metadata.
FILENAME_KEYS = ("filename", "file_name")


def offered_buttons(answer: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """The {title, payload} buttons a stored bot or agent message offered."""
    raw = answer.get("buttons") if answer else None
    if not isinstance(raw, list):
        return []
    return [
        {"title": str(b["title"]), "payload": str(b.get("payload") or b["title"])}
        for b in raw
        if isinstance(b, Mapping) and b.get("title")
    ]


def button_title(text: str, buttons: Iterable[Mapping[str, str]]) -> str | None:
    """The title of the button whose payload the customer sent, or None."""
    for button in buttons:
        if button.get("payload") == text:
            return button.get("title") or None
    return None


def clicked_title(
    text: str, buttons: Iterable[Mapping[str, str]], platform_title: str | None = None
) -> str | None:
    """What the customer clicked: the offered button's full title, else the platform's title.

    The stored title wins: WhatsApp cuts titles to 20 characters. None for typed text.
    """
    title = button_title(text, buttons)
    if title is None and platform_title and platform_title.strip():
        title = platform_title.strip()
    return title if title and title != text else None


def file_label(attachment: Mapping[str, Any] | None) -> str | None:
    """A supporting document's name as the customer sent it, or None if it has none."""
    if not attachment:
        return None
    for key in FILENAME_KEYS:
        name = attachment.get(key)
        if isinstance(name, str) and name.strip():
            return name.strip()
    return None
