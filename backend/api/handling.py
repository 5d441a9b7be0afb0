"""`/api/cases/<register_number>/…`: an officer's actions on a case; each answers the case."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend import services
from backend.api.cases import case_json
from backend.api.errors import install_error_handlers, read_json
from backend.schemas_handling import CaseAction


def _action(request: Request) -> CaseAction:
    return CaseAction.from_json(read_json(request))


async def post_transition(request: Request, register_number: str) -> HTTPResponse:
    """`POST …/transitions` {"status", "actor"}: to in_progress or escalated; 409 if illegal."""
    action = _action(request)
    async with request.app.ctx.db.session() as session:
        case = await services.transition(
            session,
            register_number,
            action.get("status"),
            actor=action.actor,
            now=request.app.ctx.clock(),
        )
    return json(case_json(request, case))


async def post_reject(request: Request, register_number: str) -> HTTPResponse:
    """`POST …/reject` {"ground", "reason", "actor"}: refuse on a seed ground, in writing."""
    action = _action(request)
    async with request.app.ctx.db.session() as session:
        case = await services.reject(
            session,
            register_number,
            action.get("ground"),
            action.get("reason"),
            actor=action.actor,
            now=request.app.ctx.clock(),
        )
    return json(case_json(request, case))


async def post_extend(request: Request, register_number: str) -> HTTPResponse:
    """`POST …/extend` {"notice", "actor"}: extend once, recording the notice to the customer."""
    action = _action(request)
    async with request.app.ctx.db.session() as session:
        case = await services.extend(
            session,
            register_number,
            action.get("notice"),
            actor=action.actor,
            profile=request.app.ctx.profile,
            calendar=request.app.ctx.calendar,
            now=request.app.ctx.clock(),
        )
    return json(case_json(request, case))


async def post_resolve(request: Request, register_number: str) -> HTTPResponse:
    """`POST …/resolve` {"response", "actor"}: resolve with the written response."""
    action = _action(request)
    async with request.app.ctx.db.session() as session:
        case = await services.resolve(
            session,
            register_number,
            action.get("response"),
            actor=action.actor,
            calendar=request.app.ctx.calendar,
            now=request.app.ctx.clock(),
        )
    return json(case_json(request, case))


async def post_request_documents(request: Request, register_number: str) -> HTTPResponse:
    """`POST …/request-documents` {"documents", "actor"}: wait for the named documents."""
    action = _action(request)
    async with request.app.ctx.db.session() as session:
        case = await services.request_documents(
            session,
            register_number,
            action.get("documents"),
            actor=action.actor,
            profile=request.app.ctx.profile,
            calendar=request.app.ctx.calendar,
            now=request.app.ctx.clock(),
        )
    return json(case_json(request, case))


async def post_assign(request: Request, register_number: str) -> HTTPResponse:
    """`POST …/assign` {"officer", "actor"}: name the officer handling the case."""
    action = _action(request)
    async with request.app.ctx.db.session() as session:
        case = await services.assign(
            session,
            register_number,
            action.get("officer"),
            actor=action.actor,
            now=request.app.ctx.clock(),
        )
    return json(case_json(request, case))


ACTIONS = {
    "transitions": post_transition,
    "reject": post_reject,
    "extend": post_extend,
    "resolve": post_resolve,
    "request-documents": post_request_documents,
    "assign": post_assign,
}


def handling_blueprint() -> Blueprint:
    """The action routes, relative to the API prefix."""
    blueprint = Blueprint("api_case_handling", url_prefix="/cases")
    for path, handler in ACTIONS.items():
        blueprint.add_route(handler, f"/<register_number:str>/{path}", methods=["POST"])
    install_error_handlers(blueprint)
    return blueprint
