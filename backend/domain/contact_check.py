"""Who may read a case's details: the chat that filed it, or someone who knows its contact.

A register number is printed on letters and read out on the phone, so knowing one proves
nothing. The details of a case (status, deadlines, officer) go to the conversation that
filed it, or after the customer confirms the contact on file: the last four digits of the
phone number, or the whole e-mail address when the case has no phone. Wrong answers are
counted per case, so guessing four digits from many chats is stopped too.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

PHONE_DIGITS_ASKED = 4
MAX_FAILED_CHECKS = 5
FAILED_CHECKS_WINDOW = timedelta(hours=24)
NON_DIGITS = re.compile(r"\D")


@dataclass(frozen=True)
class ContactOnFile:
    """The contact of a case that a customer must confirm."""

    phone: str | None
    email: str | None

    @property
    def asks_for(self) -> str:
        """`phone_digits` when the case has a phone number, else `email`."""
        return "phone_digits" if self.phone else "email"


def owns_case(case_conversation_id: str | None, conversation_id: str) -> bool:
    """Whether this chat is the one that filed the case."""
    return bool(case_conversation_id) and case_conversation_id == conversation_id


def contact_matches(contact: ContactOnFile, answer: str) -> bool:
    """Whether the customer's answer confirms the contact on file (constant-time compare)."""
    answer = answer.strip()
    if contact.phone:
        digits = NON_DIGITS.sub("", answer)
        expected = NON_DIGITS.sub("", contact.phone)[-PHONE_DIGITS_ASKED:]
        if len(digits) < PHONE_DIGITS_ASKED:
            return False
        return hmac.compare_digest(digits[-PHONE_DIGITS_ASKED:], expected)
    if contact.email:
        return hmac.compare_digest(answer.lower().encode(), contact.email.lower().encode())
    return False


def checks_left(failed_at: list[datetime], now: datetime) -> int:
    """How many more wrong answers the case allows within the window ending `now`."""
    recent = [at for at in failed_at if now - at < FAILED_CHECKS_WINDOW]
    return max(0, MAX_FAILED_CHECKS - len(recent))
