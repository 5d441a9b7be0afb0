"""`/console/login` and `/console/logout`: password login, throttled, with its own CSRF token."""

from __future__ import annotations

import math
import secrets

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from backend.blueprints import build_blueprint, get, post
from backend.console.auth import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    clear_session_cookie,
    secure_cookies,
    set_session_cookie,
    tokens_match,
)
from backend.console.render import render
from backend.domain.access import safe_next
from backend.rate_limits import client_address
from backend.services import accounts

LOGIN_PATH = "/console/login"
LOGIN_FORM_SECONDS = 3600


def _field(request: Request, name: str) -> str:
    """A form field of a POST, or a query argument of a GET."""
    source = request.form if request.method == "POST" else request.args
    return (source.get(name) if source else None) or ""


def login_page(request: Request, *, error: str = "", status: int = 200) -> HTTPResponse:
    """The login form with a fresh CSRF token, also set as a cookie (double submit)."""
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        status=status,
        login_csrf=token,
        next=safe_next(_field(request, "next")),
        username=_field(request, "username")[:64],
        error=error,
    )
    response.add_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        path=LOGIN_PATH,
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request),
        max_age=LOGIN_FORM_SECONDS,
    )
    return response


async def show_login(request: Request) -> HTTPResponse:
    """`GET /console/login`: the form."""
    return login_page(request)


async def log_in(request: Request) -> HTTPResponse:
    """`POST /console/login`: 303 to the console, 401 wrong password, 429 throttled, 403 CSRF."""
    if not tokens_match(_field(request, CSRF_FIELD), request.cookies.get(LOGIN_CSRF_COOKIE) or ""):
        return login_page(request, error="Formulir kedaluwarsa. Silakan coba lagi.", status=403)
    try:
        signed = await accounts.log_in(
            request.ctx.db_session,
            _field(request, "username"),
            _field(request, "password"),
            address=client_address(request),
            hasher=request.app.ctx.passwords,
            limits=request.app.ctx.rate_limits,
            now=request.app.ctx.clock(),
        )
    except accounts.LoginThrottled as exc:
        minutes = math.ceil(exc.retry_after_seconds / 60)
        error = f"Terlalu banyak percobaan. Coba lagi dalam {minutes} menit."
        response = login_page(request, error=error, status=429)
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response
    except accounts.LoginFailed:
        return login_page(request, error="Nama pengguna atau kata sandi salah.", status=401)
    response = redirect(safe_next(_field(request, "next")), status=303)
    set_session_cookie(request, response, signed.token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return response


async def log_out(request: Request) -> HTTPResponse:
    """`POST /console/logout` (signed in, with the CSRF token): end the session."""
    await accounts.log_out(request.ctx.db_session, request.ctx.session_token)
    response = redirect(LOGIN_PATH, status=303)
    clear_session_cookie(request, response)
    return response


def login_blueprint() -> Blueprint:
    """The login routes, open to everyone."""
    return build_blueprint(
        "console_login", get("", show_login), post("", log_in), url_prefix=LOGIN_PATH
    )


def logout_blueprint() -> Blueprint:
    """The logout route, for signed-in agents."""
    return build_blueprint("console_logout", post("", log_out), url_prefix="/logout")
