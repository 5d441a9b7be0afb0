"""The intake form: validates each answer, skips the role for a reporter, shows the summary."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers
from actions.categories import detect_category
from actions.contact import normalise_contact
from actions.responses import button_label

DESCRIPTION_MIN_CHARS = 15
DESCRIPTION_MAX_CHARS = 4000
ALL_ROLES = ("lender", "borrower", "customer", "representative")
INTAKE_SLOTS = (
    "complainant_type",
    "user_role",
    "complaint_type",
    "category",
    "full_name",
    "contact",
    "description",
    "priority",
    "confirmed",
    "intake_submission_key",
)

Validated = dict[str, Any]


def reset_intake() -> list[EventType]:
    """Events that empty the intake slots, so the next complaint starts afresh."""
    return [SlotSet(name, None) for name in INTAKE_SLOTS]


def allowed_roles(tracker: Tracker) -> tuple[str, ...]:
    """The user roles of this institution (from the session), all four if unknown."""
    return tuple(tracker.get_slot("institution_roles") or ALL_ROLES)


class ValidateIntakeForm(FormValidationAction):
    """Checks each intake answer; an invalid one is explained and asked again."""

    def name(self) -> str:
        return "validate_intake_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ends the form unconfirmed on "batal"; action_submit_intake then drops the answers."""
        if answers.is_cancel(tracker.latest_message.get("text")):
            return [SlotSet("confirmed", None), SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The domain's slots, without `user_role` for a reporter (who is not a user)."""
        if tracker.get_slot("complainant_type") == "reporter":
            return [slot for slot in domain_slots if slot != "user_role"]
        return domain_slots

    def validate_complainant_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """User or reporter; "saya peminjam" also answers the role question."""
        complainant_type = answers.complainant_type(value)
        if complainant_type is None:
            dispatcher.utter_message(response="utter_invalid_choice")
            return {"complainant_type": None}
        if complainant_type == "reporter":
            return {"complainant_type": "reporter", "user_role": None}
        role = answers.user_role(value, allowed_roles(tracker))
        return {"complainant_type": "user", **({"user_role": role} if role else {})}

    def validate_user_role(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """One of the institution's roles (lender/borrower or customer/representative)."""
        role = answers.user_role(value, allowed_roles(tracker))
        if role is None:
            dispatcher.utter_message(response="utter_invalid_choice")
        return {"user_role": role}

    def validate_full_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """A person's name, letters only."""
        name = answers.full_name(value)
        if name is None:
            dispatcher.utter_message(response="utter_invalid_full_name")
        return {"full_name": name}

    def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """A valid phone number (normalised to +62…) or e-mail address."""
        contact = normalise_contact(value)
        if contact is None:
            dispatcher.utter_message(response="utter_invalid_contact")
        return {"contact": contact}

    def validate_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """A description long enough to act on; its words also give the category."""
        description = " ".join(str(value or "").split())
        if len(description) < DESCRIPTION_MIN_CHARS:
            dispatcher.utter_message(response="utter_invalid_description")
            return {"description": None}
        description = description[:DESCRIPTION_MAX_CHARS]
        return {"description": description, "category": detect_category(description)}

    def validate_priority(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """Low, medium, high or emergency, from a button or words like "darurat"."""
        priority = answers.priority(value)
        if priority is None:
            dispatcher.utter_message(response="utter_invalid_choice")
        return {"priority": priority}

    def validate_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """Yes (register the case) or no (cancel), from the Ya/Tidak buttons or typed."""
        confirmed = answers.yes_or_no(value)
        if confirmed is None:
            dispatcher.utter_message(response="utter_invalid_choice")
        return {"confirmed": confirmed}


class ActionAskConfirmed(Action):
    """Asks for the confirmation: the summary of the answers, or a retry after a failure."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("intake_submission_key"):
            dispatcher.utter_message(response="utter_ask_retry_submission")
            return []
        slots = tracker.current_slot_values()
        dispatcher.utter_message(response="utter_intake_summary", **summary(domain, slots))
        return []


def summary(domain: DomainDict, slots: dict[str, Any]) -> dict[str, str]:
    """The summary's parameters, with the button words for the chosen values."""

    def label(question: str, slot: str) -> str:
        value = slots.get(slot)
        return button_label(domain, question, slots, slot, value) or str(value or "")

    complainant = label("utter_ask_complainant_type", "complainant_type")
    if slots.get("complainant_type") == "user" and slots.get("user_role"):
        complainant = f"{complainant} ({label('utter_ask_user_role', 'user_role')})"
    return {
        "complainant": complainant,
        "full_name": str(slots.get("full_name") or ""),
        "contact": str(slots.get("contact") or ""),
        "description": str(slots.get("description") or ""),
        "priority": label("utter_ask_priority", "priority"),
    }
