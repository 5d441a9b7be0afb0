"""The customer's contact: a phone number normalised to E.164 (+62…) or an e-mail address."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers

PHONE_REGION = "ID"
EMAIL = re.compile(r"[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\".]+")
PHONE_CANDIDATE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
EMAIL_MAX_CHARS = 254


def normalise_contact(value: Any) -> str | None:
    """`+6281234567890` for 0812-3456-7890 / 62812… / +62 812…, or the e-mail; None otherwise."""
    text = str(value or "").strip()
    if "@" in text:
        return _email(text)
    for candidate in PHONE_CANDIDATE.findall(text):
        phone = normalise_phone(candidate)
        if phone:
            return phone
    return None


def normalise_phone(text: str) -> str | None:
    """The number in E.164, Indonesian numbers without a country code read as such."""
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def split_contact(contact: str) -> dict[str, str]:
    """`{"email": …}` or `{"phone": …}`, as the case API takes it."""
    return {"email": contact} if "@" in contact else {"phone": contact}


def _email(text: str) -> str | None:
    found = EMAIL.fullmatch(text.strip().strip(".")) or EMAIL.search(text)
    if found is None or len(found.group(0)) > EMAIL_MAX_CHARS:
        return None
    local, _, domain = found.group(0).rstrip(".").rpartition("@")
    return f"{local}@{domain.lower()}"
