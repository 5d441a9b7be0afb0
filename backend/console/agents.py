"""`/console/agents`: supervisors create agents and deactivate them (403 for agents)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from backend.blueprints import build_blueprint, get, post
from backend.console.auth import supervisors_only
from backend.console.render import refusal_text, render
from backend.domain.refusal import Refused
from backend.services import accounts

DONE = {"created": "Akun dibuat.", "deactivated": "Akun dinonaktifkan."}


async def agents_page(
    request: Request, *, error: str = "", status: int = 200, values: dict[str, str] | None = None
) -> HTTPResponse:
    agents = await accounts.list_agents(request.ctx.db_session)
    return render(
        request,
        "agents.html",
        status=status,
        agents=agents,
        values=values or {},
        notice=DONE.get(request.args.get("done") or "", ""),
        error=error,
    )


@supervisors_only
async def show_agents(request: Request) -> HTTPResponse:
    """`GET /console/agents`: the console's users and the form for a new one."""
    return await agents_page(request)


@supervisors_only
async def create_agent(request: Request) -> HTTPResponse:
    """`POST /console/agents`: a new agent or supervisor with an initial password."""
    form = request.form
    values = {name: (form.get(name) or "").strip() for name in ("name", "username", "role")}
    try:
        await accounts.create_agent(
            request.ctx.db_session,
            name=values["name"],
            username=values["username"],
            role=values["role"] or "agent",
            password=form.get("password") or "",
            hasher=request.app.ctx.passwords,
            now=request.app.ctx.clock(),
        )
    except Refused as exc:
        return await agents_page(request, error=refusal_text(exc), status=exc.status, values=values)
    return redirect("/console/agents?done=created", status=303)


@supervisors_only
async def deactivate_agent(request: Request, agent_id: int) -> HTTPResponse:
    """`POST /console/agents/<id>/deactivate`: no more logins; open sessions end."""
    try:
        await accounts.deactivate_agent(
            request.ctx.db_session, agent_id, actor=request.ctx.agent, now=request.app.ctx.clock()
        )
    except Refused as exc:
        return await agents_page(request, error=refusal_text(exc), status=exc.status)
    return redirect("/console/agents?done=deactivated", status=303)


def agents_blueprint() -> Blueprint:
    """The agent management routes, relative to the console prefix."""
    return build_blueprint(
        "console_agents",
        get("", show_agents),
        post("", create_agent),
        post("/<agent_id:int>/deactivate", deactivate_agent),
        url_prefix="/agents",
    )
