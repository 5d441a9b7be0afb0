"""A half-finished complaint sent with a handoff: the answers so far, checked as cases are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.domain.lifecycle import Category, ComplainantType, ComplaintType, Priority, UserRole
from backend.schemas import (
    DESCRIPTION_MAX_CHARS,
    EMAIL_MAX_CHARS,
    NAME_MAX_CHARS,
    InvalidField,
    _optional_choice,
    _text,
    normalise_email,
    normalise_phone,
    split_contact,
)

CHOICES = {
    "complainant_type": ComplainantType,
    "user_role": UserRole,
    "complaint_type": ComplaintType,
    "category": Category,
    "priority": Priority,
}
TEXTS = {"full_name": NAME_MAX_CHARS, "description": DESCRIPTION_MAX_CHARS}
CONTACTS = ("contact", "phone", "email")
DRAFT_FIELDS = (*CHOICES, *TEXTS, *CONTACTS)


def parse_draft(body: object) -> dict[str, str]:
    """The draft's answers, normalised like a case's fields (contact → phone or email).

    Every field is optional; an unknown field or an invalid value is refused (422) and named
    `draft.<field>`. Absent and empty answers are left out.
    """
    if not isinstance(body, Mapping):
        raise InvalidField("draft", "must be a JSON object")
    unknown = sorted(str(name) for name in body if name not in DRAFT_FIELDS)
    if unknown:
        raise InvalidField(f"draft.{unknown[0]}", "not a field of a complaint draft")
    fields: dict[str, str] = {}
    try:
        for name, kind in CHOICES.items():
            choice = _optional_choice(body, name, kind)
            if choice is not None:
                fields[name] = str(choice)
        for name, max_chars in TEXTS.items():
            text = _text(body, name, max_chars)
            if text is not None:
                fields[name] = text
        fields.update(_contact(body))
    except InvalidField as exc:
        raise InvalidField(f"draft.{exc.field}", str(exc.detail)) from None
    return fields


def _contact(body: Mapping[str, Any]) -> dict[str, str]:
    """phone and/or email, normalised; the intake's `contact` slot is split like a case's."""
    phone = _text(body, "phone", 32)
    email = _text(body, "email", EMAIL_MAX_CHARS)
    contact = _text(body, "contact", EMAIL_MAX_CHARS)
    if contact and not (phone or email):
        phone, email = split_contact(contact)
    found: dict[str, str] = {}
    if phone:
        found["phone"] = normalise_phone(phone)
    if email:
        found["email"] = normalise_email(email)
    return found
