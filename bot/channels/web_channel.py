"""The web widget's channel: widget messages taken in, answers fanned out across replicas.

A widget message is stored (once per client id: the database refuses a second one on
every replica) and queued for a worker; the socket is told at once that it is safe. The
bot's and the agents' messages reach the widget later: the outbox's "web" sender publishes
them on the conversation's bus topic, and each replica with a widget socket of the
conversation subscribes to that topic and forwards them to its own sockets. A (re)joining
widget names the last message it saw (`after`) and is first sent what it missed, from the
database; the widget drops a message it already has, by id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sanic.exceptions import WebsocketClosed
from websockets.exceptions import ConnectionClosed

from backend.domain.conversation_ids import ChannelMismatch
from backend.services.chat_events import chat_topic
from backend.services.message_views import WIDGET_MESSAGE_KEYS
from backend.services.ports import Answer, DeliveryFailed, EventBus, Subscription
from backend.services.presence import announce_typing, chat_presence, is_typing
from backend.services.unit_of_work import Sessions
from backend.settings import Settings
from backend.storage import DocumentStore
from bot.channels.pending_quota import PendingQuota
from bot.channels.web_documents import WidgetDocuments
from bot.channels.web_tokens import WidgetTokens
from bot.channels.web_transcript import answers_after
from bot.inbound import Inbound
from bot.intake import Intake
from bot.masking import mask_digits

log = logging.getLogger(__name__)

Frame = dict[str, Any]
GOING_AWAY = 1001
# Without an event for this long, the pump checks the database for what the bus lost
# (Redis pub/sub drops what is published while a replica is disconnected from it).
CHECK_SECONDS = 30.0
FIRST_RETRY_SECONDS = 0.5
LAST_RETRY_SECONDS = 10.0


class Socket(Protocol):
    """What the channel needs of a websocket (Sanic's, or a fake in tests)."""

    async def send(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...


@dataclass
class _Member:
    """One local socket of a conversation and what it was sent."""

    floor: int | None = None  # messages up to this id came with the catch-up (None: unknown)
    last_id: int = 0  # the newest message id sent to it
    held: list[Frame] | None = field(default_factory=list)  # frames kept until it caught up


@dataclass
class _Room:
    """The local sockets of a conversation, and the pump feeding them from the bus."""

    subscription: Subscription
    members: dict[Socket, _Member] = field(default_factory=dict)
    pump: asyncio.Task[None] | None = None


class WebChannel:
    """Takes the widget's messages in; pushes the conversation's messages to its sockets."""

    channel = "web"

    def __init__(
        self,
        settings: Settings,
        intake: Intake,
        sessions: Sessions,
        documents: DocumentStore,
        clock: Callable[[], datetime],
        bus: EventBus,
    ) -> None:
        self.tokens = WidgetTokens(
            settings.widget_secret,
            lifetime=timedelta(days=settings.widget_token_days),
            clock=clock,
        )
        self.max_chars = settings.max_message_chars
        self.max_sockets = settings.max_sockets_per_conversation
        self.sessions = sessions
        self.documents = WidgetDocuments(
            sessions,
            documents,
            DocumentStore(settings.var_dir / "pending_documents"),
            clock,
            PendingQuota.from_settings(settings),
        )
        self._intake = intake
        self._bus = bus
        self._rooms: dict[str, _Room] = {}

    # ---- sessions and sockets ---------------------------------------------------------

    def open_session(self, conversation_id: object, token: object) -> tuple[str, str, bool]:
        """(id, fresh token, resumed) of the chat a valid token proves, or of a new chat."""
        if isinstance(conversation_id, str) and self.tokens.matches(conversation_id, token):
            return conversation_id, self.tokens.token(conversation_id), True
        conversation_id, token = self.tokens.new_conversation()
        return conversation_id, token, False

    def may_join(self, conversation_id: str, socket: Socket) -> bool:
        """Whether `socket` may push for the conversation: it does, or a slot is free here."""
        room = self._rooms.get(conversation_id)
        members = room.members if room is not None else {}
        return socket in members or len(members) < self.max_sockets

    def join(self, conversation_id: str, socket: Socket) -> None:
        """Push the conversation's messages to `socket` once it caught up (`catch_up`).

        The first local socket of a conversation subscribes to its topic; what arrives
        before `catch_up` is held for the socket.
        """
        room = self._rooms.get(conversation_id)
        if room is None:
            room = _Room(self._bus.subscribe(chat_topic(conversation_id)))
            self._rooms[conversation_id] = room
            room.pump = asyncio.create_task(self._pump(conversation_id, room))
        room.members.setdefault(socket, _Member())

    async def catch_up(self, conversation_id: str, socket: Socket, after: int | None) -> None:
        """Send the bot's and agents' messages with an id above `after`, then what arrived
        meanwhile; from now on the socket gets the conversation's messages.

        `after` None (a widget that does not say what it has) sends no catch-up, and the
        pump cannot make up for lost events for that socket later either.
        """
        member = self._member(conversation_id, socket)
        if member is None:
            return
        if after is not None:
            member.floor = member.last_id = max(member.last_id, after)
            try:
                for frame in await self._missed(conversation_id, after):
                    await self._deliver(conversation_id, socket, member, frame)
            except (ConnectionClosed, WebsocketClosed):
                self.leave(conversation_id, socket)
                return
            except Exception:  # the live messages still come; a reload shows the rest
                log.exception("web: catch-up of %s failed", _masked(conversation_id))
            member.floor = member.last_id
        while member.held:
            held, member.held = member.held, []
            for frame in held:
                if not await self._deliver(conversation_id, socket, member, frame):
                    return
        member.held = None

    def leave(self, conversation_id: str, socket: Socket) -> None:
        """Stop pushing to `socket` (it closed); the last one unsubscribes."""
        room = self._rooms.get(conversation_id)
        if room is None:
            return
        room.members.pop(socket, None)
        if not room.members:
            del self._rooms[conversation_id]
            room.subscription.close()
            if room.pump is not None:
                room.pump.cancel()

    # ---- the widget's messages ----------------------------------------------------------

    async def handle(self, inbound: Inbound, client_id: str | None) -> Frame:
        """Take one widget message in; the frame that answers the socket at once.

        `received` when it is stored (its answers follow through the bus), the `answers`
        frame marked `duplicate` when the client id was taken in before, or an error.
        """
        try:
            taken = await self._intake.take(inbound, external_id=client_id)
        except ChannelMismatch:
            return error_frame("channel_mismatch", "not a web conversation", client_id)
        except Exception:
            log.exception("web: a message of %s was not taken in", _masked(inbound.conversation_id))
            return error_frame("internal_error", "please send it again", client_id)
        if not taken.fresh:
            return answers_frame([], client_id, duplicate=True)
        frame = received_frame(taken.message_id, client_id, taken.handled_by)
        if taken.created_at is not None:
            frame["created_at"] = taken.created_at.isoformat()
        return frame

    async def status(self, conversation_id: str) -> Frame:
        """Who answers the chat: the bot, an agent (by name), or nobody yet (the queue place)."""
        async with self.sessions.session() as session:
            presence = await chat_presence(session, conversation_id)
        return {"type": "status", **presence}

    async def typing(self, conversation_id: str) -> None:
        """The customer is typing: the console's chat page shows it (only a hint: may be lost)."""
        await announce_typing(self._bus, conversation_id, "user")

    # ---- the "web" sender and the notices -------------------------------------------------

    async def send(self, conversation_id: str, answers: Sequence[Answer]) -> None:
        """The outbox's "web" sender: publish the messages to every replica's sockets.

        A widget that is not connected anywhere gets them from the catch-up when it comes
        back. DeliveryFailed when the bus refused them (the outbox tries again).
        """
        for event in answers_events(answers):
            try:
                await self._bus.publish(chat_topic(conversation_id), event)
            except Exception as exc:
                raise DeliveryFailed(f"the event bus refused the message: {exc}") from exc

    async def after_turn(self, conversation_id: str) -> None:
        """The worker's hook after a turn: attach pending uploads if the chat has a case now."""
        await self.attach_pending(conversation_id)

    async def attach_pending(self, conversation_id: str) -> None:
        """Attach the chat's pending uploads if it now has a case, and tell its widgets."""
        try:
            attached = await self.documents.attach_pending(conversation_id)
        except Exception:
            log.exception("web: pending documents of a conversation not attached")
            return
        if attached is None:
            return
        register_number, count = attached
        notice = {
            "type": "notice",
            "notice": "documents_attached",
            "register_number": register_number,
            "count": count,
        }
        try:
            await self._bus.publish(chat_topic(conversation_id), notice)
        except Exception:
            log.warning("web: notice of %s not published; told here only", _masked(conversation_id))
            await self.push(conversation_id, notice)

    async def push(self, conversation_id: str, frame: Frame) -> int:
        """Send a frame to this replica's sockets of the conversation; how many got it."""
        room = self._rooms.get(conversation_id)
        if room is None:
            return 0
        delivered = 0
        for socket, member in list(room.members.items()):
            if member.held is not None:
                member.held.append(frame)
                delivered += 1
            elif await self._deliver(conversation_id, socket, member, frame):
                delivered += 1
        return delivered

    async def aclose(self) -> None:
        """Close every open widget socket (the widget reconnects to another server)."""
        for conversation_id, room in list(self._rooms.items()):
            for socket in list(room.members):
                with contextlib.suppress(ConnectionClosed, WebsocketClosed):
                    await socket.close(GOING_AWAY, "server stopping")
                self.leave(conversation_id, socket)
            if room.pump is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await room.pump

    # ---- the pump -------------------------------------------------------------------------

    async def _pump(self, conversation_id: str, room: _Room) -> None:
        """Forward the topic's events to the local sockets until the last one leaves.

        A failing subscription, or one that ends (it answers None at once), is made again
        after a pause; then, and after CHECK_SECONDS without events, every socket is sent
        what the database has that it was not sent.
        """
        failures = 0
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            try:
                event = await room.subscription.next(CHECK_SECONDS)
                if event is None and loop.time() - started < CHECK_SECONDS / 2:
                    raise ConnectionError("the subscription ended")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                await self._resubscribe(conversation_id, room, failures, exc)
                continue
            failures = 0
            try:
                if event is None:
                    await self._recover(conversation_id, room)
                elif (frame := widget_frame(event)) is not None:
                    await self.push(conversation_id, frame)
            except Exception:
                log.exception("web: a frame to %s was not pushed", _masked(conversation_id))

    async def _resubscribe(
        self, conversation_id: str, room: _Room, failures: int, exc: Exception
    ) -> None:
        """The bus failed: subscribe again, then send each socket what it missed meanwhile."""
        log.warning("web: bus subscription of %s lost: %s", _masked(conversation_id), exc)
        room.subscription.close()
        await asyncio.sleep(min(LAST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (failures - 1)))
        try:
            room.subscription = self._bus.subscribe(chat_topic(conversation_id))
        except Exception as again:
            room.subscription = _Broken(again)
            return
        await self._recover(conversation_id, room)

    async def _recover(self, conversation_id: str, room: _Room) -> None:
        """Send each caught-up socket the stored messages newer than the last it was sent."""
        for socket, member in list(room.members.items()):
            if member.held is None and member.floor is not None:
                member.held = []
                await self.catch_up(conversation_id, socket, member.last_id)

    async def _missed(self, conversation_id: str, after: int) -> list[Frame]:
        """The stored bot and agent messages after `after`, as answers frames."""
        frames: list[Frame] = []
        for sender, message in await answers_after(self.sessions, conversation_id, after):
            if frames and frames[-1]["sender"] == sender:
                frames[-1]["messages"].append(message)
                frames[-1]["last_id"] = message["id"]
            else:
                frames.append(answers_frame([message], None, sender=sender))
                frames[-1]["last_id"] = message["id"]
        return frames

    async def _deliver(
        self, conversation_id: str, socket: Socket, member: _Member, frame: Frame
    ) -> bool:
        """Send a frame to one socket, without the messages it already has; False if it left."""
        if frame.get("type") == "answers":
            messages = [m for m in frame.get("messages", []) if not _had(m, member.floor)]
            if frame.get("messages") and not messages and "reply_to" not in frame:
                return True  # it has them all (the reply_to alone still settles a message)
            frame = {**frame, "messages": messages}
            ids = [i for i in map(_id, messages) if i is not None]
            member.last_id = max([member.last_id, *ids])
        try:
            await socket.send(json.dumps(frame, ensure_ascii=False))
        except (ConnectionClosed, WebsocketClosed):
            self.leave(conversation_id, socket)
            return False
        return True

    def _member(self, conversation_id: str, socket: Socket) -> _Member | None:
        room = self._rooms.get(conversation_id)
        return room.members.get(socket) if room is not None else None


class _Broken:
    """A subscription that could not be made: its `next` fails, so the pump tries again."""

    def __init__(self, error: Exception) -> None:
        self._error = error

    async def next(self, timeout: float | None = None) -> dict[str, Any] | None:
        raise self._error

    def close(self) -> None:
        pass


def answers_events(answers: Sequence[Answer]) -> list[Frame]:
    """The bus events of outbox answers: one per run of messages by the same sender."""
    events: list[Frame] = []
    for answer in answers:
        sender = str(answer.get("sender") or "bot")
        reply_to = answer.get("reply_to") if isinstance(answer.get("reply_to"), str) else None
        if not events or (events[-1]["sender"], events[-1].get("reply_to")) != (sender, reply_to):
            events.append(answers_frame([], reply_to, sender=sender))
        message = widget_message(answer)
        events[-1]["messages"].append(message)
        if (message_id := _id(message)) is not None:
            events[-1]["last_id"] = message_id
    return events


def widget_message(answer: Mapping[str, Any]) -> dict[str, Any]:
    """A message as the widget shows it: Rasa's REST fields, the agent's name, the note's
    kind, the time, and the stored message's id."""
    message = {key: answer[key] for key in WIDGET_MESSAGE_KEYS if answer.get(key) is not None}
    if answer.get("sender") == "bot" and not answer.get("notice"):
        message.pop("agent_name", None)
    message_id = answer.get("message_id", answer.get("id"))
    if isinstance(message_id, int) and not isinstance(message_id, bool):
        message["id"] = message_id
    return message


def widget_frame(event: Mapping[str, Any]) -> Frame | None:
    """The frame a bus event becomes for the widget; None for events the widget ignores."""
    kind = event.get("type")
    if kind == "answers" and isinstance(event.get("messages"), list):
        frame: Frame = {
            "type": "answers",
            "sender": event.get("sender") or "bot",
            "messages": event["messages"],
        }
        for key in ("reply_to", "last_id"):
            if event.get(key) is not None:
                frame[key] = event[key]
        return frame
    if kind == "notice":
        return dict(event)
    if is_typing(event, "agent"):
        return {"type": "typing", "who": "agent", "agent_name": str(event.get("agent_name") or "")}
    return None  # turn events (the answers come as their own events), the customer's typing


def answers_frame(
    answers: list[Answer], reply_to: str | None, *, sender: str = "bot", duplicate: bool = False
) -> Frame:
    """The frame carrying Rasa-shaped answers to the widget."""
    frame: Frame = {"type": "answers", "sender": sender, "messages": answers}
    if reply_to is not None:
        frame["reply_to"] = reply_to
    if duplicate:
        frame["duplicate"] = True
    return frame


def received_frame(message_id: int | None, reply_to: str | None, handled_by: str) -> Frame:
    """The frame telling the widget that its message is stored (the answers follow)."""
    frame: Frame = {"type": "received", "message_id": message_id, "handled_by": handled_by}
    if reply_to is not None:
        frame["reply_to"] = reply_to
    return frame


def error_frame(
    error: str, detail: str, reply_to: str | None = None, *, field: str | None = None
) -> Frame:
    """The frame telling the widget what was refused and why."""
    frame: Frame = {"type": "error", "error": error, "detail": detail}
    if field is not None:
        frame["field"] = field
    if reply_to is not None:
        frame["reply_to"] = reply_to
    return frame


def _id(message: Mapping[str, Any]) -> int | None:
    value = message.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _had(message: Mapping[str, Any], floor: int | None) -> bool:
    """Whether the socket has the message already (it came with a catch-up)."""
    message_id = _id(message)
    return message_id is not None and floor is not None and message_id <= floor


def _masked(conversation_id: str) -> str:
    return mask_digits(conversation_id)
