"""The live chat service against a real database, with fakes of the assistant and the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from backend import services
from backend.db.engine import Database
from backend.db.tables import Agent
from backend.services import accounts
from backend.services import handoff as handoffs
from backend.services import outbox as deliveries
from backend.services.live_chat import HANDED_BACK_INTENT, AssistantUnavailable, LiveChat
from backend.services.outbox import Dispatcher
from backend.services.ports import Answer, DeliveryFailed, UnknownChannel

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
CHAT = "web-abcdefghijklmnopqrstuv"


class FakeAssistant:
    """Remembers what the live chat asked of the bot; `down` makes every call fail."""

    def __init__(self, *, down: bool = False) -> None:
        self.down = down
        self.calls: list[tuple[str, ...]] = []

    async def pause(self, conversation_id: str) -> None:
        self._call("pause", conversation_id)

    async def resume(self, conversation_id: str) -> None:
        self._call("resume", conversation_id)

    async def trigger_intent(self, conversation_id: str, intent: str) -> list[Answer]:
        self._call("trigger_intent", conversation_id, intent)
        return [{"recipient_id": conversation_id, "text": "Please rate this chat"}]

    def _call(self, *call: str) -> None:
        if self.down:
            raise AssistantUnavailable("the bot is down")
        self.calls.append(call)


class FakeOutbox:
    """Keeps what was sent per channel; REST cannot push, a `failing` channel refuses."""

    def __init__(self, failing: str | None = None) -> None:
        self.failing = failing
        self.sent: list[tuple[str, str, list[Answer]]] = []
        self.dispatcher: Dispatcher | None = None

    async def settled(self) -> None:
        """Wait for the dispatcher's sends under way."""
        assert self.dispatcher is not None
        await self.dispatcher.aclose()

    async def send(self, channel: str, conversation_id: str, answers: Sequence[Answer]) -> None:
        if channel == "rest":
            raise UnknownChannel(channel)
        if channel == self.failing:
            raise DeliveryFailed("the platform refused it")
        self.sent.append((channel, conversation_id, list(answers)))


class FastHasher:
    dummy_hash = "x"

    def hash(self, password: str) -> str:
        return "hashed:" + password

    async def check(self, password_hash: str, password: str) -> bool:
        return password_hash == "hashed:" + password


async def open_chat(db: Database, conversation_id: str = CHAT, channel: str = "web") -> Agent:
    """A chat the bot answered once, and an agent to take it."""
    async with db.session() as session:
        await services.record_message(session, conversation_id, channel, "user", "halo", now=NOW)
        return await accounts.create_agent(
            session,
            name="Sari Wijaya",
            username="sari",
            role="agent",
            password="correct horse battery",
            hasher=FastHasher(),
            now=NOW,
        )


def live_chat(db: Database, assistant: FakeAssistant, outbox: FakeOutbox) -> LiveChat:
    outbox.dispatcher = Dispatcher(db, outbox, lambda: NOW)
    return LiveChat(db, assistant, outbox.dispatcher, lambda: NOW)


def texts(sent: list[tuple[str, str, list[Answer]]]) -> list[tuple[str, str, list[str]]]:
    return [(channel, chat, [a["text"] for a in answers]) for channel, chat, answers in sent]


async def test_taking_a_chat_from_the_bot_pauses_the_bot(db: Database) -> None:
    agent = await open_chat(db)
    assistant, outbox = FakeAssistant(), FakeOutbox()

    await live_chat(db, assistant, outbox).take_over(CHAT, agent)
    await outbox.settled()  # the note that the agent joined

    assert assistant.calls == [("pause", CHAT)]
    async with db.session() as session:
        conversation = await services.get_conversation(session, CHAT)
    assert conversation is not None and conversation.handled_by == "agent"


async def test_the_chat_is_taken_even_when_the_bot_cannot_be_paused(db: Database) -> None:
    agent = await open_chat(db)

    outbox = FakeOutbox()
    await live_chat(db, FakeAssistant(down=True), outbox).take_over(CHAT, agent)
    await outbox.settled()

    async with db.session() as session:
        handoff = await handoffs.current_handoff(session, CHAT)
    assert handoff is not None and handoff.agent_id == agent.id


async def test_an_agents_reply_is_recorded_with_their_name_and_pushed(db: Database) -> None:
    agent = await open_chat(db)
    outbox = FakeOutbox()
    chat = live_chat(db, FakeAssistant(), outbox)
    await chat.take_over(CHAT, agent)

    pushed = await chat.reply(CHAT, agent, "Selamat siang")
    await outbox.settled()

    assert pushed
    assert texts(outbox.sent) == [
        ("web", CHAT, ["Sari Wijaya dari tim layanan pengaduan telah bergabung dalam percakapan."]),
        ("web", CHAT, ["Selamat siang"]),
    ]
    assert outbox.sent[1][2][0]["agent_name"] == "Sari Wijaya"
    async with db.session() as session:
        last = (await handoffs.transcript(session, CHAT))[-1]
    assert (last.sender, last.text) == ("agent", "Selamat siang")
    assert last.payload["agent_name"] == "Sari Wijaya" and last.payload["pushed"]


async def test_a_reply_before_taking_the_chat_is_refused(db: Database) -> None:
    agent = await open_chat(db)

    with pytest.raises(handoffs.HandoffRefused):
        await live_chat(db, FakeAssistant(), FakeOutbox()).reply(CHAT, agent, "Halo")


async def test_a_rest_users_message_waits_for_the_pull_and_a_failed_push_is_retried(
    db: Database,
) -> None:
    await open_chat(db, "rest-user-1", "rest")
    async with db.session() as session:
        await services.record_message(session, "telegram-42", "telegram", "user", "hi", now=NOW)
    outbox = FakeOutbox(failing="telegram")
    chat = live_chat(db, FakeAssistant(), outbox)
    notice = {"text": "Your case is resolved"}

    rest_pushed = await chat.deliver("rest-user-1", [notice], sender="bot")
    telegram_pushed = await chat.deliver("telegram-42", [notice], sender="bot")
    await outbox.settled()

    assert not rest_pushed and telegram_pushed
    assert outbox.sent == []
    async with db.session() as session:
        problems = await deliveries.delivery_problems(session)
    assert [(p.conversation_id, p.state, p.attempts) for p in problems] == [
        ("telegram-42", "pending", 1)
    ]
    async with db.session() as session:
        pulled = await handoffs.pushed_messages(session, "rest-user-1", 0)
        kept = await handoffs.pushed_messages(session, "telegram-42", 0)
    assert [m.text for m in pulled] == [m.text for m in kept] == ["Your case is resolved"]


async def test_handing_back_wakes_the_bot_and_sends_its_rating_question(db: Database) -> None:
    agent = await open_chat(db)
    assistant, outbox = FakeAssistant(), FakeOutbox()
    chat = live_chat(db, assistant, outbox)
    await chat.take_over(CHAT, agent)

    await chat.hand_back(CHAT, agent)
    await outbox.settled()

    assert assistant.calls[1:] == [("resume", CHAT), ("trigger_intent", CHAT, HANDED_BACK_INTENT)]
    said = [message["text"] for *_, messages in outbox.sent for message in messages]
    assert "Please rate this chat" in said
    assert any("meninggalkan percakapan" in text for text in said), "the agent's leaving note"
    async with db.session() as session:
        conversation = await services.get_conversation(session, CHAT)
    assert conversation is not None and conversation.handled_by == "bot"


async def test_when_the_bot_cannot_be_woken_the_agent_keeps_the_chat(db: Database) -> None:
    agent = await open_chat(db)
    assistant = FakeAssistant()
    outbox = FakeOutbox()
    chat = live_chat(db, assistant, outbox)
    await chat.take_over(CHAT, agent)
    assistant.down = True

    with pytest.raises(AssistantUnavailable):
        await chat.hand_back(CHAT, agent)
    await outbox.settled()

    async with db.session() as session:
        handoff = await handoffs.current_handoff(session, CHAT)
    assert handoff is not None and handoff.agent_id == agent.id
