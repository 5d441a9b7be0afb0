"""Creating the case after the confirmation, and telling when an agent reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendUnavailable
from actions.cases import ActionSubmitIntake
from actions.dates import WIB
from tests.unit.actions.fakes import TUESDAY_MORNING, FakeBackend, sent, texts, tracker

FRIDAY_EVENING = datetime(2026, 11, 20, 18, 30, tzinfo=WIB)
CHRISTMAS_EVE_EVENING = datetime(2026, 12, 24, 19, 0, tzinfo=WIB)

CONFIRMED = {
    "complainant_type": "user",
    "user_role": "borrower",
    "complaint_type": "complaint",
    "category": "transaction",
    "full_name": "Budi Santoso",
    "contact": "+6281234567890",
    "description": "Dana pinjaman saya belum cair padahal sudah disetujui",
    "priority": "high",
    "confirmed": True,
}


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def submit(
    backend: FakeBackend,
    slots: dict[str, Any],
    now: datetime = TUESDAY_MORNING,
    **message: Any,
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    backend.now = now  # the app's clock, which decides the operating hours
    events = await ActionSubmitIntake(backend).run(
        dispatcher, tracker(slots, text="/affirm", intent="affirm", **message), {}
    )
    return dispatcher, events


async def test_a_confirmed_intake_becomes_a_case_with_its_number_and_deadline_in_words(
    backend: FakeBackend,
) -> None:
    dispatcher, events = await submit(backend, CONFIRMED)
    assert sent(dispatcher) == ["case_created_complaint"]
    assert "KP-2611-00042X" in texts(dispatcher)
    assert "Selasa, 24 November 2026 pukul 17.00 WIB" in texts(dispatcher)
    slots = slot_values(events)
    assert slots["register_number"] == "KP-2611-00042X"
    assert slots["full_name"] is None and slots["confirmed"] is None


async def test_the_case_carries_the_answers_the_channel_and_the_conversation(
    backend: FakeBackend,
) -> None:
    await submit(backend, CONFIRMED, metadata={"channel": "telegram"}, sender_id="tg-77")
    [(case, key)] = backend.created
    assert case == {
        "complainant_type": "user",
        "user_role": "borrower",
        "complaint_type": "complaint",
        "category": "transaction",
        "priority": "high",
        "full_name": "Budi Santoso",
        "contact": "+6281234567890",
        "description": "Dana pinjaman saya belum cair padahal sudah disetujui",
        "channel": "telegram",
        "conversation_id": "tg-77",
    }
    assert key == "tg-77:m-1"


async def test_without_channel_metadata_the_channel_is_rest_and_defaults_fill_the_gaps(
    backend: FakeBackend,
) -> None:
    slots = {**CONFIRMED, "complaint_type": None, "category": None, "contact": "a@b.co"}
    await submit(backend, slots, metadata={"channel": "pigeon"})
    [(case, _)] = backend.created
    assert case["channel"] == "rest"
    assert case["complaint_type"] == "complaint"
    assert case["category"] == "other"
    assert case["contact"] == "a@b.co"  # the case API splits it into phone or e-mail


async def test_a_reporter_case_has_no_user_role(backend: FakeBackend) -> None:
    await submit(backend, {**CONFIRMED, "complainant_type": "reporter", "user_role": "borrower"})
    assert backend.created[0][0]["user_role"] is None


async def test_saying_no_to_the_summary_creates_nothing_and_forgets_the_answers(
    backend: FakeBackend,
) -> None:
    dispatcher, events = await submit(backend, {**CONFIRMED, "confirmed": False})
    assert sent(dispatcher) == ["intake_cancelled"]
    assert backend.created == []
    assert slot_values(events)["description"] is None


async def test_when_the_case_api_is_down_the_customer_is_told_and_the_answers_are_kept(
    backend: FakeBackend,
) -> None:
    backend.failure = BackendUnavailable("down")
    dispatcher, events = await submit(backend, CONFIRMED)
    assert sent(dispatcher) == ["case_not_registered"]
    assert slot_values(events) == {"intake_submission_key": "chat-1:m-1", "confirmed": None}
    assert {"event": "followup", "name": "intake_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


async def test_confirming_again_after_a_failure_reuses_the_same_idempotency_key(
    backend: FakeBackend,
) -> None:
    backend.failure = BackendUnavailable("down")
    _, events = await submit(backend, CONFIRMED, message_id="first-yes")
    backend.failure = None
    retry = {**CONFIRMED, **slot_values(events), "confirmed": True}
    dispatcher, _ = await submit(backend, retry, message_id="second-yes")
    assert [key for _, key in backend.created] == ["chat-1:first-yes", "chat-1:first-yes"]
    assert sent(dispatcher) == ["case_created_complaint"]


async def test_a_very_long_conversation_id_gives_a_hashed_key_the_api_accepts(
    backend: FakeBackend,
) -> None:
    await submit(backend, CONFIRMED, sender_id="x" * 200)
    key = backend.created[0][1]
    assert key.startswith("sha256:") and len(key) <= 128


async def test_within_operating_hours_nothing_is_said_about_when_an_agent_reads_it(
    backend: FakeBackend,
) -> None:
    dispatcher, _ = await submit(backend, CONFIRMED, now=TUESDAY_MORNING)
    assert "outside_operating_hours" not in sent(dispatcher)


async def test_on_a_friday_evening_the_customer_is_told_an_agent_reads_it_monday_at_nine(
    backend: FakeBackend,
) -> None:
    dispatcher, _ = await submit(backend, CONFIRMED, now=FRIDAY_EVENING)
    assert sent(dispatcher) == ["case_created_complaint", "outside_operating_hours"]
    assert "Senin, 23 November 2026 pukul 09.00 WIB" in texts(dispatcher)


async def test_after_hours_on_christmas_eve_the_next_opening_skips_the_holiday(
    backend: FakeBackend,
) -> None:
    dispatcher, _ = await submit(
        backend, {**CONFIRMED, "language": "en"}, now=CHRISTMAS_EVE_EVENING
    )
    assert "Monday, 28 December 2026 at 09:00 WIB" in texts(dispatcher)


async def test_when_the_operating_hours_cannot_be_read_the_case_is_still_announced(
    backend: FakeBackend,
) -> None:
    async def unavailable() -> dict[str, Any]:
        raise BackendUnavailable("down")

    backend.operating_hours = unavailable  # type: ignore[method-assign]
    dispatcher, events = await submit(backend, CONFIRMED, now=FRIDAY_EVENING)
    assert sent(dispatcher) == ["case_created_complaint"]
    assert slot_values(events)["register_number"] == "KP-2611-00042X"


async def test_the_case_description_carries_when_it_happened_and_the_loss(
    backend: FakeBackend,
) -> None:
    slots = {**CONFIRMED, "incident_date": "2026-11-19", "loss_amount": 5_000_000}
    await submit(backend, slots)
    description = backend.created[0][0]["description"]
    assert description == (
        "Dana pinjaman saya belum cair padahal sudah disetujui\n"
        "Waktu kejadian: 19 November 2026\n"
        "Kerugian: Rp5.000.000"
    )


async def test_feedback_becomes_a_low_priority_feedback_case_about_the_service(
    backend: FakeBackend,
) -> None:
    slots = {
        **CONFIRMED,
        "complaint_type": "feedback",
        "category": None,
        "priority": None,
        "description": "Sebaiknya ada mode gelap di aplikasi",
    }
    dispatcher, _ = await submit(backend, slots)
    case = backend.created[0][0]
    assert (case["complaint_type"], case["category"], case["priority"]) == (
        "feedback",
        "service",
        "low",
    )
    assert sent(dispatcher) == ["case_created_feedback"]


async def test_a_question_passed_on_becomes_a_question_case(backend: FakeBackend) -> None:
    slots = {
        **CONFIRMED,
        "complaint_type": None,
        "pending_question": "berapa bunga untuk tenor 6 bulan?",
        "description": "berapa bunga untuk tenor 6 bulan?",
        "category": None,
        "priority": None,
    }
    dispatcher, _ = await submit(backend, slots)
    assert backend.created[0][0]["complaint_type"] == "question"
    assert sent(dispatcher) == ["case_created_question"]
