"""Telegram inputs become stored gateway messages, and the outbox's answers Bot API calls."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from backend.services.ports import DeliveryFailed
from backend.settings import Settings, SettingsError
from bot.channels.button_payloads import payload_key
from bot.channels.conventions import EXPIRED_BUTTON_REPLY, TOO_LONG_REPLY, UNSUPPORTED_REPLY
from bot.channels.telegram import (
    CALLBACK_DATA_BYTES,
    TelegramChannel,
    UpdateNotTaken,
    telegram_enabled,
)
from bot.inbound import Inbound
from tests.fakes.eventually import eventually
from tests.fakes.gateway import FakeChannelStore, FakeIntake, MemoryBotApi
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
CONVERSATION = f"telegram-{CHAT}"
SETTINGS = Settings(
    database_url="sqlite+aiosqlite:///:memory:",
    app_api_token="a" * 32,
    rasa_auth_token="b" * 32,
    rasa_url="http://127.0.0.1:9",
    actions_url="http://127.0.0.1:9",
    max_message_chars=4000,
    telegram_bot_token="123456:TEST-token",
    telegram_webhook_secret="tg-secret",
    telegram_webhook_url="https://aduan.example.id/webhooks/telegram",
)
LONG_PAYLOAD = '/inform{"category":"debt_collection","user_role":"borrower","priority":"high"}'


@pytest.fixture
def store() -> FakeChannelStore:
    return FakeChannelStore()


@pytest.fixture
def intake(store: FakeChannelStore) -> FakeIntake:
    return FakeIntake(store)


@pytest.fixture
def api() -> MemoryBotApi:
    return MemoryBotApi()


@pytest.fixture
def kicked() -> list[str]:
    return []


@pytest.fixture
async def channel(
    intake: FakeIntake, store: FakeChannelStore, api: MemoryBotApi, kicked: list[str]
) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(
        SETTINGS,
        intake,
        store,  # type: ignore[arg-type]
        kick=kicked.append,
        request=api,
    )
    await channel.open()
    yield channel
    await channel.aclose()


async def deliver(channel: TelegramChannel, payload: dict[str, Any]) -> None:
    """Take one update in the way the webhook does: its handlers run before the answer."""
    await channel.receive(channel.parse(payload))


def keyboard(params: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return params["reply_markup"]["inline_keyboard"]


async def test_a_text_message_is_stored_with_the_update_id_and_nothing_is_sent_yet(
    channel: TelegramChannel, intake: FakeIntake, api: MemoryBotApi
) -> None:
    update = telegram_text(CHAT, "Saya mau mengadu", update_id=31337, language="en")

    await deliver(channel, update)

    [(inbound, external_id, sent_at)] = intake.taken
    assert inbound == Inbound(CONVERSATION, "telegram", "Saya mau mengadu", {"language": "en"})
    assert external_id == "31337"
    assert sent_at is not None
    assert api.named("sendMessage") == [], "the outbox sends the answers, not the webhook"


async def test_start_greets_through_the_bot(channel: TelegramChannel, intake: FakeIntake) -> None:
    await deliver(channel, telegram_text(CHAT, "/start"))

    assert intake.texts == ["/greet"]


async def test_status_with_a_register_number_asks_the_bot_for_that_case(
    channel: TelegramChannel, intake: FakeIntake
) -> None:
    await deliver(channel, telegram_text(CHAT, "/status KP-2611-00042-X"))
    await deliver(channel, telegram_text(CHAT, "/status"))

    assert intake.texts == ['/check_status{"register_number":"KP-2611-00042-X"}', "/check_status"]


async def test_a_button_click_stores_its_payload_and_stops_the_spinner(
    channel: TelegramChannel, intake: FakeIntake, api: MemoryBotApi
) -> None:
    await deliver(channel, telegram_callback(CHAT, '/inform{"priority":"high"}', update_id=4040))

    [(inbound, external_id, _)] = intake.taken
    assert (inbound.conversation_id, inbound.text) == (CONVERSATION, '/inform{"priority":"high"}')
    assert external_id == "4040"
    await eventually(lambda: api.named("answerCallbackQuery"))


async def test_a_slow_acknowledgement_of_a_click_does_not_hold_the_webhook(
    channel: TelegramChannel, intake: FakeIntake, api: MemoryBotApi
) -> None:
    api.slow["answerCallbackQuery"] = 2.0
    started = time.monotonic()

    await deliver(channel, telegram_callback(CHAT, "/affirm"))

    assert time.monotonic() - started < 1.0
    assert intake.texts == ["/affirm"]


async def test_a_click_still_counts_when_telegram_refuses_to_acknowledge_it(
    channel: TelegramChannel, intake: FakeIntake, api: MemoryBotApi
) -> None:
    api.refused["answerCallbackQuery"] = (
        "Bad Request: query is too old and response timeout expired"
    )

    await deliver(channel, telegram_callback(CHAT, "/affirm"))

    assert intake.texts == ["/affirm"]
    await eventually(lambda: api.named("answerCallbackQuery"))


async def test_a_click_on_a_long_payloads_key_sends_the_whole_payload_even_after_a_restart(
    channel: TelegramChannel, intake: FakeIntake, store: FakeChannelStore
) -> None:
    store.offered[CONVERSATION] = ["/deny", LONG_PAYLOAD]

    await deliver(channel, telegram_callback(CHAT, payload_key(LONG_PAYLOAD)))

    assert intake.texts == [LONG_PAYLOAD]


async def test_a_click_on_an_unknown_key_gets_the_reply_to_type_instead_through_the_outbox(
    channel: TelegramChannel,
    intake: FakeIntake,
    store: FakeChannelStore,
    api: MemoryBotApi,
    kicked: list[str],
) -> None:
    await deliver(channel, telegram_callback(CHAT, payload_key("/never_offered")))

    assert intake.inbound == []
    assert store.replies == [(CONVERSATION, EXPIRED_BUTTON_REPLY)]
    assert kicked == [CONVERSATION]
    assert api.named("sendMessage") == []


async def test_a_photo_is_recorded_as_a_supporting_document_with_its_largest_file(
    channel: TelegramChannel, intake: FakeIntake
) -> None:
    await deliver(channel, telegram_photo(CHAT, caption="bukti transfer"))

    [inbound] = intake.inbound
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
    channel: TelegramChannel, intake: FakeIntake
) -> None:
    await deliver(channel, telegram_document(CHAT))

    [inbound] = intake.inbound
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
    channel: TelegramChannel,
    intake: FakeIntake,
    store: FakeChannelStore,
    kicked: list[str],
    payload: dict[str, Any],
) -> None:
    await deliver(channel, payload)

    assert intake.inbound == []
    assert store.replies == [(CONVERSATION, UNSUPPORTED_REPLY)]
    assert kicked == [CONVERSATION]


async def test_a_retried_unsupported_update_is_replied_to_once(
    channel: TelegramChannel, store: FakeChannelStore, kicked: list[str]
) -> None:
    sticker = telegram_sticker(CHAT)

    await deliver(channel, sticker)
    await deliver(channel, sticker)

    assert store.replies == [(CONVERSATION, UNSUPPORTED_REPLY)]
    assert kicked == [CONVERSATION]


async def test_messages_in_group_chats_are_ignored(
    channel: TelegramChannel, intake: FakeIntake, store: FakeChannelStore
) -> None:
    update = telegram_text(CHAT, "halo")
    update["message"]["chat"] = {"id": -1001234567890, "title": "Grup", "type": "supergroup"}

    await deliver(channel, update)

    assert intake.inbound == []
    assert store.replies == []


async def test_an_overlong_message_is_refused_politely_without_reaching_the_bot(
    channel: TelegramChannel, intake: FakeIntake, store: FakeChannelStore
) -> None:
    await deliver(channel, telegram_text(CHAT, "x" * 4001))

    assert intake.inbound == []
    assert store.replies == [(CONVERSATION, TOO_LONG_REPLY)]


async def test_an_update_telegram_delivers_twice_is_stored_once(
    channel: TelegramChannel, intake: FakeIntake
) -> None:
    update = telegram_message(CHAT, 777, text="halo")

    await deliver(channel, update)
    await deliver(channel, update)

    assert [(inbound.text, external_id) for inbound, external_id, _ in intake.taken] == [
        ("halo", "777")
    ]


async def test_an_update_whose_storing_fails_is_refused_and_its_retry_taken_in(
    channel: TelegramChannel, intake: FakeIntake
) -> None:
    update = telegram_message(CHAT, 778, text="halo")
    intake.broken = 1

    with pytest.raises(UpdateNotTaken):
        await deliver(channel, update)
    assert intake.inbound == []

    await deliver(channel, update)
    await deliver(channel, update)

    assert intake.texts == ["halo"]


async def test_a_fixed_reply_that_cannot_be_recorded_refuses_the_update(
    channel: TelegramChannel, store: FakeChannelStore
) -> None:
    store.broken = True

    with pytest.raises(UpdateNotTaken):
        await deliver(channel, telegram_sticker(CHAT))


async def test_a_sending_only_channel_neither_polls_nor_sets_a_webhook_but_sends(
    intake: FakeIntake, store: FakeChannelStore, api: MemoryBotApi
) -> None:
    for mode in ("webhook", "polling"):
        sender = TelegramChannel(
            replace(SETTINGS, telegram_mode=mode),
            intake,
            store,  # type: ignore[arg-type]
            receive=False,
            request=api,
        )
        await sender.open()
        await sender.send(CONVERSATION, [{"text": "Kasus Anda selesai."}])
        await sender.aclose()

        assert not sender.polling
        assert sender.application.updater is None
    assert [name for name, _ in api.calls] == ["getMe", "sendMessage"] * 2


async def test_a_refusal_of_telegram_is_a_failed_delivery_that_no_retry_can_mend(
    channel: TelegramChannel, api: MemoryBotApi
) -> None:
    api.refused["sendMessage"] = "Bad Request: chat not found"

    with pytest.raises(DeliveryFailed) as raised:
        await channel.send(CONVERSATION, [{"text": "Halo"}])

    assert raised.value.permanent


async def test_answer_buttons_become_an_inline_keyboard_whose_callback_data_is_the_payload(
    channel: TelegramChannel, api: MemoryBotApi
) -> None:
    buttons = [
        {"title": "Pengguna layanan", "payload": '/inform{"complainant_type":"user"}'},
        {"title": "Pelapor", "payload": '/inform{"complainant_type":"reporter"}'},
    ]

    await channel.send(CONVERSATION, [{"text": "Anda siapa?", "buttons": buttons}])

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

    await channel.send(CONVERSATION, [{"text": "Nilai chat ini:", "buttons": buttons}])

    [row] = keyboard(api.named("sendMessage")[0])
    assert [key["text"] for key in row] == ["1", "2", "3", "4", "5"]


async def test_a_payload_over_64_bytes_travels_as_a_short_key_that_resolves_back(
    channel: TelegramChannel, api: MemoryBotApi
) -> None:
    assert len(LONG_PAYLOAD.encode()) > CALLBACK_DATA_BYTES
    buttons = [{"title": "Ya", "payload": LONG_PAYLOAD}]

    await channel.send(CONVERSATION, [{"text": "Benar?", "buttons": buttons}])

    data = keyboard(api.named("sendMessage")[0])[0][0]["callback_data"]
    assert len(data.encode()) <= CALLBACK_DATA_BYTES
    assert await channel.payloads.decode(CONVERSATION, data) == LONG_PAYLOAD


async def test_a_long_answer_is_split_and_the_keyboard_goes_under_the_last_piece(
    channel: TelegramChannel, api: MemoryBotApi
) -> None:
    text = ("Kronologi pengaduan. " * 300).strip()
    buttons = [{"title": "Ya", "payload": "/affirm"}]

    await channel.send(CONVERSATION, [{"text": text, "buttons": buttons}])

    pieces = api.named("sendMessage")
    assert len(pieces) == 2
    assert all(len(piece["text"]) <= 4096 for piece in pieces)
    assert "reply_markup" not in pieces[0]
    assert keyboard(pieces[1]) == [[{"text": "Ya", "callback_data": "/affirm"}]]


async def test_an_image_answer_is_sent_as_a_photo(
    channel: TelegramChannel, api: MemoryBotApi
) -> None:
    await channel.send(CONVERSATION, [{"image": "https://example.com/alur.png"}])

    assert api.named("sendMessage") == []
    assert api.named("sendPhoto")[0]["photo"] == "https://example.com/alur.png"


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
