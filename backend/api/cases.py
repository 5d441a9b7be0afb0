"""`/api/cases`: search cases, look one up, register one, read its history."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend import services
from backend.api.json_body import read_json
from backend.blueprints import build_blueprint, get, post
from backend.db.tables import CaseRecord
from backend.domain.refusal import Refused
from backend.schemas import CaseCreate, CasePublic
from backend.schemas_handling import CaseQuery, EventPublic

IDEMPOTENCY_KEY_MAX_CHARS = 128


def case_json(request: Request, case: CaseRecord) -> dict[str, Any]:
    """The case as JSON, its deadline standing as of the app's clock."""
    return CasePublic.from_record(
        case, calendar=request.app.ctx.calendar, now=request.app.ctx.clock()
    ).as_dict()


async def list_cases(request: Request) -> HTTPResponse:
    """`GET /api/cases?status=…&overdue=true&limit=…` → {"items", "total", "limit", "offset"}."""
    query = CaseQuery.from_args(request.args)
    cases, total = await services.find_cases(
        request.ctx.db_session,
        query,
        calendar=request.app.ctx.calendar,
        now=request.app.ctx.clock(),
    )
    return json(
        {
            "items": [case_json(request, case) for case in cases],
            "total": total,
            "limit": query.limit,
            "offset": query.offset,
        }
    )


async def get_case(request: Request, register_number: str) -> HTTPResponse:
    """`GET /api/cases/<register_number>` → the case, 404, or 422 for a malformed number."""
    case = await services.get_case(request.ctx.db_session, register_number)
    if case is None:
        raise services.CaseNotFound(register_number)
    return json(case_json(request, case))


async def create_case(request: Request) -> HTTPResponse:
    """`POST /api/cases` → 201 case; a retried Idempotency-Key answers 200 with the same case."""
    data = CaseCreate.from_json(read_json(request))
    key = idempotency_key(request)
    case, created = await services.open_case(
        request.ctx.db_session,
        data,
        profile=request.app.ctx.profile,
        calendar=request.app.ctx.calendar,
        idempotency_key=key,
        now=request.app.ctx.clock(),
    )
    return json(case_json(request, case), status=201 if created else 200)


async def list_events(request: Request, register_number: str) -> HTTPResponse:
    """`GET /api/cases/<register_number>/events` → {"items": [event, ...]}, oldest first."""
    events = await services.case_events(request.ctx.db_session, register_number)
    return json({"items": [EventPublic.from_record(event).as_dict() for event in events]})


def idempotency_key(request: Request) -> str | None:
    """The Idempotency-Key header, if any: printable, at most 128 characters."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_CHARS or not key.isprintable():
        raise Refused(
            f"1 to {IDEMPOTENCY_KEY_MAX_CHARS} printable characters", field="Idempotency-Key"
        )
    return key


def cases_blueprint() -> Blueprint:
    """The case routes, relative to the API prefix."""
    return build_blueprint(
        "api_cases",
        get("", list_cases),
        post("", create_case),
        get("/<register_number:str>", get_case),
        get("/<register_number:str>/events", list_events),
        url_prefix="/cases",
    )
