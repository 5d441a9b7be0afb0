"""`/console`: the live queue of waiting chats and running cases, by tab and page (SSE)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.blueprints import build_blueprint, get
from backend.console.auth import session_alive
from backend.console.labels import label, wib
from backend.console.render import render
from backend.console.streams import Event, stream_events, when_changed
from backend.domain.handoff import QueueEntry
from backend.domain.personal_data import mask_personal_numbers
from backend.schemas import format_wib
from backend.services import handoff as handoffs
from backend.services.chat_events import CHATS_TOPIC

TABS = (
    ("mine", "Milik saya"),
    ("unassigned", "Belum ditangani"),
    ("all", "Semua"),
    ("bot", "Dengan bot"),
)
# A page of the queue is a dozen indexed queries (tens of ms at 100,000 cases): read it at
# once when the bus says a chat moved, else every few seconds (handoffs, case changes).
QUEUE_POLL_SECONDS = 3.0
SECTIONS = {
    "chat": "Chat menunggu atau ditangani agen",
    "case": "Kasus berjalan",
    "bot": "Chat yang masih dijawab bot",
}


def entry_json(entry: QueueEntry) -> dict[str, Any]:
    """A queue line as the page shows it (values inserted as text; personal numbers masked)."""
    channel = label(entry.channel, "channel")
    if entry.kind != "case" and entry.conversation_id:
        url = f"/console/conversations/{quote(entry.conversation_id, safe='')}"
    else:
        url = f"/console/cases/{quote(entry.register_number or '', safe='')}"
    title = entry.title if entry.name_known else f"{channel} · {entry.title}"
    return {
        "kind": entry.kind,
        "section": entry.kind,
        "kind_label": {"chat": "Chat", "bot": "Chat (bot)"}.get(entry.kind, "Kasus"),
        "priority": str(entry.priority),
        "priority_label": label(entry.priority, "priority") if entry.kind != "bot" else "",
        "due_at": format_wib(entry.due_at),
        "due_label": wib(entry.due_at),
        "title": mask_personal_numbers(title),
        "channel": channel,
        "state": entry.state,
        "state_label": label(entry.state, "status"),
        "agent": entry.agent or "",
        "register_number": entry.register_number or "",
        "conversation_id": entry.conversation_id or "",
        "unread": entry.unread,
        "url": url,
        "take_over_url": f"{url}/take-over" if entry.kind == "bot" else "",
    }


def page_meta(page: handoffs.QueuePage) -> dict[str, Any]:
    """What the page shows beside the lines: tab counts, paging, waiting chats, who is online."""
    view = page.view
    return {
        "tab": view.tab,
        "page": view.page,
        "has_previous": view.page > 1,
        "has_next": page.has_next,
        "previous_url": _url(view.tab, view.page - 1) if view.page > 1 else "",
        "next_url": _url(view.tab, view.page + 1) if page.has_next else "",
        "counts": page.counts,
        "waiting": page.waiting,
        "online": page.online,
    }


def _url(tab: str, page: int) -> str:
    return "/console?" + urlencode({"tab": tab, "page": page})


def requested_view(request: Request) -> handoffs.QueueView:
    """The tab and page the request asks for (defaults: all, page 1)."""
    return handoffs.QueueView.of(request.args.get("tab"), request.args.get("page") or 1)


async def queue_page(request: Request) -> handoffs.QueuePage:
    """The requested page of the queue now."""
    return await handoffs.queue(
        request.ctx.db_session,
        request.ctx.agent,
        requested_view(request),
        now=request.app.ctx.clock(),
    )


async def queue_items(request: Request) -> list[dict[str, Any]]:
    """The requested page of the queue, as JSON lines."""
    return [entry_json(entry) for entry in (await queue_page(request)).entries]


async def show_queue(request: Request) -> HTTPResponse:
    """`GET /console[?tab=&page=]`: the queue page (it then follows the stream)."""
    await handoffs.heartbeat(request.ctx.db_session, request.ctx.agent, now=request.app.ctx.clock())
    page = await queue_page(request)
    items = [entry_json(entry) for entry in page.entries]
    meta = page_meta(page)
    return render(
        request,
        "queue.html",
        items=items,
        meta=meta,
        tabs=TABS,
        sections=SECTIONS,
        stream_url="/console/queue/stream?"
        + urlencode({"tab": page.view.tab, "page": page.view.page}),
    )


async def queue_json(request: Request) -> HTTPResponse:
    """`GET /console/queue.json[?tab=&page=]`: the page's lines (`items`) and its figures."""
    page = await queue_page(request)
    return json({"items": [entry_json(entry) for entry in page.entries], **page_meta(page)})


async def queue_stream(request: Request) -> None:
    """`GET /console/queue/stream[?tab=&page=]`: `queue` (the lines) and `meta` when they change.

    The open stream is the agent's presence: it says they are online every few seconds.
    """
    latest: list[dict[str, Any]] = [{}]

    async def lines() -> list[dict[str, Any]]:
        page = await queue_page(request)
        latest[0] = page_meta(page)
        return [entry_json(entry) for entry in page.entries]

    async def figures() -> dict[str, Any]:
        return latest[0]

    send_lines = when_changed(lines, "queue")
    send_meta = when_changed(figures, "meta")

    async def next_events() -> list[Event]:
        found = await send_lines()
        return found + await send_meta()

    async def alive_and_present() -> bool:
        if not await session_alive(request):
            return False
        await handoffs.heartbeat(
            request.ctx.db_session, request.ctx.agent, now=request.app.ctx.clock()
        )
        return True

    await handoffs.heartbeat(request.ctx.db_session, request.ctx.agent, now=request.app.ctx.clock())
    await stream_events(
        request,
        next_events,
        still_allowed=alive_and_present,
        poll_seconds=QUEUE_POLL_SECONDS,
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
