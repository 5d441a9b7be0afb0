"""The only HTTP client of the Rasa server: its REST channel, conversation control and status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from backend.services.ports import AssistantUnavailable

# Connections kept open to Rasa: as many as turns run at once (the turn queue runs up to 32)
# and more. httpx keeps 20 by default, so under load every turn past the 20th opened and
# closed a connection of its own.
KEPT_CONNECTIONS = 64


class RasaUnavailable(AssistantUnavailable):
    """The Rasa server did not answer, or answered with an error."""


class RasaClient:
    """Talks to `rasa run --enable-api` with its auth token; the live chat's `Assistant` port."""

    def __init__(
        self,
        base_url: str,
        auth_token: str,
        *,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token = auth_token
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, connect=5.0),
            limits=httpx.Limits(
                max_connections=KEPT_CONNECTIONS, max_keepalive_connections=KEPT_CONNECTIONS
            ),
            transport=transport,
        )

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Pass one user message to the REST channel and return the bot's answers."""
        body = {"sender": sender, "message": message, "metadata": metadata or {}}
        response = await self._request("POST", "/webhooks/rest/webhook", json=body)
        answers = response.json()
        if not isinstance(answers, list):
            raise RasaUnavailable("the REST channel answered something other than a list")
        return answers

    async def answer(
        self, sender: str, text: str, metadata: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """The `Responder` port: the bot's answers to one user message."""
        return await self.send(sender, text, dict(metadata))

    async def keep_user_message(self, sender: str, text: str, metadata: Mapping[str, Any]) -> None:
        """The `Responder` port: keep a message meant for an agent in the paused tracker."""
        await self.record_user_message(sender, text, dict(metadata))

    async def answers_given(self, sender: str, message_id: int) -> list[dict[str, Any]] | None:
        """The bot's answers to the user message with this `message_id` metadata, from the
        tracker; None when the tracker never got that message."""
        tracker = await self._request(
            "GET",
            f"/conversations/{quote(sender, safe='')}/tracker",
            params={"token": self._token, "include_events": "ALL"},
        )
        events = tracker.json().get("events") or []
        return answers_after_message(events, sender, message_id)

    async def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation's tracker (slots, events), as the HTTP API shows it."""
        response = await self._request(
            "GET", f"/conversations/{sender}/tracker", params={"token": self._token}
        )
        return response.json()

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU's reading of `text` (intent, entities), touching no conversation."""
        response = await self._request(
            "POST", "/model/parse", params={"token": self._token}, json={"text": text}
        )
        return response.json()

    async def append_events(self, sender: str, events: list[dict[str, Any]]) -> None:
        """Append events to the conversation's tracker; nothing is predicted."""
        await self._request(
            "POST",
            f"/conversations/{quote(sender, safe='')}/tracker/events",
            params={"token": self._token, "include_events": "NONE"},
            json=events,
        )

    async def pause(self, sender: str) -> None:
        """Pause the conversation: an agent answers, the bot predicts nothing (a form ends)."""
        await self.append_events(
            sender,
            [
                {"event": "active_loop", "name": None},
                {"event": "slot", "name": "requested_slot", "value": None},
                {"event": "pause"},
            ],
        )

    async def resume(self, sender: str) -> None:
        """Resume the conversation after a handoff, listening for the user's next message."""
        await self.append_events(
            sender, [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
        )

    async def record_user_message(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> None:
        """Keep a message the user sent to an agent in the (paused) tracker, read by NLU."""
        parse_data = await self.parse(text)
        event = {"event": "user", "text": text, "parse_data": parse_data, "input_channel": "rest"}
        if metadata:
            event["metadata"] = metadata
        await self.append_events(sender, [event])

    async def trigger_intent(self, sender: str, intent: str) -> list[dict[str, Any]]:
        """Inject `intent` as if the user had said it; the bot's answers, in the REST shape."""
        response = await self._request(
            "POST",
            f"/conversations/{quote(sender, safe='')}/trigger_intent",
            params={"token": self._token, "include_events": "NONE"},
            json={"name": intent},
        )
        messages = response.json().get("messages")
        if not isinstance(messages, list):
            raise RasaUnavailable("trigger_intent answered without a list of messages")
        return messages

    async def forget_slots(self, sender: str, names: Sequence[str]) -> None:
        """Empty these slots (an agent registered what the form had collected)."""
        await self.append_events(
            sender, [{"event": "slot", "name": name, "value": None} for name in names]
        )

    async def resume_form(self, sender: str, form: str) -> list[dict[str, Any]]:
        """Take the form up again where its answers end: it asks its next missing question,
        then listens (as after any question); the bot's answers, in the REST shape."""
        response = await self._request(
            "POST",
            f"/conversations/{quote(sender, safe='')}/execute",
            params={"token": self._token, "include_events": "NONE"},
            json={"name": form},
        )
        messages = response.json().get("messages")
        if not isinstance(messages, list):
            raise RasaUnavailable("execute answered without a list of messages")
        await self.append_events(sender, [{"event": "action", "name": "action_listen"}])
        return messages

    async def ping(self) -> None:
        """Raise RasaUnavailable unless the server answers and has a model loaded."""
        response = await self._request("GET", "/status", params={"token": self._token})
        if not response.json().get("model_id"):
            raise RasaUnavailable("the Rasa server has no model loaded")

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa server unreachable: {exc.__class__.__name__}") from exc
        if response.status_code >= 400:
            raise RasaUnavailable(f"Rasa server answered {response.status_code}")
        return response


REST_FIELDS = ("buttons", "image", "attachment", "custom", "elements", "quick_replies")


def answers_after_message(
    events: list[dict[str, Any]], sender: str, message_id: int
) -> list[dict[str, Any]] | None:
    """The `bot` events after the user event whose metadata has `message_id`, in the REST
    channel's shape; None when no user event has it."""
    start = None
    for index, event in enumerate(events):
        metadata = event.get("metadata") if event.get("event") == "user" else None
        if isinstance(metadata, dict) and metadata.get("message_id") == message_id:
            start = index
    if start is None:
        return None
    answers: list[dict[str, Any]] = []
    for event in events[start + 1 :]:
        if event.get("event") == "user":
            break
        if event.get("event") != "bot":
            continue
        answer: dict[str, Any] = {"recipient_id": sender}
        if event.get("text"):
            answer["text"] = event["text"]
        data = event.get("data") or {}
        answer.update({key: data[key] for key in REST_FIELDS if data.get(key)})
        answers.append(answer)
    return answers
