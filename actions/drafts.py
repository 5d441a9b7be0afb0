"""A half-finished complaint: the intake's answers so far, sent with a handoff (issue 15)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker

from actions import messages
from actions.amounts import rupiah
from actions.dates import date_in_words
from actions.forms import UNKNOWN_DATE, request_kind

AGENTS_LANGUAGE = "id"  # the case is read by the institution's agents

# The form's answers an agent can use (what the customer told, not what the form implied).
ANSWERS = ("complainant_type", "user_role", "description", "category", "priority", "full_name")


def draft_from_slots(tracker: Tracker) -> dict[str, Any]:
    """The answers so far as the case API's draft fields; empty when the customer gave none."""
    slots = tracker.current_slot_values()
    draft: dict[str, Any] = {name: slots[name] for name in ANSWERS if slots.get(name)}
    if slots.get("contact"):
        draft["contact"] = slots["contact"]
    if not draft:
        return {}
    if slots.get("complainant_type") != "user":
        draft.pop("user_role", None)
    if draft.get("description"):
        draft["description"] = case_description(slots)
    draft["complaint_type"] = request_kind(tracker)
    return draft


def case_description(slots: dict[str, Any]) -> str:
    """The customer's words, then when it happened and the loss, for the agent who reads it."""
    lines = [str(slots.get("description") or "")]
    incident = slots.get("incident_date")
    if incident and incident != UNKNOWN_DATE:
        day = date_in_words(datetime.fromisoformat(incident).date(), AGENTS_LANGUAGE)
        lines.append(f"{messages.text('field_incident_date', AGENTS_LANGUAGE)}: {day}")
    if slots.get("loss_amount") is not None:
        loss = int(slots["loss_amount"])
        amount = rupiah(loss) if loss else messages.text("no_loss", AGENTS_LANGUAGE)
        lines.append(f"{messages.text('field_loss_amount', AGENTS_LANGUAGE)}: {amount}")
    return "\n".join(lines)
