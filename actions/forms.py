"""The intake form: what it asks for each kind of request, what it takes from the opening
message, how it checks each answer, and the summary where a single field can be changed.

A complaint gets the full form; feedback and a question for an agent get a short one.
What the opening message already says ("saya peminjam, dana blm cair udh 3 hari") is
not asked again. The category comes from the model (actions/understanding.py), as do yes,
no, stop and change-a-detail. A wrong answer is explained; at the second wrong answer in a
row the customer is also offered the choices as buttons and a person.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, messages, understanding
from actions.amounts import parse_amount, parse_loss, rupiah
from actions.backend_client import BackendError, ClientFactory, backend_client
from actions.chat_words import mentions, plain
from actions.clock import Clock, system_clock
from actions.contact import contact_candidates
from actions.conversation import LANGUAGES, language_of
from actions.dates import WIB, date_in_words, parse_past_date
from actions.messages import say

logger = logging.getLogger(__name__)

DESCRIPTION_MIN_CHARS = 15
DESCRIPTION_MAX_CHARS = 4000
ALL_ROLES = ("lender", "borrower", "customer", "representative")
COMPLAINT_SLOTS = (
    "complainant_type",
    "user_role",
    "description",
    "category",
    "incident_date",
    "loss_amount",
    "priority",
    "full_name",
    "contact",
    "confirmed",
)
SHORT_SLOTS = ("complainant_type", "description", "full_name", "contact", "confirmed")
INTAKE_SLOTS = (
    *COMPLAINT_SLOTS,
    "complaint_type",
    "intake_submission_key",
    "pending_question",
    "correcting",
    "invalid_answers",
)
UNKNOWN_DATE = "unknown"
OFFER_HUMAN_AFTER = 2

Validated = dict[str, Any]


def reset_intake() -> list[EventType]:
    """Events that empty the intake slots, so the next request starts afresh."""
    return [SlotSet(name, None) for name in INTAKE_SLOTS]


def allowed_roles(tracker: Tracker) -> tuple[str, ...]:
    """The user roles of this institution (from the session), all four if unknown."""
    return tuple(tracker.get_slot("institution_roles") or ALL_ROLES)


def request_kind(tracker: Tracker) -> str:
    """`complaint`, `feedback` or `question`: what the form is registering.

    The intent that starts the form sets `complaint_type`; a typed "ya" to the offer of
    passing a question on does not, and the pending question tells that one apart.
    """
    kind = tracker.get_slot("complaint_type")
    if kind:
        return str(kind)
    return "question" if tracker.get_slot("pending_question") else "complaint"


def intake_slots(kind: str, complainant_type: str | None) -> list[str]:
    """The slots the form fills for this kind of request; a reporter has no user role."""
    slots = COMPLAINT_SLOTS if kind == "complaint" else SHORT_SLOTS
    return [s for s in slots if not (s == "user_role" and complainant_type == "reporter")]


class ValidateIntakeForm(FormValidationAction):
    """Fills the intake from the opening message, checks each answer, handles corrections."""

    def __init__(
        self, client_factory: ClientFactory = backend_client, clock: Clock = system_clock
    ) -> None:
        self._client = client_factory
        self._clock = clock

    def name(self) -> str:
        return "validate_intake_form"

    def today(self) -> date:
        """Today in WIB, from the injected clock."""
        return self._clock().astimezone(WIB).date()

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ends the form unconfirmed on "batal"; fills from the opening message at activation."""
        if understanding.is_cancel(tracker):
            return [SlotSet("confirmed", None), SlotSet("requested_slot", None)]
        if tracker.get_slot("requested_slot") is None:
            opening = await self.from_opening(tracker)
            tracker.add_slots([SlotSet(k, v) for k, v in opening.items()])
        return await super().run(dispatcher, tracker, domain)

    async def from_opening(self, tracker: Tracker) -> Validated:
        """What the message that started the form already tells: who, what, when, how much."""
        kind = request_kind(tracker)
        if kind == "question":
            question = tracker.get_slot("pending_question")
            return {"description": question} if question else {}
        text = str(tracker.latest_message.get("text") or "")
        if text.startswith("/"):
            return {}
        found: Validated = {**answers.opening_complainant(text, allowed_roles(tracker))}
        if answers.tells_a_story(text):
            found["description"] = text
        if kind == "complaint":
            category = understanding.category(tracker)
            if category and found.get("description"):
                found["category"] = category
            incident = parse_past_date(text, self.today())
            if incident and found.get("description"):
                found["incident_date"] = incident.isoformat()
            amount = parse_amount(next(tracker.get_latest_entity_values("amount"), None))
            if amount:
                found["loss_amount"] = amount
        contact = await self.normalised_contact(typed_contact(tracker))
        if contact:
            found["contact"] = contact
        return found

    async def normalised_contact(self, typed: Any) -> str | None:
        """The contact in `typed` in the form the case API keeps it; None if there is none.

        While the case API does not answer, the contact found is kept as typed: the API
        normalises it when the case is registered.
        """
        candidates = contact_candidates(typed)
        if not candidates:
            return None
        try:
            async with self._client() as backend:
                for candidate in candidates:
                    normalised = await backend.normalise_contact(candidate)
                    if normalised:
                        return normalised
        except BackendError as exc:
            logger.warning("could not normalise a contact, kept as typed: %s", exc)
            return candidates[0]
        return None

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The full form for a complaint, the short one for feedback and questions."""
        return intake_slots(request_kind(tracker), tracker.get_slot("complainant_type"))

    def accept(self, values: Validated) -> Validated:
        """A valid answer: its slots, and the count of wrong answers starts again."""
        return {**values, "invalid_answers": None}

    def refuse(
        self,
        slot: str,
        key: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        **params: Any,
    ) -> Validated:
        """Explain why the answer is refused; from the second in a row, offer buttons and a person.

        The question is then not asked again (AskForSlot): the offer carries its choices.
        """
        failures = int(tracker.get_slot("invalid_answers") or 0) + 1
        say(dispatcher, tracker, key, **params)
        if failures >= OFFER_HUMAN_AFTER:
            say(
                dispatcher,
                tracker,
                "offer_human_after_failures",
                buttons=question_buttons(slot, tracker),
            )
        return {slot: None, "invalid_answers": failures}

    def validate_complainant_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """User or reporter; "saya peminjam" (or its button) also answers the role question."""
        complainant_type = answers.complainant_type(value)
        if complainant_type is None:
            return self.refuse("complainant_type", "invalid_choice", dispatcher, tracker)
        if complainant_type == "reporter":
            return self.accept({"complainant_type": "reporter", "user_role": None})
        role = tracker.get_slot("user_role")  # set along by the who-are-you buttons
        if role not in allowed_roles(tracker):
            role = answers.user_role(value, allowed_roles(tracker))
        return self.accept({"complainant_type": "user", "user_role": role})

    def validate_user_role(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """One of the institution's roles (lender/borrower or customer/representative)."""
        role = answers.user_role(value, allowed_roles(tracker))
        if role is None:
            return self.refuse("user_role", "invalid_choice", dispatcher, tracker)
        return self.accept({"user_role": role})

    def validate_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """A description long enough to act on; its words also give the category if unknown."""
        description = " ".join(str(value or "").split())
        if len(description) < DESCRIPTION_MIN_CHARS or description.startswith("/"):
            return self.refuse(
                "description",
                "invalid_description",
                dispatcher,
                tracker,
                min_chars=DESCRIPTION_MIN_CHARS,
            )
        values: Validated = {"description": description[:DESCRIPTION_MAX_CHARS]}
        if tracker.get_slot("category") in (None, "other"):
            values["category"] = understanding.category(tracker)
        if request_kind(tracker) == "complaint" and not tracker.get_slot("incident_date"):
            day = parse_past_date(description, self.today())
            if day:
                values["incident_date"] = day.isoformat()
        return self.accept(values)

    def validate_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """One of the ten categories: its button, its button's words, or what the model reads."""
        typed = str(value or "").strip().lower()
        category = typed if typed in offered_categories() else category_named(typed)
        category = category or understanding.category(tracker)
        if category is None:
            return self.refuse("category", "invalid_choice", dispatcher, tracker)
        return self.accept({"category": category})

    def validate_incident_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """A past day ("kemarin", "3 hari lalu", "12/11/2026"), or unknown ("lupa")."""
        if isinstance(value, str) and (value == UNKNOWN_DATE or is_iso_date(value)):
            return self.accept({"incident_date": value})
        day = parse_past_date(str(value or ""), self.today())
        if day is None:
            if any(mentions(plain(value), phrase) for phrase in answers.words("forgotten_date")):
                return self.accept({"incident_date": UNKNOWN_DATE})
            return self.refuse("incident_date", "invalid_incident_date", dispatcher, tracker)
        return self.accept({"incident_date": day.isoformat()})

    def validate_loss_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """The loss in Rupiah ("5jt", "Rp 1.500.000", "1,5 juta"), 0 for "tidak ada"."""
        amount = value if isinstance(value, int | float) else parse_loss(value)
        if amount is None or amount < 0:
            return self.refuse("loss_amount", "invalid_loss_amount", dispatcher, tracker)
        return self.accept({"loss_amount": int(amount)})

    def validate_priority(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """Low, medium, high or emergency, from a button or words like "urgent banget"."""
        priority = answers.priority(value)
        if priority is None:
            return self.refuse("priority", "invalid_choice", dispatcher, tracker)
        return self.accept({"priority": priority})

    def validate_full_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """A person's name, letters only."""
        name = answers.full_name(value)
        if name is None:
            return self.refuse("full_name", "invalid_full_name", dispatcher, tracker)
        return self.accept({"full_name": name})

    async def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """A valid phone number or e-mail address, as the case API normalises it (+62…)."""
        contact = await self.normalised_contact(value)
        if contact is None:
            typed = str(value or "")
            key = (
                "invalid_email"
                if "@" in typed
                else "invalid_phone"
                if any(c.isdigit() for c in typed)
                else "invalid_contact"
            )
            return self.refuse("contact", key, dispatcher, tracker)
        return self.accept({"contact": contact})

    async def validate_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Validated:
        """Yes registers, no cancels; a change request (change_detail) asks its field again."""
        if isinstance(value, bool):
            return self.accept({"confirmed": value, "correcting": None})
        if understanding.wants_change(tracker) or (
            tracker.get_slot("correcting") and understanding.field(tracker)
        ):
            return await self.correct(tracker)
        confirmed = understanding.yes_or_no(tracker)
        if confirmed is None:
            return self.refuse("confirmed", "invalid_confirmation", dispatcher, tracker)
        return self.accept({"confirmed": confirmed, "correcting": None})

    async def correct(self, tracker: Tracker) -> Validated:
        """Empty the named field so that the form asks it again (or take the new value given)."""
        field = understanding.field(tracker)
        fields = intake_slots(request_kind(tracker), tracker.get_slot("complainant_type"))
        if field is None or field not in fields:
            return {"confirmed": None, "correcting": True, "invalid_answers": None}
        contact = (
            await self.normalised_contact(typed_contact(tracker)) if field == "contact" else None
        )
        if contact:
            return {
                "confirmed": None,
                "correcting": None,
                "invalid_answers": None,
                "contact": contact,
            }
        emptied: Validated = {
            "confirmed": None,
            "correcting": None,
            "invalid_answers": None,
            field: None,
        }
        if field == "complainant_type":
            emptied["user_role"] = None
        return emptied


def typed_contact(tracker: Tracker) -> str | None:
    """The phone number or e-mail address the model found in the latest message, if any."""
    return next(tracker.get_latest_entity_values("phone_number"), None) or next(
        tracker.get_latest_entity_values("email"), None
    )


def offered_categories() -> tuple[str, ...]:
    """The categories the category question offers as buttons (the case API's categories)."""
    buttons = messages.variation("ask_category").get("buttons") or []
    return tuple(
        str(messages.payload_entities(str(button["payload"])).get("category")) for button in buttons
    )


def question_key(slot: str) -> str:
    """The catalogue id of the question that asks for `slot`."""
    return "summary" if slot == "confirmed" else f"ask_{slot}"


def question_buttons(slot: str, tracker: Tracker) -> list[dict[str, str]]:
    """The choices of the question for `slot` as buttons (none for a free-text question)."""
    conversation = messages.conversation_params(tracker)
    entry = messages.variation(question_key(slot), conversation["language"], conversation["kind"])
    return [{"title": b["title"], "payload": b["payload"]} for b in entry.get("buttons") or []]


def after_repeated_failures(tracker: Tracker) -> bool:
    """Whether the last answers were unclear so often that the offer replaces the question."""
    return int(tracker.get_slot("invalid_answers") or 0) >= OFFER_HUMAN_AFTER


def category_named(typed: str) -> str | None:
    """The category whose button title (in either language) is what the customer typed."""
    for language in LANGUAGES:
        for button in messages.variation("ask_category", language).get("buttons") or []:
            if str(button.get("title", "")).strip().lower() == typed:
                found = messages.payload_entities(str(button.get("payload", ""))).get("category")
                return str(found) if found else None
    return None


def is_iso_date(value: str) -> bool:
    """Whether `value` is a date written as YYYY-MM-DD."""
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


class AskForSlot(Action, ABC):
    """Asks for one slot with the catalogue's question `ask_<slot>`."""

    @abstractmethod
    def name(self) -> str:
        """`action_ask_<slot>`, the name the form looks for."""

    def slot(self) -> str:
        """The slot this action asks for."""
        return self.name().removeprefix("action_ask_")

    def message_key(self, tracker: Tracker) -> str:
        """The catalogue id of the question."""
        return f"ask_{self.slot()}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask, unless the offer of buttons and a person has just replaced the question."""
        if not after_repeated_failures(tracker):
            say(dispatcher, tracker, self.message_key(tracker))
        return []


class ActionAskComplainantType(AskForSlot):
    """Who is writing: a borrower or lender (a customer or representative), or a reporter."""

    def name(self) -> str:
        return "action_ask_complainant_type"


class ActionAskUserRole(AskForSlot):
    """Which of the institution's roles a user has."""

    def name(self) -> str:
        return "action_ask_user_role"


class ActionAskDescription(AskForSlot):
    """What happened, the feedback, or the question, by the kind of request."""

    def name(self) -> str:
        return "action_ask_description"

    def message_key(self, tracker: Tracker) -> str:
        kind = request_kind(tracker)
        return "ask_description" if kind == "complaint" else f"ask_description_{kind}"


class ActionAskCategory(AskForSlot):
    """The kind of problem, with one button per category."""

    def name(self) -> str:
        return "action_ask_category"


class ActionAskIncidentDate(AskForSlot):
    """When it happened."""

    def name(self) -> str:
        return "action_ask_incident_date"


class ActionAskLossAmount(AskForSlot):
    """How much money was lost, if any."""

    def name(self) -> str:
        return "action_ask_loss_amount"


class ActionAskPriority(AskForSlot):
    """How urgent it is; proposes emergency for fraud, a taken-over account or threats."""

    def name(self) -> str:
        return "action_ask_priority"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if after_repeated_failures(tracker):
            return []
        reason = answers.urgent_reason(
            tracker.get_slot("description"), tracker.get_slot("category")
        )
        if reason:
            language = language_of(tracker)
            reason_words = messages.text(f"urgent_reason_{reason}", language)
            say(dispatcher, tracker, "propose_emergency", reason=reason_words)
        return await super().run(dispatcher, tracker, domain)


class ActionAskFullName(AskForSlot):
    """The customer's full name."""

    def name(self) -> str:
        return "action_ask_full_name"


class ActionAskContact(AskForSlot):
    """A phone number or e-mail address to answer to."""

    def name(self) -> str:
        return "action_ask_contact"


class ActionAskConfirmed(Action):
    """The summary to confirm; which field to change; or a retry after a failed registration."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if after_repeated_failures(tracker):
            return []
        if tracker.get_slot("intake_submission_key"):
            say(dispatcher, tracker, "ask_retry_submission")
        elif tracker.get_slot("correcting"):
            say(dispatcher, tracker, "ask_correction")
        else:
            say(dispatcher, tracker, "summary", lines=summary_lines(tracker))
        return []


def summary_lines(tracker: Tracker) -> str:
    """One line per answer, each value in the words of its button where it has one."""
    slots = tracker.current_slot_values()
    conversation = messages.conversation_params(tracker)
    language, kind = conversation["language"], conversation["kind"]

    def words(key: str, **params: Any) -> str:
        return messages.text(key, language, kind, **params)

    request = request_kind(tracker)
    values: list[tuple[str, str]] = []
    if request != "complaint":
        values.append(("complaint_type", words(f"complaint_type_{request}")))
    values.append(("complainant", complainant_label(slots, language, kind)))
    if request == "complaint":
        values.append(("category", _label("ask_category", "category", slots, language, kind)))
    values.append(("description", str(slots.get("description") or "")))
    if request == "complaint":
        incident = slots.get("incident_date")
        when = (
            date_in_words(date.fromisoformat(incident), language)
            if incident and is_iso_date(incident)
            else words("unknown_date")
        )
        loss = slots.get("loss_amount")
        values += [
            ("incident_date", when),
            ("loss_amount", rupiah(int(loss)) if loss else words("no_loss")),
            ("priority", _label("ask_priority", "priority", slots, language, kind)),
        ]
    values += [
        ("full_name", str(slots.get("full_name") or "")),
        ("contact", str(slots.get("contact") or "")),
    ]
    return "\n".join(
        words("summary_line", label=words(f"field_{field}"), value=value) for field, value in values
    )


def complainant_label(slots: dict[str, Any], language: str, kind: str) -> str:
    """ "Peminjam", "Perwakilan nasabah", "Pelapor (bukan pengguna)" or "Pengguna"."""
    if slots.get("complainant_type") == "reporter":
        return messages.text("complainant_reporter", language, kind)
    role = _label("ask_user_role", "user_role", slots, language, kind)
    return role or messages.text("complainant_user", language, kind)


def _label(key: str, slot: str, slots: dict[str, Any], language: str, kind: str) -> str:
    value = slots.get(slot)
    return messages.button_label(key, slot, value, language, kind) or str(value or "")
