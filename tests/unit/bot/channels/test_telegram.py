"""Telegram inputs become gateway messages, and the bot's answers become Bot API calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from backend.settings import Settings, SettingsError
from bot.channels.button_payloads import payload_key
from bot.channels.conventions import (
    EXPIRED_BUTTON_REPLY,
    TOO_LONG_REPLY,
    UNAVAILABLE_REPLY,
    UNSUPPORTED_REPLY,
)
from bot.channels.telegram import CALLBACK_DATA_BYTES, TelegramChannel, telegram_enabled
from bot.inbound import Inbound
from tests.fakes.gateway import FakeChannelStore, FakeRouter, MemoryBotApi
from tests.fakes.payloads import (
    telegram_callback,
    telegram_document,
    telegram_location,
    telegram_message,
    telegram_photo,
    telegram_sticker,
    telegram_text,
)

CHAT = 5_123_456_789
SETTINGS = Settings(
    database_url="sqlite+aiosqlite:///:memory:",
    app_api_token="a" * 32,
    rasa_auth_token="b" * 32,
    rasa_url="http://127.0.0.1:9",
    actions_url="http://127.0.0.1:9",
    max_message_chars=4000,
    telegram_bot_token="123456:TEST-token",
    telegram_webhook_secret="tg-secret",
)
LONG_PAYLOAD = '/inform{"category":"debt_collection","user_role":"borrower","priority":"high"}'


@pytest.fixture
def router() -> FakeRouter:
    return FakeRouter()


@pytest.fixture
def store() -> FakeChannelStore:
    return FakeChannelStore()


@pytest.fixture
def api() -> MemoryBotApi:
    return MemoryBotApi()


@pytest.fixture
async def channel(
    router: FakeRouter, store: FakeChannelStore, api: MemoryBotApi
) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(SETTINGS, router, store, request=api)  # type: ignore[arg-type]
    await channel.open()
    yield channel
    await channel.aclose()


async def deliver(channel: TelegramChannel, payload: dict[str, Any]) -> None:
    """Let PTB's handlers process one update, the way the webhook's queue does."""
    bot = channel.application.bot
    await channel.application.process_update(Update.de_json(payload, bot))


def keyboard(params: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return params["reply_markup"]["inline_keyboard"]


async def test_a_text_message_becomes_an_inbound_message_of_the_chats_conversation(
    channel: TelegramChannel, router: FakeRouter, api: MemoryBotApi
) -> None:
    await deliver(channel, telegram_text(CHAT, "Saya mau mengadu", language="en"))

    assert router.inbound == [
        Inbound(f"telegram-{CHAT}", "telegram", "Saya mau mengadu", {"language": "en"})
    ]
    [sent] = api.named("sendMessage")
    assert sent["chat_id"] == CHAT
    assert sent["text"] == "echo: Saya mau mengadu"


async def test_start_greets_through_the_bot(channel: TelegramChannel, router: FakeRouter) -> None:
    await deliver(channel, telegram_text(CHAT, "/start"))

    assert router.texts == ["/greet"]


async def test_status_with_a_register_number_asks_the_bot_for_that_case(
    channel: TelegramChannel, router: FakeRouter
) -> None:
    await deliver(channel, telegram_text(CHAT, "/status KP-2611-00042-X"))
    await deliver(channel, telegram_text(CHAT, "/status"))

    assert router.texts == ['/check_status{"register_number":"KP-2611-00042-X"}', "/check_status"]


async def test_a_button_click_sends_its_payload_and_stops_the_spinner(
    channel: TelegramChannel, router: FakeRouter, api: MemoryBotApi
) -> None:
    await deliver(channel, telegram_callback(CHAT, '/inform{"priority":"high"}'))

    assert router.inbound[0].conversation_id == f"telegram-{CHAT}"
    assert router.texts == ['/inform{"priority":"high"}']
    assert len(api.named("answerCallbackQuery")) == 1


async def test_a_click_still_counts_when_telegram_refuses_to_acknowledge_it(
    channel: TelegramChannel, router: FakeRouter, api: MemoryBotApi
) -> None:
    api.refused["answerCallbackQuery"] = (
        "Bad Request: query is too old and response timeout expired"
    )

    await deliver(channel, telegram_callback(CHAT, "/affirm"))

    assert router.texts == ["/affirm"]


async def test_a_click_on_a_long_payloads_key_sends_the_whole_payload_even_after_a_restart(
    channel: TelegramChannel, router: FakeRouter, store: FakeChannelStore
) -> None:
    store.offered[f"telegram-{CHAT}"] = ["/deny", LONG_PAYLOAD]

    await deliver(channel, telegram_callback(CHAT, payload_key(LONG_PAYLOAD)))

    assert router.texts == [LONG_PAYLOAD]


async def test_a_click_on_an_unknown_key_asks_the_user_to_type_instead(
    channel: TelegramChannel, router: FakeRouter, api: MemoryBotApi
) -> None:
    await deliver(channel, telegram_callback(CHAT, payload_key("/never_offered")))

    assert router.inbound == []
    assert [sent["text"] for sent in api.named("sendMessage")] == [EXPIRED_BUTTON_REPLY]


async def test_a_photo_is_recorded_as_a_supporting_document_with_its_largest_file(
    channel: TelegramChannel, router: FakeRouter
) -> None:
    await deliver(channel, telegram_photo(CHAT, caption="bukti transfer"))

    [inbound] = router.inbound
    assert inbound.text == "/send_document"
    assert inbound.metadata["attachment"] == {
        "kind": "photo",
        "file_id": "AgACAgUAAxkBAAIBs-large",
        "file_unique_id": "AQADs3",
        "mime_type": "image/jpeg",
        "file_size": 184_512,
        "caption": "bukti transfer",
    }


async def test_a_file_is_recorded_with_its_name_type_and_size(
    channel: TelegramChannel, router: FakeRouter
) -> None:
    await deliver(channel, telegram_document(CHAT))

    [inbound] = router.inbound
    assert inbound.metadata["attachment"] == {
        "kind": "document",
        "file_id": "BQACAgUAAxkBAAIBtGZ-doc",
        "file_unique_id": "AgADtG",
        "file_name": "bukti_transfer.pdf",
        "mime_type": "application/pdf",
        "file_size": 48_213,
    }


@pytest.mark.parametrize("payload", [telegram_sticker(CHAT), telegram_location(CHAT)])
async def test_stickers_and_locations_get_a_polite_reply_and_reach_nobody(
    channel: TelegramChannel, router: FakeRouter, api: MemoryBotApi, payload: dict[str, Any]
) -> None:
    await deliver(channel, payload)

    assert router.inbound == []
    assert [sent["text"] for sent in api.named("sendMessage")] == [UNSUPPORTED_REPLY]


async def test_messages_in_group_chats_are_ignored(
    channel: TelegramChannel, router: FakeRouter, api: MemoryBotApi
) -> None:
    update = telegram_text(CHAT, "halo")
    update["message"]["chat"] = {"id": -1001234567890, "title": "Grup", "type": "supergroup"}

    await deliver(channel, update)

    assert router.inbound == []
    assert api.named("sendMessage") == []


async def test_an_overlong_message_is_refused_politely_without_reaching_the_bot(
    channel: TelegramChannel, router: FakeRouter, api: MemoryBotApi
) -> None:
    await deliver(channel, telegram_text(CHAT, "x" * 4001))

    assert router.inbound == []
    assert [sent["text"] for sent in api.named("sendMessage")] == [TOO_LONG_REPLY]


async def test_when_the_assistant_is_down_the_user_is_told_the_message_was_saved(
    channel: TelegramChannel, router: FakeRouter, api: MemoryBotApi
) -> None:
    router.down = True

    await deliver(channel, telegram_text(CHAT, "halo"))

    assert [sent["text"] for sent in api.named("sendMessage")] == [UNAVAILABLE_REPLY]


async def test_answer_buttons_become_an_inline_keyboard_whose_callback_data_is_the_payload(
    channel: TelegramChannel, api: MemoryBotApi
) -> None:
    buttons = [
        {"title": "Pengguna layanan", "payload": '/inform{"complainant_type":"user"}'},
        {"title": "Pelapor", "payload": '/inform{"complainant_type":"reporter"}'},
    ]

    await channel.send(f"telegram-{CHAT}", [{"text": "Anda siapa?", "buttons": buttons}])

    [sent] = api.named("sendMessage")
    assert sent["text"] == "Anda siapa?"
    assert keyboard(sent) == [
        [{"text": "Pengguna layanan", "callback_data": '/inform{"complainant_type":"user"}'}],
        [{"text": "Pelapor", "callback_data": '/inform{"complainant_type":"reporter"}'}],
    ]


async def test_short_choices_like_a_rating_share_one_row(
    channel: TelegramChannel, api: MemoryBotApi
) -> None:
    buttons = [{"title": str(n), "payload": f'/rate{{"rating":{n}}}'} for n in range(1, 6)]

    await channel.send(f"telegram-{CHAT}", [{"text": "Nilai chat ini:", "buttons": buttons}])

    [row] = keyboard(api.named("sendMessage")[0])
    assert [key["text"] for key in row] == ["1", "2", "3", "4", "5"]


async def test_a_payload_over_64_bytes_travels_as_a_short_key_that_resolves_back(
    channel: TelegramChannel, api: MemoryBotApi
) -> None:
    assert len(LONG_PAYLOAD.encode()) > CALLBACK_DATA_BYTES
    buttons = [{"title": "Ya", "payload": LONG_PAYLOAD}]

    await channel.send(f"telegram-{CHAT}", [{"text": "Benar?", "buttons": buttons}])

    data = keyboard(api.named("sendMessage")[0])[0][0]["callback_data"]
    assert len(data.encode()) <= CALLBACK_DATA_BYTES
    assert await channel.payloads.decode(f"telegram-{CHAT}", data) == LONG_PAYLOAD


async def test_a_long_answer_is_split_and_the_keyboard_goes_under_the_last_piece(
    channel: TelegramChannel, api: MemoryBotApi
) -> None:
    text = ("Kronologi pengaduan. " * 300).strip()
    buttons = [{"title": "Ya", "payload": "/affirm"}]

    await channel.send(f"telegram-{CHAT}", [{"text": text, "buttons": buttons}])

    pieces = api.named("sendMessage")
    assert len(pieces) == 2
    assert all(len(piece["text"]) <= 4096 for piece in pieces)
    assert "reply_markup" not in pieces[0]
    assert keyboard(pieces[1]) == [[{"text": "Ya", "callback_data": "/affirm"}]]


async def test_an_image_answer_is_sent_as_a_photo(
    channel: TelegramChannel, api: MemoryBotApi
) -> None:
    await channel.send(f"telegram-{CHAT}", [{"image": "https://example.com/alur.png"}])

    assert api.named("sendMessage") == []
    assert api.named("sendPhoto")[0]["photo"] == "https://example.com/alur.png"


async def test_an_update_is_queued_once_even_when_telegram_delivers_it_twice(
    channel: TelegramChannel, store: FakeChannelStore
) -> None:
    update = telegram_message(CHAT, 777, text="halo")

    assert await channel.receive(update) is True
    assert await channel.receive(update) is False
    assert list(store.deliveries) == [("telegram", "777")]


@pytest.mark.parametrize(
    ("changes", "enabled"),
    [
        ({}, True),
        ({"telegram_bot_token": ""}, False),
        ({"telegram_webhook_secret": ""}, False),
        ({"telegram_webhook_secret": "", "telegram_mode": "polling"}, True),
    ],
)
def test_the_channel_is_on_only_with_a_token_and_a_webhook_secret_unless_it_polls(
    changes: dict[str, str], enabled: bool
) -> None:
    assert telegram_enabled(replace(SETTINGS, **changes)) is enabled


def test_the_mode_is_read_from_the_environment_and_anything_but_webhook_or_polling_refused(
    tmp_path: Path,
) -> None:
    tokens = {"APP_API_TOKEN": "a" * 32, "RASA_AUTH_TOKEN": "b" * 32}
    none = tmp_path / "none"

    assert Settings.from_env(tokens, env_file=none).telegram_mode == "webhook"
    assert Settings.from_env(
        {**tokens, "TELEGRAM_MODE": "Polling"}, env_file=none
    ).telegram_mode == ("polling")
    with pytest.raises(SettingsError, match="TELEGRAM_MODE"):
        Settings.from_env({**tokens, "TELEGRAM_MODE": "push"}, env_file=none)
