"""Handing the chat to a person: on request, after two misunderstandings, for an emergency."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import messages
from actions.backend_client import BackendUnavailable
from actions.handoff import ActionFallback, ActionHandoff, failed_twice
from actions.messages import render
from tests.unit.actions.fakes import FakeBackend, sent, tracker
from tests.unit.actions.test_cases import CONFIRMED, submit


async def request(backend: FakeBackend, **message: Any) -> tuple[list[Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ActionHandoff(backend).run(
        dispatcher, tracker(text="mau bicara dengan CS", intent="request_human", **message), {}
    )
    return dispatcher.messages, events


async def test_a_request_for_a_person_queues_the_chat_and_pauses_the_bot(
    backend: FakeBackend,
) -> None:
    messages, events = await request(backend, metadata={"channel": "telegram"})

    assert backend.handoffs == [("chat-1", "requested", "telegram")]
    assert [m["message_key"] for m in messages] == ["handoff_now"]
    assert [e["event"] for e in events] == ["pause"]


async def test_outside_operating_hours_the_customer_learns_when_an_agent_answers(
    backend: FakeBackend,
) -> None:
    backend.handoff_outcome = {
        "handed_off": True,
        "open": False,
        "next_opening": "2026-11-23T09:00:00+07:00",
    }

    [message], events = await request(backend)

    assert message["message_key"] == "handoff_later"
    assert "Senin, 23 November 2026 pukul 09.00 WIB" in message["text"]
    assert [e["event"] for e in events] == ["pause"]


async def test_when_the_case_api_is_down_the_bot_apologises_and_keeps_the_chat(
    backend: FakeBackend,
) -> None:
    backend.failure = BackendUnavailable("down")

    messages, events = await request(backend)

    assert [m["message_key"] for m in messages] == ["handoff_unavailable"]
    assert events == []


async def test_an_emergency_case_goes_to_an_agent_during_operating_hours(
    backend: FakeBackend,
) -> None:
    dispatcher, events = await submit(backend, {**CONFIRMED, "priority": "emergency"})

    assert backend.handoffs == [("chat-1", "emergency", "rest")]
    assert sent(dispatcher)[-1] == "handoff_emergency"  # after the case's number
    assert events[-1]["event"] == "pause"


async def test_an_emergency_case_outside_operating_hours_stays_with_the_bot(
    backend: FakeBackend,
) -> None:
    backend.handoff_outcome = {"handed_off": False, "open": False, "next_opening": "x"}

    dispatcher, events = await submit(backend, {**CONFIRMED, "priority": "emergency"})

    assert "handoff_emergency" not in sent(dispatcher)
    assert all(e["event"] != "pause" for e in events)


async def test_a_case_that_is_no_emergency_is_not_handed_off(backend: FakeBackend) -> None:
    await submit(backend, CONFIRMED)

    assert backend.handoffs == []


def conversation(*intents: str) -> Tracker:
    """A tracker whose user messages had these intents, oldest first."""
    events = [
        {"event": "user", "text": name, "parse_data": {"intent": {"name": name}}}
        for name in intents
    ]
    return Tracker("chat-1", {}, events[-1]["parse_data"], events, False, None, {}, "action_listen")


def test_a_second_misunderstanding_in_a_row_counts_as_failing_twice() -> None:
    assert failed_twice(conversation("nlu_fallback", "nlu_fallback"))
    assert not failed_twice(conversation("nlu_fallback"))
    assert not failed_twice(conversation("nlu_fallback", "greet", "nlu_fallback"))


async def test_the_first_misunderstanding_explains_and_the_second_offers_a_person() -> None:
    first, second = CollectingDispatcher(), CollectingDispatcher()

    await ActionFallback().run(first, conversation("greet", "nlu_fallback"), {})
    await ActionFallback().run(second, conversation("nlu_fallback", "nlu_fallback"), {})

    assert sent(first) == ["utter_default"]
    assert sent(second) == ["offer_handoff"]


def test_the_offer_s_first_button_asks_for_a_person() -> None:
    for language in messages.LANGUAGES:
        assert render("offer_handoff", language)["buttons"][0]["payload"] == "/request_human"
