"""The widget channel on the durable path: two WebChannel instances on one bus are two replicas.

The messages are really stored (the `db` fixture) and taken in by the real intake; the bus
is the in-process fake; the sockets are fakes that keep what they were sent.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.db.engine import Database
from backend.db.tables import Message
from backend.domain.calendar import WorkingCalendar
from backend.services.chat_events import chat_topic, turn_event
from backend.services.conversations import record_message
from backend.services.handoff import request_handoff
from backend.services.outbox import Dispatcher
from backend.services.ports import Answer, DeliveryFailed
from backend.services.turns import Turns
from backend.settings import Settings
from backend.storage import DocumentStore
from bot.channel_senders import ChannelSenders
from bot.channels.web_channel import WebChannel
from bot.channels.web_transcript import load_transcript
from bot.inbound import Inbound
from bot.intake import Intake
from tests.fakes.bus import FakeBus

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
AT = NOW.isoformat()  # a message's time as the widget gets it


class FakeQueue:
    """The turn queue: remembers which conversations were notified."""

    def __init__(self) -> None:
        self.notified: list[str] = []

    async def enqueue(self, conversation_id: str, /) -> None:
        self.notified.append(conversation_id)


class FakeSocket:
    """A widget socket: the frames it was sent, decoded."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.closed: tuple[int, str] | None = None

    async def send(self, data: str) -> None:
        self.frames.append(json.loads(data))

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed = (code, reason)

    def answers(self) -> list[dict[str, Any]]:
        return [frame for frame in self.frames if frame["type"] == "answers"]


class EchoBot:
    """The Responder port: answers every message with its echo."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def answer(
        self, conversation_id: str, text: str, metadata: Mapping[str, Any], /
    ) -> list[Answer]:
        self.asked.append(text)
        return [{"recipient_id": conversation_id, "text": f"echo: {text}"}]

    async def keep_user_message(
        self, conversation_id: str, text: str, metadata: Mapping[str, Any], /
    ) -> None:
        self.asked.append(text)

    async def answers_given(self, conversation_id: str, message_id: int, /) -> list[Answer] | None:
        return None


class Replica:
    """One server: its intake and web channel, on the shared database and bus."""

    def __init__(self, settings: Settings, db: Database, bus: FakeBus, tmp_path: Path) -> None:
        self.queue = FakeQueue()
        self.intake = Intake(db, self.queue, bus, clock, wait_seconds=1.0)
        self.web = WebChannel(
            settings, self.intake, db, DocumentStore(tmp_path / "documents"), clock, bus
        )
        self.senders = ChannelSenders()
        self.senders.register(self.web)

    async def connect(self, conversation_id: str, after: int | None = None) -> FakeSocket:
        """A widget socket joined to the conversation here, caught up from `after`."""
        socket = FakeSocket()
        self.web.join(conversation_id, socket)
        await self.web.catch_up(conversation_id, socket, after)
        return socket


def clock() -> datetime:
    return NOW


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url="sqlite+aiosqlite:///:memory:",
        app_api_token="a" * 32,
        rasa_auth_token="b" * 32,
        rasa_url="http://127.0.0.1:9",
        actions_url="http://127.0.0.1:9",
        widget_secret="w" * 32,
        var_dir=tmp_path / "var",
    )


@pytest.fixture
def bus() -> FakeBus:
    return FakeBus()


@pytest.fixture
async def replicas(settings: Settings, db: Database, bus: FakeBus, tmp_path: Path) -> Any:
    first = Replica(settings, db, bus, tmp_path)
    second = Replica(settings, db, bus, tmp_path)
    yield first, second
    await first.web.aclose()
    await second.web.aclose()


def inbound(conversation_id: str, text: str) -> Inbound:
    return Inbound(conversation_id, "web", text)


async def settled(condition: Callable[[], bool]) -> None:
    """Let the pumps run until `condition` holds (at most 3 seconds)."""
    for _ in range(600):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never held")


async def user_messages(db: Database, conversation_id: str) -> list[str]:
    async with db.session() as session:
        result = await session.execute(
            select(Message.text)
            .where(Message.conversation_id == conversation_id, Message.sender == "user")
            .order_by(Message.id)
        )
        return list(result.scalars())


async def say_as(db: Database, conversation_id: str, sender: str, text: str) -> int:
    """Store a bot or agent message (as the worker or the live chat would); its id."""
    async with db.session() as session:
        payload = {"text": text, **({"agent_name": "Rina"} if sender == "agent" else {})}
        await record_message(session, conversation_id, "web", sender, text, payload, now=NOW)
        result = await session.execute(select(func.max(Message.id)))
        return int(result.scalar_one())


async def test_a_widget_message_is_stored_queued_and_acknowledged_at_once(
    replicas: tuple[Replica, Replica], db: Database
) -> None:
    first, _ = replicas

    reply = await first.web.handle(inbound("web-chat1", "halo"), "m1")

    assert reply["type"] == "received"
    assert reply["reply_to"] == "m1"
    assert reply["handled_by"] == "bot"
    assert isinstance(reply["message_id"], int)
    assert await user_messages(db, "web-chat1") == ["halo"]
    assert first.queue.notified == ["web-chat1"]


async def test_a_client_id_sent_to_both_replicas_is_stored_once(
    replicas: tuple[Replica, Replica], db: Database
) -> None:
    first, second = replicas

    taken = await first.web.handle(inbound("web-chat1", "halo"), "same-id")
    again = await second.web.handle(inbound("web-chat1", "halo"), "same-id")
    other = await second.web.handle(inbound("web-chat1", "halo"), "other-id")

    assert taken["type"] == "received"
    assert again == {
        "type": "answers",
        "sender": "bot",
        "messages": [],
        "reply_to": "same-id",
        "duplicate": True,
    }
    assert other["type"] == "received"
    assert await user_messages(db, "web-chat1") == ["halo", "halo"]
    assert second.queue.notified == ["web-chat1"]  # the duplicate queued nothing


async def test_a_message_in_another_channels_conversation_is_refused(
    replicas: tuple[Replica, Replica], db: Database
) -> None:
    first, _ = replicas

    reply = await first.web.handle(inbound("telegram-5123", "halo"), "m1")

    assert (reply["type"], reply["error"], reply["reply_to"]) == ("error", "channel_mismatch", "m1")
    assert await user_messages(db, "telegram-5123") == []


async def test_a_message_sent_through_one_replica_reaches_the_widget_on_the_other(
    replicas: tuple[Replica, Replica], bus: FakeBus
) -> None:
    first, second = replicas
    socket = await first.connect("web-chat1")
    answer = {
        "recipient_id": "web-chat1",
        "text": "Halo!",
        "buttons": [{"title": "Ya", "payload": "/affirm"}],
        "message_id": 41,
        "sender": "bot",
        "reply_to": "m1",
    }

    await second.senders.send("web", "web-chat1", [answer])
    await settled(lambda: bool(socket.frames))

    assert socket.frames == [
        {
            "type": "answers",
            "sender": "bot",
            "messages": [
                {"text": "Halo!", "buttons": [{"title": "Ya", "payload": "/affirm"}], "id": 41}
            ],
            "reply_to": "m1",
            "last_id": 41,
        }
    ]
    assert bus.published[0][0] == chat_topic("web-chat1")


async def test_an_agent_message_reaches_every_tab_on_every_replica(
    replicas: tuple[Replica, Replica],
) -> None:
    first, second = replicas
    tabs = [await first.connect("web-chat1"), await first.connect("web-chat1")]
    tabs.append(await second.connect("web-chat1"))
    answer = {"text": "Saya Rina.", "message_id": 7, "sender": "agent", "agent_name": "Rina"}

    await first.web.send("web-chat1", [answer])
    await settled(lambda: all(tab.frames for tab in tabs))

    expected = {
        "type": "answers",
        "sender": "agent",
        "messages": [{"text": "Saya Rina.", "agent_name": "Rina", "id": 7}],
        "last_id": 7,
    }
    assert [tab.frames for tab in tabs] == [[expected]] * 3


async def test_sending_to_a_widget_connected_nowhere_succeeds_and_a_down_bus_fails(
    replicas: tuple[Replica, Replica], bus: FakeBus
) -> None:
    first, _ = replicas

    await first.web.send("web-chat1", [{"text": "Halo?", "message_id": 3, "sender": "agent"}])
    bus.down = True
    with pytest.raises(DeliveryFailed):
        await first.web.send("web-chat1", [{"text": "Halo?", "message_id": 4, "sender": "agent"}])


async def test_turn_events_are_not_forwarded_and_notices_are(
    replicas: tuple[Replica, Replica], bus: FakeBus
) -> None:
    first, _ = replicas
    socket = await first.connect("web-chat1")
    notice = {"type": "notice", "notice": "documents_attached", "register_number": "R1", "count": 2}

    await bus.publish(chat_topic("web-chat1"), turn_event(12, "done"))
    await bus.publish(chat_topic("web-chat1"), notice)
    await settled(lambda: bool(socket.frames))

    assert socket.frames == [notice]


async def test_after_a_turn_attached_documents_are_announced_on_every_replica(
    replicas: tuple[Replica, Replica], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = replicas
    here, there = await first.connect("web-chat1"), await second.connect("web-chat1")

    async def attached(conversation_id: str) -> tuple[str, int]:
        return "ADU-2026-000001", 2

    monkeypatch.setattr(second.web.documents, "attach_pending", attached)
    await second.web.after_turn("web-chat1")
    await settled(lambda: bool(here.frames and there.frames))

    notice = {
        "type": "notice",
        "notice": "documents_attached",
        "register_number": "ADU-2026-000001",
        "count": 2,
    }
    assert here.frames == there.frames == [notice]


async def test_a_widget_coming_back_gets_exactly_the_messages_it_missed(
    replicas: tuple[Replica, Replica], db: Database
) -> None:
    first, _ = replicas
    await first.web.handle(inbound("web-chat1", "halo"), "m1")
    seen = await say_as(db, "web-chat1", "bot", "Halo! Ada yang bisa kami bantu?")
    await first.web.handle(inbound("web-chat1", "mau mengadu"), "m2")
    missed_bot = await say_as(db, "web-chat1", "bot", "Silakan ceritakan.")
    missed_agent = await say_as(db, "web-chat1", "agent", "Saya Rina, petugas kami.")
    await say_as(db, "web-other", "bot", "another chat")

    socket = await first.connect("web-chat1", after=seen)

    assert socket.frames == [
        {
            "type": "answers",
            "sender": "bot",
            "messages": [{"text": "Silakan ceritakan.", "created_at": AT, "id": missed_bot}],
            "last_id": missed_bot,
        },
        {
            "type": "answers",
            "sender": "agent",
            "messages": [
                {
                    "text": "Saya Rina, petugas kami.",
                    "agent_name": "Rina",
                    "created_at": AT,
                    "id": missed_agent,
                }
            ],
            "last_id": missed_agent,
        },
    ]
    assert (await first.connect("web-chat1", after=missed_agent)).frames == []


async def test_a_message_published_during_the_catch_up_reaches_the_widget_once_in_order(
    replicas: tuple[Replica, Replica], db: Database
) -> None:
    first, second = replicas
    early = await say_as(db, "web-chat1", "bot", "first")
    socket = FakeSocket()
    first.web.join("web-chat1", socket)
    # Published after the join and already stored: in the catch-up, and on the bus.
    late = await say_as(db, "web-chat1", "bot", "second")
    await second.web.send("web-chat1", [{"text": "second", "message_id": late, "sender": "bot"}])
    newer = late + 100
    await second.web.send("web-chat1", [{"text": "third", "message_id": newer, "sender": "bot"}])
    await asyncio.sleep(0.05)  # the pump holds both for the socket

    await first.web.catch_up("web-chat1", socket, 0)
    await settled(lambda: len(socket.frames) == 2)

    ids = [m["id"] for frame in socket.answers() for m in frame["messages"]]
    assert ids == [early, late, newer]


async def test_the_last_widget_leaving_a_replica_ends_its_subscription(
    replicas: tuple[Replica, Replica], bus: FakeBus
) -> None:
    first, _ = replicas
    tab, other = await first.connect("web-chat1"), await first.connect("web-chat1")
    assert bus.topics() == {chat_topic("web-chat1")}

    first.web.leave("web-chat1", tab)
    assert bus.topics() == {chat_topic("web-chat1")}
    first.web.leave("web-chat1", other)
    assert bus.topics() == set()


async def test_a_lost_subscription_is_renewed_and_what_was_missed_is_sent(
    replicas: tuple[Replica, Replica], bus: FakeBus, db: Database
) -> None:
    first, second = replicas
    socket = await first.connect("web-chat1", after=0)
    bus.fail(ConnectionError("redis went away"))
    await asyncio.sleep(0.01)
    missed = await say_as(db, "web-chat1", "bot", "sent while the bus was down")
    bus.heal()

    await settled(lambda: bool(socket.frames))
    await second.web.send("web-chat1", [{"text": "live", "message_id": missed + 1}])
    await settled(lambda: len(socket.frames) == 2)

    assert [m["text"] for frame in socket.answers() for m in frame["messages"]] == [
        "sent while the bus was down",
        "live",
    ]


async def test_the_worker_on_one_replica_answers_the_widget_on_the_other(
    replicas: tuple[Replica, Replica], db: Database, bus: FakeBus
) -> None:
    first, second = replicas
    socket = await first.connect("web-chat1")
    bot = EchoBot()
    dispatcher = Dispatcher(db, second.senders, clock)
    turns = Turns(db, bot, dispatcher, bus, clock, after_turn=second.web.after_turn)

    received = await first.web.handle(inbound("web-chat1", "halo"), "m1")
    await turns.run("web-chat1")
    await dispatcher.aclose()
    await settled(lambda: bool(socket.answers()))

    [answer] = socket.answers()
    assert answer["reply_to"] == "m1"
    assert answer["messages"][0]["text"] == "echo: halo"
    assert answer["messages"][0]["id"] > received["message_id"]
    assert answer["last_id"] == answer["messages"][0]["id"]
    assert bot.asked == ["halo"]


async def test_what_the_bus_lost_is_found_in_the_database_when_the_topic_is_quiet(
    replicas: tuple[Replica, Replica], db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.channels.web_channel.CHECK_SECONDS", 0.2)
    first, _ = replicas
    knows = await first.connect("web-chat1", after=0)
    says_nothing = await first.connect("web-chat1")  # an old widget: no `after`

    lost = await say_as(db, "web-chat1", "agent", "published while Redis was away")
    await settled(lambda: bool(knows.frames))
    await asyncio.sleep(0.5)  # more checks find nothing new

    assert knows.answers() == [
        {
            "type": "answers",
            "sender": "agent",
            "messages": [
                {
                    "text": "published while Redis was away",
                    "agent_name": "Rina",
                    "created_at": AT,
                    "id": lost,
                }
            ],
            "last_id": lost,
        }
    ]
    assert says_nothing.frames == []


async def test_an_answer_the_widget_got_with_the_catch_up_still_settles_its_message(
    replicas: tuple[Replica, Replica], db: Database
) -> None:
    first, second = replicas
    stored = await say_as(db, "web-chat1", "bot", "Halo!")
    socket = await first.connect("web-chat1", after=0)

    answer = {"text": "Halo!", "message_id": stored, "sender": "bot", "reply_to": "m1"}
    await second.web.send("web-chat1", [answer])
    await settled(lambda: len(socket.frames) == 2)

    assert socket.frames[1] == {
        "type": "answers",
        "sender": "bot",
        "messages": [],
        "reply_to": "m1",
        "last_id": stored,
    }


async def test_a_widget_click_is_stored_with_its_title_and_restored_with_it(
    replicas: tuple[Replica, Replica], db: Database
) -> None:
    first, _ = replicas
    menu = {
        "text": "Halo! Ada yang bisa kami bantu?",
        "buttons": [{"title": "Sampaikan pengaduan", "payload": "/complain"}],
    }
    async with db.session() as session:
        await record_message(session, "web-chat1", "web", "bot", menu["text"], menu, now=NOW)

    await first.web.handle(inbound("web-chat1", "/complain"), "m1")

    async with db.session() as session:
        stored = (await session.execute(select(Message).order_by(Message.id))).scalars().all()
    assert (stored[-1].text, stored[-1].payload) == (
        "/complain",
        {"display": "Sampaikan pengaduan"},
    )
    items = await load_transcript(db, "web-chat1")
    assert [(item["sender"], item["text"]) for item in items] == [
        ("bot", menu["text"]),
        ("user", "Sampaikan pengaduan"),
    ]


async def test_a_status_frame_gives_the_waiting_chat_s_place_in_the_queue(
    replicas: tuple[Replica, Replica], db: Database
) -> None:
    first, _ = replicas
    calendar = WorkingCalendar()
    for conversation_id in ("web-first", "web-chat1"):
        async with db.session() as session:
            await request_handoff(
                session, conversation_id, "requested", channel="web", calendar=calendar, now=NOW
            )

    status = await first.web.status("web-chat1")

    assert status == {
        "type": "status",
        "handled_by": "agent",
        "agent_name": None,
        "queue_position": 2,
    }
    assert (await first.web.status("web-other"))["queue_position"] is None
