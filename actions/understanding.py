"""What the NLU model understood of the latest message: its intent, category, topic and detail.

The model decides the meaning (config.yml): yes, no, stop or change-a-detail are intents;
the complaint category is the ResponseSelector's `complain/<category>`, predicted for every
message, so also for a description typed inside the form; the topic of a question about
the complaint service is the ResponseSelector's `faq/<topic>` (or a button's entity
`faq_topic`); the detail to change is the entity `field`. The actions only read these and
apply thresholds.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

CATEGORY_SELECTOR = "complain"
TOPIC_SELECTOR = "faq"
NO_CATEGORY = "none"
MIN_CATEGORY_CONFIDENCE = 0.5
# The intent classifier's confidences are calibrated probabilities (engine/linear_intents.py):
# "more likely than not" reads a yes, a no or a change; stopping a form asks for more.
MIN_ANSWER_CONFIDENCE = 0.5
MIN_CANCEL_CONFIDENCE = 0.6
# In a free-text answer (a name, a story) only a short message is taken as "stop".
FREE_TEXT_SLOTS = ("full_name", "description")
MAX_CANCEL_WORDS_IN_FREE_TEXT = 3
BUTTON_ANSWERS = {"/affirm": True, "/deny": False}


def intent(tracker: Tracker) -> tuple[str | None, float]:
    """The latest message's intent and its confidence (1.0 for a button's payload)."""
    found = tracker.latest_message.get("intent") or {}
    return found.get("name"), float(found.get("confidence") or 0.0)


def selected(tracker: Tracker, retrieval_intent: str, min_confidence: float) -> str | None:
    """The sub-intent a ResponseSelector chose for the latest message (`fraud` of
    `complain/fraud`); None when it is unsure."""
    selector = (tracker.latest_message.get("response_selector") or {}).get(retrieval_intent)
    response = (selector or {}).get("response") or {}
    key = str(response.get("intent_response_key") or "")
    if float(response.get("confidence") or 0.0) < min_confidence:
        return None
    return key.partition("/")[2] or None


def category(tracker: Tracker, min_confidence: float = MIN_CATEGORY_CONFIDENCE) -> str | None:
    """The complaint category the model reads in the latest message; None when unsure or none."""
    name = selected(tracker, CATEGORY_SELECTOR, min_confidence)
    return None if name == NO_CATEGORY else name


def faq_topic(tracker: Tracker) -> str | None:
    """The topic of a question about the complaint service: a button's, else the model's."""
    chosen = next(tracker.get_latest_entity_values("faq_topic"), None)
    return str(chosen) if chosen else selected(tracker, TOPIC_SELECTOR, 0.0)


def field(tracker: Tracker) -> str | None:
    """The detail a change request names (entity `field`, normalised by its synonyms)."""
    value = next(tracker.get_latest_entity_values("field"), None)
    return str(value) if value else None


def yes_or_no(tracker: Tracker) -> bool | None:
    """True for a clear yes, False for a clear no (typed or clicked); None otherwise."""
    text = str(tracker.latest_message.get("text") or "").strip().lower()
    if text in BUTTON_ANSWERS:
        return BUTTON_ANSWERS[text]
    name, confidence = intent(tracker)
    if confidence < MIN_ANSWER_CONFIDENCE:
        return None
    return {"affirm": True, "deny": False}.get(str(name))


def wants_change(tracker: Tracker) -> bool:
    """Whether the customer asks to change a detail (at the summary)."""
    name, confidence = intent(tracker)
    return name == "change_detail" and confidence >= MIN_ANSWER_CONFIDENCE


def is_cancel(tracker: Tracker) -> bool:
    """Whether the latest message asks to stop what is under way ("batal", "cancel it")."""
    name, confidence = intent(tracker)
    if name != "cancel" or confidence < MIN_CANCEL_CONFIDENCE:
        return False
    text: Any = tracker.latest_message.get("text") or ""
    if text.startswith("/"):
        return True
    in_free_text = tracker.get_slot("requested_slot") in FREE_TEXT_SLOTS
    return not in_free_text or len(str(text).split()) <= MAX_CANCEL_WORDS_IN_FREE_TEXT
