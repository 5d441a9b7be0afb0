"""`/api/conversations`: a chat's state and its rating."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend import services
from backend.api.errors import install_error_handlers, not_found, read_json
from backend.schemas import ConversationPublic, parse_rating


async def get_conversation(request: Request, conversation_id: str) -> HTTPResponse:
    """`GET /api/conversations/<id>` → the conversation with its cases' register numbers, or 404."""
    async with request.app.ctx.db.session() as session:
        conversation = await services.get_conversation(session, conversation_id)
        if conversation is None:
            raise not_found("conversation")
        cases = await services.list_cases_for_conversation(session, conversation_id)
    return json(ConversationPublic.from_record(conversation, cases).as_dict())


async def put_rating(request: Request, conversation_id: str) -> HTTPResponse:
    """`PUT /api/conversations/<id>/rating` with {"rating": 1..5} → the conversation."""
    rating = parse_rating(read_json(request))
    async with request.app.ctx.db.session() as session:
        try:
            conversation = await services.set_rating(session, conversation_id, rating)
        except services.ConversationNotFound:
            raise not_found("conversation") from None
        cases = await services.list_cases_for_conversation(session, conversation_id)
    return json(ConversationPublic.from_record(conversation, cases).as_dict())


def conversations_blueprint() -> Blueprint:
    """The conversation routes, relative to the API prefix."""
    blueprint = Blueprint("api_conversations", url_prefix="/conversations")
    blueprint.add_route(get_conversation, "/<conversation_id:str>", methods=["GET"])
    blueprint.add_route(put_rating, "/<conversation_id:str>/rating", methods=["PUT"])
    install_error_handlers(blueprint)
    return blueprint
