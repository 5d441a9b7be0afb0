"""Creating the case once the customer confirms, and looking up a case by its register number."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import (
    BackendClient,
    BackendError,
    CaseNotFound,
    InvalidRegisterNumber,
    backend_client,
)
from actions.contact import split_contact
from actions.dates import deadline_in_words
from actions.forms import reset_intake

logger = logging.getLogger(__name__)

ClientFactory = Callable[[], BackendClient]

CHAT_CHANNELS = ("web", "telegram", "whatsapp", "rest")
DEFAULT_CHANNEL = "rest"
IDEMPOTENCY_KEY_MAX_CHARS = 128
OPEN_STATUSES = ("received", "in_progress", "waiting_documents", "escalated")
STATUSES = (*OPEN_STATUSES, "resolved", "rejected")


def latest_user_event(tracker: Tracker) -> dict[str, Any]:
    """The last `user` event of the conversation (empty if there is none)."""
    return tracker.get_last_event_for("user") or {}


def channel_of(tracker: Tracker) -> str:
    """The channel of the latest message (`metadata.channel`), `rest` if absent or unknown."""
    metadata = latest_user_event(tracker).get("metadata") or {}
    channel = metadata.get("channel") if isinstance(metadata, dict) else None
    return channel if channel in CHAT_CHANNELS else DEFAULT_CHANNEL


def submission_key(tracker: Tracker) -> str:
    """A key naming this confirmation: the conversation and the confirming message."""
    event = latest_user_event(tracker)
    marker = event.get("message_id") or event.get("timestamp") or "0"
    key = f"{tracker.sender_id}:{marker}"
    if len(key) > IDEMPOTENCY_KEY_MAX_CHARS:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def case_request(tracker: Tracker) -> dict[str, Any]:
    """The body of `POST /api/cases` from the intake slots."""
    slots = tracker.current_slot_values()
    return {
        "complainant_type": slots.get("complainant_type"),
        "user_role": slots.get("user_role") if slots.get("complainant_type") == "user" else None,
        "complaint_type": slots.get("complaint_type") or "complaint",
        "category": slots.get("category") or "other",
        "priority": slots.get("priority"),
        "full_name": slots.get("full_name"),
        **split_contact(str(slots.get("contact") or "")),
        "description": slots.get("description"),
        "channel": channel_of(tracker),
        "conversation_id": tracker.sender_id,
    }


def language_of(tracker: Tracker) -> str:
    """The conversation's language slot, Indonesian by default."""
    return str(tracker.get_slot("language") or "id")


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
            dispatcher.utter_message(response="utter_intake_cancelled")
            return reset_intake()
        key = tracker.get_slot("intake_submission_key") or submission_key(tracker)
        try:
            async with self._client() as backend:
                case = await backend.create_case(case_request(tracker), idempotency_key=key)
        except BackendError as exc:
            logger.error("could not register the case of %s: %s", tracker.sender_id, exc)
            dispatcher.utter_message(response="utter_case_not_registered")
            # Keep the answers and the key: confirming again retries with the same key.
            return [
                SlotSet("intake_submission_key", key),
                SlotSet("confirmed", None),
                FollowupAction("intake_form"),
            ]
        due = deadline_in_words(case["first_response_due_at"], language_of(tracker))
        dispatcher.utter_message(
            response="utter_case_created",
            register_number=case["register_number"],
            first_response_date=due.date,
            first_response_time=due.time,
        )
        return [*reset_intake(), SlotSet("register_number", case["register_number"])]


def register_number_asked(tracker: Tracker) -> str | None:
    """The register number in the latest message, else the one this conversation last used.

    Spaces become dashes ("kp 2611 00042m" → "KP-2611-00042M"); the case API checks the rest.
    """
    typed = next(tracker.get_latest_entity_values("register_number"), None)
    number = typed or tracker.get_slot("register_number")
    return "-".join(str(number).upper().split()) if number else None


class ActionCheckStatus(Action):
    """Tells the customer where their case stands, its deadlines and its officer."""

    def __init__(self, client_factory: ClientFactory = backend_client) -> None:
        self._client = client_factory

    def name(self) -> str:
        return "action_check_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        number = register_number_asked(tracker)
        if not number:
            dispatcher.utter_message(response="utter_ask_register_number")
            return []
        try:
            async with self._client() as backend:
                case = await backend.get_case(number)
        except InvalidRegisterNumber:
            dispatcher.utter_message(
                response="utter_register_number_invalid", register_number=number
            )
            return [SlotSet("register_number", None)]
        except CaseNotFound:
            dispatcher.utter_message(response="utter_case_not_found", register_number=number)
            return [SlotSet("register_number", None)]
        except BackendError as exc:
            logger.error("could not look up case %s: %s", number, exc)
            dispatcher.utter_message(response="utter_status_unavailable")
            return [SlotSet("register_number", number)]
        tell_status(dispatcher, case, language_of(tracker))
        return [SlotSet("register_number", case.get("register_number", number))]


def tell_status(dispatcher: CollectingDispatcher, case: dict[str, Any], language: str) -> None:
    """The case's status, its open deadlines in words, and its officer if one is assigned."""
    number = case.get("register_number")
    status = case.get("status")
    if status not in STATUSES:
        logger.warning("case %s has an unknown status %r", number, status)
        status = "in_progress"
    dispatcher.utter_message(response=f"utter_case_status_{status}", register_number=number)
    if status in OPEN_STATUSES:
        if case.get("first_response_due_at"):
            due = deadline_in_words(case["first_response_due_at"], language)
            dispatcher.utter_message(
                response="utter_case_first_response_due",
                first_response_date=due.date,
                first_response_time=due.time,
            )
        if case.get("resolution_due_at"):
            due = deadline_in_words(case["resolution_due_at"], language)
            dispatcher.utter_message(
                response="utter_case_resolution_due",
                resolution_date=due.date,
                resolution_time=due.time,
            )
    if case.get("officer"):
        dispatcher.utter_message(response="utter_case_officer", officer=case["officer"])
