"""The case API: blueprints under /api, all behind the bearer token but the OpenAPI document."""

from __future__ import annotations

from sanic import Blueprint
from sanic.blueprint_group import BlueprintGroup

from backend.api.auth import require_token
from backend.api.cases import cases_blueprint
from backend.api.contact_checks import contact_checks_blueprint
from backend.api.contacts import contacts_blueprint
from backend.api.conversations import conversations_blueprint
from backend.api.documents import documents_blueprint
from backend.api.handling import handling_blueprint
from backend.api.institution import institution_blueprint
from backend.api.openapi import openapi_blueprint
from backend.api.reports import reports_blueprint
from backend.blueprints import answer_refusals


def api_blueprints() -> BlueprintGroup:
    """Fresh blueprints for one app, mounted at /api."""
    group = Blueprint.group(
        cases_blueprint(),
        contact_checks_blueprint(),
        handling_blueprint(),
        documents_blueprint(),
        conversations_blueprint(),
        reports_blueprint(),
        institution_blueprint(),
        contacts_blueprint(),
        url_prefix="/api",
    )
    group.middleware(require_token, "request")
    answer_refusals(group)
    return Blueprint.group(group, openapi_blueprint())
