"""`action_session_start`: every conversation starts knowing which institution it serves."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import DEFAULT_LANGUAGE, LANGUAGE_SLOT, LANGUAGES
from actions.settings import get_settings

if TYPE_CHECKING:
    from backend.domain.calendar import WorkingCalendar

logger = logging.getLogger(__name__)


class Institution(Protocol):
    """What the bot needs from an institution profile."""

    name: str
    kind: str
    roles: tuple[str, ...]
    first_response_days: int
    oral_resolution_days: int
    written_resolution_days: int
    extension_days: int

    def working_calendar(self) -> WorkingCalendar:
        """The calendar its deadlines count in."""
        ...


def load_institution(key: str) -> Institution:
    """The institution profile `key` (imported here so the actions load without the backend)."""
    from backend.institutions import load_profile

    return load_profile(key)


def session_language(metadata: Any) -> str:
    """`id` or `en` from the session's metadata (`{"language": "en-US"}`), Indonesian otherwise."""
    if isinstance(metadata, dict):
        language = str(metadata.get("language") or "").lower()[:2]
        if language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE


class ActionSessionStart(Action):
    """Starts a session: the institution's name, kind and roles, and the language, as slots."""

    def __init__(self, institution_loader: Callable[[str], Institution] = load_institution) -> None:
        self._load_institution = institution_loader

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        institution = self._load_institution(get_settings().institution)
        metadata = tracker.get_slot("session_started_metadata")
        events: list[EventType] = [SessionStarted()]
        if domain.get("session_config", {}).get("carry_over_slots_to_new_session"):
            events.extend(_carried_over_slots(tracker))
        events.extend(
            [
                SlotSet("session_started_metadata", metadata),
                SlotSet("institution_name", institution.name),
                SlotSet("institution_kind", institution.kind),
                SlotSet("institution_roles", list(institution.roles)),
                SlotSet(LANGUAGE_SLOT, session_language(metadata)),
                ActionExecuted("action_listen"),
            ]
        )
        return events


def _carried_over_slots(tracker: Tracker) -> list[EventType]:
    """The slots of the previous session, as the default session start would carry them over."""
    return [
        SlotSet(name, value)
        for name, value in tracker.current_slot_values().items()
        if name != "session_started_metadata" and value is not None
    ]
