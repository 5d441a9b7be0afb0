"""`/console/cases`: a case and the officer's actions on it; the customer is told in the chat."""

from __future__ import annotations

from urllib.parse import quote, unquote

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect
from sqlalchemy.ext.asyncio import AsyncSession

from backend import services
from backend.blueprints import build_blueprint, get, post
from backend.console.case_view import case_panel
from backend.console.conversations import REVEALED, show_conversation
from backend.console.documents import case_documents, download_document, preview_document
from backend.console.notes import add_note, notes_of
from backend.console.render import refusal_text, render
from backend.domain.access import safe_next
from backend.domain.refusal import NotFound, Refused
from backend.domain.register_number import RegisterNumberError
from backend.services import accounts, audit
from backend.services.case_actions import Acting, act, action_named, tell_customer
from backend.services.records import CaseRecord

# What the page says after an action (by the action's name) or a registration.
DONE = {
    "transitions": "Status kasus diubah.",
    "request-documents": "Permintaan dokumen dicatat.",
    "reject": "Pengaduan ditolak.",
    "extend": "Waktu penyelesaian diperpanjang.",
    "resolve": "Pengaduan diselesaikan.",
    "assign": "Petugas kasus dicatat.",
    "registered": "Pengaduan terdaftar.",
    "note": "Catatan internal disimpan.",
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
    session = request.ctx.db_session
    case = await _case_or_404(session, register_number)
    events = await services.case_events(session, case.register_number)
    agents = await accounts.list_agents(session, active_only=True)
    calendar, now = request.app.ctx.calendar, request.app.ctx.clock()
    conversation = (
        await services.get_conversation(session, case.conversation_id)
        if case.conversation_id
        else None
    )
    return render(
        request,
        "case.html",
        status=status,
        case=case_panel(case, calendar=calendar, now=now, reveal=reveal),
        events=list(reversed(events)),
        documents=await case_documents(request, case.register_number),
        notes=await notes_of(request, case.register_number),
        rating=conversation.rating if conversation is not None else None,
        agents=agents,
        return_to=case_url(case.register_number),
        notice=REVEALED if reveal else _done_notice(request),
        error=error,
    )


async def reveal_case(request: Request, register_number: str) -> HTTPResponse:
    """`POST /console/cases/<register number>/reveal`: personal numbers in this response only."""
    case = await _case_or_404(request.ctx.db_session, register_number)
    await audit.record_reveal(
        request.ctx.db_session,
        actor=request.ctx.agent.username,
        at=request.app.ctx.clock(),
        register_number=case.register_number,
    )
    return await show_case(request, case.register_number, reveal=True)


async def note(request: Request, register_number: str) -> HTTPResponse:
    """`POST /console/cases/<register number>/notes`: a private note; the case page again."""
    case = await _case_or_404(request.ctx.db_session, register_number)
    try:
        return await add_note(request, case.register_number, back_to=case_url(case.register_number))
    except NotFound:
        raise
    except Refused as exc:
        return await show_case(
            request, case.register_number, error=refusal_text(exc), status=exc.status
        )


async def _case_or_404(session: AsyncSession, register_number: str) -> CaseRecord:
    """The case with this register number; 404 when there is none or the number is malformed."""
    try:
        case = await services.get_case(session, register_number)
    except RegisterNumberError:
        case = None
    if case is None:
        raise services.CaseNotFound(register_number)
    return case


async def exact_case_number(session: AsyncSession, query: str) -> str | None:
    """The register number of the case `query` names exactly (case-insensitively), if any."""
    try:
        case = await services.get_case(session, query.strip())
    except RegisterNumberError:
        return None
    return case.register_number if case is not None else None


def _done_notice(request: Request) -> str:
    done = DONE.get(request.args.get("done") or "", "")
    if done and request.args.get("sent") == "1":
        done += " Pemberitahuan terkirim ke pelanggan."
    elif done and request.args.get("sent") == "0":
        done += " Pemberitahuan tersimpan di chat pelanggan."
    return done


async def case_action(request: Request, register_number: str, action: str) -> HTTPResponse:
    """`POST /console/cases/<register number>/<action>`: change the case, tell the customer.

    The actions, their form fields and notices are the case API's (services.case_actions);
    the officer is the signed-in agent.
    """
    chosen = action_named(action)
    ctx, agent = request.app.ctx, request.ctx.agent
    values = {field: request.form.get(field) for field in chosen.fields}
    acting = Acting(agent.username, ctx.profile, ctx.calendar, ctx.clock())
    try:
        case = await act(request.ctx.db_session, chosen, register_number, values, acting)
    except RegisterNumberError:  # a malformed number in the path: there is no such case
        raise services.CaseNotFound(register_number) from None
    except NotFound:
        raise
    except Refused as exc:  # the form's input or the case's state: the page again, saying why
        return await _back(request, register_number, refusal_text(exc), exc.status)
    sent = await tell_customer(case, chosen, ctx.live_chat, institution=ctx.profile.name, by=agent)
    suffix = "" if sent is None else f"&sent={int(sent)}"
    target = _return_to(request, case.register_number)
    return redirect(f"{target}?done={quote(action)}{suffix}", status=303)


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
    return build_blueprint(
        "console_cases",
        get("/<register_number:str>", show_case),
        get("/<register_number:str>/documents/<document_id:int>", download_document),
        get("/<register_number:str>/documents/<document_id:int>/preview", preview_document),
        post("/<register_number:str>/reveal", reveal_case),
        post("/<register_number:str>/notes", note),
        post("/<register_number:str>/<action:str>", case_action),
        url_prefix="/cases",
    )
