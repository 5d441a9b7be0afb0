"""`/console/deliveries`: messages the channels did not take, being retried or given up.

Every bot and agent message goes out through the outbox, which retries for a day; what
still fails shows here, and an agent may send a failed one again.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from backend.blueprints import build_blueprint, get, post
from backend.console.render import render
from backend.services import outbox

DONE = {"queued": "Pesan dijadwalkan untuk dikirim ulang."}


async def show_deliveries(request: Request) -> HTTPResponse:
    """`GET /console/deliveries`: failed messages and those retrying, newest first."""
    problems = await outbox.delivery_problems(request.ctx.db_session)
    return render(
        request,
        "deliveries.html",
        problems=problems,
        notice=DONE.get(request.args.get("done") or "", ""),
    )


async def retry_delivery(request: Request, entry_id: int) -> HTTPResponse:
    """`POST /console/deliveries/<id>/retry`: try a failed message again now."""
    entry = await outbox.retry_now(request.ctx.db_session, entry_id, request.app.ctx.clock())
    dispatcher = request.app.ctx.pipeline.dispatcher
    if entry is not None and dispatcher is not None:
        dispatcher.kick(entry.conversation_id)
    return redirect("/console/deliveries?done=queued", status=303)


def deliveries_blueprint() -> Blueprint:
    """The delivery problems routes, relative to the console prefix."""
    return build_blueprint(
        "console_deliveries",
        get("", show_deliveries),
        post("/<entry_id:int>/retry", retry_delivery),
        url_prefix="/deliveries",
    )
