"""Creating the case once the customer confirms it, and telling when an agent will read it."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendError, ClientFactory, backend_client
from actions.conversation import channel_of, language_of, latest_user_event
from actions.dates import deadline_in_words
from actions.drafts import case_description
from actions.forms import request_kind, reset_intake
from actions.handoff import hand_off
from actions.messages import say

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY_MAX_CHARS = 128


def submission_key(tracker: Tracker) -> str:
    """A key naming this confirmation: the conversation and the confirming message."""
    event = latest_user_event(tracker)
    metadata = event.get("metadata") or {}
    # The gateway's id of the stored message survives a replayed turn; Rasa's own does not.
    stored = metadata.get("message_id") if isinstance(metadata, dict) else None
    marker = (
        f"m{stored}"
        if stored is not None
        else event.get("message_id") or event.get("timestamp") or "0"
    )
    key = f"{tracker.sender_id}:{marker}"
    if len(key) > IDEMPOTENCY_KEY_MAX_CHARS:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


# Feedback and questions are not asked for a category or a priority.
DEFAULT_CATEGORY = {"complaint": "other", "feedback": "service", "question": "other"}
DEFAULT_PRIORITY = {"complaint": "medium", "feedback": "low", "question": "medium"}


def case_request(tracker: Tracker) -> dict[str, Any]:
    """The body of `POST /api/cases` from the intake slots."""
    slots = tracker.current_slot_values()
    kind = request_kind(tracker)
    # The form keeps the category the model read in the description (feedback included).
    category = slots.get("category")
    return {
        "complainant_type": slots.get("complainant_type"),
        "user_role": slots.get("user_role") if slots.get("complainant_type") == "user" else None,
        "complaint_type": kind,
        "category": category or DEFAULT_CATEGORY[kind],
        "priority": slots.get("priority") or DEFAULT_PRIORITY[kind],
        "full_name": slots.get("full_name"),
        "contact": slots.get("contact"),
        "description": case_description(slots),
        "channel": channel_of(tracker),
        "conversation_id": tracker.sender_id,
    }


class ActionSubmitIntake(Action):
    """When the form ends: registers the confirmed case, or drops the answers (no, or "batal")."""

    def __init__(self, client_factory: ClientFactory = backend_client) -> None:
        self._client = client_factory

    def name(self) -> str:
        return "action_submit_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("confirmed") is not True:
            say(dispatcher, tracker, "intake_cancelled")
            return reset_intake()
        key = tracker.get_slot("intake_submission_key") or submission_key(tracker)
        try:
            async with self._client() as backend:
                case = await backend.create_case(case_request(tracker), idempotency_key=key)
        except BackendError as exc:
            logger.error("could not register the case of %s: %s", tracker.sender_id, exc)
            say(dispatcher, tracker, "case_not_registered")
            # Keep the answers and the key: confirming again retries with the same key.
            return [
                SlotSet("intake_submission_key", key),
                SlotSet("confirmed", None),
                FollowupAction("intake_form"),
            ]
        due = deadline_in_words(case["first_response_due_at"], language_of(tracker))
        say(
            dispatcher,
            tracker,
            f"case_created_{request_kind(tracker)}",
            register_number=case["register_number"],
            first_response_date=due.date,
            first_response_time=due.time,
        )
        await self.tell_when_closed(dispatcher, tracker)
        events = [*reset_intake(), SlotSet("register_number", case["register_number"])]
        if case.get("priority") == "emergency":
            # An emergency goes to an agent while agents work.
            events.extend(await hand_off(self._client, dispatcher, tracker, "emergency"))
        return events

    async def tell_when_closed(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """Outside operating hours: when an agent will read it (the case API's next opening)."""
        try:
            async with self._client() as backend:
                hours = await backend.operating_hours()
        except BackendError as exc:
            logger.warning("could not read the operating hours: %s", exc)
            return
        if hours.get("open") or not hours.get("next_opening"):
            return
        opening = deadline_in_words(str(hours["next_opening"]), language_of(tracker))
        say(
            dispatcher,
            tracker,
            "outside_operating_hours",
            opening_date=opening.date,
            opening_time=opening.time,
        )
