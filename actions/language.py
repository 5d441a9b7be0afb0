"""The conversation's language, read from what the customer writes (Indonesian by default).

A trained language identifier decides (lingua, limited to Indonesian and English, which
also knows chat Indonesian's "gw udh blm"); no word list. A message switches the
`language` slot only when the identifier is confident and the message has words enough
to judge: button payloads, numbers, one-word answers ("ok", "no", "sip") and the answer to
the name or contact question ("Budi Santoso" in an English chat) leave it as it is.
`action_validate_slot_mappings` runs after every user message and applies it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from rasa_sdk import Tracker, ValidationAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import LANGUAGE_SLOT

WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS = 2
MIN_CONFIDENCE = 0.75
LANGUAGES = {Language.INDONESIAN: "id", Language.ENGLISH: "en"}
# What Rasa writes as the text of an intent injected by trigger_intent (the hand-back after
# a live chat sends "EXTERNAL: goodbye"): the customer did not write it.
EXTERNAL_MESSAGE_PREFIX = "EXTERNAL: "
# Answers that are names or contacts say nothing about the language.
SLOTS_WITHOUT_LANGUAGE = ("full_name", "contact")


@cache
def detector() -> LanguageDetector:
    """The identifier, built on first use (its models load lazily, not at import)."""
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).build()


def detect_language(text: object) -> str | None:
    """`en` or `id` when the identifier is confident; None for payloads, injected intents and
    short answers."""
    message = str(text or "").strip()
    if message.startswith(("/", EXTERNAL_MESSAGE_PREFIX)) or len(WORD.findall(message)) < MIN_WORDS:
        return None
    best = detector().compute_language_confidence_values(message)[0]
    return LANGUAGES[best.language] if best.value >= MIN_CONFIDENCE else None


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
        if tracker.get_slot("requested_slot") in SLOTS_WITHOUT_LANGUAGE:
            return {}
        detected = detect_language(tracker.latest_message.get("text"))
        if detected is None or detected == tracker.get_slot(LANGUAGE_SLOT):
            return {}
        return {LANGUAGE_SLOT: detected}
