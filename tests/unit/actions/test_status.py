"""The status check: the filing chat hears the details; another chat confirms the contact first."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendUnavailable, InvalidRegisterNumber
from actions.status import (
    ActionCheckStatus,
    ActionEndContactCheck,
    ValidateContactCheckForm,
    tell_status,
)
from tests.unit.actions.fakes import CASE, FakeBackend, tracker


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def check(
    backend: FakeBackend, text: str, entities: list[dict[str, Any]], **slots: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ActionCheckStatus(backend).run(
        dispatcher, tracker(slots, text=text, intent="check_status", entities=entities), {}
    )
    return dispatcher.messages, events


def number(value: str) -> list[dict[str, Any]]:
    return [{"entity": "register_number", "value": value}]


async def test_a_received_case_is_told_with_both_deadlines_in_words(backend: FakeBackend) -> None:
    backend.cases["KP-2611-00042X"] = dict(CASE)
    messages, events = await check(backend, "status kp-2611-00042x", number("kp-2611-00042x"))
    assert [m["message_key"] for m in messages] == [
        "case_status_received",
        "case_first_response_due",
        "case_resolution_due",
    ]
    assert "KP-2611-00042X" in messages[0]["text"]
    assert "Selasa, 24 November 2026" in messages[1]["text"]
    assert "Jumat, 4 Desember 2026" in messages[2]["text"]
    assert slot_values(events) == {"register_number": "KP-2611-00042X"}


async def test_the_officer_is_named_when_one_is_assigned(backend: FakeBackend) -> None:
    backend.cases["KP-2611-00042X"] = {**CASE, "status": "in_progress", "officer": "Rina"}
    messages, _ = await check(backend, "status KP-2611-00042X", number("KP-2611-00042X"))
    assert messages[0]["message_key"] == "case_status_in_progress"
    assert messages[-1]["message_key"] == "case_officer" and "Rina" in messages[-1]["text"]


async def test_a_resolved_case_has_no_deadlines_left(backend: FakeBackend) -> None:
    backend.cases["KP-2611-00042X"] = {**CASE, "status": "resolved"}
    messages, _ = await check(backend, "KP-2611-00042X", number("KP-2611-00042X"))
    assert [m["message_key"] for m in messages] == ["case_status_resolved"]
    assert messages[0]["buttons"][0]["payload"] == "/disagree_resolution"


async def test_an_escalated_case_names_no_deadlines_as_the_case_api_says_it_is_not_open(
    backend: FakeBackend,
) -> None:
    backend.cases["KP-2611-00042X"] = {**CASE, "status": "escalated"}
    messages, _ = await check(backend, "KP-2611-00042X", number("KP-2611-00042X"))
    assert [m["message_key"] for m in messages] == ["case_status_escalated"]


def test_the_deadlines_follow_the_case_api_s_open_flag_not_the_status() -> None:
    open_case = {**CASE, "status": "resolved", "open": True}
    dispatcher = CollectingDispatcher()
    tell_status(dispatcher, tracker(), open_case)
    assert [m["message_key"] for m in dispatcher.messages] == [
        "case_status_resolved",
        "case_first_response_due",
        "case_resolution_due",
    ]


def test_a_status_without_a_message_is_told_as_in_progress() -> None:
    dispatcher = CollectingDispatcher()
    tell_status(dispatcher, tracker(), {**CASE, "status": "archived", "open": False})
    assert [m["message_key"] for m in dispatcher.messages] == ["case_status_in_progress"]


async def test_a_number_typed_with_spaces_is_looked_up_with_dashes(backend: FakeBackend) -> None:
    backend.cases["KP-2611-00042X"] = dict(CASE)
    messages, _ = await check(backend, "kp 2611 00042x", number("kp 2611 00042x"))
    assert "KP-2611-00042X" in messages[0]["text"]


async def test_an_unknown_number_is_said_to_be_unknown(backend: FakeBackend) -> None:
    messages, _ = await check(backend, "KP-2611-00099A", number("KP-2611-00099A"))
    assert [m["message_key"] for m in messages] == ["case_not_found"]
    assert "KP-2611-00099A" in messages[0]["text"]


async def test_a_mistyped_number_is_said_to_look_mistyped(backend: FakeBackend) -> None:
    backend.failure = InvalidRegisterNumber("mistyped")
    messages, _ = await check(backend, "KP-2611-00042Y", number("KP-2611-00042Y"))
    assert [m["message_key"] for m in messages] == ["register_number_invalid"]


async def test_a_status_request_without_a_number_asks_for_it(backend: FakeBackend) -> None:
    messages, events = await check(backend, "cek status pengaduan saya", [])
    assert [m["message_key"] for m in messages] == ["ask_register_number"]
    assert events == []


async def test_without_a_number_the_case_of_this_conversation_is_looked_up(
    backend: FakeBackend,
) -> None:
    backend.cases["KP-2611-00042X"] = dict(CASE)
    messages, _ = await check(backend, "cek pengaduan saya", [], register_number="KP-2611-00042X")
    assert messages[0]["message_key"] == "case_status_received"


async def test_when_the_case_api_is_down_the_customer_is_asked_to_try_later(
    backend: FakeBackend,
) -> None:
    backend.failure = BackendUnavailable("down")
    messages, _ = await check(backend, "KP-2611-00042X", number("KP-2611-00042X"))
    assert [m["message_key"] for m in messages] == ["status_unavailable"]


async def test_another_chat_hears_only_that_the_case_exists_and_is_asked_to_confirm(
    backend: FakeBackend,
) -> None:
    backend.cases["KP-2611-00042X"] = dict(CASE)
    dispatcher = CollectingDispatcher()
    events = await ActionCheckStatus(backend).run(
        dispatcher,
        tracker(
            text="KP-2611-00042X",
            intent="check_status",
            entities=number("KP-2611-00042X"),
            sender_id="stranger",
        ),
        {},
    )
    assert [m["message_key"] for m in dispatcher.messages] == ["case_exists_verify"]
    text = dispatcher.messages[0]["text"]
    assert "Jumat" not in text and "diterima" not in text
    assert slot_values(events)["contact_check_asks_for"] == "phone_digits"
    assert [e["name"] for e in events if e["event"] == "followup"] == ["contact_check_form"]


async def answer(
    backend: FakeBackend, value: str, attempts: int = 0, sender_id: str = "stranger"
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    slots = await ValidateContactCheckForm(backend).validate_contact_answer(
        value,
        dispatcher,
        tracker(
            {"register_number": "KP-2611-00042X", "contact_check_attempts": attempts},
            text=value,
            sender_id=sender_id,
        ),
        {},
    )
    return dispatcher.messages, slots


async def test_the_right_four_digits_tell_the_status(backend: FakeBackend) -> None:
    backend.cases["KP-2611-00042X"] = dict(CASE)
    messages, slots = await answer(backend, "7890")
    assert messages[0]["message_key"] == "case_status_received"
    assert slots == {"contact_answer": "verified", "contact_check_attempts": None}


async def test_the_typed_digits_are_never_kept_in_a_slot(backend: FakeBackend) -> None:
    backend.cases["KP-2611-00042X"] = dict(CASE)
    for value in ("7890", "1111"):
        _, slots = await answer(backend, value)
        assert value not in slots.values()


async def test_a_first_wrong_answer_is_asked_again(backend: FakeBackend) -> None:
    backend.cases["KP-2611-00042X"] = dict(CASE)
    messages, slots = await answer(backend, "1111")
    assert [m["message_key"] for m in messages] == ["contact_check_wrong"]
    assert slots == {"contact_answer": None, "contact_check_attempts": 1}


async def test_a_second_wrong_answer_ends_the_check_with_a_human_offered(
    backend: FakeBackend,
) -> None:
    backend.cases["KP-2611-00042X"] = dict(CASE)
    messages, slots = await answer(backend, "entah", attempts=1)
    assert [m["message_key"] for m in messages] == ["contact_check_failed"]
    assert "/request_human" in [b["payload"] for b in messages[0]["buttons"]]
    assert slots["contact_answer"] == "failed"


async def test_a_case_locked_by_guessing_is_not_asked_about(backend: FakeBackend) -> None:
    backend.cases["KP-2611-00042X"] = dict(CASE)
    backend.failed_checks["KP-2611-00042X"] = 5
    dispatcher = CollectingDispatcher()
    await ActionCheckStatus(backend).run(
        dispatcher,
        tracker(text="KP-2611-00042X", entities=number("KP-2611-00042X"), sender_id="x"),
        {},
    )
    assert [m["message_key"] for m in dispatcher.messages] == ["case_exists_locked"]


async def test_ending_the_check_clears_its_slots() -> None:
    events = await ActionEndContactCheck().run(CollectingDispatcher(), tracker(), {})
    assert all(event["value"] is None for event in events)


async def test_during_another_form_the_check_is_left_for_later(backend: FakeBackend) -> None:
    backend.cases["KP-2611-00042X"] = dict(CASE)
    during = tracker(text="KP-2611-00042X", entities=number("KP-2611-00042X"), sender_id="x")
    during.active_loop = {"name": "intake_form"}
    dispatcher = CollectingDispatcher()
    events = await ActionCheckStatus(backend).run(dispatcher, during, {})
    assert [m["message_key"] for m in dispatcher.messages] == [
        "case_exists_verify",
        "contact_check_after_form",
    ]
    assert not [e for e in events if e["event"] == "followup"]
