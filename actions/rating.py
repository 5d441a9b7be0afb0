"""The customer's 1-5 rating of the chat, stored on the conversation."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendClient, BackendError, backend_client
from actions.messages import say
from backend.domain.personal_data import mask_for_logs

logger = logging.getLogger(__name__)

SINGLE_DIGIT = re.compile(r"(?<!\d)[1-5](?!\d)")


def rating_given(tracker: Tracker) -> int | None:
    """The rating from the button's entity, or a lone digit 1-5 in the typed message."""
    entity: Any = next(tracker.get_latest_entity_values("rating"), None)
    if entity is not None:
        try:
            value = int(str(entity).strip())
        except ValueError:
            return None
        return value if 1 <= value <= 5 else None
    found = SINGLE_DIGIT.findall(tracker.latest_message.get("text") or "")
    return int(found[0]) if len(found) == 1 else None


class ActionSaveRating(Action):
    """Stores the rating and thanks the customer; asks again if it is not 1 to 5."""

    def __init__(self, client_factory: Callable[[], BackendClient] = backend_client) -> None:
        self._client = client_factory

    def name(self) -> str:
        return "action_save_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        rating = rating_given(tracker)
        if rating is None:
            say(dispatcher, tracker, "invalid_rating")
            dispatcher.utter_message(response="utter_ask_rating")
            return []
        try:
            async with self._client() as backend:
                await backend.rate_conversation(tracker.sender_id, rating)
        except BackendError as exc:
            # The thanks stays true: the rating is only lost for the report, not for the case.
            logger.error(
                "could not store the rating of %s: %s",
                mask_for_logs(tracker.sender_id),
                mask_for_logs(str(exc)),
            )
        say(dispatcher, tracker, "rating_thanks")
        return [SlotSet("rating", rating)]
