"""The case API's JSON request bodies: read once, a malformed one refused with 400, never a 500."""

from __future__ import annotations

import json as jsonlib
from typing import Any

from sanic import Request

from backend.domain.refusal import Refused


def read_json(request: Request) -> Any:
    """The decoded JSON body; 400 when it is missing or is not JSON."""
    if not request.body:
        raise Refused("a JSON body is required", field="body", status=400, error="malformed_json")
    try:
        return jsonlib.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(str(exc), field="body", status=400, error="malformed_json") from exc
