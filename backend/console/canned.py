"""`/console/canned/<conversation id>`: the institution's canned responses for a chat, filled.

The reply box's picker asks for them; `{nama}` and `{nomor_register}` come from the chat's
newest case. Nothing is sent here: the agent inserts the text, edits it, and sends it.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend import services
from backend.blueprints import build_blueprint, get
from backend.canned_response_files import canned_responses


async def canned_for_chat(request: Request, conversation_id: str) -> HTTPResponse:
    """`GET …/<conversation id>` → {"items": [{"key", "title", "text"}]}; 404 for no such chat."""
    session = request.ctx.db_session
    if await services.get_conversation(session, conversation_id) is None:
        raise services.ConversationNotFound(conversation_id)
    cases = await services.list_cases_for_conversation(session, conversation_id)
    newest = cases[-1] if cases else None
    values = {
        "nama": newest.full_name if newest else None,
        "nomor_register": newest.register_number if newest else None,
    }
    responses = canned_responses(request.app.ctx.profile.key)
    items = [
        {"key": response.key, "title": response.title, "text": response.filled(values)}
        for response in responses
    ]
    return json({"items": items})


def canned_blueprint() -> Blueprint:
    """The canned-response route, relative to the console prefix."""
    return build_blueprint(
        "console_canned", get("/<conversation_id:str>", canned_for_chat), url_prefix="/canned"
    )
