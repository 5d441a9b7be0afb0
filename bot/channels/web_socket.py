"""One widget's websocket: the frames it may send, each answered, none able to crash it.

    → {"type": "hello", "conversation_id"?, "token"?, "language"?: "id"|"en",
       "after"?: <id of the last bot or agent message the widget has>}          (first)
    ← {"type": "session", "conversation_id", "token", "resumed"}
    ← the answers frames of the messages after `after` (resumed chats), then the live ones
    → {"type": "message", "text": "<text or button payload>", "id"?: "<client id>"}
    ← {"type": "received", "message_id", "handled_by": "bot"|"agent", "reply_to"?,
       "created_at"}
      (stored; the bot's answers follow unless an agent holds the chat)
    ← {"type": "answers", "sender": "bot"|"agent", "messages": [Rasa answers + "id"],
       "reply_to"?, "last_id"?}
      (whenever the bot or an agent writes, on whichever server the widget is connected to;
      each message has its `created_at`, an agent's its `agent_name`, the bot's note that
      an agent joined or left `notice`: "agent_joined"|"agent_left" and `agent_name`;
      a message re-sent with a client id that was taken in before is answered
      `{"type": "answers", "sender": "bot", "messages": [], "reply_to", "duplicate": true}`)
    ← {"type": "notice", "notice": "documents_attached", "register_number", "count"}
    → {"type": "status"}
    ← {"type": "status", "handled_by": "bot"|"agent", "agent_name": str|null,
       "queue_position": N|null}   (N: the chat's place among the chats waiting for an agent)
    → {"type": "typing"}   (the customer types; shown in the console, at most every 2 s)
    ← {"type": "typing", "who": "agent", "agent_name"}   (the agent types)
    → {"type": "ping"}  ← {"type": "pong"}
    ← {"type": "error", "error", "detail", "field"?, "reply_to"?, "retry_after"?}
      (the socket stays open; `rate_limited` carries `retry_after`, in seconds)

A hello without a valid token starts a new conversation. Message ids grow: the widget
keeps the highest it saw, sends it as `after` on every (re)connect, and drops a message
whose id it already has. A conversation has at most
`max_sockets_per_conversation` open sockets: the hello of one more gets the error
`too_many_connections` and its socket is closed. English widgets send their
messages with the metadata `{"language": "en"}`, which the bot's session start reads.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from typing import Any, Protocol

from sanic.exceptions import WebsocketClosed
from websockets.exceptions import ConnectionClosed

from backend.rate_limits import RateLimits
from bot.channels.web_channel import Frame, Socket, WebChannel, error_frame
from bot.inbound import Inbound, InvalidMessage

MAX_FRAME_CHARS = 64 * 1024
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LANGUAGES = ("id", "en")
POLICY_VIOLATION = 1008
TYPING_SECONDS = 2.0  # the customer's typing reaches the console at most this often


class WidgetSocket(Socket, Protocol):
    """A socket the widget's frames can be read from."""

    async def recv(self, timeout: float | None = None) -> str | bytes | None: ...


class WidgetConnection:
    """Reads one socket's frames until it closes; answers refusals with error frames."""

    def __init__(
        self, channel: WebChannel, socket: WidgetSocket, *, limits: RateLimits, address: str
    ) -> None:
        self._channel = channel
        self._socket = socket
        self._limits = limits
        self._address = address
        self.conversation_id: str | None = None
        self.language = "id"
        self._typed_at = -TYPING_SECONDS

    async def serve(self) -> None:
        """Take frames until the widget goes away, then stop pushing to it."""
        try:
            while True:
                data = await self._socket.recv()
                if data is not None:
                    await self.take(data)
        except (ConnectionClosed, WebsocketClosed):
            pass
        finally:
            if self.conversation_id is not None:
                self._channel.leave(self.conversation_id, self._socket)

    async def take(self, data: str | bytes) -> None:
        """Check and dispatch one frame."""
        if isinstance(data, bytes):
            await self.reply(
                error_frame("binary_frame", "send JSON text frames; upload files over HTTP")
            )
            return
        if len(data) > MAX_FRAME_CHARS:
            detail = f"a frame is at most {MAX_FRAME_CHARS} characters"
            await self.reply(error_frame("frame_too_large", detail))
            return
        try:
            frame: Any = json.loads(data)
        except (ValueError, RecursionError):
            await self.reply(error_frame("malformed_json", "the frame is not valid JSON"))
            return
        if not isinstance(frame, dict):
            await self.reply(error_frame("invalid_frame", "a frame must be a JSON object"))
            return
        kind = frame.get("type")
        if kind == "ping":
            await self.reply({"type": "pong"})
        elif kind == "hello":
            await self.hello(frame)
        elif self.conversation_id is None:
            await self.reply(error_frame("hello_required", "send a hello frame first"))
        elif kind == "message":
            await self.message(self.conversation_id, frame)
        elif kind == "status":
            await self.reply(await self._channel.status(self.conversation_id))
        elif kind == "typing":
            await self.typing(self.conversation_id)
        else:
            detail = "type must be hello, message, status, typing or ping"
            await self.reply(error_frame("unknown_type", detail, field="type"))

    async def hello(self, frame: Frame) -> None:
        """Resume the visitor's chat (valid token) or start a new one; join its pushes."""
        conversation_id, token, resumed = self._channel.open_session(
            frame.get("conversation_id"), frame.get("token")
        )
        language = frame.get("language")
        self.language = language if language in LANGUAGES else "id"
        if not self._channel.may_join(conversation_id, self._socket):
            detail = f"at most {self._channel.max_sockets} open widgets per conversation"
            await self.reply(error_frame("too_many_connections", detail))
            with contextlib.suppress(ConnectionClosed, WebsocketClosed):
                await self._socket.close(POLICY_VIOLATION, "too many connections")
            return
        if self.conversation_id is not None and self.conversation_id != conversation_id:
            self._channel.leave(self.conversation_id, self._socket)
        self.conversation_id = conversation_id
        self._channel.join(conversation_id, self._socket)
        await self.reply(
            {
                "type": "session",
                "conversation_id": conversation_id,
                "token": token,
                "resumed": resumed,
            }
        )
        after = frame.get("after")
        if not resumed:
            after = 0  # a new conversation: nothing to miss yet
        elif not (isinstance(after, int) and not isinstance(after, bool) and after >= 0):
            after = None  # the widget did not say what it has: no catch-up
        await self._channel.catch_up(conversation_id, self._socket, after)
        if resumed:
            await self._channel.attach_pending(conversation_id)

    async def message(self, conversation_id: str, frame: Frame) -> None:
        """Check a message, then take it in (the answers come later as `answers` frames)."""
        client_id = frame.get("id")
        if client_id is not None and not (
            isinstance(client_id, str) and CLIENT_ID.match(client_id)
        ):
            detail = "id must be 1-64 letters, digits, _ or -"
            await self.reply(error_frame("invalid_frame", detail, field="id"))
            return
        throttled = await self._limits.message(conversation_id, self._address)
        if throttled is not None:
            refusal = error_frame("rate_limited", throttled.detail, client_id)
            await self.reply({**refusal, "retry_after": throttled.retry_after})
            return
        metadata = {"language": "en"} if self.language == "en" else None
        try:
            inbound = Inbound.checked(
                conversation_id,
                "web",
                frame.get("text"),
                metadata,
                max_chars=self._channel.max_chars,
            )
        except InvalidMessage as exc:
            error = "message_too_long" if exc.too_large else "invalid_message"
            field = "text" if exc.field == "message" else exc.field
            await self.reply(error_frame(error, exc.detail, client_id, field=field))
            return
        await self.reply(await self._channel.handle(inbound, client_id))

    async def typing(self, conversation_id: str) -> None:
        """The customer is typing: passed to the console at most once per TYPING_SECONDS."""
        now = time.monotonic()
        if now - self._typed_at < TYPING_SECONDS:
            return
        self._typed_at = now
        await self._channel.typing(conversation_id)

    async def reply(self, frame: Frame) -> None:
        """Send a frame to this socket only (nothing happens if it closed meanwhile)."""
        with contextlib.suppress(ConnectionClosed, WebsocketClosed):
            await self._socket.send(json.dumps(frame, ensure_ascii=False))
