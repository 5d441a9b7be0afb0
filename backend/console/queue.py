"""`/console`: the live queue of waiting chats and open cases (server-sent events)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.blueprints import build_blueprint, get
from backend.console.auth import session_alive
from backend.console.labels import label, wib
from backend.console.render import render
from backend.console.streams import stream_events, when_changed
from backend.domain.handoff import QueueEntry
from backend.domain.personal_data import mask_personal_numbers
from backend.schemas import format_wib
from backend.services import handoff as handoffs
from backend.services.chat_events import CHATS_TOPIC


def entry_json(entry: QueueEntry) -> dict[str, Any]:
    """A queue line as the page shows it (values inserted as text; personal numbers masked)."""
    if entry.kind == "chat" and entry.conversation_id:
        url = f"/console/conversations/{quote(entry.conversation_id, safe='')}"
    else:
        url = f"/console/cases/{quote(entry.register_number or '', safe='')}"
    return {
        "kind": entry.kind,
        "kind_label": "Chat" if entry.kind == "chat" else "Kasus",
        "priority": str(entry.priority),
        "priority_label": label(entry.priority, "priority"),
        "due_at": format_wib(entry.due_at),
        "due_label": wib(entry.due_at),
        "title": mask_personal_numbers(entry.title),
        "channel": label(entry.channel, "channel"),
        "state": entry.state,
        "state_label": label(entry.state, "status"),
        "agent": entry.agent or "",
        "register_number": entry.register_number or "",
        "conversation_id": entry.conversation_id or "",
        "url": url,
    }


async def queue_items(request: Request) -> list[dict[str, Any]]:
    """The queue now, as JSON lines."""
    entries = await handoffs.queue(request.ctx.db_session, now=request.app.ctx.clock())
    return [entry_json(entry) for entry in entries]


async def show_queue(request: Request) -> HTTPResponse:
    """`GET /console`: the queue page (it then follows the stream)."""
    return render(request, "queue.html", items=await queue_items(request))


async def queue_json(request: Request) -> HTTPResponse:
    """`GET /console/queue.json`: the queue now."""
    return json({"items": await queue_items(request)})


async def queue_stream(request: Request) -> None:
    """`GET /console/queue/stream`: a `queue` event whenever the queue changes."""

    async def snapshot() -> list[dict[str, Any]]:
        return await queue_items(request)

    await stream_events(
        request,
        when_changed(snapshot, "queue"),
        still_allowed=lambda: session_alive(request),
        topic=CHATS_TOPIC,
    )


def queue_blueprint() -> Blueprint:
    """The queue's routes, relative to the console prefix."""
    return build_blueprint(
        "console_queue",
        get("", show_queue),
        get("/queue.json", queue_json),
        get("/queue/stream", queue_stream),
    )
