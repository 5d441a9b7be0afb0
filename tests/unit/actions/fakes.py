"""Fakes for the action tests: the case API in memory, and trackers as Rasa sends them.

The fake answers with the app's own rules (its domain, schemas and institution profiles),
so the actions are tested against what the real case API would say.
"""

from __future__ import annotations

from datetime import date, datetime
from types import TracebackType
from typing import Any

from rasa_sdk import Tracker

from actions.backend_client import (
    BackendError,
    CaseNotFound,
    ConversationNotFound,
    RequestRejected,
)
from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.deadlines import is_open, next_opening
from backend.domain.handling import facilitation_filing_deadline, is_answered
from backend.institutions import load_profile
from backend.schemas import InstitutionPublic, InvalidField, parse_rating, split_contact

CASE = {
    "register_number": "KP-2611-00042X",
    "status": "received",
    "first_response_due_at": "2026-11-24T17:00:00+07:00",
    "resolution_due_at": "2026-12-04T17:00:00+07:00",
    "officer": None,
    "conversation_id": "chat-1",
    "phone": "+6281234567890",
    "email": None,
    "open": True,
}
MAX_FAILED_CHECKS = 5
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=WIB)


class FakeBackend:
    """The case API as the actions see it, in memory; `failure` makes every call raise it."""

    def __init__(self) -> None:
        self.cases: dict[str, dict[str, Any]] = {}
        self.created: list[tuple[dict[str, Any], str]] = []
        self.ratings: list[tuple[str, int]] = []
        self.failure: BackendError | None = None
        self.handoffs: list[tuple[str, str, str]] = []
        self.drafts: list[dict | None] = []
        self.draft_refusal: BackendError | None = None  # raised for a handoff with a draft
        self.contact_answers: list[tuple[str, str, str | None]] = []
        self.failed_checks: dict[str, int] = {}
        self.handoff_outcome: dict[str, Any] = {
            "handed_off": True,
            "open": True,
            "next_opening": "2026-11-24T10:00:00+07:00",
        }
        self.now = TUESDAY_MORNING  # the app's clock
        self.institution_key = "kreditpro"  # the profile the app runs with
        self.contacts: list[str] = []

    def __call__(self) -> FakeBackend:
        return self

    async def __aenter__(self) -> FakeBackend:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    async def create_case(self, case: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        self.created.append((case, idempotency_key))
        if self.failure:
            raise self.failure
        created = {**CASE, **case}
        self.cases[created["register_number"]] = created
        return created

    async def get_case(self, register_number: str) -> dict[str, Any]:
        if self.failure:
            raise self.failure
        if register_number not in self.cases:
            raise CaseNotFound(register_number)
        case = self.cases[register_number]
        return {**case, "open": not is_answered(case["status"])}

    async def check_contact(
        self, register_number: str, conversation_id: str, answer: str | None = None
    ) -> dict[str, Any]:
        """The contact check as the case API answers it (the filing chat, or 4 phone digits)."""
        self.contact_answers.append((register_number, conversation_id, answer))
        case = await self.get_case(register_number)
        left = MAX_FAILED_CHECKS - self.failed_checks.get(register_number, 0)
        verified = case.get("conversation_id") == conversation_id
        if not verified and answer is not None and left > 0:
            verified = answer.strip() == str(case.get("phone") or "")[-4:]
            if not verified:
                self.failed_checks[register_number] = self.failed_checks.get(register_number, 0) + 1
                left -= 1
        return {
            "register_number": case["register_number"],
            "verified": verified,
            "asks_for": "phone_digits" if case.get("phone") else "email",
            "checks_left": left,
            "case": case if verified else None,
        }

    async def rate_conversation(self, conversation_id: str, rating: int) -> None:
        if self.failure:
            raise self.failure
        if conversation_id == "unknown":
            raise ConversationNotFound(conversation_id)
        try:
            parse_rating({"rating": rating})
        except InvalidField as refused:
            raise RequestRejected(422, refused.field, refused.detail) from None
        self.ratings.append((conversation_id, rating))

    async def institution(self) -> dict[str, Any]:
        if self.failure:
            raise self.failure
        return InstitutionPublic.from_profile(load_profile(self.institution_key)).as_dict()

    async def operating_hours(self) -> dict[str, Any]:
        if self.failure:
            raise self.failure
        calendar = WorkingCalendar()
        opening = next_opening(self.now, calendar).isoformat()
        return {"open": is_open(self.now, calendar), "next_opening": opening}

    async def facilitation_deadline(self, response_date: date) -> date:
        if self.failure:
            raise self.failure
        return facilitation_filing_deadline(response_date, WorkingCalendar())

    async def normalise_contact(self, contact: str) -> str | None:
        self.contacts.append(contact)
        if self.failure:
            raise self.failure
        try:
            phone, email = split_contact(contact)
        except InvalidField:
            return None
        return phone or email

    async def request_handoff(
        self, conversation_id: str, reason: str, channel: str, draft: dict | None = None
    ) -> dict:
        self.handoffs.append((conversation_id, reason, channel))
        self.drafts.append(draft)
        if self.failure:
            raise self.failure
        if draft and self.draft_refusal:
            raise self.draft_refusal
        return {**self.handoff_outcome, "draft_kept": bool(draft)}


KREDITPRO_SLOTS = {
    "institution_name": "KreditPro",
    "institution_kind": "p2p",
    "institution_roles": ["lender", "borrower"],
    "language": "id",
}


def selection(key: str, confidence: float) -> dict[str, Any]:
    """One ResponseSelector's choice in a parsed message, as Rasa sends it."""
    response = {
        "intent_response_key": key,
        "confidence": confidence,
        "utter_action": f"utter_{key}",
    }
    return {"response": response, "ranking": []}


def tracker(
    slots: dict[str, Any] | None = None,
    *,
    text: str = "",
    intent: str = "inform",
    confidence: float = 1.0,
    entities: list[dict[str, Any]] | None = None,
    category: str | None = None,
    category_confidence: float = 0.9,
    faq_topic: str | None = None,
    metadata: dict[str, Any] | None = None,
    sender_id: str = "chat-1",
    message_id: str = "m-1",
) -> Tracker:
    """A tracker whose latest user message is `text`, with the KreditPro session slots.

    `category` and `faq_topic` are what the ResponseSelectors read (complain/<category>,
    faq/<topic>), as Rasa sends them.
    """
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "message_id": message_id,
        "metadata": metadata or {},
    }
    selected = {"complain": (category, category_confidence), "faq": (faq_topic, 0.9)}
    latest["response_selector"] = {
        "all_retrieval_intents": list(selected),
        **{
            retrieval_intent: selection(f"{retrieval_intent}/{name}", confidence)
            for retrieval_intent, (name, confidence) in selected.items()
            if name
        },
    }
    user_event = {
        "event": "user",
        "timestamp": 1_790_000_000.0,
        "text": text,
        "parse_data": latest,
        "message_id": message_id,
        "metadata": metadata or {},
    }
    return Tracker(
        sender_id=sender_id,
        slots={**KREDITPRO_SLOTS, **(slots or {})},
        latest_message=latest,
        events=[user_event],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def sent(dispatcher: Any) -> list[str]:
    """The domain responses or catalogue messages the dispatcher was asked to send, by name."""
    return [
        message.get("response") or message.get("message_key") for message in dispatcher.messages
    ]


def texts(dispatcher: Any) -> str:
    """Every text the dispatcher sent, one per line."""
    return "\n".join(message.get("text") or "" for message in dispatcher.messages)
