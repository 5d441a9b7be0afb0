"""`POST /api/cases/<register_number>/contact-check`: may this chat read the case's details?

The action server asks before it tells a customer anything beyond "the case exists".
Body: `{"conversation_id": "...", "answer": "7890" | null}`. Answer: `{"register_number",
"verified", "asks_for": "phone_digits"|"email", "checks_left", "case": case|null}`.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.api.cases import case_json
from backend.api.json_body import read_json
from backend.blueprints import build_blueprint, post
from backend.schemas import InvalidField
from backend.services.contact_checks import check_contact

ANSWER_MAX_CHARS = 254
CONVERSATION_ID_MAX_CHARS = 128


def _text(body: dict[str, Any], name: str, max_chars: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > max_chars:
        raise InvalidField(name, f"must be a non-empty string of at most {max_chars} characters")
    if not value.isprintable():
        raise InvalidField(name, "must not contain control characters")
    return value


async def contact_check(request: Request, register_number: str) -> HTTPResponse:
    """Check the chat (and the customer's answer, if any) against the case."""
    body = read_json(request)
    if not isinstance(body, dict):
        raise InvalidField("body", "must be a JSON object")
    conversation_id = _text(body, "conversation_id", CONVERSATION_ID_MAX_CHARS)
    answer = None if body.get("answer") is None else _text(body, "answer", ANSWER_MAX_CHARS)
    check = await check_contact(
        request.ctx.db_session,
        register_number,
        conversation_id,
        answer,
        now=request.app.ctx.clock(),
    )
    case = case_json(request, check.case) if check.case is not None else None
    return json(
        {
            "register_number": check.register_number,
            "verified": check.verified,
            "asks_for": check.asks_for,
            "checks_left": check.checks_left,
            "case": case,
        }
    )


def contact_checks_blueprint() -> Blueprint:
    """The contact-check route, relative to the API prefix."""
    return build_blueprint(
        "api_contact_checks",
        post("/<register_number:str>/contact-check", contact_check),
        url_prefix="/cases",
    )
