"""In-memory fakes of the channel adapters' collaborators, for unit tests without servers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from telegram.request import BaseRequest, RequestData

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
    """The ChannelStore's behaviour in memory: claims, last inbound times, offered buttons."""

    def __init__(self) -> None:
        self.deliveries: dict[tuple[str, str], tuple[str, datetime]] = {}
        self.offered: dict[str, list[str]] = {}

    async def claim(
        self,
        channel: str,
        external_id: str,
        conversation_id: str,
        received_at: datetime | None = None,
    ) -> bool:
        if (channel, external_id) in self.deliveries:
            return False
        self.deliveries[channel, external_id] = (conversation_id, received_at or datetime.now(UTC))
        return True

    async def last_inbound_at(self, conversation_id: str) -> datetime | None:
        times = [at for cid, at in self.deliveries.values() if cid == conversation_id]
        return max(times, default=None)

    async def recent_button_payloads(self, conversation_id: str) -> list[str]:
        return list(self.offered.get(conversation_id, []))


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

    `refused[method] = "Bad Request: …"` makes that method fail the way Telegram refuses.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.refused: dict[str, str] = {}

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
