"""The customer's contact in what they typed: an e-mail address or a phone-like number.

Only finding it is done here. Whether it is a valid phone number or address, and the form
cases keep it in (+62…, the domain in lower case), is the case API's to say
(`POST /api/contacts/normalise`): the bot shows back and registers that form.
"""

from __future__ import annotations

import re
from typing import Any

EMAIL = re.compile(r"[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\".]+")
PHONE_CANDIDATE = re.compile(r"\+?\d[\d\s().-]{5,}\d")


def contact_candidates(value: Any) -> list[str]:
    """The e-mail address in `value` if it has an @, else each phone-like number, first first."""
    text = str(value or "").strip()
    if "@" in text:
        found = EMAIL.fullmatch(text.strip(".")) or EMAIL.search(text)
        return [found.group(0).rstrip(".")] if found else []
    return PHONE_CANDIDATE.findall(text)
