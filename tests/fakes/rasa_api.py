"""A fake Rasa server with the HTTP API the handoff uses: parse, tracker events, trigger_intent,
execute."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from tests.fakes.platforms import Call, FakeRasa

RATING_REQUEST = {
    "text": "Thank you for chatting with us, If you can take a minute and rate this chat:",
    "buttons": [{"title": str(n), "payload": f'/rate{{"rating":{n}}}'} for n in range(1, 6)],
}


NEXT_QUESTION = {"text": "Siapa nama lengkap Anda?"}  # the resumed form's next question


class FakeRasaApi(FakeRasa):
    """The REST channel (an echo) plus the conversation API; keeps the events appended."""

    def __init__(self) -> None:
        super().__init__()
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.triggered: list[tuple[str, str]] = []
        self.executed: list[tuple[str, str]] = []

    def parse(self, call: Call) -> None:
        """Name calls by their path's last part, without the query (`events`, `parse`)."""
        super().parse(call)
        call.name = urlsplit(call.path).path.rstrip("/").rsplit("/", 1)[-1]

    def answer(self, call: Call) -> tuple[int, Any]:
        path = urlsplit(call.path).path
        if path == "/model/parse":
            text = call.json["text"]
            return 200, {"text": text, "intent": {"name": "inform", "confidence": 0.9}}
        if path.endswith("/tracker/events"):
            sender = unquote(path.split("/")[2])
            self.events.setdefault(sender, []).extend(call.json)
            return 200, {"sender_id": sender}
        if path.endswith("/trigger_intent"):
            sender = unquote(path.split("/")[2])
            self.triggered.append((sender, call.json["name"]))
            return 200, {"tracker": {}, "messages": [{"recipient_id": sender, **RATING_REQUEST}]}
        if path.endswith("/execute"):
            sender = unquote(path.split("/")[2])
            self.executed.append((sender, call.json["name"]))
            return 200, {"tracker": {}, "messages": [{"recipient_id": sender, **NEXT_QUESTION}]}
        return super().answer(call)

    def event_names(self, sender: str) -> list[str]:
        """The kinds of the events appended to a tracker, oldest first."""
        return [event["event"] for event in self.events.get(sender, [])]
