"""The only HTTP client of the Rasa server: its REST channel, conversation control and status.

On aiohttp: every turn makes one call, and httpx (with httpcore and anyio under it) took
about a fifth of the app's CPU per turn in `benchmarks.gateway`'s profile.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import aiohttp

from backend.services.ports import AssistantUnavailable

# Connections kept open to Rasa: more than turns run at once (the turn queue runs up to 16),
# each for at most KEEPALIVE_SECONDS idle, under Rasa's (Sanic's) 5 s keep-alive, so that a
# connection the server is about to close is never reused.
KEPT_CONNECTIONS = 64
KEEPALIVE_SECONDS = 4.0
CONNECT_SECONDS = 5.0
# Names the conversation a call is about, so that a balancer in front of several Rasa
# processes sends all of a conversation's calls to one of them (HAProxy hashes it): that
# process keeps the conversation's tracker between turns instead of reading it back.
CONVERSATION_HEADER = "X-Conversation-Id"


class RasaUnavailable(AssistantUnavailable):
    """The Rasa server did not answer, or answered with an error."""


class RasaClient:
    """Talks to `rasa run --enable-api` with its auth token; the live chat's `Assistant` port.

    Its connection pool opens with the first call (inside the event loop), `aclose` ends it.
    """

    def __init__(self, base_url: str, auth_token: str, *, timeout: float = 30.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = auth_token
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=CONNECT_SECONDS)
        self._http: aiohttp.ClientSession | None = None

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Pass one user message to the REST channel and return the bot's answers."""
        body = {"sender": sender, "message": message, "metadata": metadata or {}}
        answers = await self._request(
            "POST", "/webhooks/rest/webhook", payload=body, conversation=sender
        )
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
            conversation=sender,
        )
        events = (tracker.get("events") if isinstance(tracker, dict) else None) or []
        return answers_after_message(events, sender, message_id)

    async def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation's tracker (slots, events), as the HTTP API shows it."""
        tracker = await self._request(
            "GET",
            f"/conversations/{sender}/tracker",
            params={"token": self._token},
            conversation=sender,
        )
        if not isinstance(tracker, dict):
            raise RasaUnavailable("the tracker is not a JSON object")
        return tracker

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU's reading of `text` (intent, entities), touching no conversation."""
        parsed = await self._request(
            "POST", "/model/parse", params={"token": self._token}, payload={"text": text}
        )
        if not isinstance(parsed, dict):
            raise RasaUnavailable("the parse is not a JSON object")
        return parsed

    async def append_events(self, sender: str, events: list[dict[str, Any]]) -> None:
        """Append events to the conversation's tracker; nothing is predicted."""
        await self._request(
            "POST",
            f"/conversations/{quote(sender, safe='')}/tracker/events",
            params={"token": self._token, "include_events": "NONE"},
            payload=events,
            conversation=sender,
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
        answered = await self._request(
            "POST",
            f"/conversations/{quote(sender, safe='')}/trigger_intent",
            params={"token": self._token, "include_events": "NONE"},
            payload={"name": intent},
            conversation=sender,
        )
        messages = answered.get("messages") if isinstance(answered, dict) else None
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
        answered = await self._request(
            "POST",
            f"/conversations/{quote(sender, safe='')}/execute",
            params={"token": self._token, "include_events": "NONE"},
            payload={"name": form},
            conversation=sender,
        )
        messages = answered.get("messages") if isinstance(answered, dict) else None
        if not isinstance(messages, list):
            raise RasaUnavailable("execute answered without a list of messages")
        await self.append_events(sender, [{"event": "action", "name": "action_listen"}])
        return messages

    async def ping(self) -> None:
        """Raise RasaUnavailable unless the server answers and has a model loaded."""
        status = await self._request("GET", "/status", params={"token": self._token})
        if not isinstance(status, dict) or not status.get("model_id"):
            raise RasaUnavailable("the Rasa server has no model loaded")

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(
                    limit=KEPT_CONNECTIONS, keepalive_timeout=KEEPALIVE_SECONDS
                ),
            )
        return self._http

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        payload: Any = None,
        conversation: str | None = None,
    ) -> Any:
        """The decoded JSON answer (None when empty); RasaUnavailable on any failure."""
        headers = {CONVERSATION_HEADER: conversation} if conversation else None
        try:
            async with self._session().request(
                method, f"{self._base_url}{path}", params=params, json=payload, headers=headers
            ) as response:
                body = await response.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise RasaUnavailable(f"Rasa server unreachable: {exc.__class__.__name__}") from exc
        if response.status >= 400:
            raise RasaUnavailable(f"Rasa server answered {response.status}")
        if not body:
            return None
        try:
            return json.loads(body)
        except ValueError as exc:
            raise RasaUnavailable("Rasa server answered something other than JSON") from exc


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
