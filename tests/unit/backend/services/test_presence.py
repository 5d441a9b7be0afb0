"""The notes telling a customer that an agent joined or left, in their language."""

from __future__ import annotations

from backend.services.presence import AGENT_JOINED, AGENT_LEFT, presence_note


def test_an_indonesian_chat_hears_that_the_agent_joined_by_name() -> None:
    note = presence_note(AGENT_JOINED, "id", "Rina")

    assert note == {
        "text": "Rina dari tim layanan pengaduan telah bergabung dalam percakapan.",
        "notice": "agent_joined",
        "agent_name": "Rina",
    }


def test_an_english_chat_hears_that_the_agent_left_in_english() -> None:
    assert presence_note(AGENT_LEFT, "en", "Rina")["text"].startswith("Rina has left")


def test_an_unknown_language_falls_back_to_indonesian() -> None:
    assert "bergabung" in presence_note(AGENT_JOINED, None, "Rina")["text"]
    assert "bergabung" in presence_note(AGENT_JOINED, "fr", "Rina")["text"]
