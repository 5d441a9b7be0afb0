"""Questions about the complaint service are answered with the institution's own numbers."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.questions import FAQ_INTENTS, ActionAnswerQuestion
from tests.unit.actions.fakes import sent, texts, tracker


async def ask(
    text: str, intent: str, slots: dict[str, Any] | None = None, loop: str | None = None
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    asked: Tracker = tracker(slots, text=text, intent=intent)
    asked.active_loop = {"name": loop} if loop else {}
    events = await ActionAnswerQuestion().run(dispatcher, asked, {})
    return dispatcher, events


@pytest.mark.parametrize("intent", FAQ_INTENTS)
async def test_every_service_topic_has_an_answer_in_both_languages(intent: str) -> None:
    for language in ("id", "en"):
        dispatcher, _ = await ask("?", intent, {"language": language})
        assert sent(dispatcher) == [intent]
        assert texts(dispatcher).strip()


async def test_response_times_come_from_the_institution_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INSTITUTION", "bank")
    dispatcher, _ = await ask("berapa lama?", "faq_response_time")
    answer = texts(dispatcher)
    assert "2 hari kerja" in answer and "10 hari kerja" in answer and "5 hari kerja" in answer


async def test_hours_name_the_operating_hours_and_holidays() -> None:
    dispatcher, _ = await ask("jam berapa buka", "faq_hours", {"language": "en"})
    assert "Monday to Friday, 09:00–17:00 WIB, except national holidays" in texts(dispatcher)


async def test_escalation_names_ojk_laps_and_court_and_offers_the_check() -> None:
    dispatcher, _ = await ask("kalau tidak puas?", "faq_escalation")
    answer = texts(dispatcher)
    assert "OJK" in answer and "LAPS SJK" in answer and "pengadilan" in answer
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/disagree_resolution"


async def test_a_question_the_bot_cannot_answer_is_offered_to_an_agent() -> None:
    question = "berapa bunga untuk tenor 6 bulan"
    dispatcher, events = await ask(question, "ask_question")
    assert sent(dispatcher) == ["offer_question_case"]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/register_question"
    assert [(e["name"], e["value"]) for e in events] == [("pending_question", question)]


async def test_just_wanting_to_ask_gets_the_topics() -> None:
    dispatcher, events = await ask("saya mau bertanya", "ask_question")
    assert sent(dispatcher) == ["ask_question_text"]
    assert events == []


async def test_a_question_in_the_middle_of_the_form_is_answered_and_the_form_resumes() -> None:
    dispatcher, _ = await ask("berapa lama prosesnya", "faq_response_time", loop="intake_form")
    assert sent(dispatcher) == ["faq_response_time", "form_resumes"]
