"""`GET /api/openapi.json`: the hand-maintained OpenAPI 3.1 document of the case API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.blueprints import build_blueprint, get

DOCUMENT_PATH = Path(__file__).with_name("openapi.yaml")


def load_openapi() -> dict[str, Any]:
    """The OpenAPI document, parsed from openapi.yaml."""
    return yaml.safe_load(DOCUMENT_PATH.read_text(encoding="utf-8"))


def openapi_blueprint() -> Blueprint:
    """The document's route; public, as it holds no data."""
    document = load_openapi()

    async def get_openapi(request: Request) -> HTTPResponse:
        """`GET /api/openapi.json` → the OpenAPI document."""
        return json(document)

    return build_blueprint("api_openapi", get("/openapi.json", get_openapi), url_prefix="/api")
