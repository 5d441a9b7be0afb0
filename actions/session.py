"""`action_session_start`: every conversation starts knowing which institution it serves.

The institution is the one the app runs with, read from the case API (`GET /api/institution`).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendError, ClientFactory, backend_client
from actions.conversation import DEFAULT_LANGUAGE, LANGUAGE_SLOT, LANGUAGES

logger = logging.getLogger(__name__)


def session_language(metadata: Any) -> str:
    """`id` or `en` from the session's metadata (`{"language": "en-US"}`), Indonesian otherwise."""
    if isinstance(metadata, dict):
        language = str(metadata.get("language") or "").lower()[:2]
        if language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE


class ActionSessionStart(Action):
    """Starts a session: the institution's name, kind and roles, and the language, as slots."""

    def __init__(self, client_factory: ClientFactory = backend_client) -> None:
        self._client = client_factory

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        metadata = tracker.get_slot("session_started_metadata")
        events: list[EventType] = [SessionStarted()]
        if domain.get("session_config", {}).get("carry_over_slots_to_new_session"):
            events.extend(_carried_over_slots(tracker))
        events.append(SlotSet("session_started_metadata", metadata))
        events.extend(await self.institution_slots())
        events.extend(
            [
                SlotSet(LANGUAGE_SLOT, session_language(metadata)),
                ActionExecuted("action_listen"),
            ]
        )
        return events

    async def institution_slots(self) -> list[EventType]:
        """The institution's name, kind and roles; none while the case API does not answer."""
        try:
            async with self._client() as backend:
                institution = await backend.institution()
        except BackendError as exc:
            logger.error("could not read the institution: %s", exc)
            return []
        return [
            SlotSet("institution_name", institution.get("name")),
            SlotSet("institution_kind", institution.get("kind")),
            SlotSet("institution_roles", list(institution.get("roles") or [])),
        ]


def _carried_over_slots(tracker: Tracker) -> list[EventType]:
    """The slots of the previous session, as the default session start would carry them over."""
    return [
        SlotSet(name, value)
        for name, value in tracker.current_slot_values().items()
        if name != "session_started_metadata" and value is not None
    ]
