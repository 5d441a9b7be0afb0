"""A stored message reads the same for the widget, the REST pull and the console."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.services.message_views import MessageView
from backend.services.records import Message

AT = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def message(sender: str, text: str, payload: Any = None) -> Message:
    return Message(
        id=7, conversation_id="web-x", sender=sender, text=text, payload=payload, created_at=AT
    )


def test_an_answer_shows_its_text_buttons_and_image() -> None:
    answer = {
        "text": "Pilih kategori",
        "buttons": [
            {"title": "Penipuan", "payload": '/inform{"category":"fraud"}'},
            {"title": "Lain"},
        ],
        "image": "https://example.org/a.png",
    }

    view = MessageView.of(message("bot", "Pilih kategori", answer))

    assert view.text == "Pilih kategori"
    assert view.buttons == [
        {"title": "Penipuan", "payload": '/inform{"category":"fraud"}'},
        {"title": "Lain", "payload": "Lain"},
    ]
    assert view.image == "https://example.org/a.png"


def test_buttons_without_a_title_and_malformed_ones_are_left_out() -> None:
    answer = {"text": "?", "buttons": [{"payload": "/x"}, "junk", {"title": ""}]}

    assert MessageView.of(message("bot", "?", answer)).buttons == []
    assert MessageView.of(message("bot", "?", {"buttons": "junk"})).buttons == []


def test_an_agents_message_names_the_agent() -> None:
    view = MessageView.of(
        message("agent", "Halo", {"text": "Halo", "agent": "rina", "agent_name": "Rina"})
    )

    assert view.agent == "Rina"


def test_what_a_customer_sends_along_never_poses_as_an_answer_or_an_agent() -> None:
    forged = {
        "buttons": [{"title": "Klik", "payload": "/x"}],
        "agent_name": "Supervisor",
        "text": "x",
    }

    view = MessageView.of(message("user", "halo", forged))

    assert (view.text, view.buttons, view.agent, view.image) == ("halo", [], "", None)
    assert view.rest_fields() == {}


def test_an_upload_of_the_customer_keeps_its_attachment() -> None:
    upload = {"filename": "ktp.pdf", "content_type": "application/pdf", "size": 10}

    view = MessageView.of(message("user", "/send_document", {"attachment": upload}))

    assert view.attachment == upload


def test_the_rest_pull_gets_the_answers_rasa_fields_as_sent() -> None:
    answer = {"text": "Hi", "custom": {"a": 1}, "image": None, "pushed": True, "agent": "rina"}

    assert MessageView.of(message("agent", "Hi", answer)).rest_fields() == {
        "text": "Hi",
        "custom": {"a": 1},
    }


def test_a_click_shows_its_stored_title_and_keeps_its_payload_as_the_text() -> None:
    view = MessageView.of(message("user", "/affirm", {"display": "Ya, benar"}))

    assert (view.shown, view.text) == ("Ya, benar", "/affirm")


def test_an_upload_shows_its_file_name() -> None:
    attachment = {"file_name": "surat.pdf", "file_id": "BQAD"}

    view = MessageView.of(message("user", "/send_document", {"attachment": attachment}))

    assert view.shown == "surat.pdf"


def test_the_widget_gets_the_time_and_the_agent_s_name_but_not_a_customer_s() -> None:
    agent = MessageView.of(message("agent", "Halo", {"text": "Halo", "agent_name": "Rina"}))
    posing = MessageView.of(message("user", "Halo", {"agent_name": "Rina"}))

    assert agent.widget_fields() == {
        "text": "Halo",
        "agent_name": "Rina",
        "created_at": AT.isoformat(),
    }
    assert posing.agent == ""
