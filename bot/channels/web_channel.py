"""The web widget's channel: open sockets per conversation, routing, and the "web" sender.

Every socket of a conversation (a visitor may have several tabs) gets the bot's answers
and the agent's messages. The widget's messages reach the bot one at a time per
conversation; a message re-sent after a reconnect (same client id) is not routed twice.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sanic.exceptions import WebsocketClosed
from websockets.exceptions import ConnectionClosed

from backend.services.ports import Answer, DeliveryFailed
from backend.services.unit_of_work import Sessions
from backend.settings import Settings
from backend.storage import DocumentStore
from bot.channels.ordering import ConversationLocks
from bot.channels.pending_quota import PendingQuota
from bot.channels.relay import Routes
from bot.channels.web_documents import WidgetDocuments
from bot.channels.web_tokens import WidgetTokens
from bot.inbound import Inbound
from bot.masking import mask_digits
from bot.rasa_client import RasaUnavailable

log = logging.getLogger(__name__)

Frame = dict[str, Any]
REMEMBERED_CLIENT_IDS = 64
REMEMBERED_CONVERSATIONS = 10_000
GOING_AWAY = 1001


class Socket(Protocol):
    """What the channel needs of a websocket (Sanic's, or a fake in tests)."""

    async def send(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...


class WebChannel:
    """Pushes frames to the widget sockets of a conversation; routes the widget's messages."""

    channel = "web"

    def __init__(
        self,
        settings: Settings,
        router: Routes,
        sessions: Sessions,
        documents: DocumentStore,
        clock: Callable[[], datetime],
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
        self._router = router
        self._sockets: dict[str, set[Socket]] = {}
        self._locks = ConversationLocks()
        self._seen: OrderedDict[str, OrderedDict[str, None]] = OrderedDict()

    def open_session(self, conversation_id: object, token: object) -> tuple[str, str, bool]:
        """(id, fresh token, resumed) of the chat a valid token proves, or of a new chat."""
        if isinstance(conversation_id, str) and self.tokens.matches(conversation_id, token):
            return conversation_id, self.tokens.token(conversation_id), True
        conversation_id, token = self.tokens.new_conversation()
        return conversation_id, token, False

    def may_join(self, conversation_id: str, socket: Socket) -> bool:
        """Whether `socket` may push for the conversation: it does, or a slot is free."""
        sockets = self._sockets.get(conversation_id, set())
        return socket in sockets or len(sockets) < self.max_sockets

    def join(self, conversation_id: str, socket: Socket) -> None:
        """Push the conversation's frames to `socket` from now on."""
        self._sockets.setdefault(conversation_id, set()).add(socket)

    def leave(self, conversation_id: str, socket: Socket) -> None:
        """Stop pushing to `socket` (it closed)."""
        sockets = self._sockets.get(conversation_id)
        if sockets is None:
            return
        sockets.discard(socket)
        if not sockets:
            del self._sockets[conversation_id]

    async def handle(self, inbound: Inbound, client_id: str | None) -> None:
        """Route one widget message (once per client id), push the answers, attach documents."""
        conversation_id = inbound.conversation_id
        async with self._locks.hold(conversation_id):
            if client_id is not None and self._already_seen(conversation_id, client_id):
                await self.push(conversation_id, answers_frame([], client_id, duplicate=True))
                return
            try:
                answers = await self._router.handle(inbound)
            except RasaUnavailable as exc:
                log.warning("web: the assistant did not answer %s: %s", _who(inbound), exc)
                await self.push(
                    conversation_id,
                    error_frame("assistant_unavailable", "the message was saved", client_id),
                )
            except Exception:
                log.exception("web: a message of %s failed", _who(inbound))
                if client_id is not None:
                    self._seen.get(conversation_id, {}).pop(client_id, None)
                retry = error_frame("internal_error", "please send it again", client_id)
                await self.push(conversation_id, retry)
            else:
                await self.push(conversation_id, answers_frame(answers, client_id))
        await self.attach_pending(conversation_id)

    async def attach_pending(self, conversation_id: str) -> None:
        """Attach the chat's pending uploads if it now has a case, and tell the widget."""
        try:
            attached = await self.documents.attach_pending(conversation_id)
        except Exception:
            log.exception("web: pending documents of a conversation not attached")
            return
        if attached is not None:
            register_number, count = attached
            frame = {
                "type": "notice",
                "notice": "documents_attached",
                "register_number": register_number,
                "count": count,
            }
            await self.push(conversation_id, frame)

    async def push(self, conversation_id: str, frame: Frame) -> int:
        """Send a frame to every open socket of the conversation; how many got it."""
        data = json.dumps(frame, ensure_ascii=False)
        delivered = 0
        for socket in list(self._sockets.get(conversation_id, ())):
            try:
                await socket.send(data)
                delivered += 1
            except (ConnectionClosed, WebsocketClosed):
                self.leave(conversation_id, socket)
        return delivered

    async def send(self, conversation_id: str, answers: Sequence[Answer]) -> None:
        """The "web" sender (agent messages): push to the visitor's open widget.

        DeliveryFailed when no widget of the conversation is open; the message still shows
        from the transcript when the visitor comes back.
        """
        frame = answers_frame(list(answers), None, sender="agent")
        if not await self.push(conversation_id, frame):
            raise DeliveryFailed("the visitor's web widget is not connected")

    async def aclose(self) -> None:
        """Close every open widget socket (the widget reconnects to another server)."""
        for conversation_id, sockets in list(self._sockets.items()):
            for socket in list(sockets):
                with contextlib.suppress(ConnectionClosed, WebsocketClosed):
                    await socket.close(GOING_AWAY, "server stopping")
                self.leave(conversation_id, socket)

    def _already_seen(self, conversation_id: str, client_id: str) -> bool:
        seen = self._seen.pop(conversation_id, None) or OrderedDict()
        self._seen[conversation_id] = seen  # most recently used last
        while len(self._seen) > REMEMBERED_CONVERSATIONS:
            self._seen.popitem(last=False)
        if client_id in seen:
            return True
        seen[client_id] = None
        while len(seen) > REMEMBERED_CLIENT_IDS:
            seen.popitem(last=False)
        return False


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


def _who(inbound: Inbound) -> str:
    return mask_digits(inbound.conversation_id)
