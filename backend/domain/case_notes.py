"""Agents' private notes on a case: what a note may hold."""

from __future__ import annotations

from backend.domain.control_characters import REFUSAL, has_control_characters
from backend.domain.refusal import Refused

MAX_NOTE_CHARS = 4000


class NoteRefused(Refused):
    """A note the console will not keep: empty, too long, or with control characters."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, field="note")


def check_note(text: object) -> str:
    """The note's text without surrounding blanks; NoteRefused if it cannot be kept."""
    if not isinstance(text, str) or not text.strip():
        raise NoteRefused("write the note first")
    text = text.strip()
    if len(text) > MAX_NOTE_CHARS:
        raise NoteRefused(f"at most {MAX_NOTE_CHARS} characters")
    if has_control_characters(text):
        raise NoteRefused(REFUSAL)
    return text
