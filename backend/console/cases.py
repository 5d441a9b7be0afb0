"""`/console/cases`: a case and the officer's actions on it; the customer is told in the chat."""

from __future__ import annotations

import logging
from urllib.parse import quote, unquote

from sanic import Blueprint, Request
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse, redirect
from sqlalchemy.ext.asyncio import AsyncSession

from backend import services
from backend.console.case_view import case_panel
from backend.console.conversations import REVEALED, show_conversation
from backend.console.notices import case_notice
from backend.console.render import render
from backend.domain.access import safe_next
from backend.domain.handling import HandlingError, InvalidAction
from backend.domain.lifecycle import IllegalTransition
from backend.domain.register_number import RegisterNumberError
from backend.schemas import InvalidField
from backend.services import accounts, audit
from backend.services.records import Agent, CaseRecord

log = logging.getLogger(__name__)

DONE = {
    "status": "Status kasus diubah.",
    "request-documents": "Permintaan dokumen dicatat.",
    "reject": "Pengaduan ditolak.",
    "extend": "Waktu penyelesaian diperpanjang.",
    "resolve": "Pengaduan diselesaikan.",
    "assign": "Petugas kasus dicatat.",
    "registered": "Pengaduan terdaftar.",
}
# The action's event, for the customer's notice.
NOTICE_OF = {
    "request-documents": "documents_requested",
    "reject": "rejected",
    "extend": "extended",
    "resolve": "resolved",
}


def case_url(register_number: str) -> str:
    return f"/console/cases/{quote(register_number, safe='')}"


async def show_case(
    request: Request,
    register_number: str,
    *,
    error: str = "",
    status: int = 200,
    reveal: bool = False,
) -> HTTPResponse:
    """`GET /console/cases/<register number>`: the case, its actions and its history."""
    async with request.app.ctx.db.session() as session:
        case = await _case_or_404(session, register_number)
        events = await services.case_events(session, case.register_number)
        agents = await accounts.list_agents(session, active_only=True)
    calendar, now = request.app.ctx.calendar, request.app.ctx.clock()
    return render(
        request,
        "case.html",
        status=status,
        case=case_panel(case, calendar=calendar, now=now, reveal=reveal),
        events=list(reversed(events)),
        agents=agents,
        return_to=case_url(case.register_number),
        notice=REVEALED if reveal else _done_notice(request),
        error=error,
    )


async def reveal_case(request: Request, register_number: str) -> HTTPResponse:
    """`POST /console/cases/<register number>/reveal`: personal numbers in this response only."""
    async with request.app.ctx.db.session() as session:
        case = await _case_or_404(session, register_number)
        await audit.record_reveal(
            session,
            actor=request.ctx.agent.username,
            at=request.app.ctx.clock(),
            register_number=case.register_number,
        )
    return await show_case(request, case.register_number, reveal=True)


async def _case_or_404(session: AsyncSession, register_number: str) -> CaseRecord:
    """The case with this register number; 404 when there is none or the number is malformed."""
    try:
        case = await services.get_case(session, register_number)
    except RegisterNumberError:
        case = None
    if case is None:
        raise NotFound("no such case")
    return case


def _done_notice(request: Request) -> str:
    done = DONE.get(request.args.get("done") or "", "")
    if done and request.args.get("sent") == "1":
        done += " Pemberitahuan terkirim ke pelanggan."
    elif done and request.args.get("sent") == "0":
        done += " Pemberitahuan tersimpan di chat pelanggan."
    return done


async def case_action(request: Request, register_number: str, action: str) -> HTTPResponse:
    """`POST /console/cases/<register number>/<action>`: change the case, tell the customer."""
    try:
        case = await _perform(request, register_number, action)
    except services.CaseNotFound:
        raise NotFound("no such case") from None
    except RegisterNumberError:
        raise NotFound("no such case") from None
    except IllegalTransition as exc:
        return await _back(request, register_number, f"Tidak diizinkan: {exc}.", 409)
    except InvalidAction as exc:  # the form's own input: a blank text, a control character
        return await _back(request, register_number, f"{exc.field}: {exc.detail}", 422)
    except HandlingError as exc:
        return await _back(request, register_number, f"Ditolak ({exc.field}): {exc.detail}", 409)
    except InvalidField as exc:
        return await _back(request, register_number, f"{exc.field}: {exc.detail}", 422)
    target = _return_to(request, case.register_number)
    sent = await _tell_customer(request, case, action, request.ctx.agent)
    suffix = "" if sent is None else f"&sent={int(sent)}"
    return redirect(f"{target}?done={quote(action)}{suffix}", status=303)


async def _perform(request: Request, register_number: str, action: str) -> CaseRecord:
    """Apply the action through the case services; the officer is the signed-in agent."""
    form, actor = request.form, request.ctx.agent.username
    ctx = request.app.ctx
    now = ctx.clock()
    async with ctx.db.session() as session:
        if action == "status":
            return await services.transition(
                session, register_number, form.get("status"), actor=actor, now=now
            )
        if action == "request-documents":
            return await services.request_documents(
                session,
                register_number,
                form.get("documents"),
                actor=actor,
                profile=ctx.profile,
                calendar=ctx.calendar,
                now=now,
            )
        if action == "reject":
            return await services.reject(
                session,
                register_number,
                form.get("ground"),
                form.get("reason"),
                actor=actor,
                now=now,
            )
        if action == "extend":
            return await services.extend(
                session,
                register_number,
                form.get("notice"),
                actor=actor,
                profile=ctx.profile,
                calendar=ctx.calendar,
                now=now,
            )
        if action == "resolve":
            return await services.resolve(
                session,
                register_number,
                form.get("response"),
                actor=actor,
                calendar=ctx.calendar,
                now=now,
            )
        if action == "assign":
            officer = await _officer_name(request)
            return await services.assign(session, register_number, officer, actor=actor, now=now)
    raise NotFound("no such action")


async def _officer_name(request: Request) -> str:
    """The name of the active agent chosen in the form."""
    chosen = request.form.get("agent_id") or ""
    async with request.app.ctx.db.session() as session:
        agents = await accounts.list_agents(session, active_only=True)
    for agent in agents:
        if str(agent.id) == chosen:
            return agent.name
    raise InvalidField("officer", "choose an active agent")


async def _tell_customer(request: Request, case: CaseRecord, action: str, by: Agent) -> bool | None:
    """Send the customer the notice of the action in their chat; None when there is no chat."""
    if action not in NOTICE_OF or not case.conversation_id:
        return None
    text = case_notice(
        case, NOTICE_OF[action], institution=request.app.ctx.profile.name, language="id"
    )
    answer = {"recipient_id": case.conversation_id, "text": text}
    try:
        return await request.app.ctx.live_chat.deliver(
            case.conversation_id, [answer], sender="agent", by=by
        )
    except services.ConversationNotFound:
        log.warning("case %s: its chat is gone; notice not sent", case.register_number)
        return None


def _return_to(request: Request, register_number: str) -> str:
    """The page the action came from (the case, or its chat), else the case."""
    target = safe_next(request.form.get("return_to"))
    return target if target != "/console" else case_url(register_number)


async def _back(request: Request, register_number: str, error: str, status: int) -> HTTPResponse:
    """The page the action came from, again, with the error."""
    target = _return_to(request, register_number)
    prefix = "/console/conversations/"
    if target.startswith(prefix):
        conversation_id = unquote(target.removeprefix(prefix))
        return await show_conversation(request, conversation_id, error=error, status=status)
    return await show_case(request, register_number, error=error, status=status)


def cases_blueprint() -> Blueprint:
    """The case routes, relative to the console prefix."""
    blueprint = Blueprint("console_cases", url_prefix="/cases")
    blueprint.add_route(show_case, "/<register_number:str>", methods=["GET"])
    blueprint.add_route(reveal_case, "/<register_number:str>/reveal", methods=["POST"])
    blueprint.add_route(case_action, "/<register_number:str>/<action:str>", methods=["POST"])
    return blueprint
