"""The OJK route: when a customer rejects the institution's resolution, a guided check of the
requirements for OJK facilitation (POJK 31/2020, seed 003), ending with the route that fits
(OJK facilitation, or LAPS SJK / court) and the documents to prepare.

The form stops at the first answer that rules facilitation out; `action_ojk_route` then
names the reasons. "batal" ends it with nothing decided.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages, understanding
from actions.amounts import parse_amount, parse_loss
from actions.backend_client import BackendError, ClientFactory, backend_client
from actions.clock import Clock, system_clock
from actions.conversation import language_of
from actions.dates import WIB, date_in_words, parse_past_date
from actions.forms import AskForSlot, is_iso_date
from actions.messages import say

logger = logging.getLogger(__name__)

FACILITATION_LOSS_LIMIT = 500_000_000  # Rupiah (POJK 31/2020; general insurance differs)
OJK_SLOTS = (
    "ojk_rejected",
    "ojk_loss_amount",
    "ojk_in_court",
    "ojk_civil",
    "ojk_facilitated_before",
    "ojk_response_date",
)

Answers = dict[str, Any]


def obstacles(slots: Answers, today: date, filing_deadline: date | None = None) -> list[str]:
    """The catalogue ids of the reasons why OJK facilitation is not available (empty: it is).

    Filing is too late once `filing_deadline` (the case API's, for the response date) is past.
    """
    found = []
    loss = slots.get("ojk_loss_amount")
    if loss is not None and loss > FACILITATION_LOSS_LIMIT:
        found.append("ojk_reason_loss_too_high")
    if loss == 0:
        found.append("ojk_reason_no_loss")
    if slots.get("ojk_in_court") is True:
        found.append("ojk_reason_in_court")
    if slots.get("ojk_civil") is False:
        found.append("ojk_reason_not_civil")
    if slots.get("ojk_facilitated_before") is True:
        found.append("ojk_reason_facilitated_before")
    if filing_deadline is not None and filing_deadline < today:
        found.append("ojk_reason_too_late")
    return found


def is_answer(slot: str, value: Any) -> bool:
    """Whether `value` is a validated answer to `slot` (not the words as typed)."""
    if slot == "ojk_loss_amount":
        return isinstance(value, int) and not isinstance(value, bool)
    if slot == "ojk_response_date":
        return isinstance(value, str) and is_iso_date(value)
    return isinstance(value, bool)


def reset_ojk() -> list[EventType]:
    """Events that empty the answers of the check."""
    return [SlotSet(name, None) for name in OJK_SLOTS]


class ValidateOjkForm(FormValidationAction):
    """Reads each answer; stops at the first one that rules facilitation out."""

    def __init__(self, clock: Clock = system_clock) -> None:
        self._clock = clock

    def name(self) -> str:
        return "validate_ojk_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """ "batal" empties the answers and ends the check."""
        if understanding.is_cancel(tracker):
            return [*reset_ojk(), SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The questions up to and including the first answer that rules facilitation out.

        The response date is asked last, so whether filing is too late is left to the route.
        """
        today = self._clock().astimezone(WIB).date()
        asked: list[str] = []
        for slot in OJK_SLOTS:
            asked.append(slot)
            value = tracker.get_slot(slot)
            if not is_answer(slot, value):
                continue  # not asked yet, or typed words not validated yet
            if slot == "ojk_rejected" and value is False:
                break
            if obstacles({slot: value}, today):
                break
        return asked

    def _yes_no(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Answers:
        answer = value if isinstance(value, bool) else understanding.yes_or_no(tracker)
        if answer is None:
            say(dispatcher, tracker, "invalid_yes_no")
        return {slot: answer}

    def validate_ojk_rejected(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Answers:
        """Whether the institution answered and the customer rejected it."""
        return self._yes_no("ojk_rejected", value, dispatcher, tracker)

    def validate_ojk_loss_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Answers:
        """The material loss in Rupiah."""
        amount = value if isinstance(value, int) else parse_loss(value)
        if amount is None:
            amount = parse_amount(value)
        if amount is None:
            say(dispatcher, tracker, "invalid_amount")
        return {"ojk_loss_amount": amount}

    def validate_ojk_in_court(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Answers:
        """Whether a court, arbitration or LAPS has the matter."""
        return self._yes_no("ojk_in_court", value, dispatcher, tracker)

    def validate_ojk_civil(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Answers:
        """Whether the dispute is a civil one."""
        return self._yes_no("ojk_civil", value, dispatcher, tracker)

    def validate_ojk_facilitated_before(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Answers:
        """Whether OJK facilitated it before."""
        return self._yes_no("ojk_facilitated_before", value, dispatcher, tracker)

    def validate_ojk_response_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Answers:
        """The date of the institution's response letter, not in the future."""
        day = parse_past_date(str(value or ""), self._clock().astimezone(WIB).date())
        if day is None:
            say(dispatcher, tracker, "invalid_date")
            return {"ojk_response_date": None}
        return {"ojk_response_date": day.isoformat()}


class ActionAskOjkRejected(AskForSlot):
    """Has the institution answered, and did the customer reject the answer?"""

    def name(self) -> str:
        return "action_ask_ojk_rejected"


class ActionAskOjkLossAmount(AskForSlot):
    """How much material loss?"""

    def name(self) -> str:
        return "action_ask_ojk_loss_amount"


class ActionAskOjkInCourt(AskForSlot):
    """Is it in, or decided by, a court, arbitration or LAPS?"""

    def name(self) -> str:
        return "action_ask_ojk_in_court"


class ActionAskOjkCivil(AskForSlot):
    """Is it a civil matter?"""

    def name(self) -> str:
        return "action_ask_ojk_civil"


class ActionAskOjkFacilitatedBefore(AskForSlot):
    """Did OJK facilitate it before?"""

    def name(self) -> str:
        return "action_ask_ojk_facilitated_before"


class ActionAskOjkResponseDate(AskForSlot):
    """When was the institution's response letter?"""

    def name(self) -> str:
        return "action_ask_ojk_response_date"


class ActionOjkRoute(Action):
    """Names the route that fits the answers, with the documents to prepare."""

    def __init__(
        self, client_factory: ClientFactory = backend_client, clock: Clock = system_clock
    ) -> None:
        self._client = client_factory
        self._clock = clock

    def name(self) -> str:
        return "action_ojk_route"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slots = {slot: tracker.get_slot(slot) for slot in OJK_SLOTS}
        language = language_of(tracker)
        today = self._clock().astimezone(WIB).date()
        if slots["ojk_rejected"] is None:
            say(dispatcher, tracker, "ojk_check_cancelled")
        elif slots["ojk_rejected"] is False:
            say(dispatcher, tracker, "ojk_route_complain_first")
        else:
            deadline, deadline_unknown = None, False
            try:
                deadline = await self.filing_deadline(slots)
            except BackendError as exc:
                logger.error("could not read the OJK filing deadline: %s", exc)
                deadline_unknown = True
            words = date_in_words(deadline, language) if deadline else ""
            if reasons := obstacles(slots, today, deadline):
                texts = [messages.text(key, language, deadline=words) for key in reasons]
                say(dispatcher, tracker, "ojk_route_other", reasons="; ".join(texts))
            elif deadline_unknown:
                say(dispatcher, tracker, "service_unavailable")  # in time or not: unknown
            else:
                say(dispatcher, tracker, "ojk_route_facilitation", deadline=words)
        return reset_ojk()

    async def filing_deadline(self, slots: Answers) -> date | None:
        """The case API's last day to file with OJK, or None when the response date is unknown."""
        response_date = slots.get("ojk_response_date")
        if not response_date:
            return None
        async with self._client() as backend:
            return await backend.facilitation_deadline(date.fromisoformat(response_date))
