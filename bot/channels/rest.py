"""The REST channel: Rasa's `/webhooks/rest/webhook` shape, served by the gateway."""

from __future__ import annotations

import json

from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.messages import Inbound, InvalidMessage
from bot.rasa_client import RasaUnavailable

rest = Blueprint("rest_channel", url_prefix="/webhooks/rest")


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


def _error(status: int, error: str, field: str | None, detail: str) -> HTTPResponse:
    return json_response({"error": error, "field": field, "detail": detail}, status=status)
