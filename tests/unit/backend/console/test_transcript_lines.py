"""The console's transcript lines show what the customer saw and keep what the channel sent."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.console.conversations import file_size, message_json
from backend.services.records import Message

AT = datetime(2026, 12, 2, 3, 4, tzinfo=UTC)


def message(sender: str, text: str, payload: Any = None) -> Message:
    return Message(
        id=3, conversation_id="web-x", sender=sender, text=text, payload=payload, created_at=AT
    )


def test_a_click_shows_the_button_title_with_the_payload_kept_for_audit() -> None:
    line = message_json(message("user", '/rate{"rating":3}', {"display": "3 – Cukup"}))

    assert (line["text"], line["raw"], line["file"]) == ("3 – Cukup", '/rate{"rating":3}', None)


def test_typed_text_has_no_separate_raw_payload() -> None:
    assert message_json(message("user", "halo"))["raw"] == ""


def test_an_upload_shows_its_file_name_and_size() -> None:
    attachment = {"filename": "bukti.png", "size": 34_816, "register_number": None}
    payload = {"attachment": attachment, "display": "bukti.png"}

    line = message_json(message("user", "/send_document", payload))

    assert line["file"] == {
        "name": "bukti.png",
        "size": "34 KB",
        "register_number": "",
        "sha256": "",
        "download": "",  # given by the page once the case document is known
    }


def test_a_note_that_an_agent_joined_is_marked_as_a_note() -> None:
    note = {"text": "Rina telah bergabung.", "notice": "agent_joined", "agent_name": "Rina"}

    line = message_json(message("bot", note["text"], note))

    assert (line["notice"], line["agent"]) == ("agent_joined", "Rina")


def test_file_sizes_read_in_bytes_kilobytes_and_megabytes() -> None:
    assert [file_size(n) for n in (512, 2048, 3 * 1024 * 1024 // 2)] == ["512 B", "2 KB", "1,5 MB"]
