"""Console pages: Jinja2 templates with autoescaping on, served with strict security headers."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from sanic import Request
from sanic.response import HTTPResponse, html

from backend.console.labels import choices, label, wib
from backend.domain.personal_data import mask_personal_numbers
from backend.domain.refusal import Refused

TEMPLATES = Path(__file__).resolve().parent / "templates"

SECURITY_HEADERS = {
    # No inline script or style and nothing from elsewhere: injected markup cannot run.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@cache
def environment() -> Environment:
    """The templates' environment, built on first use; every value is HTML-escaped."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = label
    env.filters["wib"] = wib
    env.filters["masked"] = mask_personal_numbers
    env.globals["choices"] = choices
    return env


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTTPResponse:
    """The page `template` for the signed-in agent (if any), with their CSRF token."""
    page = (
        environment()
        .get_template(template)
        .render(
            agent=getattr(request.ctx, "agent", None),
            csrf_token=getattr(request.ctx, "csrf_token", ""),
            path=request.path,
            **context,
        )
    )
    return html(page, status=status)


def refusal_text(exc: Refused) -> str:
    """What a page says of a refusal: a conflict with how things stand, or the field at fault."""
    if exc.status == 409:
        return f"Tidak diizinkan: {exc.detail}."
    return str(exc)


async def add_security_headers(request: Request, response: HTTPResponse) -> None:
    """Response middleware of every console route."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
