"""Reads the domain's responses, so that the words shown for a value are the words of its button.

The intake summary shows "Prioritas: Tinggi", not "high": the label of a value is the title
of the button that answers it in the question's response, in the variation Rasa would
pick for this conversation (language, institution kind). No wording lives in Python.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from rasa_sdk.types import DomainDict

PAYLOAD = re.compile(r"^/(?P<intent>[\w-]+)(?P<entities>\{.*\})?$", re.DOTALL)


def response_variation(
    domain: DomainDict, response: str, slots: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The variation of `response` that Rasa sends given these slot values (conditions first)."""
    variations = domain.get("responses", {}).get(response) or []
    matching = [v for v in variations if v.get("condition") and _matches(v["condition"], slots)]
    defaults = [v for v in variations if not v.get("condition")]
    chosen = matching or defaults
    return chosen[0] if chosen else None


def payload_entities(payload: str) -> dict[str, Any]:
    """The entities a button payload such as `/inform{"priority":"high"}` sets."""
    found = PAYLOAD.match(payload.replace("{{", "{").replace("}}", "}").strip())
    if found is None or not found.group("entities"):
        return {}
    try:
        entities = json.loads(found.group("entities"))
    except ValueError:
        return {}
    return entities if isinstance(entities, dict) else {}


def button_label(
    domain: DomainDict, response: str, slots: Mapping[str, Any], entity: str, value: Any
) -> str | None:
    """The title of the button in `response` whose payload sets `entity` to `value`."""
    variation = response_variation(domain, response, slots) or {}
    for button in variation.get("buttons") or []:
        if payload_entities(str(button.get("payload", ""))).get(entity) == value:
            return str(button.get("title"))
    return None


def _matches(conditions: list[dict[str, Any]], slots: Mapping[str, Any]) -> bool:
    return all(
        c.get("type") == "slot" and slots.get(c.get("name")) == c.get("value") for c in conditions
    )
