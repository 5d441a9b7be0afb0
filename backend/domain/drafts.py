"""A half-finished complaint (the intake's answers so far) and the case an agent makes of it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# What a case needs before it can be registered (phone or email: `contact`).
REQUIRED = ("complainant_type", "complaint_type", "category", "full_name", "description")
# What an agent may fill in or correct in the draft's form before registering it.
FORM_FIELDS = (
    "complainant_type",
    "user_role",
    "complaint_type",
    "category",
    "priority",
    "full_name",
    "phone",
    "email",
    "description",
)


def missing_fields(fields: Mapping[str, str]) -> list[str]:
    """The required answers the draft still lacks, in the form's order (`contact` for both)."""
    missing = [name for name in REQUIRED if not fields.get(name)]
    if not fields.get("phone") and not fields.get("email"):
        missing.append("contact")
    return missing


def case_fields(
    draft: Mapping[str, str],
    completed: Mapping[str, str],
    *,
    channel: str,
    conversation_id: str,
    officer: str,
) -> dict[str, Any]:
    """The case API's body: the draft's answers, overridden by what the agent typed (a field the
    agent emptied is dropped); the chat's channel and id, the agent as the officer."""
    body: dict[str, Any] = {name: value for name, value in draft.items() if name in FORM_FIELDS}
    for name in FORM_FIELDS:
        if name in completed:
            value = completed[name].strip()
            if value:
                body[name] = value
            else:
                body.pop(name, None)
    body.update(channel=channel, conversation_id=conversation_id, officer=officer)
    return body
