"""The REST channel: Rasa's `/webhooks/rest/webhook` shape, served by the gateway."""

from __future__ import annotations

import json
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from backend.bearer_tokens import token_matches
from backend.domain.conversation_ids import ChannelMismatch
from backend.rate_limits import client_address
from backend.services.conversations import check_conversation_channel
from backend.services.handoff import pushed_messages
from backend.services.message_views import MessageView
from backend.services.records import Message
from bot.channels.rest_tokens import TOKEN_HEADER
from bot.inbound import CONVERSATION_ID, Inbound, InvalidMessage

rest = Blueprint("rest_channel", url_prefix="/webhooks/rest")


@rest.post("/webhook")
async def receive(request: Request) -> HTTPResponse:
    """Store the message, wait for its turn, answer with the bot's messages.

    `[]` while an agent holds the chat. When the bot cannot answer in time (it is down, or
    busier than REST_WAIT_SECONDS), the answer says that the reply follows, and the reply
    is then at the pull endpoint; nothing is lost and the message is not to be re-sent.
    The answer that opens a conversation carries its pull token (`X-Conversation-Token`).
    """
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):
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
    throttled = await request.app.ctx.rate_limits.message(
        inbound.conversation_id, client_address(request)
    )
    if throttled is not None:
        retry_after = {"Retry-After": str(throttled.retry_after)}
        return _error(429, "rate_limited", None, throttled.detail, headers=retry_after)
    try:
        conversed = await request.app.ctx.intake.converse(inbound)
    except ChannelMismatch:
        return _not_rest(inbound.conversation_id)
    headers = _token_header(request, inbound.conversation_id, conversed.opened)
    return json_response(conversed.answers, headers=headers)


@rest.get("/messages/<sender:str>")
async def pending(request: Request, sender: str) -> HTTPResponse:
    """Messages sent to a REST user outside an answer (an agent's, the rating after a handoff).

    `?after=<id>` gives those after the message with that id; each carries its `id` and
    `from` (`agent` or `bot`) besides Rasa's REST fields. REST clients poll this with the
    sender's token (`Authorization: Bearer <X-Conversation-Token>`) or the API token.
    """
    if not CONVERSATION_ID.match(sender):
        return _error(422, "invalid_message", "sender", "must be 1-128 letters, digits or _.:@+-")
    if not _may_pull(request, sender):
        return _error(
            401,
            "unauthorized",
            "Authorization",
            f"send the conversation's token ({TOKEN_HEADER} of its first answer) as a bearer token",
            headers={"WWW-Authenticate": 'Bearer realm="conversation"'},
        )
    try:
        after = int(request.args.get("after") or 0)
    except ValueError:
        after = -1
    if after < 0:
        return _error(422, "invalid_field", "after", "must be a message id (a whole number)")
    try:
        async with request.app.ctx.db.session() as session:
            await check_conversation_channel(session, sender, "rest")
            messages = await pushed_messages(session, sender, after)
    except ChannelMismatch:
        return _not_rest(sender)
    return json_response([_rest_message(sender, message) for message in messages])


def _may_pull(request: Request, sender: str) -> bool:
    """The sender's own pull token, or the API token (server-to-server)."""
    header = request.headers.get("authorization")
    if token_matches(header, request.app.ctx.settings.app_api_token):
        return True
    scheme, _, token = (header or "").partition(" ")
    return scheme.lower() == "bearer" and request.app.ctx.rest_tokens.matches(sender, token.strip())


def _token_header(request: Request, sender: str, opened: bool) -> dict[str, str]:
    """The pull token, on the answer that opened the conversation only."""
    return {TOKEN_HEADER: request.app.ctx.rest_tokens.token(sender)} if opened else {}


def _not_rest(sender: str) -> HTTPResponse:
    return _error(
        403,
        "forbidden",
        "sender",
        "this conversation belongs to another channel; REST senders may not use the "
        "web-, telegram- or whatsapp- prefixes",
    )


def _rest_message(sender: str, message: Message) -> dict[str, Any]:
    view = MessageView.of(message)
    return {"id": view.id, "from": view.sender, "recipient_id": sender, **view.rest_fields()}


def _error(
    status: int,
    error: str,
    field: str | None,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
) -> HTTPResponse:
    body = {"error": error, "field": field, "detail": detail}
    return json_response(body, status=status, headers=headers)
