"""`/api/conversations`: a chat's state and its rating."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend import services
from backend.api.json_body import read_json
from backend.blueprints import build_blueprint, get, post, put
from backend.domain.lifecycle import CHAT_CHANNELS, Channel
from backend.schemas import ConversationPublic, InvalidField, format_wib, parse_rating
from backend.schemas_drafts import parse_draft
from backend.services.drafts import keep_draft
from backend.services.handoff import request_handoff


async def get_conversation(request: Request, conversation_id: str) -> HTTPResponse:
    """`GET /api/conversations/<id>` → the conversation with its cases' register numbers, or 404."""
    session = request.ctx.db_session
    conversation = await services.get_conversation(session, conversation_id)
    if conversation is None:
        raise services.ConversationNotFound(conversation_id)
    cases = await services.list_cases_for_conversation(session, conversation_id)
    return json(ConversationPublic.from_record(conversation, cases).as_dict())


async def put_rating(request: Request, conversation_id: str) -> HTTPResponse:
    """`PUT /api/conversations/<id>/rating` with {"rating": 1..5} → the conversation."""
    rating = parse_rating(read_json(request))
    session = request.ctx.db_session
    conversation = await services.set_rating(session, conversation_id, rating)
    cases = await services.list_cases_for_conversation(session, conversation_id)
    return json(ConversationPublic.from_record(conversation, cases).as_dict())


async def post_handoff(request: Request, conversation_id: str) -> HTTPResponse:
    """`POST /api/conversations/<id>/handoff` {"reason", "channel", "draft"?} → whether an agent
    takes it; `draft` (the intake's answers so far) is kept for the agent when one does."""
    body = read_json(request)
    if not isinstance(body, dict):
        raise InvalidField("body", "must be a JSON object", error="invalid_body")
    channel = body.get("channel") or Channel.REST
    if channel not in CHAT_CHANNELS:
        raise InvalidField("channel", "must be web, telegram, whatsapp or rest")
    draft = parse_draft(body["draft"]) if body.get("draft") is not None else {}
    session = request.ctx.db_session
    now = request.app.ctx.clock()
    outcome = await request_handoff(
        session,
        conversation_id,
        body.get("reason"),
        channel=channel,
        calendar=request.app.ctx.calendar,
        now=now,
        round_robin=request.app.ctx.settings.console_round_robin,
    )
    kept = None
    if outcome.handed_off:
        kept = await keep_draft(session, conversation_id, draft, now=now)
    cases = await services.list_cases_for_conversation(session, conversation_id)
    return json(
        {
            "handed_off": outcome.handed_off,
            "open": outcome.open_now,
            "next_opening": format_wib(outcome.next_opening),
            "draft_kept": kept is not None,
            "conversation": ConversationPublic.from_record(outcome.conversation, cases).as_dict(),
        }
    )


def conversations_blueprint() -> Blueprint:
    """The conversation routes, relative to the API prefix."""
    return build_blueprint(
        "api_conversations",
        get("/<conversation_id:str>", get_conversation),
        put("/<conversation_id:str>/rating", put_rating),
        post("/<conversation_id:str>/handoff", post_handoff),
        url_prefix="/conversations",
    )
