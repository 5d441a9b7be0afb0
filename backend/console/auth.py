"""Console access: the session cookie, the CSRF check of every change, and the roles."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from sanic import Request
from sanic.response import HTTPResponse, json, redirect

from backend.domain.access import SESSION_LIFETIME, can_manage_agents
from backend.services import accounts

SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Handler = Callable[..., Awaitable[HTTPResponse]]


def secure_cookies(request: Request) -> bool:
    """Cookies travel only over HTTPS in production."""
    return request.app.ctx.settings.environment == "production"


def set_session_cookie(request: Request, response: HTTPResponse, token: str) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, for the console's paths only."""
    response.add_cookie(
        SESSION_COOKIE,
        token,
        path="/console",
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request),
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )


def clear_session_cookie(request: Request, response: HTTPResponse) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/console")


def sent_csrf_token(request: Request) -> str:
    """The CSRF token a request carries: the `X-CSRF-Token` header, else the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.content_type.startswith(("application/x-www-form-urlencoded", "multipart/")):
        return request.form.get(CSRF_FIELD) or ""
    return ""


def tokens_match(sent: str, expected: str) -> bool:
    """Constant-time comparison; an empty token never matches."""
    return bool(sent and expected) and hmac.compare_digest(sent.encode(), expected.encode())


def forbidden(detail: str) -> HTTPResponse:
    return json({"error": "forbidden", "detail": detail}, status=403)


async def require_agent(request: Request) -> HTTPResponse | None:
    """Request middleware: a signed-in agent, and for any change, the session's CSRF token.

    It runs before the route's database session opens, so it uses a short one of its own.
    """
    token = request.cookies.get(SESSION_COOKIE)
    signed = None
    if token:
        async with request.app.ctx.db.session() as session:
            signed = await accounts.signed_in(session, token, now=request.app.ctx.clock())
    if signed is None:
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            target = request.path + (f"?{request.query_string}" if request.query_string else "")
            return redirect(f"/console/login?next={quote(target, safe='')}", status=303)
        return json({"error": "unauthorized", "detail": "log in to the console"}, status=401)
    request.ctx.agent = signed.agent
    request.ctx.csrf_token = signed.csrf_token
    request.ctx.session_token = signed.token
    if request.method not in SAFE_METHODS and not tokens_match(
        sent_csrf_token(request), signed.csrf_token
    ):
        return forbidden("missing or wrong CSRF token")
    return None


async def session_alive(request: Request) -> bool:
    """Whether the request's session is still current (long streams check it now and then)."""
    signed = await accounts.signed_in(
        request.ctx.db_session, request.ctx.session_token, now=request.app.ctx.clock()
    )
    return signed is not None


def supervisors_only(handler: Handler) -> Handler:
    """Refuse the route (403) to anyone but a supervisor."""

    @wraps(handler)
    async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        if not can_manage_agents(request.ctx.agent.role):
            return forbidden("only supervisors may do this")
        return await handler(request, *args, **kwargs)

    return guarded
