"""The conversation's language, read from what the customer writes (Indonesian by default).

A lightweight heuristic over two word lists (actions/words/language.yml): words that only
English uses against words that only Indonesian (including chat Indonesian) uses. A clear
majority switches the `language` slot; names, numbers, button payloads and one-word
answers leave it as it is.
`action_validate_slot_mappings` runs after every user message and applies it.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker, ValidationAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.words import word_list

WORD = re.compile(r"[a-z']+")
LANGUAGES = ("id", "en")


def detect_language(text: object) -> str | None:
    """`en` or `id` when the words say so clearly; None for names, numbers and payloads."""
    message = str(text or "").strip().lower()
    if not message or message.startswith("/"):
        return None
    words = WORD.findall(message)
    lists = word_list("language")
    english_words, indonesian_words = set(lists["english"]), set(lists["indonesian"])
    english = sum(1 for word in words if word in english_words and word not in indonesian_words)
    indonesian = sum(1 for word in words if word in indonesian_words and word not in english_words)
    if english >= 2 and english > 2 * indonesian:
        return "en"
    if indonesian >= 2 and indonesian > 2 * english:
        return "id"
    return None


class ActionValidateSlotMappings(ValidationAction):
    """After every user message: switches `language` when the customer writes in the other one."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """Only extraction: the global slots need no validation here."""
        return await self.get_extraction_events(dispatcher, tracker, domain)

    def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The language of the latest message when it is clear and differs from the slot."""
        detected = detect_language(tracker.latest_message.get("text"))
        if detected is None or detected == tracker.get_slot("language"):
            return {}
        return {"language": detected}
