"""The REST channel: Rasa's `/webhooks/rest/webhook` shape, served by the gateway."""

from __future__ import annotations

import json
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from backend.db.tables import Message
from backend.services.handoff import pushed_messages
from bot.messages import CONVERSATION_ID, Inbound, InvalidMessage
from bot.rasa_client import RasaUnavailable

rest = Blueprint("rest_channel", url_prefix="/webhooks/rest")

# The keys of a Rasa REST message a pulled message keeps.
REST_MESSAGE_KEYS = ("text", "buttons", "image", "attachment", "custom")


@rest.post("/webhook")
async def receive(request: Request) -> HTTPResponse:
    """Translate the body, route it, answer with the bot's messages (or [] during a handoff)."""
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "malformed_json", "body", "the body is not valid JSON")
    if not isinstance(body, dict):
        return _error(400, "invalid_body", "body", "the body must be a JSON object")
    try:
        inbound = Inbound.checked(
            body.get("sender"),
            "rest",
            body.get("message"),
            body.get("metadata"),
            max_chars=request.app.ctx.settings.max_message_chars,
        )
    except InvalidMessage as exc:
        status = 413 if exc.too_large else 422
        return _error(status, "invalid_message", exc.field, exc.detail)
    try:
        answers = await request.app.ctx.router.handle(inbound)
    except RasaUnavailable:
        return _error(
            503,
            "assistant_unavailable",
            None,
            "the message was saved; the assistant is not answering",
        )
    return json_response(answers)


@rest.get("/messages/<sender:str>")
async def pending(request: Request, sender: str) -> HTTPResponse:
    """Messages sent to a REST user outside an answer (an agent's, the rating after a handoff).

    `?after=<id>` gives those after the message with that id; each carries its `id` and
    `from` (`agent` or `bot`) besides Rasa's REST fields. REST clients poll this.
    """
    if not CONVERSATION_ID.match(sender):
        return _error(422, "invalid_message", "sender", "must be 1-128 letters, digits or _.:@+-")
    try:
        after = int(request.args.get("after") or 0)
    except ValueError:
        after = -1
    if after < 0:
        return _error(422, "invalid_field", "after", "must be a message id (a whole number)")
    async with request.app.ctx.db.session() as session:
        messages = await pushed_messages(session, sender, after)
    return json_response([_rest_message(sender, message) for message in messages])


def _rest_message(sender: str, message: Message) -> dict[str, Any]:
    payload = message.payload if isinstance(message.payload, dict) else {}
    kept = {key: payload[key] for key in REST_MESSAGE_KEYS if payload.get(key) is not None}
    return {"id": message.id, "from": message.sender, "recipient_id": sender, **kept}


def _error(status: int, error: str, field: str | None, detail: str) -> HTTPResponse:
    return json_response({"error": error, "field": field, "detail": detail}, status=status)
