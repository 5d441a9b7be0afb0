"""Bearer-token check of the case API (`Authorization: Bearer $APP_API_TOKEN`)."""

from __future__ import annotations

from sanic import Request
from sanic.response import HTTPResponse, json

from backend.bearer_tokens import token_matches


async def require_token(request: Request) -> HTTPResponse | None:
    """Request middleware: 401 unless the request carries the API token."""
    if token_matches(request.headers.get("authorization"), request.app.ctx.settings.app_api_token):
        return None
    return json(
        {
            "error": "unauthorized",
            "field": "Authorization",
            "detail": "a valid bearer token is required",
        },
        status=401,
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )
