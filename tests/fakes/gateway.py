"""In-memory fakes of the channel adapters' collaborators, for unit tests without servers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from telegram.request import BaseRequest, RequestData

from backend.services.inbox import TakenIn
from backend.services.ports import Answer
from bot.inbound import Inbound
from bot.rasa_client import RasaUnavailable
from tests.fakes.platforms import BOT_USER


class FakeRouter:
    """Records every inbound message and answers from a script (default: an echo)."""

    def __init__(self, script: dict[str, list[Answer]] | None = None) -> None:
        self.inbound: list[Inbound] = []
        self.script = dict(script or {})
        self.down = False

    async def handle(self, inbound: Inbound) -> list[dict[str, Any]]:
        self.inbound.append(inbound)
        if self.down:
            raise RasaUnavailable("Rasa server unreachable: ConnectError")
        answers = self.script.get(inbound.text, [{"text": f"echo: {inbound.text}"}])
        return [{"recipient_id": inbound.conversation_id, **answer} for answer in answers]

    @property
    def texts(self) -> list[str]:
        return [inbound.text for inbound in self.inbound]


class FakeChannelStore:
    """The ChannelStore's behaviour in memory: fixed replies, last inbound times, offered buttons.

    `inbound_at[conversation]` stands in for the platform deliveries taken in (the window).
    """

    def __init__(self) -> None:
        self.replies: list[tuple[str, str]] = []
        self.claimed: set[tuple[str, str]] = set()
        self.inbound_at: dict[str, datetime] = {}
        self.offered: dict[str, list[str]] = {}
        self.broken = False

    async def record_reply(
        self,
        conversation_id: str,
        channel: str,
        text: str,
        now: datetime,
        *,
        external_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> bool:
        if self.broken:
            raise ConnectionError("the database is down")
        if external_id is not None:
            if (channel, external_id) in self.claimed:
                return False
            self.claimed.add((channel, external_id))
        self.replies.append((conversation_id, text))
        return True

    async def last_inbound_at(self, conversation_id: str) -> datetime | None:
        return self.inbound_at.get(conversation_id)

    async def recent_button_payloads(self, conversation_id: str) -> list[str]:
        return list(self.offered.get(conversation_id, []))


class FakeIntake:
    """The Intake's `take` in memory: each external id taken in once; `broken` fails the next.

    Shares `claimed` with a FakeChannelStore when given one, as the database does.
    """

    def __init__(self, store: FakeChannelStore | None = None) -> None:
        self.inbound: list[Inbound] = []
        self.taken: list[tuple[Inbound, str | None, datetime | None]] = []
        self.claimed: set[tuple[str, str]] = store.claimed if store is not None else set()
        self.broken = 0

    async def take(
        self,
        inbound: Inbound,
        *,
        external_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> TakenIn:
        if self.broken:
            self.broken -= 1
            raise ConnectionError("the database is down")
        if external_id is not None:
            if (inbound.channel, external_id) in self.claimed:
                return TakenIn(None, fresh=False)
            self.claimed.add((inbound.channel, external_id))
        self.inbound.append(inbound)
        self.taken.append((inbound, external_id, sent_at))
        return TakenIn(len(self.inbound), fresh=True)

    @property
    def texts(self) -> list[str]:
        return [inbound.text for inbound in self.inbound]


class FakeSender:
    """A ChannelSender that keeps what it was asked to send."""

    def __init__(self, channel: str = "fake") -> None:
        self.channel = channel
        self.sent: list[tuple[str, list[Answer]]] = []
        self.closed = False

    async def send(self, conversation_id: str, answers: Sequence[Answer]) -> None:
        self.sent.append((conversation_id, list(answers)))

    async def aclose(self) -> None:
        self.closed = True


class MemoryBotApi(BaseRequest):
    """The Bot API answered in memory for PTB (its `request`): every call recorded, no network.

    `refused[method] = "Bad Request: …"` makes that method fail the way Telegram refuses;
    `slow[method] = seconds` makes Telegram take that long to answer it.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.refused: dict[str, str] = {}
        self.slow: dict[str, float] = {}

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def named(self, name: str) -> list[dict[str, Any]]:
        """The parameters of the calls of one method, oldest first."""
        return [params for called, params in self.calls if called == name]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = json.loads(json.dumps(request_data.parameters)) if request_data else {}
        self.calls.append((name, params))
        if name in self.slow:
            await asyncio.sleep(self.slow[name])
        if name in self.refused:
            refusal = {"ok": False, "error_code": 400, "description": self.refused[name]}
            return 400, json.dumps(refusal).encode()
        result: Any = True
        if name == "getMe":
            result = BOT_USER
        elif name in ("sendMessage", "sendPhoto"):
            result = {
                "message_id": len(self.calls),
                "date": 1_795_000_000,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()
