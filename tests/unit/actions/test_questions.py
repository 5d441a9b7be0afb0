"""Questions about the complaint service are answered with the institution's own numbers."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendUnavailable
from actions.questions import TOPICS, ActionAnswerQuestion
from tests.unit.actions.fakes import FakeBackend, sent, texts, tracker


async def ask(
    text: str,
    intent: str,
    slots: dict[str, Any] | None = None,
    loop: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    backend: FakeBackend | None = None,
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    """`faq/<topic>` is the retrieval intent faq with the ResponseSelector's topic."""
    dispatcher = CollectingDispatcher()
    name, _, topic = intent.partition("/")
    asked: Tracker = tracker(slots, text=text, intent=name, faq_topic=topic, entities=entities)
    asked.active_loop = {"name": loop} if loop else {}
    events = await ActionAnswerQuestion(backend or FakeBackend()).run(dispatcher, asked, {})
    return dispatcher, events


@pytest.mark.parametrize("topic", TOPICS)
async def test_every_service_topic_has_an_answer_in_both_languages(topic: str) -> None:
    for language in ("id", "en"):
        dispatcher, _ = await ask("?", f"faq/{topic}", {"language": language})
        assert sent(dispatcher) == [f"faq_{topic}"]
        assert texts(dispatcher).strip()


async def test_a_topic_button_is_answered_whatever_the_model_read() -> None:
    chosen = [{"entity": "faq_topic", "value": "hours"}]
    dispatcher, _ = await ask('/faq{"faq_topic":"hours"}', "faq/refusal", entities=chosen)
    assert sent(dispatcher) == ["faq_hours"]


async def test_every_topic_button_names_a_topic_with_an_answer() -> None:
    dispatcher, _ = await ask("mau tanya", "ask_question")
    payloads = [button["payload"] for button in dispatcher.messages[0]["buttons"]]
    assert payloads and all(
        any(f'"faq_topic":"{topic}"' in payload for topic in TOPICS) for payload in payloads
    )


async def test_response_times_come_from_the_institution_the_app_runs_with(
    backend: FakeBackend,
) -> None:
    backend.institution_key = "bank"
    dispatcher, _ = await ask("berapa lama?", "faq/response_time", backend=backend)
    answer = texts(dispatcher)
    assert "2 hari kerja" in answer and "10 hari kerja" in answer and "5 hari kerja" in answer


async def test_without_the_case_api_response_times_are_not_guessed(backend: FakeBackend) -> None:
    backend.failure = BackendUnavailable("down")
    dispatcher, _ = await ask("berapa lama?", "faq/response_time", backend=backend)
    assert sent(dispatcher) == ["service_unavailable"]


async def test_a_topic_without_periods_is_answered_without_the_case_api(
    backend: FakeBackend,
) -> None:
    backend.failure = BackendUnavailable("down")
    dispatcher, _ = await ask("jam berapa buka", "faq/hours", backend=backend)
    assert sent(dispatcher) == ["faq_hours"]


async def test_hours_name_the_operating_hours_and_holidays() -> None:
    dispatcher, _ = await ask("jam berapa buka", "faq/hours", {"language": "en"})
    assert "Monday to Friday, 09:00–17:00 WIB, except national holidays" in texts(dispatcher)


async def test_escalation_names_ojk_laps_and_court_and_offers_the_check() -> None:
    dispatcher, _ = await ask("kalau tidak puas?", "faq/escalation")
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
    dispatcher, _ = await ask("berapa lama prosesnya", "faq/response_time", loop="intake_form")
    assert sent(dispatcher) == ["faq_response_time", "form_resumes"]
