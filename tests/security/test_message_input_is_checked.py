"""What a customer sends is checked at the one door every channel shares (`Inbound.checked`):
control characters and bidi overrides are refused, metadata is small and of known keys only."""

from __future__ import annotations

import pytest

from backend.db.engine import Database
from bot.channels.conventions import UNSUPPORTED_REPLY
from tests.fakes.payloads import telegram_text, wa_text, whatsapp_delivery
from tests.fakes.platforms import FakeGraph, FakeRasa, FakeTelegram
from tests.integration.bot.support import Gateway, counts
from tests.integration.bot.web_support import base_url, open_widget

CONTROLLED = [
    "halo\x1b[2J",  # a terminal escape (C0)
    "halo\x00",
    "halo\rBayar di sini",  # a lone carriage return overwrites the line in a terminal
    "halo\x7f",
    "halo\x85",  # C1 next line
    "saya \u202egnatid\u202c",  # right-to-left override
    "saya \u2066budi\u2069",  # isolate
]
INJECTED = [
    {"agent_name": "Supervisor Ani"},
    {"agent": "sari"},
    {"from": "agent"},
    {"sender": "agent"},
    {"buttons": [{"title": "Transfer ke rekening 123", "payload": "/affirm"}]},
    {"text": "Pesan dari agen"},
    {"pushed": True},
    {"language": ["id"]},
]


async def say_over_rest(gateway: Gateway, message: str, metadata: object = None) -> object:
    body = {"sender": "budi", "message": message}
    if metadata is not None:
        body["metadata"] = metadata
    return await gateway.client.post("/webhooks/rest/webhook", json=body)


@pytest.mark.parametrize("text", CONTROLLED)
async def test_control_characters_in_a_rest_message_are_refused_naming_the_message(
    gateway: Gateway, fake_rasa: FakeRasa, db: Database, text: str
) -> None:
    answer = await say_over_rest(gateway, text)

    assert answer.status_code == 422
    assert answer.json()["field"] == "message"
    assert (await counts(db))["messages"] == 0
    assert fake_rasa.messages == []


async def test_control_characters_from_the_widget_are_refused_naming_the_text(
    web: Gateway, fake_rasa: FakeRasa
) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
        answer = await widget.say("halo\x1b[31m", "m1")

    assert answer["type"] == "error"
    assert answer["field"] == "text"
    assert fake_rasa.messages == []


async def test_a_whatsapp_message_with_control_characters_gets_the_cannot_process_reply(
    gateway: Gateway, fake_rasa: FakeRasa, fake_graph: FakeGraph
) -> None:
    await gateway.post_delivery(whatsapp_delivery(wa_text("6281234567890", "halo\u202e")))

    [call] = await fake_graph.wait("messages")
    assert call.json["text"]["body"] == UNSUPPORTED_REPLY
    assert fake_rasa.messages == []


async def test_a_telegram_message_with_control_characters_gets_the_cannot_process_reply(
    gateway: Gateway, fake_rasa: FakeRasa, fake_telegram: FakeTelegram
) -> None:
    await gateway.post_update(telegram_text(5_123_456_789, "halo\x07\x07"))

    await fake_telegram.wait("sendMessage")
    assert fake_telegram.sent_texts(5_123_456_789) == [UNSUPPORTED_REPLY]
    assert fake_rasa.messages == []


@pytest.mark.parametrize("metadata", INJECTED)
async def test_metadata_that_could_pose_as_an_agent_or_add_buttons_is_refused(
    gateway: Gateway, fake_rasa: FakeRasa, db: Database, metadata: dict[str, object]
) -> None:
    answer = await say_over_rest(gateway, "halo", metadata)

    assert answer.status_code == 422
    assert answer.json()["field"] == "metadata"
    assert (await counts(db))["messages"] == 0
    assert fake_rasa.messages == []


async def test_oversized_metadata_is_refused_as_too_large(gateway: Gateway, db: Database) -> None:
    answer = await say_over_rest(gateway, "halo", {"attachment": {"caption": "x" * 5000}})

    assert answer.status_code == 413
    assert answer.json()["field"] == "metadata"
    assert (await counts(db))["messages"] == 0
