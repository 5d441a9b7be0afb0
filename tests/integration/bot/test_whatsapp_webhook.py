"""WhatsApp through the real app: handshake, signatures, retries, and the Graph API calls.

The webhook answers once the messages are stored; the worker asks the bot and the outbox
sends the answers through the Graph API afterwards, so the tests wait for those.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backend.db.engine import Database
from backend.services import channel_deliveries, inbox
from backend.services.ports import DeliveryFailed
from backend.services.turns import delayed_notice
from backend.settings import Settings
from bot.channels.conventions import UNSUPPORTED_REPLY
from tests.fakes.payloads import (
    wa_button_reply,
    wa_image,
    wa_status,
    wa_sticker,
    wa_text,
    whatsapp_body,
    whatsapp_delivery,
    whatsapp_signature,
)
from tests.fakes.platforms import (
    WHATSAPP_ACCESS_TOKEN,
    WHATSAPP_APP_SECRET,
    WHATSAPP_PHONE_NUMBER_ID,
    WHATSAPP_VERIFY_TOKEN,
    FakeGraph,
    FakeRasa,
)
from tests.integration.bot.support import NOTHING, Gateway, counts, serve, transcript

WA_ID = "6281234567890"
CONVERSATION = f"whatsapp-{WA_ID}"
MESSAGES_PATH = f"/v21.0/{WHATSAPP_PHONE_NUMBER_ID}/messages"


def handshake(token: str, mode: str = "subscribe") -> dict[str, str]:
    return {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": "1158201444"}


async def test_the_subscription_handshake_echoes_the_challenge_as_plain_text(
    gateway: Gateway,
) -> None:
    response = await gateway.client.get(
        "/webhooks/whatsapp", params=handshake(WHATSAPP_VERIFY_TOKEN)
    )

    assert response.status_code == 200
    assert response.text == "1158201444"
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [handshake("guess"), handshake(WHATSAPP_VERIFY_TOKEN, mode="unsubscribe"), {}],
    ids=["wrong token", "wrong mode", "nothing"],
)
async def test_a_handshake_with_a_wrong_token_or_mode_is_forbidden(
    gateway: Gateway, params: dict[str, str]
) -> None:
    response = await gateway.client.get("/webhooks/whatsapp", params=params)

    assert response.status_code == 403


async def test_a_signed_text_is_answered_through_the_graph_api_and_kept_in_the_transcript(
    gateway: Gateway, fake_rasa: FakeRasa, fake_graph: FakeGraph, db: Database
) -> None:
    fake_rasa.script["halo"] = [{"text": "Halo! Ada yang bisa kami bantu?"}]

    response = await gateway.post_delivery(whatsapp_delivery(wa_text(WA_ID, "halo")))

    assert response.status_code == 200
    [call] = await fake_graph.wait("messages")
    assert call.path == MESSAGES_PATH
    assert call.headers["authorization"] == f"Bearer {WHATSAPP_ACCESS_TOKEN}"
    assert call.json == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": WA_ID,
        "type": "text",
        "text": {"preview_url": False, "body": "Halo! Ada yang bisa kami bantu?"},
    }
    assert fake_rasa.messages[0]["sender"] == CONVERSATION
    assert fake_rasa.messages[0]["metadata"]["channel"] == "whatsapp"
    stored = await transcript(db, CONVERSATION)
    assert [(sender, text) for sender, text, _ in stored] == [
        ("user", "halo"),
        ("bot", "Halo! Ada yang bisa kami bantu?"),
    ]


async def test_buttons_become_reply_buttons_and_more_than_three_a_list(
    gateway: Gateway, fake_rasa: FakeRasa, fake_graph: FakeGraph
) -> None:
    yes_no = [{"title": "Ya", "payload": "/affirm"}, {"title": "Tidak", "payload": "/deny"}]
    priorities = [
        {"title": title, "payload": f'/inform{{"priority":"{value}"}}'}
        for title, value in [
            ("Rendah", "low"),
            ("Medium", "medium"),
            ("Tinggi", "high"),
            ("Darurat", "emergency"),
        ]
    ]
    fake_rasa.script["benar"] = [{"text": "Data sudah benar?", "buttons": yes_no}]
    fake_rasa.script["prioritas"] = [{"text": "Seberapa mendesak?", "buttons": priorities}]

    await gateway.post_delivery(whatsapp_delivery(wa_text(WA_ID, "benar")))
    await gateway.post_delivery(whatsapp_delivery(wa_text(WA_ID, "prioritas")))
    buttons, listed = (call.json["interactive"] for call in await fake_graph.wait("messages", 2))

    assert buttons["type"] == "button"
    assert buttons["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "/affirm", "title": "Ya"}},
        {"type": "reply", "reply": {"id": "/deny", "title": "Tidak"}},
    ]
    assert listed["type"] == "list"
    rows = listed["action"]["sections"][0]["rows"]
    assert [row["title"] for row in rows] == ["Rendah", "Medium", "Tinggi", "Darurat"]
    assert rows[2]["id"] == '/inform{"priority":"high"}'


async def test_a_tap_on_a_reply_button_sends_its_payload_to_the_bot(
    gateway: Gateway, fake_rasa: FakeRasa, fake_graph: FakeGraph
) -> None:
    await gateway.post_delivery(whatsapp_delivery(wa_button_reply(WA_ID, "/affirm", "Ya")))

    await fake_graph.wait("messages")
    assert [m["message"] for m in fake_rasa.messages] == ["/affirm"]


async def test_an_image_is_kept_as_a_supporting_document(
    gateway: Gateway, fake_graph: FakeGraph, db: Database
) -> None:
    await gateway.post_delivery(whatsapp_delivery(wa_image(WA_ID, caption="KTP saya")))

    await fake_graph.wait("messages")
    [(sender, text, payload), _answer] = await transcript(db, CONVERSATION)
    assert (sender, text) == ("user", "/send_document")
    assert payload["attachment"]["media_id"] == "2754859441498128"
    assert payload["attachment"]["caption"] == "KTP saya"


async def test_a_sticker_gets_a_polite_reply_through_the_outbox_and_never_reaches_the_bot(
    gateway: Gateway, fake_rasa: FakeRasa, fake_graph: FakeGraph, db: Database
) -> None:
    await gateway.post_delivery(whatsapp_delivery(wa_sticker(WA_ID)))

    [call] = await fake_graph.wait("messages")
    assert call.json["text"]["body"] == UNSUPPORTED_REPLY
    assert fake_rasa.messages == []
    assert [(s, t) for s, t, _ in await transcript(db, CONVERSATION)] == [
        ("bot", UNSUPPORTED_REPLY)
    ]


@pytest.mark.parametrize(
    "forge",
    [
        lambda body: whatsapp_signature("not-the-app-secret", body),
        lambda body: whatsapp_signature(WHATSAPP_APP_SECRET, body + b"\n"),
        lambda body: "sha256=" + "0" * 64,
    ],
    ids=["wrong secret", "signed another body", "made up"],
)
async def test_a_forged_signature_is_refused_and_nothing_is_stored_or_sent(
    gateway: Gateway, fake_rasa: FakeRasa, fake_graph: FakeGraph, db: Database, forge: object
) -> None:
    payload = whatsapp_delivery(wa_text(WA_ID, "halo"))
    signature = forge(whatsapp_body(payload))  # type: ignore[operator]

    response = await gateway.post_delivery(payload, signature=signature)

    assert response.status_code == 403
    assert await counts(db) == NOTHING
    assert fake_rasa.messages == []
    assert fake_graph.messages == []


async def test_an_unsigned_delivery_is_unauthorized(gateway: Gateway, db: Database) -> None:
    response = await gateway.client.post(
        "/webhooks/whatsapp", json=whatsapp_delivery(wa_text(WA_ID, "halo"))
    )

    assert response.status_code == 401
    assert await counts(db) == NOTHING


async def test_a_signed_but_malformed_body_is_a_bad_request(gateway: Gateway) -> None:
    body = b'{"object": "whatsapp_business_account", '
    headers = {"X-Hub-Signature-256": whatsapp_signature(WHATSAPP_APP_SECRET, body)}

    response = await gateway.client.post("/webhooks/whatsapp", content=body, headers=headers)

    assert response.status_code == 400


async def test_a_replayed_message_id_is_acknowledged_but_handled_once(
    gateway: Gateway, fake_rasa: FakeRasa, fake_graph: FakeGraph, db: Database
) -> None:
    delivery = whatsapp_delivery(wa_text(WA_ID, "halo", message_id="wamid.REPLAYED"))

    first = await gateway.post_delivery(delivery)
    await fake_graph.wait("messages")
    replayed = await gateway.post_delivery(delivery)

    assert (first.status_code, replayed.status_code) == (200, 200)
    assert [m["message"] for m in fake_rasa.messages] == ["halo"]
    assert len(fake_graph.messages) == 1
    assert (await counts(db))["messages"] == 2


async def test_status_events_are_acknowledged_and_ignored(
    gateway: Gateway, fake_rasa: FakeRasa, db: Database
) -> None:
    statuses = [wa_status(WA_ID, status) for status in ("sent", "delivered", "read")]

    response = await gateway.post_delivery(whatsapp_delivery(statuses=statuses))

    assert response.status_code == 200
    assert await counts(db) == NOTHING
    assert fake_rasa.messages == []


async def test_a_graph_api_server_error_is_retried_until_the_answer_is_delivered(
    gateway: Gateway, fake_graph: FakeGraph
) -> None:
    fake_graph.fail("messages", status=500)

    await gateway.post_delivery(whatsapp_delivery(wa_text(WA_ID, "halo")))

    first, second = await fake_graph.wait("messages", count=2)
    assert first.json == second.json


async def test_when_the_assistant_is_down_the_user_is_told_and_answered_once_it_is_back(
    gateway: Gateway, fake_rasa: FakeRasa, fake_graph: FakeGraph, db: Database
) -> None:
    fake_rasa.fail("webhook", status=500)

    response = await gateway.post_delivery(whatsapp_delivery(wa_text(WA_ID, "halo")))

    assert response.status_code == 200
    notice, answer = await fake_graph.wait("messages", count=2)
    assert notice.json["text"]["body"] == delayed_notice(None)
    assert answer.json["text"]["body"] == "echo: halo"
    assert [(s, t) for s, t, _ in await transcript(db, CONVERSATION)] == [
        ("user", "halo"),
        ("bot", delayed_notice(None)),
        ("bot", "echo: halo"),
    ]


async def test_a_delivery_that_could_not_be_stored_is_refused_and_its_retry_taken_in_once(
    gateway: Gateway,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    delivery = whatsapp_delivery(wa_text(WA_ID, "halo", message_id="wamid.RETRIED"))
    add_entry = inbox.inbox_repository.add_entry
    failures = [RuntimeError("the database went away")]

    def failing_once(*args: Any, **kwargs: Any) -> None:
        if failures:
            raise failures.pop()
        add_entry(*args, **kwargs)

    monkeypatch.setattr(inbox.inbox_repository, "add_entry", failing_once)

    refused = await gateway.post_delivery(delivery)
    stored_then = await counts(db)
    retried = await gateway.post_delivery(delivery)
    again = await gateway.post_delivery(delivery)
    await fake_graph.wait("messages")

    assert refused.status_code == 500
    assert stored_then == NOTHING
    assert (retried.status_code, again.status_code) == (200, 200)
    assert [m["message"] for m in fake_rasa.messages] == ["halo"]
    assert [(s, t) for s, t, _ in await transcript(db, CONVERSATION)] == [
        ("user", "halo"),
        ("bot", "echo: halo"),
    ]


async def test_the_webhook_answers_before_the_bot_has(
    gateway: Gateway, fake_rasa: FakeRasa, fake_graph: FakeGraph, db: Database
) -> None:
    def slow(sender: str, message: str) -> list[dict[str, Any]]:
        time.sleep(2.0)  # the fake's own thread: the app goes on meanwhile
        return [{"recipient_id": sender, "text": f"echo: {message}"}]

    fake_rasa.reply = slow
    started = time.monotonic()

    response = await gateway.post_delivery(whatsapp_delivery(wa_text(WA_ID, "halo")))

    assert response.status_code == 200
    assert time.monotonic() - started < 1.0
    assert [(s, t) for s, t, _ in await transcript(db, CONVERSATION)] == [("user", "halo")]
    assert fake_graph.messages == []
    [call] = await fake_graph.wait("messages")
    assert call.json["text"]["body"] == "echo: halo"


async def test_an_agents_message_outside_the_24_hour_window_goes_as_the_template(
    db: Database, settings: Settings, fake_graph: FakeGraph
) -> None:
    async with db.session() as session:
        await channel_deliveries.claim_delivery(
            session, "whatsapp", "wamid.OLD", CONVERSATION, datetime.now(UTC) - timedelta(hours=30)
        )

    async with serve(replace(settings, whatsapp_template_name="tindak_lanjut_pengaduan")) as gw:
        await gw.app.ctx.senders.send("whatsapp", CONVERSATION, [{"text": "Kasus Anda selesai."}])

    [template] = fake_graph.messages
    assert template["type"] == "template"
    assert template["template"] == {"name": "tindak_lanjut_pengaduan", "language": {"code": "id"}}


async def test_outside_the_window_without_a_template_nothing_is_sent(
    gateway: Gateway, fake_graph: FakeGraph
) -> None:
    with pytest.raises(DeliveryFailed, match="24-hour window"):
        await gateway.app.ctx.senders.send("whatsapp", CONVERSATION, [{"text": "Halo lagi."}])

    assert fake_graph.messages == []


async def test_both_webhook_routes_are_not_found_while_the_channel_is_off(
    db: Database, settings: Settings
) -> None:
    async with serve(replace(settings, whatsapp_app_secret="")) as gateway:
        verify = await gateway.client.get(
            "/webhooks/whatsapp", params=handshake(WHATSAPP_VERIFY_TOKEN)
        )
        delivery = await gateway.post_delivery(whatsapp_delivery(wa_text(WA_ID, "halo")))

    assert (verify.status_code, delivery.status_code) == (404, 404)
    assert await counts(db) == NOTHING
