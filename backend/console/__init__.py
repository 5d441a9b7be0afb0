"""The agent console at /console: login, live queue, chats, cases, registration, agents."""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint
from sanic.blueprint_group import BlueprintGroup

from backend.blueprints import answer_refusals
from backend.console.agents import agents_blueprint
from backend.console.auth import require_agent
from backend.console.canned import canned_blueprint
from backend.console.cases import cases_blueprint
from backend.console.conversations import conversations_blueprint
from backend.console.dashboard import dashboard_blueprint
from backend.console.deliveries import deliveries_blueprint
from backend.console.drafts import drafts_blueprint
from backend.console.intake import intake_blueprint
from backend.console.login import login_blueprint, logout_blueprint
from backend.console.queue import queue_blueprint
from backend.console.render import add_security_headers

STATIC = Path(__file__).resolve().parent / "static"
FAVICON_TYPE = "image/svg+xml"  # browsers take an SVG icon at /favicon.ico too


def console_blueprints() -> BlueprintGroup:
    """Fresh blueprints for one app: everything but login and assets needs a signed-in agent.

    A refusal no page shows itself (a case or a chat that does not exist) answers as JSON.
    """
    signed_in = Blueprint.group(
        queue_blueprint(),
        conversations_blueprint(),
        drafts_blueprint(),
        cases_blueprint(),
        intake_blueprint(),
        agents_blueprint(),
        dashboard_blueprint(),
        deliveries_blueprint(),
        canned_blueprint(),
        logout_blueprint(),
        url_prefix="/console",
    )
    signed_in.middleware(require_agent, "request")
    assets = Blueprint("console_assets", url_prefix="/console/static")
    assets.static("/", STATIC, name="files")
    favicon = Blueprint("console_favicon")
    favicon.static(
        "/favicon.ico", STATIC / "favicon.svg", name="favicon", content_type=FAVICON_TYPE
    )
    group = Blueprint.group(login_blueprint(), assets, favicon, signed_in)
    group.middleware(add_security_headers, "response")
    answer_refusals(group)
    return group
