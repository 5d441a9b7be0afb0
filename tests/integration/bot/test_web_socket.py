"""The web widget's websocket through the real app: sessions, the round trip through the
worker (stored, queued, answered through the outbox and the bus), catch-up, bad frames."""

from __future__ import annotations

import json

import pytest

from backend.db.engine import Database
from backend.services.conversations import record_message
from backend.services.turns import delayed_notice
from tests.fakes.platforms import FakeRasa
from tests.integration.bot.support import Gateway, transcript
from tests.integration.bot.web_support import base_url, open_widget

MENU = [
    {
        "text": "Halo! Ada yang bisa kami bantu?",
        "buttons": [{"title": "Sampaikan pengaduan", "payload": "/complain"}],
    }
]


async def test_a_first_hello_opens_a_new_web_conversation_with_its_token(web: Gateway) -> None:
    async with open_widget(base_url(web)) as widget:
        session = await widget.hello(language="id")

    assert session["resumed"] is False
    assert session["conversation_id"].startswith("web-")
    assert len(session["token"]) >= 40


async def test_a_message_reaches_the_bot_and_its_answers_come_back_with_buttons(
    web: Gateway, fake_rasa: FakeRasa, db: Database
) -> None:
    fake_rasa.script["/greet"] = MENU
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
        taken = await widget.say("/greet", "m1")
        answer = await widget.answer_to("m1")

    assert taken["type"] == "received"
    assert (taken["reply_to"], taken["handled_by"]) == ("m1", "bot")
    assert answer["type"] == "answers"
    assert answer["sender"] == "bot"
    assert [m["text"] for m in answer["messages"]] == ["Halo! Ada yang bisa kami bantu?"]
    assert answer["messages"][0]["buttons"] == MENU[0]["buttons"]
    assert answer["messages"][0]["id"] > taken["message_id"]
    assert answer["last_id"] == answer["messages"][0]["id"]
    [asked] = fake_rasa.messages
    assert (asked["sender"], asked["message"]) == (widget.conversation_id, "/greet")
    assert asked["metadata"]["channel"] == "web"
    stored = await transcript(db, widget.conversation_id)
    assert [(sender, text) for sender, text, _ in stored] == [
        ("user", "/greet"),
        ("bot", "Halo! Ada yang bisa kami bantu?"),
    ]


async def test_an_english_widget_sends_the_language_metadata_with_its_messages(
    web: Gateway, fake_rasa: FakeRasa
) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.hello(language="en")
        await widget.ask("hello")

    assert fake_rasa.messages[0]["metadata"]["language"] == "en"


async def test_a_reconnected_widget_resumes_its_conversation_with_the_token(
    web: Gateway,
) -> None:
    async with open_widget(base_url(web)) as first:
        await first.hello()
    async with open_widget(base_url(web)) as again:
        session = await again.hello(conversation_id=first.conversation_id, token=first.token)

    assert session["resumed"] is True
    assert session["conversation_id"] == first.conversation_id


async def test_a_hello_with_a_wrong_token_starts_a_new_conversation_instead(
    web: Gateway,
) -> None:
    async with open_widget(base_url(web)) as first:
        await first.hello()
    async with open_widget(base_url(web)) as other:
        session = await other.hello(conversation_id=first.conversation_id, token="x" * 43)

    assert session["resumed"] is False
    assert session["conversation_id"] != first.conversation_id


async def test_a_message_sent_again_after_a_reconnect_reaches_the_bot_once(
    web: Gateway, fake_rasa: FakeRasa
) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
        await widget.ask("halo", "same-id")
    async with open_widget(base_url(web)) as again:
        await again.hello(conversation_id=widget.conversation_id, token=widget.token)
        answer = await again.say("halo", "same-id")

    assert answer == {
        "type": "answers",
        "sender": "bot",
        "messages": [],
        "reply_to": "same-id",
        "duplicate": True,
    }
    assert [m["message"] for m in fake_rasa.messages] == ["halo"]


async def test_while_the_assistant_is_down_the_widget_is_told_its_answer_follows(
    web: Gateway, fake_rasa: FakeRasa, db: Database
) -> None:
    fake_rasa.fail("webhook", status=500)
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
        taken = await widget.say("halo", "m1")
        later = await widget.answer_to("m1")

    assert taken["type"] == "received"
    assert [m["text"] for m in later["messages"]] == [delayed_notice("id")]
    stored = await transcript(db, widget.conversation_id)
    assert [(sender, text) for sender, text, _ in stored] == [
        ("user", "halo"),
        ("bot", delayed_notice("id")),
    ]


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        ("{not json", "malformed_json"),
        (b"\x00\x01binary", "binary_frame"),
        ("[1, 2]", "invalid_frame"),
        ("x" * (64 * 1024 + 1), "frame_too_large"),
        (json.dumps({"type": "dance"}), "unknown_type"),
        (json.dumps({"type": "message", "text": "x" * 4001}), "message_too_long"),
        (json.dumps({"type": "message", "text": "   "}), "invalid_message"),
        (json.dumps({"type": "message", "text": "hi", "id": "<script>"}), "invalid_frame"),
    ],
)
async def test_a_bad_frame_is_answered_with_an_error_frame_and_the_socket_stays_open(
    web: Gateway, fake_rasa: FakeRasa, frame: str | bytes, error: str
) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
        await widget.send(frame)
        refused = await widget.receive()
        await widget.send({"type": "ping"})
        pong = await widget.receive()

    assert refused["type"] == "error"
    assert refused["error"] == error
    assert refused["detail"]
    assert pong == {"type": "pong"}
    assert fake_rasa.messages == []


async def test_a_message_before_the_hello_is_refused(web: Gateway, fake_rasa: FakeRasa) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.send({"type": "message", "text": "halo"})
        refused = await widget.receive()

    assert refused["error"] == "hello_required"
    assert fake_rasa.messages == []


async def test_an_agent_message_reaches_every_open_widget_of_the_conversation(
    web: Gateway,
) -> None:
    senders = web.app.ctx.senders
    async with open_widget(base_url(web)) as tab, open_widget(base_url(web)) as other_tab:
        await tab.hello()
        await other_tab.hello(conversation_id=tab.conversation_id, token=tab.token)

        agent = {"text": "Saya Rina, petugas kami.", "sender": "agent", "message_id": 9}
        await senders.send("web", tab.conversation_id, [agent])
        pushed = [await tab.receive(), await other_tab.receive()]

    expected = {
        "type": "answers",
        "sender": "agent",
        "messages": [{"text": "Saya Rina, petugas kami.", "id": 9}],
        "last_id": 9,
    }
    assert pushed == [expected, expected]


async def test_a_widget_coming_back_gets_what_was_written_while_it_was_away(
    web: Gateway, db: Database
) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
        answer = await widget.ask("halo")
    seen = answer["last_id"]
    async with db.session() as session:
        payload = {"text": "Masih di sana?", "agent_name": "Rina"}
        await record_message(
            session, widget.conversation_id, "web", "agent", "Masih di sana?", payload
        )

    async with open_widget(base_url(web)) as again:
        await again.hello(conversation_id=widget.conversation_id, token=widget.token, after=seen)
        missed = await again.receive()
        await again.send({"type": "ping"})
        pong = await again.receive()

    assert missed["type"] == "answers"
    assert missed["sender"] == "agent"
    assert [m["text"] for m in missed["messages"]] == ["Masih di sana?"]
    assert missed["last_id"] > seen
    assert pong == {"type": "pong"}  # nothing else was missed
