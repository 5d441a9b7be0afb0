"""The demo page at `/`: a simple page of the institution that embeds the web widget."""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path
from string import Template

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, html

STATIC = Path(__file__).resolve().parent.parent / "static"

demo = Blueprint("demo")
demo.static("/static", STATIC, name="assets")


@cache
def _page() -> Template:
    return Template((STATIC / "demo.html").read_text(encoding="utf-8"))


@demo.get("/")
async def page(request: Request) -> HTTPResponse:
    """The page, with the institution's name; `?lang=en` opens the widget in English."""
    language = "en" if request.args.get("lang") == "en" else "id"
    institution = escape(request.app.ctx.profile.name)
    return html(_page().substitute(institution=institution, language=language))
