"""`/console/conversations/<id>`: the transcript beside the case; take over, reply, hand back."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, redirect
from sqlalchemy.ext.asyncio import AsyncSession

from backend import services
from backend.blueprints import build_blueprint, get, post
from backend.console.auth import session_alive
from backend.console.case_view import case_panel
from backend.console.documents import document_rows
from backend.console.draft_view import draft_panel
from backend.console.labels import label, wib
from backend.console.render import refusal_text, render
from backend.console.streams import Event, stream_events
from backend.domain.access import may_move_chat
from backend.domain.personal_data import mask_personal_numbers
from backend.domain.refusal import NotFound, Refused
from backend.schemas import InvalidField
from backend.services import accounts, audit
from backend.services import handoff as handoffs
from backend.services.chat_events import chat_topic
from backend.services.live_chat import AssistantUnavailable
from backend.services.message_views import MessageView
from backend.services.presence import announce_typing, is_typing
from backend.services.records import Message

NOTICES = {
    "taken": "Anda menangani chat ini. Pesan pelanggan kini masuk ke Anda, bukan ke bot.",
    "assigned": "Chat ini telah dialihkan.",
    "handed_back": (
        "Chat dikembalikan ke bot; bot meminta penilaian dari pelanggan"
        " (atau melanjutkan draf pengaduannya dari pertanyaan berikutnya)."
    ),
    "draft_registered": "Draf telah didaftarkan; pelanggan menerima nomor registernya.",
}
REVEALED = "Data pribadi ditampilkan hanya di halaman ini; tindakan ini dicatat."


def file_size(size: int) -> str:
    """A file's size for people: 512 B, 34 KB, 2,1 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def conversation_url(conversation_id: str) -> str:
    return f"/console/conversations/{quote(conversation_id, safe='')}"


def message_json(message: Message, *, reveal: bool = False) -> dict[str, Any]:
    """A transcript line, personal numbers masked unless revealed (inserted as text).

    Buttons and the agent's name come only from the bot's and agents' own messages: what a
    customer sent along with a message can never pose as either.
    """
    view = MessageView.of(message)
    shown = view.shown
    return {
        "id": view.id,
        "sender": view.sender,
        "sender_label": label(view.sender, "sender"),
        "text": shown if reveal else mask_personal_numbers(shown),
        # What the channel carried (a button's payload), kept for audit when it differs.
        "raw": "" if shown == view.text else _masked(view.text, reveal),
        "file": _file(view),
        "notice": view.notice or "",
        "at": wib(view.created_at),
        "buttons": [button["title"] for button in view.buttons],
        "agent": view.agent,
    }


def _masked(text: str, reveal: bool) -> str:
    return text if reveal else mask_personal_numbers(text)


def _file(view: MessageView) -> dict[str, Any] | None:
    """A customer's upload: its name and size (the file itself is with the case's documents)."""
    if view.attachment is None:
        return None
    size = view.attachment.get("size", view.attachment.get("file_size"))
    return {
        "name": view.display or str(view.attachment.get("kind") or "dokumen"),  # a photo: no name
        "size": file_size(size) if isinstance(size, int) else "",
        "register_number": str(view.attachment.get("register_number") or ""),
        "sha256": str(view.attachment.get("sha256") or ""),
        "download": "",
    }


async def link_uploads(
    session: AsyncSession, lines: list[dict[str, Any]], register_numbers: list[str]
) -> None:
    """Give each upload in the transcript the download of the case document it became."""
    if not any(line["file"] for line in lines):
        return
    downloads: dict[str, str] = {}
    for register_number in register_numbers:
        _, documents = await services.list_documents(session, register_number)
        for row, document in zip(document_rows(register_number, documents), documents, strict=True):
            downloads.setdefault(document.sha256, row["download"])
    for line in lines:
        if line["file"] and line["file"]["sha256"]:
            line["file"]["download"] = downloads.get(line["file"]["sha256"], "")


async def chat_state(request: Request, conversation_id: str) -> dict[str, Any]:
    """Who answers the chat now: bot, waiting for an agent, or an agent (and which)."""
    session = request.ctx.db_session
    conversation = await services.get_conversation(session, conversation_id)
    if conversation is None:
        raise services.ConversationNotFound(conversation_id)
    handoff = await handoffs.current_handoff(session, conversation_id)
    agents = {agent.id: agent for agent in await accounts.list_agents(session)}
    holder = agents.get(handoff.agent_id) if handoff and handoff.agent_id else None
    me = request.ctx.agent
    if conversation.handled_by == "bot":
        state = "Bot menjawab chat ini."
    elif holder is None:
        state = "Menunggu agen."
    else:
        state = f"Ditangani oleh {holder.name}."
    return {
        "handled_by": conversation.handled_by,
        "agent_id": holder.id if holder else None,
        "mine": holder is not None and holder.id == me.id,
        "may_move": may_move_chat(me.role, me.id, handoff.agent_id if handoff else None),
        "label": state,
        "reason": label(handoff.reason, "reason") if handoff else "",
        "requested_at": wib(handoff.requested_at) if handoff else "",
    }


async def show_conversation(
    request: Request,
    conversation_id: str,
    *,
    error: str = "",
    status: int = 200,
    reveal: bool = False,
) -> HTTPResponse:
    """`GET /console/conversations/<id>`: transcript, state, controls and the cases beside."""
    state = await chat_state(request, conversation_id)
    session = request.ctx.db_session
    conversation = await services.get_conversation(session, conversation_id)
    messages = await handoffs.transcript(session, conversation_id)
    cases = await services.list_cases_for_conversation(session, conversation_id)
    agents = await accounts.list_agents(session, active_only=True)
    now = request.app.ctx.clock()
    calendar = request.app.ctx.calendar
    lines = [message_json(message, reveal=reveal) for message in messages]
    await link_uploads(session, lines, [case.register_number for case in cases])
    panels = [case_panel(case, calendar=calendar, now=now, reveal=reveal) for case in cases]
    masked = any(line["text"] != m.text for line, m in zip(lines, messages, strict=True))
    if messages:  # the queue's unread count starts again from here
        await handoffs.mark_read(session, request.ctx.agent, conversation_id, up_to=messages[-1].id)
    return render(
        request,
        "conversation.html",
        status=status,
        conversation=conversation,
        state=state,
        messages=lines,
        last_id=messages[-1].id if messages else 0,
        cases=panels,
        draft=await draft_panel(session, conversation_id),
        masked=masked or any(panel["masked"] for panel in panels),
        agents=agents,
        return_to=conversation_url(conversation_id),
        notice=REVEALED if reveal else NOTICES.get(request.args.get("done") or "", ""),
        error=error,
        profile=request.app.ctx.profile,
    )


async def reveal(request: Request, conversation_id: str) -> HTTPResponse:
    """`POST …/reveal`: the chat's personal numbers in this response only; the reveal is audited."""
    session = request.ctx.db_session
    if await services.get_conversation(session, conversation_id) is None:
        raise services.ConversationNotFound(conversation_id)
    await audit.record_reveal(
        session,
        actor=request.ctx.agent.username,
        at=request.app.ctx.clock(),
        conversation_id=conversation_id,
    )
    return await show_conversation(request, conversation_id, reveal=True)


async def conversation_stream(request: Request, conversation_id: str) -> None:
    """`GET …/stream?after=<id>`: `messages` events as they come, `state` when it changes."""
    try:
        after = max(0, int(request.args.get("after") or 0))
    except ValueError:
        after = 0
    await chat_state(request, conversation_id)  # 404 before the stream starts
    last_state: list[dict[str, Any]] = []

    async def next_events() -> list[Event]:
        nonlocal after
        events: list[Event] = []
        found = await handoffs.transcript(request.ctx.db_session, conversation_id, after, limit=200)
        if found:
            after = found[-1].id
            events.append(("messages", [message_json(message) for message in found]))
            await handoffs.mark_read(
                request.ctx.db_session, request.ctx.agent, conversation_id, up_to=after
            )
        state = await chat_state(request, conversation_id)
        if last_state != [state]:
            last_state[:] = [state]
            events.append(("state", state))
        return events

    await stream_events(
        request,
        next_events,
        still_allowed=lambda: session_alive(request),
        topic=chat_topic(conversation_id),
        on_news=customer_typing,
    )


def customer_typing(event: dict[str, Any]) -> list[Event]:
    """A `typing` event when the bus says the customer types (the widget's hint)."""
    return [("typing", {"who": "user"})] if is_typing(event, "user") else []


async def typing(request: Request, conversation_id: str) -> HTTPResponse:
    """`POST …/typing`: the agent holding the chat types; the customer's widget shows it."""
    agent = request.ctx.agent
    session = request.ctx.db_session
    holder = await handoffs.current_agent(session, conversation_id)
    if holder is None or holder.id != agent.id:
        raise handoffs.HandoffRefused("take the chat over before replying")
    await announce_typing(request.app.ctx.bus, conversation_id, "agent", agent.name)
    return json({"ok": True})


async def reply(request: Request, conversation_id: str) -> HTTPResponse:
    """`POST …/reply` {"text"}: the agent's message to the customer, on their channel.

    A refusal answers as JSON: 409 unless the agent holds the chat, 422 for the text.
    """
    body = request.json if request.content_type.startswith("application/json") else None
    text = body.get("text") if isinstance(body, dict) else request.form.get("text")
    pushed = await request.app.ctx.live_chat.reply(conversation_id, request.ctx.agent, text)
    return json({"ok": True, "pushed": pushed})


async def take_over(request: Request, conversation_id: str) -> HTTPResponse:
    """`POST …/take-over`: the agent holds the chat from now on."""
    return await _control(request, conversation_id, "taken")


async def hand_back(request: Request, conversation_id: str) -> HTTPResponse:
    """`POST …/hand-back`: the bot answers again and asks for the rating."""
    return await _control(request, conversation_id, "handed_back")


async def assign(request: Request, conversation_id: str) -> HTTPResponse:
    """`POST …/assign` agent_id: another agent holds the chat."""
    return await _control(request, conversation_id, "assigned")


async def _control(request: Request, conversation_id: str, done: str) -> HTTPResponse:
    live_chat = request.app.ctx.live_chat
    agent = request.ctx.agent
    try:
        if done == "taken":
            await live_chat.take_over(conversation_id, agent)
        elif done == "handed_back":
            await live_chat.hand_back(conversation_id, agent)
        else:
            await live_chat.assign(conversation_id, _agent_id(request), agent)
    except NotFound:
        raise
    except Refused as exc:
        error = refusal_text(exc)
        return await show_conversation(request, conversation_id, error=error, status=exc.status)
    except AssistantUnavailable:
        error = "Bot sedang tidak menjawab; chat tetap pada Anda. Coba lagi sebentar lagi."
        return await show_conversation(request, conversation_id, error=error, status=503)
    return redirect(f"{conversation_url(conversation_id)}?done={done}", status=303)


def _agent_id(request: Request) -> int:
    try:
        return int(request.form.get("agent_id") or "")
    except ValueError:
        raise InvalidField("agent", "choose an agent") from None


def conversations_blueprint() -> Blueprint:
    """The conversation routes, relative to the console prefix."""
    path = "/<conversation_id:str>"
    return build_blueprint(
        "console_conversations",
        get(path, show_conversation),
        get(f"{path}/stream", conversation_stream),
        post(f"{path}/reply", reply),
        post(f"{path}/typing", typing),
        post(f"{path}/reveal", reveal),
        post(f"{path}/take-over", take_over),
        post(f"{path}/hand-back", hand_back),
        post(f"{path}/assign", assign),
        url_prefix="/conversations",
    )
