"""Telegram and WhatsApp on the durable path, against the database: the real Intake and outbox.

The channels store each message (with the platform's id) before their webhook answers;
what they reply without the bot is recorded with an outbox entry and sent by the outbox's
dispatcher through the channel's own sender.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.db.channel_tables import ChannelDelivery
from backend.db.delivery_tables import InboxEntry, OutboxEntry
from backend.db.engine import Database
from backend.services import inbox, record_message
from backend.services.outbox import Dispatcher
from backend.settings import Settings
from bot.channel_senders import ChannelSenders
from bot.channels.conventions import UNSUPPORTED_REPLY
from bot.channels.store import ChannelStore
from bot.channels.telegram import TelegramChannel, UpdateNotTaken
from bot.channels.whatsapp import WhatsAppChannel
from bot.intake import Intake
from tests.fakes.gateway import MemoryBotApi
from tests.fakes.payloads import (
    telegram_callback,
    telegram_message,
    telegram_sticker,
    wa_button_reply,
    wa_list_reply,
    wa_sticker,
    wa_text,
    whatsapp_delivery,
)
from tests.fakes.platforms import WHATSAPP_PHONE_NUMBER_ID
from tests.integration.bot.support import transcript

CHAT = 5_123_456_789
TELEGRAM = f"telegram-{CHAT}"
WA_ID = "6281234567890"
WHATSAPP = f"whatsapp-{WA_ID}"
SETTINGS = Settings(
    database_url="sqlite+aiosqlite:///:memory:",
    app_api_token="a" * 32,
    rasa_auth_token="b" * 32,
    rasa_url="http://127.0.0.1:9",
    actions_url="http://127.0.0.1:9",
    telegram_bot_token="123456:TEST-token",
    telegram_webhook_secret="tg-secret",
    whatsapp_verify_token="verify-me",
    whatsapp_app_secret="meta-app-secret",
    whatsapp_access_token="EAAG-test-token",
    whatsapp_phone_number_id=WHATSAPP_PHONE_NUMBER_ID,
)


@dataclass
class Queue:
    """The TurnQueue port: the conversations it was told about."""

    enqueued: list[str] = field(default_factory=list)

    async def enqueue(self, conversation_id: str, /) -> None:
        self.enqueued.append(conversation_id)

    def claim(self, conversation_id: str, /) -> None:
        return None  # every turn is queued: these tests look at what was taken in


class NoBus:
    """`take` publishes nothing; the EventBus is only needed to build the Intake."""

    async def publish(self, topic: str, event: Any, /) -> None:
        raise AssertionError("not used")

    def subscribe(self, topic: str, /) -> Any:
        raise AssertionError("not used")


class RecordingClient:
    """Stands in for WhatsAppClient: keeps the Graph messages it is asked to send."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, message: dict[str, Any]) -> str:
        self.sent.append(message)
        return f"wamid.OUT{len(self.sent)}"

    async def aclose(self) -> None:
        """Nothing to close."""


@dataclass
class Platforms:
    telegram: TelegramChannel
    whatsapp: WhatsAppChannel
    queue: Queue
    api: MemoryBotApi
    graph: RecordingClient
    dispatcher: Dispatcher


@pytest.fixture
async def platforms(db: Database) -> AsyncIterator[Platforms]:
    queue, api, graph = Queue(), MemoryBotApi(), RecordingClient()
    intake = Intake(db, queue, NoBus(), lambda: datetime.now(UTC), wait_seconds=1.0)
    store = ChannelStore(db)
    senders = ChannelSenders()
    dispatcher = Dispatcher(db, senders)
    telegram = TelegramChannel(SETTINGS, intake, store, kick=dispatcher.kick, request=api)
    whatsapp = WhatsAppChannel(SETTINGS, intake, store, graph, kick=dispatcher.kick)  # type: ignore[arg-type]
    senders.register(telegram)
    senders.register(whatsapp)
    await telegram.open()
    try:
        yield Platforms(telegram, whatsapp, queue, api, graph, dispatcher)
    finally:
        await dispatcher.aclose()
        await senders.aclose()


async def count(db: Database, table: Any) -> int:
    async with db.session() as session:
        return (await session.execute(select(func.count()).select_from(table))).scalar_one()


async def receive(telegram: TelegramChannel, payload: dict[str, Any]) -> None:
    await telegram.receive(telegram.parse(payload))


async def test_a_telegram_update_is_stored_with_its_inbox_entry_and_turn_queued(
    db: Database, platforms: Platforms
) -> None:
    await receive(platforms.telegram, telegram_message(CHAT, 9001, text="halo"))

    assert [(s, t) for s, t, _ in await transcript(db, TELEGRAM)] == [("user", "halo")]
    async with db.session() as session:
        [entry] = (await session.execute(select(InboxEntry))).scalars().all()
        outcome = await inbox.turn_outcome(session, entry.message_id)
    assert (entry.external_id, entry.state) == ("9001", "queued")
    assert outcome is not None and outcome.answers == []
    assert platforms.queue.enqueued == [TELEGRAM]
    assert platforms.api.named("sendMessage") == []


async def test_a_telegram_update_delivered_twice_is_stored_once(
    db: Database, platforms: Platforms
) -> None:
    update = telegram_message(CHAT, 9002, text="halo")

    await receive(platforms.telegram, update)
    await receive(platforms.telegram, update)

    assert len(await transcript(db, TELEGRAM)) == 1
    assert await count(db, ChannelDelivery) == 1
    assert platforms.queue.enqueued == [TELEGRAM]


async def test_a_telegram_update_whose_storing_fails_leaves_nothing_and_its_retry_is_stored(
    db: Database, platforms: Platforms, monkeypatch: pytest.MonkeyPatch
) -> None:
    update = telegram_message(CHAT, 9003, text="halo")
    add_entry = inbox.inbox_repository.add_entry
    failures = [RuntimeError("the database went away")]

    def failing(*args: Any, **kwargs: Any) -> None:
        if failures:
            raise failures.pop()
        add_entry(*args, **kwargs)

    monkeypatch.setattr(inbox.inbox_repository, "add_entry", failing)

    with pytest.raises(UpdateNotTaken):
        await receive(platforms.telegram, update)
    assert await transcript(db, TELEGRAM) == []
    assert await count(db, ChannelDelivery) == 0

    await receive(platforms.telegram, update)
    await receive(platforms.telegram, update)

    assert [(s, t) for s, t, _ in await transcript(db, TELEGRAM)] == [("user", "halo")]
    assert await count(db, InboxEntry) == 1


async def test_a_telegram_sticker_gets_its_reply_through_the_outbox_once(
    db: Database, platforms: Platforms
) -> None:
    sticker = telegram_sticker(CHAT)

    await receive(platforms.telegram, sticker)
    await receive(platforms.telegram, sticker)
    await platforms.dispatcher.aclose()

    assert [(s, t) for s, t, _ in await transcript(db, TELEGRAM)] == [("bot", UNSUPPORTED_REPLY)]
    assert [sent["text"] for sent in platforms.api.named("sendMessage")] == [UNSUPPORTED_REPLY]
    assert platforms.queue.enqueued == []
    async with db.session() as session:
        [entry] = (await session.execute(select(OutboxEntry))).scalars().all()
    assert entry.state == "sent"


async def test_whatsapp_messages_are_stored_once_and_a_sticker_replied_to_through_the_outbox(
    db: Database, platforms: Platforms
) -> None:
    delivery = whatsapp_delivery(wa_text(WA_ID, "halo", "wamid.IN1"), wa_sticker(WA_ID))

    assert await platforms.whatsapp.take(delivery) == 2
    assert await platforms.whatsapp.take(delivery) == 0
    await platforms.dispatcher.aclose()

    stored = [(s, t) for s, t, _ in await transcript(db, WHATSAPP)]
    assert stored == [("user", "halo"), ("bot", UNSUPPORTED_REPLY)]
    assert [m["text"]["body"] for m in platforms.graph.sent] == [UNSUPPORTED_REPLY]
    assert platforms.queue.enqueued == [WHATSAPP]
    assert await count(db, ChannelDelivery) == 2


async def test_a_whatsapp_delivery_whose_storing_fails_leaves_nothing_and_is_taken_on_retry(
    db: Database, platforms: Platforms, monkeypatch: pytest.MonkeyPatch
) -> None:
    delivery = whatsapp_delivery(wa_text(WA_ID, "halo", "wamid.IN2"))
    add_entry = inbox.inbox_repository.add_entry
    failures = [RuntimeError("the database went away")]

    def failing(*args: Any, **kwargs: Any) -> None:
        if failures:
            raise failures.pop()
        add_entry(*args, **kwargs)

    monkeypatch.setattr(inbox.inbox_repository, "add_entry", failing)

    with pytest.raises(RuntimeError):
        await platforms.whatsapp.take(delivery)
    assert await transcript(db, WHATSAPP) == []
    assert await count(db, ChannelDelivery) == 0

    assert await platforms.whatsapp.take(delivery) == 1
    assert [(s, t) for s, t, _ in await transcript(db, WHATSAPP)] == [("user", "halo")]


WHO = '/inform{"complainant_type":"user"}'
WHO_TITLE = "Pengguna layanan KreditPro (peminjam/pemberi dana)"
OFFER = {
    "text": "Anda menghubungi kami sebagai?",
    "buttons": [
        {"title": WHO_TITLE, "payload": WHO},
        {"title": "Bukan pengguna", "payload": '/inform{"complainant_type":"reporter"}'},
    ],
}


async def offer(db: Database, conversation_id: str, channel: str) -> None:
    """The bot's question with its buttons, as the worker records it."""
    async with db.session() as session:
        await record_message(session, conversation_id, channel, "bot", OFFER["text"], OFFER)


async def test_a_telegram_click_stores_the_offered_button_s_title_beside_its_payload(
    db: Database, platforms: Platforms
) -> None:
    await offer(db, TELEGRAM, "telegram")
    keyboard = [(b["title"], b["payload"]) for b in OFFER["buttons"]]

    await receive(platforms.telegram, telegram_callback(CHAT, WHO, keyboard=keyboard))

    [*_, (sender, text, payload)] = await transcript(db, TELEGRAM)
    assert (sender, text, payload["display"]) == ("user", WHO, WHO_TITLE)


async def test_a_telegram_click_on_a_button_no_longer_stored_shows_the_keyboard_s_text(
    db: Database, platforms: Platforms
) -> None:
    update = telegram_callback(CHAT, "/affirm", keyboard=[("Ya, benar", "/affirm")])

    await receive(platforms.telegram, update)

    [(_, text, payload)] = await transcript(db, TELEGRAM)
    assert (text, payload["display"]) == ("/affirm", "Ya, benar")


async def test_a_whatsapp_reply_button_shows_the_full_title_rather_than_the_cut_one(
    db: Database, platforms: Platforms
) -> None:
    await offer(db, WHATSAPP, "whatsapp")

    await platforms.whatsapp.take(whatsapp_delivery(wa_button_reply(WA_ID, WHO, WHO_TITLE[:20])))

    [*_, (sender, text, payload)] = await transcript(db, WHATSAPP)
    assert (sender, text, payload["display"]) == ("user", WHO, WHO_TITLE)


async def test_a_whatsapp_list_choice_shows_the_row_title_whatsapp_reports(
    db: Database, platforms: Platforms
) -> None:
    reply = wa_list_reply(WA_ID, '/rate{"rating":3}', "3", "Cukup")

    await platforms.whatsapp.take(whatsapp_delivery(reply))

    [(_, text, payload)] = await transcript(db, WHATSAPP)
    assert (text, payload["display"]) == ('/rate{"rating":3}', "3")


async def test_a_typed_message_keeps_no_display_text(db: Database, platforms: Platforms) -> None:
    await offer(db, WHATSAPP, "whatsapp")

    await platforms.whatsapp.take(whatsapp_delivery(wa_text(WA_ID, "saya peminjam")))

    [*_, (_, text, payload)] = await transcript(db, WHATSAPP)
    assert text == "saya peminjam" and "display" not in (payload or {})
