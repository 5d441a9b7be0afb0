"""`/api/cases/<register_number>/<action>`: an officer's actions on a case; each answers the case.

The actions, their fields and the customer's notices are one table, the console's too
(backend/services/case_actions.py); the body adds the `actor`.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.api.cases import case_json
from backend.api.json_body import read_json
from backend.blueprints import Handler, build_blueprint, post
from backend.schemas_handling import CaseAction
from backend.services.case_actions import CASE_ACTIONS, Acting, Action, act, tell_customer


def action_handler(action: Action) -> Handler:
    """`POST …/<action>` {fields…, "actor"}: run the action, tell the customer, answer the case."""

    async def handle(request: Request, register_number: str) -> HTTPResponse:
        given = CaseAction.from_json(read_json(request))
        ctx = request.app.ctx
        acting = Acting(given.actor, ctx.profile, ctx.calendar, ctx.clock())
        case = await act(request.ctx.db_session, action, register_number, given.fields, acting)
        await tell_customer(case, action, ctx.live_chat, institution=ctx.profile.name)
        return json(case_json(request, case))

    handle.__name__ = f"post_{action.name.replace('-', '_')}"
    return handle


def handling_blueprint() -> Blueprint:
    """The action routes, relative to the API prefix."""
    return build_blueprint(
        "api_case_handling",
        *(
            post(f"/<register_number:str>/{name}", action_handler(action))
            for name, action in CASE_ACTIONS.items()
        ),
        url_prefix="/cases",
    )
