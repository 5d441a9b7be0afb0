"""The transcript as the widget restores it after a reload."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.db.tables import Message
from bot.channels.web_transcript import MAX_ITEMS, transcript_items

MENU = {
    "text": "Halo! Ada yang bisa kami bantu?",
    "buttons": [{"title": "Sampaikan pengaduan", "payload": "/complain"}],
}


AT = datetime(2026, 12, 2, 3, 4, tzinfo=UTC)


def message(number: int, sender: str, text: str, payload: Any = None) -> Message:
    return Message(
        id=number, conversation_id="web-x", sender=sender, text=text, payload=payload, created_at=AT
    )


def test_a_clicked_button_shows_its_title_and_the_greeting_command_is_left_out() -> None:
    items = transcript_items(
        [
            message(1, "user", "/greet"),
            message(2, "bot", MENU["text"], MENU),
            message(3, "user", "/complain"),
        ]
    )

    assert items == [
        {
            "id": 2,
            "sender": "bot",
            "text": MENU["text"],
            "buttons": MENU["buttons"],
            "created_at": AT.isoformat(),
        },
        {"id": 3, "sender": "user", "text": "Sampaikan pengaduan", "created_at": AT.isoformat()},
    ]


def test_a_click_shows_the_title_stored_with_it_even_when_the_offer_is_gone() -> None:
    stored = {"display": "Ya, benar", "language": "id"}

    [item] = transcript_items([message(1, "user", '/affirm{"confirmed":true}', stored)])

    assert item["text"] == "Ya, benar"


def test_an_agent_message_carries_the_agent_s_name_and_a_note_its_kind() -> None:
    joined = {"text": "Rina telah bergabung.", "notice": "agent_joined", "agent_name": "Rina"}
    items = transcript_items(
        [
            message(1, "bot", joined["text"], joined),
            message(2, "agent", "Saya Rina.", {"text": "Saya Rina.", "agent_name": "Rina"}),
            message(3, "bot", "Nilai chat ini?", {"text": "Nilai chat ini?"}),
        ]
    )

    assert [(i["sender"], i.get("notice"), i.get("agent_name")) for i in items] == [
        ("bot", "agent_joined", "Rina"),
        ("agent", None, "Rina"),
        ("bot", None, None),
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
        "register_number": None,
    }


def test_a_bot_image_is_kept_and_malformed_buttons_are_dropped() -> None:
    payload = {
        "text": "",
        "image": "https://example.com/a.png",
        "buttons": ["x", {"payload": "/y"}],
    }

    [item] = transcript_items([message(1, "bot", "", payload)])

    assert item == {
        "id": 1,
        "sender": "bot",
        "text": "",
        "image": "https://example.com/a.png",
        "created_at": AT.isoformat(),
    }


def test_only_the_latest_items_are_given() -> None:
    messages = [message(n, "user", f"pesan {n}") for n in range(1, MAX_ITEMS + 11)]

    items = transcript_items(messages)

    assert len(items) == MAX_ITEMS
    assert items[-1]["text"] == f"pesan {MAX_ITEMS + 10}"


def test_an_upload_sent_before_the_case_shows_as_attached_once_its_document_is_on_a_case() -> None:
    attachment = {"filename": "bukti.png", "size": 10, "sha256": "ab" * 32, "register_number": None}
    upload = message(1, "user", "/send_document", {"attachment": attachment})

    [waiting] = transcript_items([upload])
    [attached] = transcript_items([upload], {"ab" * 32: "KP-2612-00001L"})
    [other] = transcript_items([upload], {"cd" * 32: "KP-2612-00002X"})

    assert waiting["attachment"]["register_number"] is None
    assert attached["attachment"]["register_number"] == "KP-2612-00001L"
    assert other["attachment"]["register_number"] is None, "another file's case says nothing"
