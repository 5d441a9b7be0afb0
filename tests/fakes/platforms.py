"""Fake Telegram Bot API, WhatsApp Graph API and Rasa REST servers that record every request.

Each is a real HTTP server on 127.0.0.1 in a background thread, so it serves the app
whether the app runs in the test's event loop or as a child process (the e2e `Stack`):

    with FakeTelegram() as telegram, FakeGraph() as graph:
        settings = replace(settings, telegram_api_url=telegram.api_url,
                           whatsapp_api_url=graph.api_url, ...)
        ...
        [call] = telegram.wait_for("sendMessage")
        assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "/greet"

`wait_for` blocks (for sync tests); `await fake.wait(...)` is the same for async tests.
For an app in a child process, `channel_environment(telegram, graph)` is the environment
that turns both channels on against these fakes (e.g. the e2e `Stack(extra_env=...)`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit

TELEGRAM_BOT_TOKEN = "123456789:AAH-fake-bot-token"
TELEGRAM_WEBHOOK_SECRET = "fake-telegram-webhook-secret"
WHATSAPP_VERIFY_TOKEN = "fake-whatsapp-verify-token"
WHATSAPP_APP_SECRET = "fake-whatsapp-app-secret"
WHATSAPP_ACCESS_TOKEN = "EAAG-fake-whatsapp-access-token"
WHATSAPP_PHONE_NUMBER_ID = "106540352242922"

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Aduan",
    "username": "aduan_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Call:
    """One request a fake received; `name` is the API method (Telegram) or the path's last part."""

    http_method: str
    path: str
    headers: dict[str, str]
    body: bytes
    name: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class FakeServer:
    """A tiny HTTP server in a thread; subclasses decide the answers."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._changed = threading.Condition()
        self._failures: dict[str, deque[int]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail(self, name: str, status: int = 500, times: int = 1) -> None:
        """Answer the next `times` calls named `name` with `status`."""
        self._failures.setdefault(name, deque()).extend([status] * times)

    def named(self, name: str) -> list[Call]:
        """The calls named `name` so far, oldest first."""
        with self._changed:
            return [call for call in self.calls if call.name == name]

    def wait_for(self, name: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until `count` calls named `name` arrived; all of them, oldest first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := [c for c in self.calls if c.name == name]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    names = [c.name for c in self.calls]
                    raise AssertionError(f"{count} x {name} expected in {timeout}s; got {names}")
                self._changed.wait(left)
        return found

    async def wait(self, name: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """`wait_for` without blocking the event loop."""
        deadline = time.monotonic() + timeout
        while len(found := self.named(name)) < count:
            if time.monotonic() > deadline:
                return self.wait_for(name, count, timeout=0)
            await asyncio.sleep(0.01)
        return found

    def answer(self, call: Call) -> tuple[int, Any]:
        """The status and JSON body for a call (after any injected failure)."""
        raise NotImplementedError

    def parse(self, call: Call) -> None:
        """Fill the call's `name` and `params` from the request."""
        call.name = call.path.rstrip("/").rsplit("/", 1)[-1]
        if call.body and "json" in call.headers.get("content-type", ""):
            call.params = call.json

    def _handle(self, call: Call) -> tuple[int, Any]:
        self.parse(call)
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
            pending = self._failures.get(call.name)
            status = pending.popleft() if pending else None
        if status is not None:
            return status, self.failure_body(status)
        return self.answer(call)

    def failure_body(self, status: int) -> Any:
        return {"error": {"message": "fake failure", "code": status}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {key.lower(): value for key, value in self.headers.items()}
                status, answer = fake._handle(Call(self.command, self.path, headers, body))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


class FakeTelegram(FakeServer):
    """The Bot API at `api_url` (give it as TELEGRAM_API_URL); queue updates for getUpdates."""

    def __init__(self) -> None:
        super().__init__()
        self._updates: list[dict[str, Any]] = []
        self._message_ids = itertools.count(1000)

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/bot"

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for the bot's next getUpdates (polling mode)."""
        with self._changed:
            self._updates.append(update)
            self._changed.notify_all()

    def sent_texts(self, chat_id: int) -> list[str]:
        """The texts sent with sendMessage to a chat, oldest first."""
        calls = self.named("sendMessage")
        return [c.params["text"] for c in calls if c.params["chat_id"] == str(chat_id)]

    def parse(self, call: Call) -> None:
        path = urlsplit(call.path).path
        call.name = path.rsplit("/", 1)[-1]
        if "json" in call.headers.get("content-type", ""):
            call.params = call.json if call.body else {}
        else:
            fields = parse_qsl(call.body.decode())
            call.params = {key: _json_or_text(value) for key, value in fields}

    def failure_body(self, status: int) -> Any:
        return {"ok": False, "error_code": status, "description": "Fake failure"}

    def answer(self, call: Call) -> tuple[int, Any]:
        if call.name == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if call.name in ("sendMessage", "sendPhoto"):
            return 200, {"ok": True, "result": self._sent_message(call)}
        if call.name == "getUpdates":
            return 200, {"ok": True, "result": self._next_updates(call.params)}
        return 200, {"ok": True, "result": True}

    def _sent_message(self, call: Call) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(call.params["chat_id"]), "type": "private"},
            "from": {key: BOT_USER[key] for key in ("id", "is_bot", "first_name", "username")},
        }
        if call.name == "sendMessage":
            message["text"] = call.params["text"]
        else:
            message["photo"] = [
                {"file_id": "AgAD-fake", "file_unique_id": "fake", "width": 1, "height": 1}
            ]
        return message

    def _next_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.5)
        with self._changed:
            while True:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                left = deadline - time.monotonic()
                if self._updates or left <= 0:
                    return list(self._updates)
                self._changed.wait(left)


class FakeGraph(FakeServer):
    """The Graph API at `api_url` (give it as WHATSAPP_API_URL); calls are named "messages"."""

    def __init__(self, version: str = "v21.0") -> None:
        super().__init__()
        self.version = version
        self._ids = itertools.count(1)

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/{self.version}"

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The bodies of every message sent so far, oldest first."""
        return [call.json for call in self.named("messages")]

    def answer(self, call: Call) -> tuple[int, Any]:
        if call.name != "messages" or call.http_method != "POST":
            return 404, {"error": {"message": "Unknown path", "code": 100}}
        to = call.json.get("to")
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": f"wamid.FAKE{next(self._ids):06d}"}],
        }


class FakeRasa(FakeServer):
    """Rasa's REST channel at `url` (RASA_URL): scripted answers by message, else an echo."""

    def __init__(self, script: dict[str, list[dict[str, Any]]] | None = None) -> None:
        super().__init__()
        self.script = dict(script or {})
        self.reply: Callable[[str, str], list[dict[str, Any]]] = self._scripted
        self.trackers: dict[str, list[dict[str, Any]]] = {}

    @property
    def url(self) -> str:
        return self.base_url

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The `{"sender", "message", "metadata"}` bodies received, oldest first."""
        return [call.json for call in self.named("webhook")]

    def answer(self, call: Call) -> tuple[int, Any]:
        if call.name == "webhook":
            body = call.json
            answers = self.reply(body["sender"], body["message"])
            self._track(body, answers)
            return 200, answers
        parts = urlsplit(call.path).path.split("/")
        if (
            call.http_method == "GET"
            and len(parts) == 4
            and parts[1:4:2] == ["conversations", "tracker"]
        ):
            sender = unquote(parts[2])
            return 200, {"sender_id": sender, "events": list(self.trackers.get(sender, []))}
        if urlsplit(call.path).path == "/status":
            return 200, {"model_id": "fake", "model_file": "fake.tar.gz"}
        return 404, {"error": "unknown path"}

    def _track(self, body: dict[str, Any], answers: list[dict[str, Any]]) -> None:
        """Keep the turn in the sender's tracker, as Rasa does (the worker may ask for it)."""
        events = self.trackers.setdefault(body["sender"], [])
        events.append(
            {"event": "user", "text": body["message"], "metadata": body.get("metadata") or {}}
        )
        for answer in answers:
            data = {
                key: value for key, value in answer.items() if key not in ("recipient_id", "text")
            }
            events.append({"event": "bot", "text": answer.get("text"), "data": data})

    def _scripted(self, sender: str, message: str) -> list[dict[str, Any]]:
        answers = self.script.get(message)
        if answers is None:
            return [{"recipient_id": sender, "text": f"echo: {message}"}]
        return [{"recipient_id": sender, **answer} for answer in answers]


def _json_or_text(value: str) -> Any:
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def channel_environment(telegram: FakeTelegram, graph: FakeGraph) -> dict[str, str]:
    """Environment variables that turn Telegram and WhatsApp on against these fakes."""
    return {
        "TELEGRAM_BOT_TOKEN": TELEGRAM_BOT_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_WEBHOOK_SECRET,
        "TELEGRAM_API_URL": telegram.api_url,
        "WHATSAPP_VERIFY_TOKEN": WHATSAPP_VERIFY_TOKEN,
        "WHATSAPP_APP_SECRET": WHATSAPP_APP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": WHATSAPP_ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": WHATSAPP_PHONE_NUMBER_ID,
        "WHATSAPP_API_URL": graph.api_url,
    }
