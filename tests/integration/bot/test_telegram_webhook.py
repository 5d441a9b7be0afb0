"""Telegram through the real app: the webhook's checks, the transcript, and the Bot API calls.

The webhook answers once the message is stored; the worker asks the bot and the outbox
sends the answers by the Bot API afterwards, so the tests wait for those with a deadline.
"""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import replace
from typing import Any

import pytest

from backend.db.engine import Database
from backend.services import inbox
from backend.settings import Settings
from bot.channels.conventions import UNSUPPORTED_REPLY
from tests.fakes.eventually import eventually
from tests.fakes.payloads import (
    telegram_callback,
    telegram_photo,
    telegram_sticker,
    telegram_text,
)
from tests.fakes.platforms import (
    TELEGRAM_BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET,
    FakeRasa,
    FakeTelegram,
)
from tests.integration.bot.support import NOTHING, Gateway, counts, serve, transcript

CHAT = 5_123_456_789
CONVERSATION = f"telegram-{CHAT}"
MENU = [
    {
        "text": "Halo! Ada yang bisa kami bantu?",
        "buttons": [
            {"title": "Sampaikan pengaduan", "payload": "/complain"},
            {"title": "Cek status pengaduan", "payload": "/check_status"},
        ],
    }
]


async def test_a_message_is_answered_by_send_message_with_an_inline_keyboard(
    gateway: Gateway, fake_rasa: FakeRasa, fake_telegram: FakeTelegram, db: Database
) -> None:
    fake_rasa.script["halo"] = MENU

    response = await gateway.post_update(telegram_text(CHAT, "halo", language="id"))

    assert response.status_code == 200
    [sent] = await fake_telegram.wait("sendMessage")
    assert sent.path == f"/bot{TELEGRAM_BOT_TOKEN}/sendMessage"
    assert sent.params["chat_id"] == str(CHAT)
    assert sent.params["text"] == "Halo! Ada yang bisa kami bantu?"
    assert sent.params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Sampaikan pengaduan", "callback_data": "/complain"}],
            [{"text": "Cek status pengaduan", "callback_data": "/check_status"}],
        ]
    }
    [asked] = fake_rasa.messages
    assert (asked["sender"], asked["message"]) == (CONVERSATION, "halo")
    assert asked["metadata"]["language"] == "id"
    assert asked["metadata"]["channel"] == "telegram"
    stored = await transcript(db, CONVERSATION)
    assert [(sender, text) for sender, text, _ in stored] == [
        ("user", "halo"),
        ("bot", "Halo! Ada yang bisa kami bantu?"),
    ]


async def test_a_click_on_a_button_sends_its_payload_to_the_bot(
    gateway: Gateway, fake_rasa: FakeRasa, fake_telegram: FakeTelegram
) -> None:
    await gateway.post_update(telegram_callback(CHAT, "/complain"))

    await fake_telegram.wait("sendMessage")
    assert [m["message"] for m in fake_rasa.messages] == ["/complain"]
    assert len(await fake_telegram.wait("answerCallbackQuery")) == 1


async def test_a_photo_is_kept_in_the_transcript_as_a_supporting_document(
    gateway: Gateway, fake_telegram: FakeTelegram, db: Database
) -> None:
    await gateway.post_update(telegram_photo(CHAT, caption="bukti transfer"))

    await fake_telegram.wait("sendMessage")
    [(sender, text, payload), _answer] = await transcript(db, CONVERSATION)
    assert (sender, text) == ("user", "/send_document")
    assert payload["attachment"]["file_id"] == "AgACAgUAAxkBAAIBs-large"
    assert payload["attachment"]["file_size"] == 184_512


async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(
    gateway: Gateway, fake_rasa: FakeRasa, fake_telegram: FakeTelegram, db: Database
) -> None:
    wrong = await gateway.post_update(telegram_text(CHAT, "halo"), secret="tg-webhook-guess")
    missing = await gateway.post_update(telegram_text(CHAT, "halo"), secret=None)
    await asyncio.sleep(0.2)

    assert (wrong.status_code, missing.status_code) == (403, 401)
    assert await counts(db) == NOTHING
    assert fake_rasa.messages == []
    assert fake_telegram.named("sendMessage") == []


async def test_malformed_odd_and_oversized_bodies_are_refused(
    gateway: Gateway, db: Database
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_WEBHOOK_SECRET}
    post = gateway.client.post

    malformed = await post("/webhooks/telegram", content=b"{not json", headers=headers)
    a_list = await post("/webhooks/telegram", json=[1, 2], headers=headers)
    not_an_update = await post("/webhooks/telegram", json={"hello": "world"}, headers=headers)
    huge = await post("/webhooks/telegram", content=b" " * 300_000, headers=headers)

    assert malformed.status_code == 400
    assert malformed.json()["error"] == "malformed_json"
    assert a_list.status_code == 400
    assert not_an_update.status_code == 400
    assert huge.status_code == 413
    assert await counts(db) == NOTHING


async def test_an_update_telegram_delivers_twice_is_stored_and_answered_once(
    gateway: Gateway, fake_rasa: FakeRasa, fake_telegram: FakeTelegram, db: Database
) -> None:
    update = telegram_text(CHAT, "halo", update_id=424242)

    first = await gateway.post_update(update)
    again = await gateway.post_update(update)
    await gateway.post_update(telegram_text(CHAT, "masih di sana?"))
    await fake_telegram.wait("sendMessage", count=2)

    assert (first.status_code, again.status_code) == (200, 200)
    assert [m["message"] for m in fake_rasa.messages] == ["halo", "masih di sana?"]
    users = [text for sender, text, _ in await transcript(db, CONVERSATION) if sender == "user"]
    assert users == ["halo", "masih di sana?"]
    assert fake_telegram.sent_texts(CHAT) == ["echo: halo", "echo: masih di sana?"]


async def test_an_update_that_could_not_be_stored_is_refused_and_its_retry_taken_in_once(
    gateway: Gateway,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    update = telegram_text(CHAT, "halo", update_id=515151)
    add_entry = inbox.inbox_repository.add_entry
    failures = [RuntimeError("the database went away")]

    def failing_once(*args: Any, **kwargs: Any) -> None:
        if failures:
            raise failures.pop()
        add_entry(*args, **kwargs)

    monkeypatch.setattr(inbox.inbox_repository, "add_entry", failing_once)

    refused = await gateway.post_update(update)
    stored_then = await counts(db)
    retried = await gateway.post_update(update)
    again = await gateway.post_update(update)
    await fake_telegram.wait("sendMessage")

    assert refused.status_code == 500
    assert stored_then == NOTHING
    assert (retried.status_code, again.status_code) == (200, 200)
    assert [m["message"] for m in fake_rasa.messages] == ["halo"]
    assert [(s, t) for s, t, _ in await transcript(db, CONVERSATION)] == [
        ("user", "halo"),
        ("bot", "echo: halo"),
    ]


async def test_the_webhook_answers_before_the_bot_has(
    gateway: Gateway, fake_rasa: FakeRasa, fake_telegram: FakeTelegram, db: Database
) -> None:
    def slow(sender: str, message: str) -> list[dict[str, Any]]:
        time.sleep(2.0)  # the fake's own thread: the app goes on meanwhile
        return [{"recipient_id": sender, "text": f"echo: {message}"}]

    fake_rasa.reply = slow
    started = time.monotonic()

    response = await gateway.post_update(telegram_text(CHAT, "halo"))

    assert response.status_code == 200
    assert time.monotonic() - started < 1.0
    assert [(s, t) for s, t, _ in await transcript(db, CONVERSATION)] == [("user", "halo")]
    assert fake_telegram.named("sendMessage") == []
    await fake_telegram.wait("sendMessage")
    assert fake_telegram.sent_texts(CHAT) == ["echo: halo"]


async def test_a_sticker_gets_the_polite_reply_through_the_outbox_without_the_bot(
    gateway: Gateway, fake_rasa: FakeRasa, fake_telegram: FakeTelegram, db: Database
) -> None:
    response = await gateway.post_update(telegram_sticker(CHAT))

    assert response.status_code == 200
    await fake_telegram.wait("sendMessage")
    assert fake_telegram.sent_texts(CHAT) == [UNSUPPORTED_REPLY]
    assert fake_rasa.messages == []
    stored = await eventually(lambda: transcript(db, CONVERSATION))
    assert [(s, t) for s, t, _ in stored] == [("bot", UNSUPPORTED_REPLY)]


async def test_the_webhook_is_not_found_while_the_channel_is_off(
    db: Database, settings: Settings
) -> None:
    async with serve(replace(settings, telegram_webhook_secret="")) as gateway:
        response = await gateway.post_update(telegram_text(CHAT, "halo"), secret="anything")

    assert response.status_code == 404
    assert await counts(db) == NOTHING


async def test_with_a_public_url_the_app_registers_its_webhook_and_secret_at_start(
    db: Database, settings: Settings, fake_telegram: FakeTelegram
) -> None:
    url = "https://aduan.example.id/webhooks/telegram"

    async with serve(replace(settings, telegram_webhook_url=url)):
        [registered] = fake_telegram.named("setWebhook")

    assert registered.params["url"] == url
    assert registered.params["secret_token"] == TELEGRAM_WEBHOOK_SECRET
    assert registered.params["allowed_updates"] == ["message", "callback_query"]


async def test_in_polling_mode_updates_come_from_get_updates_and_the_webhook_is_off(
    db: Database, settings: Settings, fake_rasa: FakeRasa, fake_telegram: FakeTelegram
) -> None:
    polling = replace(settings, telegram_mode="polling", telegram_webhook_secret="")

    async with serve(polling) as gateway:
        fake_telegram.push_update(telegram_text(CHAT, "halo dari polling"))
        [sent] = await fake_telegram.wait("sendMessage")
        webhook = await gateway.post_update(telegram_text(CHAT, "halo"), secret="x")

    assert sent.params["text"] == "echo: halo dari polling"
    assert webhook.status_code == 404
    assert fake_telegram.named("deleteWebhook"), "polling first removes any webhook"


async def test_the_app_starts_without_telegram_and_asks_telegram_to_retry_meanwhile(
    db: Database, settings: Settings
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{closed.getsockname()[1]}/bot"

    async with serve(replace(settings, telegram_api_url=unreachable)) as gateway:
        wrong_method = await gateway.client.get("/webhooks/telegram")
        response = await gateway.post_update(telegram_text(CHAT, "halo"))

    assert wrong_method.status_code == 405
    assert response.status_code == 503
    assert await counts(db) == NOTHING
