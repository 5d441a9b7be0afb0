"""JSON error bodies of the case API: `{"error", "field", "detail"}`; bad input never 500s."""

from __future__ import annotations

import json as jsonlib
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.domain.documents import DocumentRefused
from backend.domain.handling import ActionRefused, InvalidAction
from backend.domain.lifecycle import IllegalTransition, allowed_transitions
from backend.domain.register_number import RegisterNumberError
from backend.schemas import InvalidField
from backend.services import CaseNotFound
from backend.services.documents import DocumentNotFound
from backend.uploads import DOCUMENT_REFUSAL_STATUS


class ApiError(Exception):
    """An error answer with its status code."""

    def __init__(
        self, status: int, error: str, *, field: str | None = None, detail: str = "", **extra: Any
    ) -> None:
        super().__init__(f"{status} {error}: {detail}")
        self.status = status
        self.body: dict[str, Any] = {"error": error, "field": field, "detail": detail, **extra}


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", detail=f"no such {what}")


def read_json(request: Request) -> Any:
    """The decoded JSON body; 400 when it is missing or is not JSON."""
    if not request.body:
        raise ApiError(400, "malformed_json", field="body", detail="a JSON body is required")
    try:
        return jsonlib.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "malformed_json", field="body", detail=str(exc)) from exc


async def answer_api_error(request: Request, exc: ApiError) -> HTTPResponse:
    return json(exc.body, status=exc.status)


async def answer_invalid_field(request: Request, exc: InvalidField) -> HTTPResponse:
    return json({"error": exc.error, "field": exc.field, "detail": exc.detail}, status=422)


async def answer_invalid_register_number(
    request: Request, exc: RegisterNumberError
) -> HTTPResponse:
    body = {
        "error": "invalid_register_number",
        "field": "register_number",
        "reason": exc.reason,
        "detail": str(exc),
    }
    return json(body, status=422)


async def answer_illegal_transition(request: Request, exc: IllegalTransition) -> HTTPResponse:
    body = {
        "error": "illegal_transition",
        "field": "status",
        "detail": str(exc),
        "current": exc.current.value,
        "requested": exc.new.value,
        "allowed": sorted(status.value for status in allowed_transitions(exc.current)),
    }
    return json(body, status=409)


async def answer_invalid_action(request: Request, exc: InvalidAction) -> HTTPResponse:
    return json({"error": "invalid_field", "field": exc.field, "detail": exc.detail}, status=422)


async def answer_action_refused(request: Request, exc: ActionRefused) -> HTTPResponse:
    body = {
        "error": "action_refused",
        "reason": exc.reason,
        "field": exc.field,
        "detail": exc.detail,
    }
    return json(body, status=409)


async def answer_case_not_found(request: Request, exc: CaseNotFound) -> HTTPResponse:
    return json({"error": "not_found", "field": None, "detail": "no such case"}, status=404)


async def answer_document_not_found(request: Request, exc: DocumentNotFound) -> HTTPResponse:
    return json({"error": "not_found", "field": None, "detail": "no such document"}, status=404)


async def answer_document_refused(request: Request, exc: DocumentRefused) -> HTTPResponse:
    body = {
        "error": "document_refused",
        "reason": exc.reason,
        "field": "file",
        "detail": exc.detail,
    }
    return json(body, status=DOCUMENT_REFUSAL_STATUS.get(exc.reason, 422))


def install_error_handlers(blueprint: Blueprint) -> None:
    """Answer the API's own exceptions with their JSON bodies."""
    blueprint.exception(ApiError)(answer_api_error)
    blueprint.exception(InvalidField)(answer_invalid_field)
    blueprint.exception(RegisterNumberError)(answer_invalid_register_number)
    blueprint.exception(IllegalTransition)(answer_illegal_transition)
    blueprint.exception(InvalidAction)(answer_invalid_action)
    blueprint.exception(ActionRefused)(answer_action_refused)
    blueprint.exception(CaseNotFound)(answer_case_not_found)
    blueprint.exception(DocumentNotFound)(answer_document_not_found)
    blueprint.exception(DocumentRefused)(answer_document_refused)
