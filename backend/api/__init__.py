"""The case API: blueprints under /api, all behind the bearer token."""

from __future__ import annotations

from sanic import Blueprint
from sanic.blueprint_group import BlueprintGroup

from backend.api.auth import require_token
from backend.api.cases import cases_blueprint
from backend.api.conversations import conversations_blueprint


def api_blueprints() -> BlueprintGroup:
    """Fresh blueprints for one app, mounted at /api."""
    group = Blueprint.group(cases_blueprint(), conversations_blueprint(), url_prefix="/api")
    group.middleware(require_token, "request")
    return group
