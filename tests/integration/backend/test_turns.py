"""The worker's turns and the outbox against a real database, with a fake bot and channels."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection

from backend.db.engine import Database
from backend.services import inbox
from backend.services import outbox as deliveries
from backend.services.handoff import PUSHED, transcript
from backend.services.outbox import Dispatcher
from backend.services.ports import Answer, AssistantUnavailable, DeliveryFailed, RetryLater
from backend.services.turns import Turns, delayed_notice

CHAT = "web-abcdefghijklmnopqrstuv"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class FakeBot:
    """Answers "re: <text>"; `down` refuses; it remembers what it answered, like a tracker."""

    def __init__(self) -> None:
        self.down = False
        self.asked: list[str] = []
        self.kept: list[str] = []
        self.tracker: dict[int, list[Answer]] = {}
        self.parts = 1  # messages per answer

    async def answer(
        self, conversation_id: str, text: str, metadata: Mapping[str, Any]
    ) -> list[Answer]:
        if self.down:
            raise AssistantUnavailable("connection refused")
        self.asked.append(text)
        answers = [{"recipient_id": conversation_id, "text": f"re: {text}"}]
        if self.parts > 1:
            answers = [
                {"recipient_id": conversation_id, "text": f"re: {text} ({part})"}
                for part in range(1, self.parts + 1)
            ]
        self.tracker[int(metadata["message_id"])] = answers
        return answers

    async def keep_user_message(
        self, conversation_id: str, text: str, metadata: Mapping[str, Any]
    ) -> None:
        self.kept.append(text)

    async def answers_given(self, conversation_id: str, message_id: int) -> list[Answer] | None:
        if self.down:
            raise AssistantUnavailable("connection refused")
        return self.tracker.get(message_id)


class FakeChannels:
    """The channels' senders: remembers what went out; `failures` refusals come first."""

    def __init__(self, failures: int = 0, *, permanent: bool = False) -> None:
        self.failures = failures
        self.permanent = permanent
        self.sent: list[Answer] = []

    async def send(self, channel: str, conversation_id: str, answers: Sequence[Answer]) -> None:
        if self.failures:
            self.failures -= 1
            if self.permanent:
                raise DeliveryFailed("Forbidden: bot was blocked by the user", permanent=True)
            raise DeliveryFailed("HTTP 500")
        self.sent.extend(answers)


class FakeBus:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    async def publish(self, topic: str, event: Mapping[str, Any]) -> None:
        self.events.append((topic, dict(event)))

    def subscribe(self, topic: str) -> Any:
        raise NotImplementedError


class World:
    def __init__(self, db: Database, *, failures: int = 0, permanent: bool = False) -> None:
        self.db = db
        self.clock = Clock()
        self.bot = FakeBot()
        self.channels = FakeChannels(failures, permanent=permanent)
        self.bus = FakeBus()
        self.dispatcher = Dispatcher(db, self.channels, self.clock)
        self.turns = Turns(db, self.bot, self.dispatcher, self.bus, self.clock)

    async def say(
        self, text: str, *, external_id: str | None = None, chat: str = CHAT
    ) -> int | None:
        taken = await self.db.run(
            inbox.take_in, chat, chat.split("-")[0], text, external_id=external_id, now=self.clock()
        )
        return taken.message_id

    async def run(self, chat: str = CHAT) -> None:
        await self.turns.run(chat)
        await self.dispatcher.aclose()

    async def lines(self, chat: str = CHAT) -> list[tuple[str, str]]:
        async with self.db.session() as session:
            return [(m.sender, m.text) for m in await transcript(session, chat)]


async def test_waiting_messages_are_answered_oldest_first_and_pushed(db: Database) -> None:
    world = World(db)
    first = await world.say("halo")
    await world.say("mau mengadu")

    await world.run()

    assert world.bot.asked == ["halo", "mau mengadu"]
    assert await world.lines() == [
        ("user", "halo"),
        ("user", "mau mengadu"),
        ("bot", "re: halo"),
        ("bot", "re: mau mengadu"),
    ]
    assert [a["text"] for a in world.channels.sent] == ["re: halo", "re: mau mengadu"]
    assert world.bus.events[:2] == [
        (
            f"chat:{CHAT}",
            {
                "type": "turn",
                "message_id": first,
                "state": "done",
                "answers": [{"text": "re: halo"}],
            },
        ),
        ("chats", {"type": "turn", "message_id": first, "state": "done"}),
    ]


async def test_an_answer_of_several_messages_is_recorded_shown_and_pushed_in_its_order(
    db: Database,
) -> None:
    world = World(db)
    world.bot.parts = 3
    first = await world.say("halo")

    await world.run()

    said = ["re: halo (1)", "re: halo (2)", "re: halo (3)"]
    assert await world.lines() == [("user", "halo"), *(("bot", text) for text in said)]
    assert [a["text"] for a in world.channels.sent] == said
    topic, done = world.bus.events[0]
    assert (topic, done["message_id"], done["state"]) == (f"chat:{CHAT}", first, "done")
    assert [answer["text"] for answer in done["answers"]] == said


async def test_a_message_taken_in_twice_is_stored_and_answered_once(db: Database) -> None:
    world = World(db)
    assert await world.say("halo", external_id="c1") is not None
    again = await world.say("halo", external_id="c1")

    await world.run()

    assert again is not None  # the first one's id
    assert world.bot.asked == ["halo"]
    assert await world.lines() == [("user", "halo"), ("bot", "re: halo")]


async def test_while_the_bot_is_down_the_customer_is_told_once_and_answered_in_order_after(
    db: Database,
) -> None:
    world = World(db)
    world.bot.down = True
    first = await world.say("halo")
    await world.say("saya mau mengadu")

    with pytest.raises(RetryLater):
        await world.turns.run(CHAT)
    with pytest.raises(RetryLater):
        await world.turns.run(CHAT)
    await world.dispatcher.aclose()
    assert [a["text"] for a in world.channels.sent] == [delayed_notice("id")]

    world.bot.down = False
    await world.run()

    assert world.bot.asked == ["halo", "saya mau mengadu"]
    assert [a["text"] for a in world.channels.sent] == [
        delayed_notice("id"),
        "re: halo",
        "re: saya mau mengadu",
    ]
    async with db.session() as session:
        outcome = await inbox.turn_outcome(session, first or 0)
    assert outcome is not None and outcome.state == "done"
    assert [m.payload.get(PUSHED) for m in outcome.answers] == [None, True]


async def test_a_turn_cut_short_after_the_bot_answered_is_not_asked_again(db: Database) -> None:
    world = World(db)
    message_id = await world.say("halo")
    assert message_id is not None
    # A worker died after the bot answered and before the answer was recorded.
    world.bot.tracker[message_id] = [{"recipient_id": CHAT, "text": "re: halo"}]
    await cut_short(world, message_id)

    await world.run()

    assert world.bot.asked == []
    assert await world.lines() == [("user", "halo"), ("bot", "re: halo")]


async def test_a_turn_cut_short_is_sent_again_only_once_it_cannot_live_on_in_the_bot(
    db: Database,
) -> None:
    world = World(db)
    message_id = await world.say("halo")
    assert message_id is not None
    await cut_short(world, message_id)  # the request may still wait in Rasa for the lock

    with pytest.raises(RetryLater):
        await world.turns.run(CHAT)
    assert world.bot.asked == []

    world.clock.now += timedelta(seconds=101)
    await world.run()

    assert world.bot.asked == ["halo"]
    assert await world.lines() == [
        ("user", "halo"),
        ("bot", delayed_notice("id")),
        ("bot", "re: halo"),
    ]


async def cut_short(world: World, message_id: int) -> None:
    """A worker took the message to the bot and died before it heard back."""
    from backend.db import inbox_repository

    def start(connection: Connection) -> None:
        inbox_repository.start_try(connection, message_id, world.clock())
        connection.commit()

    await world.db.run(start)


async def test_a_message_to_an_agent_is_kept_for_the_bot_but_not_answered(db: Database) -> None:
    world = World(db)
    await world.say("halo")
    await world.run()
    async with db.session() as session:
        from backend.services.conversations import set_handled_by

        await set_handled_by(session, CHAT, "agent")
    await world.say("tolong cepat")

    await world.run()

    assert world.bot.kept == ["tolong cepat"]
    assert world.bot.asked == ["halo"]


async def test_a_failed_push_is_retried_with_backoff_and_keeps_the_order(db: Database) -> None:
    world = World(db, failures=1)
    await world.say("halo")
    await world.say("lagi")
    await world.run()
    assert world.channels.sent == []

    world.clock.now += timedelta(seconds=1)
    await world.dispatcher.dispatch_due()

    assert [a["text"] for a in world.channels.sent] == ["re: halo", "re: lagi"]
    async with db.session() as session:
        assert await deliveries.delivery_problems(session) == []


async def test_a_message_still_unsent_after_a_day_is_marked_failed_and_shown(db: Database) -> None:
    world = World(db, failures=10_000)
    await world.say("halo")
    await world.run()

    world.clock.now += timedelta(days=1, seconds=1)
    await world.dispatcher.dispatch_due()

    async with db.session() as session:
        problems = await deliveries.delivery_problems(session)
    assert [(p.state, p.attempts, p.last_error) for p in problems] == [("failed", 2, "HTTP 500")]


async def test_a_permanent_refusal_fails_at_once_and_the_next_message_goes(
    db: Database,
) -> None:
    world = World(db, failures=1, permanent=True)
    await world.say("halo")
    await world.say("lagi")

    await world.run()
    await world.dispatcher.dispatch_due()

    assert [a["text"] for a in world.channels.sent] == ["re: lagi"]
    async with db.session() as session:
        problems = await deliveries.delivery_problems(session)
    assert [(p.state, p.attempts) for p in problems] == [("failed", 1)]


async def test_two_dispatchers_send_each_message_once(db: Database) -> None:
    world = World(db)
    other = Dispatcher(db, world.channels, world.clock)
    for text in ("halo", "lagi", "dan lagi"):
        await world.say(text)

    await asyncio.gather(world.turns.run(CHAT), other.dispatch_due(), other.dispatch_due())
    await world.dispatcher.aclose()
    await other.dispatch_due()

    assert [a["text"] for a in world.channels.sent] == ["re: halo", "re: lagi", "re: dan lagi"]


async def test_taking_in_says_which_message_opened_the_conversation(db: Database) -> None:
    first = await db.run(inbox.take_in, "budi", "rest", "halo")
    second = await db.run(inbox.take_in, "budi", "rest", "saya mau mengadu")

    assert (first.opened, second.opened) == (True, False)
    assert (first.fresh, second.fresh) == (True, True)


async def test_taking_in_behind_a_late_message_says_so(db: Database) -> None:
    world = World(db)
    world.bot.down = True
    await world.say("halo")
    with pytest.raises(RetryLater):
        await world.turns.run(CHAT)
    await world.dispatcher.aclose()

    behind = await db.run(inbox.take_in, CHAT, "web", "masih di sana?")
    elsewhere = await db.run(inbox.take_in, "web-zyxwvutsrqponmlkjihgfe", "web", "halo")

    assert behind.behind_late
    assert not elsewhere.behind_late


async def test_a_run_ends_with_its_last_answer_and_a_later_message_gets_its_own_run(
    db: Database,
) -> None:
    world = World(db)
    await world.say("halo")
    await world.run()
    await world.say("apa kabar")
    await world.run()

    assert await world.lines() == [
        ("user", "halo"),
        ("bot", "re: halo"),
        ("user", "apa kabar"),
        ("bot", "re: apa kabar"),
    ]


async def test_an_external_id_taken_in_by_another_replica_meanwhile_is_a_duplicate(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = World(db)
    await world.say("Ya", external_id="confirm-1")

    def not_seen_yet(*_: Any) -> None:  # the other replica had not committed yet
        return None

    monkeypatch.setattr(inbox.inbox_repository, "message_by_external_id", not_seen_yet)
    again = await db.run(inbox.take_in, CHAT, "web", "Ya", external_id="confirm-1")

    assert again == inbox.TakenIn(None, fresh=False)
    assert await world.lines() == [("user", "Ya")]
