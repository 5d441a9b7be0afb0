"""The conversation's language follows what the customer writes."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.language import ActionValidateSlotMappings, detect_language
from tests.unit.actions.fakes import tracker


@pytest.mark.parametrize(
    "text",
    [
        "i want to complain",
        "How do I repay my loan?",
        "my loan was not disbursed",
        "a debt collector threatened me",
        "what are your opening hours",
        "yes thats correct",
        "the phone number is wrong",
    ],
)
def test_english_messages_are_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "saya mau mengadu",
        "dana blm cair udh 3 hari",
        "dc nya ngancem nyebarin data sy",
        "gw mau nanya nih",
        "sip mantap",
    ],
)
def test_indonesian_and_chat_indonesian_are_indonesian(text: str) -> None:
    assert detect_language(text) == "id"


@pytest.mark.parametrize(
    "text",
    [
        "0812-3456-7890",
        "ok",
        "hi",
        "no",
        "sip",
        "/complain",
        "KP-2611-00042X",
        "",
        "EXTERNAL: goodbye",
    ],
)
def test_numbers_payloads_injected_intents_and_one_word_answers_say_nothing(text: str) -> None:
    assert detect_language(text) is None


async def extracted(text: str, language: str, asking: str | None = None) -> list[dict]:
    action = ActionValidateSlotMappings()
    domain = {"slots": {"language": {"mappings": [{"type": "custom"}]}}}
    slots = {"language": language, "requested_slot": asking}
    return await action.run(CollectingDispatcher(), tracker(slots, text=text), domain)


async def test_an_english_message_switches_an_indonesian_conversation_to_english() -> None:
    events = await extracted("i want to file a complaint", "id")
    assert [(e["name"], e["value"]) for e in events] == [("language", "en")]


async def test_a_name_given_for_the_name_question_keeps_the_language_as_it_is() -> None:
    assert await extracted("Budi Santoso", "en", asking="full_name") == []


async def test_an_indonesian_sentence_switches_an_english_conversation_back() -> None:
    events = await extracted("sy mau lapor dc nya kasar bgt", "en", asking="description")
    assert [(e["name"], e["value"]) for e in events] == [("language", "id")]
