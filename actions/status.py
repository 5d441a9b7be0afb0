"""The status check: a register number, then the case's details for the chat that may read them.

The chat that filed a case hears its status, deadlines and officer at once. Any other chat
hears only that the case exists, then is asked to confirm the contact on file (the last
four digits of the phone, or the e-mail) in `contact_check_form`; the case API checks the
answer and counts wrong ones per case. Two wrong or unclear answers end the check with a
human offered, never a loop.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.backend_client import (
    BackendError,
    CaseNotFound,
    ClientFactory,
    InvalidRegisterNumber,
    backend_client,
)
from actions.conversation import language_of
from actions.dates import deadline_in_words
from actions.messages import say

logger = logging.getLogger(__name__)

CONTACT_CHECK_FORM = "contact_check_form"
VERIFIED = "verified"
FAILED = "failed"
MAX_ANSWERS_PER_CHECK = 2


def register_number_asked(tracker: Tracker) -> str | None:
    """The register number in the latest message, else the one this conversation last used.

    Spaces become dashes ("kp 2611 00042m" → "KP-2611-00042M"); the case API checks the rest.
    """
    typed = next(tracker.get_latest_entity_values("register_number"), None)
    number = typed or tracker.get_slot("register_number")
    return "-".join(str(number).upper().split()) if number else None


class ActionCheckStatus(Action):
    """Tells where a case stands, or that it exists and the contact must be confirmed first."""

    def __init__(self, client_factory: ClientFactory = backend_client) -> None:
        self._client = client_factory

    def name(self) -> str:
        return "action_check_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        number = register_number_asked(tracker)
        if not number:
            say(dispatcher, tracker, "ask_register_number")
            return []
        try:
            async with self._client() as backend:
                check = await backend.check_contact(number, tracker.sender_id)
        except InvalidRegisterNumber:
            say(dispatcher, tracker, "register_number_invalid", register_number=number)
            return [SlotSet("register_number", None)]
        except CaseNotFound:
            say(dispatcher, tracker, "case_not_found", register_number=number)
            return [SlotSet("register_number", None)]
        except BackendError as exc:
            logger.error("could not look up case %s: %s", number, exc)
            say(dispatcher, tracker, "status_unavailable")
            return [SlotSet("register_number", number)]
        number = str(check.get("register_number") or number)
        if check.get("verified") and isinstance(check.get("case"), dict):
            tell_status(dispatcher, tracker, check["case"])
            return [SlotSet("register_number", number)]
        if not check.get("checks_left"):
            say(dispatcher, tracker, "case_exists_locked", register_number=number)
            return [SlotSet("register_number", number)]
        say(dispatcher, tracker, "case_exists_verify", register_number=number)
        if tracker.active_loop_name not in (None, CONTACT_CHECK_FORM):
            # Another form is under way: it goes on, the check can follow it.
            say(dispatcher, tracker, "contact_check_after_form", register_number=number)
            return [SlotSet("register_number", number)]
        return [
            SlotSet("register_number", number),
            SlotSet("contact_check_asks_for", check.get("asks_for") or "phone_digits"),
            SlotSet("contact_check_attempts", 0),
            SlotSet("contact_answer", None),
            FollowupAction(CONTACT_CHECK_FORM),
        ]


class ActionAskContactAnswer(Action):
    """Asks for the last four phone digits, or the e-mail when the case has no phone."""

    def name(self) -> str:
        return "action_ask_contact_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        asks_for = tracker.get_slot("contact_check_asks_for") or "phone_digits"
        say(dispatcher, tracker, f"ask_contact_answer_{asks_for}")
        return []


class ValidateContactCheckForm(FormValidationAction):
    """Sends the customer's answer to the case API; never keeps it in a slot."""

    def __init__(self, client_factory: ClientFactory = backend_client) -> None:
        self._client = client_factory

    def name(self) -> str:
        return "validate_contact_check_form"

    async def validate_contact_answer(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        number = str(tracker.get_slot("register_number") or "")
        attempts = int(tracker.get_slot("contact_check_attempts") or 0) + 1
        try:
            async with self._client() as backend:
                check = await backend.check_contact(number, tracker.sender_id, str(value or ""))
        except BackendError as exc:
            logger.error("could not check the contact of case %s: %s", number, exc)
            say(dispatcher, tracker, "status_unavailable")
            return {"contact_answer": FAILED, "contact_check_attempts": None}
        if check.get("verified") and isinstance(check.get("case"), dict):
            tell_status(dispatcher, tracker, check["case"])
            return {"contact_answer": VERIFIED, "contact_check_attempts": None}
        if not check.get("checks_left") or attempts >= MAX_ANSWERS_PER_CHECK:
            say(dispatcher, tracker, "contact_check_failed", register_number=number)
            return {"contact_answer": FAILED, "contact_check_attempts": None}
        say(dispatcher, tracker, "contact_check_wrong")
        return {"contact_answer": None, "contact_check_attempts": attempts}


class ActionEndContactCheck(Action):
    """Clears the check's slots, so the next status check starts afresh."""

    def name(self) -> str:
        return "action_end_contact_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return [
            SlotSet("contact_answer", None),
            SlotSet("contact_check_asks_for", None),
            SlotSet("contact_check_attempts", None),
        ]


def tell_status(dispatcher: CollectingDispatcher, tracker: Tracker, case: dict[str, Any]) -> None:
    """The case's status, its deadlines in words while it is open, and its officer if assigned.

    Whether the deadlines still run is the case API's `open`, not a list of statuses here.
    """
    number = case.get("register_number")
    status = case.get("status")
    language = language_of(tracker)
    if f"case_status_{status}" not in messages.catalogue(language):
        logger.warning("case %s has a status without a message: %r", number, status)
        status = "in_progress"
    say(dispatcher, tracker, f"case_status_{status}", register_number=number)
    if case.get("open"):
        if case.get("first_response_due_at"):
            due = deadline_in_words(case["first_response_due_at"], language)
            say(
                dispatcher,
                tracker,
                "case_first_response_due",
                first_response_date=due.date,
                first_response_time=due.time,
            )
        if case.get("resolution_due_at"):
            due = deadline_in_words(case["resolution_due_at"], language)
            say(
                dispatcher,
                tracker,
                "case_resolution_due",
                resolution_date=due.date,
                resolution_time=due.time,
            )
    if case.get("officer"):
        say(dispatcher, tracker, "case_officer", officer=case["officer"])
