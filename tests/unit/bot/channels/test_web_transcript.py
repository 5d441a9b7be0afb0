"""The transcript as the widget restores it after a reload."""

from __future__ import annotations

from typing import Any

from backend.db.tables import Message
from bot.channels.web_transcript import MAX_ITEMS, transcript_items

MENU = {
    "text": "Halo! Ada yang bisa kami bantu?",
    "buttons": [{"title": "Sampaikan pengaduan", "payload": "/complain"}],
}


def message(number: int, sender: str, text: str, payload: Any = None) -> Message:
    return Message(id=number, conversation_id="web-x", sender=sender, text=text, payload=payload)


def test_a_clicked_button_shows_its_title_and_the_greeting_command_is_left_out() -> None:
    items = transcript_items(
        [
            message(1, "user", "/greet"),
            message(2, "bot", MENU["text"], MENU),
            message(3, "user", "/complain"),
        ]
    )

    assert items == [
        {"id": 2, "sender": "bot", "text": MENU["text"], "buttons": MENU["buttons"]},
        {"id": 3, "sender": "user", "text": "Sampaikan pengaduan"},
    ]


def test_a_typed_message_and_an_agent_message_keep_their_text() -> None:
    items = transcript_items(
        [message(1, "user", "dana saya belum cair"), message(2, "agent", "Saya Rina, petugas.")]
    )

    assert [(item["sender"], item["text"]) for item in items] == [
        ("user", "dana saya belum cair"),
        ("agent", "Saya Rina, petugas."),
    ]


def test_an_upload_shows_as_an_attachment_without_its_hash() -> None:
    attachment = {
        "filename": "bukti.pdf",
        "content_type": "application/pdf",
        "size": 10,
        "sha256": "ab" * 32,
    }

    [item] = transcript_items([message(1, "user", "/send_document", {"attachment": attachment})])

    assert item["attachment"] == {
        "filename": "bukti.pdf",
        "content_type": "application/pdf",
        "size": 10,
    }


def test_a_bot_image_is_kept_and_malformed_buttons_are_dropped() -> None:
    payload = {
        "text": "",
        "image": "https://example.com/a.png",
        "buttons": ["x", {"payload": "/y"}],
    }

    [item] = transcript_items([message(1, "bot", "", payload)])

    assert item == {"id": 1, "sender": "bot", "text": "", "image": "https://example.com/a.png"}


def test_only_the_latest_items_are_given() -> None:
    messages = [message(n, "user", f"pesan {n}") for n in range(1, MAX_ITEMS + 11)]

    items = transcript_items(messages)

    assert len(items) == MAX_ITEMS
    assert items[-1]["text"] == f"pesan {MAX_ITEMS + 10}"
