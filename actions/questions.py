"""Questions about the complaint service, answered from the seeds with the institution's numbers.

A question on a known topic (the retrieval intent `faq/<topic>`: channels, hours, response
times, what a complaint needs, refusal grounds, escalation, confidentiality) is answered at
once, also in the middle of the intake form, which then resumes. Any other question can be passed
to an agent as a `question` case: the bot keeps it in `pending_question` and offers that.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, messages, understanding
from actions.backend_client import BackendError, ClientFactory, backend_client
from actions.conversation import language_of
from actions.messages import say

logger = logging.getLogger(__name__)

TOPICS = (
    "channels",
    "hours",
    "response_time",
    "requirements",
    "refusal",
    "escalation",
    "confidentiality",
)
# The topics whose answers quote the institution's periods (from the case API).
TOPICS_WITH_PERIODS = ("response_time",)


def profile_numbers(institution: dict[str, Any]) -> dict[str, Any]:
    """The institution's periods, as the answers quote them."""
    return {
        "first_response_days": institution["first_response_days"],
        "oral_days": institution["oral_resolution_days"],
        "written_days": institution["written_resolution_days"],
        "extension_days": institution["extension_days"],
    }


class ActionAnswerQuestion(Action):
    """Answers a question on the complaint service, or offers to pass it to an agent."""

    def __init__(self, client_factory: ClientFactory = backend_client) -> None:
        self._client = client_factory

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = str(tracker.latest_message.get("text") or "")
        events: list[EventType] = []
        topic = understanding.faq_topic(tracker) if intent == understanding.TOPIC_SELECTOR else None
        if topic in TOPICS:
            await self.answer(dispatcher, tracker, str(topic))
        elif answers.tells_a_story(text) and not text.startswith("/"):
            say(dispatcher, tracker, "offer_question_case")
            events.append(SlotSet("pending_question", text))
        else:
            say(dispatcher, tracker, "ask_question_text")
        if tracker.active_loop.get("name"):
            say(dispatcher, tracker, "form_resumes")
        return events

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, topic: str) -> None:
        """The answer on `topic`, with this institution's periods and escalation routes."""
        numbers: dict[str, Any] = {}
        if topic in TOPICS_WITH_PERIODS:
            try:
                async with self._client() as backend:
                    numbers = profile_numbers(await backend.institution())
            except (BackendError, KeyError) as exc:
                logger.error("could not read the institution's periods: %r", exc)
                say(dispatcher, tracker, "service_unavailable")
                return
        language = language_of(tracker)
        say(
            dispatcher,
            tracker,
            f"faq_{topic}",
            bodies=messages.text("escalation_bodies", language),
            **numbers,
        )
