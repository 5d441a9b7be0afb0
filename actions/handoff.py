"""Handing the chat to a person: on request, after two misunderstandings, for an emergency."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendError, ClientFactory, RequestRejected, backend_client
from actions.conversation import channel_of, language_of
from actions.dates import deadline_in_words
from actions.drafts import draft_from_slots
from actions.messages import say

logger = logging.getLogger(__name__)

NOT_UNDERSTOOD = "nlu_fallback"


async def hand_off(
    client: ClientFactory,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: str,
    draft: dict[str, Any] | None = None,
) -> list[EventType]:
    """Queue the chat for an agent and tell the customer when one answers; pause the bot.

    A `draft` (the intake's answers so far) goes with the request; the customer is told the
    answers are kept and the agent will complete the registration. A draft the case API
    refuses is left out rather than keeping the customer from a person.
    """
    try:
        async with client() as backend:
            try:
                outcome = await backend.request_handoff(
                    tracker.sender_id, reason, channel_of(tracker), draft
                )
            except RequestRejected as exc:
                if not draft:
                    raise
                logger.warning("the draft was refused (%s): handed off without it", exc.field)
                draft = None
                outcome = await backend.request_handoff(
                    tracker.sender_id, reason, channel_of(tracker)
                )
    except BackendError as exc:
        logger.error("could not hand %s to an agent: %s", tracker.sender_id, exc)
        if reason != "emergency":
            say(dispatcher, tracker, "handoff_unavailable")
        return []
    if not outcome.get("handed_off"):
        return []  # an emergency outside operating hours stays with the bot and its case
    if reason == "emergency":
        say(dispatcher, tracker, "handoff_emergency")
    elif outcome.get("open"):
        say(dispatcher, tracker, "handoff_now")
    else:
        opening = deadline_in_words(outcome["next_opening"], language_of(tracker))
        say(
            dispatcher,
            tracker,
            "handoff_later",
            opening_date=opening.date,
            opening_time=opening.time,
        )
    if draft and outcome.get("draft_kept"):
        say(dispatcher, tracker, "draft_kept")
    return [ConversationPaused()]


class ActionHandoff(Action):
    """The customer asked for a person (or took the offer): the chat joins the agents' queue."""

    def __init__(self, client_factory: ClientFactory = backend_client) -> None:
        self._client = client_factory

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await hand_off(
            self._client, dispatcher, tracker, "requested", draft_from_slots(tracker) or None
        )


def failed_twice(tracker: Tracker) -> bool:
    """Whether the customer's previous message was not understood either."""
    said = [event for event in tracker.events if event.get("event") == "user"]
    if len(said) < 2:
        return False
    intent = (said[-2].get("parse_data") or {}).get("intent") or {}
    return intent.get("name") == NOT_UNDERSTOOD


class ActionFallback(Action):
    """A message not understood: say what the bot can do; the second in a row, offer a person."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if failed_twice(tracker):
            say(dispatcher, tracker, "offer_handoff")
        else:
            dispatcher.utter_message(response="utter_default")
        return []
