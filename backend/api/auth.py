"""Bearer-token check of the case API (`Authorization: Bearer $APP_API_TOKEN`)."""

from __future__ import annotations

import hmac

from sanic import Request
from sanic.response import HTTPResponse, json


def token_matches(header: str | None, expected: str) -> bool:
    """Whether `header` is `Bearer <expected>`, compared in constant time."""
    if not expected or not header:
        return False
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


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
