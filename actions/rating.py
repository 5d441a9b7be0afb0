"""The customer's rating of the chat, stored on the conversation.

The bot reads a number from what the customer typed or clicked; whether it is a rating
(1 to 5) is the case API's to say: a rating it refuses is asked again.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendError, ClientFactory, RequestRejected, backend_client
from actions.messages import say
from actions.words import word_list

logger = logging.getLogger(__name__)

NUMBER = re.compile(r"(?<![\d.,])\d+(?![\d.,])")
OUT_OF = re.compile(r"(?<!\d)(\d{1,2})\s*(?:/|dari|out of|of)\s*(5|10)(?!\d)", re.IGNORECASE)
STARS = re.compile(r"[★⭐🌟]")
WORD = re.compile(r"[a-z]+")
POINTS = 5  # the rating buttons' scale, which "9/10" is read into


def typed_rating(text: str) -> int | None:
    """The rating as typed: "4", "4/5", "9/10", "4 dari 5", "⭐⭐⭐⭐", "bintang lima"; else None.

    A message naming two different numbers ("4 atau 5") is no rating: it is asked again.
    """
    scaled = OUT_OF.search(text)
    if scaled:
        value, scale = int(scaled.group(1)), int(scaled.group(2))
        # 9/10 is 5, 6/10 is 3: the nearest point of the five, halves rounded up.
        return (value * POINTS + scale // 2) // scale if value <= scale else None
    numbers = {int(number) for number in NUMBER.findall(text)}
    if numbers:
        return numbers.pop() if len(numbers) == 1 else None
    stars = len(STARS.findall(text))
    if stars:
        return stars
    words: dict[str, int] = word_list("numbers")["numbers"]
    named = {words[word] for word in WORD.findall(text.lower()) if word in words}
    return named.pop() if len(named) == 1 else None


def rating_given(tracker: Tracker) -> int | None:
    """The number from the button's entity, or read from the typed message."""
    entity: Any = next(tracker.get_latest_entity_values("rating"), None)
    if entity is not None:
        try:
            return int(str(entity).strip())
        except ValueError:
            return None
    return typed_rating(str(tracker.latest_message.get("text") or ""))


class ActionSaveRating(Action):
    """Stores the rating and thanks the customer; asks again if the case API refuses it."""

    def __init__(self, client_factory: ClientFactory = backend_client) -> None:
        self._client = client_factory

    def name(self) -> str:
        return "action_save_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        rating = rating_given(tracker)
        if rating is None:
            return ask_again(dispatcher, tracker)
        try:
            async with self._client() as backend:
                await backend.rate_conversation(tracker.sender_id, rating)
        except RequestRejected as exc:
            if exc.field == "rating":
                return ask_again(dispatcher, tracker)
            logger.error("could not store the rating of %s: %s", tracker.sender_id, exc)
        except BackendError as exc:
            # The thanks stays true: the rating is only lost for the report, not for the case.
            logger.error("could not store the rating of %s: %s", tracker.sender_id, exc)
        say(dispatcher, tracker, "rating_thanks")
        return [SlotSet("rating", rating)]


def ask_again(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Say the answer is no rating, and ask for one again."""
    say(dispatcher, tracker, "invalid_rating")
    dispatcher.utter_message(response="utter_ask_rating")
    return []
