"""A conversation belongs to the channel that opened it: REST can neither write into nor read from
a web, Telegram or WhatsApp chat, nor open one first to take it over."""

from __future__ import annotations

from typing import Any

import pytest

from backend import services
from backend.db.engine import Database
from tests.fakes.payloads import telegram_text, wa_text, whatsapp_delivery
from tests.fakes.platforms import FakeGraph, FakeRasa, FakeTelegram
from tests.integration.bot.support import Gateway, counts, transcript

WA_ID = "6281234567890"
WHATSAPP_CONVERSATION = f"whatsapp-{WA_ID}"
CHAT = 5_123_456_789


async def say_over_rest(gateway: Gateway, sender: str, message: str = "halo") -> Any:
    return await gateway.client.post(
        "/webhooks/rest/webhook", json={"sender": sender, "message": message}
    )


def api_headers(gateway: Gateway) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.app.ctx.settings.app_api_token}"}


async def test_a_rest_caller_cannot_write_into_a_whatsapp_customers_conversation(
    gateway: Gateway, fake_rasa: FakeRasa, fake_graph: FakeGraph, db: Database
) -> None:
    await gateway.post_delivery(whatsapp_delivery(wa_text(WA_ID, "halo")))
    await fake_graph.wait("messages")
    before = await transcript(db, WHATSAPP_CONVERSATION)

    answer = await say_over_rest(gateway, WHATSAPP_CONVERSATION, "ganti nomor hp saya")

    assert answer.status_code == 403
    assert answer.json()["field"] == "sender"
    assert await transcript(db, WHATSAPP_CONVERSATION) == before
    assert [m["sender"] for m in fake_rasa.messages] == [WHATSAPP_CONVERSATION]


async def test_a_rest_caller_cannot_open_a_whatsapp_conversation_before_its_customer(
    gateway: Gateway, fake_graph: FakeGraph, db: Database
) -> None:
    answer = await say_over_rest(gateway, WHATSAPP_CONVERSATION)
    await gateway.post_delivery(whatsapp_delivery(wa_text(WA_ID, "halo")))
    await fake_graph.wait("messages")

    assert answer.status_code == 403
    async with db.session() as session:
        conversation = await services.get_conversation(session, WHATSAPP_CONVERSATION)
    assert conversation is not None and conversation.channel == "whatsapp"
    assert [sender for sender, _, _ in await transcript(db, WHATSAPP_CONVERSATION)] == [
        "user",
        "bot",
    ]


@pytest.mark.parametrize(
    "sender", ["web-AbCdEfGhIjKlMnOpQrStUv", f"telegram-{CHAT}", "whatsapp-628111", "WhatsApp-1"]
)
async def test_rest_senders_in_another_channels_namespace_are_refused_and_nothing_is_stored(
    gateway: Gateway, fake_rasa: FakeRasa, db: Database, sender: str
) -> None:
    answer = await say_over_rest(gateway, sender)

    assert answer.status_code == 403
    assert answer.json()["field"] == "sender"
    assert (await counts(db))["conversations"] == 0
    assert fake_rasa.messages == []


async def test_the_pull_of_a_telegram_conversation_is_refused_even_with_the_api_token(
    gateway: Gateway, fake_telegram: FakeTelegram
) -> None:
    await gateway.post_update(telegram_text(CHAT, "halo"))
    await fake_telegram.wait("sendMessage")

    answer = await gateway.client.get(
        f"/webhooks/rest/messages/telegram-{CHAT}", headers=api_headers(gateway)
    )

    assert answer.status_code == 403
    assert answer.json()["field"] == "sender"


async def test_the_transcript_refuses_a_message_from_another_channel_than_the_one_that_opened_it(
    db: Database,
) -> None:
    async with db.session() as session:
        await services.record_message(session, "budi", "web", "user", "halo")
    with pytest.raises(PermissionError):
        async with db.session() as session:
            await services.record_message(session, "budi", "rest", "user", "saya budi")

    assert [text for _, text, _ in await transcript(db, "budi")] == ["halo"]


async def test_a_plain_rest_sender_opens_a_rest_conversation_and_gets_its_pull_token(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    fake_rasa.script["halo"] = [{"text": "Halo! Ada yang bisa kami bantu?"}]

    answer = await say_over_rest(gateway, "budi")
    conversation = await gateway.client.get("/api/conversations/budi", headers=api_headers(gateway))

    assert answer.status_code == 200
    assert answer.json() == [{"recipient_id": "budi", "text": "Halo! Ada yang bisa kami bantu?"}]
    assert answer.headers.get("X-Conversation-Token")
    assert conversation.json()["channel"] == "rest"
