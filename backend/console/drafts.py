"""`POST /console/conversations/<id>/draft`: register the chat's half-finished complaint at once."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from backend.blueprints import build_blueprint, post
from backend.console.conversations import conversation_url, show_conversation
from backend.console.render import refusal_text
from backend.domain.drafts import FORM_FIELDS
from backend.domain.refusal import Refused
from backend.services import drafts
from backend.services.conversations import get_conversation

NO_DRAFT = "Tidak ada draf pengaduan yang menunggu di chat ini."


async def register_draft(request: Request, conversation_id: str) -> HTTPResponse:
    """Open the case from the draft as completed by the agent; the customer gets its number.

    A second click finds the case already open: nothing is registered or sent twice.
    """
    form = request.form
    completed = {name: form.get(name) or "" for name in FORM_FIELDS if name in form} if form else {}
    ctx = request.app.ctx
    session = request.ctx.db_session
    agent = request.ctx.agent
    try:
        registered = await drafts.register_draft(
            session,
            conversation_id,
            completed,
            officer=agent.name,
            actor=agent.username,
            profile=ctx.profile,
            calendar=ctx.calendar,
            now=ctx.clock(),
        )
    except Refused as exc:
        return await show_conversation(
            request, conversation_id, error=refusal_text(exc), status=exc.status
        )
    if registered is None:
        return await show_conversation(request, conversation_id, error=NO_DRAFT, status=409)
    case, created = registered
    if created:
        conversation = await get_conversation(session, conversation_id)
        language = conversation.language if conversation else None
        await session.commit()  # the delivery writes in its own session
        notice = {"recipient_id": conversation_id, "text": drafts.registered_notice(case, language)}
        await ctx.live_chat.deliver(conversation_id, [notice], sender="bot")
        await ctx.live_chat.forget_intake(conversation_id)
    return redirect(f"{conversation_url(conversation_id)}?done=draft_registered", status=303)


def drafts_blueprint() -> Blueprint:
    """The draft route, relative to the console prefix."""
    return build_blueprint(
        "console_drafts",
        post("/<conversation_id:str>/draft", register_draft),
        url_prefix="/conversations",
    )
