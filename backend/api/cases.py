"""`/api/cases`: list a chat's cases, look one up, register one."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend import services
from backend.api.errors import ApiError, install_error_handlers, not_found, read_json
from backend.schemas import CaseCreate, CasePublic, InvalidField

IDEMPOTENCY_KEY_MAX_CHARS = 128


async def list_cases(request: Request) -> HTTPResponse:
    """`GET /api/cases?conversation_id=ID` → {"items": [case, ...]}."""
    conversation_id = request.args.get("conversation_id", "").strip()
    if not conversation_id:
        raise InvalidField("conversation_id", "required")
    async with request.app.ctx.db.session() as session:
        cases = await services.list_cases_for_conversation(session, conversation_id)
    return json({"items": [CasePublic.from_record(case).as_dict() for case in cases]})


async def get_case(request: Request, register_number: str) -> HTTPResponse:
    """`GET /api/cases/<register_number>` → the case, 404, or 422 for a malformed number."""
    async with request.app.ctx.db.session() as session:
        case = await services.get_case(session, register_number)
    if case is None:
        raise not_found("case")
    return json(CasePublic.from_record(case).as_dict())


async def create_case(request: Request) -> HTTPResponse:
    """`POST /api/cases` → 201 case; a retried Idempotency-Key answers 200 with the same case."""
    data = CaseCreate.from_json(read_json(request))
    key = idempotency_key(request)
    async with request.app.ctx.db.session() as session:
        case, created = await services.open_case(
            session,
            data,
            profile=request.app.ctx.profile,
            calendar=request.app.ctx.calendar,
            idempotency_key=key,
        )
    return json(CasePublic.from_record(case).as_dict(), status=201 if created else 200)


def idempotency_key(request: Request) -> str | None:
    """The Idempotency-Key header, if any: printable, at most 128 characters."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_CHARS or not key.isprintable():
        raise ApiError(
            422,
            "invalid_field",
            field="Idempotency-Key",
            detail=f"1 to {IDEMPOTENCY_KEY_MAX_CHARS} printable characters",
        )
    return key


def cases_blueprint() -> Blueprint:
    """The case routes, relative to the API prefix."""
    blueprint = Blueprint("api_cases", url_prefix="/cases")
    blueprint.add_route(list_cases, "", methods=["GET"])
    blueprint.add_route(create_case, "", methods=["POST"])
    blueprint.add_route(get_case, "/<register_number:str>", methods=["GET"])
    install_error_handlers(blueprint)
    return blueprint
