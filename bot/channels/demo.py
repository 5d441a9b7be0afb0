"""The demo page at `/`: a plain chat over the REST channel, for trying the assistant."""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint

STATIC = Path(__file__).resolve().parent.parent / "static"

demo = Blueprint("demo")
demo.static("/", STATIC / "demo.html", name="page")
demo.static("/static", STATIC, name="assets")
